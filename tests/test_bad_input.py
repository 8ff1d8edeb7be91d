"""Bad input, as a table: every case names its exception and message.

Each row calls one public entry point with one kind of bad input. The test
checks the exception type, that the message names the problem (regex), and
that the caller's arrays and frames are unchanged afterwards.
"""

import copy

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError

from sklstm import (
    LSTMRegressor,
    SeriesForecaster,
    SlidingWindowTransformer,
    frame_supervised,
    frame_windows,
    sliding_windows,
)

RNG = np.random.default_rng(0)
X3 = RNG.normal(size=(12, 4, 2))
Y = RNG.normal(size=12)
SERIES = pd.Series(np.arange(12.0), name="s")
FRAME = pd.DataFrame({"a": np.arange(12.0), "b": np.arange(12.0) ** 2})


def small_lstm(**kwargs):
    return LSTMRegressor(hidden_size=4, max_epochs=1, random_state=0, **kwargs)


def with_value(array, position, value):
    out = np.array(array, dtype=float)
    out[position] = value
    return out


def fitted_lstm():
    return small_lstm().fit(X3, Y)


def fitted_lstm_2d_frame():
    frame = pd.DataFrame(X3[:, :, 0], columns=list("pqrs"))
    return small_lstm().fit(frame, Y)


def fitted_window():
    return SlidingWindowTransformer(window_length=3).fit(FRAME)


