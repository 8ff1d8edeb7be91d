"""SeriesForecaster on panels: one global window regressor for many series.

A panel is a pandas object indexed by ``(series id, time)`` (see
:mod:`sklstm.windows._panel`, which reads it). The forecaster trains ONE regressor
on the windows of every series: windows come from
:func:`~sklstm.windows._panel_windows.panel_windows` (no window crosses a series, each
series starts with its own padding) and each row's targets are its own
series' next values. Prediction, scoring and forecasting then work on the
rows of all series at once, in ``(series id, time)`` order, with the horizon
functions of :mod:`sklstm.forecasting._paths`; results go back to the caller's
row order, and forecasts are indexed by ``(series id, future time)``.

The model never sees a series id, only windows, so it forecasts a series
it was not fitted on from that series' own history (a cold start).

These functions take the :class:`~sklstm.SeriesForecaster` and read its
parameters; :func:`fit` sets its fitted attributes (all declared in its
``_fitted_state``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset

from ..windows._index import future_index, index_step
from ..windows._panel import (
    NO_TIME,
    Panel,
    continued_tails,
    read_panel,
    series_tails,
    time_like,
)
from ..windows._panel_windows import panel_windows
from ..windows._series import future_values
from ..windows._sliding import sliding_windows
from . import _seasonal_adjustment as seasonal
from ._paths import (
    check_future_covariates,
    forecast_paths,
    forecast_table,
    future_targets,
    quantile_frame,
)

#: The fitted attributes of a panel fit (declared in SeriesForecaster._fitted_state).
PANEL_STATE = (
    "series_ids_",
    "series_last_window_",
    "_series_next_time",
    "_series_steps",
    "_series_time_like",
    "_series_id_name",
)


@dataclass(frozen=True, eq=False)
class PanelData:
    """A checked panel: values in the caller's and in ``(id, time)`` order.

    Parameters
    ----------
    values : ndarray of shape (n_rows, n_features)
        Target first, in the caller's row order.
    ordered : ndarray of shape (n_rows, n_features)
        The same rows sorted by ``(series id, time)``.
    panel : Panel
        The checked index.
    steps : list or None
        Each series' time step (None where unknown); None when not needed.
    """

    values: np.ndarray
    ordered: np.ndarray
    panel: Panel
    steps: list | None

    @property
    def ends(self) -> np.ndarray:
        """The end (exclusive) of its series for every sorted row."""
        return np.repeat(self.panel.bounds[1:], self.panel.sizes)

    @property
    def positions(self) -> np.ndarray:
        """Each sorted row's position within its series."""
        starts = np.repeat(self.panel.bounds[:-1], self.panel.sizes)
        return np.arange(len(self.ordered)) - starts

    def per_series(self, counts) -> np.ndarray:
        """Mask of the sorted rows among the first ``counts[k]`` of series ``k``."""
        return self.positions < np.repeat(counts, self.panel.sizes)


def _common_step(steps):
    """The step every series with a known step shares, else None."""
    known = [s for s in steps if s is not None]
    if known and all(s == known[0] for s in known):
        return known[0]
    return None


def _series_steps(panel: Panel, freq, fallback, name: str) -> list:
    """Each series' step under the forecaster's rules (``freq``), None if unknown.

    A series of fewer than three dates proves no frequency; it takes the
    step the other series (or ``fallback``, the fitted series) share when
    its dates lie on that step's grid.
    """
    steps, shared = [], _common_step(panel.steps)
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


def read(values, index, *, freq=None, steps=True, fallback=None, name="X"):
    """Read a ``(series id, time)`` panel once; ``steps`` finds each series' step.

    Parameters
    ----------
    values : ndarray of shape (n_rows, n_features)
        The rows, target first, in the caller's order.
    index : pd.MultiIndex
        Their index.
    freq : str or None, default=None
        The forecaster's ``freq`` (the step of every date series).
    steps : bool, default=True
        Whether to find the steps (forecasting needs them, predicting not).
    fallback : pandas offset, int or None, default=None
        The step of short date series when the others share none.
    name : str, default="X"
        How the data is called in error messages.

    Returns
    -------
    PanelData

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklstm.forecasting._panel import read
    >>> index = pd.MultiIndex.from_tuples([("b", 5), ("a", 1), ("a", 2)])
    >>> data = read(np.array([[9.0], [1.0], [2.0]]), index)
    >>> data.ordered[:, 0].tolist(), data.steps, data.positions.tolist()
    ([1.0, 2.0, 9.0], [1, 1], [0, 1, 0])
    """
    panel = read_panel(index, name=name)
    found = _series_steps(panel, freq, fallback, name) if steps else None
    return PanelData(values, values[panel.order], panel, found)


