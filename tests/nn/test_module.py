"""Tests of the pure torch module ``SequenceRegressorModule``."""

import pytest
import torch

from sklstm.nn._module import SequenceRegressorModule

BATCH, STEPS, FEATURES, OUTPUTS = 5, 6, 3, 2

# Every path of ``encode``: the fused cuDNN-style kernels (LSTM and GRU, one or
# two layers, one or two directions) and the unfused ReLU LSTM loop.
CONFIGS = {
    "lstm": dict(cell="lstm"),
    "gru": dict(cell="gru"),
    "lstm-2layers": dict(cell="lstm", num_layers=2),
    "gru-2layers-bidirectional": dict(cell="gru", num_layers=2, bidirectional=True),
    "lstm-bidirectional": dict(cell="lstm", bidirectional=True),
    "lstm-head": dict(cell="lstm", head_size=7),
    "relu": dict(cell="lstm", activation="relu"),
    "relu-2layers-bidirectional": dict(
        cell="lstm", activation="relu", num_layers=2, bidirectional=True
    ),
    # The classifier's summaries and front end: every path again.
    "gru-mean": dict(cell="gru", pooling="mean"),
    "lstm-max-bidirectional": dict(cell="lstm", pooling="max", bidirectional=True),
    "relu-mean": dict(cell="lstm", activation="relu", pooling="mean"),
    "gru-conv-mean": dict(
        cell="gru", pooling="mean", conv_channels=4, conv_kernel=3, conv_stride=2
    ),
    "gru-2layers-conv-last": dict(
        cell="gru", num_layers=2, conv_channels=4, conv_kernel=2, conv_stride=2
    ),
}


