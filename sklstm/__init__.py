"""LSTM and GRU sequence models that behave like scikit-learn estimators.

``import sklstm`` is cheap: torch and skorch are imported only when a model is
fitted, used for prediction or loaded, so that processes which only build,
clone or pickle pipelines (joblib workers, notebooks) start fast.

The package is organised by concern (see ARCHITECTURE.md): :mod:`sklstm.windows`
(series in, windows out), :mod:`sklstm.model_selection`, :mod:`sklstm.nn` (the
torch side), :mod:`sklstm.estimators`, :mod:`sklstm.forecasting`,
:mod:`sklstm.metrics` (forecast accuracy and scorers), :mod:`sklstm.io`
and :mod:`sklstm.plotting`, plus example data in :mod:`sklstm.datasets`.
Every public name of these subpackages but :mod:`sklstm.metrics` is also
available here; the metrics are reached as ``sklstm.metrics``.
"""

from . import metrics as metrics  # the subpackage, reached as sklstm.metrics
from ._version import __version__
from .estimators import LSTMClassifier, LSTMRegressor
from .exceptions import DivergenceError, ExtrapolationWarning, UnderfitWarning
from .forecasting import SeriesForecaster
from .io import export_onnx, load_model, save_model
from .model_selection import PanelTimeSeriesSplit
from .plotting import plot_forecast, plot_loss
from .windows import (
    FlattenWindows,
    LazyWindows,
    SlidingWindowTransformer,
    frame_supervised,
    frame_windows,
    lazy_windows,
    pad_sequences,
    sliding_windows,
)

__all__ = [
    "DivergenceError",
    "ExtrapolationWarning",
    "FlattenWindows",
    "LazyWindows",
    "LSTMClassifier",
    "LSTMRegressor",
    "PanelTimeSeriesSplit",
    "SeriesForecaster",
    "SlidingWindowTransformer",
    "UnderfitWarning",
    "export_onnx",
    "frame_supervised",
    "frame_windows",
    "lazy_windows",
    "load_model",
    "pad_sequences",
    "plot_forecast",
    "plot_loss",
    "save_model",
    "sliding_windows",
    "__version__",
]
