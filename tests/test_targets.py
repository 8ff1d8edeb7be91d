"""Tests of ``sklstm._targets``: which reference each output learns a change from.

``target_mode="auto"`` with a ``seasonal_period`` chooses, per output, the
last value or the value one season before the target, whichever predicts
that output better on the training rows, and learns levels when neither
beats the mean.
"""

import numpy as np
import pandas as pd
import pytest
from _settings import TINY

from sklstm import LSTMRegressor, SeriesForecaster, frame_windows
from sklstm._targets import best_reference_steps, choose_targets

PERIOD = 4
SHAPE = np.array([0.0, 6.0, 2.0, 9.0])


def _seasonal(n=80, noise=0.1, seed=0):
    rng = np.random.default_rng(seed)
    return 20.0 + np.tile(SHAPE, n // PERIOD + 1)[:n] + rng.normal(0, noise, n)


def _random_walk(n=80, seed=0):
    return 20.0 + np.cumsum(np.random.default_rng(seed).normal(0, 1.0, n))


def test_auto_takes_the_seasonal_reference_on_a_seasonal_series():
    X, Y = frame_windows(_seasonal(), 8, horizon=3)
    model = LSTMRegressor(seasonal_period=PERIOD, **TINY).fit(X, Y)
    assert model.target_mode_ == "delta"
    # Output k is 8 + k steps after the window's first step: one season
    # before it is step 4 + k.
    np.testing.assert_array_equal(model._reference_steps, [4, 5, 6])
    # Without the period the last value is a worse guess than the mean.
    assert LSTMRegressor(**TINY).fit(X, Y).target_mode_ == "level"


def test_auto_keeps_the_last_value_on_a_random_walk():
    X, Y = frame_windows(_random_walk(), 8, horizon=2)
    model = LSTMRegressor(seasonal_period=PERIOD, **TINY).fit(X, Y)
    assert model.target_mode_ == "delta"
    assert not hasattr(model, "_reference_steps")  # the last value for all
    np.testing.assert_allclose(model.y_mean_, (Y - X[:, -1]).mean(axis=0))


def test_explicit_delta_keeps_the_seasonal_reference_on_a_random_walk():
    X, Y = frame_windows(_random_walk(), 8, horizon=2)
    model = LSTMRegressor(seasonal_period=PERIOD, target_mode="delta", **TINY)
    np.testing.assert_array_equal(model.fit(X, Y)._reference_steps, [4, 5])


def test_each_output_gets_the_reference_that_predicts_it_better():
    # Output 0 is the value itself at step 2, output 1 one season after step 1.
    X3 = np.array([[[1.0], [9.0], [2.0]], [[3.0], [8.0], [4.0]], [[0.0], [7.0], [5.0]]])
    y2 = np.stack([X3[:, 2, 0] + 0.1, X3[:, 1, 0] - 0.1], axis=1)
    steps, error = best_reference_steps(X3, y2, slice(None), 0, np.array([1, 1]))
    np.testing.assert_array_equal(steps, [2, 1])
    assert error == pytest.approx(0.1)


def test_auto_learns_levels_when_no_reference_beats_the_mean():
    noise = 5.0 + np.random.default_rng(1).normal(0, 1.0, 80)
    X, Y = frame_windows(noise, 8, horizon=2)
    mode, steps = choose_targets("auto", PERIOD, X, Y, slice(None), 0)
    assert (mode, steps) == ("level", None)


def test_seasonal_reference_needs_one_feature_per_step_in_auto():
    X, Y = frame_windows(_seasonal(), 8, horizon=2)
    X2 = np.concatenate([X, np.zeros_like(X)], axis=2)
    assert choose_targets("auto", PERIOD, X2, Y, slice(None), 0) == ("level", None)


def test_forecaster_hands_the_index_season_on_by_default():
    index = pd.date_range("2020-01-01", periods=80, freq="QS")
    series = pd.Series(_seasonal(), index=index)
    forecaster = SeriesForecaster(LSTMRegressor(**TINY), window_length=8, horizon=2)
    fitted = forecaster.fit(series).estimator_
    assert fitted.seasonal_period == PERIOD
    np.testing.assert_array_equal(fitted._reference_steps, [4, 5])
    off = SeriesForecaster(
        LSTMRegressor(**TINY), window_length=8, horizon=2, seasonal_period=None
    )
    assert off.fit(series).estimator_.seasonal_period is None
