"""Lag matrices (skforecast's lag_1..lag_k columns) read as oldest-first sequences."""

import numpy as np
import pandas as pd
import pytest

import sklstm
from sklstm import LSTMRegressor
from sklstm.estimators._validation import check_sequences
from sklstm.windows._lags import (
    LagLayout,
    estimator_layout,
    features_per_step,
    lag_layout,
)

SMALL = dict(hidden_size=4, max_epochs=2, random_state=0)


def test_newest_first_lags_are_reversed_and_others_become_features():
    layout = lag_layout(["lag_1", "lag_2", "lag_3", "temp", "_level_skforecast"])
    assert layout == LagLayout(lag_columns=(2, 1, 0), other_columns=(3, 4))
    X2 = np.array([[30.0, 20.0, 10.0, 5.0, 1.0]])
    X3 = layout.to_sequences(X2)
    assert X3.shape == (1, 3, 3)
    assert X3[0, :, 0].tolist() == [10.0, 20.0, 30.0]  # oldest first
    assert X3[0, :, 1:].tolist() == [[5.0, 1.0]] * 3  # repeated at every step


def test_oldest_first_lags_keep_their_order_and_position_does_not_matter():
    layout = lag_layout(["temp", "lag_2", "lag_1"])
    assert layout == LagLayout(lag_columns=(1, 2), other_columns=(0,))


@pytest.mark.parametrize(
    "names", [None, ["t0", "t1"], ["lag_0"], ["Lag_1"], ["lag_1_x"], ["x_lag_1"]]
)
def test_no_lag_columns_means_plain_timesteps(names):
    assert lag_layout(names) is None


@pytest.mark.parametrize(
    "names, message",
    [
        (["lag_1", "lag_3"], r"lag_1, lag_3.*from 1 without gaps"),
        (["lag_2", "lag_3"], r"from 1 without gaps"),
        (["lag_1", "lag_3", "lag_2"], r"mixed order \(lag_1, lag_3, lag_2\)"),
    ],
)
def test_ambiguous_lag_columns_raise_with_the_opt_out(names, message):
    with pytest.raises(ValueError, match=message) as info:
        lag_layout(names)
    assert "add_prefix" in str(info.value) and "to_numpy" in str(info.value)


def test_explicit_input_lags_reads_leading_columns_without_names():
    class Model:
        input_lags = 2

    assert estimator_layout(Model(), 4) == LagLayout((1, 0), (2, 3))
    Model.input_lags = None
    assert estimator_layout(Model(), 4) is None
    Model.input_lags = 5
    with pytest.raises(ValueError, match="input_lags=5, but X has only 4"):
        estimator_layout(Model(), 4)


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
def test_check_sequences_reorders_a_lag_frame_and_keeps_sklearn_bookkeeping():
    X = pd.DataFrame({"lag_1": [3.0, 4.0], "lag_2": [2.0, 3.0], "exog": [9.0, 8.0]})
    before = X.copy()
    model = LSTMRegressor(**SMALL)
    X3 = check_sequences(model, X, reset=True)
    assert X3.tolist() == [[[2.0, 9.0], [3.0, 9.0]], [[3.0, 8.0], [4.0, 8.0]]]
    assert model.n_features_in_ == 3  # columns, as for any sklearn estimator
    assert list(model.feature_names_in_) == ["lag_1", "lag_2", "exog"]
    pd.testing.assert_frame_equal(X, before)
    # predict-time arrays without names follow the fitted columns (skforecast)
    X3_array = check_sequences(model, X.to_numpy(), reset=False)
    np.testing.assert_array_equal(X3_array, X3)


@pytest.mark.filterwarnings("ignore:X does not have valid feature names")
def test_fit_on_a_lag_frame_equals_fit_on_the_oldest_first_sequences():
    rng = np.random.default_rng(0)
    series, exog = rng.normal(size=40).cumsum(), rng.normal(size=40)
    k = 3
    rows = range(k, len(series))
    frame = pd.DataFrame(
        {f"lag_{lag}": [series[t - lag] for t in rows] for lag in range(1, k + 1)}
    ).assign(exog=[exog[t] for t in rows])
    y = series[k:]
    X3 = np.stack(
        [
            np.column_stack([series[t - k : t], np.full(k, exog[t])])
            for t in range(k, len(series))
        ]
    )
    from_frame = LSTMRegressor(**SMALL).fit(frame, y)
    from_sequences = LSTMRegressor(**SMALL).fit(X3, y)
    np.testing.assert_allclose(from_frame.x_mean_, from_sequences.x_mean_)
    np.testing.assert_array_equal(
        from_frame.predict(frame.to_numpy()), from_sequences.predict(X3)
    )
    assert features_per_step(from_frame) == 2
    # opting out by renaming: the same columns are read as 4 plain timesteps
    plain = LSTMRegressor(**SMALL).fit(frame.add_prefix("x_"), y)
    assert plain.x_mean_.shape == (1,)


def test_a_lag_frame_with_gaps_is_refused_at_fit():
    X = pd.DataFrame({"lag_1": [1.0, 2.0], "lag_3": [0.0, 1.0]})
    with pytest.raises(ValueError, match="without gaps"):
        LSTMRegressor(**SMALL).fit(X, [1.0, 2.0])


def _lag_model_with_exog():
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(60, 4)), columns=["lag_1", "lag_2", "lag_3", "t"])
    model = LSTMRegressor(hidden_size=4, max_epochs=2, random_state=0)
    return model.fit(X, X["lag_1"] + 0.1), X


def test_a_lag_model_with_exogenous_columns_saves_and_loads(tmp_path):
    model, X = _lag_model_with_exog()
    assert model.net_.module_.rnn.input_size == 2  # the lags and "t" per step
    sklstm.save_model(model, tmp_path / "lags.sklstm")
    loaded = sklstm.load_model(tmp_path / "lags.sklstm")
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_export_onnx_refuses_a_lag_matrix_model(tmp_path):
    model, _ = _lag_model_with_exog()
    with pytest.raises(NotImplementedError, match="lag matrix.*input_lags=None"):
        sklstm.export_onnx(model, tmp_path / "lags.onnx")
    assert not (tmp_path / "lags.onnx").exists()
