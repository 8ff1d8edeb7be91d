"""Sliding windows over a series, as a strided view (pure numpy).

Row ``i`` of the output is the window that *ends* at observation ``i``; the
first ``window_length - 1`` windows are padded (NaN by default, read by the
estimators as "this sequence starts later"). The transformer that wraps this
function for a Pipeline is :class:`~sklstm.SlidingWindowTransformer`.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np

from ._series import shape_error

_PADDINGS = ("nan", "zero", "edge")


def sliding_windows(
    X: np.ndarray,
    window_length: int,
    *,
    padding: str = "nan",
    history: np.ndarray | None = None,
) -> np.ndarray:
    """Return the window ending at every step of a series, as a strided view.

    Parameters
    ----------
    X : ndarray of shape (n_steps,) or (n_steps, n_features)
        The series, oldest observation first. A 1-D array is one feature.
    window_length : int
        Number of consecutive steps in each window (``>= 1``).
    padding : {"nan", "zero", "edge"}, default="nan"
        What fills the steps before the start of the series in the first
        ``window_length - 1`` windows: NaN (missing history, which
        :class:`~sklstm.LSTMRegressor` skips), zeros, or the first value.
    history : ndarray of shape (n_history, n_features), default=None
        Real observations that precede ``X`` (for example the end of the
        training fold). They are used before any padding.

    Returns
    -------
    windows : ndarray of shape (n_steps, window_length, n_features)
        A read-only view into a padded copy of the series: memory grows with
        ``n_steps + window_length``, not ``n_steps * window_length``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import sliding_windows
    >>> w = sliding_windows(np.array([2.0, 4.0, 6.0, 8.0]), 3)
    >>> w.shape
    (4, 3, 1)
    >>> w[:, :, 0]
    array([[nan, nan,  2.],
           [nan,  2.,  4.],
           [ 2.,  4.,  6.],
           [ 4.,  6.,  8.]])
    """
    if not isinstance(window_length, Integral) or isinstance(window_length, bool):
        raise TypeError(
            f"window_length must be an int, got {type(window_length).__name__}."
        )
    if window_length < 1:
        raise ValueError(f"window_length must be >= 1, got {window_length}.")
    if padding not in _PADDINGS:
        raise ValueError(f"padding must be one of {_PADDINGS}, got {padding!r}.")
    X = np.asarray(X)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if X.ndim != 2:
        raise shape_error(X.ndim)
    if X.dtype.kind != "f":
        raise TypeError(
            f"sliding_windows needs a floating point series (NaN marks missing "
            f"history), got dtype {X.dtype}. Convert with X.astype(np.float32)."
        )
    n_steps, n_features = X.shape
    if history is None:
        history = X[:0]
    history = np.asarray(history, dtype=X.dtype).reshape(-1, n_features)
    history = history[len(history) - min(len(history), window_length - 1) :]
    n_pad = window_length - 1 - len(history)

    padded = np.empty((n_pad + len(history) + n_steps, n_features), dtype=X.dtype)
    if n_pad:
        if padding == "nan":
            padded[:n_pad] = np.nan
        elif padding == "zero":
            padded[:n_pad] = 0
        else:
            first = history[:1] if len(history) else X[:1]
            padded[:n_pad] = first if len(first) else np.nan
    padded[n_pad : n_pad + len(history)] = history
    padded[n_pad + len(history) :] = X

    # sliding_window_view puts the window axis last: (n, F, W) -> (n, W, F).
    windows = np.lib.stride_tricks.sliding_window_view(padded, window_length, axis=0)
    return np.moveaxis(windows, -1, 1)
