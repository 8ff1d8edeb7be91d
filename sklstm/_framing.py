"""Frame a series as a supervised problem: inputs and the value(s) that follow.

Two routes, one helper each:

* :func:`frame_supervised` for the Pipeline route: ``X`` is the series itself
  (one row per step, pandas index kept) and ``y`` holds the next ``horizon``
  values of the target, so that ``SlidingWindowTransformer`` + ``LSTMRegressor``
  can be cross-validated with ``TimeSeriesSplit``.
* :func:`frame_windows` for users who build arrays themselves (the Keras
  habit): full windows only, ``(n_samples, window_length, n_features)`` and
  their targets.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
import pandas as pd

from ._window import sliding_windows


def _check_positive_int(value, name):
    if not isinstance(value, Integral) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}.")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}.")


def _target_position(series, target):
    """Column position of the target in a 2-D series."""
    n_columns = series.shape[1]
    if isinstance(series, pd.DataFrame):
        if target is None:
            if n_columns == 1:
                return 0
            raise ValueError(
                f"The DataFrame has {n_columns} columns; name the one to "
                f"predict with target=<column name> (one of {list(series.columns)})."
            )
        if target not in series.columns:
            raise ValueError(
                f"target={target!r} is not a column of the DataFrame; "
                f"columns are {list(series.columns)}."
            )
        return series.columns.get_loc(target)
    if target is None:
        if n_columns == 1:
            return 0
        raise ValueError(
            f"The array has {n_columns} columns; give the position of the one "
            f"to predict with target=<int>."
        )
    if not isinstance(target, Integral) or not -n_columns <= target < n_columns:
        raise ValueError(
            f"target must be a column position in [0, {n_columns}) for an "
            f"array input, got {target!r}."
        )
    return int(target) % n_columns


def _check_series(series):
    if isinstance(series, pd.Series | pd.DataFrame):
        if series.ndim == 2 and len(series.columns) == 0:
            raise ValueError("The DataFrame has no columns.")
        return series
    arr = np.asarray(series)
    if arr.ndim not in (1, 2):
        raise ValueError(
            f"Expected a series of shape (n_steps,) or (n_steps, n_features), "
            f"got an array with {arr.ndim} dimensions."
        )
    return arr


def frame_supervised(series, horizon: int = 1, *, target=None):
    """Pair every step of a series with the value(s) that follow it.

    Parameters
    ----------
    series : pd.Series, pd.DataFrame or array-like of shape (n_steps,) or \
(n_steps, n_features)
        The series, oldest observation first.
    horizon : int, default=1
        Number of future values of the target in ``y``.
    target : str or int, default=None
        The column to predict, by name (DataFrame) or position (array).
        Required when the series has more than one column.

    Returns
    -------
    X : same type as ``series``, ``n_steps - horizon`` rows
        The series without its last ``horizon`` rows (index kept).
    y : pd.Series/ndarray of shape (n_steps - horizon,) or \
pd.DataFrame/ndarray of shape (n_steps - horizon, horizon)
        ``y[i]`` holds the target at steps ``i + 1 .. i + horizon``; 1-D when
        ``horizon == 1``. pandas ``y`` shares ``X``'s index.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm import frame_supervised
    >>> X, y = frame_supervised(pd.Series([2, 4, 6, 8], name="even"))
    >>> X.tolist(), y.tolist()
    ([2, 4, 6], [4, 6, 8])
    """
    _check_positive_int(horizon, "horizon")
    series = _check_series(series)
    n_steps = len(series)
    if n_steps <= horizon:
        raise ValueError(
            f"The series has {n_steps} steps; it needs more than horizon="
            f"{horizon} to give at least one (X, y) pair."
        )
    n_rows = n_steps - horizon
    if isinstance(series, pd.Series):
        values, name = series.to_numpy(), series.name
    elif isinstance(series, pd.DataFrame):
        pos = _target_position(series, target)
        values, name = series.iloc[:, pos].to_numpy(), series.columns[pos]
    else:
        pos = 0 if series.ndim == 1 else _target_position(series, target)
        values, name = (series if series.ndim == 1 else series[:, pos]), None

    # Column k holds the value k + 1 steps ahead of row i.
    future = np.stack([values[k + 1 : k + 1 + n_rows] for k in range(horizon)], 1)
    if isinstance(series, pd.Series | pd.DataFrame):
        X = series.iloc[:n_rows]
        if horizon == 1:
            y = pd.Series(future[:, 0], index=X.index, name=name)
        else:
            prefix = "y" if name is None else str(name)
            columns = [f"{prefix}_t+{k + 1}" for k in range(horizon)]
            y = pd.DataFrame(future, index=X.index, columns=columns)
        return X, y
    X = series[:n_rows]
    return X, (future[:, 0] if horizon == 1 else future)


def frame_windows(series, window_length: int, horizon: int = 1, *, target=None):
    """Cut a series into full windows and the value(s) that follow each.

    The explicit route for users who build the 3-D array themselves:
    sample ``j`` is ``series[j : j + window_length]`` and its target is the
    target column at ``j + window_length .. j + window_length + horizon - 1``.

    Parameters
    ----------
    series : pd.Series, pd.DataFrame or array-like of shape (n_steps,) or \
(n_steps, n_features)
        The series, oldest observation first.
    window_length : int
        Number of steps in each window.
    horizon : int, default=1
        Number of future target values per window.
    target : str or int, default=None
        The column to predict (required for more than one column).

    Returns
    -------
    X_windows : ndarray of shape (n_samples, window_length, n_features)
        Read-only view, ``n_samples = n_steps - window_length - horizon + 1``.
    y : ndarray of shape (n_samples,) or (n_samples, horizon)
        1-D when ``horizon == 1``.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import frame_windows
    >>> X, y = frame_windows(np.arange(2.0, 14.0, 2.0), window_length=3)
    >>> X[:, :, 0]
    array([[ 2.,  4.,  6.],
           [ 4.,  6.,  8.],
           [ 6.,  8., 10.]])
    >>> y
    array([ 8., 10., 12.])
    """
    _check_positive_int(window_length, "window_length")
    _check_positive_int(horizon, "horizon")
    series = _check_series(series)
    n_steps = len(series)
    if n_steps < window_length + horizon:
        raise ValueError(
            f"The series has {n_steps} steps, fewer than window_length + horizon "
            f"= {window_length + horizon}; shorten the window or the horizon."
        )
    if isinstance(series, pd.Series):
        values, pos = series.to_numpy()[:, None], 0
    elif isinstance(series, pd.DataFrame):
        pos = _target_position(series, target)
        values = series.to_numpy()
    else:
        values = series[:, None] if series.ndim == 1 else series
        pos = _target_position(values, target)
    if values.dtype.kind not in "biuf":
        raise TypeError(
            f"The series must be numeric, got dtype {values.dtype}; encode or "
            f"drop non-numeric columns first."
        )
    values = values.astype(np.result_type(values.dtype, np.float32), copy=False)
    n_samples = n_steps - window_length - horizon + 1
    windows = sliding_windows(values[: n_samples + window_length - 1], window_length)
    X = windows[window_length - 1 :]
    future = np.stack(
        [
            values[window_length + k : window_length + k + n_samples, pos]
            for k in range(horizon)
        ],
        axis=1,
    )
    return X, (future[:, 0] if horizon == 1 else future)
