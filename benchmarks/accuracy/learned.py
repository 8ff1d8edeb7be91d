"""The window models: Ridge and sklstm, windows chosen by CV on the train part."""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import RidgeCV
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler

from sklstm import (
    LSTMRegressor,
    SeriesForecaster,
    SlidingWindowTransformer,
    frame_supervised,
)

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


def lstm_regressor(seed, overrides):
    return LSTMRegressor(**{**overrides, "random_state": seed})


def _one_step_pipeline(regressor, window, padding):
    return make_pipeline(
        SlidingWindowTransformer(window_length=window, padding=padding), regressor
    )


def choose_window(problem: Problem, regressor, padding) -> int:
    """Window length by TimeSeriesSplit(3) CV of the one-step MAE on train."""
    grid = window_grid(problem)
    if len(grid) == 1:
        return grid[0]
    X, y = frame_supervised(problem.train)
    search = GridSearchCV(
        _one_step_pipeline(regressor, grid[0], padding),
        {"slidingwindowtransformer__window_length": grid},
        cv=TimeSeriesSplit(3),
        scoring="neg_mean_absolute_error",
        error_score="raise",
    )
    search.fit(X, y)
    return int(search.best_params_["slidingwindowtransformer__window_length"])


def _both_tasks(problem: Problem, make_regressor, window, padding) -> Forecasts:
    # Windows over the whole series end at every test origin, so each test
    # step is predicted from its true history; the model saw the train part.
    X, y = frame_supervised(problem.series)
    n_fit = problem.n_train - 1
    pipeline = _one_step_pipeline(make_regressor(), window, padding)
    pipeline.fit(X.iloc[:n_fit], y.iloc[:n_fit])
    one_step = pipeline.predict(X)[-problem.n_test :]
    forecaster = SeriesForecaster(
        make_regressor(),
        window_length=window,
        horizon=problem.h,
        strategy="direct",
        padding=padding,
    ).fit(problem.train)
    direct = forecaster.forecast().to_numpy()
    return Forecasts(np.asarray(one_step), direct, f"window {window}")


def ridge(problem: Problem, **_) -> Forecasts:
    # Ridge cannot read NaN: the first windows repeat the first value.
    window = choose_window(problem, ridge_regressor(), "edge")
    return _both_tasks(problem, ridge_regressor, window, "edge")


def sklstm_runs(problem: Problem, *, seeds, overrides, **_) -> list[Forecasts]:
    """One Forecasts per seed; the window is chosen once, with the first seed."""
    window = choose_window(problem, lstm_regressor(seeds[0], overrides), "nan")
    return [
        _both_tasks(problem, lambda s=seed: lstm_regressor(s, overrides), window, "nan")
        for seed in seeds
    ]
