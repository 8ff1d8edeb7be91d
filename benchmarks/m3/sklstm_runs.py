"""The sklstm rows: one global model per frequency, and local models per series.

- **global**: ``SeriesForecaster(LSTMRegressor(random_state=0), horizon=h)``
  fitted on the panel of a frequency's training parts (a ``pd.Series``
  indexed by ``(series, t)``, see :func:`benchmarks.m3.data.to_panel`), then
  ``forecast()`` gives every series' next ``h`` values.
- **local**: the same forecaster fitted on each series alone.

``--set`` overrides reach both: ``NAME=VALUE`` the LSTMRegressor,
``forecaster__NAME=VALUE`` the SeriesForecaster. A fit that raises gives
NaN forecasts for its series (they then count as failed in the table)
instead of stopping the benchmark.
"""

from __future__ import annotations

import time
import traceback
import warnings

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from .data import HORIZON, M3Series, to_panel
from .forecasts import MethodRun

FORECASTER_PREFIX = "forecaster__"
#: SeriesForecaster parameters the benchmark sets itself.
FIXED = ("estimator", "horizon")
SEED = 0


def split_overrides(overrides: dict) -> tuple[dict, dict]:
    """``--set`` values -> (LSTMRegressor's, SeriesForecaster's without prefix)."""
    model = {k: v for k, v in overrides.items() if not k.startswith(FORECASTER_PREFIX)}
    forecaster = {
        k[len(FORECASTER_PREFIX) :]: v
        for k, v in overrides.items()
        if k.startswith(FORECASTER_PREFIX)
    }
    return model, forecaster


def check_overrides(overrides: dict) -> list[str]:
    """Messages for the ``--set`` names that are not settable (empty if fine)."""
    from sklstm import LSTMRegressor, SeriesForecaster

    model, forecaster = split_overrides(overrides)
    problems = []
    unknown = sorted(set(model) - set(LSTMRegressor().get_params()))
    if unknown:
        problems.append(f"{unknown} are not LSTMRegressor parameters")
    allowed = set(SeriesForecaster().get_params(deep=False)) - set(FIXED)
    unknown = sorted(set(forecaster) - allowed)
    if unknown:
        problems.append(
            f"forecaster__{unknown} are not settable; choose from {sorted(allowed)}"
        )
    return problems


def make_forecaster(horizon: int, overrides: dict):
    """The forecaster of both rows: defaults, ``random_state=0``, ``overrides``."""
    from sklstm import LSTMRegressor, SeriesForecaster

    model, forecaster = split_overrides(overrides)
    regressor = LSTMRegressor(**{"random_state": SEED, **model})
    return SeriesForecaster(regressor, horizon=horizon, **forecaster)


def _fit_forecast(forecaster, data):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return forecaster.fit(data).forecast().iloc[:, 0]  # the point column


def global_run(series: list[M3Series], freq: str, overrides: dict) -> MethodRun:
    """One model on the panel of ``series`` (all of frequency ``freq``)."""
    horizon = HORIZON[freq]
    start = time.perf_counter()
    note = ""
    try:
        forecast = _fit_forecast(make_forecaster(horizon, overrides), to_panel(series))
        by_id = {
            key: np.asarray(group.to_numpy(np.float64))
            for key, group in forecast.groupby(level=0, sort=False)
        }
        forecasts = {s.id: by_id[s.id] for s in series}
    except Exception as error:  # the table shows the failure
        note = f"global {freq} failed: {type(error).__name__}: {error}"
        traceback.print_exc()
        forecasts = {s.id: np.full(horizon, np.nan) for s in series}
    seconds = time.perf_counter() - start
    return MethodRun("sklstm global", forecasts, seconds, note)


def local_one(series: M3Series, overrides: dict) -> tuple[np.ndarray, float, str]:
    """One series' own model: (forecast, seconds, error message or "")."""
    start = time.perf_counter()
    data = pd.Series(series.train, name="value")  # a RangeIndex
    try:
        forecast = _fit_forecast(make_forecaster(series.horizon, overrides), data)
        values, error = np.asarray(forecast, dtype=np.float64), ""
    except Exception as exc:  # the table shows the failure
        values = np.full(series.horizon, np.nan)
        error = f"{series.id}: {type(exc).__name__}: {exc}"
    return values, time.perf_counter() - start, error


def local_run(series: list[M3Series], overrides: dict, jobs: int = 1) -> MethodRun:
    """A model per series; ``jobs`` worker processes (joblib) when above 1."""
    if jobs == 1:
        results = [local_one(s, overrides) for s in series]
    else:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=jobs)(
            delayed(local_one)(s, overrides) for s in series
        )
    errors = [e for _, _, e in results if e]
    note = f"{len(errors)} fits failed, first: {errors[0]}" if errors else ""
    return MethodRun(
        "sklstm local",
        {s.id: values for s, (values, _, _) in zip(series, results, strict=True)},
        float(sum(seconds for _, seconds, _ in results)),
        note,
    )
