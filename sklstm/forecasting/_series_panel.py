"""The forecaster's rows read once: one series or many, as a panel.

:class:`~sklstm.SeriesForecaster` works on a panel: rows of series ids x time,
sorted by ``(series id, time)``. A pandas object indexed by ``(series id,
time)`` is read by :func:`sklstm.windows._panel.read_panel` (rows in any
order, each series on its own regular step); a single series (a
``pd.Series``, a ``DataFrame`` or an array) is a panel of one series whose id
is never shown, already in time order, whose index must be a regular time
axis (:func:`~sklstm.windows._index.index_step`, strict). Either way
:func:`read_rows` returns a :class:`SeriesPanel`, and the forecaster fits,
predicts, scores and forecasts it on one path: targets, windows and origins
per series, so that no window or target crosses a series.

The end of each series (its last rows, last time label and step) is a
:class:`SeriesEnds`, read from new rows or from the fitted state; it gives
the future labels of a forecast, indexed by ``(series id, future time)`` for
a panel and by the future times alone for a single series.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from ..windows._index import future_index, index_step
from ..windows._panel import Panel, is_panel, read_panel, time_like
from ..windows._series import future_values
from ..windows._sliding import sliding_windows
from ._paths import future_targets


@dataclass(frozen=True, eq=False)
class SeriesPanel:
    """Rows of one or many series: values in the caller's and in sorted order.

    Build it with :func:`read_rows`.

    Parameters
    ----------
    values : ndarray of shape (n_rows, n_features)
        Target first, in the caller's row order.
    panel : Panel
        The sorted order, per-series bounds, ids and time labels. For a
        single series: the identity order, one series, its index as times
        (None for an array).
    index : pd.Index or None
        The caller's index (None for an array).
    steps : list or None
        Each series' time step (None where unknown); None when not read.
    single : bool
        Whether the rows are one series given without ids (the forecasts of
        a single series are indexed by time alone).
    """

    values: np.ndarray
    panel: Panel
    index: pd.Index | None
    steps: list | None
    single: bool

    @property
    def ordered(self) -> np.ndarray:
        """The rows sorted by ``(series id, time)``."""
        return self.in_order(self.values)

    def in_order(self, rows: np.ndarray) -> np.ndarray:
        """Per-row values in the caller's order, sorted by ``(series id, time)``.

        A single series is in order already and is returned as it is: a
        copy through the identity permutation would change its memory layout,
        and with it the last bits of what an estimator computes from it.
        """
        return rows if self.single else rows[self.panel.order]

    def in_caller_order(self, rows: np.ndarray) -> np.ndarray:
        """The inverse of :meth:`in_order`."""
        return rows if self.single else rows[self.panel.inverse]

    @property
    def ends(self) -> np.ndarray:
        """The end (exclusive) of its series for every sorted row."""
        return np.repeat(self.panel.bounds[1:], self.panel.sizes)

    @property
    def positions(self) -> np.ndarray:
        """Each sorted row's position within its series."""
        starts = np.repeat(self.panel.bounds[:-1], self.panel.sizes)
        return np.arange(len(self.values)) - starts

    def per_series(self, counts) -> np.ndarray | slice:
        """The sorted rows among the first ``counts[k]`` of series ``k``.

        A mask; for a single series, the slice of its first rows: a view
        keeps the memory layout of ``y``, and with it the last bits of what
        an estimator or a metric computes from it.
        """
        mask = self.positions < np.repeat(counts, self.panel.sizes)
        return slice(int(mask.sum())) if self.single else mask

    def count(self, rows: np.ndarray | slice) -> int:
        """How many sorted rows :meth:`per_series` selected."""
        return rows.stop if isinstance(rows, slice) else int(rows.sum())

    def common_step(self):
        """The step every series with a known step shares, else None."""
        return common_step(self.steps)

    def targets(self, y, horizon: int) -> np.ndarray:
        """(n_rows, horizon) targets, sorted: ``y``, or each series' next values."""
        if y is not None:
            return self.in_order(future_targets(self.values, self.index, y, horizon))
        ordered, size = self.ordered, self.panel.sizes
        return np.concatenate(
            [
                future_values(ordered[rows, 0], horizon, size[k], fill=np.nan)
                for k, (_, rows) in enumerate(self.panel.groups())
            ]
        )

    def n_scored(self, horizon: int, strategy: str, y) -> np.ndarray:
        """Per series: its first rows whose horizon is observed (and path defined)."""
        sizes = self.panel.sizes
        n = sizes - horizon if y is None else sizes
        if strategy == "recursive" and self.values.shape[1] > 1:
            # A recursive path needs the covariates of its next horizon - 1 steps.
            n = np.minimum(n, sizes - horizon + 1)
        return n.astype(np.int64)

    def windows(self, ordered, window_length: int, padding: str, histories=None):
        """The window ending at every sorted row of ``ordered``; none crosses a series.

        ``histories`` holds, per series, real rows preceding it (or None).
        """
        histories = histories or [None] * len(self.panel.ids)
        return np.concatenate(
            [
                sliding_windows(
                    ordered[rows], window_length, padding=padding, history=history
                )
                for (_, rows), history in zip(
                    self.panel.groups(), histories, strict=True
                )
            ]
        )

    def last_rows(self) -> SeriesEnds:
        """The end of every series: what a forecast after these rows starts from."""
        ordered = self.ordered
        blocks = [ordered[rows] for _, rows in self.panel.groups()]
        if self.single:
            index = self.index
            last = None if index is None else index[-1]
            like = None if index is None else index[:0]
            return SeriesEnds(
                self.panel.ids, blocks, [last], self.steps, like, None, "X", True
            )
        times = self.panel.times
        return SeriesEnds(
            self.panel.ids,
            blocks,
            list(times[self.panel.bounds[1:] - 1]),
            self.steps,
            time_like(times),
            list(self.index.names),
            "X",
            False,
        )


