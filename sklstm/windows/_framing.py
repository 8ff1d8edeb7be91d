"""Frame a series as a supervised problem: inputs and the value(s) that follow.

Two routes, one helper each:

* :func:`frame_supervised` for the Pipeline route: ``X`` is the series itself
  (one row per step, pandas index kept) and ``y`` holds the next ``horizon``
  values of the target, so that ``SlidingWindowTransformer`` + ``LSTMRegressor``
  can be cross-validated with ``TimeSeriesSplit``.
* :func:`frame_windows` for users who build arrays themselves (the Keras
  habit): full windows only, ``(n_samples, window_length, n_features)`` and
  their targets.

Both frame each series of a panel (a ``(series id, time)`` MultiIndex) on
its own, so that no input or target comes from another series.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
import pandas as pd

from ._index import checked_step
from ._panel import read_panel, short_series_error
from ._series import future_values, read_series, target_position
from ._sliding import sliding_windows


def _check_positive_int(value, name):
    if not isinstance(value, Integral) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}.")
    if value < 1:
        raise ValueError(f"{name} must be >= 1, got {value}.")


def frame_supervised(series, horizon: int = 1, *, target=None):
    """Pair every step of a series with the value(s) that follow it.

    Parameters
    ----------
    series : pd.Series, pd.DataFrame or array-like of shape (n_steps,) or \
(n_steps, n_features)
        The series, oldest observation first; or a panel of many series,
        a pandas object indexed by ``(series id, time)`` in any row order
        (``df.set_index(["store", "date"])`` makes one from a long table).
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
        ``horizon == 1``. pandas ``y`` shares ``X``'s index. For a panel,
        ``X`` is each series without its last ``horizon`` rows, in the
        caller's row order, and ``y`` the next values of the same series.

    Raises
    ------
    ValueError
        When the index of pandas input is not a regular time axis (unsorted,
        duplicated, or with gaps): the same rules and messages as
        :class:`~sklstm.SlidingWindowTransformer` and
        :class:`~sklstm.SeriesForecaster`. For a panel, when a series has
        gaps, duplicate times or at most ``horizon`` rows (the series are
        named).

    Notes
    -----
    With ``horizon > 1``, row ``i`` of ``y`` holds the target at steps
    ``i + 1 .. i + horizon``, so the last ``horizon - 1`` training rows of a
    time-ordered split carry labels that are the first test targets. Leave
    them out with ``TimeSeriesSplit(gap=horizon - 1)``: then no test target
    appears among the training labels. (No warning is raised: the framing
    cannot know which splitter follows.) ``horizon == 1`` needs no gap.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm import frame_supervised
    >>> X, y = frame_supervised(pd.Series([2, 4, 6, 8], name="even"))
    >>> X.tolist(), y.tolist()
    ([2, 4, 6], [4, 6, 8])

    A panel: the targets of each row come from its own series.

    >>> index = pd.MultiIndex.from_product([["a", "b"], [1, 2, 3]])
    >>> X, y = frame_supervised(pd.Series([1, 2, 3, 10, 20, 30], index=index))
    >>> X.tolist(), y.tolist()
    ([1, 2, 10, 20], [2, 3, 20, 30])
    """
    _check_positive_int(horizon, "horizon")
    data = read_series(series)
    panel = _checked_index(data)
    n_steps = len(data)
    if panel is not None:
        short = short_series_error(panel, horizon + 1, f"horizon={horizon}", "series")
        if short is not None:
            raise short
    elif n_steps <= horizon:
        raise ValueError(
            f"The series has {n_steps} steps; it needs more than horizon="
            f"{horizon} to give at least one (X, y) pair."
        )
    pos = target_position(data.columns, target, by_name=data.by_name)
    if panel is None:
        n_rows = n_steps - horizon
        future = future_values(data.column(pos), horizon, n_rows)
        X = data.head(n_rows)
    else:
        X, future = _panel_future(data, panel, pos, horizon)
    if data.kind == "array":
        return X, (future[:, 0] if horizon == 1 else future)
    # An unnamed Series has column 0 in its frame form, but its y stays unnamed.
    name = series.name if data.kind == "series" else data.columns[pos]
    if horizon == 1:
        return X, pd.Series(future[:, 0], index=X.index, name=name)
    prefix = "y" if name is None else str(name)
    columns = [f"{prefix}_t+{k + 1}" for k in range(horizon)]
    return X, pd.DataFrame(future, index=X.index, columns=columns)


def frame_windows(series, window_length: int, horizon: int = 1, *, target=None):
    """Cut a series into full windows and the value(s) that follow each.

    The explicit route for users who build the 3-D array themselves:
    sample ``j`` is ``series[j : j + window_length]`` and its target is the
    target column at ``j + window_length .. j + window_length + horizon - 1``.

    Parameters
    ----------
    series : pd.Series, pd.DataFrame or array-like of shape (n_steps,) or \
