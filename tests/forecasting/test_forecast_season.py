"""Tests of the season ``SeriesForecaster`` hands to its estimator.

``seasonal_period="auto"`` infers the season from the index frequency and
hands it on only when the windows hold one; an int is handed on as given
(the estimator warns about windows shorter than it).
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from _settings import TINY

from sklstm import LSTMRegressor, SeriesForecaster

PERIOD = 4
SHAPE = np.array([0.0, 6.0, 2.0, 9.0])


def _seasonal(n=80, noise=0.1, seed=0):
    rng = np.random.default_rng(seed)
    return 20.0 + np.tile(SHAPE, n // PERIOD + 1)[:n] + rng.normal(0, noise, n)


def test_forecaster_auto_season_reaches_the_estimator():
    index = pd.date_range("2020-01-01", periods=80, freq="QS")
    series = pd.Series(_seasonal(), index=index)
    model = LSTMRegressor(target_mode="delta", **TINY)
    auto = SeriesForecaster(model, window_length=8, horizon=2, seasonal_period="auto")
    fitted = auto.fit(series).estimator_
    assert fitted.seasonal_period == PERIOD
    # Output k is 8 + k steps after the window's first step.
    np.testing.assert_array_equal(fitted._reference_steps, [4, 5])
    default = SeriesForecaster(model, window_length=8, horizon=2).fit(series)
    assert default.estimator_.seasonal_period is None


def test_forecaster_auto_season_skips_windows_shorter_than_the_season():
    index = pd.date_range("2020-01-01", periods=80, freq="MS")
    series = pd.Series(_seasonal(), index=index)
    delta = LSTMRegressor(target_mode="delta", **TINY)
    auto = SeriesForecaster(delta, window_length=8, horizon=2, seasonal_period="auto")
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="seasonal_period")
        fitted = auto.fit(series).estimator_
    assert fitted.seasonal_period is None
    explicit = SeriesForecaster(delta, window_length=8, horizon=2, seasonal_period=12)
    with pytest.warns(UserWarning, match="seasonal_period=12, but the windows have 8"):
        fitted = explicit.fit(series).estimator_
    assert fitted.seasonal_period == 12
