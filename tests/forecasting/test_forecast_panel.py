"""SeriesForecaster on panels: one global model, forecasts by (series id, time)."""

import numpy as np
import pandas as pd
import pytest
from _settings import tiny
from numpy.testing import assert_allclose
from sklearn.base import BaseEstimator, RegressorMixin, clone
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score
from sklearn.model_selection import GridSearchCV

from sklstm import (
    LSTMRegressor,
    PanelTimeSeriesSplit,
    SeriesForecaster,
    frame_supervised,
    load_model,
    save_model,
)
from sklstm._state import get_fitted_state


class FullWindowsLinear(RegressorMixin, BaseEstimator):
    """Least squares on the windows without padding: exact on linear series.

    Padded first windows (NaN) would break any exact linear rule, so they
    are left out of the fit; they are predicted as if the padding were 0.
    """

    def fit(self, X, y):
        self.seen_ = np.asarray(X)
        full = ~np.isnan(self.seen_).any(axis=(1, 2))
        self.model_ = LinearRegression().fit(
            self.seen_[full].reshape(full.sum(), -1), np.asarray(y)[full]
        )
        return self

    def predict(self, X):
        flat = np.nan_to_num(np.asarray(X)).reshape(len(X), -1)
        return self.model_.predict(flat)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True  # reads the windows as they are
        return tags


A_SLOPE, B_SLOPE = 2.0, -0.5


def times(kind, start, n, step=1):
    if kind == "dates":
        return pd.date_range(pd.Timestamp("2024-01-01") + pd.Timedelta(days=start),
                             periods=n, freq="D")  # fmt: skip
    if kind == "periods":
        return pd.period_range(pd.Period("2020-01", "M") + start, periods=n)
    return pd.Index(np.arange(start, start + n * step, step))


def linear_panel(kind="dates", *, shuffle=True):
    """Series a (24 rows, slope 2) and b (18 rows from t=3, slope -0.5)."""
    b_step = 7 if kind == "ints" else 1
    a = pd.Series(1.0 + A_SLOPE * np.arange(24), index=times(kind, 0, 24))
    b = pd.Series(5.0 + B_SLOPE * np.arange(18), index=times(kind, 3, 18, b_step))
    series = pd.concat({"a": a, "b": b}, names=["store", "date"]).rename("sales")
    return series.sample(frac=1, random_state=0) if shuffle else series


def linear_forecaster(**params):
    return SeriesForecaster(FullWindowsLinear(), window_length=3, **params)


@pytest.mark.parametrize("strategy", ["direct", "recursive"])
@pytest.mark.parametrize("kind", ["dates", "periods", "ints"])
def test_each_series_is_extrapolated_on_its_own_future_times(kind, strategy):
    panel = linear_panel(kind)
    forecast = linear_forecaster(horizon=3, strategy=strategy).fit(panel).forecast()
    a_last, b_last = panel.loc["a"].index.max(), panel.loc["b"].index.max()
    unit = {"dates": pd.Timedelta(days=1), "periods": 1, "ints": 1}[kind]
    b_step = 7 if kind == "ints" else 1
    expected_times = [a_last + k * unit for k in (1, 2, 3)] + [
        b_last + k * b_step * unit for k in (1, 2, 3)
    ]
    assert forecast.index.names == ["store", "date"]
    assert list(forecast.index.get_level_values(0)) == ["a"] * 3 + ["b"] * 3
    assert list(forecast.index.get_level_values(1)) == expected_times
    assert list(forecast.columns) == ["sales"]
    a_next = 1.0 + A_SLOPE * np.arange(24, 27)
    b_next = 5.0 + B_SLOPE * np.arange(18, 21)
    assert_allclose(forecast["sales"].to_numpy(), np.r_[a_next, b_next], atol=1e-8)


def test_windows_never_cross_series_and_targets_are_per_series():
    panel = linear_panel()
    fc = linear_forecaster(horizon=2).fit(panel)
    seen = fc.estimator_.seen_[:, :, 0]
    a_values, b_values = set(panel.loc["a"]), set(panel.loc["b"])
    for window in seen:
        observed = set(window[~np.isnan(window)])
        assert observed <= a_values or observed <= b_values
    # a's 22 and b's 16 origins with both future values; 2 padded windows each.
    assert len(seen) == 22 + 16
    assert np.isnan(seen).any(axis=1).sum() == 4


