"""The windows of a panel: one per row, per series, never across a series.

Used by :class:`~sklstm.SlidingWindowTransformer` and the panel forecaster;
dense (a new array in the caller's row order) or lazy
(:class:`~sklstm.LazyWindows`).
"""

from __future__ import annotations

import numpy as np

from ._lazy import lazy_panel_windows
from ._panel import Panel
from ._sliding import sliding_windows


def panel_windows(
    values: np.ndarray,
    panel: Panel,
    window_length: int,
    *,
    padding: str = "nan",
    histories: list | None = None,
    lazy: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """The window ending at every row of a panel; no window crosses a series.

    Parameters
    ----------
    values : ndarray of shape (n_rows, n_features)
        The rows in the caller's order.
    panel : Panel
        The checked index of the rows (see :func:`sklstm.windows._panel.read_panel`).
    window_length : int
        Number of steps in each window.
    padding : {"nan", "zero", "edge"}, default="nan"
        Fill for the steps before the start of each series.
    histories : list of (ndarray or None), default=None
        Per series (in ``panel.ids`` order), real observations preceding it.
    lazy : bool, default=False
        Return a :class:`~sklstm.LazyWindows` instead (NaN padding only).

    Returns
    -------
    windows : ndarray or LazyWindows of shape (n_rows, window_length, n_features)
        A new array; row ``i`` is the window ending at the caller's row ``i``.
    n_padded : ndarray of int of shape (n_series,)
        Windows of each series that hold padded steps.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklstm.windows._panel import read_panel
    >>> from sklstm.windows._panel_windows import panel_windows
    >>> index = pd.MultiIndex.from_tuples([("b", 0), ("a", 0), ("a", 1), ("b", 1)])
    >>> values = np.array([[10.0], [1.0], [2.0], [20.0]])
    >>> panel_windows(values, read_panel(index), 2)[0][:, :, 0]
    array([[nan, 10.],
           [nan,  1.],
           [ 1.,  2.],
           [10., 20.]])
    """
    histories = histories or [None] * len(panel.ids)
    # Windows of a series with padded steps: its first ones, up to the steps
    # its history (the fitted tail) does not fill.
    n_padded = np.array(
        [
            min(
                rows.stop - rows.start, window_length - 1 - _n_history(h, window_length)
            )
            for (_, rows), h in zip(panel.groups(), histories, strict=True)
        ],
        dtype=np.int64,
    )
    if lazy:
        if padding != "nan":
            raise ValueError(
                f"lazy=True builds windows padded with NaN (missing history), "
                f"not padding={padding!r}; use padding='nan' or lazy=False."
            )
        lazy_rows = lazy_panel_windows(
            values, panel.order, panel.groups(), window_length, histories
        )
        return lazy_rows, n_padded
    in_order = values[panel.order]
    windows = np.empty((len(values), window_length, values.shape[1]), values.dtype)
    for (_, rows), history in zip(panel.groups(), histories, strict=True):
        # Each series' windows go straight to its rows in the caller's order.
        windows[panel.order[rows]] = sliding_windows(
            in_order[rows], window_length, padding=padding, history=history
        )
    return windows, n_padded


def _n_history(history, window_length: int) -> int:
    return 0 if history is None else min(len(history), window_length - 1)
