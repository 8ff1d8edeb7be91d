"""What forecast() returns, and the inputs around it that must not go wrong silently.

One return type (a DataFrame, the point forecast in a column named after the
target), target names that clash with no other column, future covariates
matched by time, and clear messages for settings changed after fit.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression, Ridge

from sklstm import SeriesForecaster

DAYS = pd.date_range("2024-01-01", periods=30, freq="D")


def linear(name="sales"):
    return pd.Series(np.arange(30.0) * 2 + 1, index=DAYS, name=name)


def fitted(data, **params):
    params = {"window_length": 3, "horizon": 2, **params}
    return SeriesForecaster(LinearRegression(), **params).fit(data)


@pytest.mark.parametrize(
    "data, column",
    [
        (linear(), "sales"),
        (linear(name=None), "forecast"),
        (np.arange(30.0), "forecast"),
        (pd.DataFrame({"a": np.arange(30.0), "b": np.ones(30)}), "a"),
    ],
    ids=["named-series", "unnamed-series", "array", "frame"],
)
def test_forecast_is_always_a_dataframe_named_after_the_target(data, column):
    fc = fitted(data, target="a" if isinstance(data, pd.DataFrame) else None)
    table = fc.forecast()
    assert isinstance(table, pd.DataFrame)
    assert list(table.columns) == [column]
    assert len(table) == 2


def test_panel_forecast_is_a_dataframe():
    index = pd.MultiIndex.from_product([["a", "b"], DAYS], names=["id", "day"])
    panel = pd.Series(
        np.r_[np.arange(30.0), np.arange(30.0) + 5], index=index, name="y"
    )
    table = fitted(panel).forecast()
    assert isinstance(table, pd.DataFrame) and list(table.columns) == ["y"]
    assert table.index.names == ["id", "day"]


@pytest.mark.parametrize("name", ["lower", "upper"])
@pytest.mark.parametrize("panel", [False, True])
def test_a_target_named_like_an_interval_column_is_refused_not_lost(name, panel):
    data = linear(name)
    if panel:
        index = pd.MultiIndex.from_product([["a", "b"], DAYS], names=["id", "day"])
        data = pd.Series(
            np.r_[data.to_numpy(), data.to_numpy()], index=index, name=name
        )
    fc = fitted(data, conformal_fraction=0.3)
    assert list(fc.forecast().columns) == [name]  # the point forecast is there
    with pytest.raises(ValueError, match=rf"target is named '{name}'.*rename"):
        fc.forecast(coverage=0.8)


@pytest.mark.parametrize("coverage", ["0.9", True])
def test_coverage_must_be_a_number(coverage):
    fc = fitted(linear(), conformal_fraction=0.3)
    with pytest.raises(TypeError, match=r"coverage must be a float in \(0, 1\).*0\.9"):
        fc.forecast(coverage=coverage)


@pytest.mark.parametrize(
    "change", [{"horizon": 4}, {"strategy": "recursive"}, {"window_length": 5}]
)
def test_parameters_changed_after_fit_ask_for_a_refit(change):
    fc = fitted(linear())
    fc.set_params(**change)
    name = next(iter(change))
    for call in (fc.forecast, lambda: fc.predict(linear()), lambda: fc.score(linear())):
        with pytest.raises(ValueError, match=rf"{name}=.*after fit.*fit again"):
            call()


def test_duplicate_column_names_are_refused():
    frame = pd.DataFrame(np.ones((30, 3)), columns=["a", "b", "b"], index=DAYS)
    with pytest.raises(ValueError, match=r"duplicate column names \['b'\]"):
        SeriesForecaster(LinearRegression(), target="a").fit(frame)
    fc = fitted(
        pd.DataFrame({"a": np.arange(30.0), "b": np.ones(30)}, index=DAYS), target="a"
    )
    twice = pd.DataFrame(np.ones((30, 2)), columns=["a", "a"], index=DAYS)
    before = twice.copy()
    with pytest.raises(ValueError, match=r"duplicate column names \['a'\]"):
        fc.forecast(twice)
    pd.testing.assert_frame_equal(twice, before)


# ------------------------------------------------------ future covariates by time


@pytest.fixture(scope="module")
def with_price():
    rng = np.random.default_rng(0)
    price = rng.normal(size=30)
    frame = pd.DataFrame(
        {"sales": 3 * price + np.arange(30.0), "price": price}, index=DAYS
    )
    return fitted(frame, target="sales", strategy="recursive", horizon=3)


def future(index, values=(1.0, 2.0, 3.0), **columns):
    return pd.DataFrame({"price": list(values), **columns}, index=index)


NEXT = pd.date_range("2024-01-31", periods=3, freq="D")


def test_future_covariates_aligned_on_the_forecast_index(with_price):
    expected = with_price.forecast(future_covariates=np.array([[1.0], [2.0], [3.0]]))
    by_time = with_price.forecast(future_covariates=future(NEXT))
    pd.testing.assert_frame_equal(by_time, expected)
    # Columns are matched by name; the target column (unknown) may be there.
    extra = future(NEXT, sales=np.nan)[["sales", "price"]]
    pd.testing.assert_frame_equal(
        with_price.forecast(future_covariates=extra), expected
    )


@pytest.mark.parametrize(
    "table, match",
    [
        (future(NEXT + pd.Timedelta("1D")), r"not aligned.*2024-01-31.*2024-02-02"),
        (future(NEXT[::-1], (3.0, 2.0, 1.0)), r"not aligned.*2024-01-31"),
        (future(pd.RangeIndex(3)), r"not aligned.*a DatetimeIndex.*a RangeIndex"),
        (future(NEXT[:2], (1.0, 2.0)), r"not aligned.*2024-01-31"),
        (future(NEXT, promo=1.0), r"column\(s\) \['promo'\].*not covariates"),
    ],
    ids=["one-step-late", "reversed", "wrong-index-type", "short", "extra-column"],
)
def test_misaligned_future_covariates_are_refused(with_price, table, match):
    before = table.copy()
    with pytest.raises(ValueError, match=match):
        with_price.forecast(future_covariates=table)
    pd.testing.assert_frame_equal(table, before)


# ------------------------------------------------------ panels of very different scales


def test_a_panel_of_very_different_scales_warns_with_the_fix():
    from sklstm import LSTMRegressor

    index = pd.MultiIndex.from_product([["tiny", "huge"], DAYS], names=["id", "day"])
    values = np.r_[2 + np.sin(np.arange(30.0)), 1e9 * (2 + np.sin(np.arange(30.0)))]
    panel = pd.Series(values, index=index, name="y")
    model = LSTMRegressor(hidden_size=2, max_epochs=1, random_state=0)
    with pytest.warns(UserWarning, match=r"\['tiny'\].*window_scaling='mean'"):
        SeriesForecaster(model, window_length=3).fit(panel)
    # With window scaling, or similar scales, nothing is said.
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        warnings.simplefilter("ignore", ConvergenceWarning)
        scaled = LSTMRegressor(
            hidden_size=2, max_epochs=1, random_state=0, window_scaling="mean"
        )
        SeriesForecaster(scaled, window_length=3).fit(panel)
        similar = pd.Series(np.r_[values[:30], 10 * values[:30]], index=index)
        SeriesForecaster(Ridge(), window_length=3).fit(similar)
