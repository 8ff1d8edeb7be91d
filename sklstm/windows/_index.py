"""The time index of a series: order, regular step, gaps and future labels.

A lag is only meaningful when consecutive rows are one step apart. One policy
for every entry point (the transformer, the framing helpers, the forecaster):
unsorted or duplicated labels and gaps are refused with the fix in the
message (the ``asfreq`` of the index's own frequency); the step of a regular
index gives continuation across folds and the labels of a forecast.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset


def _time_order_error(index: pd.Index, name: str) -> ValueError:
    problem = (
        "has duplicate labels"
        if index.is_monotonic_increasing
        else "is not sorted in time order"
    )
    # A long table of many series indexed by date repeats every date.
    panel_hint = (
        ""
        if index.is_unique
        else (
            f" If {name} stacks several series, index it by (series id, time) "
            f"instead, e.g. {name}.set_index('store', append=True).swaplevel() "
            f"for a 'store' column."
        )
    )
    return ValueError(
        f"The index of {name} {problem}; it must be strictly increasing, or "
        f"windows would mix unrelated rows. Sort it ({name}.sort_index()) and "
        f"drop duplicate labels first.{panel_hint}"
    )


def _is_time_like(index: pd.Index) -> bool:
    return isinstance(index, pd.DatetimeIndex | pd.PeriodIndex) or (
        pd.api.types.is_numeric_dtype(index.dtype)
    )


def check_time_order(index: pd.Index | None, *, name: str = "X") -> None:
    """Refuse a time-like index (dates, periods, numbers) not strictly increasing.

    Other indexes (strings, for example) carry no order and pass.

    Parameters
    ----------
    index : pd.Index or None
        The index of the series; None (array input) passes.
    name : str, default="X"
        How the data is called in the error message.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.windows._index import check_time_order
    >>> check_time_order(pd.Index(["b", "a"]))  # strings carry no order
    >>> check_time_order(pd.Index([1, 2, 2]))
    Traceback (most recent call last):
    ...
    ValueError: The index of X has duplicate labels; it must be strictly \
