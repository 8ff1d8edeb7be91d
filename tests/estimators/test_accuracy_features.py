"""Tests of the accuracy features of ``LSTMRegressor``.

Relative windows in delta mode, the linear autoregressive path started at a
ridge fit, the data-driven ``target_mode="auto"``, and the input-range
``ExtrapolationWarning``.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from _settings import TINY, tiny
from sklearn.compose import TransformedTargetRegressor
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import RidgeCV
from sklearn.metrics import mean_absolute_error
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklstm import (
    ExtrapolationWarning,
    LSTMRegressor,
    SlidingWindowTransformer,
    frame_supervised,
    frame_windows,
)
from sklstm.estimators._linear_path import RIDGE_ALPHAS
from sklstm.estimators._validation import scan_sequences
from sklstm.nn._training import scale_to_float32


def _wavy_trend(n=80, seed=0):
    """A rising series with a season and noise, on a grid of 1/64 (exact sums)."""
    rng = np.random.default_rng(seed)
    t = np.arange(n, dtype=float)
    values = 20 + 0.5 * t + 3 * np.sin(2 * np.pi * t / 8) + rng.normal(0, 0.5, n)
    return np.round(values * 64) / 64


# ------------------------------------------------------- relative windows


def test_relative_windows_scaling_describes_the_relative_inputs(even_data):
    X, y = even_data
    model = LSTMRegressor(**TINY).fit(X, y)
    assert model.target_mode_ == "delta"
    # Every window of 2, 4, ... is [-4, -2, 0] relative to its last value.
    np.testing.assert_allclose(model.x_mean_, [-2.0])
    np.testing.assert_allclose(model.x_scale_, [np.std([-4.0, -2.0, 0.0])])


def test_level_shifted_series_gives_shifted_predictions():
    X, y = frame_windows(_wavy_trend(), 6)
    shift = 1024.0  # exact on the 1/64 grid: the relative windows are equal
    model = LSTMRegressor(**tiny(max_epochs=5)).fit(X, y)
    shifted = LSTMRegressor(**tiny(max_epochs=5)).fit(X + shift, y + shift)
    np.testing.assert_array_equal(shifted.x_mean_, model.x_mean_)
    np.testing.assert_allclose(
        shifted.predict(X + shift) - shift, model.predict(X), rtol=0, atol=1e-9
    )
    # Far above the training range, the shifted copy extrapolates the same way.
    with warnings.catch_warnings():
        warnings.simplefilter("error", ExtrapolationWarning)
        far = model.predict(X[-5:] + 10 * shift)
    np.testing.assert_allclose(far - 10 * shift, model.predict(X[-5:]), atol=1e-6)


def test_covariates_stay_levels_in_delta_mode():
    rng = np.random.default_rng(0)
    X = np.stack(
        [np.cumsum(rng.normal(size=(50, 5)), axis=1), rng.normal(5, 2, (50, 5))], 2
    )
    y = X[:, -1, 0] + 0.1 * X[:, -1, 1]
    model = LSTMRegressor(target_mode="delta", **TINY).fit(X, y)
    relative = X[:, :, 0] - X[:, -1:, 0]
    np.testing.assert_allclose(model.x_mean_, [relative.mean(), X[:, :, 1].mean()])
    np.testing.assert_allclose(model.x_scale_, [relative.std(), X[:, :, 1].std()])


def test_scan_and_scaling_with_a_reference_work_chunk_by_chunk(monkeypatch):
    import sklstm.estimators._validation as validation
    import sklstm.nn._training as training

    rng = np.random.default_rng(1)
    X3 = rng.normal(size=(300, 6, 2)).cumsum(axis=1) + 50
    X3[:7, :3] = np.nan  # leading padding
    # Tiny chunks: many chunks, each with its own relative transform.
    monkeypatch.setattr(validation, "_CHUNK_VALUES", 40)
    monkeypatch.setattr(training, "_SCALE_CHUNK_VALUES", 40)
    stats = scan_sequences(X3, with_stats=True, reference_feature=0)
    relative = X3.copy()
    relative[:, :, 0] -= X3[:, -1:, 0]
    observed = relative[~np.isnan(relative[:, :, 0])]
    np.testing.assert_allclose(stats.mean, observed.mean(axis=0))
    np.testing.assert_allclose(stats.std, observed.std(axis=0))
    np.testing.assert_allclose(stats.minimum, observed.min(axis=0))
    np.testing.assert_allclose(stats.maximum, observed.max(axis=0))
    mean, scale = np.array([0.5, 50.0]), np.array([2.0, 3.0])
    scaled = scale_to_float32(X3, mean, scale, reference_feature=0)
    np.testing.assert_allclose(
        scaled, ((relative - mean) / scale).astype(np.float32), rtol=1e-6
    )


# ------------------------------------------------------------ linear path


def _scaled_windows(model, X3):
    reference = model.target_feature if model.target_mode_ == "delta" else None
    scaled = scale_to_float32(X3, model.x_mean_, model.x_scale_, reference)
    return np.nan_to_num(scaled).reshape(len(X3), -1).astype(np.float64)


@pytest.mark.parametrize("target_mode", ["delta", "level"])
def test_linear_path_starts_at_ridge_on_the_scaled_windows(target_mode):
    X = SlidingWindowTransformer(window_length=6).fit_transform(_wavy_trend())[:-1]
    y = _wavy_trend()[1:]
    weights = np.random.default_rng(0).uniform(0.5, 1.5, len(y))
    weights /= weights.mean()
    # lr this small leaves the weights where they started: the ridge fit.
    model = LSTMRegressor(**tiny(max_epochs=1, lr=1e-12, target_mode=target_mode))
    model.fit(X, y, sample_weight=weights)
    Z = _scaled_windows(model, X)  # NaN padding read as 0, the mean
    reference = X[:, -1, 0] if target_mode == "delta" else 0.0
    target = (y - reference - model.y_mean_[0]) / model.y_scale_[0]
    ridge = make_pipeline(StandardScaler(), RidgeCV(alphas=RIDGE_ALPHAS))
    ridge.fit(
        Z, target, standardscaler__sample_weight=weights, ridgecv__sample_weight=weights
    )
    expected = ridge.predict(Z) * model.y_scale_[0] + model.y_mean_[0] + reference
    np.testing.assert_allclose(
        model.predict(X), expected, rtol=0, atol=1e-4 * model.y_scale_[0]
    )
    # The recurrent head starts at zero, so the network adds nothing yet.
    head = model.net_.module_.head[-1]
    assert float(head.weight.abs().max()) < 1e-9


def test_linear_path_beats_the_recurrent_stack_alone_on_a_seasonal_series():
    series = _wavy_trend(120)
    X, y = frame_windows(series[:100], 8)
    X_test, y_test = frame_windows(series[92:], 8)
    params = tiny(hidden_size=8, max_epochs=10)
    with_path = LSTMRegressor(**params).fit(X, y)
    without = LSTMRegressor(linear_path=False, **params).fit(X, y)
    error_with = mean_absolute_error(y_test, with_path.predict(X_test))
    error_without = mean_absolute_error(y_test, without.predict(X_test))
    assert error_with < 0.7 * error_without


def test_linear_path_fixes_the_number_of_timesteps(multi_data):
    X, y = multi_data
    model = LSTMRegressor(**TINY).fit(X, y)
    assert model.n_timesteps_in_ == 4
    with pytest.raises(ValueError, match="fitted on 4 .*linear_path=False"):
        model.predict(X[:, 1:])
    with pytest.raises(ValueError, match="X has 5 timesteps"):
        model.set_params(warm_start=True).fit(np.concatenate([X, X[:, :1]], 1), y)
    free = LSTMRegressor(linear_path=False, **TINY).fit(X, y)
    assert free.predict(X[:, 1:]).shape == (len(X),)


# --------------------------------------------------------- auto target mode


def _positive_trend(n=120, seed=0):
    """Grows by a third over 120 steps, with a 5% season and noise of sd 3."""
    rng = np.random.default_rng(seed)
    t = np.arange(n, dtype=float)
    return pd.Series(
        100 * np.exp(0.003 * t) * (1 + 0.05 * np.sin(2 * np.pi * t / 12))
        + rng.normal(0, 3, n)
    )


def test_log_transformed_target_resolves_to_level_and_forecasts_sanely():
    series = _positive_trend()
    X, y = frame_supervised(series)
    n_train = 96
    params = tiny(hidden_size=8, max_epochs=20)

    def pipeline():
        return make_pipeline(
            SlidingWindowTransformer(window_length=12), LSTMRegressor(**params)
        )

    plain = pipeline().fit(X[:n_train], y[:n_train])
    logged = TransformedTargetRegressor(
        pipeline(), func=np.log, inverse_func=np.exp, check_inverse=False
    ).fit(X[:n_train], y[:n_train])
    assert plain[-1].target_mode_ == "delta"
    assert logged.regressor_[-1].target_mode_ == "level"
    test = slice(n_train, None)
    error_plain = mean_absolute_error(y[test], plain.predict(X)[test])
    error_logged = mean_absolute_error(y[test], logged.predict(X)[test])
    assert error_logged < 1.5 * error_plain
    assert error_logged < 0.05 * float(y[test].mean())  # sane, not 2e36


def test_newest_first_lag_columns_resolve_to_level():
    values = _positive_trend().to_numpy()
    lags = pd.DataFrame(
        {f"lag_{k}": values[12 - k : len(values) - k] for k in range(1, 6)}
    )
    y = values[12:]
    # Named lag columns are read oldest first whatever their order
    # (input_lags="auto"), so y continues the last step: delta.
    assert LSTMRegressor(**TINY).fit(lags, y).target_mode_ == "delta"
    # Read as given (input_lags=None), sklstm's own order, oldest first,
    # continues into y ...
    oldest_first = lags[lags.columns[::-1]]
    plain = dict(TINY, input_lags=None)
    assert LSTMRegressor(**plain).fit(oldest_first, y).target_mode_ == "delta"
    # ... and skforecast's order, newest first, does not: the last column is
    # the oldest lag.
    assert LSTMRegressor(**plain).fit(lags, y).target_mode_ == "level"
    with pytest.warns(UserWarning, match="step before the last predicts y better"):
        LSTMRegressor(target_mode="delta", **plain).fit(lags, y)


def test_delta_contradicted_by_the_data_warns():
    X, y = frame_windows(_positive_trend().to_numpy(), 6)
    with pytest.warns(UserWarning, match="worse than the mean of y .*'level'"):
        model = LSTMRegressor(target_mode="delta", **TINY).fit(X, np.log(y))
    assert model.target_mode_ == "delta"  # as requested
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        # A 2-epoch fit is unconverged by design (ConvergenceWarning is a
        # UserWarning); only the target-mode warning must stay away.
        warnings.simplefilter("ignore", ConvergenceWarning)
        assert LSTMRegressor(**TINY).fit(X, np.log(y)).target_mode_ == "level"


# ------------------------------------------------------ input extrapolation


def test_inputs_beyond_the_training_range_warn_with_advice_for_level_mode():
    X, y = frame_windows(np.sin(np.arange(60.0) / 3), 5)
    model = LSTMRegressor(target_mode="level", **TINY).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ExtrapolationWarning)
        model.predict(X)
    with pytest.warns(ExtrapolationWarning, match="Input feature.*target_mode='delta'"):
        model.predict(X[:3] + 10)


def test_inputs_beyond_the_training_range_in_delta_mode_never_suggest_delta(
    even_data,
):
    X, y = even_data
    model = LSTMRegressor(**TINY).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ExtrapolationWarning)
        model.predict(np.asarray(X) + 10_000.0)  # a level shift is in range
    steep = np.array([[[0.0], [100.0], [200.0]]])  # moves 50x the training ones
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.predict(steep)
    messages = [str(w.message) for w in caught if w.category is ExtrapolationWarning]
    assert any("move further from their last value" in m for m in messages)
    assert not any("target_mode='delta'" in m for m in messages)


# -------------------------------------------------------- seasonal period


def test_seasonal_period_takes_each_change_from_one_season_before():
    series = _wavy_trend(60)
    X, Y = frame_windows(series, 8, horizon=6)
    params = tiny(max_epochs=1, lr=1e-12, linear_path=False, target_mode="delta")
    model = LSTMRegressor(seasonal_period=4, **params).fit(X, Y)
    # Output k's target is 8 + k steps after the window's first step.
    np.testing.assert_array_equal(model._reference_steps, [4, 5, 6, 7, 4, 5])
    reference = X[:, [4, 5, 6, 7, 4, 5], 0]
    np.testing.assert_allclose(model.y_mean_, (Y - reference).mean(axis=0))
    # An untrained head: each output is its reference plus its mean change.
    np.testing.assert_allclose(
        model.predict(X), reference + model.y_mean_, rtol=0, atol=1e-4
    )
    padded = np.array(X[:2])
    padded[:, :5] = np.nan  # step 4 is padding: the last value stands in
    expected = np.where(
        np.isnan(padded[:, [4, 5, 6, 7, 4, 5], 0]),
        X[:2, -1],
        X[:2, [4, 5, 6, 7, 4, 5], 0],
    )
    np.testing.assert_allclose(
        model.predict(padded), expected + model.y_mean_, rtol=0, atol=1e-4
    )


def test_seasonal_period_longer_than_the_windows_warns():
    X, y = frame_windows(_wavy_trend(), 3)
    with pytest.warns(UserWarning, match="seasonal_period=12, but the windows have 3"):
        model = LSTMRegressor(seasonal_period=12, **TINY).fit(X, y)
    assert not hasattr(model, "_reference_steps")
    level = LSTMRegressor(seasonal_period=2, target_mode="level", **TINY).fit(X, y)
    assert not hasattr(level, "_reference_steps")  # only delta mode has one


def test_seasonal_model_round_trips_through_a_model_file(tmp_path):
    from sklstm import load_model, save_model

    X, Y = frame_windows(_wavy_trend(), 8, horizon=3)
    model = LSTMRegressor(seasonal_period=4, **TINY).fit(X, Y)
    save_model(model, tmp_path / "model.sklstm")
    loaded = load_model(tmp_path / "model.sklstm")
    np.testing.assert_array_equal(loaded._reference_steps, model._reference_steps)
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


@pytest.mark.parametrize(
    ("freq", "expected"),
    [("MS", 12), ("QS", 4), ("W-SAT", 52), ("D", 7), ("h", 24), ("30min", 48)],
)
def test_forecaster_infers_the_season_from_the_index(freq, expected):
    from sklstm import SeriesForecaster

    index = pd.date_range("2020-01-01", periods=70, freq=freq)
    series = pd.Series(_wavy_trend(70), index=index)
    model = LSTMRegressor(target_mode="delta", **TINY)
    window = max(expected, 4)
    forecaster = SeriesForecaster(
        model, window_length=window, horizon=2, seasonal_period="auto"
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # too few rows for 52
        forecaster.fit(series)
    assert forecaster.estimator_.seasonal_period == expected
    assert model.seasonal_period is None  # the user's estimator is untouched
    assert forecaster.forecast().shape == (2, 1)


def test_forecaster_season_can_be_set_or_left_to_the_estimator():
    from sklstm import SeriesForecaster

    index = pd.date_range("2020-01-01", periods=40, freq="MS")
    series = pd.Series(_wavy_trend(40), index=index)
    model = LSTMRegressor(**TINY)
    fitted = SeriesForecaster(model, window_length=6).fit(series)
    assert fitted.estimator_.seasonal_period is None  # the default hands none on
    fitted = SeriesForecaster(model, window_length=6, seasonal_period=3).fit(series)
    assert fitted.estimator_.seasonal_period == 3
    own = LSTMRegressor(seasonal_period=6, **TINY)
    fitted = SeriesForecaster(own, window_length=6, seasonal_period="auto")
    assert fitted.fit(series).estimator_.seasonal_period == 6  # the user's value
    plain = SeriesForecaster(model, window_length=6, seasonal_period="auto")
    assert plain.fit(series.reset_index(drop=True)).estimator_.seasonal_period is None


def test_linear_path_starts_finite_on_a_few_or_constant_rows():
    from sklstm.estimators._linear_path import ridge_start

    for n_rows in (1, 2, 6):
        Z = np.ones((n_rows, 3))  # constant columns, leverage 1 per row
        weight, bias, _ = ridge_start(Z, np.arange(n_rows, dtype=float)[:, None])
        assert np.isfinite(weight).all() and np.isfinite(bias).all()
    X, y = frame_windows(np.array([1.0, 2.0, 3.0, 5.0]), 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        assert np.isfinite(LSTMRegressor(**TINY).fit(X, y).predict(X)).all()