@pytest.fixture(autouse=True, scope="module")
def one_torch_thread():
    """Tiny tensors: one intra-op thread avoids thread start-up noise."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def make_module(seed=0, **params):
    """A small module whose output layer is random (not zero) so outputs differ."""
    torch.manual_seed(seed)
    params = dict(
        dict(
            input_size=FEATURES,
            output_size=OUTPUTS,
            hidden_size=5,
            zero_init_head=False,
        ),
        **params,
    )
    module = SequenceRegressorModule(**params)
    return module.eval()


def random_batch(seed=1, batch=BATCH, steps=STEPS):
    generator = torch.Generator().manual_seed(seed)
    return torch.randn(batch, steps, FEATURES, generator=generator)


def with_leading_nan(x, n_missing):
    x = x.clone()
    x[:, :n_missing] = float("nan")
    return x


@pytest.mark.parametrize("name", list(CONFIGS))
def test_output_shape(name):
    module = make_module(**CONFIGS[name])
    out = module(random_batch())
    assert out.shape == (BATCH, OUTPUTS)
    assert out.dtype == torch.float32
    assert torch.isfinite(out).all()


@pytest.mark.parametrize("name", list(CONFIGS))
def test_encode_shape_counts_directions(name):
    params = CONFIGS[name]
    module = make_module(**params)
    directions = 2 if params.get("bidirectional") else 1
    assert module.encode(random_batch()).shape == (BATCH, 5 * directions)


def test_single_output_and_single_step():
    module = make_module(output_size=1)
    out = module(random_batch(steps=1))
    assert out.shape == (BATCH, 1)


def test_relu_activation_is_unbounded_and_gru_rejects_it():
    # The ReLU cell state is not squashed by tanh: scaling a positive input
    # far up makes the hidden state grow past 1, which tanh cannot.
    module = make_module(activation="relu")
    x = random_batch().abs() * 1000
    assert module.encode(x).abs().max() > 1.0
    fused = make_module()
    assert fused.encode(x).abs().max() <= 1.0
    with pytest.raises(ValueError, match="relu"):
        SequenceRegressorModule(FEATURES, OUTPUTS, cell="gru", activation="relu")


@pytest.mark.parametrize("name", list(CONFIGS))
@pytest.mark.parametrize("n_missing", [1, 3, STEPS - 1])
def test_leading_nan_equals_observed_suffix(name, n_missing):
    module = make_module(**CONFIGS[name])
    x = random_batch()
    padded = with_leading_nan(x, n_missing)
    with torch.no_grad():
        got = module(padded)
        expected = module(x[:, n_missing:])
    assert torch.isfinite(got).all()
    torch.testing.assert_close(got, expected, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", list(CONFIGS))
def test_leading_nan_differs_from_zero_filled_history(name):
    # Skipping the missing steps is not the same as feeding zeros: the module
    # really shortens the sequence (guards against a silent nan_to_num only).
    module = make_module(**CONFIGS[name])
    x = random_batch()
    padded = with_leading_nan(x, 2)
    zeros = x.clone()
    zeros[:, :2] = 0.0
    with torch.no_grad():
        assert not torch.allclose(module(padded), module(zeros), atol=1e-4)


@pytest.mark.parametrize("name", list(CONFIGS))
def test_mixed_batch_rows_match_rows_alone(name):
    module = make_module(**CONFIGS[name])
    x = random_batch()
    mixed = x.clone()
    n_missing = [0, 2, STEPS - 1, 0, 4]
    for row, k in enumerate(n_missing):
        mixed[row, :k] = float("nan")
    with torch.no_grad():
        together = module(mixed)
        for row, k in enumerate(n_missing):
            alone = module(x[row : row + 1, k:])
            torch.testing.assert_close(
                together[row : row + 1], alone, rtol=1e-5, atol=1e-5
            )


@pytest.mark.parametrize("name", list(CONFIGS))
def test_batch_order_does_not_matter(name):
    # pack_padded_sequence(enforce_sorted=False) reorders rows internally; the
    # output must come back in the caller's row order.
    module = make_module(**CONFIGS[name])
    x = random_batch()
    for row, k in enumerate([3, 0, 5, 1, 2]):
        x[row, :k] = float("nan")
    perm = torch.tensor([4, 2, 0, 3, 1])
    with torch.no_grad():
        torch.testing.assert_close(
            module(x)[perm], module(x[perm]), rtol=1e-5, atol=1e-5
        )


def test_leading_nan_gradients_are_finite():
    module = make_module(cell="lstm", num_layers=2, bidirectional=True).train()
    relu = make_module(activation="relu").train()
    x = with_leading_nan(random_batch(), 2)
    for net in (module, relu):
        net.zero_grad()
        net(x).sum().backward()
        for name, param in net.named_parameters():
            assert param.grad is not None, name
            assert torch.isfinite(param.grad).all(), name


@pytest.mark.parametrize("name", list(CONFIGS))
def test_zero_init_head_outputs_exactly_zero(name):
    torch.manual_seed(0)
    module = SequenceRegressorModule(
        FEATURES, OUTPUTS, hidden_size=5, **CONFIGS[name]
    ).eval()
    x = random_batch()
    x[0, :2] = float("nan")
    with torch.no_grad():
        out = module(x)
    assert out.shape == (BATCH, OUTPUTS)
    assert torch.equal(out, torch.zeros(BATCH, OUTPUTS))


def test_zero_init_head_false_gives_nonzero_output():
    out = make_module()(random_batch())
    assert out.abs().max() > 0


def test_dropout_only_active_in_training():
    module = make_module(num_layers=2, dropout=0.5)
    x = random_batch()
    with torch.no_grad():
        torch.testing.assert_close(module(x), module(x))  # eval: deterministic
        module.train()
        torch.manual_seed(0)
        first = module(x)
        torch.manual_seed(1)
        second = module(x)
    assert not torch.allclose(first, second)


@pytest.mark.parametrize("name", CONFIGS)
def test_has_missing_steps_hint_gives_the_same_output(name):
    module = make_module(**CONFIGS[name])
    x = random_batch()
    padded = with_leading_nan(x, 2)
    with torch.no_grad():
        expected = module(x)
        # False skips the NaN test (the caller has scanned the data).
        torch.testing.assert_close(module(x, has_missing_steps=False), expected)
        # True only means "may have": the batch is still tested.
        torch.testing.assert_close(module(x, has_missing_steps=True), expected)
        torch.testing.assert_close(
            module(padded, has_missing_steps=True), module(padded)
        )


# ------------------------------------------- generators instead of global RNG


def test_init_seed_draws_the_same_weights_without_the_global_rng():
    state = torch.get_rng_state()
    first = SequenceRegressorModule(FEATURES, OUTPUTS, head_size=4, init_seed=3)
    second = SequenceRegressorModule(FEATURES, OUTPUTS, head_size=4, init_seed=3)
    other = SequenceRegressorModule(FEATURES, OUTPUTS, head_size=4, init_seed=4)
    assert torch.equal(torch.get_rng_state(), state)
    for key, value in first.state_dict().items():
        assert torch.equal(value, second.state_dict()[key]), key
    assert not torch.equal(first.rnn.weight_ih_l0, other.rnn.weight_ih_l0)
    # torch's default ranges: +-1/sqrt(hidden) and +-1/sqrt(fan_in).
    assert first.rnn.weight_hh_l0.abs().max() <= 50**-0.5
    assert first.head[0].weight.abs().max() <= 50**-0.5
    assert first.head[0].weight.abs().max() > 0.8 * 50**-0.5
    # The output layer still starts at zero.
    assert first.head[-1].weight.abs().max() == 0


@pytest.mark.parametrize("name", CONFIGS)
def test_layer_by_layer_recurrence_equals_the_stacked_kernel(name):
    """The path that applies dropout between layers, with no dropout drawn."""
    params = {**CONFIGS[name], "num_layers": 3}
    module = make_module(**params)
    if not module.fused:
        return  # the ReLU LSTM always runs layer by layer
    x = random_batch()
    if module.conv is not None:  # the recurrence reads the front end's output
        x = torch.randn(BATCH, STEPS, module.conv.out_channels)
    lengths = torch.tensor([6, 3, 5, 2, 6])
    packed = torch.nn.utils.rnn.pack_padded_sequence(
        x, lengths, batch_first=True, enforce_sorted=False
    )
    with torch.no_grad():
        out, h_n = module._recur(x)
        by_layer_out, by_layer_h = module._recur_by_layer(x)
        torch.testing.assert_close(by_layer_out, out)
        torch.testing.assert_close(by_layer_h, h_n)
        torch.testing.assert_close(
            module._recur_by_layer(packed)[1], module._recur(packed)[1]
        )


@pytest.mark.parametrize("name", ["lstm-2layers", "gru-2layers-bidirectional", "relu"])
def test_dropout_draws_from_the_modules_generator(name):
    module = make_module(**{**CONFIGS[name], "num_layers": 2, "dropout": 0.5}).train()
    x = with_leading_nan(random_batch(), 2)
    state = torch.get_rng_state()
    outputs = []
    with torch.no_grad():
        for seed in (0, 0, 1):
            module.generator = torch.Generator().manual_seed(seed)
            outputs.append(module(x))
    assert torch.equal(torch.get_rng_state(), state)
    assert torch.equal(outputs[0], outputs[1])
    assert not torch.equal(outputs[0], outputs[2])


def test_missing_steps_hint_attribute_is_the_default_of_forward():
    module = make_module()
    x = random_batch()
    module.missing_steps_hint = False
    with torch.no_grad():
        torch.testing.assert_close(module(x), module(x, has_missing_steps=False))


def test_quantile_outputs_are_non_decreasing_and_the_anchor_is_linear():
    module = SequenceRegressorModule(
        2, 3, hidden_size=4, init_seed=0, zero_init_head=False, n_quantiles=4, anchor=1
    )
    out = module(torch.randn(8, 5, 2) * 5).unflatten(-1, (3, 4))
    assert out.shape == (8, 3, 4)
    assert (out.diff(dim=-1) >= 0).all()


def test_conv_front_end_shortens_the_sequence_and_aligns_on_the_last_step():
    module = make_module(conv_channels=4, conv_kernel=4, conv_stride=3)
    x = random_batch(steps=20)
    with torch.no_grad():
        z = module.downsample(x, has_missing_steps=False)
        # Windows end on steps 19, 16, ..., 1: the last on the last step.
        assert z.shape == (BATCH, 7, 4)
        last = torch.relu(module.conv(x[:, -4:].transpose(1, 2)))[:, :, 0]
        torch.testing.assert_close(z[:, -1], last)
        # Shorter than one kernel: one window, zero-padded on the left.
        assert module.downsample(x[:, :2], has_missing_steps=False).shape[1] == 1


@pytest.mark.parametrize("pooling", ["mean", "max"])
def test_pooling_reads_every_observed_step(pooling):
    # Unlike the last state, a pooled summary changes when only the first
    # step changes... and ignores missing leading steps entirely.
    module = make_module(cell="gru", pooling=pooling)
    x = random_batch()
    changed = x.clone()
    changed[:, 0] += 3.0
    with torch.no_grad():
        assert module.encode(x).shape == (BATCH, 5)
        assert not torch.allclose(module.encode(x), module.encode(changed))
        padded = torch.cat([torch.full((BATCH, 2, FEATURES), float("nan")), x], 1)
        torch.testing.assert_close(module.encode(padded), module.encode(x))


def test_pooling_and_front_end_keep_the_direct_path_off():
    assert make_module().direct_inference_ok("cpu")
    assert not make_module(pooling="mean").direct_inference_ok("cpu")
    assert not make_module(conv_channels=2, conv_kernel=2).direct_inference_ok("cpu")


def test_seeded_front_end_is_drawn_from_the_seed():
    a = SequenceRegressorModule(3, 2, conv_channels=4, conv_kernel=3, init_seed=0)
    b = SequenceRegressorModule(3, 2, conv_channels=4, conv_kernel=3, init_seed=0)
    torch.testing.assert_close(a.conv.weight, b.conv.weight)
    assert a.conv.weight.abs().max() <= 1 / 3  # 1/sqrt(channels x kernel)