def common_step(steps):
    """The step every series with a known step shares, else None.

    Examples
    --------
    >>> common_step([2, None, 2]), common_step([1, 2]), common_step([])
    (2, None, None)
    """
    known = [s for s in (steps or []) if s is not None]
    if known and all(s == known[0] for s in known):
        return known[0]
    return None


def _series_steps(panel: Panel, freq, fallback, name: str) -> list:
    """Each series' step under the forecaster's rules (``freq``), None if unknown.

    A series of fewer than three dates proves no frequency; it takes the
    step the other series (or ``fallback``, the fitted series) share when
    its dates lie on that step's grid.
    """
    steps, shared = [], common_step(panel.steps)
    shared = fallback if shared is None else shared
    for k, (series_id, rows) in enumerate(panel.groups()):
        times, where = panel.times[rows], f"{name}.loc[{series_id!r}]"
        step = panel.steps[k]
        if isinstance(times, pd.DatetimeIndex) and freq is not None:
            step = index_step(times, strict=True, freq=freq, name=where)
        elif step is None and not isinstance(times, pd.DatetimeIndex):
            index_step(times, strict=True, name=where)  # raises: no time axis
        elif len(times) < 2 and isinstance(shared, int):
            step = shared  # one integer label proves no step
        elif step is None and shared is not None and not isinstance(shared, int):
            on_grid = pd.date_range(times[0], periods=len(times), freq=shared)
            step = shared if on_grid.equals(times) else None
        steps.append(step)
    return steps


def read_rows(values, index, *, freq=None, steps=True, fallback=None, name="X"):
    """Read the rows of one series or of a ``(series id, time)`` panel once.

    Parameters
    ----------
    values : ndarray of shape (n_rows, n_features)
        The rows, target first, in the caller's order.
    index : pd.Index, pd.MultiIndex or None
        Their index: a MultiIndex makes a panel; anything else one series.
    freq : str or None, default=None
        The forecaster's ``freq`` (the step of every date series).
    steps : bool, default=True
        Whether to find the steps of a panel's series (forecasting needs
        them, predicting not). A single series' index is always checked.
    fallback : pandas offset, int or None, default=None
        The step of a panel's short date series when the others share none.
    name : str, default="X"
        How the data is called in error messages.

    Returns
    -------
    SeriesPanel

    Raises
    ------
    ValueError
        A single series whose index is not a regular time axis (unsorted,
        gaps, too few dates without ``freq``), or a broken panel index (see
        :func:`~sklstm.windows._panel.read_panel`).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> index = pd.MultiIndex.from_tuples([("b", 5), ("a", 1), ("a", 2)])
    >>> data = read_rows(np.array([[9.0], [1.0], [2.0]]), index)
    >>> data.ordered[:, 0].tolist(), data.steps, data.positions.tolist()
    ([1.0, 2.0, 9.0], [1, 1], [0, 1, 0])
    >>> one = read_rows(np.array([[1.0], [2.0]]), pd.RangeIndex(3, 5))
    >>> one.single, one.steps, one.panel.sizes.tolist(), one.per_series([1])
    (True, [1], [2], slice(None, 1, None))
    """
    if is_panel(index):
        panel = read_panel(index, name=name)
        found = _series_steps(panel, freq, fallback, name) if steps else None
        return SeriesPanel(values, panel, index, found, single=False)
    step = None if index is None else index_step(index, strict=True, freq=freq)
    n = len(values)
    # One series, already in time order; its id (0) is never shown.
    panel = Panel(pd.Index([0]), np.arange(n), np.array([0, n]), index, [step])
    return SeriesPanel(values, panel, index, [step], single=True)


