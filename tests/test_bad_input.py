"""Bad input, as a table: every case names its exception and message.

Each row calls one public entry point with one kind of bad input. The test
checks the exception type, that the message names the problem (regex), and
that the caller's arrays and frames are unchanged afterwards. Rows that fit a
fresh LSTMRegressor (``fit_lstm``) also check that the failed fit leaves it
unfitted, rows of a refused warm fit (``warm_fit_after``) that it keeps its
network (tests/test_reliability.py checks every attribute).
"""

import copy

import numpy as np
import pandas as pd
import pytest
import torch
from _settings import TINY, tiny
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge

from sklstm import (
    LSTMClassifier,
    LSTMRegressor,
    SeriesForecaster,
    SlidingWindowTransformer,
    frame_supervised,
    frame_windows,
    lazy_windows,
    pad_sequences,
    sliding_windows,
)

RNG = np.random.default_rng(0)
X3 = RNG.normal(size=(12, 4, 2))
Y = RNG.normal(size=12)
SERIES = pd.Series(np.arange(12.0), name="s")
FRAME = pd.DataFrame({"a": np.arange(12.0), "b": np.arange(12.0) ** 2})


# One epoch: these models only need to exist, not to be any good.
ONE_EPOCH = tiny(max_epochs=1)


def small_lstm(**params):
    return LSTMRegressor(**{**ONE_EPOCH, **params})


def fit_lstm(**params):
    """A row's call: fit a fresh ``small_lstm(**params)`` on the row's inputs.

    The model is built with the table, at import, so an invalid setting must
    get through the constructor (sklearn validates in ``fit``). A fit that
    raises must leave the model without a network, as if never fitted.
    """
    template = small_lstm(**params)

    def fit(*inputs):
        model = clone(template)
        try:
            return model.fit(*inputs)
        except Exception:
            assert not hasattr(model, "net_"), "the failed fit left a network"
            raise

    return fit


def with_value(array, position, value):
    out = np.array(array, dtype=float)
    out[position] = value
    return out


def ridge_forecaster(**params):
    """A SeriesForecaster of Ridge: fast, for rows about the forecaster itself."""
    return SeriesForecaster(Ridge(), **{"window_length": 3, **params})


def fitted_lstm():
    return small_lstm().fit(X3, Y)


def warm_fit_after(call="fit", **changes):
    """A row's call: fit, change ``changes``, then a warm ``call`` on the row's inputs.

    A refused warm call must leave the model as it was (same network).
    """

    def warm(*inputs):
        model = small_lstm(warm_start=True).fit(X3, Y)
        net = model.net_
        model.set_params(**changes)
        try:
            return getattr(model, call)(*inputs)
        finally:
            assert model.net_ is net, "the refused warm fit replaced the network"

    return warm


def fitted_lstm_2d_frame():
    frame = pd.DataFrame(X3[:, :, 0], columns=list("pqrs"))
    return small_lstm().fit(frame, Y)


def fitted_window():
    return SlidingWindowTransformer(window_length=3).fit(FRAME)


LABELS = np.array(["a", "b"] * 6)


def fit_classifier(**params):
    """A row's call: fit a fresh LSTMClassifier; a failure leaves no network."""
    template = LSTMClassifier(**{**ONE_EPOCH, **params})

    def fit(*inputs, **kwargs):
        model = clone(template)
        try:
            return model.fit(*inputs, **kwargs)
        except Exception:
            assert not hasattr(model, "net_"), "the failed fit left a network"
            raise

    return fit


def fitted_classifier():
    return LSTMClassifier(**ONE_EPOCH).fit(X3, LABELS)


def ragged(X):
    """The rows of X cut to different lengths, as a plain list."""
    return [X[i, i % 3 :] for i in range(len(X))]


def panel(ids, times):
    """A panel Series indexed by (series id, time), one value per row."""
    index = pd.MultiIndex.from_arrays([ids, times], names=["store", "date"])
    return pd.Series(np.arange(len(index), dtype=float), index=index, name="sales")


