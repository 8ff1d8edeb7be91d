"""Index arithmetic for time-indexed series: regularity checks and future labels.

A lag is only meaningful when consecutive rows are one step apart. These
helpers refuse irregular indexes and gaps (with the fix in the message)
instead of letting windows silently span them.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset


def infer_offset(index: pd.DatetimeIndex):
    """The index's frequency as a pandas offset, or None when irregular."""
    if index.freq is not None:
        return index.freq
    if len(index) < 3:
        return None
    with warnings.catch_warnings():
        # pandas 3 announces that infer_freq will return an offset; we
        # convert explicitly either way.
        warnings.filterwarnings("ignore", message=".*infer_freq.*")
        inferred = pd.infer_freq(index)
    return None if inferred is None else to_offset(inferred)


def regular_step(index: pd.Index, *, freq=None, name: str = "X"):
    """The constant step of a regular index; raise a clear error otherwise.

    Parameters
    ----------
    index : pd.Index
        A ``DatetimeIndex``, ``PeriodIndex``, ``RangeIndex`` or integer index.
    freq : str or pandas offset, default=None
        Frequency to use for a ``DatetimeIndex`` whose frequency cannot be
        inferred (for example fewer than three rows).
    name : str, default="X"
        How the data is called in error messages.

    Returns
    -------
    step : pandas offset or int
        The step between consecutive labels.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm._index import regular_step
    >>> regular_step(pd.date_range("2024-01-01", periods=4, freq="MS"))
    <MonthBegin>
    """
    if not index.is_monotonic_increasing or not index.is_unique:
        raise ValueError(
            f"The index of {name} is not strictly increasing. Sort it "
            f"({name}.sort_index()) and drop duplicate timestamps first."
        )
    if isinstance(index, pd.DatetimeIndex):
        step = freq if freq is not None else infer_offset(index)
        if step is None:
            raise ValueError(
                f"The DatetimeIndex of {name} has no regular frequency (gaps or "
                f"irregular timestamps). Make it regular first, e.g. "
                f"{name}.asfreq('D') and fill the gaps, or pass freq=... if the "
                f"index is regular but too short to infer."
            )
        step = to_offset(step)
        expected = pd.date_range(index[0], periods=len(index), freq=step)
        if not expected.equals(index):
            missing = expected.difference(index)
            raise ValueError(
                f"The DatetimeIndex of {name} has gaps for frequency "
                f"{step.freqstr!r} (first missing: {missing[:3].tolist()}). "
                f"Reindex with {name}.asfreq({step.freqstr!r}) and fill or "
                f"interpolate the missing values."
            )
        return step
    if isinstance(index, pd.PeriodIndex):
        if len(index) > 1 and not (np.diff(index.asi8) == 1).all():
            raise ValueError(f"The PeriodIndex of {name} has gaps; fill them first.")
        return 1
    if pd.api.types.is_integer_dtype(index.dtype):
        if len(index) < 2:
            return 1
        steps = np.diff(np.asarray(index, dtype=np.int64))
        if not (steps == steps[0]).all():
            raise ValueError(
                f"The integer index of {name} has uneven steps (gaps). Reindex "
                f"it to a constant step and fill the missing rows."
            )
        return int(steps[0])
    raise TypeError(
        f"The index of {name} is a {type(index).__name__}; use a "
        f"DatetimeIndex, PeriodIndex, RangeIndex or integer index."
    )


def future_index(last, step, periods: int, like: pd.Index) -> pd.Index:
    """Labels of the ``periods`` steps after ``last``.

    Parameters
    ----------
    last : label
        The last observed label.
    step : pandas offset or int
        The index step (see :func:`regular_step`).
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