def _step_text(step) -> str:
    """A step as text for the model file: a pandas frequency, an int, or ""."""
    if step is None:
        return ""
    return str(step) if isinstance(step, int) else step.freqstr


def _step_value(text: str, like: pd.Index):
    if text == "":
        return None
    if isinstance(like, pd.DatetimeIndex):
        return to_offset(text)
    return int(text)


def _labels_from_codes(codes: np.ndarray, like: pd.Index) -> pd.Index:
    """Time labels from their codes (inverse of ``windows._panel.time_codes``)."""
    if isinstance(like, pd.DatetimeIndex):
        labels = pd.DatetimeIndex(codes.astype("datetime64[ns]"))
        if like.tz is not None:
            labels = labels.tz_localize("UTC").tz_convert(like.tz)
        return labels.as_unit(like.unit)
    if isinstance(like, pd.PeriodIndex):
        return pd.PeriodIndex.from_ordinals(codes, freq=like.freq)
    return pd.Index(codes, dtype=like.dtype)


def _sorted_windows(fc, data: PanelData, histories=None) -> np.ndarray:
    windows, _ = panel_windows(
        data.values,
        data.panel,
        fc.window_length,
        padding=fc.padding,
        histories=histories,
    )
    return windows[data.panel.order]


def _targets(fc, data: PanelData, index, y) -> np.ndarray:
    """(n_rows, horizon) targets in sorted order: ``y``, or each series' next values."""
    if y is not None:
        return future_targets(data.values, index, y, fc.horizon)[data.panel.order]
    targets = np.empty((len(data.ordered), fc.horizon))
    for _, rows in data.panel.groups():
        size = rows.stop - rows.start
        targets[rows] = future_values(
            data.ordered[rows, 0], fc.horizon, size, fill=np.nan
        )
    return targets


def _n_scored(fc, data: PanelData, y) -> np.ndarray:
    """Per series: its first rows whose horizon is observed (see ``_n_scored``)."""
    return np.array(
        [fc._n_scored(data.ordered[rows], y) for _, rows in data.panel.groups()],
        dtype=np.int64,
    )


def _paths(fc, windows, data: PanelData) -> np.ndarray:
    return forecast_paths(
        fc.estimator_,
        windows,
        data.ordered,
        np.arange(len(windows)),
        horizon=fc.horizon,
        strategy=fc.strategy,
        ends=data.ends,
    )


def fit(fc, values, index, y, base):
    """Fit ``fc`` on every series of a panel: one regressor, per-series targets.

    Calibration origins (``conformal_fraction``) are the last fraction of
    each series' origins, and their residuals are pooled.
    """
    data = read(values, index, freq=fc.freq)
    steps_ahead = fc.horizon if fc.strategy == "direct" else 1
    sizes = data.panel.sizes
    train = data.per_series(sizes - steps_ahead if y is None else sizes)
    if train.sum() < 2:
        raise ValueError(
            f"The panel has {len(values)} rows in {len(sizes)} series "
            f"(longest {sizes.max()}), leaving {train.sum()} training origins "
            f"for horizon={fc.horizon} with strategy={fc.strategy!r}: a series "
            f"gives an origin per row beyond the first {steps_ahead}. Pass "
            f"longer series (at least 2 origins in all)."
        )
    step = _common_step(data.steps)
    fc._index_like = fc._index_step = None  # the single-series state
    fc.__dict__.pop("_index_end", None)
    fc.__dict__.pop("last_window_", None)
    fc._fit_estimator(
        seasonal.with_season(fc, base, step),
        data.ordered,
        _sorted_windows(fc, data),
        _targets(fc, data, index, y),
        _n_scored(fc, data, y),
        train,
        data.panel.bounds,
    )
    fc.series_ids_ = data.panel.ids.to_numpy()
    fc.series_last_window_ = series_tails(values, data.panel, fc.window_length)
    fc._series_next_time = data.panel.next_codes(data.steps)
    fc._series_steps = np.array([_step_text(s) for s in data.steps], dtype=object)
    fc._series_time_like = time_like(data.panel.times)
    fc._series_id_name = index.names[0]
    return fc


