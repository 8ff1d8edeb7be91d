"""Windows of many series, read on demand instead of stored.

A panel of 10,000 series of 200 steps has 2,000,000 windows; as a dense
``(n_windows, window_length, n_features)`` array it is ``window_length``
times larger than the data. :class:`LazyWindows` keeps the rows once and
builds only the windows asked for, so the estimators (which read their input
in chunks and batches) fit and predict with memory bounded by a batch.
Pure numpy; how the windows are chosen (which rows end one, where each series
starts) is up to whoever builds it (see :func:`lazy_windows`).
"""

from __future__ import annotations

import numpy as np

# Values per chunk when the whole dense array is built (8 MB of float64).
_CHUNK_VALUES = 1 << 20


class LazyWindows:
    """Fixed-length windows over the rows of a 2-D array, built when indexed.

    Window ``i`` holds rows ``ends[i] - window_length + 1`` to ``ends[i]`` of
    ``values``, oldest first; its steps before row ``starts[i]`` (the first
    row of its series) are NaN, the leading padding the estimators read as
    missing history. Indexing returns a new float array holding just the
    windows asked for, as indexing the dense ``(n_windows, window_length,
    n_features)`` array would.

    Parameters
    ----------
    values : ndarray of shape (n_rows, n_features)
        The rows, series after series; float (kept, not copied).
    ends : ndarray of int, shape (n_windows,)
        The row each window ends at (its newest step).
    window_length : int
        Steps per window, at most ``n_rows`` (when there are windows).
    starts : ndarray of int, shape (n_windows,), default=None
        The first row of each window's series; None means row 0 for all.

    Attributes
    ----------
    shape : tuple of int
        ``(n_windows, window_length, n_features)``.

    Examples
    --------
    >>> import numpy as np
    >>> values = np.arange(6.0).reshape(6, 1)  # two series of 3 rows
    >>> ends, starts = np.array([1, 2, 3, 5]), np.array([0, 0, 3, 3])
    >>> windows = LazyWindows(values, ends, 2, starts)
    >>> windows.shape
    (4, 2, 1)
    >>> windows[2:][:, :, 0]
    array([[nan,  3.],
           [ 4.,  5.]])
    """

    ndim = 3

    def __init__(self, values, ends, window_length, starts=None):
        values = np.asarray(values)
        if values.ndim != 2 or values.dtype.kind != "f":
            raise ValueError(
                f"values must be a 2-D float array (n_rows, n_features), got "
                f"{values.ndim}-D of dtype {values.dtype}; convert it with "
                f"np.asarray(values, dtype=float).reshape(len(values), -1)."
            )
        ends = np.asarray(ends)
        starts = np.zeros_like(ends) if starts is None else np.asarray(starts)
        if ends.ndim != 1 or ends.dtype.kind not in "iu" or starts.shape != ends.shape:
            raise ValueError(
                "ends and starts must be 1-D integer arrays of the same length "
                "(one row each per window)."
            )
        if int(window_length) < 1:
            raise ValueError(f"window_length must be >= 1, got {window_length}.")
        if len(ends) and int(window_length) > len(values):
            # Every window would begin with steps no row can fill, and
            # indexing would build them all (7 GiB for 1,000 rows and a
            # window of 1,000,000 steps).
            raise ValueError(
                f"window_length={int(window_length)} is longer than all the "
                f"rows of values together ({len(values)}): every window would "
                f"start with at least {int(window_length) - len(values)} "
                f"steps of padding. Use a window_length of at most "
                f"{len(values)}."
            )
        if len(ends) and (
            ends.min() < 0
            or ends.max() >= len(values)
            or starts.min() < 0
            or (starts > ends).any()
        ):
            raise ValueError(
                f"Every window must end at a row of values (0 to "
                f"{len(values) - 1}) at or after the start row of its series."
            )
        self.values = values
        self.ends = ends.astype(np.intp, copy=False)
        self.starts = starts.astype(np.intp, copy=False)
        self.window_length = int(window_length)

    @property
    def shape(self) -> tuple[int, int, int]:
        return (len(self.ends), self.window_length, self.values.shape[1])

    @property
    def dtype(self) -> np.dtype:
        return self.values.dtype

    @property
    def size(self) -> int:
        n, length, n_features = self.shape
        return n * length * n_features

    @property
    def nbytes(self) -> int:
        """Bytes the dense array of all windows would take."""
        return self.size * self.values.itemsize

    def __len__(self) -> int:
        return len(self.ends)

    def __repr__(self) -> str:
        return f"LazyWindows(shape={self.shape}, dtype={self.dtype})"

    def __array__(self, dtype=None, copy=None):
        # np.asarray(windows): the dense array on request, filled a chunk of
        # windows at a time (one indexing call holds ~3 times its result in
        # row numbers and masks).
        out = np.empty(self.shape, dtype=self.dtype if dtype is None else dtype)
        rows = max(1, _CHUNK_VALUES // (self.window_length * self.shape[2]))
        for start in range(0, len(self), rows):
            out[start : start + rows] = self[start : start + rows]
        return out

    def __getitem__(self, key):
        if not isinstance(key, tuple):
            key = (key,)
        ellipses = [i for i, k in enumerate(key) if k is Ellipsis]
        if len(ellipses) == 1:
            # sklearn's _safe_indexing asks for X[rows, ...].
            i = ellipses[0]
            fill = (slice(None),) * (4 - len(key))
            key = key[:i] + fill + key[i + 1 :]
        if len(ellipses) > 1 or any(k is None for k in key) or len(key) > 3:
            raise IndexError(
                "LazyWindows takes up to three indices (windows, steps, "
                "features) or one ..., without None; index "
                "np.asarray(windows) for anything else."
            )
        window_key, step_key, feature_key = (*key, *(slice(None),) * (3 - len(key)))
        basic = isinstance(window_key, slice), isinstance(step_key, slice)
        if not (all(basic) or isinstance(feature_key, slice | int | np.integer)):
            # numpy would move the broadcast of separated array indices first.
            raise IndexError(
                "An array of features is only supported with slices of "
                "windows and steps; select the features afterwards."
            )
        window = _positions(window_key, len(self))
        step = _positions(step_key, self.window_length)
        first = self.ends[window] - (self.window_length - 1)
        start = self.starts[window]
        if any(basic) and window.ndim and step.ndim:
            # A slice and another index: their outer product, as numpy does.
            first = first.reshape(first.shape + (1,) * step.ndim)
            start = start.reshape(first.shape)
        row = first + step
        missing = row < start
        out = self.values[np.where(missing, start, row)]
        if missing.any():
            out[missing] = np.nan
        return out[..., feature_key]


def _positions(key, n: int) -> np.ndarray:
    """``np.arange(n)[key]`` without the arange (a batch costs its own size)."""
    if isinstance(key, slice):
        return np.arange(*key.indices(n))
    key = np.asarray(key)
    if key.dtype == bool:
        if key.shape != (n,):
            raise IndexError(
                f"boolean index of shape {key.shape} does not match {n} entries"
            )
        return np.flatnonzero(key)
    if key.size == 0:
        key = key.astype(np.intp)
    if key.dtype.kind not in "iu":
        raise IndexError(
            "only integers, slices, ... and integer or boolean arrays are "
            f"valid indices, got dtype {key.dtype}"
        )
    if ((key < -n) | (key >= n)).any():
        raise IndexError(f"index out of bounds for axis with size {n}")
    return np.where(key < 0, key + n, key)


def lazy_windows(values, window_length: int, series_starts=None) -> LazyWindows:
    """One window ending at every row of ``values``, padded within its series.

    What :func:`~sklstm.sliding_windows` with ``padding="nan"`` returns for
    each series (one window per row, its first steps NaN where the series
    has no history yet), for all the series of a panel at once, without the
    dense array.

    Parameters
    ----------
    values : array-like of shape (n_rows,) or (n_rows, n_features)
        The rows of every series, one series after another, oldest first.
    window_length : int
        Steps per window, at most ``n_rows``.
    series_starts : array-like of int, default=None
        The first row of each series, increasing and starting at 0; None
        means a single series.

    Returns
    -------
    LazyWindows
        ``n_rows`` windows of shape ``(window_length, n_features)``.

    Examples
    --------
    >>> import numpy as np
    >>> windows = lazy_windows(np.arange(5.0), 2, series_starts=[0, 3])
    >>> windows[:, :, 0]
    array([[nan,  0.],
           [ 0.,  1.],
           [ 1.,  2.],
           [nan,  3.],
           [ 3.,  4.]])
    """
    values = np.asarray(values)
    if values.dtype.kind != "f":
        values = values.astype(np.float64)
    if values.ndim == 1:
        values = values[:, None]
    n_rows = len(values)
    series_starts = np.asarray([0] if series_starts is None else series_starts)
    if (
        series_starts.ndim != 1
        or series_starts.dtype.kind not in "iu"
        or len(series_starts) == 0
        or series_starts[0] != 0
        or (np.diff(series_starts) <= 0).any()
        or series_starts[-1] >= max(n_rows, 1)
    ):
        raise ValueError(
            f"series_starts must be increasing row numbers starting at 0 and "
            f"below {n_rows} (the number of rows), one per series; got "
            f"{series_starts!r}."
        )
    lengths = np.diff(np.append(series_starts, n_rows))
    starts = np.repeat(series_starts, lengths)
    return LazyWindows(values, np.arange(n_rows), window_length, starts)


def lazy_panel_windows(
    values: np.ndarray,
    order: np.ndarray,
    groups,
    window_length: int,
    histories: list | None = None,
) -> LazyWindows:
    """The window ending at every caller row of a panel, built when indexed.

    What :func:`sklstm.windows._panel_windows.panel_windows` returns with
    ``padding="nan"``, without the dense array: the rows are copied once,
    series after series (each after its ``history``), and window ``i`` ends at
    caller row ``i``.

    Parameters
    ----------
    values : ndarray of shape (n_rows, n_features)
        The rows in the caller's order.
    order : ndarray of int of shape (n_rows,)
        Caller row positions in ``(series, time)`` order.
    groups : iterable of (series id, slice)
        Each series' slice of the sorted rows.
    window_length : int
        Steps per window.
    histories : list of (ndarray or None), default=None
        Per series, in ``groups`` order, real observations preceding it.

    Returns
    -------
    LazyWindows
        ``n_rows`` windows in the caller's row order.

    Examples
    --------
    >>> import numpy as np
    >>> values = np.array([[10.0], [1.0], [2.0], [20.0]])  # rows b0, a0, a1, b1
    >>> groups = [("a", slice(0, 2)), ("b", slice(2, 4))]
    >>> lazy_panel_windows(values, np.array([1, 2, 0, 3]), groups, 2)[:, :, 0]
    array([[nan, 10.],
           [nan,  1.],
           [ 1.,  2.],
           [10., 20.]])
    """
    in_order = values[order]
    blocks, ends, starts = [], np.empty(len(values), np.int64), np.empty_like(order)
    offset = 0
    for k, (_, rows) in enumerate(groups):
        history = None if histories is None else histories[k]
        # A window reaches at most window_length - 1 steps back.
        n_history = 0 if history is None else min(len(history), window_length - 1)
        if n_history:
            blocks.append(np.asarray(history[len(history) - n_history :], values.dtype))
        blocks.append(in_order[rows])
        n = rows.stop - rows.start
        ends[order[rows]] = offset + n_history + np.arange(n)
        starts[order[rows]] = offset
        offset += n_history + n
    rows = np.concatenate(blocks) if blocks else values[:0]
    return LazyWindows(rows, ends, window_length, starts)