def test_caller_row_order_does_not_matter():
    ordered, shuffled = linear_panel(shuffle=False), linear_panel()
    fc = linear_forecaster(horizon=2)
    pd.testing.assert_frame_equal(
        clone(fc).fit(ordered).forecast(), clone(fc).fit(shuffled).forecast()
    )
    fitted = clone(fc).fit(ordered)
    by_label = pd.DataFrame(fitted.predict(ordered), index=ordered.index)
    assert_allclose(fitted.predict(shuffled), by_label.loc[shuffled.index].to_numpy())


def test_fit_on_frame_supervised_trains_the_same_origins():
    panel = linear_panel()
    X, y = frame_supervised(panel, horizon=3)
    from_panel = linear_forecaster(horizon=3).fit(panel)
    from_xy = linear_forecaster(horizon=3).fit(X, y)
    assert_allclose(from_xy.estimator_.model_.coef_, from_panel.estimator_.model_.coef_)
    pd.testing.assert_frame_equal(from_xy.forecast(panel), from_panel.forecast())
    assert from_xy.score(X, y) == pytest.approx(r2_score(y, from_xy.predict(X)))


def test_cold_start_forecasts_an_unseen_series_from_its_own_history():
    fc = linear_forecaster(horizon=2).fit(linear_panel())
    days = pd.date_range("2025-03-01", periods=4, freq="D")
    index = pd.MultiIndex.from_product([["new"], days], names=["shop", "day"])
    unseen = pd.Series([100.0, 103.0, 106.0, 109.0], index=index, name="sales")
    forecast = fc.forecast(unseen)
    assert forecast.index.names == ["shop", "day"]
    assert list(forecast.index) == [("new", pd.Timestamp("2025-03-05")),
                                    ("new", pd.Timestamp("2025-03-06"))]  # fmt: skip
    assert_allclose(forecast["sales"].to_numpy(), [112.0, 115.0], atol=1e-8)
    # The same history as one plain series gives the same numbers.
    single = fc.forecast(unseen.droplevel(0))
    assert_allclose(single.to_numpy(), forecast.to_numpy())
    # Two dates prove no frequency, but lie on the step the fitted series share.
    short = fc.forecast(unseen.iloc[:2])
    assert list(short.index.get_level_values(1)) == list(days[2:4])


def test_series_of_two_dates_off_the_shared_step_need_freq():
    fc = linear_forecaster().fit(linear_panel())
    index = pd.MultiIndex.from_arrays(
        [["new", "new"], pd.to_datetime(["2025-03-01", "2025-03-04"])]
    )
    history = pd.Series([1.0, 2.0], index=index)
    with pytest.raises(ValueError, match=r"Series \['new'\] of X.*freq="):
        fc.forecast(history)
    # freq is the step of every date series, fitted or forecast.
    with pytest.raises(ValueError, match="off the '3D' grid"):
        clone(fc).set_params(freq="3D").fit(linear_panel())
    every_3_days = linear_panel().rename(
        lambda day: pd.Timestamp("2024-01-01") + 3 * (day - pd.Timestamp("2024-01-01")),
        level=1,
    )
    forecast = linear_forecaster(freq="3D").fit(every_3_days).forecast(history)
    assert forecast.index[0][1] == pd.Timestamp("2025-03-07")


def covariate_panel(seed=0):
    """sales[t + 1] = sales[t] + price[t], prices random per series."""
    rng = np.random.default_rng(seed)
    frames = {}
    for name, start, n in [("a", 10.0, 30), ("b", -4.0, 22)]:
        price = rng.normal(size=n)
        sales = start + np.r_[0.0, np.cumsum(price[:-1])]
        days = pd.date_range("2024-01-01", periods=n, freq="D")
        frames[name] = pd.DataFrame({"sales": sales, "price": price}, index=days)
    return pd.concat(frames, names=["store", "date"])


