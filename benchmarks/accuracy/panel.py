"""Panels: one global sklstm model against per-series models (``--panel``).

Each panel is a list of series. Every series is split as in the
single-series benchmark (the last 20% is the test part) and scored on the
one-step task: fit once on the train part, predict every test step from the
true history before it; MASE is scaled by the in-sample seasonal-naive MAE.

The window models all read the same windows (``window_length`` steps, no
padding; one length per panel, not tuned per series):

- ``Ridge``, ``sklstm`` per series: one model per series.
- ``global sklstm``: one LSTMRegressor on the training windows of every
  series together, with ``window_scaling="mean"`` (each window and target
  divided by the window's mean absolute value) so series of different scale
  look alike; ``global sklstm, no window scaling`` shows what that buys;
  ``global sklstm + id`` adds one-hot series-identity columns as covariate
  features of every step (measured where the panel has at most
  :data:`ONE_HOT_MAX_SERIES` series: the input grows by one feature per
  series).
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning

from . import classical
from .data import DATA, SeriesSpec, n_test
from .metrics import mase, mase_scale
from .problem import Problem

ONE_HOT_MAX_SERIES = 50
# The global rows stop early on the latest tenth of the windows (of every
# series: see global_forecasts). Chosen on these development panels: uschange
# 1.10 -> 0.89 mean MASE, the generated panel unchanged (0.712 -> 0.715).
GLOBAL_PARAMS = {"early_stopping": True}
# Generated panel: monthly series, 10 years each.
GENERATED_LENGTH = 120
GENERATED_SEASON = 12


@dataclass(frozen=True)
class Panel:
    name: str
    series: tuple[np.ndarray, ...]
    season: int
    freq: str
    window_length: int

    @property
    def n_train(self) -> list[int]:
        return [len(s) - n_test(len(s)) for s in self.series]


def generated_panel(n_series: int, seed: int = 0) -> Panel:
    """Seeded monthly series with levels from 1 to 10,000 (log-uniform),
    multiplicative trends and seasons of varying strength and phase, and
    AR(1) noise of 2-10% of the level."""
    rng = np.random.default_rng(seed)
    t = np.arange(GENERATED_LENGTH)
    series = []
    for _ in range(n_series):
        level = 10.0 ** rng.uniform(0, 4)
        growth = rng.uniform(-0.004, 0.01)
        amplitude = rng.choice([0.0, rng.uniform(0.05, 0.4)], p=[0.2, 0.8])
        phase = rng.uniform(0, 2 * np.pi)
        sigma = rng.uniform(0.02, 0.1)
        noise = np.zeros(len(t))
        shocks = rng.normal(scale=sigma, size=len(t))
        for i in range(1, len(t)):
            noise[i] = 0.5 * noise[i - 1] + shocks[i]
        season = 1 + amplitude * np.sin(2 * np.pi * t / GENERATED_SEASON + phase)
        series.append(level * np.exp(growth * t) * season * np.exp(noise))
    return Panel(
        f"generated ({n_series})", tuple(series), GENERATED_SEASON, "MS", 2 * 12
    )


def uschange_panel() -> Panel:
    """US quarterly percentage changes (fpp2 ``uschange``, via sktime):
    consumption, income, production, savings and unemployment, five series
    of different scale (savings varies about 30 times more than
    unemployment)."""
    frame = pd.read_csv(DATA / "panels" / "uschange.csv")
    series = tuple(frame[c].to_numpy(np.float64) for c in frame.columns[1:])
    return Panel("uschange (5)", series, 1, "QS", 12)


def _windows(values: np.ndarray, window_length: int, n_train: int):
    """(X, y, is_train): every window of ``window_length`` steps and its target."""
    from sklstm import frame_windows

    X, y = frame_windows(values, window_length=window_length)
    target_at = np.arange(window_length, len(values))
    return X, y, target_at < n_train


def _problem(panel: Panel, i: int, values: np.ndarray) -> Problem:
    spec = SeriesSpec(f"{panel.name}[{i}]", "", panel.freq, panel.season)
    index = pd.date_range("2000-01-01", periods=len(values), freq=panel.freq)
    return Problem(spec, pd.Series(values, index=index))


def _map(function, items, jobs: int) -> list:
    """``function`` over ``items``, in ``jobs`` worker processes if above 1."""
    if jobs == 1:
        return [function(*item) for item in items]
    from joblib import Parallel, delayed

    return list(Parallel(n_jobs=jobs)(delayed(function)(*item) for item in items))


def _classical_one(function, problem, quick):
    return function(problem, quick=quick).one_step


def classical_forecasts(
    panel: Panel, method: str, quick: bool, jobs: int = 1
) -> list[np.ndarray]:
    function = {
        "naive": classical.naive,
        "snaive": classical.seasonal_naive,
        "ETS": classical.ets,
        "SARIMA": classical.sarima,
    }[method]
    items = [
        (function, _problem(panel, i, s), quick) for i, s in enumerate(panel.series)
    ]
    return _map(_classical_one, items, jobs)


def _quiet_fit(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


def _per_series_one(model, values, window_length, n_train):
    X, y, train = _windows(values, window_length, n_train)
    return np.asarray(_quiet_fit(model, X[train], y[train]).predict(X[~train]))


def per_series_forecasts(panel: Panel, make_model, jobs: int = 1) -> list[np.ndarray]:
    items = [
        (make_model(), values, panel.window_length, n_train)
        for values, n_train in zip(panel.series, panel.n_train, strict=True)
    ]
    return _map(_per_series_one, items, jobs)


def _one_hot(X: np.ndarray, i: int, n_series: int) -> np.ndarray:
    ids = np.zeros((*X.shape[:2], n_series))
    ids[:, :, i] = 1.0
    return np.concatenate([X, ids], axis=2)


def global_forecasts(panel: Panel, model, *, one_hot: bool) -> list[np.ndarray]:
    """One model fitted on the training windows of every series."""
    parts = []
    for i, (values, n_train) in enumerate(
        zip(panel.series, panel.n_train, strict=True)
    ):
        X, y, train = _windows(values, panel.window_length, n_train)
        if one_hot:
            X = _one_hot(X, i, len(panel.series))
        parts.append((X, y, train))
    X_fit = np.concatenate([X[train] for X, _, train in parts])
    y_fit = np.concatenate([y[train] for _, y, train in parts])
    # Rows in time order across the series (stable: series order within a
    # step), so early stopping's tail holds the latest windows of every series.
    steps = np.concatenate([np.arange(train.sum()) for _, _, train in parts])
    order = np.argsort(steps, kind="stable")
    _quiet_fit(model, X_fit[order], y_fit[order])
    return [np.asarray(model.predict(X[~train])) for X, _, train in parts]


def ridge():
    from .learned import ridge_regressor

    return ridge_regressor()


def lstm(seed: int, overrides: dict, **params):
    from sklstm import LSTMRegressor

    return LSTMRegressor(**{**overrides, **params, "random_state": seed})


def panel_mase(panel: Panel, forecasts: list[np.ndarray]) -> float:
    """Mean over the series of the one-step MASE."""
    scores = []
    for values, n_train, forecast in zip(
        panel.series, panel.n_train, forecasts, strict=True
    ):
        scale = mase_scale(values[:n_train], panel.season)
        scores.append(mase(values[n_train:], forecast, scale))
    return float(np.mean(scores))


CLASSICAL = ("naive", "snaive", "ETS", "SARIMA")
LEARNED = (
    "Ridge per series",
    "sklstm per series",
    "global sklstm, no window scaling",
    "global sklstm",
    "global sklstm + id",
)


def evaluate_panel(panel: Panel, *, seeds, overrides, quick, log, jobs=1) -> dict:
    """Mean MASE by method (sklstm rows: a list, one value per seed)."""
    results = {}

    def timed(name, run):
        start = time.perf_counter()
        results[name] = run()
        log(f"{panel.name} {name}: {time.perf_counter() - start:.0f}s")

    for method in CLASSICAL:
        if method == "snaive" and panel.season == 1:
            continue
        timed(
            method,
            lambda m=method: [
                panel_mase(panel, classical_forecasts(panel, m, quick, jobs))
            ],
        )
    timed(
        "Ridge per series",
        lambda: [panel_mase(panel, per_series_forecasts(panel, ridge, jobs))],
    )
    for seed_runs in (_per_series_run, _global_run):
        seed_runs(panel, seeds, overrides, jobs, timed)
    return results


def _per_series_run(panel, seeds, overrides, jobs, timed):
    def run(seed):
        return per_series_forecasts(panel, lambda: lstm(seed, overrides), jobs)

    timed("sklstm per series", lambda: [panel_mase(panel, run(s)) for s in seeds])


def _global_run(panel, seeds, overrides, jobs, timed):
    """The global rows; "+ id" keeps the target mode the plain model resolved
    ("auto" reads several features per step as levels)."""
    modes = []

    def run(seed, one_hot=False, **params):
        model = lstm(seed, {**GLOBAL_PARAMS, **overrides}, **params)
        forecasts = global_forecasts(panel, model, one_hot=one_hot)
        modes.append(model.target_mode_)
        return panel_mase(panel, forecasts)

    timed("global sklstm, no window scaling", lambda: [run(s) for s in seeds])
    timed("global sklstm", lambda: [run(s, window_scaling="mean") for s in seeds])
    if len(panel.series) <= ONE_HOT_MAX_SERIES:
        mode = overrides.get("target_mode", modes[-1])
        timed(
            "global sklstm + id",
            lambda: [
                run(s, one_hot=True, window_scaling="mean", target_mode=mode)
                for s in seeds
            ],
        )
