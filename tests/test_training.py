"""Tests of the training helpers in ``sklstm._training``."""

import numpy as np
import pytest
import torch

from sklstm import _training
from sklstm._training import choose_num_threads, scale_to_float32


def test_only_callbacks_that_override_a_batch_event_are_called_for_it():
    from skorch.callbacks import EarlyStopping, GradientNormClipping

    assert not _training._listens(EarlyStopping(), "on_batch_end")
    assert _training._listens(GradientNormClipping(1.0), "on_grad_computed")
    assert not _training._listens(GradientNormClipping(1.0), "on_batch_begin")

    class Duck:  # not a skorch Callback: always called, as skorch does
        pass

    assert _training._listens(Duck(), "on_batch_end")


def test_thread_choice_counts_every_timestep_of_a_batch():
    default = torch.get_num_threads()
    # The even-number task: 32 rows x 3 steps, hidden 50 -> one thread.
    assert choose_num_threads(None, 32, 3, 50, 1) == 1
    # The same rows over 48 steps, or a long window with a tiny network
    # and a large batch, are worth sharing.
    assert choose_num_threads(None, 32, 48, 50, 1) == default
    assert choose_num_threads(None, 4096, 256, 4, 1) == default
    # A single window to predict stays on one thread.
    assert choose_num_threads(None, 1, 48, 64, 3) == 1
    # The user's setting always wins.
    assert choose_num_threads(3, 1, 3, 4, 1) == 3


def test_scaling_subtracts_in_float64_before_narrowing():
    # Around 1e6, float32 values are 0.0625 apart: converting first would
    # turn steps of 0.1 into steps of 0.0625 or 0.125.
    level = 1e6
    X3 = (level + 0.1 * np.arange(8.0)).reshape(1, 8, 1)
    scaled = scale_to_float32(X3, np.array([level]), np.array([0.1]))
    assert scaled.dtype == np.float32
    np.testing.assert_allclose(scaled[0, :, 0], np.arange(8.0), atol=1e-6)


def test_chunked_scaling_equals_one_pass(monkeypatch):
    rng = np.random.default_rng(0)
    X3 = rng.normal(size=(50, 7, 3)) * 100 + 5
    mean, scale = np.array([5.0, 4.0, 6.0]), np.array([100.0, 90.0, 110.0])
    expected = scale_to_float32(X3, mean, scale)
    monkeypatch.setattr(_training, "_SCALE_CHUNK_VALUES", 40)  # 1 row a chunk
    chunked = scale_to_float32(X3, mean, scale)
    np.testing.assert_array_equal(chunked, expected)
    np.testing.assert_allclose(expected, ((X3 - mean) / scale), rtol=1e-6)
    # A strided (read-only) view is read, never written.
    view = np.lib.stride_tricks.sliding_window_view(X3[:, 0, 0], 4)[:, :, None]
    scale_to_float32(view, mean[:1], scale[:1])
    assert not view.flags.writeable


@pytest.mark.parametrize("n_threads", [1, 2])
def test_torch_threads_restores_the_previous_setting(n_threads):
    before = torch.get_num_threads()
    with _training.torch_threads(n_threads):
        assert torch.get_num_threads() == n_threads
    assert torch.get_num_threads() == before


def test_predict_in_blocks_equals_row_by_row(monkeypatch):
    from sklstm import LSTMRegressor

    rng = np.random.default_rng(0)
    X = rng.normal(size=(23, 5, 2))
    X[3, :2] = np.nan  # a padded row inside a later block
    X[17, :1] = np.nan
    y = rng.normal(size=23)
    model = LSTMRegressor(hidden_size=4, max_epochs=2, random_state=0).fit(X, y)
    whole = model.predict(X)
    monkeypatch.setattr(_training, "_MIN_BLOCK_ROWS", 1)
    monkeypatch.setattr(_training, "_BLOCK_GATE_VALUES", 4 * 4)  # 4-row blocks
    assert _training.predict_block_rows(4) == 4
    blocked = model.predict(X)
    single = np.concatenate([model.predict(X[i : i + 1]) for i in range(23)])
    np.testing.assert_allclose(blocked, whole, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(single, whole, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("kind", ["mse", "mae", "huber"])
def test_unweighted_loss_equals_unit_weights(kind):
    generator = torch.Generator().manual_seed(0)
    y_pred = torch.randn(9, 2, generator=generator) * 3
    y_true = torch.randn(9, 2, generator=generator)
    loss = _training.WeightedLoss(kind)
    torch.testing.assert_close(
        loss(y_pred, y_true), loss(y_pred, (y_true, torch.ones(9)))
    )
    # Weights count: a zero weight removes a sample.
    weights = torch.ones(9)
    weights[0] = 0.0
    torch.testing.assert_close(
        loss(y_pred, (y_true, weights)), loss(y_pred[1:], y_true[1:])
    )