def test_recursive_forecast_reads_each_series_future_covariates():
    panel = covariate_panel()
    fc = SeriesForecaster(
        FullWindowsLinear(), window_length=2, horizon=3, strategy="recursive",
        target="sales",
    ).fit(panel)  # fmt: skip
    future_index = fc.forecast(
        future_covariates=_future_prices(panel, {"a": [1.0, 2.0, 3.0], "b": [0.5] * 3})
    ).index
    future = _future_prices(panel, {"a": [1.0, 2.0, 3.0], "b": [0.5, -1.0, 4.0]})
    forecast = fc.forecast(future_covariates=future.sample(frac=1, random_state=1))
    assert forecast.index.equals(future_index)
    for name, prices in [("a", [1.0, 2.0]), ("b", [0.5, -1.0])]:
        last = panel.loc[name].iloc[-1]
        first = last["sales"] + last["price"]
        expected = [first, first + prices[0], first + prices[0] + prices[1]]
        assert_allclose(forecast.loc[name, "sales"].to_numpy(), expected, atol=1e-8)


def test_recursive_paths_never_read_another_series_covariates():
    panel = covariate_panel()
    fc = SeriesForecaster(
        FullWindowsLinear(), window_length=2, horizon=2, strategy="recursive",
        target="sales",
    ).fit(panel)  # fmt: skip
    paths = pd.DataFrame(fc.predict(panel), index=panel.index)
    for name in ["a", "b"]:
        rows = panel.loc[name]
        s, p = rows["sales"].to_numpy(), rows["price"].to_numpy()
        inside = paths.loc[name].to_numpy()[1:-1]  # full windows, next price known
        assert_allclose(inside[:, 1], s[1:-1] + p[1:-1] + p[2:], atol=1e-8)
        # The last row's second step has no known price (the estimator reads
        # NaN as 0 here), never the first price of the next series.
        assert paths.loc[name].to_numpy()[-1, 1] == pytest.approx(s[-1] + p[-1])


def _future_prices(panel, prices):
    rows = []
    for name, values in prices.items():
        last = panel.loc[name].index[-1]
        for k, price in enumerate(values, start=1):
            rows.append((name, last + pd.Timedelta(days=k), price))
    frame = pd.DataFrame(rows, columns=["store", "date", "price"])
    return frame.set_index(["store", "date"])


def test_direct_strategy_needs_no_future_covariates():
    panel = covariate_panel()
    fc = SeriesForecaster(FullWindowsLinear(), window_length=2, horizon=2,
                          target="sales").fit(panel)  # fmt: skip
    forecast = fc.forecast()
    assert forecast.shape == (4, 1) and np.isfinite(forecast.to_numpy()).all()


def test_intervals_pool_the_calibration_residuals_of_all_series():
    rng = np.random.default_rng(1)
    panel = linear_panel(shuffle=False) + rng.normal(scale=0.5, size=42)
    fc = linear_forecaster(horizon=2, conformal_fraction=0.25).fit(panel)
    # Per series: ceil(0.25 * (rows - horizon)) calibration origins.
    assert fc.calibration_residuals_.shape == (6 + 4, 2)
    table = fc.forecast(coverage=0.8)
    assert list(table.columns) == ["sales", "lower", "upper"]
    assert (table["lower"] < table["sales"]).all()
    assert (table["sales"] < table["upper"]).all()
    width = (table["upper"] - table["lower"]).to_numpy().reshape(2, 2)
    assert_allclose(width[0], width[1])  # one pooled half width per step
    point = fc.forecast()
    assert_allclose(table["sales"].to_numpy(), point["sales"].to_numpy())


def test_quantile_forecasts_of_every_series():
    model = LSTMRegressor(loss="quantile", **tiny(max_epochs=3))
    fc = SeriesForecaster(model, window_length=3, horizon=2).fit(linear_panel())
    table = fc.forecast(quantiles=True)
    assert list(table.columns) == [0.1, 0.5, 0.9]
    assert table.shape == (4, 3)
    assert list(table.index.get_level_values(0)) == ["a", "a", "b", "b"]
    median = fc.forecast(quantiles=[0.5])
    assert_allclose(median[0.5].to_numpy(), table[0.5].to_numpy())