DAYS = list(pd.date_range("2024-01-01", periods=6, freq="D"))
SALES_PRICE = pd.DataFrame(
    {"sales": np.arange(12.0), "price": np.ones(12)},
    index=pd.MultiIndex.from_product([["a", "b"], DAYS], names=["store", "date"]),
)
NEXT_DAYS = pd.date_range("2024-01-07", periods=2, freq="D")


def panel_forecaster(data=SALES_PRICE, **params):
    """A SeriesForecaster fitted on a two-series daily panel (sales, price)."""
    params = {"window_length": 2, "horizon": 2, "target": "sales", **params}
    return SeriesForecaster(small_lstm(), **params).fit(data)


def under_float64_default(call):
    """A row's call, run while torch's default dtype is float64."""

    def run(*inputs):
        before = torch.get_default_dtype()
        torch.set_default_dtype(torch.float64)
        try:
            return call(*inputs)
        finally:
            torch.set_default_dtype(before)

    return run


# (id, callable taking the inputs, inputs, exception, message regex)
CASES = [
    # -- NaN / inf -----------------------------------------------------------
    ("lstm-nan-after-observed", fit_lstm(),
     (with_value(X3, (0, 2), np.nan), Y), ValueError, "NaN at step 2 after observed"),
    ("lstm-nan-in-one-feature", fit_lstm(),
     (with_value(X3, (0, 0, 1), np.nan), Y), ValueError, "NaN in some but not all features"),
    ("lstm-all-nan-sample", fit_lstm(),
     (with_value(X3, (1,), np.nan), Y), ValueError, "no observed step"),
    ("lstm-inf", fit_lstm(),
     (with_value(X3, (0, 3, 1), np.inf), Y), ValueError, "infinity"),
    ("lstm-inf-2d", fit_lstm(),
     (with_value(X3[:, :, 0], (5, 1), np.inf), Y), ValueError, "X contains infinity"),
    ("lstm-predict-inf", lambda X: fitted_lstm().predict(X),
     (with_value(X3, (2, 1, 0), -np.inf),), ValueError, "infinity"),
    ("lstm-predict-nan-after-observed", lambda X: fitted_lstm().predict(X),
     (with_value(X3, (3, 2), np.nan),), ValueError, "Sample 3 has NaN at step 2 after observed"),
    ("lstm-nan-in-y", fit_lstm(),
     (X3, with_value(Y, 3, np.nan)), ValueError, "y contains NaN"),
    ("window-nan-in-series", lambda X: SlidingWindowTransformer().fit(X),
     (pd.Series([1.0, np.nan, 3.0]),), ValueError, r"series contains NaN or infinity\. Fill or interpolate"),
    ("window-inf-in-series", lambda X: SlidingWindowTransformer().fit(X),
     (np.array([1.0, np.inf, 3.0]),), ValueError, "infinity"),
    ("forecaster-nan", lambda X: SeriesForecaster(small_lstm()).fit(X),
     (pd.Series([1.0, np.nan] * 8),), ValueError, "NaN or infinity"),
    # -- dtypes ----------------------------------------------------------------
    ("lstm-object-3d", fit_lstm(),
     (X3.astype(object), Y), TypeError, "must hold numbers"),
    ("lstm-string-3d", fit_lstm(),
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
    ("lstm-empty", fit_lstm(),
     (np.empty((0, 3, 1)), np.empty(0)), ValueError, "at least one sample"),
    ("lstm-zero-timesteps", fit_lstm(),
     (np.empty((3, 0, 1)), Y[:3]), ValueError, "one timestep"),
    ("window-empty", lambda X: SlidingWindowTransformer().fit(X),
     (np.empty(0),), ValueError, "The series has 0 rows; it needs at least 1"),
    ("early-stopping-one-sample", fit_lstm(early_stopping=True),
     (X3[:1], Y[:1]), ValueError, "early_stopping needs at least one training and one validation"),
    ("frame-windows-too-short", lambda X: frame_windows(X, 10),
     (np.arange(5.0),), ValueError, "fewer than window_length"),
    ("frame-supervised-too-short", lambda X: frame_supervised(X, horizon=3),
     (np.arange(3.0),), ValueError, "more than horizon"),
    ("forecaster-too-short", lambda X: SeriesForecaster(small_lstm(), horizon=5).fit(X),
     (pd.Series(np.arange(6.0)),), ValueError, "at least 7"),
    # -- lengths and shapes -------------------------------------------------------
    ("lstm-len-mismatch", fit_lstm(),
     (X3, Y[:-1]), ValueError, "inconsistent numbers of samples"),
    ("lstm-1d", fit_lstm(),
     (np.arange(12.0), Y), ValueError, "1 dimension.*Reshape your data.*SlidingWindowTransformer"),
    ("lstm-4d", fit_lstm(),
     (X3[..., None], Y), ValueError, "4 dimension"),
    ("lstm-predict-4d", lambda X: fitted_lstm().predict(X),
     (X3[..., None],), ValueError, "4 dimension"),
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
    ("hidden-size-zero", fit_lstm(hidden_size=0),
     (X3, Y), ValueError, "'hidden_size' parameter"),
    ("batch-size-negative", fit_lstm(batch_size=-4),
     (X3, Y), ValueError, "'batch_size' parameter"),
    ("max-epochs-zero", fit_lstm(max_epochs=0),
     (X3, Y), ValueError, "'max_epochs' parameter"),
    ("lr-negative", fit_lstm(lr=-0.1),
     (X3, Y), ValueError, "'lr' parameter"),
    ("lr-zero", fit_lstm(lr=0.0),
     (X3, Y), ValueError, "'lr' parameter"),
    ("dropout-one-and-a-half", fit_lstm(dropout=1.5),
     (X3, Y), ValueError, "'dropout' parameter"),
    ("validation-fraction-one", fit_lstm(validation_fraction=1.0),
     (X3, Y), ValueError, "'validation_fraction' parameter"),
    ("sample-weight-length", fit_lstm(),
     (X3, Y, np.ones(11)), ValueError, r"sample_weight.shape == \(11,\), expected \(12,\)"),
    ("sample-weight-negative", fit_lstm(),
     (X3, Y, -np.ones(12)), ValueError, "Negative values in data passed to `sample_weight`"),
    ("sample-weight-inf", fit_lstm(),
     (X3, Y, with_value(np.ones(12), 3, np.inf)), ValueError,
     "sample_weight contains infinity"),
    ("sample-weight-nan", fit_lstm(),
     (X3, Y, with_value(np.ones(12), 3, np.nan)), ValueError, "sample_weight contains NaN"),
    ("sample-weight-all-zero", fit_lstm(),
     (X3, Y, np.zeros(12)), ValueError, "at least one non-zero"),
    ("fit-under-float64-default-dtype", under_float64_default(fit_lstm()),
     (X3, Y), RuntimeError,
     r"trains in float32, but torch's default dtype is torch.float64.*"
     r"set_default_dtype\(torch.float32\) before fit"),
    ("lazy-windows-far-longer-than-the-data", lambda v: lazy_windows(v, 1_000_000),
     (np.arange(1000.0),), ValueError,
     r"window_length=1000000 is longer than all the rows of values together \(1000\)"),
    ("window-length-zero", lambda X: SlidingWindowTransformer(window_length=0).fit(X),
     (SERIES,), ValueError, "'window_length' parameter"),
    ("sliding-windows-negative", lambda X: sliding_windows(X, -1),
     (np.arange(3.0),), ValueError, "window_length must be >= 1"),
    ("frame-windows-float-length", lambda X: frame_windows(X, 2.5),
     (np.arange(6.0),), TypeError, "window_length must be an int"),
    ("horizon-zero", lambda X: frame_supervised(X, horizon=0),
     (SERIES,), ValueError, "horizon must be >= 1"),
    ("unknown-cell", fit_lstm(cell="rnn"),
     (X3, Y), ValueError, "'cell' parameter"),
    ("unknown-loss", fit_lstm(loss="hinge"),
     (X3, Y), ValueError, "'loss' parameter"),
    ("unknown-optimizer", fit_lstm(optimizer="adagradx"),
     (X3, Y), ValueError, "'optimizer' parameter"),
    ("relu-with-gru", fit_lstm(cell="gru", activation="relu"),
     (X3, Y), ValueError, "only implemented for cell='lstm'"),
    ("target-feature-out-of-range", fit_lstm(target_feature=5),
     (X3, Y), ValueError, "target_feature=5"),
    ("target-feature-one-past-the-last", fit_lstm(target_feature=2),
     (X3, Y), ValueError, "target_feature=2 but X has only 2 feature"),
    ("unknown-device", fit_lstm(device="gpu"),
     (X3, Y), ValueError, "'device' parameter.*'cuda:N'"),
    ("device-index-not-a-number", fit_lstm(device="cuda:x"),
     (X3, Y), ValueError, "'device' parameter"),
    ("warm-start-new-hidden-size", warm_fit_after(hidden_size=8),
     (X3, Y), ValueError, r"hidden_size=8, but the network was fitted with hidden_size=4"
     r".*warm_start=False"),
    ("partial-fit-new-cell", warm_fit_after("partial_fit", cell="gru"),
     (X3, Y), ValueError, "cell='gru'.*cannot change cell"),
    ("warm-start-new-loss", warm_fit_after(loss="mae"),
     (X3, Y), ValueError, "cannot change loss"),
    ("partial-fit-invalid-batch-size", warm_fit_after("partial_fit", batch_size=0),
     (X3, Y), ValueError, "'batch_size' parameter"),
    ("lstm-values-too-large", fit_lstm(),
     (X3 * 1e160, Y), ValueError,
     r"X has values up to .*e\+160.*too large for float64.*divide it by 1e\+15"),
    ("lstm-targets-too-large", fit_lstm(),
     (X3, Y * 1e160), ValueError, r"y has values up to .*e\+160.*too large"),
    ("warm-start-values-too-large", warm_fit_after(),
     (X3 * 1e160, Y), ValueError, "X has values up to .* too large"),
    ("min-observed-too-high", fit_lstm(min_observed_steps=9),
     (X3, Y), ValueError, "lower min_observed_steps"),
    ("min-observed-none-left-in-padded-windows", fit_lstm(min_observed_steps=4),
     (SlidingWindowTransformer(window_length=5).fit_transform(np.arange(3.0)),
      np.arange(3.0)), ValueError, "No sample has min_observed_steps=4 observed steps"),
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
    # -- panels: (series id, time) MultiIndex -------------------------------------
    ("panel-duplicate-labels", lambda X: SlidingWindowTransformer().fit(X),
     (panel(["a", "a", "b", "b"], [1, 2, 1, 1]),), ValueError,
     r"duplicate \(series id, time\) labels in series \['b'\].*X\[~X\.index\.duplicated\(\)\]"),
    ("panel-date-gap", lambda X: SlidingWindowTransformer().fit(X),
     (panel(["a"] * 6 + ["b"] * 5, DAYS + DAYS[:2] + DAYS[3:]),), ValueError,
     r"Series \['b'\] of X are not regular.*gaps for frequency 'D'.*X\.loc\['b'\]\.asfreq\('D'\)"),
    ("panel-integer-gap", lambda X: frame_supervised(X),
     (panel(["a"] * 4 + ["b"] * 4 + ["c"] * 3, [0, 1, 2, 3, 0, 2, 3, 4, 0, 1, 2]),),
     ValueError, r"Series \['b'\] of series.*uneven steps.*series\.loc\['b'\]\.reindex"),
    ("panel-transform-gap", lambda X: fitted_window().transform(X),
     (panel([7] * 3, [0, 1, 3]).to_frame("a").assign(b=1.0),), ValueError,
     r"Series \[7\] of X.*uneven steps"),
    ("panel-three-levels", lambda X: SlidingWindowTransformer().fit(X),
     (pd.Series([1.0, 2.0], index=pd.MultiIndex.from_tuples([("a", "x", 1), ("a", "x", 2)])),),
     ValueError, r"has 3 level\(s\); a panel.*\(series id, time\).*set_index"),
    ("panel-one-level", lambda X: frame_windows(X, 2),
     (pd.Series([1.0, 2.0], index=pd.MultiIndex.from_arrays([[1, 2]])),),
     ValueError, r"has 1 level\(s\); a panel"),
    ("panel-missing-time", lambda X: SlidingWindowTransformer().fit(X),
     (panel(["a", "a"], [pd.Timestamp("2024-01-01"), pd.NaT]),), ValueError,
     r"time labels of X are missing \(NaN/NaT\)"),
    ("panel-short-series-horizon", lambda X: frame_supervised(X, horizon=2),
     (panel(["a"] * 4 + ["b"] * 2 + ["c"] * 3, [0, 1, 2, 3, 0, 1, 0, 1, 2]),), ValueError,
     r"Series \['b'\] of series have fewer than 3 rows, too few for horizon=2.*filter"),
    ("panel-short-series-windows", lambda X: frame_windows(X, 3),
     (panel(["a"] * 4 + ["b"] * 3, [0, 1, 2, 3, 0, 1, 2]),), ValueError,
     r"Series \['b'\] of series have fewer than 4 rows.*window_length \+ horizon = 4"),
    ("long-table-indexed-by-date", lambda X: SlidingWindowTransformer().fit(X),
     (pd.DataFrame({"store": ["a", "b", "a", "b"], "sales": [1.0, 2.0, 3.0, 4.0]},
                   index=pd.to_datetime(["2024-01-01"] * 2 + ["2024-01-02"] * 2)),),
     ValueError, r"duplicate labels.*index it by \(series id, time\).*swaplevel"),
    ("long-table-unsorted-dates", lambda X: frame_supervised(X),
     (pd.Series([1.0, 2.0, 3.0],
                index=pd.to_datetime(["2024-01-02", "2024-01-01", "2024-01-01"])),),
     ValueError, r"not sorted in time order.*index it by \(series id, time\)"),
    ("forecaster-panel-too-short", lambda X: SeriesForecaster(small_lstm(), horizon=2).fit(X),
     (panel(["a", "b"], [0, 0]),), ValueError,
     r"2 rows in 2 series \(longest 1\), leaving 0 training origins for horizon=2"),
    ("forecaster-panel-gap", lambda X: SeriesForecaster(small_lstm()).fit(X),
     (panel(["a"] * 3 + ["b"] * 3, [0, 1, 2, 0, 1, 3]),), ValueError,
     r"Series \['b'\] of X are not regular.*uneven steps"),
    ("forecaster-panel-string-times", lambda X: SeriesForecaster(small_lstm()).fit(X),
     (panel(["a"] * 3, ["x", "y", "z"]),), TypeError,
     r"index of X\.loc\['a'\] is a Index; use a DatetimeIndex"),
    ("forecaster-panel-unknown-frequency",
     lambda X: SeriesForecaster(small_lstm(), window_length=2).fit(X).forecast(),
     (panel(["a", "a", "b", "b"], DAYS[:2] * 2),), ValueError,
     r"Series \['a', 'b'\] of the fitted panel have too few dates.*pass freq="),
    ("forecaster-cold-start-off-the-fitted-step",
     lambda X: panel_forecaster(SALES_PRICE["sales"], target=None).forecast(X),
     (panel(["new", "new"], [DAYS[0], DAYS[3]]),), ValueError,
     r"Series \['new'\] of X have too few dates.*freq=\.\.\. to SeriesForecaster"),
    ("forecaster-panel-score-too-short", lambda X: panel_forecaster().score(X),
     (SALES_PRICE.iloc[[0, 1, 6, 7]],), ValueError,
     r"at least 2 rows whose horizon is observed; the panel X has 4 rows in 2 series"),
    ("forecaster-panel-future-covariates-missing-series",
     lambda future: panel_forecaster(strategy="recursive").forecast(
         future_covariates=future),
     (pd.DataFrame({"price": [1.0, 1.0]},
                   index=pd.MultiIndex.from_product([["a"], NEXT_DAYS])),),
     ValueError, r"future_covariates lacks rows of series \['b'\].*\(series id, future time\)"),
    ("forecaster-panel-future-covariates-not-a-panel",
     lambda future: panel_forecaster(strategy="recursive").forecast(
         future_covariates=future),
     (np.ones((2, 1)),), ValueError,
     r"pass future_covariates as a DataFrame.*indexed by \(series id, future time\)"),
    # -- forecaster settings and tables (issue #26.1, #26.2, #26.9; #27.2) ------------
    ("forecast-coverage-string",
     lambda X: ridge_forecaster(conformal_fraction=0.3).fit(X).forecast(coverage="0.9"),
     (SERIES,), TypeError, r"coverage must be a float in \(0, 1\), e\.g\. coverage=0\.9; got '0\.9'"),
    ("forecast-horizon-set-after-fit",
     lambda X: ridge_forecaster().fit(X).set_params(horizon=3).forecast(),
     (SERIES,), ValueError, r"horizon=3 was set after fit, which used horizon=1.*fit again"),
    ("forecast-strategy-set-after-fit",
     lambda X: ridge_forecaster(horizon=2).fit(X).set_params(strategy="recursive").predict(X),
     (SERIES,), ValueError, r"strategy='recursive' was set after fit.*fit again"),
    ("forecaster-duplicate-columns", lambda X: ridge_forecaster(target="a").fit(X),
     (FRAME.set_axis(["a", "a"], axis=1),), ValueError, r"duplicate column names \['a'\]"),
    ("forecast-target-named-lower",
     lambda X: ridge_forecaster(conformal_fraction=0.3).fit(X).forecast(coverage=0.8),
     (SERIES.rename("lower"),), ValueError, r"target is named 'lower'.*rename the target"),
    ("forecast-future-covariates-one-step-late",
     lambda X, future: ridge_forecaster(target="a", strategy="recursive", horizon=2)
     .fit(X).forecast(future_covariates=future),
     (FRAME, pd.DataFrame({"b": [1.0, 2.0]}, index=[13, 14])), ValueError,
     r"future_covariates is not aligned.*\['12', '13'\]"),
    ("forecaster-kfold-training-fold", lambda X: ridge_forecaster().fit(X),
     (pd.concat([SERIES.iloc[:4], SERIES.iloc[8:]]),), ValueError,
     r"uneven steps.*not time-ordered.*TimeSeriesSplit"),
    ("forecaster-kfold-test-fold", lambda X: ridge_forecaster().fit(SERIES.iloc[6:]).score(X),
     (SERIES.iloc[:6],), ValueError, r"X ends at 5, before the fitted series begins \(6\).*TimeSeriesSplit"),
    # -- LSTMClassifier -----------------------------------------------------------
    ("classifier-one-class", fit_classifier(),
     (X3, np.full(12, "a")), ValueError, r"y has 1 class \(\['a'\]\).*at least two"),
    ("classifier-nan-label", fit_classifier(),
     (X3, with_value(np.arange(12.0) % 2, 4, np.nan)), ValueError,
     "1 missing label.*sample 4. Drop those samples"),
    ("classifier-none-label", fit_classifier(),
     (X3, np.array(["a", "b", None] * 4, dtype=object)), ValueError, "missing label"),
    ("classifier-continuous-y", fit_classifier(),
     (X3, np.linspace(0, 1, 12)), ValueError, "Unknown label type: continuous"),
    ("classifier-score-unseen-label", lambda X, y: fitted_classifier().score(X, y),
     (X3, np.array(["a", "b", "c"] * 4)), ValueError,
     r"label\(s\) \['c'\] that were not seen in fit"),
    ("classifier-predict-proba-before-fit",
     lambda X: LSTMClassifier().predict_proba(X), (X3,), NotFittedError, "not fitted"),
    ("classifier-ragged-list", lambda X, y: fit_classifier()(ragged(X), y),
     (X3, LABELS), ValueError, r"different lengths \(2 to 4 steps\).*pad_sequences"),
    ("classifier-ragged-list-predict", lambda X: fitted_classifier().predict(ragged(X)),
     (X3,), ValueError, "pad_sequences"),
    ("classifier-partial-fit-without-classes",
     lambda X, y: LSTMClassifier(**ONE_EPOCH).partial_fit(X, y),
     (X3, LABELS), ValueError, "classes must be passed on the first call"),
    ("classifier-partial-fit-new-label",
     lambda X, y: LSTMClassifier(**ONE_EPOCH).partial_fit(X, LABELS, classes=["a", "b"])
     .partial_fit(X, y), (X3, np.array(["a", "z"] * 6)), ValueError,
     "were not among the classes of the first fit"),
    ("classifier-partial-fit-balanced",
     lambda X, y: LSTMClassifier(**ONE_EPOCH, class_weight="balanced").partial_fit(
         X, y, classes=["a", "b"]), (X3, LABELS), ValueError, "pass them as a dict"),
    ("classifier-class-weight-unknown-label", fit_classifier(class_weight={"z": 2.0}),
     (X3, LABELS), ValueError,
     r"class_weight names class\(es\) \['z'\] that are not among the classes of y "
     r"\(classes_ = \['a', 'b'\]\). Remove them"),
    ("classifier-class-weight-mixed-key-types",
     fit_classifier(class_weight={0: 1.0, "a": 2.0}), (X3, LABELS), ValueError,
     r"class_weight names class\(es\) \[0\] that are not among"),
    ("classifier-early-stopping-one-sample-class", fit_classifier(early_stopping=True),
     (X3, np.array(["a"] * 11 + ["b"])), ValueError,
     "at least 2 samples of every class.*early_stopping=False"),
    ("pad-sequences-feature-mismatch", lambda a, b: pad_sequences([a, b]),
     (np.ones((3, 2)), np.ones((2, 3))), ValueError, "same features"),
    ("pad-sequences-int-dtype", lambda a: pad_sequences([a], dtype=int),
     (np.ones(3),), TypeError, "the padding is NaN"),
    ("pad-sequences-empty-list", lambda: pad_sequences([]), (), ValueError, "non-empty list"),
]  # fmt: skip
if not torch.cuda.is_available():
    CASES += [
        ("cuda-without-gpu", fit_lstm(device="cuda"),
         (X3, Y), ValueError, "no CUDA device"),
        ("cuda-index-without-gpu", fit_lstm(device="cuda:0"),
         (X3, Y), ValueError, "device='cuda:0' but torch finds no CUDA device"),
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


def test_integer_input_accepted():
    X = np.arange(60).reshape(20, 3, 1)
    y = np.arange(20) * 3 + 3
    model = LSTMRegressor(**TINY).fit(X, y)
    assert np.isfinite(model.predict(X)).all()


def test_inputs_not_modified():
    series = np.arange(1.0, 31.0)
    X = np.array(SlidingWindowTransformer(window_length=4).fit_transform(series))
    y = series * 2
    y2 = np.column_stack([y, -y])
    X_before, y_before, y2_before = X.copy(), y.copy(), y2.copy()
    for target in (y, y2):
        model = LSTMRegressor(
            target_mode="delta", min_observed_steps=2, early_stopping=True, **TINY
        )
        model.fit(X, target, sample_weight=np.ones(len(X)))
        model.partial_fit(X, target)
        model.predict(X)
    np.testing.assert_array_equal(X, X_before)
    np.testing.assert_array_equal(y, y_before)
    np.testing.assert_array_equal(y2, y2_before)