def _continued(fc, data: PanelData) -> list:
    """The fitted tail of each series that ``data`` continues, else None."""
    if not hasattr(fc, "series_ids_"):
        return [None] * len(data.panel.ids)
    return continued_tails(
        data.panel,
        fc.series_ids_,
        fc.series_last_window_[:, 1:],
        fc._series_next_time,
        fc._series_time_like,
    )


def predict(fc, values, index) -> np.ndarray:
    """The forecast made at every row of a panel, in the caller's row order.

    A series whose first time label follows its fitted end continues from
    its fitted rows; other series (and unseen ones) are padded.
    """
    data = read(values, index, steps=False)
    windows = _sorted_windows(fc, data, _continued(fc, data))
    paths = _paths(fc, windows, data)[data.panel.inverse]
    return paths[:, 0] if fc.horizon == 1 else paths


def score(fc, values, index, y, paths, sample_weight) -> float:
    """R^2 pooled over the origins of all series whose horizon is observed."""
    from sklearn.metrics import r2_score

    data = read(values, index, steps=False)
    actual = _targets(fc, data, index, y)
    scored = data.per_series(_n_scored(fc, data, y))
    if scored.sum() < 2:
        raise ValueError(
            f"Scoring needs at least 2 rows whose horizon is observed; the "
            f"panel X has {len(values)} rows in {len(data.panel.ids)} series "
            f"with horizon={fc.horizon}: pass y or longer series."
        )
    paths = paths.reshape(len(paths), -1)[data.panel.order]
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight)[data.panel.order][scored]
    return float(r2_score(actual[scored], paths[scored], sample_weight=sample_weight))


def _future_times(ids, lasts, steps, horizon, like, name) -> pd.Index:
    unknown = [
        series_id for series_id, step in zip(ids, steps, strict=True) if step is None
    ]
    if unknown:
        raise ValueError(
            f"Series {list(unknown[:5])} of {name} have too few dates to infer "
            f"their frequency (fewer than 3, and no other series gives one), so "
            f"their future dates are unknown: pass freq=... to SeriesForecaster "
            f"(e.g. freq='D') or give them at least 3 rows."
        )
    pieces = [
        future_index(last, step, horizon, like)
        for last, step in zip(lasts, steps, strict=True)
    ]
    return pieces[0].append(pieces[1:])


def _future_covariates(fc, future_covariates, labels) -> list:
    """Known covariates (horizon, n_covariates) of each forecast series."""
    n_covariates, horizon = fc.n_features_in_ - 1, fc.horizon
    index = getattr(future_covariates, "index", None)
    if not isinstance(index, pd.MultiIndex) or index.nlevels != 2:
        raise ValueError(
            f"The recursive strategy needs the covariates of the future steps "
            f"of every series: pass future_covariates as a DataFrame of the "
            f"{n_covariates} covariate column(s) indexed by (series id, future "
            f"time), the next horizon={horizon} times of each series, e.g. "
            f"{labels[0]}."
        )
    if index.has_duplicates:
        raise ValueError(
            "future_covariates has duplicate (series id, time) labels; keep "
            "one row per series and future time."
        )
    positions = index.get_indexer(labels)
    if (positions < 0).any():
        missing = labels[positions < 0]
        ids = list(pd.unique(missing.get_level_values(0)))
        raise ValueError(
            f"future_covariates lacks rows of series {ids[:5]} (e.g. "
            f"{missing[0]}): it needs the next horizon={horizon} times of "
            f"every series forecast, indexed by (series id, future time)."
        )
    rows = future_covariates.iloc[positions]
    return [
        check_future_covariates(
            rows.iloc[k : k + horizon],
            horizon=horizon,
            n_covariates=n_covariates,
            names=getattr(fc, "feature_names_in_", None),
            target_name=fc.target_name_,
        )
        for k in range(0, len(labels), horizon)
    ]