(n_steps, n_features)
        The series, oldest observation first; or a panel indexed by
        ``(series id, time)``: each series gives its own windows.
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
        For a panel, a read-only array of the windows of every series, in
        the caller's order of the row each window ends at; a series
        shorter than ``window_length + horizon`` raises ``ValueError``
        naming it.
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
    data = read_series(series)
    panel = _checked_index(data)
    n_steps = len(data)
    needed = window_length + horizon
    if panel is not None:
        why = f"window_length + horizon = {needed}"
        short = short_series_error(panel, needed, why, "series")
        if short is not None:
            raise short
    elif n_steps < needed:
        raise ValueError(
            f"The series has {n_steps} steps, fewer than window_length + horizon "
            f"= {needed}; shorten the window or the horizon."
        )
    pos = target_position(data.columns, target, by_name=data.by_name)
    values = data.numeric_values()
    if panel is None:
        X, future = _full_windows(values, window_length, horizon, pos)
        return X, (future[:, 0] if horizon == 1 else future)
    in_order = values[panel.order]
    parts = [
        _full_windows(in_order[rows], window_length, horizon, pos)
        for _, rows in panel.groups()
    ]
    # Samples follow the caller's order of the row each window ends at.
    ends = np.concatenate(
        [
            panel.order[rows][window_length - 1 : rows.stop - rows.start - horizon]
            for _, rows in panel.groups()
        ]
    )
    chosen = np.argsort(ends, kind="stable")
    X = np.concatenate([windows for windows, _ in parts])[chosen]
    future = np.concatenate([f for _, f in parts])[chosen]
    X.flags.writeable = False
    return X, (future[:, 0] if horizon == 1 else future)


def _full_windows(values, window_length, horizon, pos):
    """The full windows of one series and the ``horizon`` values after each."""
    n_samples = len(values) - window_length - horizon + 1
    windows = sliding_windows(values[: n_samples + window_length - 1], window_length)
    # The target of the window ending at step j is what follows step j.
    future = future_values(values[window_length - 1 :, pos], horizon, n_samples)
    return windows[window_length - 1 :], future


def _checked_index(data):
    """The panel of ``(series id, time)`` input, else None once the index passed."""
    panel = read_panel(data.index, name="series")
    if panel is None:
        checked_step(data.index, name="series")
    return panel


def _panel_future(data, panel, pos, horizon):
    """Each series without its last ``horizon`` rows, and what follows each row.

    Rows keep the caller's order; targets never come from another series.
    """
    target = data.column(pos)[panel.order]
    future = np.empty((len(panel), horizon), dtype=target.dtype)
    framed = np.zeros(len(panel), dtype=bool)
    for _, rows in panel.groups():
        n_rows = rows.stop - rows.start - horizon
        future[rows.start : rows.start + n_rows] = future_values(
            target[rows], horizon, n_rows
        )
        framed[rows.start : rows.start + n_rows] = True
    inverse = panel.inverse
    kept = np.flatnonzero(framed[inverse])
    return data.original.iloc[kept], future[inverse[kept]]
