"""sklstm.metrics: MASE and sMAPE, as functions and as forecast scorers."""

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge
from sklearn.model_selection import cross_val_score

from sklstm import SeriesForecaster, frame_supervised
from sklstm.metrics import (
    forecast_scorer,
    mean_absolute_scaled_error,
    symmetric_mean_absolute_percentage_error,
)


def test_mase_divides_by_the_naive_error_of_the_training_series():
    y_train = np.array([1.0, 3.0, 2.0, 4.0])  # naive errors 2, 1, 2: mean 5/3
    assert mean_absolute_scaled_error(
        [5.0, 6.0], [4.0, 8.0], y_train=y_train
    ) == pytest.approx(1.5 / (5 / 3))
    # Seasonal: the naive forecast repeats the value one season before.
    assert mean_absolute_scaled_error(
        [5.0], [4.0], y_train=y_train, seasonal_period=2
    ) == pytest.approx(1.0 / 1.0)


def test_mase_of_many_steps_averages_them():
    y_train = np.arange(5.0)
    value = mean_absolute_scaled_error(
        [[1.0, 2.0], [3.0, 4.0]], [[1.0, 4.0], [3.0, 4.0]], y_train=y_train
    )
    assert value == pytest.approx(0.5)


def test_mase_refuses_a_constant_training_series_and_short_seasons():
    with pytest.raises(ValueError, match="constant.*naive forecast is exact"):
        mean_absolute_scaled_error([1.0], [2.0], y_train=np.ones(5))
    with pytest.raises(ValueError, match="seasonal_period=4 needs at least 5"):
        mean_absolute_scaled_error(
            [1.0], [2.0], y_train=np.arange(4.0), seasonal_period=4
        )


def test_smape():
    assert symmetric_mean_absolute_percentage_error([100.0, 0.0], [110.0, 0.0]) == (
        pytest.approx((20 / 210) / 2)
    )


def test_mase_scorer_uses_the_fitted_series_scale():
    index = pd.date_range("2020-01-01", periods=60, freq="D")
    series = pd.Series(np.arange(60.0) % 7 + np.arange(60.0), index=index, name="y")
    fc = SeriesForecaster(Ridge(), window_length=7, horizon=2).fit(series.iloc[:40])
    test = series.iloc[40:]
    X, y = frame_supervised(test, horizon=2)
    expected = -mean_absolute_scaled_error(
        y.to_numpy(),
        fc.predict(X),
        y_train=series.iloc[:40].to_numpy(),
        seasonal_period=7,
    )
    scorer = forecast_scorer("neg_mean_absolute_scaled_error", seasonal_period=7)
    assert scorer(fc, X, y) == pytest.approx(expected)
    assert scorer(fc, test) == pytest.approx(expected)
    assert "seasonal_period=7" in repr(scorer)


def test_mase_scorer_in_cross_val_score_of_a_panel():
    days = pd.date_range("2020-01-01", periods=40, freq="D")
    index = pd.MultiIndex.from_product([["a", "b"], days], names=["id", "day"])
    values = np.r_[np.arange(40.0), 1000 + 10 * np.sin(np.arange(40.0))]
    panel = pd.Series(values, index=index, name="y")
    from sklstm import PanelTimeSeriesSplit

    scores = cross_val_score(
        SeriesForecaster(Ridge(), window_length=4),
        panel,
        cv=PanelTimeSeriesSplit(3),
        scoring=forecast_scorer("neg_mean_absolute_scaled_error"),
        error_score="raise",
    )
    assert np.isfinite(scores).all()


def test_forecast_scorer_refuses_unknown_names():
    with pytest.raises(ValueError, match="neg_mean_absolute_scaled_error"):
        forecast_scorer("mase")
