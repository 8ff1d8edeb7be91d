"""The forecast horizon: future targets, forecast paths, future covariates, intervals.

Pure numpy/pandas functions that :class:`~sklstm.SeriesForecaster` composes:
what every row's next ``horizon`` targets are, how a window regressor turns
windows into paths (direct: one output per step; recursive: fed its own
predictions), how known future covariates are read and checked, how a
forecast table and a split-conformal interval are made, and how long a
season is for a pandas step.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.exceptions import DataConversionWarning

from ..windows._series import future_values


def future_targets(values: np.ndarray, index, y, horizon: int) -> np.ndarray:
    """(n, horizon) targets of every row: from ``y``, or NaN past the end.

    ``values`` has the target in column 0; ``y`` is None or what
    ``frame_supervised(series, horizon=horizon)`` returns for the same rows.

    Examples
    --------
    >>> import numpy as np
    >>> future_targets(np.arange(4.0).reshape(-1, 1), None, None, 2)
    array([[ 1.,  2.],
           [ 2.,  3.],
           [ 3., nan],
           [nan, nan]])
    """
    if y is None:
        return future_values(values[:, 0], horizon, len(values), fill=np.nan)
    n, h = len(values), horizon
    expected = (n,) if h == 1 else (n, h)
    y_index = getattr(y, "index", None)
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 2 and y.shape[1] == 1 and h == 1:
        warnings.warn(
            "A column-vector y was passed when a 1d array was expected "
            "(horizon=1); it is read as y.ravel().",
            DataConversionWarning,
            stacklevel=3,
        )
    if y.ndim == 1:
        y = y.reshape(-1, 1)
    if y.shape != (n, h):
        raise ValueError(
            f"y must hold the next horizon={h} target values of every row "
            f"of X, shape {expected}, as frame_supervised(series, "
            f"horizon={h}) returns; got shape {np.shape(y)}."
        )
    if index is not None and y_index is not None and not y_index.equals(index):
        raise ValueError(
            "y is not aligned with X: their indexes differ. Build both "
            "with X, y = frame_supervised(series, horizon=...)."
        )
    if not np.isfinite(y).all():
        raise ValueError("y contains NaN or infinity; fill or drop those rows.")
    return y


def forecast_paths(
    model,
    windows: np.ndarray,
    values: np.ndarray,
    first_origin,
    *,
    horizon: int,
    strategy: str,
    ends=None,
) -> np.ndarray:
    """Forecast paths (n, horizon) of ``model`` for consecutive origins.

    ``windows[i]`` ends at row ``first_origin + i`` of ``values`` (target in
    column 0, covariates after it); ``first_origin`` may instead be an array
    of each window's row (the rows of many series stacked). The recursive
    strategy appends each predicted step to the window, with the covariates
    known at that step: NaN from row ``ends[i]`` on (default: beyond
    ``values``), so that no path reads the covariates of another series.
    """
    if strategy == "direct":
        return np.asarray(model.predict(windows), dtype=np.float64).reshape(
            len(windows), horizon
        )
    paths = np.empty((len(windows), horizon))
    current = np.array(windows, dtype=np.float64)
    if np.ndim(first_origin) == 0:
        origins = first_origin + np.arange(len(windows))
    else:
        origins = np.asarray(first_origin)
    ends = len(values) if ends is None else np.asarray(ends)
    for k in range(horizon):
        step = np.asarray(model.predict(current), dtype=np.float64).reshape(-1)
        paths[:, k] = step
        if k == horizon - 1:
            break
        new_row = np.empty((len(windows), values.shape[1]))
        new_row[:, 0] = step
        if values.shape[1] > 1:
            future = origins + k + 1
            known = future < ends
            new_row[:, 1:] = np.nan
            new_row[known, 1:] = values[future[known], 1:]
        current = np.concatenate([current[:, 1:], new_row[:, None, :]], axis=1)
    return paths


def squeeze(targets: np.ndarray) -> np.ndarray:
    """(n, 1) targets as (n,), as a one-output regressor expects them."""
    return targets[:, 0] if targets.shape[1] == 1 else targets


def calibration_residuals(
    base, windows, values, targets, n_full, bounds, *, fraction, horizon, strategy
) -> np.ndarray:
    """Absolute split-conformal errors (n_calibration, horizon), pooled over series.

    The rows of each series ``k`` are ``bounds[k]:bounds[k + 1]`` (one
    series: ``[0, n]``), of which the first ``n_full[k]`` have their whole
    horizon observed; the last ``fraction`` of those calibrate. A clone of
    ``base`` is fitted on each series' earlier origins whose targets end
    before that series' first calibration target, and its errors on the
    calibration origins of every series are stacked.
    """
    first = np.asarray(bounds)[:-1]
    n_full = np.maximum(np.asarray(n_full), 0)
    n_cal = np.array([math.ceil(fraction * n) for n in n_full], dtype=np.int64)
    start = n_full - n_cal
    # Training origins must not see calibration targets: their own
    # targets end before the first calibration target of their series.
    n_train = np.maximum(start - horizon + 1, 0)
    if n_cal.sum() < 1 or n_train.sum() < 2:
        raise ValueError(
            f"conformal_fraction={fraction} leaves {n_cal.sum()} calibration "
            f"and {n_train.sum()} training origins; use a longer series or a "
            f"different fraction."
        )
    train = np.concatenate(
        [f + np.arange(n) for f, n in zip(first, n_train, strict=True)]
    )
    rows = np.concatenate(
        [f + np.arange(s, e) for f, s, e in zip(first, start, n_full, strict=True)]
    )
    steps_ahead = horizon if strategy == "direct" else 1
    model = clone(base).fit(windows[train], squeeze(targets[train, :steps_ahead]))
    ends = np.repeat(np.asarray(bounds)[1:], n_cal)
    paths = forecast_paths(
        model,
        windows[rows],
        values,
        rows,
        horizon=horizon,
        strategy=strategy,
        ends=ends,
    )
    return np.abs(targets[rows] - paths)


#: The interval columns of a forecast table.
INTERVAL_COLUMNS = ("lower", "upper")


def point_column(target_name) -> str:
    """The column of the point forecast: the target's name, else ``"forecast"``.

    Examples
    --------
    >>> point_column("sales"), point_column(0), point_column(None)
    ('sales', 'forecast', 'forecast')
    """
    return target_name if isinstance(target_name, str) else "forecast"


def forecast_table(paths, labels, target_name, residuals, coverage) -> pd.DataFrame:
    """Forecast paths as a DataFrame by ``labels``, with intervals for ``coverage``.

    ``paths`` is (n_windows, horizon), flattened in ``labels`` order, in the
    column :func:`point_column` names; with ``coverage``, also ``lower`` and
    ``upper`` (the half width of each step from ``residuals``, the same for
    every window). A target named ``lower`` or ``upper`` would lose a
    column to the interval's, so intervals of it are refused.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> forecast_table(np.array([[1.0, 2.0]]), pd.RangeIndex(2), "y", None, None)
         y
    0  1.0
    1  2.0
    """
    path = np.asarray(paths).ravel()
    name = point_column(target_name)
    if coverage is None:
        return pd.DataFrame({name: path}, index=labels)
    if name in INTERVAL_COLUMNS:
        raise ValueError(
            f"The target is named {name!r}, like an interval column of "
            f"forecast(coverage=...) (columns: the target, 'lower', 'upper'), "
            f"so one would hide the other: rename the target before fit, e.g. "
            f"series.rename('{name}_value') or "
            f"frame.rename(columns={{{name!r}: '{name}_value'}})."
        )
    half_width = np.tile(conformal_half_width(residuals, coverage), len(paths))
    return pd.DataFrame(
        {
            name: path,
            "lower": path - half_width,
            "upper": path + half_width,
        },
        index=labels,
    )


def quantile_frame(
    model, windows: np.ndarray, labels, quantiles, coverage, *, horizon, strategy
) -> pd.DataFrame:
    """Quantile forecasts (horizon rows per window, one column per level).

    ``quantiles`` is True (every level the fitted ``model`` was fitted
    with) or a sequence of those levels; ``coverage`` must be None.
    Direct strategy (or one step) only: a recursive path fed its median
    would give the quantiles of each step as if the steps before it were
    known, far too narrow.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import LSTMRegressor, SeriesForecaster
    >>> rng = np.random.default_rng(0)
    >>> model = LSTMRegressor(loss="quantile", hidden_size=4, max_epochs=3,
    ...                       random_state=0)
    >>> fc = SeriesForecaster(model, window_length=4, horizon=2)
    >>> table = fc.fit(rng.normal(size=60).cumsum()).forecast(quantiles=True)
    >>> list(table.columns), table.shape
    ([0.1, 0.5, 0.9], (2, 3))
    """
    if coverage is not None:
        raise ValueError(
            "Pass coverage (conformal intervals) or quantiles (quantile "
            "forecasts), not both."
        )
    fitted = getattr(model, "quantiles", None)
    if getattr(model, "loss", None) != "quantile":
        raise ValueError(
            "forecast(quantiles=...) needs an estimator fitted with "
            "loss='quantile', e.g. SeriesForecaster(LSTMRegressor("
            "loss='quantile', quantiles=(0.1, 0.5, 0.9))); use coverage=... "
            "for conformal intervals of another estimator."
        )
    if strategy == "recursive" and horizon > 1:
        raise ValueError(
            "forecast(quantiles=...) needs strategy='direct' (or horizon=1): "
            "a recursive path fed its own median would understate the "
            "uncertainty of every later step."
        )
    fitted = tuple(float(q) for q in fitted)
    levels = fitted if quantiles is True else tuple(quantiles)
    missing = [q for q in levels if q not in fitted]
    if missing or not levels:
        raise ValueError(
            f"quantiles={quantiles!r}: the estimator was fitted with "
            f"quantiles={fitted}; pass True or some of those levels."
        )
    values = np.asarray(model.predict_quantiles(windows), dtype=np.float64)
    values = values.reshape(len(windows) * horizon, len(fitted))
    values = values[:, [fitted.index(q) for q in levels]]
    return pd.DataFrame(values, index=labels, columns=list(levels))


def check_future_covariates(
    future_covariates, *, horizon: int, n_covariates: int, names, target_name
) -> np.ndarray:
    """Known future covariates as (horizon, n_covariates), or a clear error.

    A DataFrame is read by the fitted column ``names`` (the target left
    out), in the fitted order whatever its own; a column that is neither a
    covariate nor the target is refused. Anything else is read by position.

    Examples
    --------
    >>> check_future_covariates([1.0, 2.0], horizon=2, n_covariates=1,
    ...                         names=None, target_name=0)
    array([[1.],
           [2.]])
    """
    if isinstance(future_covariates, pd.DataFrame) and names is not None:
        wanted = [c for c in names if c != target_name]
        missing = [c for c in wanted if c not in future_covariates.columns]
        extra = [
            c for c in future_covariates.columns if c not in wanted and c != target_name
        ]
        if missing:
            raise ValueError(
                f"future_covariates lacks the covariate column(s) {missing}; "
                f"it needs {wanted}."
            )
        if extra:
            raise ValueError(
                f"future_covariates has column(s) {extra} that are not covariates "
                f"of the fit ({wanted}); drop them, e.g. "
                f"future_covariates[{wanted}]."
            )
        future_covariates = future_covariates[wanted]
    try:
        future = np.asarray(future_covariates, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"future_covariates must hold numbers, shape (horizon, "
            f"n_covariates) = ({horizon}, {n_covariates}): {exc}"
        ) from None
    if future.ndim == 1 and n_covariates == 1:
        future = future.reshape(-1, 1)
    if future.shape != (horizon, n_covariates):
        raise ValueError(
            f"future_covariates must have shape (horizon, n_covariates) = "
            f"({horizon}, {n_covariates}), got {future.shape}: one row per "
            f"future step, one column per covariate (in the fitted order, "
            f"target column left out)."
        )
    if not np.isfinite(future).all():
        raise ValueError("future_covariates contains NaN or infinity.")
    return future


def future_covariates_of(
    future_covariates, labels, *, single, horizon, n_covariates, names, target_name
) -> list:
    """Known future covariates (horizon, n_covariates) of each forecast series.

    A single series takes them as an array or a DataFrame of ``horizon``
    rows; a panel as a DataFrame indexed by ``(series id, future time)``
    holding the future ``labels`` of every series (in any order).

    Examples
    --------
    >>> future_covariates_of([1.0, 2.0], None, single=True, horizon=2,
    ...                      n_covariates=1, names=None, target_name=0)
    [array([[1.],
           [2.]])]
    """
    checked = dict(
        horizon=horizon,
        n_covariates=n_covariates,
        names=names,
        target_name=target_name,
    )
    if single:
        if future_covariates is None:
            raise ValueError(
                "The recursive strategy needs the covariates of the future "
                f"steps: pass future_covariates with shape (horizon, {n_covariates})."
            )
        _check_aligned(future_covariates, labels)
        return [check_future_covariates(future_covariates, **checked)]
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
        check_future_covariates(rows.iloc[k : k + horizon], **checked)
        for k in range(0, len(labels), horizon)
    ]


def _check_aligned(future_covariates, labels: pd.Index) -> None:
    """A pandas table of future covariates must be indexed by the forecast's labels.

    Rows one step late, reversed, missing or labelled by another index type
    would otherwise be read by position and change the forecast silently.
    An array has no labels: its rows are the forecast steps in order.
    """
    if not isinstance(future_covariates, pd.Series | pd.DataFrame):
        return
    index = future_covariates.index
    if type(index) is type(labels) and index.equals(labels):
        return
    shown = list(labels.astype(str))
    got = list(index[:5].astype(str)) + (["..."] if len(index) > 5 else [])
    raise ValueError(
        f"future_covariates is not aligned with the forecast: its index must "
        f"hold the {len(labels)} future labels {shown} in this order (a "
        f"{type(labels).__name__}); got {got} (a {type(index).__name__}). "
        f"Index it by the forecast's times, or pass its values (.to_numpy()) "
        f"to match by position."
    )


def check_columns(series, *, n_features: int, names, owner: str) -> None:
    """Refuse a series (``SeriesInput``) whose columns differ from the fitted ones.

    ``names`` are the fitted column names (None when they were not all
    strings); ``owner`` names the estimator in messages.
    """
    columns = series.columns
    if series.ndim == 1 and n_features != 1:
        raise ValueError(
            f"X is 1-D (one series), but {owner} was fitted on {n_features} "
            f"columns. Reshape your data to (n_steps, {n_features})."
        )
    if len(columns) != n_features:
        raise ValueError(
            f"X has {len(columns)} features, but {owner} is expecting "
            f"{n_features} features as input (the columns seen in fit: target "
            f"and covariates)."
        )
    if names is not None and series.kind == "frame" and list(names) != columns:
        raise ValueError(
            f"X has columns {columns}, but the forecaster was fitted "
            f"with {list(names)}; pass the same columns in the same order."
        )


def conformal_half_width(residuals: np.ndarray | None, coverage) -> np.ndarray:
    """Per-step half width of split-conformal intervals with ``coverage``.

    ``residuals`` are the absolute errors (n_origins, horizon) of the
    calibration origins, or None when the forecaster was not calibrated.

    Examples
    --------
    >>> import numpy as np
    >>> conformal_half_width(np.arange(1.0, 11.0).reshape(-1, 1), 0.8)
    array([10.])
    """
    if residuals is None:
        raise ValueError(
            "Prediction intervals need calibration: fit with "
            "conformal_fraction > 0 (e.g. 0.2)."
        )
    if not 0 < coverage < 1:
        raise ValueError(f"coverage must be in (0, 1), got {coverage}.")
    n = len(residuals)
    level = math.ceil((n + 1) * coverage) / n
    if level > 1:
        raise ValueError(
            f"{n} calibration origins cannot give {coverage:.0%} intervals "
            f"(at least {math.ceil(coverage / (1 - coverage))} needed); "
            f"raise conformal_fraction or lower coverage."
        )
    return np.quantile(residuals, level, axis=0, method="higher")


# Season lengths by the step of a DatetimeIndex or PeriodIndex.
_SEASONS = {
    "MS": 12, "ME": 12, "M": 12, "BMS": 12, "BME": 12,
    "QS": 4, "QE": 4, "Q": 4, "BQS": 4, "BQE": 4,
    "W": 52, "D": 7, "h": 24, "30min": 48,
}  # fmt: skip


def season_of(step) -> int | None:
    """Season length of a pandas offset: monthly 12, quarterly 4, weekly 52, ...

    Examples
    --------
    >>> from pandas.tseries.frequencies import to_offset
    >>> season_of(to_offset("MS")), season_of(to_offset("QS-JAN"))
    (12, 4)
    >>> season_of(to_offset("W-SAT")), season_of(to_offset("30min"))
    (52, 48)
    >>> season_of(to_offset("2D")) is None
    True
    """
    freqstr = getattr(step, "freqstr", None)
    if freqstr is None:
        return None  # an integer step
    return _SEASONS.get(freqstr.split("-")[0])
