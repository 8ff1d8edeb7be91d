"""LSTM and GRU sequence models that behave like scikit-learn estimators.

``import sklstm`` is cheap: torch and skorch are imported only when a model is
fitted, used for prediction or loaded, so that processes which only build,
clone or pickle pipelines (joblib workers, notebooks) start fast.
"""

from ._classifier import LSTMClassifier
from ._exceptions import DivergenceError, ExtrapolationWarning
from ._forecast import SeriesForecaster
from ._framing import frame_supervised, frame_windows
from ._padding import pad_sequences
from ._persistence import load_model, save_model
from ._regressor import LSTMRegressor
from ._window import SlidingWindowTransformer, sliding_windows

__version__ = "0.1.0"

__all__ = [
    "DivergenceError",
    "ExtrapolationWarning",
    "LSTMClassifier",
    "LSTMRegressor",
    "SeriesForecaster",
    "SlidingWindowTransformer",
    "frame_supervised",
    "frame_windows",
    "load_model",
    "pad_sequences",
    "save_model",
    "sliding_windows",
    "__version__",
]
