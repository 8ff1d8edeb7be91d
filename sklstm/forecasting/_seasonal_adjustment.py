"""The season in SeriesForecaster: handed to the estimator, or adjusted away.

``SeriesForecaster(seasonal_period=...)`` hands the season length to an
estimator that takes one (:func:`with_season`).
``SeriesForecaster(deseasonalize=...)`` removes a fixed seasonal profile from
the target column before it cuts windows, fits and forecasts the adjusted
series, and puts the profile back on every forecast. The profile is the
classical decomposition's (statsmodels' ``seasonal_decompose``, the M4
competition's benchmarks): a centred moving average of one season is the
trend, and the mean deviation from it at each phase of the season, over every
season of the training rows, is that phase's seasonal term. A window of one or
two seasons holds only one or two noisy copies of the pattern; the profile
averages all of them.

Phases count steps from the first row of the fitted ``last_window_``;
:func:`steps_from` finds where new pandas rows fall on that count from their
index labels. These functions take plain values; the forecaster keeps the
fitted profile (``deseasonalize_``, ``seasonal_profile_``, ``_season_anchor``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import clone

from ._paths import season_of

KINDS = ("additive", "multiplicative")


def seasonal_profile(y: np.ndarray, period: int, kind: str) -> np.ndarray:
    """Seasonal term of each phase of ``y`` (phase 0 is ``y[0]``).

    Parameters
    ----------
    y : ndarray of shape (n,)
        Finite values, oldest first; at least ``2 * period`` of them, all
        positive for ``kind="multiplicative"``.
    period : int
        Season length, at least 2.
    kind : {"additive", "multiplicative"}
        Additive terms are deviations from the trend (they sum to 0);
        multiplicative terms are ratios to it (they average 1).

    Returns
    -------
    profile : ndarray of shape (period,)

    Raises
    ------
    ValueError
        Fewer than two seasons of values, or a non-positive value for the
        multiplicative kind.

    Examples
    --------
    >>> import numpy as np
    >>> y = np.tile([1.0, 3.0, 2.0], 4) + np.arange(12)
    >>> seasonal_profile(y, 3, "additive").round(6)
    array([-1.,  1.,  0.])
    """
    y = np.asarray(y, dtype=np.float64)
    if len(y) < 2 * period:
        raise ValueError(
            f"deseasonalize needs at least two seasons of the target: "
            f"{len(y)} rows with a season of {period}. Pass a longer series, "
            f"a shorter seasonal_period, or deseasonalize=None."
        )
    if kind == "multiplicative" and not (y > 0).all():
        raise ValueError(
            f"deseasonalize='multiplicative' needs a positive target; its "
            f"smallest value is {y.min():g}. Use deseasonalize='additive', or "
            f"shift the series above zero."
        )
    if period % 2 == 0:  # a 2 x m moving average keeps the trend centred
        weights = np.r_[0.5, np.ones(period - 1), 0.5] / period
    else:
        weights = np.ones(period) / period
    trend = np.full(len(y), np.nan)
    half = len(weights) // 2
    trend[half : len(y) - half] = np.convolve(y, weights, mode="valid")
    deviation = y - trend if kind == "additive" else y / trend
    profile = np.array([np.nanmean(deviation[p::period]) for p in range(period)])
    if kind == "additive":
        return profile - profile.mean()
    return profile / profile.mean()


@dataclass(frozen=True)
class SeasonalAdjustment:
    """A fitted profile, removed from and restored to values by phase.

    Examples
    --------
    >>> import numpy as np
    >>> adjust = SeasonalAdjustment("multiplicative", np.array([0.5, 1.5]))
    >>> adjust.remove(np.array([1.0, 3.0, 1.0]), np.arange(3))
    array([2., 2., 2.])
    >>> adjust.restore(np.array([2.0, 2.0]), np.array([[3, 4]]))
    array([[3., 1.]])
    """

    kind: str
    profile: np.ndarray

    def terms(self, phases) -> np.ndarray:
        """The seasonal term at each phase (any shape of integer phases)."""
        return self.profile[np.mod(phases, len(self.profile))]

    def remove(self, values: np.ndarray, phases) -> np.ndarray:
        """``values`` without the season; a new array, NaN stays NaN."""
        terms = self.terms(phases)
        return values - terms if self.kind == "additive" else values / terms

    def restore(self, values: np.ndarray, phases) -> np.ndarray:
        """Adjusted ``values`` (forecasts, interval bounds) back in data units."""
        terms = self.terms(phases)
        return values + terms if self.kind == "additive" else values * terms


def steps_from(anchor, index: pd.Index, step, *, name: str = "X") -> int:
    """Number of ``step`` steps from ``anchor`` to ``index[0]`` (negative before).

    Parameters
    ----------
    anchor : index label
        The first label of the fitted series.
    index : pd.Index
        A regular index of the fitted index's type.
    step : pandas offset or int
        The fitted index's step.
    name : str, default="X"
        How the data is called in error messages.

    Raises
    ------
    ValueError
        ``index[0]`` is not a whole number of steps from ``anchor``.

    Examples
    --------
    >>> import pandas as pd
    >>> from pandas.tseries.frequencies import to_offset
    >>> months = pd.date_range("2024-04-01", periods=3, freq="MS")
    >>> steps_from(pd.Timestamp("2024-01-01"), months, to_offset("MS"))
    3
    >>> steps_from(10, pd.RangeIndex(4, 8, 2), 2)
    -3
    """
    first = index[0]
    if isinstance(index, pd.PeriodIndex):
        return int(first.ordinal - anchor.ordinal)
    if isinstance(index, pd.DatetimeIndex):
        low, high = sorted([anchor, first])
        grid = pd.date_range(low, high, freq=step)
        if len(grid) and grid[-1] == high and grid[0] == low:
            return (len(grid) - 1) * (1 if first >= anchor else -1)
    else:
        distance = int(first) - int(anchor)
        if distance % int(step) == 0:
            return distance // int(step)
    raise ValueError(
        f"The index of {name} starts at {first!r}, which is not a whole "
        f"number of steps ({step!r}) from the fitted series' first label "
        f"{anchor!r}, so the season of its rows is unknown. Pass rows on the "
        f"fitted series' time grid."
    )


# ----------------------------------------------- the forecaster's side


def with_season(base, step, *, seasonal_period, window_length: int):
    """``base``, or a clone told the season when it has an unset parameter.

    ``SeriesForecaster(seasonal_period=...)`` hands an int on as given, and
    ``"auto"`` the season of the index ``step`` when the windows hold one.
    """
    period = seasonal_period
    if period == "auto":
        period = None if step is None else season_of(step)
        if period is not None and period > window_length:
            period = None  # no window holds a season: nothing to hand on
    params = base.get_params(deep=False)
    if period is None or params.get("seasonal_period", 0) is not None:
        return base
    return clone(base).set_params(seasonal_period=period)


def fitted_profile(kind: str, seasonal_period, target, step) -> np.ndarray:
    """The profile of ``SeriesForecaster(deseasonalize=kind)`` on the fitted target.

    The season length is ``seasonal_period`` when it is an int, else that
    of the index ``step`` (None: an error naming both ways to give one).
    Phase 0 is ``target[0]``.
    """
    period = seasonal_period
    if not isinstance(period, int):  # None or "auto": from the index
        period = None if step is None else season_of(step)
    if period is None:
        raise ValueError(
            f"deseasonalize={kind!r} needs a season length: set "
            f"seasonal_period to an int, or fit a pandas series whose index "
            f"frequency gives one (monthly 12, quarterly 4, weekly 52, daily "
            f"7, hourly 24, half-hourly 48)."
        )
    return seasonal_profile(target, period, kind)


def row_phases(anchor, step, kind: str, index, n_rows: int, *, name="X") -> np.ndarray:
    """Phase of each of ``n_rows`` new rows, from their index labels.

    ``anchor`` is the label of phase 0 (None when the fit had no index),
    ``step`` the fitted index step and ``kind`` the fitted adjustment.
    """
    if index is None or anchor is None:
        raise ValueError(
            f"deseasonalize={kind!r} needs the season of each "
            f"row of {name}: pass {name} as pandas data indexed like the "
            f"fitted series (numpy rows carry no labels), or forecast() after "
            f"the end of the fitted series without X."
        )
    return steps_from(anchor, index, step, name=name) + np.arange(n_rows)


def without_season(adjustment, values: np.ndarray, phases, history=None):
    """Copies of ``values`` (target first) and of ``last_window_[1:]`` as
    ``history`` (or None) with the target adjusted."""
    out = np.array(values, dtype=np.float64)
    out[:, 0] = adjustment.remove(out[:, 0], phases)
    if history is not None:
        history = np.array(history, dtype=np.float64)
        history[:, 0] = adjustment.remove(history[:, 0], 1 + np.arange(len(history)))
    return out, history


def target_phases(phases: np.ndarray, horizon: int) -> np.ndarray:
    """(n, horizon) phases of the targets of origins at ``phases``."""
    return np.asarray(phases)[:, None] + 1 + np.arange(horizon)


def check_profile(kind, profile) -> None:
    """Refuse a restored profile that cannot be applied (load_model)."""
    if (kind is None) != (profile is None):
        raise ValueError("deseasonalize_ and seasonal_profile_ come together")
    if kind is None:
        return
    if kind not in KINDS or profile.ndim != 1 or len(profile) < 2:
        raise ValueError(
            f"deseasonalize_={kind!r} with a profile of shape "
            f"{profile.shape} is not a seasonal adjustment"
        )
    if kind == "multiplicative" and not (profile > 0).all():
        raise ValueError("a multiplicative seasonal_profile_ must be positive")


def restore_table(adjustment, table, last_phase: int):
    """A forecast Series or DataFrame (one row per future step) in data units."""
    phases = last_phase + 1 + np.arange(len(table))
    if isinstance(table, pd.DataFrame):
        phases = phases[:, None]
    restored = adjustment.restore(table.to_numpy(dtype=np.float64), phases)
    if isinstance(table, pd.DataFrame):
        return pd.DataFrame(restored, index=table.index, columns=table.columns)
    return pd.Series(restored, index=table.index, name=table.name)