@dataclass(frozen=True, eq=False)
class SeriesEnds:
    """The last rows of each series and where its time axis goes next.

    Parameters
    ----------
    ids : pd.Index
        The series ids.
    blocks : list of ndarray of shape (n_k, n_features)
        Each series' last rows, oldest first, target first.
    lasts : list
        Each series' last time label (None for an array).
    steps : list
        Each series' step (None where unknown).
    like : pd.Index or None
        An empty index of the time type (None for an array).
    names : list or None
        The index names of a panel's forecast, ``[id name, time name]``;
        None for a single series.
    where : str
        How the data is called in error messages.
    single : bool
        Whether the forecast is indexed by time alone (a single series).
    """

    ids: pd.Index
    blocks: list
    lasts: list
    steps: list
    like: pd.Index | None
    names: list | None
    where: str
    single: bool

    def future_labels(self, horizon: int) -> pd.Index:
        """The labels of the ``horizon`` forecast steps of every series.

        Examples
        --------
        >>> import numpy as np
        >>> import pandas as pd
        >>> days = pd.date_range("2024-01-01", periods=3, freq="D")
        >>> index = pd.MultiIndex.from_product([["a"], days], names=["id", "day"])
        >>> ends = read_rows(np.ones((3, 1)), index).last_rows()
        >>> ends.future_labels(2).get_level_values(1).strftime("%m-%d").tolist()
        ['01-04', '01-05']
        """
        if self.single:
            if self.like is None:  # an array: steps after its end
                return pd.RangeIndex(horizon)
            return future_index(self.lasts[0], self.steps[0], horizon, self.like)
        unknown = [
            series_id
            for series_id, step in zip(self.ids, self.steps, strict=True)
            if step is None
        ]
        if unknown:
            raise ValueError(
                f"Series {list(unknown[:5])} of {self.where} have too few dates to "
                f"infer their frequency (fewer than 3, and no other series gives "
                f"one), so their future dates are unknown: pass freq=... to "
                f"SeriesForecaster (e.g. freq='D') or give them at least 3 rows."
            )
        pieces = [
            future_index(last, step, horizon, self.like)
            for last, step in zip(self.lasts, self.steps, strict=True)
        ]
        times = pieces[0].append(pieces[1:])
        return pd.MultiIndex.from_arrays(
            [self.ids.repeat(horizon), times], names=self.names
        )


# ------------------------------------------- a fitted panel's saved ends


def step_text(step) -> str:
    """A step as text for the model file: a pandas frequency, an int, or "".

    Examples
    --------
    >>> from pandas.tseries.frequencies import to_offset
    >>> step_text(to_offset("MS")), step_text(7), step_text(None)
    ('MS', '7', '')
    """
    if step is None:
        return ""
    return str(step) if isinstance(step, int) else step.freqstr


def step_value(text: str, like: pd.Index):
    """The inverse of :func:`step_text` for a time level like ``like``."""
    if text == "":
        return None
    if isinstance(like, pd.DatetimeIndex):
        return to_offset(text)
    return int(text)


def labels_from_codes(codes: np.ndarray, like: pd.Index) -> pd.Index:
    """Time labels from their codes (inverse of ``windows._panel.time_codes``)."""
    if isinstance(like, pd.DatetimeIndex):
        labels = pd.DatetimeIndex(codes.astype("datetime64[ns]"))
        if like.tz is not None:
            labels = labels.tz_localize("UTC").tz_convert(like.tz)
        return labels.as_unit(like.unit)
    if isinstance(like, pd.PeriodIndex):
        return pd.PeriodIndex.from_ordinals(codes, freq=like.freq)
    return pd.Index(codes, dtype=like.dtype)