def forecast(fc, X, future_covariates, coverage, quantiles):
    """The next ``horizon`` values of every series, by ``(series id, future time)``.

    ``X=None`` continues the fitted series; a panel ``X`` is forecast from
    its own rows (series unseen in ``fit`` included).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklearn.linear_model import LinearRegression
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklearn.preprocessing import FunctionTransformer
    >>> from sklstm import SeriesForecaster
    >>> days = pd.date_range("2024-01-01", periods=10, freq="D")
    >>> index = pd.MultiIndex.from_product([["a", "b"], days], names=["id", "day"])
    >>> panel = pd.Series(np.r_[np.arange(10.0), np.arange(5.0, 15.0)], index=index)
    >>> flat = FunctionTransformer(lambda w: w.reshape(len(w), -1))
    >>> fc = SeriesForecaster(make_pipeline(flat, LinearRegression()),
    ...                       window_length=2, horizon=2, padding="edge")
    >>> forecast = fc.fit(panel).forecast()
    >>> forecast.round(6).tolist()
    [10.0, 11.0, 15.0, 16.0]
    >>> forecast.index[2], forecast.index.names
    (('b', Timestamp('2024-01-11 00:00:00')), FrozenList(['id', 'day']))
    """
    if X is None:
        ids, like = pd.Index(fc.series_ids_), fc._series_time_like
        steps = [_step_value(text, like) for text in fc._series_steps]
        nexts = _labels_from_codes(fc._series_next_time, like)
        lasts = [
            n - s if s is not None else None for n, s in zip(nexts, steps, strict=True)
        ]
        # NaN rows stand for a fitted series shorter than the window.
        blocks = [w[~np.isnan(w).any(axis=1)] for w in fc.series_last_window_]
        names, where = [fc._series_id_name, like.name], "the fitted panel"
    else:
        values, index = fc._series_values(X, fitting=False)
        fitted = getattr(fc, "_series_steps", [])
        like = getattr(fc, "_series_time_like", None)
        fallback = _common_step([_step_value(t, like) for t in fitted])
        data = read(values, index, freq=fc.freq, fallback=fallback)
        ids, steps, like = data.panel.ids, data.steps, time_like(data.panel.times)
        lasts = data.panel.times[data.panel.bounds[1:] - 1]
        blocks = [data.ordered[rows] for _, rows in data.panel.groups()]
        names, where = list(index.names), "X"
    horizon = fc.horizon
    times = _future_times(ids, lasts, steps, horizon, like, where)
    labels = pd.MultiIndex.from_arrays([ids.repeat(horizon), times], names=names)
    windows = np.stack(
        [sliding_windows(b, fc.window_length, padding=fc.padding)[-1] for b in blocks]
    )
    if quantiles is not None:
        return quantile_frame(fc, windows, labels, quantiles, coverage)
    lengths = np.array([len(b) for b in blocks])
    if fc.n_features_in_ > 1 and fc.strategy == "recursive":
        futures = _future_covariates(fc, future_covariates, labels)
        blocks = [
            np.vstack([b, np.column_stack([np.full(horizon, np.nan), f])])
            for b, f in zip(blocks, futures, strict=True)
        ]
    ends = np.cumsum([len(b) for b in blocks])
    paths = forecast_paths(
        fc.estimator_,
        windows,
        np.concatenate(blocks),
        ends - np.array([len(b) for b in blocks]) + lengths - 1,
        horizon=horizon,
        strategy=fc.strategy,
        ends=ends,
    )
    residuals = getattr(fc, "calibration_residuals_", None)
    return forecast_table(paths, labels, fc.target_name_, residuals, coverage)


def check_restored(fc) -> None:
    """Refuse a restored panel state whose parts do not fit together."""
    missing = [name for name in PANEL_STATE if not hasattr(fc, name)]
    if missing:
        raise ValueError(f"the panel state lacks {missing}")
    n_series = len(fc.series_ids_)
    expected = (n_series, fc.window_length, fc.n_features_in_)
    if fc.series_last_window_.shape != expected:
        raise ValueError(f"series_last_window_ is not of shape {expected}")
    codes = fc._series_next_time
    if codes.shape != (n_series,) or codes.dtype.kind != "i":
        raise ValueError("_series_next_time does not hold one code per series")
    if len(fc._series_steps) != n_series or fc._series_time_like is None:
        raise ValueError("_series_steps and _series_time_like do not fit the series")
    if any(len(text) > 64 for text in fc._series_steps):
        raise ValueError("_series_steps holds a string of over 64 characters")
    try:
        steps = [_step_value(text, fc._series_time_like) for text in fc._series_steps]
    except ValueError as exc:
        raise ValueError(f"_series_steps holds a step that is none ({exc})") from None
    if any((s is None) != (c == NO_TIME) for s, c in zip(steps, codes, strict=True)):
        raise ValueError("_series_steps and _series_next_time disagree")
