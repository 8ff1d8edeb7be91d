"""Training mechanics: the helpers in ``sklstm.nn._training`` and the loop they run.

First the helpers on their own (threads, scaling, blocked predict, loss), then
LSTMRegressor's loop: batches split into chunks, per-batch callbacks, Ctrl-C,
divergence, gradient clipping, early stopping, warm start and partial_fit,
and the verbose epoch table (convergence stopping: test_convergence.py;
precision: test_precision.py).
"""

import copy
import math

import numpy as np
import pytest
import torch
from _settings import TINY, params_of, tiny
from sklearn.exceptions import NotFittedError
from skorch.callbacks import Callback

from sklstm import DivergenceError, LSTMRegressor
from sklstm.nn import _progress, _torch_threads, _training
from sklstm.nn._torch_threads import choose_num_threads
from sklstm.nn._training import scale_to_float32


def test_only_callbacks_that_override_a_batch_event_are_called_for_it():
    from skorch.callbacks import EarlyStopping, GradientNormClipping

    assert not _training._listens(EarlyStopping(), "on_batch_end")
    assert _training._listens(GradientNormClipping(1.0), "on_grad_computed")
    assert not _training._listens(GradientNormClipping(1.0), "on_batch_begin")

    class Duck:  # not a skorch Callback: always called, as skorch does
        pass

    assert _training._listens(Duck(), "on_batch_end")


@pytest.mark.parametrize("limit", [_training.MATERIALIZE_LIMIT_BYTES, 0])
@pytest.mark.parametrize("reference_feature", [None, 1])
def test_dataset_batches_of_lazy_windows_equal_those_of_the_dense_array(
    monkeypatch, limit, reference_feature
):
    from sklstm.windows._lazy import lazy_windows

    # limit 0: every batch is gathered from the windows, never stored scaled.
    monkeypatch.setattr(_training, "MATERIALIZE_LIMIT_BYTES", limit)
    values = np.random.default_rng(0).normal(size=(60, 2))
    lazy = lazy_windows(values, 5, series_starts=[0, 20, 41])
    kwargs = dict(
        x_mean=[0.5, -1.0],
        x_scale=[2.0, 0.5],
        y=np.arange(60.0)[:, None],
        rows=np.arange(3, 60),
        reference_feature=reference_feature,
    )
    on_lazy = _training.SequenceDataset(lazy, **kwargs)
    on_dense = _training.SequenceDataset(lazy[:], **kwargs)
    assert (on_lazy.X is None) == (on_dense.X is None) == (limit == 0)
    for positions in (slice(0, 16), torch.tensor([40, 2, 7])):
        got, want = on_lazy.take(positions), on_dense.take(positions)
        torch.testing.assert_close(got[0], want[0], rtol=0, atol=0, equal_nan=True)
        torch.testing.assert_close(got[1], want[1], rtol=0, atol=0)


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
    with _torch_threads.torch_threads(n_threads):
        assert torch.get_num_threads() == n_threads
    assert torch.get_num_threads() == before


def test_predict_in_blocks_equals_row_by_row(monkeypatch):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(23, 5, 2))
    X[3, :2] = np.nan  # a padded row inside a later block
    X[17, :1] = np.nan
    y = rng.normal(size=23)
    model = LSTMRegressor(**TINY).fit(X, y)
    whole = model.predict(X)
    monkeypatch.setattr(_torch_threads, "_MIN_BLOCK_ROWS", 1)
    monkeypatch.setattr(_torch_threads, "_BLOCK_GATE_VALUES", 4 * 4)  # 4-row blocks
    assert _torch_threads.predict_block_rows(4) == 4
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


# ------------------------------- batches: chunks and per-batch callbacks