increasing, or windows would mix unrelated rows. Sort it (X.sort_index()) and \
drop duplicate labels first. If X stacks several series, index it by (series \
id, time) instead, e.g. X.set_index('store', append=True).swaplevel() for a \
'store' column.
    """
    if index is None or not _is_time_like(index):
        return
    if not (index.is_monotonic_increasing and index.is_unique):
        raise _time_order_error(index, name)


def _infer_freq(index: pd.DatetimeIndex):
    with warnings.catch_warnings():
        # pandas 3 announces that infer_freq will return an offset; we
        # convert explicitly either way.
        warnings.filterwarnings("ignore", message=".*infer_freq.*")
        try:
            inferred = pd.infer_freq(index)
        except (TypeError, ValueError):
            return None
    return None if inferred is None else to_offset(inferred)


def infer_offset(index: pd.DatetimeIndex):
    """The index's frequency as a pandas offset, or None when irregular.

    Parameters
    ----------
    index : pd.DatetimeIndex
        The index.

    Returns
    -------
    offset : pandas offset or None

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.windows._index import infer_offset
    >>> infer_offset(pd.DatetimeIndex(["2024-01-01", "2024-01-02", "2024-01-03"]))
    <Day>
    """
    if index.freq is not None:
        return index.freq
    if len(index) < 3:
        return None
    return _infer_freq(index)


def suggest_offset(index: pd.DatetimeIndex):
    """The most likely frequency of a sorted ``DatetimeIndex`` with gaps.

    ``pd.infer_freq`` gives up on a whole index with one missing month; runs
    of consecutive labels still show the frequency. Among the frequencies
    inferred on short runs, the coarsest whose grid holds every label wins
    (business days over calendar days for weekday data); failing that, the
    most common difference between labels.

    Parameters
    ----------
    index : pd.DatetimeIndex
        Sorted, unique labels.

    Returns
    -------
    offset : pandas offset or None
        None for fewer than three labels.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.windows._index import suggest_offset
    >>> months = pd.date_range("2020-01-01", periods=24, freq="MS").delete(5)
    >>> suggest_offset(months)
    <MonthBegin>
    """
    offset = infer_offset(index)
    if offset is not None or len(index) < 3:  # two labels prove no frequency
        return offset
    run, n = 3, len(index)
    # At most about 200 runs: this only shapes an error message.
    starts = range(0, max(n - run + 1, 1), max(1, (n - run) // 200 + 1))
    counts: dict = {}
    for start in starts:
        found = _infer_freq(index[start : start + run])
        if found is not None:
            counts[found] = counts.get(found, 0) + 1
    covering = []
    for candidate in sorted(counts, key=counts.get, reverse=True):
        grid = pd.date_range(index[0], index[-1], freq=candidate)
        if index.isin(grid).all():
            covering.append((len(grid), candidate))
    if covering:
        return min(covering, key=lambda pair: pair[0])[1]
    if counts:
        return max(counts, key=counts.get)
    # index.values keeps the index's own time unit (pandas 3 may use "s" or "us").
    steps, times = np.unique(np.diff(index.values), return_counts=True)
    common = pd.Timedelta(steps[np.argmax(times)])
    if common % pd.Timedelta(days=1) == pd.Timedelta(0):
        return to_offset(f"{common.days}D")
    return to_offset(common)


def _datetime_step(index: pd.DatetimeIndex, freq, name: str):
    """Strict step of a DatetimeIndex: the frequency, or an error with the fix."""
    step = freq if freq is not None else suggest_offset(index)
    if step is None:
        raise ValueError(
            f"The DatetimeIndex of {name} has {len(index)} label(s) and no "
            f"frequency, too few to infer one: pass freq=... or give it one "
            f"(e.g. pd.date_range(..., freq='D'))."
        )
    step = to_offset(step)
    if pd.date_range(index[0], periods=len(index), freq=step).equals(index):
        return step
    grid = pd.date_range(index[0], index[-1], freq=step)
    if index.isin(grid).all():
        missing = grid.difference(index)
        raise ValueError(
            f"The DatetimeIndex of {name} has gaps for frequency "
            f"{step.freqstr!r} (first missing: {missing[:3].tolist()}). "
            f"Reindex with {name}.asfreq({step.freqstr!r}) and fill or "
            f"interpolate the missing values."
        )
    off_grid = index.difference(grid)
    raise ValueError(
        f"The DatetimeIndex of {name} has no regular frequency (irregular "
        f"timestamps, e.g. {off_grid[:3].tolist()} are off the "
        f"{step.freqstr!r} grid). Make it regular first, e.g. "
        f"{name}.resample({step.freqstr!r}).mean() or "
        f"{name}.asfreq({step.freqstr!r}), and fill the gaps; pass freq=... "
        f"if another frequency is meant."
    )


def index_step(index: pd.Index, *, strict: bool, freq=None, name: str = "X"):
    """The step between consecutive labels of an index, strictly or leniently.

    Strict mode (the forecaster, and the transformer through
    :func:`checked_step`) proves the index regular or raises. Lenient mode
    never raises and trusts the labels it looks at: the end of an integer
    index, the frequency of a ``DatetimeIndex``, and one period for a
    ``PeriodIndex``.

    Parameters
    ----------
    index : pd.Index
        A ``DatetimeIndex``, ``PeriodIndex``, ``RangeIndex`` or integer index.
    strict : bool
        Whether to raise when the step is not constant (True) or return None
        (False).
    freq : str or pandas offset, default=None
        Frequency to use for a ``DatetimeIndex`` whose frequency cannot be
        inferred (for example fewer than three rows).
    name : str, default="X"
        How the data is called in error messages.

    Returns
    -------
    step : pandas offset, int or None
        None only in lenient mode: no regular step was found.

    Raises
    ------
    ValueError
        Strict mode: the index is unsorted or has duplicates, a
        ``DatetimeIndex`` has gaps (the first missing labels and the
        ``asfreq`` call for its most likely frequency are named) or
        irregular timestamps, integer steps are uneven, or a ``PeriodIndex``
        has gaps.
    TypeError
        Strict mode: the index is of another type.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.windows._index import index_step
    >>> index_step(pd.Index([0, 1, 2, 4]), strict=False)  # the last two labels
    2
    >>> index_step(pd.Index([0, 1, 2, 4]), strict=True)
    Traceback (most recent call last):
    ...
    ValueError: The integer index of X has uneven steps (gaps, first missing: \
[3]). Reindex it to a constant step, e.g. X.reindex(range(0, 5, 1)), and fill \
the missing rows.
    >>> index_step(pd.date_range("2024-01-01", periods=4, freq="MS"), strict=True)
    <MonthBegin>
    """
    if not index.is_monotonic_increasing or (strict and not index.is_unique):
        if strict:
            raise _time_order_error(index, name)
        return None
    if isinstance(index, pd.DatetimeIndex):
        if strict:
            return _datetime_step(index, freq, name)
        step = freq if freq is not None else infer_offset(index)
        return None if step is None else to_offset(step)
    if isinstance(index, pd.PeriodIndex):
        if strict and len(index) > 1 and not (np.diff(index.asi8) == 1).all():
            full = pd.period_range(index[0], index[-1], freq=index.freq)
            raise ValueError(
                f"The PeriodIndex of {name} has gaps (first missing: "
                f"{[str(p) for p in full.difference(index)[:3]]}); fill them "
                f"first, e.g. {name}.reindex(pd.period_range({str(index[0])!r}, "
                f"{str(index[-1])!r}, freq={index.freqstr!r}))."
            )
        return 1
    if pd.api.types.is_integer_dtype(index.dtype):
        if not strict:
            if len(index) < 2:
                return None
            step = index[-1] - index[-2]
            return int(step) if step > 0 else None
        if len(index) < 2:
            return 1
        labels = np.asarray(index, dtype=np.int64)
        steps = np.diff(labels)
        if not (steps == steps[0]).all():
            smallest = int(steps.min())
            full = range(int(labels[0]), int(labels[-1]) + 1, smallest)
            missing = sorted(set(full).difference(labels.tolist()))[:3]
            raise ValueError(
                f"The integer index of {name} has uneven steps (gaps, first "
                f"missing: {missing}). Reindex it to a constant step, e.g. "
                f"{name}.reindex(range({full.start}, {full.stop}, {smallest})), "
                f"and fill the missing rows."
            )
        return int(steps[0])
    if not strict:
        return None
    raise TypeError(
        f"The index of {name} is a {type(index).__name__}; use a "
        f"DatetimeIndex, PeriodIndex, RangeIndex or integer index."
    )


def checked_step(index: pd.Index | None, *, name: str = "X"):
    """The Pipeline route's index policy: refuse a broken time axis, else its step.

    The transformer and :func:`~sklstm.frame_supervised` apply the same
    rules as the forecaster wherever the index is a time axis they can
    check: unsorted or duplicated labels, gaps in a ``DatetimeIndex``,
    ``PeriodIndex`` or integer index, and irregular timestamps are refused
    with the fix, because a window spanning a gap silently mixes steps that
    are not adjacent. Where no step can be established (no index, a float or
    string index, a ``DatetimeIndex`` of fewer than three labels without a
    frequency), None is returned and nothing is refused.

    Parameters
    ----------
    index : pd.Index or None
        The index of the series; None for array input.
    name : str, default="X"
        How the data is called in error messages.

    Returns
    -------
    step : pandas offset, int or None

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.windows._index import checked_step
    >>> checked_step(pd.RangeIndex(5)), checked_step(pd.Index(["a", "b"]))
    (1, None)
    >>> checked_step(pd.date_range("2020-01-01", periods=6, freq="MS").delete(2))
    Traceback (most recent call last):
    ...
    ValueError: The DatetimeIndex of X has gaps for frequency 'MS' (first \
missing: [Timestamp('2020-03-01 00:00:00')]). Reindex with X.asfreq('MS') \
and fill or interpolate the missing values.
    """
    if index is None:
        return None
    check_time_order(index, name=name)
    short_dates = (
        isinstance(index, pd.DatetimeIndex) and index.freq is None and len(index) < 3
    )
    checkable = isinstance(index, pd.DatetimeIndex | pd.PeriodIndex) or (
        pd.api.types.is_integer_dtype(index.dtype)
    )
    if short_dates or not checkable:
        return None
    return index_step(index, strict=True, name=name)


def regular_step(index: pd.Index, *, freq=None, name: str = "X"):
    """The step of a regular index, or a clear error: strict ``index_step``.

    A thin alias of :func:`index_step` with ``strict=True``,
    which documents the parameters and the errors.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.windows._index import regular_step
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
        The index step (see :func:`index_step`).
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