def test_predict_continues_each_fitted_series():
    panel = linear_panel(shuffle=False)
    late = panel.index.get_level_values(1) >= pd.Timestamp("2024-01-15")
    fc = linear_forecaster(horizon=2).fit(panel[~late])
    continued = fc.predict(panel[late])
    # The fitted tails stand in for padding: the same as predicting everything.
    assert_allclose(continued, fc.predict(panel)[late])
    fresh = linear_forecaster(horizon=2).fit(panel).predict(panel[late])
    assert not np.allclose(fresh, continued)  # unseen ends start padded


def test_score_is_r2_pooled_over_the_origins_of_every_series():
    rng = np.random.default_rng(2)
    panel = linear_panel() + rng.normal(scale=1.0, size=42)
    fc = linear_forecaster(horizon=2).fit(panel)
    X, y = frame_supervised(panel, horizon=2)
    expected = r2_score(y.to_numpy(), fc.predict(X))
    assert fc.score(X, y) == pytest.approx(expected)
    assert fc.score(panel) == pytest.approx(expected)


def test_grid_search_with_panel_time_series_split():
    panel = linear_panel()
    # No gap: fit(panel) takes the targets from the training rows only.
    cv = PanelTimeSeriesSplit(n_splits=3)
    search = GridSearchCV(
        linear_forecaster(horizon=2), {"window_length": [2, 3]}, cv=cv
    )
    search.fit(panel)
    by_hand = [
        linear_forecaster(horizon=2)
        .set_params(window_length=2)
        .fit(panel.iloc[train])
        .score(panel.iloc[test])
        for train, test in cv.split(panel)
    ]
    assert search.cv_results_["mean_test_score"][0] == pytest.approx(np.mean(by_hand))
    assert search.best_score_ > 0.9
    assert search.best_estimator_.forecast().shape == (4, 1)


def test_single_series_and_panel_models_read_each_other():
    panel = linear_panel(shuffle=False)
    single = linear_forecaster(horizon=2).fit(panel.loc["a"])
    assert single.forecast(panel).shape == (4, 1)
    global_fc = linear_forecaster(horizon=2).fit(panel)
    assert global_fc.predict(panel.loc["a"]).shape == (24, 2)
    assert "last_window_" not in vars(global_fc)
    assert "series_ids_" not in vars(clone(global_fc).fit(panel.loc["a"]))


@pytest.mark.parametrize("kind", ["dates", "periods", "ints"])
def test_save_and_load_a_panel_forecaster(kind, tmp_path):
    panel = linear_panel(kind)
    fc = SeriesForecaster(
        LSTMRegressor(**tiny()), window_length=3, horizon=2, conformal_fraction=0.3
    ).fit(panel)
    save_model(fc, tmp_path / "panel.sklstm")
    loaded = load_model(tmp_path / "panel.sklstm")
    assert sorted(get_fitted_state(loaded)) == sorted(get_fitted_state(fc))
    pd.testing.assert_frame_equal(
        loaded.forecast(coverage=0.5), fc.forecast(coverage=0.5)
    )
    assert_allclose(loaded.predict(panel), fc.predict(panel))


@pytest.mark.parametrize(
    "change, match",
    [
        (lambda s: s.update(series_last_window_=s["series_last_window_"][:1]),
         "series_last_window_ is not of shape"),
        (lambda s: s.update(_series_steps=s["_series_steps"][:1]),
         "_series_steps and _series_time_like"),
        (lambda s: s.update(_series_steps=np.array(["nonsense", "D"], dtype=object)),
         "_series_steps holds a step"),
        (lambda s: s.update(last_window_=np.ones((2, 1))), "not both"),
        (lambda s: s.pop("_series_next_time"), "lacks"),
    ],
    ids=["window-shape", "steps-count", "bad-step", "both-states", "missing"],
)  # fmt: skip
def test_a_restored_panel_state_that_does_not_fit_is_refused(change, match):
    fc = linear_forecaster().fit(linear_panel())
    state = get_fitted_state(fc)
    change(state)
    with pytest.raises(ValueError, match=match):
        clone(fc)._restore_fitted_state(state)