@pytest.mark.parametrize("weighted", [False, True])
def test_chunked_batches_give_the_same_training(monkeypatch, weighted):
    """Large batches train in chunks (bounded memory) with the same update."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 6, 2))
    y = X[:, -1, 0] - X[:, 0, 1]
    weights = rng.uniform(0.5, 2.0, size=64) if weighted else None
    # Without the linear path: its ridge start fits this linear target to a
    # loss of 1e-5, and Adam then normalises rounding noise into full steps
    # (chunked and whole runs parted by 1e-3 on an AMX Xeon).
    params = tiny(max_epochs=3, batch_size=32, linear_path=False)
    whole = LSTMRegressor(**params).fit(X, y, sample_weight=weights)
    assert whole.net_.max_chunk_rows >= 32
    monkeypatch.setattr(_training, "CHUNK_BUDGET_BYTES", 1)
    chunked = LSTMRegressor(**params).fit(X, y, sample_weight=weights)
    assert chunked.net_.max_chunk_rows == 1
    np.testing.assert_allclose(
        chunked.predict(X), whole.predict(X), rtol=1e-4, atol=1e-5
    )
    np.testing.assert_allclose(chunked.loss_curve_, whole.loss_curve_, rtol=1e-4)


def test_chunks_split_a_batch_evenly(monkeypatch):
    class RecordRows(Callback):
        def initialize(self):
            self.rows = []
            return self

        def on_train_begin(self, net, **kwargs):
            net.module_.register_forward_hook(
                lambda module, args, output: self.rows.append(len(args[0]))
            )

    # Budget for exactly 218 rows of this shape.
    per_row = 6 * (_training._BYTES_PER_UNIT_STEP * 4 + _training._BYTES_PER_STEP)
    monkeypatch.setattr(_training, "CHUNK_BUDGET_BYTES", 218 * per_row)
    X = np.random.default_rng(0).normal(size=(256, 6, 1))
    model = LSTMRegressor(
        **tiny(max_epochs=1, batch_size=256, callbacks=[RecordRows()])
    ).fit(X, X[:, -1, 0])
    assert model.net_.max_chunk_rows == 218
    assert dict(model.net_.callbacks_)["user_0"].rows == [128, 128]


def test_per_batch_callbacks_see_every_batch_and_others_are_skipped():
    class Counter(Callback):
        def initialize(self):
            self.events = []
            return self

        def on_batch_begin(self, net, training=False, **kwargs):
            self.events.append(("begin", training))

        def on_batch_end(self, net, training=False, **kwargs):
            self.events.append(("end", training))

        def on_grad_computed(self, net, named_parameters, **kwargs):
            self.events.append(("grad", len(list(named_parameters))))

    X = np.random.default_rng(0).normal(size=(50, 4, 1))
    y = X[:, -1, 0]
    counter = Counter()
    model = LSTMRegressor(
        batch_size=16,
        early_stopping=True,
        validation_fraction=0.2,
        n_iter_no_change=5,
        callbacks=[counter],
        linear_path=False,  # 6 parameter tensors: the recurrent stack and head
        **TINY,
    ).fit(X, y)
    counter = dict(model.net_.callbacks_)["user_0"]
    # 40 training rows in batches of 16 (3 batches), 10 validation rows (1).
    per_epoch = (
        # 6 parameters: weight_ih, weight_hh, two biases, head weight and bias.
        [("begin", True), ("grad", 6), ("end", True)] * 3
        + [("begin", False), ("end", False)]
    )
    assert counter.events == per_epoch * 2
    # skorch's own per-batch bookkeeping is intact.
    assert model.net_.history[-1, "batches", -1, "valid_batch_size"] == 10
    assert [b["train_batch_size"] for b in model.net_.history[0]["batches"][:3]] == [
        16,
        16,
        8,
    ]


# ----------------------------------- interrupts, failures and divergence


class InterruptAt(Callback):
    """Presses Ctrl-C in the middle of an epoch."""

    def __init__(self, epoch):
        self.epoch = epoch

    def initialize(self):
        return self

    def get_params(self, deep=True):
        return {"epoch": self.epoch}

    def on_batch_end(self, net, training=False, **kwargs):
        if training and len(net.history) == self.epoch:
            raise KeyboardInterrupt


def test_keyboard_interrupt_keeps_the_last_finished_epoch():
    X = np.random.default_rng(0).normal(size=(64, 4, 1))
    y = X[:, -1, 0]
    reference = LSTMRegressor(**TINY).fit(X, y)
    model = LSTMRegressor(**tiny(max_epochs=5, callbacks=[InterruptAt(3)]))
    with pytest.warns(UserWarning, match="interrupted .* during epoch 3"):
        model.fit(X, y)
    assert model.n_iter_ == 2
    assert len(model.loss_curve_) == 2
    # Epochs 1-2 ran exactly as in the uninterrupted 2-epoch fit.
    np.testing.assert_array_equal(model.predict(X), reference.predict(X))


def exploding_fit(max_epochs):
    """A model and data whose loss overflows: unscaled values near 1e6, lr=1e8."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 3, 1)) * 1e6
    y = rng.normal(size=40) * 1e6
    params = tiny(max_epochs=max_epochs, lr=1e8, scale=False, optimizer="sgd")
    return LSTMRegressor(target_mode="level", **params), X, y