# (id, callable taking the inputs, inputs, exception, message regex)
CASES = [
    # -- NaN / inf -----------------------------------------------------------
    ("lstm-nan-after-observed", lambda X, y: small_lstm().fit(X, y),
     (with_value(X3, (0, 2), np.nan), Y), ValueError, "NaN at step 2 after observed"),
    ("lstm-nan-in-one-feature", lambda X, y: small_lstm().fit(X, y),
     (with_value(X3, (0, 0, 1), np.nan), Y), ValueError, "some but not all features"),
    ("lstm-all-nan-sample", lambda X, y: small_lstm().fit(X, y),
     (with_value(X3, (1,), np.nan), Y), ValueError, "no observed step"),
    ("lstm-inf", lambda X, y: small_lstm().fit(X, y),
     (with_value(X3, (0, 3, 1), np.inf), Y), ValueError, "infinity"),
    ("lstm-predict-inf", lambda X: fitted_lstm().predict(X),
     (with_value(X3, (2, 1, 0), -np.inf),), ValueError, "infinity"),
    ("lstm-nan-in-y", lambda X, y: small_lstm().fit(X, y),
     (X3, with_value(Y, 3, np.nan)), ValueError, "y contains NaN"),
    ("window-nan-in-series", lambda X: SlidingWindowTransformer().fit(X),
     (pd.Series([1.0, np.nan, 3.0]),), ValueError, r"series contains NaN or infinity\. Fill or interpolate"),
    ("window-inf-in-series", lambda X: SlidingWindowTransformer().fit(X),
     (np.array([1.0, np.inf, 3.0]),), ValueError, "infinity"),
    ("forecaster-nan", lambda X: SeriesForecaster(small_lstm()).fit(X),
     (pd.Series([1.0, np.nan] * 8),), ValueError, "NaN or infinity"),
    # -- dtypes ----------------------------------------------------------------
    ("lstm-object-3d", lambda X, y: small_lstm().fit(X, y),
     (X3.astype(object), Y), TypeError, "must hold numbers"),
    ("lstm-string-3d", lambda X, y: small_lstm().fit(X, y),
     (np.full((3, 2, 1), "a"), Y[:3]), TypeError, "must hold numbers"),
    ("window-string-column", lambda X: SlidingWindowTransformer().fit(X),
     (pd.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"]}),), TypeError,
     r"must be numeric, but column\(s\) \['b'\]"),
    ("frame-windows-string-column", lambda X: frame_windows(X, 2, target="a"),
     (pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": list("xyz")}),), TypeError,
     "must be numeric"),
    ("forecaster-string-column", lambda X: SeriesForecaster(target="a").fit(X),
     (pd.DataFrame({"a": [1.0] * 9, "b": list("xyzxyzxyz")}),), TypeError,
     "numeric"),
    ("sliding-windows-int", lambda X: sliding_windows(X, 2),
     (np.arange(5),), TypeError, "floating point"),
    # -- empty / tiny / too short -----------------------------------------------
    ("lstm-empty", lambda X, y: small_lstm().fit(X, y),
     (np.empty((0, 3, 1)), np.empty(0)), ValueError, "at least one sample"),
    ("lstm-zero-timesteps", lambda X, y: small_lstm().fit(X, y),
     (np.empty((3, 0, 1)), Y[:3]), ValueError, "one timestep"),
    ("window-empty", lambda X: SlidingWindowTransformer().fit(X),
     (np.empty(0),), ValueError, "The series has 0 rows; it needs at least 1"),
    ("early-stopping-one-sample", lambda X, y: small_lstm(early_stopping=True).fit(X, y),
     (X3[:1], Y[:1]), ValueError, "at least one training and one validation"),
    ("frame-windows-too-short", lambda X: frame_windows(X, 10),
     (np.arange(5.0),), ValueError, "fewer than window_length"),
    ("frame-supervised-too-short", lambda X: frame_supervised(X, horizon=3),
     (np.arange(3.0),), ValueError, "more than horizon"),
    ("forecaster-too-short", lambda X: SeriesForecaster(small_lstm(), horizon=5).fit(X),
     (pd.Series(np.arange(6.0)),), ValueError, "at least 7"),
    # -- lengths and shapes -------------------------------------------------------
    ("lstm-len-mismatch", lambda X, y: small_lstm().fit(X, y),
     (X3, Y[:-1]), ValueError, "inconsistent numbers of samples"),
    ("lstm-1d", lambda X, y: small_lstm().fit(X, y),
     (np.arange(12.0), Y), ValueError, "Reshape your data"),
    ("lstm-4d", lambda X, y: small_lstm().fit(X, y),
     (X3[..., None], Y), ValueError, "4 dimension"),
    ("window-3d", lambda X: SlidingWindowTransformer().fit(X),
     (X3,), ValueError, r"shape \(n_steps,\) or \(n_steps, n_features\), got an array with 3 dimensions"),
    ("sliding-windows-3d", lambda X: sliding_windows(X, 2),
     (X3,), ValueError, "3 dimensions"),
    ("lstm-predict-feature-count", lambda X: fitted_lstm().predict(X),
     (X3[:, :, :1],), ValueError, "X has 1 features, but LSTMRegressor is expecting 2"),
    ("lstm-predict-2d-after-3d", lambda X: fitted_lstm().predict(X),
     (X3[:, :, 0],), ValueError, "fitted on 3-D input"),
    ("lstm-predict-column-names", lambda X: fitted_lstm_2d_frame().predict(X),
     (pd.DataFrame(X3[:, :, 0], columns=list("pqrz")),), ValueError, "feature names"),
    ("window-column-count", lambda X: fitted_window().transform(X),
     (FRAME[["a"]].to_numpy(),), ValueError, "X has 1 features"),
    ("window-column-names", lambda X: fitted_window().transform(X),
     (FRAME.rename(columns={"b": "c"}),), ValueError, "feature names"),
    ("window-1d-after-2-columns", lambda X: fitted_window().transform(X),
     (np.arange(5.0),), ValueError, "Reshape your data"),
    # -- not fitted -------------------------------------------------------------------
    ("lstm-predict-unfitted", lambda X: small_lstm().predict(X),
     (X3,), NotFittedError, "not fitted"),
    ("window-transform-unfitted", lambda X: SlidingWindowTransformer().transform(X),
     (SERIES,), NotFittedError, "not fitted"),
    ("forecaster-unfitted", lambda X: SeriesForecaster().predict(X),
     (SERIES,), NotFittedError, "not fitted"),
    # -- sizes and options ------------------------------------------------------------
    ("hidden-size-zero", lambda X, y: LSTMRegressor(hidden_size=0).fit(X, y),
     (X3, Y), ValueError, "'hidden_size' parameter"),
    ("batch-size-negative", lambda X, y: LSTMRegressor(batch_size=-4).fit(X, y),
     (X3, Y), ValueError, "'batch_size' parameter"),
    ("max-epochs-zero", lambda X, y: LSTMRegressor(max_epochs=0).fit(X, y),
     (X3, Y), ValueError, "'max_epochs' parameter"),
    ("lr-negative", lambda X, y: LSTMRegressor(lr=-0.1).fit(X, y),
     (X3, Y), ValueError, "'lr' parameter"),
    ("window-length-zero", lambda X: SlidingWindowTransformer(window_length=0).fit(X),
     (SERIES,), ValueError, "'window_length' parameter"),
    ("sliding-windows-negative", lambda X: sliding_windows(X, -1),
     (np.arange(3.0),), ValueError, "window_length must be >= 1"),
    ("frame-windows-float-length", lambda X: frame_windows(X, 2.5),
     (np.arange(6.0),), TypeError, "window_length must be an int"),
    ("horizon-zero", lambda X: frame_supervised(X, horizon=0),
     (SERIES,), ValueError, "horizon must be >= 1"),
    ("unknown-cell", lambda X, y: LSTMRegressor(cell="rnn").fit(X, y),
     (X3, Y), ValueError, "'cell' parameter"),
    ("unknown-loss", lambda X, y: LSTMRegressor(loss="hinge").fit(X, y),
     (X3, Y), ValueError, "'loss' parameter"),
    ("unknown-optimizer", lambda X, y: LSTMRegressor(optimizer="adagradx").fit(X, y),
     (X3, Y), ValueError, "'optimizer' parameter"),
    ("relu-with-gru", lambda X, y: small_lstm(cell="gru", activation="relu").fit(X, y),
     (X3, Y), ValueError, "only implemented for cell='lstm'"),
    ("target-feature-out-of-range", lambda X, y: small_lstm(target_feature=5).fit(X, y),
     (X3, Y), ValueError, "target_feature=5"),
    ("cuda-without-gpu", lambda X, y: small_lstm(device="cuda").fit(X, y),
     (X3, Y), ValueError, "no CUDA device"),
    ("min-observed-too-high", lambda X, y: small_lstm(min_observed_steps=9).fit(X, y),
     (X3, Y), ValueError, "lower min_observed_steps"),
    # -- time order -------------------------------------------------------------------
    ("window-unsorted-index", lambda X: SlidingWindowTransformer().fit(X),
     (SERIES.iloc[::-1],), ValueError, "sort_index"),
    ("window-unsorted-dates", lambda X: SlidingWindowTransformer().fit(X),
     (pd.Series([1.0, 2.0, 3.0],
                index=pd.to_datetime(["2020-01-02", "2020-01-01", "2020-01-03"])),),
     ValueError, "sort_index"),
    ("forecaster-unsorted-index", lambda X: SeriesForecaster().fit(X),
     (SERIES.iloc[::-1],), ValueError, "strictly increasing"),
    ("forecaster-gap", lambda X: SeriesForecaster().fit(X),
     (pd.Series(np.arange(9.0),
                index=pd.date_range("2020", periods=10, freq="D").delete(4)),),
     ValueError, "asfreq"),
    ("forecaster-monthly-gap", lambda X: SeriesForecaster().fit(X),
     (pd.Series(np.arange(23.0),
                index=pd.date_range("2020", periods=24, freq="MS").delete(5)),),
     ValueError, r"asfreq\('MS'\)"),
    ("window-monthly-gap", lambda X: SlidingWindowTransformer().fit(X),
     (pd.Series(np.arange(23.0),
                index=pd.date_range("2020", periods=24, freq="MS").delete(5)),),
     ValueError, r"gaps for frequency 'MS'.*X\.asfreq\('MS'\)"),
    ("window-duplicate-dates", lambda X: SlidingWindowTransformer().fit(X),
     (pd.Series([1.0, 2.0, 3.0],
                index=pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-02"])),),
     ValueError, "has duplicate labels.*drop duplicate labels"),
    ("frame-supervised-gap", lambda X: frame_supervised(X),
     (pd.Series(np.arange(9.0), index=[0, 1, 2, 3, 5, 6, 7, 8, 9]),),
     ValueError, r"series has uneven steps.*series\.reindex\(range\(0, 10, 1\)\)"),
    ("forecast-future-covariates-shape",
     lambda X: SeriesForecaster(small_lstm(), window_length=3, horizon=2,
                                strategy="recursive", target="a").fit(X)
     .forecast(future_covariates=np.ones((3, 1))),
     (FRAME,), ValueError, r"future_covariates must have shape \(horizon, n_covariates\) = \(2, 1\), got \(3, 1\)"),
    ("frame-supervised-no-target", lambda X: frame_supervised(X),
     (FRAME,), ValueError, "target=<column name>"),
]  # fmt: skip


def _snapshot(inputs):
    return copy.deepcopy(inputs)


def _assert_unchanged(before, after):
    for old, new in zip(before, after, strict=True):
        if isinstance(old, pd.DataFrame | pd.Series):
            if isinstance(old, pd.DataFrame):
                pd.testing.assert_frame_equal(old, new)
            else:
                pd.testing.assert_series_equal(old, new)
        else:
            np.testing.assert_array_equal(np.asarray(old), np.asarray(new))


@pytest.mark.parametrize(
    "call, inputs, error, match", [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_gets_a_clear_error(call, inputs, error, match):
    before = _snapshot(inputs)
    with pytest.raises(error, match=match):
        call(*inputs)
    _assert_unchanged(before, inputs)


# Accepted on purpose: these dtypes and layouts are converted, never mangled.
ACCEPTED = [
    ("bool", X3 > 0),
    ("int", (X3 * 10).astype(np.int64)),
    ("float16", X3.astype(np.float16)),
    ("float32", X3.astype(np.float32)),
    ("float64", X3),
    ("non-contiguous", np.asfortranarray(X3)),
    ("strided-view", np.repeat(X3, 2, axis=1)[:, ::2]),
]


@pytest.mark.parametrize("X", [a[1] for a in ACCEPTED], ids=[a[0] for a in ACCEPTED])
def test_numeric_dtypes_and_layouts_are_accepted(X):
    before = X.copy()
    model = small_lstm().fit(X, Y)
    reference = small_lstm().fit(np.ascontiguousarray(X, dtype=np.float64), Y)
    np.testing.assert_allclose(
        model.predict(X), reference.predict(np.asarray(X, dtype=np.float64)), atol=1e-3
    )
    np.testing.assert_array_equal(X, before)


def test_read_only_input_is_accepted():
    X = X3.copy()
    X.setflags(write=False)
    y = Y.copy()
    y.setflags(write=False)
    model = small_lstm().fit(X, y)
    assert model.predict(X).shape == (12,)


def test_single_sample_and_window_longer_than_series_are_fine():
    model = small_lstm().fit(X3[:1], Y[:1])
    assert model.predict(X3[:1]).shape == (1,)
    windows = SlidingWindowTransformer(window_length=10).fit_transform(SERIES[:3])
    assert windows.shape == (3, 10, 1)
    assert np.isnan(windows[:, :7]).all()


def test_diverging_training_stops_with_advice():
    from sklstm._exceptions import DivergenceError

    X = RNG.normal(size=(40, 3, 1)) * 1e6
    y = RNG.normal(size=40) * 1e6
    model = LSTMRegressor(
        hidden_size=4,
        max_epochs=5,
        lr=1e8,
        scale=False,
        optimizer="sgd",
        target_mode="level",
        random_state=0,
    )
    with pytest.raises(DivergenceError, match="lower the learning rate|Lower the"):
        model.fit(X, y)
