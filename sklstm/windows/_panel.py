"""Panel input, read once: many series indexed by ``(series id, time)``.

A panel is a ``pd.Series`` or ``pd.DataFrame`` whose index is a 2-level
:class:`pandas.MultiIndex` ``(series id, time)``, rows in any order: the long
table of stores x dates that pandas users keep. :func:`read_panel` checks it
(two levels, no missing or duplicate labels, each series a regular time axis
under the rules of :func:`~sklstm.windows._index.checked_step`) and returns a
:class:`Panel`: the permutation that sorts the rows by ``(id, time)``, the
per-series groups of that order, each series' step, and the inverse
permutation that puts results back in the caller's row order. The
transformer and the framing helpers work series by series on the sorted
rows and never let one series' values into another's windows or targets.

A long table with an id column and a time column becomes a panel with
``df.set_index(["store", "date"])``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ._index import checked_step

#: The time code of a series whose next label is unknown (no regular step).
NO_TIME = np.iinfo(np.int64).min


def is_panel(index: Any) -> bool:
    """Whether an index asks for panel handling (any :class:`pandas.MultiIndex`).

    Parameters
    ----------
    index : pd.Index or None
        The index of the input.

    Returns
    -------
    bool

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.windows._panel import is_panel
    >>> is_panel(pd.MultiIndex.from_tuples([("a", 1)])), is_panel(pd.RangeIndex(2))
    (True, False)
    """
    return isinstance(index, pd.MultiIndex)


def _shown(ids) -> str:
    ids = list(ids)
    more = f" and {len(ids) - 5} more" if len(ids) > 5 else ""
    return f"{ids[:5]}{more}"


@dataclass(frozen=True, eq=False)
class Panel:
    """A checked panel index: sorted order, per-series groups and steps.

    Build it with :func:`read_panel`.

    Parameters
    ----------
    ids : pd.Index
        The distinct series ids, sorted (in order of first appearance when
        they cannot be sorted).
    order : ndarray of int
        Caller row positions in ``(id, time)`` order: ``rows[order]`` sorts.
    bounds : ndarray of int of shape (n_series + 1,)
        Series ``k`` holds sorted rows ``bounds[k]:bounds[k + 1]``.
    times : pd.Index
        The time labels in sorted order.
    steps : list
        Each series' step (pandas offset or int), None where no step can be
        established (see :func:`~sklstm.windows._index.checked_step`).

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.windows._panel import read_panel
    >>> index = pd.MultiIndex.from_tuples([("b", 1), ("a", 2), ("a", 1)])
    >>> panel = read_panel(index)
    >>> list(panel.ids), panel.order.tolist(), panel.inverse.tolist()
    (['a', 'b'], [2, 1, 0], [2, 1, 0])
    >>> panel.sizes.tolist(), panel.steps
    ([2, 1], [1, 1])
    """

    ids: pd.Index
    order: np.ndarray
    bounds: np.ndarray
    times: pd.Index
    steps: list

    def __len__(self) -> int:
        return len(self.order)

    @property
    def inverse(self) -> np.ndarray:
        """Sorted position of each caller row: ``sorted_rows[inverse]`` restores."""
        inverse = np.empty_like(self.order)
        inverse[self.order] = np.arange(len(self.order))
        return inverse

    @property
    def sizes(self) -> np.ndarray:
        """Number of rows of each series."""
        return np.diff(self.bounds)

    def groups(self):
        """Yield ``(series id, slice of the sorted rows)`` for each series."""
        for k, series_id in enumerate(self.ids):
            yield series_id, slice(int(self.bounds[k]), int(self.bounds[k + 1]))

    def next_codes(self, steps: list | None = None) -> np.ndarray:
        """Each series' last time label plus its step, as :func:`time_codes`.

        ``NO_TIME`` where the series has no step or the time level no codes.
        ``steps`` replaces :attr:`steps` (the forecaster's, found with its
        ``freq``).
        """
        steps = self.steps if steps is None else steps
        codes = np.full(len(self.ids), NO_TIME, dtype=np.int64)
        for k, (_, rows) in enumerate(self.groups()):
            step = steps[k]
            if step is not None:
                following = time_codes(self.times[rows][-1:] + step)
                if following is not None:
                    codes[k] = following[0]
        return codes


def time_codes(times: pd.Index) -> np.ndarray | None:
    """Time labels as comparable int64 codes, or None for other index types.

    Nanoseconds since the epoch (UTC) for dates, ordinals for periods, the
    labels themselves for integers: what a fitted transformer stores to
    recognise the rows that continue each series.

    Parameters
    ----------
    times : pd.Index
        Time labels.

    Returns
    -------
    codes : ndarray of int64 or None

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.windows._panel import time_codes
    >>> time_codes(pd.period_range("1970-01", periods=2, freq="M")).tolist()
    [0, 1]
    >>> time_codes(pd.Index(["a"])) is None
    True
    """
    if isinstance(times, pd.DatetimeIndex):
        return times.as_unit("ns").asi8.astype(np.int64)
    if isinstance(times, pd.PeriodIndex):
        return times.asi8.astype(np.int64)
    if pd.api.types.is_integer_dtype(times.dtype):
        return np.asarray(times, dtype=np.int64)
    return None


def same_time_kind(like: pd.Index | None, times: pd.Index) -> bool:
    """Whether codes of ``times`` compare with codes of a fitted ``like`` index.

    Parameters
    ----------
    like : pd.Index or None
        An empty index of the fitted time type (None: not comparable).
    times : pd.Index
        The time labels now.

    Returns
    -------
    bool

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.windows._panel import same_time_kind
    >>> months = pd.period_range("2020-01", periods=2, freq="M")
    >>> same_time_kind(months[:0], months), same_time_kind(months[:0], pd.Index([1]))
    (True, False)
    """
    if like is None or time_codes(times) is None:
        return False
    if isinstance(like, pd.PeriodIndex):
        return isinstance(times, pd.PeriodIndex) and times.freq == like.freq
    if isinstance(like, pd.DatetimeIndex):
        # Codes are UTC instants; naive and aware labels still never match.
        return isinstance(times, pd.DatetimeIndex) and str(times.tz) == str(like.tz)
    return not isinstance(times, pd.DatetimeIndex | pd.PeriodIndex)


def time_like(times: pd.Index) -> pd.Index | None:
    """An empty index of the time level's type, or None when it has no codes.

    Parameters
    ----------
    times : pd.Index
        The time labels.

    Returns
    -------
    pd.Index or None

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.windows._panel import time_like
    >>> time_like(pd.Index([3, 4]))
    Index([], dtype='int64')
    """
    if time_codes(times) is None:
        return None
    if pd.api.types.is_integer_dtype(times.dtype) and not isinstance(
        times, pd.PeriodIndex
    ):
        return pd.Index([], dtype=np.int64, name=times.name)
    return times[:0]


def _codes(level_values: pd.Index, *, what: str, name: str) -> np.ndarray:
    try:
        codes, _ = pd.factorize(level_values, sort=True)
    except TypeError:
        if what == "time":
            raise TypeError(
                f"The time level of {name} mixes labels that cannot be ordered "
                f"({sorted({type(v).__name__ for v in level_values})}); use one "
                f"type of time label (dates, periods or integers)."
            ) from None
        # Ids only group rows: keep them in order of first appearance.
        codes, _ = pd.factorize(level_values, sort=False)
    return codes


def _level_error(index: pd.MultiIndex, name: str) -> ValueError:
    return ValueError(
        f"The index of {name} has {index.nlevels} level(s); a panel (many "
        f"series) is indexed by 2 levels, (series id, time). Combine the id "
        f"levels first, e.g. {name}.index = pd.MultiIndex.from_arrays([ids, "
        f"times]), or index a long table by its id and time columns with "
        f"{name}.set_index(['id', 'time'])."
    )


def read_panel(index: Any, *, name: str = "X") -> Panel | None:
    """Check a ``(series id, time)`` index and sort it; None for other input.

    Parameters
    ----------
    index : pd.Index or None
        The index of the input.
    name : str, default="X"
        How the data is called in error messages.

    Returns
    -------
    panel : Panel or None
        None when ``index`` is not a :class:`pandas.MultiIndex`.

    Raises
    ------
    ValueError
        When the index has other than 2 levels, missing labels, duplicate
        ``(series id, time)`` labels, or a series whose time labels are not
        a regular time axis (gaps, uneven integer steps, irregular
        timestamps): the offending series ids and the fix are named.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.windows._panel import read_panel
    >>> index = pd.MultiIndex.from_tuples([("a", 1), ("a", 2), ("a", 2)])
    >>> read_panel(index)
    Traceback (most recent call last):
    ...
    ValueError: X has duplicate (series id, time) labels in series ['a'], e.g. \