def test_failed_fit_leaves_the_estimator_unfitted():
    model, X, y = exploding_fit(max_epochs=3)
    with pytest.raises(DivergenceError):
        model.fit(X, y)
    with pytest.raises(NotFittedError):
        model.predict(X)


def test_divergence_raises(even_data):
    X, y = even_data
    # No linear path: its ridge start fits this exact task with zero loss.
    params = tiny(lr=1e6, scale=False, optimizer="sgd", max_epochs=5)
    model = LSTMRegressor(linear_path=False, **params)
    with pytest.raises(DivergenceError, match="Lower the learning rate") as info:
        model.fit(np.asarray(X) * 1e4, y * 1e4)
    assert isinstance(info.value, RuntimeError)
    assert not hasattr(model, "net_")  # a diverged model is not left fitted


def test_diverging_training_stops_with_advice():
    model, X, y = exploding_fit(max_epochs=5)
    with pytest.raises(DivergenceError, match="lower the learning rate|Lower the"):
        model.fit(X, y)


# ----------------------------------------------------- gradient clipping


class CaptureDatasets(Callback):
    """Records the skorch datasets and the initial weights of a fit."""

    def on_train_begin(self, net, **kwargs):
        self.initial_state = copy.deepcopy(net.module_.state_dict())

    def on_epoch_end(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        self.dataset_train = dataset_train
        self.dataset_valid = dataset_valid


def fit_capturing(X, y, **params):
    """Fit ``LSTMRegressor(**params)``; return it and its CaptureDatasets."""
    capture = CaptureDatasets()
    model = LSTMRegressor(callbacks=[capture], **params).fit(X, y)
    return model, capture


def test_clip_grad_norm_bounds_each_sgd_step(multi_data):
    # Plain SGD moves the parameters by lr * gradient; with the gradient norm
    # clipped to c, n steps move them at most n * lr * c in total.
    X, y = multi_data
    lr, clip, epochs, batch = 0.5, 1e-3, 2, 10
    params = tiny(
        optimizer="sgd", lr=lr, clip_grad_norm=clip, max_epochs=epochs, batch_size=batch
    )
    model, capture = fit_capturing(X, y, **params)
    final = model.net_.module_.state_dict()
    moved = math.sqrt(
        sum(
            float(((final[k] - v) ** 2).sum()) for k, v in capture.initial_state.items()
        )
    )
    n_steps = epochs * math.ceil(len(X) / batch)
    assert 0 < moved <= n_steps * lr * clip * (1 + 1e-4)


# -------------------------------------------------------- early stopping


# What the early-stopping fits share; each adds its own length and patience.
EARLY = dict(hidden_size=6, lr=0.01, early_stopping=True, random_state=0)


@pytest.fixture(scope="module")
def early_model(multi_data):
    X, y = multi_data
    return fit_capturing(
        X, y, max_epochs=6, validation_fraction=0.2, n_iter_no_change=10, **EARLY
    )


def test_early_stopping_curves(early_model):
    model, _ = early_model
    assert model.n_iter_ == 6
    assert len(model.loss_curve_) == 6
    assert len(model.validation_loss_curve_) == 6
    assert len(model.validation_scores_) == 6
    assert all(
        isinstance(s, float) and math.isfinite(s) for s in model.validation_scores_
    )
    assert all(s <= 1.0 for s in model.validation_scores_)
    assert model.best_epoch_ == int(np.argmin(model.validation_loss_curve_)) + 1


def test_early_stopping_validates_on_last_rows(early_model, multi_data):
    model, capture = early_model
    X, y = multi_data
    n = len(X)
    n_valid = math.ceil(0.2 * n)
    np.testing.assert_array_equal(capture.dataset_valid.rows, np.arange(n - n_valid, n))
    np.testing.assert_array_equal(capture.dataset_train.rows, np.arange(n - n_valid))
    # The validation targets are those of the last rows, in order.
    valid_y = capture.dataset_valid.y.numpy()[:, 0] * model.y_scale_ + model.y_mean_
    np.testing.assert_allclose(valid_y, y[n - n_valid :], rtol=1e-5, atol=1e-5)


def test_validation_scores_are_r2_of_validation_rows(early_model):
    model, capture = early_model
    valid = capture.dataset_valid
    module = model.net_.module_.eval()
    with torch.no_grad():
        out = module(valid.X).double().numpy()[:, 0]
    target = valid.y.double().numpy()[:, 0]
    r2 = 1 - ((target - out) ** 2).sum() / ((target - target.mean()) ** 2).sum()
    assert model.validation_scores_[model.best_epoch_ - 1] == pytest.approx(
        r2, abs=1e-4
    )


def test_early_stopping_stops_on_plateau(multi_data):
    X, y = multi_data
    # A learning rate this small leaves the validation loss flat.
    model = LSTMRegressor(
        **tiny(max_epochs=30, lr=1e-9, early_stopping=True, n_iter_no_change=2)
    ).fit(X, y)
    assert model.n_iter_ == 3  # the first epoch, then two without improvement
    assert len(model.validation_loss_curve_) == 3
    assert len(model.validation_scores_) == 3


def test_best_epoch_matches_restored_weights(multi_data):
    # With tol > 0, small later improvements do not count, and skorch's
    # EarlyStopping restores the weights of the last epoch that improved by
    # more than tol. best_epoch_ ("the epoch whose weights the model holds")
    # must name that epoch, and the held weights must score its valid loss.
    X, y = multi_data
    model, capture = fit_capturing(
        X, y, max_epochs=30, n_iter_no_change=3, tol=0.05, **EARLY
    )
    valid = capture.dataset_valid
    module = model.net_.module_.eval()
    with torch.no_grad():
        held_loss = float(((module(valid.X) - valid.y) ** 2).mean())
    assert held_loss == pytest.approx(
        model.validation_loss_curve_[model.best_epoch_ - 1], rel=1e-4
    )


# -------------------------------------------- warm_start and partial_fit


def test_warm_start_continues_training(multi_data):
    X, y = multi_data
    model = LSTMRegressor(warm_start=True, **TINY)
    model.fit(X, y)
    first_curve = list(model.loss_curve_)
    first_params = params_of(model)
    first_pred = model.predict(X)
    model.fit(X, y)
    assert model.n_iter_ == 4
    assert len(model.loss_curve_) == 4
    assert model.loss_curve_[:2] == first_curve
    assert not np.array_equal(model.predict(X), first_pred)
    assert not torch.equal(
        params_of(model)["rnn.weight_hh_l0"], first_params["rnn.weight_hh_l0"]
    )
    # Without warm_start, fit starts over.
    model.set_params(warm_start=False)
    model.fit(X, y)
    assert model.n_iter_ == 2
    assert model.loss_curve_ == first_curve


def test_warm_start_rejects_different_output_count(multi_data):
    X, y = multi_data
    model = LSTMRegressor(warm_start=True, **TINY).fit(X, y)
    with pytest.raises(ValueError, match="output"):
        model.fit(X, np.column_stack([y, y]))


def test_partial_fit_runs_one_epoch_per_call(multi_data):
    X, y = multi_data
    model = LSTMRegressor(**tiny(max_epochs=50))
    for expected in (1, 2, 3):
        model.partial_fit(X, y)
        assert model.n_iter_ == expected
        assert len(model.loss_curve_) == expected
    assert all(math.isfinite(v) for v in model.loss_curve_)
    # partial_fit is reproducible too.
    again = LSTMRegressor(**tiny(max_epochs=50))
    for _ in range(3):
        again.partial_fit(X, y)
    assert np.array_equal(again.predict(X), model.predict(X))


# --------------------------------------------------------------- verbose


def test_verbose_zero_is_silent(capsys, multi_data):
    X, y = multi_data
    LSTMRegressor(verbose=0, early_stopping=True, n_iter_no_change=1, **TINY).fit(X, y)
    out, err = capsys.readouterr()
    assert out == ""
    assert err == ""


def test_verbose_one_prints_epoch_table(capsys, multi_data):
    X, y = multi_data
    LSTMRegressor(verbose=1, early_stopping=True, **TINY).fit(X, y)
    out, _ = capsys.readouterr()
    assert "train_loss" in out
    assert "valid_loss" in out
    lines = [line.split() for line in out.splitlines()]
    epochs = [row[0] for row in lines if row and row[0].isdigit()]
    assert epochs == ["1", "2"]


def test_warm_fit_honours_a_new_lr_and_max_epochs(multi_data):
    X, y = multi_data
    model = LSTMRegressor(warm_start=True, **TINY).fit(X, y)
    same = copy.deepcopy(model).fit(X, y)
    model.set_params(lr=0.05, max_epochs=3)
    model.fit(X, y)
    assert model.n_iter_ == 2 + 3
    assert [g["lr"] for g in model.net_.optimizer_.param_groups] == [0.05]
    assert not np.array_equal(model.predict(X[:4]), same.predict(X[:4]))
    # partial_fit keeps the new lr and runs one epoch.
    model.partial_fit(X, y)
    assert model.n_iter_ == 6
    assert model.net_.optimizer_.param_groups[0]["lr"] == 0.05


def test_warm_fit_honours_a_new_batch_size_and_early_stopping(multi_data):
    X, y = multi_data
    model = LSTMRegressor(warm_start=True, **tiny(batch_size=40)).fit(X, y)
    assert len(model.net_.history[-1, "batches"]) == 1
    model.set_params(batch_size=10, early_stopping=True, max_epochs=1)
    model.fit(X, y)
    assert len(model.net_.history[-1, "batches"]) == 4 + 1  # 36 train, 4 valid
    assert math.isnan(model.validation_loss_curve_[0])
    assert math.isfinite(model.validation_loss_curve_[-1])


def test_warm_fit_keeps_the_optimizer_state(multi_data):
    """Adam's moments and step count carry on across warm fits."""
    X, y = multi_data
    halves = LSTMRegressor(warm_start=True, **tiny(max_epochs=1, shuffle=False))
    halves.fit(X, y)
    steps = halves.net_.optimizer_.state_dict()["state"][0]["step"]
    halves.fit(X, y)
    assert halves.net_.optimizer_.state_dict()["state"][0]["step"] == 2 * steps


@pytest.mark.parametrize("call", ["fit", "partial_fit"])
def test_warm_fit_refuses_a_new_architecture(multi_data, call):
    X, y = multi_data
    model = LSTMRegressor(warm_start=True, **TINY).fit(X, y)
    model.set_params(hidden_size=7)
    with pytest.raises(ValueError, match=r"hidden_size=7.*hidden_size=4.*warm_start"):
        getattr(model, call)(X, y)
    model.set_params(hidden_size=4)  # set back: training goes on
    getattr(model, call)(X, y)
    assert model.n_iter_ > 2


def test_warm_fit_after_load_honours_the_loaded_parameters(multi_data, tmp_path):
    from sklstm import load_model, save_model

    X, y = multi_data
    model = LSTMRegressor(warm_start=True, **TINY).fit(X, y)
    save_model(model, tmp_path / "m.sklstm")
    loaded = load_model(tmp_path / "m.sklstm")
    loaded.fit(X, y)
    assert loaded.n_iter_ == 4
    loaded.set_params(num_layers=2)
    with pytest.raises(ValueError, match="cannot change num_layers"):
        loaded.fit(X, y)


# ------------------------------------------------------ the epoch table


def epoch_rows(out):
    """The epoch numbers that start the rows of a printed epoch table."""
    firsts = [line.split()[0] for line in out.splitlines() if line.strip()]
    return [word for word in firsts if word.isdigit()]


def test_verbose_output_outside_a_terminal_is_plain(capsys, multi_data):
    X, y = multi_data
    LSTMRegressor(verbose=1, **tiny(max_epochs=4)).fit(X, y)
    out, err = capsys.readouterr()
    assert "\r" not in out + err
    assert "\x1b[" not in out + err
    assert epoch_rows(out) == ["1", "2", "3", "4"]


def test_verbose_prints_the_epoch_where_early_stopping_stops(capsys, multi_data):
    X, y = multi_data
    params = tiny(max_epochs=10, early_stopping=True, n_iter_no_change=1, tol=10.0)
    model = LSTMRegressor(verbose=1, **params).fit(X, y)
    out, _ = capsys.readouterr()
    assert model.n_iter_ == 2
    assert epoch_rows(out) == ["1", "2"]
    assert out.index("Stopping since valid_loss") > out.index("      2 ")


def test_verbose_in_a_terminal_shows_a_progress_bar(capsys, monkeypatch, multi_data):
    X, y = multi_data
    monkeypatch.setattr(_progress, "_isatty", lambda stream: True)
    LSTMRegressor(verbose=1, **tiny(batch_size=10)).fit(X, y)
    out, err = capsys.readouterr()
    assert "4/4" in err  # redrawn up to the last batch
    assert "\x1b[" in out  # best values highlighted
    assert epoch_rows(out) == ["1", "2"]
