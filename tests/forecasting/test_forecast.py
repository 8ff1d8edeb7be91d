"""SeriesForecaster: horizons, strategies, timestamps, covariates, intervals."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.base import clone
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklstm import LSTMRegressor, SeriesForecaster, frame_supervised


def _flatten(windows):
    return windows.reshape(len(windows), -1)


def linear_model():
    """A fast, deterministic window regressor (needs padding='edge')."""
    return make_pipeline(FunctionTransformer(_flatten), LinearRegression())


def tiny_lstm(**kwargs):
    return LSTMRegressor(hidden_size=4, max_epochs=3, random_state=0, **kwargs)


@pytest.fixture
def linear_series():
    index = pd.date_range("2021-01-01", periods=40, freq="MS")
    return pd.Series(10.0 + 3.0 * np.arange(40), index=index, name="level")


def ar_series(n, seed=0):
    rng = np.random.default_rng(seed)
    values = np.zeros(n)
    for t in range(1, n):
        values[t] = 0.7 * values[t - 1] + rng.normal()
    return pd.Series(values, index=pd.RangeIndex(n), name="ar")


@pytest.mark.parametrize(
    "index",
    [
        pd.date_range("2020-01-01", periods=30, freq="MS"),
        pd.date_range("2020-01-01", periods=30, freq="D"),
        pd.date_range("2020-01-01", periods=30, freq="h"),
        pd.RangeIndex(30),
        pd.Index(np.arange(0, 150, 5)),
    ],
    ids=["monthly", "daily", "hourly", "range", "step5"],
)
def test_forecast_is_indexed_by_the_future_labels(index):
    series = pd.Series(np.arange(30.0), index=index, name="y")
    fc = SeriesForecaster(linear_model(), window_length=3, horizon=4, padding="edge")
    forecast = fc.fit(series).forecast()
    if isinstance(index, pd.DatetimeIndex):
        expected = list(pd.date_range(index[-1], periods=5, freq=index.freq)[1:])
    else:
        step = index[-1] - index[-2]
        expected = [index[-1] + step * k for k in range(1, 5)]
    assert list(forecast.index) == expected
    assert list(forecast.columns) == ["y"]
    assert_allclose(forecast["y"].to_numpy(), [30.0, 31.0, 32.0, 33.0], atol=1e-6)


def test_numpy_series_forecast_has_a_range_index():
    fc = SeriesForecaster(linear_model(), window_length=3, horizon=2, padding="edge")
    forecast = fc.fit(np.arange(20.0)).forecast()
    assert list(forecast.index) == [0, 1]
    assert_allclose(forecast["forecast"].to_numpy(), [20.0, 21.0], atol=1e-6)


@pytest.mark.parametrize("horizon", [1, 3])
def test_predict_paths_are_aligned_with_the_following_values(horizon):
    series = pd.Series(np.arange(50.0) ** 1.5)
    fc = SeriesForecaster(
        linear_model(), window_length=4, horizon=horizon, padding="edge"
    ).fit(series)
    paths = fc.predict(series).reshape(len(series), -1)
    assert paths.shape == (50, horizon)
    # Row i forecasts values i+1 .. i+horizon: compare on full-history rows.
    values = series.to_numpy()
    for k in range(horizon):
        assert_allclose(paths[10:40, k], values[11 + k : 41 + k], rtol=0.02)


def test_recursive_and_direct_agree_on_a_noise_free_linear_series(linear_series):
    forecasts = {
        strategy: SeriesForecaster(
            LSTMRegressor(max_epochs=5, random_state=0),
            window_length=4,
            horizon=6,
            strategy=strategy,
        )
        .fit(linear_series)
        .forecast()["level"]
        for strategy in ("direct", "recursive")
    }
    expected = 10.0 + 3.0 * np.arange(40, 46)
    assert_allclose(forecasts["direct"].to_numpy(), expected, atol=1e-4)
    assert_allclose(forecasts["recursive"].to_numpy(), expected, atol=1e-4)


def covariate_frame(n=160, seed=0):
    rng = np.random.default_rng(seed)
    price = rng.normal(size=n)
    sales = np.zeros(n)
    for t in range(1, n):
        sales[t] = 0.5 * sales[t - 1] + 2.0 * price[t - 1] + rng.normal(0, 0.05)
    index = pd.date_range("2022-01-01", periods=n, freq="D")
    return pd.DataFrame({"price": price, "sales": sales}, index=index)


def test_covariates_are_used():
    frame = covariate_frame()
    fc = SeriesForecaster(
        linear_model(), window_length=3, target="sales", padding="edge"
    ).fit(frame.iloc[:120])
    assert fc.target_name_ == "sales"
    assert fc.score(frame.iloc[120:]) > 0.95
    shuffled = frame.copy()
    shuffled["price"] = np.random.default_rng(1).permutation(shuffled["price"])
    assert not np.allclose(fc.predict(frame), fc.predict(shuffled))
    assert fc.score(shuffled.iloc[120:]) < 0.5


def test_recursive_with_covariates_needs_their_future_values():
    frame = covariate_frame()
    fc = SeriesForecaster(
        linear_model(),
        window_length=3,
        horizon=3,
        strategy="recursive",
        target="sales",
        padding="edge",
    ).fit(frame)
    with pytest.raises(ValueError, match="future_covariates"):
        fc.forecast()
    forecast = fc.forecast(future_covariates=np.zeros((3, 1)))
    assert forecast.shape == (3, 1) and np.isfinite(forecast.to_numpy()).all()


def test_split_conformal_intervals_cover_about_the_requested_share():
    series = ar_series(900)
    fc = SeriesForecaster(
        linear_model(),
        window_length=3,
        horizon=2,
        padding="edge",
        conformal_fraction=0.4,
    ).fit(series.iloc[:500])
    band = fc.forecast(coverage=0.9)
    half_width = (band["upper"] - band.iloc[:, 0]).to_numpy()
    test = series.iloc[500:]
    paths = fc.predict(test)
    actual = np.column_stack([test.to_numpy()[1:-1], test.to_numpy()[2:]])
    covered = np.abs(actual - paths[:-2]) <= half_width
    assert 0.85 <= covered.mean() <= 0.95
    interval = fc.forecast(coverage=0.9)
    assert list(interval.columns) == ["ar", "lower", "upper"]
    assert (interval["lower"] < interval["ar"]).all()
    assert (interval["ar"] < interval["upper"]).all()


def test_intervals_need_calibration_and_enough_origins():
    series = ar_series(60)
    fc = SeriesForecaster(linear_model(), window_length=3, padding="edge").fit(series)
    with pytest.raises(ValueError, match="conformal_fraction"):
        fc.forecast(coverage=0.9)
    fc.set_params(conformal_fraction=0.05).fit(series)
    with pytest.raises(ValueError, match="calibration origins"):
        fc.forecast(coverage=0.99)


def test_test_fold_continuation_uses_the_training_history():
    series = ar_series(80)
    fc = SeriesForecaster(linear_model(), window_length=5, padding="edge")
    whole = fc.fit(series.iloc[:60]).predict(series)
    assert_allclose(fc.predict(series.iloc[60:]), whole[60:])
    # A non-contiguous chunk is padded instead.
    assert not np.allclose(fc.predict(series.iloc[65:])[:4], whole[65:69])


def test_grid_search_over_strategy_and_window_length(linear_series):
    search = GridSearchCV(
        SeriesForecaster(tiny_lstm(), horizon=2),
        {"strategy": ["direct", "recursive"], "window_length": [3, 5]},
        cv=TimeSeriesSplit(3),
    ).fit(linear_series)
    assert search.best_params_["strategy"] in ("direct", "recursive")
    assert search.best_score_ > 0.99


def test_clone_keeps_parameters():
    fc = SeriesForecaster(
        tiny_lstm(),
        window_length=7,
        horizon=3,
        strategy="recursive",
        target="x",
        padding="zero",
        conformal_fraction=0.2,
        freq="D",
    )
    assert clone(fc).get_params()["window_length"] == 7
    params = {k: v for k, v in clone(fc).get_params(deep=False).items()}
    assert {k: v for k, v in params.items() if k != "estimator"} == {
        k: v for k, v in fc.get_params(deep=False).items() if k != "estimator"
    }


def test_irregular_index_is_refused():
    index = pd.date_range("2020-01-01", periods=30, freq="D").delete([5, 6])
    series = pd.Series(np.arange(28.0), index=index)
    with pytest.raises(ValueError, match="asfreq"):
        SeriesForecaster(tiny_lstm(), window_length=3).fit(series)


@pytest.mark.parametrize(
    "series, params, error, match",
    [
        (pd.DataFrame({"a": [1.0] * 9, "b": [2.0] * 9}), {}, ValueError, "target="),
        (pd.DataFrame({"a": [1.0] * 9}), {"target": "zz"}, ValueError, "not a column"),
        (pd.Series([1.0, np.nan, 3.0] * 3), {}, ValueError, "NaN"),
        (pd.Series(["a"] * 9), {}, TypeError, "numeric"),
        (pd.Series([1.0, 2.0]), {}, ValueError, "at least"),
        (pd.Series(np.arange(9.0)), {"horizon": 0}, ValueError, "horizon"),
    ],
    ids=["no-target", "unknown-target", "nan", "strings", "too-short", "horizon-0"],
)
def test_bad_series_get_clear_errors(series, params, error, match):
    with pytest.raises(error, match=match):
        SeriesForecaster(tiny_lstm(), window_length=2, **params).fit(series)


def test_predict_refuses_other_columns():
    frame = covariate_frame(40)
    fc = SeriesForecaster(
        linear_model(), window_length=3, target="sales", padding="edge"
    ).fit(frame)
    with pytest.raises(ValueError, match="columns"):
        fc.predict(frame.rename(columns={"price": "cost"}))
    with pytest.raises(ValueError, match="columns"):
        fc.predict(frame[["sales"]])


# --------------------------------------------------------------------------
# Any sklearn scorer: fit(X, y) / predict(X) with y from frame_supervised
# --------------------------------------------------------------------------


def seasonal_series(n=90, period=3, noise=0.05, seed=0):
    """A period-3 pattern: one lag cannot predict it, three lags can."""
    rng = np.random.default_rng(seed)
    pattern = np.array([0.0, 5.0, -3.0])[np.arange(n) % period]
    index = pd.date_range("2020-01-01", periods=n, freq="D")
    return pd.Series(pattern + rng.normal(0, noise, n), index=index, name="v")


@pytest.mark.parametrize("horizon", [1, 3])
def test_cross_val_score_with_a_scorer_string_equals_a_hand_computation(horizon):
    from sklearn.metrics import mean_absolute_error
    from sklearn.model_selection import cross_val_score

    series = seasonal_series()
    X, y = frame_supervised(series, horizon=horizon)
    fc = SeriesForecaster(
        linear_model(), window_length=3, horizon=horizon, padding="edge"
    )
    cv = TimeSeriesSplit(3, gap=horizon - 1)
    scores = cross_val_score(fc, X, y, scoring="neg_mean_absolute_error", cv=cv)
    assert np.isfinite(scores).all()
    by_hand, from_series = [], []
    for train, test in cv.split(X):
        pred = clone(fc).fit(X.iloc[train], y.iloc[train]).predict(X.iloc[test])
        by_hand.append(-mean_absolute_error(y.iloc[test], pred))
        # fit(X, y) trains on the same origins as fit(series) for "direct";
        # numpy input (never continued) compares the fitted models alone.
        test_values = X.iloc[test].to_numpy()
        prefix = series.iloc[: len(train) + horizon]
        from_series.append(clone(fc).fit(prefix).predict(test_values))
        from_y = clone(fc).fit(X.iloc[train], y.iloc[train]).predict(test_values)
        assert_allclose(from_series[-1], from_y)
    assert_allclose(scores, by_hand)


def test_grid_search_with_a_scorer_string_picks_the_better_window():
    series = seasonal_series()
    X, y = frame_supervised(series)
    search = GridSearchCV(
        SeriesForecaster(linear_model(), padding="edge"),
        {"window_length": [1, 3]},
        scoring="neg_mean_absolute_error",
        cv=TimeSeriesSplit(3),
    ).fit(X, y)
    scores = search.cv_results_["mean_test_score"]
    assert np.isfinite(scores).all()
    assert search.best_params_ == {"window_length": 3}
    assert scores[1] > -0.2 > scores[0]  # 3 lags see the pattern, 1 lag cannot
    assert search.best_estimator_.predict(X).shape == (len(X),)


def test_a_scorer_without_y_warns_instead_of_a_silent_nan():
    from sklearn.model_selection import cross_val_score

    fc = SeriesForecaster(linear_model(), window_length=3, padding="edge")
    cv = TimeSeriesSplit(3)
    with pytest.warns(UserWarning, match="Scoring failed"):
        scores = cross_val_score(
            fc, seasonal_series(), scoring="neg_mean_absolute_error", cv=cv
        )
    assert np.isnan(scores).all()
    # The default scoring (score(X), R^2) needs no y.
    assert np.isfinite(cross_val_score(fc, seasonal_series(), cv=cv)).all()


def test_score_with_y_equals_score_of_the_series():
    series = seasonal_series()
    X, y = frame_supervised(series, horizon=2)
    fc = SeriesForecaster(linear_model(), window_length=3, horizon=2, padding="edge")
    fc.fit(series.iloc[:60])
    assert_allclose(fc.score(X.iloc[60:], y.iloc[60:]), fc.score(series.iloc[60:]))


def test_y_of_the_wrong_shape_or_index_is_refused():
    series = seasonal_series()
    X, y = frame_supervised(series, horizon=2)
    fc = SeriesForecaster(linear_model(), window_length=3, horizon=3, padding="edge")
    with pytest.raises(ValueError, match=r"next horizon=3 target values.*got shape"):
        fc.fit(X, y)
    fc.set_params(horizon=2)
    with pytest.raises(ValueError, match="not aligned with X"):
        fc.fit(X, y.shift(1, freq="D"))
    with pytest.raises(ValueError, match="y contains NaN"):
        fc.fit(X, y.where(y > 0))


def test_forecaster_is_tagged_as_a_regressor_with_optional_y():
    from sklearn.base import is_regressor
    from sklearn.utils import get_tags

    tags = get_tags(SeriesForecaster())
    assert is_regressor(SeriesForecaster())
    assert tags.regressor_tags is not None
    assert not tags.target_tags.required
    assert get_tags(SeriesForecaster(horizon=3)).target_tags.multi_output


@pytest.mark.parametrize(
    "future, match",
    [
        (np.ones((3, 1)), r"shape \(horizon, n_covariates\) = \(2, 1\), got \(3, 1\)"),
        (np.ones((2, 2)), r"= \(2, 1\), got \(2, 2\)"),
        (np.ones(5), r"got \(5, 1\)"),
        ([["a"], ["b"]], "must hold numbers"),
        (pd.DataFrame({"other": [1.0, 2.0]}), r"lacks the covariate column\(s\)"),
        (np.array([[1.0], [np.nan]]), "NaN or infinity"),
    ],
    ids=["rows", "columns", "1-d", "strings", "frame-names", "nan"],
)
def test_future_covariates_of_the_wrong_shape_get_a_clear_message(future, match):
    frame = covariate_frame(40)
    fc = SeriesForecaster(
        linear_model(), window_length=3, horizon=2, strategy="recursive",
        target="sales", padding="edge",
    ).fit(frame)  # fmt: skip
    by_position = fc.forecast(future_covariates=[0.1, 0.2])
    if isinstance(future, pd.DataFrame):  # by time, as the forecast is indexed
        future = future.set_axis(by_position.index)
    with pytest.raises((ValueError, TypeError), match=match):
        fc.forecast(future_covariates=future)
    by_name = pd.DataFrame({"price": [0.1, 0.2]}, index=by_position.index)
    assert_allclose(fc.forecast(future_covariates=by_name), by_position)


def _quantile_forecaster(**kwargs):
    model = LSTMRegressor(loss="quantile", hidden_size=4, max_epochs=3, random_state=0)
    return SeriesForecaster(model, window_length=4, **kwargs)


def test_forecast_quantiles_one_column_per_level(linear_series):
    fc = _quantile_forecaster(horizon=3).fit(linear_series)
    table = fc.forecast(quantiles=True)
    assert list(table.columns) == [0.1, 0.5, 0.9]
    assert table.index.equals(fc.forecast().index)
    np.testing.assert_allclose(table[0.5], fc.forecast().iloc[:, 0], rtol=1e-12)
    assert (table.diff(axis=1).iloc[:, 1:] >= 0).all().all()
    assert list(fc.forecast(quantiles=[0.9, 0.1]).columns) == [0.9, 0.1]


@pytest.mark.parametrize(
    "forecaster, kwargs, message",
    [
        (lambda: _quantile_forecaster(horizon=2), dict(quantiles=[0.3]), "some of"),
        (
            lambda: _quantile_forecaster(horizon=2, strategy="recursive"),
            dict(quantiles=True),
            "strategy='direct'",
        ),
        (
            lambda: SeriesForecaster(tiny_lstm(), window_length=4),
            dict(quantiles=True),
            "loss='quantile'",
        ),
        (
            lambda: _quantile_forecaster(conformal_fraction=0.3),
            dict(quantiles=True, coverage=0.8),
            "not both",
        ),
    ],
)
def test_forecast_quantiles_refusals(linear_series, forecaster, kwargs, message):
    fc = forecaster().fit(linear_series)
    with pytest.raises(ValueError, match=message):
        fc.forecast(**kwargs)
