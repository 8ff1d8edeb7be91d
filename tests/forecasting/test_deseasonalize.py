"""SeriesForecaster(deseasonalize=...): a seasonal profile removed, then restored.

A linear window model (exact on a trend) shows the bookkeeping: on a trend
plus a fixed seasonal pattern, the forecast is exact only when every row's
phase is found right, in fit, predict, forecast and after loading.
"""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklstm import SeriesForecaster, load_model, save_model
from sklstm.forecasting._seasonal_adjustment import seasonal_profile, steps_from

PATTERN = np.array([5.0, -3.0, 2.0, 0.0, -4.0, 1.0, 6.0, -2.0, -5.0, 3.0, 0.0, -3.0])


def _flatten(windows):
    return windows.reshape(len(windows), -1)


def linear():
    return make_pipeline(FunctionTransformer(_flatten), LinearRegression())


def monthly(n=96, kind="additive", start="2000-01-01"):
    trend = 50.0 + 0.3 * np.arange(n)
    season = np.tile(PATTERN, n // 12 + 1)[:n]
    values = trend + season if kind == "additive" else trend * (1 + season / 20)
    index = pd.date_range(start, periods=n, freq="MS")
    return pd.Series(values, index=index, name="sales")


def forecaster(**params):
    params = {"window_length": 3, "horizon": 12, "padding": "edge", **params}
    return SeriesForecaster(linear(), **params)


def test_additive_profile_makes_a_seasonal_trend_exactly_forecastable():
    series = monthly()
    train, test = series.iloc[:84], series.iloc[84:]
    plain = forecaster().fit(train).forecast()["sales"]
    adjusted = forecaster(deseasonalize="additive").fit(train)
    table = adjusted.forecast()
    forecast = table["sales"]
    assert_allclose(forecast.to_numpy(), test.to_numpy(), atol=1e-8)
    assert np.abs(plain.to_numpy() - test.to_numpy()).max() > 1.0
    assert table.index.equals(test.index) and list(table.columns) == ["sales"]
    assert adjusted.deseasonalize_ == "additive"
    assert adjusted.seasonal_profile_.shape == (12,)


def test_the_profile_is_phased_from_the_first_row_of_last_window():
    series = monthly()
    fc = forecaster(deseasonalize="additive").fit(series.iloc[:84])
    first = series.index[84 - 3]  # last_window_ holds the last 3 rows
    assert_allclose(fc.seasonal_profile_[0], PATTERN[first.month - 1], atol=1e-9)


@pytest.mark.parametrize("strategy", ["direct", "recursive"])
def test_predict_finds_the_phase_of_any_slice_from_its_index(strategy):
    series = monthly()
    fc = forecaster(deseasonalize="additive", strategy=strategy).fit(series[:60])
    full = fc.predict(series)
    part = fc.predict(series.iloc[37:])  # starts mid-season, does not continue
    assert_allclose(part[5:], full[42:], atol=1e-8)
    assert_allclose(full[59:-12, 0], series.to_numpy()[60:-11], atol=1e-8)


def test_forecast_from_history_equals_forecast_after_fit():
    series = monthly()
    fc = forecaster(deseasonalize="additive").fit(series.iloc[:84])
    assert_allclose(fc.forecast(series.iloc[:84]), fc.forecast(), atol=1e-10)
    later = fc.forecast(series.iloc[:90])["sales"]  # six months further on
    assert_allclose(later.to_numpy()[:6], series.to_numpy()[90:], atol=1e-8)


def test_multiplicative_profile_scales_with_the_level():
    series = monthly(kind="multiplicative")
    train, test = series.iloc[:84], series.iloc[84:]
    mul = forecaster(deseasonalize="multiplicative").fit(train).forecast()["sales"]
    add = forecaster(deseasonalize="additive").fit(train).forecast()["sales"]
    error = {
        "mul": np.abs(mul.to_numpy() - test.to_numpy()).mean(),
        "add": np.abs(add.to_numpy() - test.to_numpy()).mean(),
    }
    assert error["mul"] < error["add"] / 2, error


def test_conformal_bounds_are_restored_with_the_forecast():
    series = monthly(kind="multiplicative", n=120)
    series = series + np.random.default_rng(0).normal(0, 0.5, len(series))
    fc = forecaster(deseasonalize="multiplicative", conformal_fraction=0.3)
    table = fc.fit(series).forecast(coverage=0.8)
    assert list(table.columns) == ["sales", "lower", "upper"]
    assert (table["lower"] < table["sales"]).all()
    assert (table["sales"] < table["upper"]).all()
    # The half width is one per step in adjusted units, so in data units it
    # follows the seasonal factor of each step.
    width = (table["upper"] - table["lower"]).to_numpy()
    terms = fc.seasonal_profile_[(3 + np.arange(12)) % 12]
    half = fc.calibration_residuals_
    expected = 2 * np.quantile(half, 0.8, axis=0, method="higher") * terms
    assert np.corrcoef(width, expected)[0, 1] > 0.5


def test_numpy_rows_have_no_season_to_read():
    values = monthly().to_numpy()
    fc = forecaster(deseasonalize="additive", seasonal_period=12).fit(values[:84])
    assert_allclose(fc.forecast()["forecast"].to_numpy(), values[84:], atol=1e-8)
    with pytest.raises(ValueError, match="pass X as pandas data"):
        fc.predict(values)
    with pytest.raises(ValueError, match="pass X as pandas data"):
        fc.forecast(values[:84])


def test_integer_index_phases_and_an_off_grid_start():
    series = monthly().reset_index(drop=True)
    series.index = series.index * 2  # step 2
    fc = forecaster(deseasonalize="additive", seasonal_period=12).fit(series[:84])
    assert_allclose(fc.predict(series.iloc[40:])[:30], fc.predict(series)[40:70])
    shifted = series.iloc[40:].copy()
    shifted.index = shifted.index + 1
    with pytest.raises(ValueError, match="time grid"):
        fc.predict(shifted)


@pytest.mark.parametrize(
    ("params", "data", "match"),
    [
        ({}, monthly().reset_index(drop=True), "needs a season length"),
        ({}, monthly(n=20), "at least two seasons"),
        ({"deseasonalize": "multiplicative"}, monthly() - 60, "positive target"),
    ],
)
def test_clear_errors(params, data, match):
    fc = forecaster(**{"deseasonalize": "additive", **params})
    with pytest.raises(ValueError, match=match):
        fc.fit(data)


def test_panels_are_refused_for_now():
    series = monthly()
    frame = pd.concat({"a": series, "b": series + 1}, names=["id", "time"])
    with pytest.raises(ValueError, match="panel"):
        forecaster(deseasonalize="additive").fit(frame)


def test_refit_without_adjustment_drops_the_profile_and_input_is_kept():
    series = monthly()
    before = series.copy()
    fc = forecaster(deseasonalize="additive").fit(series)
    fc.set_params(deseasonalize=None).fit(series)
    assert not hasattr(fc, "seasonal_profile_")
    assert not hasattr(fc, "deseasonalize_")
    pd.testing.assert_series_equal(series, before)


def test_grid_search_chooses_the_adjustment():
    series = monthly(n=120)
    search = GridSearchCV(
        forecaster(horizon=1),
        {"deseasonalize": [None, "additive"]},
        cv=TimeSeriesSplit(3),
    ).fit(series)
    assert search.best_params_ == {"deseasonalize": "additive"}


def test_save_and_load_keep_the_adjustment(tmp_path):
    from sklstm import LSTMRegressor

    series = monthly()
    model = LSTMRegressor(hidden_size=4, max_epochs=2, random_state=0)
    fc = SeriesForecaster(
        model, window_length=12, horizon=3, deseasonalize="multiplicative"
    ).fit(series)
    path = tmp_path / "fc.sklstm"
    save_model(fc, path)
    loaded = load_model(path)
    assert loaded.deseasonalize_ == "multiplicative"
    assert_allclose(loaded.forecast(), fc.forecast())
    assert_allclose(loaded.predict(series.iloc[50:]), fc.predict(series.iloc[50:]))


def test_seasonal_profile_of_a_trend_plus_pattern():
    y = 3.0 * np.arange(48) + np.tile(PATTERN, 4)
    profile = seasonal_profile(y, 12, "additive")
    assert_allclose(profile, PATTERN - PATTERN.mean(), atol=1e-12)
    ratios = seasonal_profile(100 + np.tile([1.0, 2.0], 10), 2, "multiplicative")
    assert_allclose(ratios.mean(), 1.0)
    assert ratios[1] > ratios[0]


def test_steps_from_counts_backwards_and_forwards():
    from pandas.tseries.frequencies import to_offset

    anchor = pd.Timestamp("2024-05-01")
    early = pd.date_range("2023-11-01", periods=2, freq="MS")
    assert steps_from(anchor, early, to_offset("MS")) == -6
    periods = pd.period_range("2024-08", periods=2, freq="M")
    assert steps_from(pd.Period("2024-05", "M"), periods, 1) == 3
