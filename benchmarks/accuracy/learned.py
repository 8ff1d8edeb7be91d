"""The window models: Ridge and sklstm, windows chosen by CV on the train part."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from sklstm import LSTMRegressor, SeriesForecaster, frame_supervised

from .problem import Forecasts, Problem

RIDGE_ALPHAS = np.logspace(-4, 3, 15)


def window_grid(problem: Problem) -> list[int]:
    """{m, 2m} (and 3m for short seasons), {6, 12, 24} without a season;
    windows longer than a quarter of the training part are dropped."""
    m = problem.season
    grid = [6, 12, 24] if m == 1 else [m, 2 * m] + ([3 * m] if m < 6 else [])
    kept = [w for w in grid if w <= problem.n_train // 4]
    return kept or grid[:1]


def flatten(windows):
    """(n, window_length, 1) windows -> (n, window_length) rows."""
    return windows.reshape(len(windows), -1)


def ridge_regressor():
    return make_pipeline(
        FunctionTransformer(flatten), StandardScaler(), RidgeCV(alphas=RIDGE_ALPHAS)
    )


FORECASTER_PREFIX = "forecaster__"


def split_overrides(overrides: dict) -> tuple[dict, dict]:
    """``--set`` values: (LSTMRegressor's, SeriesForecaster's without the prefix)."""
    model = {k: v for k, v in overrides.items() if not k.startswith(FORECASTER_PREFIX)}
    forecaster = {
        k[len(FORECASTER_PREFIX) :]: v
        for k, v in overrides.items()
        if k.startswith(FORECASTER_PREFIX)
    }
    return model, forecaster


def lstm_regressor(seed, overrides):
    return LSTMRegressor(**{**overrides, "random_state": seed})


def _forecaster(regressor, window, padding, horizon, params):
    return SeriesForecaster(
        regressor,
        window_length=window,
        horizon=horizon,
        strategy="direct",
        padding=padding,
        **params,
    )


def choose_window(problem: Problem, regressor, padding, params=None) -> int:
    """Window length by TimeSeriesSplit(3) CV of the one-step MAE on train."""
    grid = window_grid(problem)
    if len(grid) == 1:
        return grid[0]
    X, y = frame_supervised(problem.train)
    search = GridSearchCV(
        _forecaster(regressor, grid[0], padding, 1, params or {}),
        {"window_length": grid},
        cv=TimeSeriesSplit(3),
        scoring="neg_mean_absolute_error",
        error_score="raise",
    )
    search.fit(X, y)
    return int(search.best_params_["window_length"])


def _both_tasks(problem: Problem, make_regressor, window, padding, params=None):
    # The one-step forecaster predicts from every row of the whole series, so
    # each test step is forecast from its true history; it saw the train part.
    params = params or {}
    one = _forecaster(make_regressor(), window, padding, 1, params)
    one.fit(problem.train)
    one_step = one.predict(problem.series)[problem.n_train - 1 : -1]
    direct = _forecaster(make_regressor(), window, padding, problem.h, params)
    forecast = direct.fit(problem.train).forecast().iloc[:, 0].to_numpy()
    return Forecasts(np.asarray(one_step), forecast, f"window {window}")


def ridge(problem: Problem, **_) -> Forecasts:
    # Ridge cannot read NaN: the first windows repeat the first value.
    window = choose_window(problem, ridge_regressor(), "edge")
    return _both_tasks(problem, ridge_regressor, window, "edge")


def sklstm_runs(problem: Problem, *, seeds, overrides, **_) -> list[Forecasts]:
    """One Forecasts per seed; the window is chosen once, with the first seed.

    ``overrides`` named ``forecaster__NAME`` set the SeriesForecaster's
    ``NAME`` (for example ``forecaster__deseasonalize``), the others the
    LSTMRegressor's parameters.
    """
    model, params = split_overrides(overrides)
    window = choose_window(problem, lstm_regressor(seeds[0], model), "nan", params)
    return [
        _both_tasks(
            problem, lambda s=seed: lstm_regressor(s, model), window, "nan", params
        )
        for seed in seeds
    ]
