"""Series in, windows out: the data side of sklstm (pure numpy and pandas).

Reads a series, a frame or a panel once (time index, target column, future
values), cuts it into ``(n_samples, n_timesteps, n_features)`` windows, as
strided views or read on demand, and frames it as a supervised problem.
Nothing here imports torch or the estimators.
"""

from ._flatten import FlattenWindows
from ._framing import frame_supervised, frame_windows
from ._lazy import LazyWindows, lazy_windows
from ._padding import pad_sequences
from ._sliding import sliding_windows
from ._transformer import SlidingWindowTransformer

__all__ = [
    "FlattenWindows",
    "LazyWindows",
    "SlidingWindowTransformer",
    "frame_supervised",
    "frame_windows",
    "lazy_windows",
    "pad_sequences",
    "sliding_windows",
]
