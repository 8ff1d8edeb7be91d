"""Tests of ``LSTMRegressor``: the sklearn contract, options and predictions.

Bad input is in test_bad_input.py and the training loop (batches, callbacks,
interrupts, divergence, early stopping, warm start) in test_training.py, target
modes and the output-range warning in test_target_mode.py.
"""

import math
import pickle
import random
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from _settings import TINY, params_of, tiny
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import Callback

from sklstm import (
    ExtrapolationWarning,
    LSTMRegressor,
    SlidingWindowTransformer,
    frame_windows,
)

# even_data and multi_data are shared with test_training.py (conftest.py).


# -------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def even_model(even_data):
    """The README task with default hyperparameters."""
    X, y = even_data
    return LSTMRegressor(random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def multi_model(multi_data):
    X, y = multi_data
    return LSTMRegressor(hidden_size=6, max_epochs=3, random_state=0).fit(X, y)


# ---------------------------------------------------------------- shapes


def test_predict_shape_3d_x_1d_y(multi_model, multi_data):
    X, _ = multi_data
    pred = multi_model.predict(X)
    assert isinstance(pred, np.ndarray)
    assert pred.shape == (len(X),)
    assert pred.dtype.kind == "f"
    assert np.isfinite(pred).all()
    assert multi_model.n_features_in_ == 2
    assert multi_model.n_outputs_ == 1


def test_predict_shape_multi_output():
    X, y = frame_windows(np.arange(0.0, 40.0), 4, horizon=3)
    assert y.shape == (34, 3)
    model = LSTMRegressor(**TINY).fit(X, y)
    pred = model.predict(X)
    assert pred.shape == (34, 3)
    assert pred.dtype.kind == "f"
    assert model.n_outputs_ == 3


def test_predict_shape_column_y_stays_2d(multi_data):
    X, y = multi_data
    pred = LSTMRegressor(**TINY).fit(X, y[:, None]).predict(X)
    assert pred.shape == (len(X), 1)


def test_2d_x_is_univariate_sequences(even_data):
    X, y = even_data
    X2 = np.array(X[:, :, 0])
    model = LSTMRegressor(**TINY).fit(X2, y)
    assert model.n_features_in_ == 3  # columns, as for any sklearn estimator
    assert model.target_mode_ == "delta"
    pred = model.predict(X2)
    assert pred.shape == (len(X2),)
    # The same data as 3-D with one feature gives the same model.
    pred3 = LSTMRegressor(**TINY).fit(np.array(X), y).predict(np.array(X))
    np.testing.assert_allclose(pred, pred3, rtol=1e-6)
    with pytest.raises(ValueError, match="3 features"):
        model.predict(X2[:, :2])
    with pytest.raises(ValueError, match="2-D"):
        model.predict(np.array(X))


def test_dataframe_feature_names(even_data):
    X, y = even_data
    frame = pd.DataFrame(np.array(X[:, :, 0]), columns=["t-2", "t-1", "t"])
    model = LSTMRegressor(**TINY).fit(frame, y)
    assert list(model.feature_names_in_) == ["t-2", "t-1", "t"]
    with pytest.warns(UserWarning, match="feature names"):
        from_array = model.predict(frame.values)
    np.testing.assert_array_equal(model.predict(frame), from_array)
    renamed = frame.rename(columns={"t": "now"})
    with pytest.raises(ValueError, match="feature names"):
        model.predict(renamed)


# ----------------------------------------------------------- determinism


def test_repeat_fits_are_bit_identical(multi_data):
    X, y = multi_data
    params = dict(hidden_size=6, num_layers=2, dropout=0.2, max_epochs=3, batch_size=8)
    first = LSTMRegressor(random_state=3, **params).fit(X, y)
    second = LSTMRegressor(random_state=3, **params).fit(X, y)
    assert np.array_equal(first.predict(X), second.predict(X))
    assert first.loss_curve_ == second.loss_curve_
    a, b = params_of(first), params_of(second)
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key


def test_different_seeds_differ(multi_data):
    X, y = multi_data
    params = dict(hidden_size=6, max_epochs=3, target_mode="level")
    first = LSTMRegressor(random_state=0, **params).fit(X, y)
    second = LSTMRegressor(random_state=1, **params).fit(X, y)
    assert not np.allclose(first.predict(X), second.predict(X))
    a, b = params_of(first), params_of(second)
    assert not torch.equal(a["rnn.weight_ih_l0"], b["rnn.weight_ih_l0"])


def test_fit_leaves_global_random_state_untouched(multi_data):
    X, y = multi_data
    threads = torch.get_num_threads()
    np_state = np.random.get_state()  # noqa: NPY002 (the legacy global RNG)
    py_state = random.getstate()
    torch_state = torch.get_rng_state()
    model = LSTMRegressor(num_layers=2, dropout=0.3, **TINY)
    model.fit(X, y)
    model.predict(X)
    model.partial_fit(X, y)
    after = np.random.get_state()  # noqa: NPY002
    assert after[0] == np_state[0]
    np.testing.assert_array_equal(after[1], np_state[1])
    assert after[2:] == np_state[2:]
    assert random.getstate() == py_state
    assert torch.equal(torch.get_rng_state(), torch_state)
    assert torch.get_num_threads() == threads


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_fit_leaves_cuda_random_state_untouched(multi_data):
    X, y = multi_data
    torch.cuda.manual_seed_all(123)
    state = torch.cuda.get_rng_state()
    LSTMRegressor(device="cuda", **TINY).fit(X, y)
    assert torch.equal(torch.cuda.get_rng_state(), state)


# ------------------------------------------------------ clone and pickle


def test_clone_keeps_every_parameter():
    class Marker(Callback):
        pass

    params = dict(
        hidden_size=7,
        num_layers=2,
        cell="gru",
        bidirectional=True,
        dropout=0.25,
        activation="relu",
        head_size=5,
        target_mode="level",
        target_feature=1,
        linear_path=False,
        seasonal_period=4,
        window_scaling="mean",
        input_lags=3,
        precision="bf16-mixed",
        scale=False,
        min_observed_steps=2,
        loss="huber",
        quantiles=(0.2, 0.8),
        n_ensemble=3,
        optimizer=torch.optim.SGD,
        lr=0.05,
        weight_decay=0.01,
        lr_schedule="cosine",
        clip_grad_norm=2.0,
        max_epochs=17,
        batch_size=9,
        shuffle=False,
        early_stopping=True,
        validation_fraction=0.3,
        n_iter_no_change=4,
        tol=0.01,
        random_state=42,
        warm_start=True,
        verbose=2,
        device="auto",
        callbacks=[Marker()],
        n_threads=1,
    )
    model = LSTMRegressor(**params)
    defaults = LSTMRegressor().get_params()
    assert set(params) == set(defaults), "test must set every parameter"
    for name, value in params.items():
        if name != "callbacks":
            assert value != defaults[name], name
    cloned = clone(model).get_params()
    callbacks = cloned.pop("callbacks")
    assert len(callbacks) == 1 and isinstance(callbacks[0], Marker)
    expected = dict(params)
    expected.pop("callbacks")
    assert cloned == expected


def test_clone_of_fitted_model_is_unfitted(multi_model, multi_data):
    cloned = clone(multi_model)
    assert cloned.get_params() == multi_model.get_params()
    assert not hasattr(cloned, "net_")
    with pytest.raises(NotFittedError):
        cloned.predict(multi_data[0])
    check_is_fitted(multi_model)


def test_pickle_round_trip(even_model, even_data):
    X, _ = even_data
    restored = pickle.loads(pickle.dumps(even_model))
    assert np.array_equal(restored.predict(X), even_model.predict(X))
    assert restored.target_mode_ == even_model.target_mode_
    assert restored.n_iter_ == even_model.n_iter_


# -------------------------------------------------------------- learning


def test_even_numbers_next_value(even_model):
    pred = even_model.predict(np.array([[[196.0], [198.0], [200.0]]]))
    assert pred.shape == (1,)
    assert round(float(pred[0])) == 202


@pytest.mark.parametrize(
    "start, stop, step, decimals",
    [(300.0, 0.0, -3.0, 0), (0.0, 700.0, 7.0, 0), (0.0, 25.0, 0.25, 2)],
    ids=["falling", "step7", "step0.25"],
)
def test_arithmetic_sequences_next_value(start, stop, step, decimals):
    series = np.arange(start, stop, step)
    X, y = frame_windows(series, 3)
    model = LSTMRegressor(random_state=0).fit(X, y)
    last = series[-3:].reshape(1, 3, 1)
    pred = model.predict(last)[0]
    assert round(float(pred), decimals) == round(series[-1] + step, decimals)
    # And a window far beyond the training range (delta mode extrapolates).
    far = (last + 100 * step).astype(np.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ExtrapolationWarning)
        pred_far = model.predict(far)[0]
    assert round(float(pred_far), decimals) == round(far[0, -1, 0] + step, decimals)


def test_score_is_r2(even_model, even_data):
    X, y = even_data
    score = even_model.score(X, y)
    assert isinstance(score, float)
    assert score > 0.999
    pred = even_model.predict(X)
    expected = 1 - ((y - pred) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert score == pytest.approx(expected)


def test_level_mode_learns():
    rng = np.random.default_rng(0)
    X = rng.uniform(-1, 1, size=(60, 3, 2))
    y = X[:, -1, 0] + X[:, -2, 1]
    model = LSTMRegressor(
        hidden_size=8, max_epochs=40, lr=0.02, batch_size=16, random_state=0
    ).fit(X, y)
    assert model.target_mode_ == "level"
    assert model.loss_curve_[-1] < 0.3 * model.loss_curve_[0]
    assert model.score(X, y) > 0.7


# ------------------------------------------------------------ NaN padding


@pytest.fixture(scope="module")
def padded_model():
    series = np.sin(np.arange(30.0) / 3)
    X = SlidingWindowTransformer(window_length=5).fit_transform(series)[:-1]
    y = series[1:]
    assert np.isnan(X[0, :4]).all()
    # Sequences of other lengths are compared: no linear path, which fixes it.
    model = LSTMRegressor(
        hidden_size=5, max_epochs=5, lr=0.01, random_state=0, linear_path=False
    )
    return model.fit(X, y), X, y


def test_leading_nan_rows_accepted(padded_model):
    model, X, _ = padded_model
    pred = model.predict(X)
    assert pred.shape == (len(X),)
    assert np.isfinite(pred).all()
    assert model.n_samples_skipped_ == 0


def test_leading_nan_equals_shorter_sequence(padded_model):
    model, X, _ = padded_model
    # Row 2 has three observed steps: it predicts like the 3-step sequence,
    # and not like the 2-step one.
    short = np.array(X[2:3, 2:])
    assert not np.isnan(short).any()
    padded = model.predict(X[2:3])
    np.testing.assert_allclose(padded, model.predict(short), rtol=1e-5, atol=1e-5)
    assert abs(padded[0] - model.predict(short[:, 1:])[0]) > 1e-4


def test_padding_at_predict_is_handled_when_fit_had_none(padded_model):
    _, X, y = padded_model
    # Fitted without any padded row: the training steps skip the NaN test,
    # but predict still scans its own input.
    model = LSTMRegressor(
        hidden_size=5, max_epochs=2, lr=0.01, random_state=0, linear_path=False
    )
    model.fit(X[4:], y[4:])
    short = np.array(X[2:3, 2:])
    np.testing.assert_allclose(
        model.predict(X[2:3]), model.predict(short), rtol=1e-5, atol=1e-5
    )
    # An unpadded row predicts the same alone and next to padded rows.
    np.testing.assert_allclose(
        model.predict(X[:6])[5], model.predict(X[5:6])[0], rtol=1e-5, atol=1e-6
    )


# ---------------------------------------------------- min_observed_steps


def test_min_observed_steps_skips_short_rows():
    series = np.cos(np.arange(40.0) / 4)
    X = SlidingWindowTransformer(window_length=5).fit_transform(series)
    y = series * 3
    params = tiny(max_epochs=3)
    model = LSTMRegressor(min_observed_steps=3, **params).fit(X, y)
    assert model.n_samples_skipped_ == 2  # rows with 1 and 2 observed steps
    assert LSTMRegressor(**params).fit(X, y).n_samples_skipped_ == 0
    # The skipped rows take no part in training: their targets do not matter.
    y_changed = y.copy()
    y_changed[:2] = 1e6
    other = LSTMRegressor(min_observed_steps=3, **params).fit(X, y_changed)
    assert np.array_equal(model.predict(X), other.predict(X))
    # Skipped rows can still be predicted.
    assert np.isfinite(model.predict(X[:2])).all()


# --------------------------------------------------------- sample_weight


def test_unit_and_scaled_sample_weights_match_unweighted(multi_data):
    X, y = multi_data
    params = dict(hidden_size=6, max_epochs=3, batch_size=8, random_state=0)
    plain = LSTMRegressor(**params).fit(X, y).predict(X)
    ones = LSTMRegressor(**params).fit(X, y, sample_weight=np.ones(len(X)))
    twos = LSTMRegressor(**params).fit(X, y, sample_weight=np.full(len(X), 2.0))
    np.testing.assert_allclose(ones.predict(X), plain, rtol=1e-5, atol=1e-6)
    # Multiplying every weight by 2 is exact in floating point.
    assert np.array_equal(ones.predict(X), twos.predict(X))


def test_sample_weight_pulls_toward_weighted_targets():
    # Identical inputs, two conflicting targets: the weights decide.
    rng = np.random.default_rng(0)
    X = np.repeat(rng.normal(size=(1, 4, 1)), 40, axis=0)
    y = np.r_[np.zeros(20), np.full(20, 10.0)]
    first_half = np.r_[np.ones(20), np.zeros(20)]
    params = tiny(max_epochs=30, lr=0.01, target_mode="level")
    low = LSTMRegressor(**params).fit(X, y, sample_weight=first_half)
    high = LSTMRegressor(**params).fit(X, y, sample_weight=1 - first_half)
    plain = LSTMRegressor(**params).fit(X, y)
    p_low, p_high, p_plain = (m.predict(X[:1])[0] for m in (low, high, plain))
    assert p_low < 1.0
    assert p_high > 9.0
    assert abs(p_plain - 5.0) < 1.0


# --------------------------------------------------------------- options


class OptionsCase:
    def __init__(self, params, check=None):
        self.params = params
        self.check = check


def _module_check(attribute, expected_type):
    def check(model):
        assert isinstance(getattr(model.net_.module_, attribute), expected_type)

    return check


def _optimizer_check(expected_type):
    def check(model):
        assert type(model.net_.optimizer_) is expected_type

    return check


OPTIONS = {
    "gru": OptionsCase(dict(cell="gru"), _module_check("rnn", torch.nn.GRU)),
    "two-layers-dropout": OptionsCase(
        dict(num_layers=2, dropout=0.3),
        lambda m: m.net_.module_.rnn.num_layers == 2 and m.net_.module_.rnn.dropout,
    ),
    "bidirectional": OptionsCase(
        dict(bidirectional=True), lambda m: m.net_.module_.rnn.bidirectional
    ),
    "head": OptionsCase(
        dict(head_size=8),
        lambda m: any(
            isinstance(layer, torch.nn.Linear) and layer.out_features == 8
            for layer in m.net_.module_.head
        ),
    ),
    "relu": OptionsCase(dict(activation="relu"), lambda m: not m.net_.module_.fused),
    "mae": OptionsCase(dict(loss="mae"), lambda m: m.net_.criterion_.kind == "mae"),
    "huber": OptionsCase(
        dict(loss="huber"), lambda m: m.net_.criterion_.kind == "huber"
    ),
    "sgd": OptionsCase(dict(optimizer="sgd"), _optimizer_check(torch.optim.SGD)),
    "adamw": OptionsCase(dict(optimizer="adamw"), _optimizer_check(torch.optim.AdamW)),
    "rmsprop": OptionsCase(
        dict(optimizer="rmsprop"), _optimizer_check(torch.optim.RMSprop)
    ),
    "torch-class": OptionsCase(
        dict(optimizer=torch.optim.Adam), _optimizer_check(torch.optim.Adam)
    ),
    "plateau": OptionsCase(
        dict(lr_schedule="plateau"),
        lambda m: "lr_schedule" in dict(m.net_.callbacks_),
    ),
    "cosine": OptionsCase(
        # Cosine annealing over max_epochs ends at a learning rate of ~0.
        dict(lr_schedule="cosine"),
        lambda m: m.net_.optimizer_.param_groups[0]["lr"] < 1e-6,
    ),
    "clip": OptionsCase(
        dict(clip_grad_norm=1.0), lambda m: "clip_grad_norm" in dict(m.net_.callbacks_)
    ),
    "weight-decay": OptionsCase(
        dict(weight_decay=0.01),
        lambda m: m.net_.optimizer_.param_groups[0]["weight_decay"] == 0.01,
    ),
    "no-scale": OptionsCase(
        dict(scale=False), lambda m: np.all(m.x_scale_ == 1) and np.all(m.y_mean_ == 0)
    ),
    "no-shuffle": OptionsCase(dict(shuffle=False, batch_size=7)),
}


@pytest.mark.parametrize("name", list(OPTIONS))
def test_options_fit_and_predict(name, multi_data):
    X, y = multi_data
    case = OPTIONS[name]
    params = tiny(max_epochs=3, lr=0.01, **case.params)
    model = LSTMRegressor(**params).fit(X, y)
    pred = model.predict(X)
    assert pred.shape == (len(X),)
    assert np.isfinite(pred).all()
    assert model.n_iter_ == 3
    assert all(math.isfinite(v) for v in model.loss_curve_)
    if case.check is not None:
        assert case.check(model) is not False


# ------------------------------------------------------- numpy scalars


NUMPY_SCALARS = dict(
    hidden_size=np.int64(4),
    num_layers=np.int32(2),
    batch_size=np.int32(8),
    max_epochs=np.int64(2),
    head_size=np.int32(3),
    n_threads=np.int64(1),
    n_iter_no_change=np.int32(2),
    lr=np.float32(0.01),
    dropout=np.float32(0.25),
    tol=np.float32(1e-3),
    validation_fraction=np.float32(0.25),
    early_stopping=np.bool_(True),
    random_state=np.int64(0),
)


def test_numpy_scalars_are_accepted_as_python_numbers(multi_data):
    X, y = multi_data
    model = LSTMRegressor(**NUMPY_SCALARS).fit(X, y)
    # The parameters stay as set; the network got Python numbers.
    assert model.get_params()["hidden_size"] is NUMPY_SCALARS["hidden_size"]
    python = {key: value.item() for key, value in NUMPY_SCALARS.items()}
    reference = LSTMRegressor(**python).fit(X, y)
    np.testing.assert_array_equal(model.predict(X), reference.predict(X))
    assert model.n_iter_ == reference.n_iter_
    model.partial_fit(X, y)  # a warm call casts too
    assert model.n_iter_ == reference.n_iter_ + 1


def test_grid_search_over_a_numpy_range(multi_data):
    from sklearn.model_selection import GridSearchCV

    X, y = multi_data
    search = GridSearchCV(
        LSTMRegressor(**TINY), {"hidden_size": np.arange(3, 6, 2)}, cv=2
    ).fit(X, y)
    assert search.best_params_["hidden_size"] in (3, 5)


# ------------------------------------------------------ axes and devices


def test_one_step_with_many_features_hints_at_swapped_axes():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 8, 1))
    y = rng.normal(size=20)
    with pytest.warns(UserWarning, match=r"X.transpose\(0, 2, 1\)") as record:
        LSTMRegressor(**TINY).fit(X.transpose(0, 2, 1), y)
    assert record[0].filename == __file__
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        # Two epochs never converge: that warning is not the one tested here.
        warnings.simplefilter("ignore", ConvergenceWarning)
        LSTMRegressor(**TINY).fit(X, y)  # (n, 8, 1): fine
        LSTMRegressor(**TINY).fit(X[:, :7].transpose(0, 2, 1), y)  # 7 features
        LSTMRegressor(**TINY).fit(X[:, :1, 0], y)  # 2-D, one step


def test_device_strings_with_an_index_are_valid_parameters():
    from sklstm.estimators._base import _DeviceOptions

    constraint = LSTMRegressor._parameter_constraints["device"][0]
    assert isinstance(constraint, _DeviceOptions)
    for device in ("cpu", "cuda", "auto", "cuda:0", "cuda:12"):
        assert constraint.is_satisfied_by(device)
    for device in ("gpu", "cuda:", "cuda:-1", "cuda:0:1", "CPU", 0):
        assert not constraint.is_satisfied_by(device)


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_fit_on_an_indexed_cuda_device(multi_data):
    X, y = multi_data
    model = LSTMRegressor(device="cuda:0", **tiny(dropout=0.2, num_layers=2))
    model.fit(X, y)
    assert model.device_ == "cuda:0"
    assert next(model.net_.module_.parameters()).device.type == "cuda"
    again = LSTMRegressor(device="cuda:0", **tiny(dropout=0.2, num_layers=2))
    np.testing.assert_array_equal(again.fit(X, y).predict(X), model.predict(X))
