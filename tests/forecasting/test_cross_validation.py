"""SeriesForecaster under cross_val_score, cross_validate and GridSearchCV.

With ``y`` (``frame_supervised``'s targets) every sklearn scorer string works;
without ``y``, sklearn's scorers have nothing to compare with, and
``sklstm.metrics.forecast_scorer`` takes the targets from the series. Splitters
that are not time-ordered (KFold, ShuffleSplit) are refused with a message
that names TimeSeriesSplit.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge
from sklearn.model_selection import (
    GridSearchCV,
    KFold,
    ShuffleSplit,
    TimeSeriesSplit,
    cross_val_score,
    cross_validate,
)

from sklstm import SeriesForecaster, frame_supervised
from sklstm.metrics import forecast_scorer

SCORERS = [
    "neg_mean_absolute_error",
    "neg_mean_squared_error",
    "neg_root_mean_squared_error",
    "r2",
    "neg_median_absolute_error",
    "explained_variance",
    "neg_mean_absolute_percentage_error",
]


@pytest.fixture(scope="module")
def series():
    index = pd.date_range("2015-01-01", periods=72, freq="MS")
    values = 50 + 0.5 * np.arange(72) + 5 * np.sin(np.arange(72) * np.pi / 6)
    return pd.Series(values, index=index, name="sales")


def ridge_forecaster(horizon=1):
    return SeriesForecaster(Ridge(), window_length=12, horizon=horizon)


@pytest.mark.parametrize("horizon", [1, 3])
@pytest.mark.parametrize("scoring", SCORERS)
def test_every_scorer_string_works_with_frame_supervised_y(series, scoring, horizon):
    X, y = frame_supervised(series, horizon=horizon)
    cv = TimeSeriesSplit(3, gap=horizon - 1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "Scoring failed", no NaN
        scores = cross_val_score(
            ridge_forecaster(horizon), X, y, cv=cv, scoring=scoring, error_score="raise"
        )
    assert np.isfinite(scores).all()


@pytest.mark.parametrize("scoring", SCORERS + ["neg_mean_absolute_scaled_error"])
def test_forecast_scorer_works_without_y(series, scoring):
    scores = cross_val_score(
        ridge_forecaster(3),
        series,
        cv=TimeSeriesSplit(3),
        scoring=forecast_scorer(scoring),
        error_score="raise",
    )
    assert np.isfinite(scores).all()


def test_forecast_scorer_agrees_with_the_same_scorer_given_y(series):
    """Without y, the scored rows are those whose horizon lies in X."""
    fc = ridge_forecaster(2).fit(series.iloc[:50])
    test = series.iloc[50:]
    X, y = frame_supervised(test, horizon=2)
    with_y = forecast_scorer("neg_mean_absolute_error")(fc, X, y)
    without_y = forecast_scorer("neg_mean_absolute_error")(fc, test)
    assert without_y == pytest.approx(with_y)
    assert forecast_scorer("r2")(fc, test) == pytest.approx(fc.score(test))


def test_cross_validate_and_grid_search_with_forecast_scorers(series):
    scoring = {
        "mae": forecast_scorer("neg_mean_absolute_error"),
        "mase": forecast_scorer("neg_mean_absolute_scaled_error", seasonal_period=12),
    }
    result = cross_validate(
        ridge_forecaster(2),
        series,
        cv=TimeSeriesSplit(3),
        scoring=scoring,
        error_score="raise",
    )
    assert (
        np.isfinite(result["test_mae"]).all() and np.isfinite(result["test_mase"]).all()
    )
    search = GridSearchCV(
        ridge_forecaster(2),
        {"window_length": [6, 12]},
        cv=TimeSeriesSplit(3),
        scoring=scoring,
        refit="mase",
        error_score="raise",
    ).fit(series)
    assert search.best_params_["window_length"] in (6, 12)
    assert np.isfinite(search.best_estimator_.forecast().to_numpy()).all()


def test_grid_search_with_a_scorer_string_and_y(series):
    X, y = frame_supervised(series, horizon=2)
    search = GridSearchCV(
        ridge_forecaster(2),
        {"window_length": [6, 12]},
        cv=TimeSeriesSplit(3, gap=1),
        scoring="neg_mean_absolute_error",
        error_score="raise",
    ).fit(X, y)
    assert np.isfinite(search.best_score_)


def test_a_scorer_string_without_y_is_explained(series):
    """sklearn calls scorer(estimator, X) and fails before sklstm is reached;
    forecast_scorer refuses sklearn's own scorer objects with the route."""
    with pytest.raises(TypeError, match="y_true"):
        cross_val_score(
            ridge_forecaster(),
            series,
            cv=TimeSeriesSplit(3),
            scoring="neg_mean_absolute_error",
            error_score="raise",
        )


def test_kfold_is_refused_naming_time_series_split(series):
    with pytest.raises(ValueError, match="TimeSeriesSplit"):
        cross_val_score(ridge_forecaster(), series, cv=KFold(3), error_score="raise")
    # The first fold trains on the later rows and tests on the earlier ones.
    fc = ridge_forecaster().fit(series.iloc[24:])
    with pytest.raises(ValueError, match=r"before the fitted series.*TimeSeriesSplit"):
        fc.score(series.iloc[:24])
    with pytest.raises(ValueError, match=r"before the fitted series.*TimeSeriesSplit"):
        fc.predict(series.iloc[:24])
    # A middle fold's training rows have a hole: not an asfreq problem.
    middle = pd.concat([series.iloc[:24], series.iloc[48:]])
    with pytest.raises(ValueError, match=r"TimeSeriesSplit.*PanelTimeSeriesSplit"):
        ridge_forecaster().fit(middle)


def test_shuffle_split_is_refused_naming_time_series_split(series):
    with pytest.raises(ValueError, match="TimeSeriesSplit"):
        cross_val_score(
            ridge_forecaster(),
            series,
            cv=ShuffleSplit(3, random_state=0),
            error_score="raise",
        )


def test_kfold_gives_nan_scores_with_the_reason_by_default(series):
    with pytest.warns(Warning, match="TimeSeriesSplit"):
        scores = cross_val_score(ridge_forecaster(), series, cv=KFold(3))
    # The last fold trains on the past and tests on what follows: a real score.
    assert np.isnan(scores[:2]).all() and np.isfinite(scores[2])
