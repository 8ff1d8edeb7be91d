"""LSTM and GRU sequence models that behave like scikit-learn estimators.

``import sklstm`` is cheap: torch and skorch are imported only when a model is
fitted, used for prediction or loaded, so that processes which only build,
clone or pickle pipelines (joblib workers, notebooks) start fast.
"""

from ._classifier import LSTMClassifier
from ._exceptions import DivergenceError, ExtrapolationWarning
from ._export import export_onnx
from ._forecast import SeriesForecaster
from ._framing import frame_supervised, frame_windows
from ._lazy import LazyWindows, lazy_windows
from ._model_selection import PanelTimeSeriesSplit
from ._padding import pad_sequences
from ._persistence import load_model, save_model
from ._plotting import plot_forecast, plot_loss
from ._regressor import LSTMRegressor
from ._window import SlidingWindowTransformer, sliding_windows

__version__ = "0.1.0"

__all__ = [
    "DivergenceError",
    "ExtrapolationWarning",
    "LazyWindows",
    "LSTMClassifier",
    "LSTMRegressor",
    "PanelTimeSeriesSplit",
    "SeriesForecaster",
    "SlidingWindowTransformer",
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
