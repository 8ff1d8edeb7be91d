"""Index arithmetic for time-indexed series: regular steps and future labels.

A lag is only meaningful when consecutive rows are one step apart. The step
itself is computed by :func:`sklstm._series.index_step`, with the rest of
series input; this module turns it into the labels of a forecast.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._series import index_step


def regular_step(index: pd.Index, *, freq=None, name: str = "X"):
    """The step of a regular index, or a clear error: strict ``index_step``.

    A thin alias of :func:`sklstm._series.index_step` with ``strict=True``,
    which documents the parameters and the errors.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm._index import regular_step
    >>> regular_step(pd.date_range("2024-01-01", periods=4, freq="MS"))
    <MonthBegin>
    """
    return index_step(index, strict=True, freq=freq, name=name)


def future_index(last, step, periods: int, like: pd.Index) -> pd.Index:
    """Labels of the ``periods`` steps after ``last``.

    Parameters
    ----------
    last : label
        The last observed label.
    step : pandas offset or int
        The index step (see :func:`sklstm._series.index_step`).
    periods : int
        Number of future labels.
    like : pd.Index
        An index of the same kind (its name is kept).

    Returns
    -------
    pd.Index
    """
    if isinstance(like, pd.DatetimeIndex):
        return pd.date_range(last + step, periods=periods, freq=step, name=like.name)
    if isinstance(like, pd.PeriodIndex):
        return pd.period_range(last + 1, periods=periods, name=like.name)
    labels = last + step * np.arange(1, periods + 1)
    if isinstance(like, pd.RangeIndex):
        return pd.RangeIndex(labels[0], labels[-1] + step, step, name=like.name)
    return pd.Index(labels, name=like.name)