series 'a' at 2. Keep one row per series and time, e.g. \
X[~X.index.duplicated()] or X.groupby(level=[0, 1]).mean().
    """
    if not is_panel(index):
        return None
    if index.nlevels != 2:
        raise _level_error(index, name)
    ids, times = index.get_level_values(0), index.get_level_values(1)
    if ids.hasnans or times.hasnans:
        level = "series id" if ids.hasnans else "time"
        raise ValueError(
            f"Some {level} labels of {name} are missing (NaN/NaT); every row "
            f"needs a series id and a time label. Drop or fill those rows first."
        )
    id_codes = _codes(ids, what="id", name=name)
    time_order = _codes(times, what="time", name=name)
    order = np.lexsort((time_order, id_codes))
    if index.has_duplicates:
        repeated = index[index.duplicated()]
        first_id, first_time = repeated[0]
        raise ValueError(
            f"{name} has duplicate (series id, time) labels in series "
            f"{_shown(pd.unique(repeated.get_level_values(0)))}, e.g. series "
            f"{first_id!r} at {first_time}. Keep one row per series and time, e.g. "
            f"{name}[~{name}.index.duplicated()] or "
            f"{name}.groupby(level=[0, 1]).mean()."
        )
    sorted_ids = id_codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_ids[1:] != sorted_ids[:-1]])
    starts = starts[starts < len(order)]  # an empty panel has no series
    bounds = np.r_[starts, len(order)]
    unique_ids = ids[order[starts]]
    sorted_times = times[order]
    steps, broken = [], []
    for k, series_id in enumerate(unique_ids):
        rows = sorted_times[bounds[k] : bounds[k + 1]]
        try:
            steps.append(checked_step(rows, name=f"{name}.loc[{series_id!r}]"))
        except ValueError as exc:
            broken.append((series_id, exc))
    if broken:
        raise ValueError(
            f"Series {_shown(s for s, _ in broken)} of {name} are not regular "
            f"time axes; fix each series on its own (first: {broken[0][1]})"
        ) from broken[0][1]
    return Panel(pd.Index(unique_ids), order, bounds, sorted_times, steps)


def series_tails(values: np.ndarray, panel: Panel, keep: int) -> np.ndarray:
    """The last ``keep`` rows of each series, NaN before a shorter one starts.

    Parameters
    ----------
    values : ndarray of shape (n_rows, n_features)
        Finite values, in the caller's row order.
    panel : Panel
        Their checked index.
    keep : int
        Rows kept per series.

    Returns
    -------
    tails : ndarray of shape (n_series, keep, n_features)

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklstm.windows._panel import read_panel, series_tails
    >>> panel = read_panel(pd.MultiIndex.from_tuples([("a", 1), ("a", 2), ("b", 1)]))
    >>> series_tails(np.array([[1.0], [2.0], [3.0]]), panel, 2)[:, :, 0]
    array([[ 1.,  2.],
           [nan,  3.]])
    """
    in_order = values[panel.order]
    tails = np.full((len(panel.ids), keep, values.shape[1]), np.nan, values.dtype)
    for k, (_, rows) in enumerate(panel.groups()):
        tail = in_order[rows][max(rows.stop - rows.start - keep, 0) :]
        tails[k, keep - len(tail) :] = tail
    return tails


def continued_tails(panel: Panel, ids, tails, next_codes, like) -> list:
    """The fitted tail of each series that ``panel`` continues, else None.

    A series continues when it was fitted and its first time label is the
    fitted last label plus its step (``next_codes``, see
    :meth:`Panel.next_codes`).

    Parameters
    ----------
    panel : Panel
        The rows now.
    ids : ndarray of shape (n_fitted,)
        The fitted series ids.
    tails : ndarray of shape (n_fitted, n_tail, n_features)
        Their last rows (see :func:`series_tails`).
    next_codes : ndarray of int64 of shape (n_fitted,)
        The time code that continues each fitted series.
    like : pd.Index or None
        An empty index of the fitted time type (see :func:`time_like`).

    Returns
    -------
    list of (ndarray or None)
        One entry per series of ``panel``.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklstm.windows._panel import continued_tails, read_panel
    >>> now = read_panel(pd.MultiIndex.from_tuples([("a", 3), ("b", 9)]))
    >>> tails = np.array([[[1.0], [2.0]], [[5.0], [6.0]]])
    >>> continued_tails(now, np.array(["a", "b"]), tails, np.array([3, 3]), like=
    ...     pd.Index([], dtype="int64"))
    [array([[1.],
           [2.]]), None]
    """
    histories = [None] * len(panel.ids)
    if not same_time_kind(like, panel.times):
        return histories
    fitted = pd.Index(ids).get_indexer(panel.ids)
    first = time_codes(panel.times)[panel.bounds[:-1]]
    for k, position in enumerate(fitted):
        if position >= 0 and next_codes[position] != NO_TIME:
            if first[k] == next_codes[position]:
                tail = tails[position]
                # NaN rows stand for a fitted series shorter than the tail.
                histories[k] = tail[~np.isnan(tail).any(axis=1)]
    return histories


def short_series_error(panel: Panel, needed: int, why: str, name: str) -> ValueError:
    """The error for series with fewer than ``needed`` rows, naming them.

    Parameters
    ----------
    panel : Panel
        The panel.
    needed : int
        Fewest rows a series must have.
    why : str
        What the rows are needed for (``"horizon=3"``).
    name : str
        How the data is called.

    Returns
    -------
    ValueError or None
        None when every series is long enough.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm.windows._panel import read_panel, short_series_error
    >>> panel = read_panel(pd.MultiIndex.from_tuples([("a", 1), ("a", 2), ("b", 1)]))
    >>> print(short_series_error(panel, 2, "horizon=1", "series"))
    Series ['b'] of series have fewer than 2 rows, too few for horizon=1. Drop \
them first, e.g. series.groupby(level=0).filter(lambda s: len(s) >= 2).
    """
    short = panel.sizes < needed
    if not short.any():
        return None
    return ValueError(
        f"Series {_shown(panel.ids[short])} of {name} have fewer than {needed} "
        f"rows, too few for {why}. Drop them first, e.g. "
        f"{name}.groupby(level=0).filter(lambda s: len(s) >= {needed})."
    )
