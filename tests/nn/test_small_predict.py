"""A few windows predicted on Python floats (sklstm.nn._small_predict) and the
module's direct inference path (SequenceRegressorModule._infer): both must
give exactly the block path's numbers, warnings included."""

import warnings

import numpy as np
import pytest
import torch
from _settings import tiny

from sklstm import ExtrapolationWarning, LSTMRegressor
from sklstm.estimators import _predictor
from sklstm.nn._small_predict import forward_small


def series_windows(n_features=1, n=60, steps=4):
    rng = np.random.default_rng(0)
    t = np.arange(n + steps, dtype=float)
    values = np.column_stack(
        [50 + 0.5 * t + np.sin(t)]
        + [rng.normal(size=len(t)) for _ in range(1, n_features)]
    )
    X = np.stack([values[i : i + steps] for i in range(n)])
    return X, values[steps : steps + n, 0]


CONFIGS = {
    "lstm delta": dict(target_mode="delta"),
    "lstm level": dict(target_mode="level"),
    "gru": dict(cell="gru"),
    "two layers, bidirectional": dict(num_layers=2, bidirectional=True),
    "dense head, dropout": dict(head_size=8, dropout=0.2),
    "no linear path": dict(linear_path=False),
    "covariates": dict(n_features=3),
    "quantiles": dict(loss="quantile", quantiles=[0.1, 0.5, 0.9]),
}


def small_forward(predictor, X3, n_threads):
    """forward_small with the predictor's module and inputs, as predict runs it."""
    return forward_small(
        predictor.net.module_,
        predictor.small_inputs(),
        X3,
        n_threads,
        device=predictor.device,
        precision=predictor.precision,
        warn=predictor._warn_inputs_outside,
    )


def fitted(config):
    config = dict(config)
    X, y = series_windows(config.pop("n_features", 1))
    return LSTMRegressor(**tiny(**config)).fit(X, y), X


def block_path(model, X3, monkeypatch, **kwargs):
    with monkeypatch.context() as m:
        m.setattr(_predictor, "SMALL_INPUT_VALUES", 0)
        return model._predictor.forward(X3, n_threads=None, **kwargs)


@pytest.mark.parametrize("name", CONFIGS)
def test_the_small_path_reads_and_computes_exactly_what_the_block_path_does(
    name, monkeypatch
):
    model, X = fitted(CONFIGS[name])
    for X3 in (X[-1:], X[-3:] + 7.25):  # one window, and shifted ones
        small = small_forward(model._predictor, X3, None)
        assert small is not None
        expected = block_path(model, X3, monkeypatch, quantiles=True)
        assert small.dtype == np.float32
        np.testing.assert_array_equal(small, expected)
    # predict (through the small path) equals predict through blocks.
    fast = model.predict(X[-2:])
    monkeypatch.setattr(_predictor, "SMALL_INPUT_VALUES", 0)
    np.testing.assert_array_equal(fast, model.predict(X[-2:]))


@pytest.mark.parametrize("name", CONFIGS)
def test_the_direct_inference_path_equals_the_module_s_general_forward(name):
    model, X = fitted(CONFIGS[name])
    module = model.net_.module_
    module.eval()
    x = torch.from_numpy(np.random.default_rng(1).normal(size=(9, 4, X.shape[2])))
    x = x.float()
    with torch.inference_mode():
        general = module(x, has_missing_steps=True)  # tests, finds none
        direct = module(x, has_missing_steps=False)
    assert torch.equal(general, direct)


def test_leading_padding_and_large_inputs_take_the_block_path(monkeypatch):
    model, X = fitted({})
    padded = X[-1:].copy()
    padded[0, 0, 0] = np.nan
    assert small_forward(model._predictor, padded, None) is None
    assert np.isfinite(model.predict(padded)).all()
    assert small_forward(model._predictor, X[:20], None) is None  # 80 values


