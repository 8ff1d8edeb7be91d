"""Any sklearn regressor inside SeriesForecaster: 2-D ones read flattened windows."""

import numpy as np
import pandas as pd
import pytest
from _settings import TINY
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.multioutput import MultiOutputRegressor
from sklearn.pipeline import Pipeline

from sklstm import (
    FlattenWindows,
    LSTMRegressor,
    SeriesForecaster,
    load_model,
    save_model,
)


@pytest.fixture(scope="module")
def series():
    index = pd.date_range("2020-01-01", periods=80, freq="MS")
    values = 10 + 0.5 * np.arange(80) + np.sin(np.arange(80) * np.pi / 6)
    return pd.Series(values, index=index, name="sales")


def test_ridge_fits_and_forecasts_a_linear_series():
    line = pd.Series(np.arange(30.0) * 2, name="y")
    fc = SeriesForecaster(LinearRegression(), window_length=3, horizon=2).fit(line)
    assert isinstance(fc.estimator_, Pipeline)
    assert isinstance(fc.estimator_[0], FlattenWindows)
    np.testing.assert_allclose(fc.forecast()["y"].to_numpy(), [60.0, 62.0], atol=1e-8)
    # Edge padding for a regressor that cannot read NaN: the first rows predict.
    assert np.isfinite(fc.predict(line)).all()


@pytest.mark.parametrize("strategy", ["direct", "recursive"])
def test_ridge_and_boosting_forecast(series, strategy):
    for estimator in (Ridge(), HistGradientBoostingRegressor(max_iter=20)):
        fc = SeriesForecaster(estimator, window_length=12, horizon=3, strategy=strategy)
        forecast = fc.fit(series).forecast()
        assert forecast.shape == (3, 1) and np.isfinite(forecast.to_numpy()).all()
        assert forecast.index[0] == pd.Timestamp("2026-09-01")
        assert np.isfinite(fc.score(series))


def test_boosting_gets_one_model_per_step_for_direct_horizons(series):
    fc = SeriesForecaster(HistGradientBoostingRegressor(max_iter=5), horizon=3)
    fc.fit(series)
    assert isinstance(fc.estimator_[-1], MultiOutputRegressor)
    assert len(fc.estimator_[-1].estimators_) == 3


def test_a_regressor_of_windows_is_not_flattened(series):
    fc = SeriesForecaster(LSTMRegressor(**TINY), window_length=4).fit(series)
    assert type(fc.estimator_) is LSTMRegressor


def test_ridge_forecaster_round_trips(series, tmp_path):
    fc = SeriesForecaster(Ridge(alpha=0.5), window_length=6, horizon=3).fit(series)
    save_model(fc, tmp_path / "ridge.sklstm")
    loaded = load_model(tmp_path / "ridge.sklstm")
    pd.testing.assert_frame_equal(loaded.forecast(), fc.forecast())
    np.testing.assert_array_equal(loaded.predict(series), fc.predict(series))
