"""precision="bf16-mixed": autocast forward, float32 weights and loss, refused
without native bf16.
"""

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback

from sklstm import LSTMRegressor
from sklstm.nn import _precision


def PrecisionRegressor(**params):
    """A small recurrent-only LSTMRegressor (the linear path would start at
    least squares and leave the loss curves nearly flat)."""
    defaults = dict(hidden_size=4, max_epochs=3, lr=0.01, random_state=0)
    return LSTMRegressor(**{**defaults, "linear_path": False, **params})


bf16_cpu = pytest.mark.skipif(
    not _precision.bf16_supported("cpu"),
    reason="this CPU has no native bf16 (AVX512-BF16 or AMX)",
)


@bf16_cpu
def test_bf16_mixed_trains_float32_weights_close_to_float32(multi_data):
    X, y = multi_data
    exact = PrecisionRegressor().fit(X, y)
    mixed = PrecisionRegressor(precision="bf16-mixed").fit(X, y)
    assert mixed.net_.precision == "bf16-mixed"
    weights = mixed.net_.module_.state_dict().values()
    assert all(w.dtype == torch.float32 for w in weights)  # master weights
    state = mixed.net_.optimizer_.state_dict()["state"].values()
    assert all(s["exp_avg"].dtype == torch.float32 for s in state)
    # The same training, rounded differently: close, not equal.
    np.testing.assert_allclose(mixed.loss_curve_, exact.loss_curve_, rtol=0.05)
    assert mixed.loss_curve_ != exact.loss_curve_


@bf16_cpu
def test_bf16_mixed_computes_the_forward_in_bfloat16_and_the_loss_in_float32(
    multi_data,
):
    X, y = multi_data
    seen = {}

    class Spy(Callback):
        def on_batch_end(self, net, y_pred=None, loss=None, **kwargs):
            seen["y_pred"], seen["loss"] = y_pred.dtype, loss.dtype

    model = PrecisionRegressor(precision="bf16-mixed", max_epochs=1)
    model.callbacks = [Spy()]
    model.fit(X, y)
    assert seen == {"y_pred": torch.float32, "loss": torch.float32}
    with _precision.autocast("cpu", "bf16-mixed"):
        out, _ = model.net_.module_.rnn(torch.zeros(1, 2, 2))
    assert out.dtype == torch.bfloat16


def test_bf16_mixed_is_refused_where_the_hardware_lacks_it(monkeypatch, multi_data):
    X, y = multi_data
    monkeypatch.setitem(_precision._BF16_SUPPORT, "cpu", False)
    model = PrecisionRegressor(precision="bf16-mixed")
    with pytest.raises(ValueError, match=r"precision='bf16-mixed' needs native") as e:
        model.fit(X, y)
    assert "Use precision='float32'" in str(e.value)
    assert not hasattr(model, "net_")
    PrecisionRegressor().fit(X, y)  # float32 needs nothing


def test_precision_names_are_validated(multi_data):
    X, y = multi_data
    with pytest.raises(ValueError, match="'precision' parameter"):
        PrecisionRegressor(precision="bf16").fit(X, y)


def test_avx512_without_bf16_instructions_counts_as_no_bf16(monkeypatch):
    monkeypatch.setattr(_precision, "_BF16_SUPPORT", {})
    monkeypatch.setattr(_precision, "_linux_cpu_flags", lambda: {"avx512f", "avx2"})
    monkeypatch.setattr(torch.ops.mkldnn, "_is_mkldnn_bf16_supported", lambda: True)
    assert not _precision.bf16_supported("cpu")
    monkeypatch.setattr(_precision, "_BF16_SUPPORT", {})
    monkeypatch.setattr(_precision, "_linux_cpu_flags", lambda: {"avx512f", "amx_bf16"})
    assert _precision.bf16_supported("cpu")


def test_predict_runs_the_forward_in_the_fitted_precision(monkeypatch, multi_data):
    # Emulated bf16 runs on any CPU (slowly), so this test needs no native
    # support: it checks where autocast applies, not how fast it is.
    monkeypatch.setitem(_precision._BF16_SUPPORT, "cpu", True)
    X, y = multi_data
    model = PrecisionRegressor(precision="bf16-mixed", max_epochs=1).fit(X, y)
    seen = []
    hook = model.net_.module_.rnn.register_forward_hook(
        lambda module, inputs, output: seen.append(output[0].dtype)
    )
    mixed = model.predict(X[:8])
    model._predictor.precision = "float32"
    full = model.predict(X[:8])
    hook.remove()
    assert seen == [torch.bfloat16, torch.float32]
    assert mixed.dtype == full.dtype == np.float64
    # bfloat16 keeps 8 bits of mantissa: close to, not equal to, float32.
    np.testing.assert_allclose(mixed, full, rtol=0.05, atol=0.05 * np.abs(full).max())
    assert not np.array_equal(mixed, full)