def test_a_small_input_outside_the_training_range_warns_as_before(monkeypatch):
    model, X = fitted(dict(target_mode="level"))
    far = X[-1:] * 100
    with pytest.warns(ExtrapolationWarning, match="feature\\(s\\) 0") as fast:
        model.predict(far)
    monkeypatch.setattr(_predictor, "SMALL_INPUT_VALUES", 0)
    with pytest.warns(ExtrapolationWarning, match="feature\\(s\\) 0") as blocks:
        model.predict(far)
    assert [str(w.message) for w in fast] == [str(w.message) for w in blocks]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ExtrapolationWarning)
        model.predict(X[-1:])  # inside: silent on both paths


def test_forward_hooks_still_fire_on_one_window():
    model, X = fitted({})
    seen = []
    hook = model.net_.module_.rnn.register_forward_hook(
        lambda module, inputs, output: seen.append(inputs[0].shape)
    )
    expected = model.predict(X[-1:])
    hook.remove()
    assert seen == [torch.Size([1, 4, 1])]
    np.testing.assert_array_equal(model.predict(X[-1:]), expected)
    global_hook = torch.nn.modules.module.register_module_forward_hook(
        lambda module, inputs, output: seen.append(type(module).__name__)
    )
    try:
        model.predict(X[-1:])
    finally:
        global_hook.remove()
    assert "LSTM" in seen
    # A hook on the module itself: the small path calls it as the block
    # path does.
    module_hook = model.net_.module_.register_forward_hook(
        lambda module, inputs, output: seen.append("module")
    )
    model.predict(X[-1:])
    module_hook.remove()
    assert seen[-1] == "module"


@pytest.mark.parametrize("target_mode", ["delta", "level"])
@pytest.mark.parametrize("n_outputs", [1, 2])
def test_one_pass_predict_equals_the_block_path_warnings_included(
    target_mode, n_outputs, monkeypatch
):
    # predict runs a few windows through Predictor.predict_small (scaling,
    # network, unscaling on one X3.tolist()); the block path must agree bit
    # for bit, with the same warnings, attributed to predict's caller.
    X, y = series_windows(n_features=2)
    Y = np.column_stack([y, y + 3.0])[:, :n_outputs]
    model = LSTMRegressor(**tiny(target_mode=target_mode)).fit(X, Y)
    cases = [X[-1:], X[-3:] + 0.5, X[-2:] * 50.0]  # the last: far outside
    small = []
    for X3 in cases:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            assert model._predictor.predict_small(X3, n_threads=None) is not None
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            small.append((model.predict(X3), seen))
    monkeypatch.setattr(_predictor, "SMALL_INPUT_VALUES", 0)
    for X3, (fast, fast_seen) in zip(cases, small, strict=True):
        assert model._predictor.predict_small(X3, n_threads=None) is None
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            expected = model.predict(X3)
        assert fast.dtype == expected.dtype and fast.shape == expected.shape
        np.testing.assert_array_equal(fast, expected)
        assert [(w.category, str(w.message), w.filename) for w in fast_seen] == [
            (w.category, str(w.message), w.filename) for w in seen
        ]
        assert all(w.filename == __file__ for w in seen)
    assert small[-1][1]  # the far windows did warn


def test_one_pass_predict_under_the_caller_s_inference_mode_and_dtype():
    model, X = fitted({})
    expected = model.predict(X[-5:])
    from sklstm.nn import _small_predict

    _small_predict._ZERO_STATES.clear()
    default = torch.get_default_dtype()
    try:
        torch.set_default_dtype(torch.float64)
        with torch.inference_mode():
            np.testing.assert_array_equal(model.predict(X[-5:]), expected)
    finally:
        torch.set_default_dtype(default)
    (state,) = _small_predict._ZERO_STATES.values()
    assert state.dtype == torch.float32 and not state.any()
    np.testing.assert_array_equal(model.predict(X[-5:]), expected)
