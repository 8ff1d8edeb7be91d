"""Reliability: fits in threads, failed and interrupted fits, Ctrl-C at import.

A fit draws everything random from its own generators (so concurrent fits
equal serial ones bit for bit and never touch the caller's RNGs), a call that
fails leaves the estimator exactly as it was, and torch's first import cannot
be broken by a KeyboardInterrupt.
"""

import copy
import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import joblib
import numpy as np
import pytest
import torch
from _settings import params_of, tiny
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV
from sklearn.utils._param_validation import InvalidParameterError
from skorch.callbacks import Callback

from sklstm import DivergenceError, LSTMRegressor
from sklstm._state import get_fitted_state

RNG = np.random.default_rng(0)
X = RNG.normal(size=(24, 4, 2))
Y = X[:, :, 0].sum(axis=1)

# Dropout between stacked layers and before the head: the draws that used to
# come from torch's global RNG.
DROPOUT_MODELS = {
    "lstm": tiny(num_layers=2, dropout=0.3, head_size=3, max_epochs=3),
    "gru-bidirectional": tiny(
        cell="gru", num_layers=2, bidirectional=True, dropout=0.3, max_epochs=3
    ),
    "relu": tiny(activation="relu", num_layers=2, dropout=0.3, max_epochs=3),
}


def assert_same_model(a, b):
    np.testing.assert_array_equal(a.predict(X), b.predict(X))
    assert a.loss_curve_ == b.loss_curve_
    pa, pb = params_of(a), params_of(b)
    assert pa.keys() == pb.keys()
    for key in pa:
        assert torch.equal(pa[key], pb[key]), key


# --------------------------------------------------------------- threads


@pytest.mark.parametrize("name", DROPOUT_MODELS)
def test_fits_in_two_threads_equal_serial_fits_bit_for_bit(name):
    params = DROPOUT_MODELS[name]
    padded = X.copy()
    padded[:5, :2] = np.nan  # leading NaN: the aligned and packed paths too
    seeds = (0, 1)
    serial = [LSTMRegressor(**{**params, "random_state": s}) for s in seeds]
    threaded = [clone(model) for model in serial]
    for model in serial:
        model.fit(padded, Y)
    start = threading.Barrier(2)
    errors = []

    def fit(model):
        try:
            start.wait()
            model.fit(padded, Y)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    workers = [threading.Thread(target=fit, args=(m,)) for m in threaded]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert errors == []
    for a, b in zip(serial, threaded, strict=True):
        assert_same_model(a, b)
    assert not np.array_equal(serial[0].predict(X), serial[1].predict(X))


def test_global_random_states_are_untouched_while_a_thread_fits():
    """The caller draws from its RNGs while another thread fits: same draws."""
    torch.manual_seed(7)
    expected = torch.rand(200)
    torch.manual_seed(7)
    np_state = np.random.get_state()  # noqa: NPY002 (the legacy global RNG)
    py_state = random.getstate()
    # n_iter_no_change beyond max_epochs: no convergence stop, 20 epochs.
    model = LSTMRegressor(
        **{**DROPOUT_MODELS["lstm"], "max_epochs": 20, "n_iter_no_change": 50}
    )
    worker = threading.Thread(target=model.fit, args=(X, Y))
    worker.start()
    draws = []
    while worker.is_alive() or not draws:
        draws.append(torch.rand(1))
        time.sleep(0.001)
    worker.join()
    n = min(len(draws), len(expected))
    assert torch.equal(torch.cat(draws)[:n], expected[:n])
    assert model.n_iter_ == 20
    after = np.random.get_state()  # noqa: NPY002
    np.testing.assert_array_equal(after[1], np_state[1])
    assert after[2:] == np_state[2:]
    assert random.getstate() == py_state


def test_threads_restore_torchs_thread_count():
    before = torch.get_num_threads()
    models = [LSTMRegressor(**tiny(n_threads=1, random_state=s)) for s in range(3)]
    workers = [threading.Thread(target=m.fit, args=(X, Y)) for m in models]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert torch.get_num_threads() == before


def test_grid_search_with_threads_equals_serial():
    grid = {"hidden_size": [3, 4], "dropout": [0.0, 0.2]}
    template = LSTMRegressor(**tiny(num_layers=2, max_epochs=2))
    serial = GridSearchCV(template, grid, cv=2, n_jobs=1).fit(X, Y)
    with joblib.parallel_backend("threading"):
        threaded = GridSearchCV(template, grid, cv=2, n_jobs=2).fit(X, Y)
    assert threaded.best_params_ == serial.best_params_
    for key in ("mean_test_score", "split0_test_score", "split1_test_score"):
        np.testing.assert_array_equal(
            threaded.cv_results_[key], serial.cv_results_[key]
        )


# ------------------------------------------------- failed calls roll back


class RaiseAt(Callback):
    """Raises ``error`` in the first epoch of the call it trains in."""

    def __init__(self, error=RuntimeError, where="on_epoch_end"):
        self.error = error
        self.where = where

    def get_params(self, deep=True):
        return {"error": self.error, "where": self.where}

    def on_train_begin(self, net, **kwargs):
        self.first_epoch_ = len(net.history) + 1
        if self.where == "on_train_begin":
            raise self.error("raised by a callback")

    def on_batch_end(self, net, training=False, **kwargs):
        if self.where == "on_batch_end" and len(net.history) == self.first_epoch_:
            raise self.error("raised by a callback")

    def on_epoch_end(self, net, **kwargs):
        if self.where == "on_epoch_end":
            raise self.error("raised by a callback")


def with_gap(array):
    out = array.copy()
    out[3, 2] = np.nan  # NaN after an observed step
    return out


ALL = ("fit", "warm", "partial")
# Each case: the call's settings and data, what it raises, and the calls it
# applies to (a fresh fit on a fitted model may change what a warm fit can't).
FAILURES = {
    "gap-in-X": dict(X=with_gap(X), error=ValueError, match="after observed"),
    "nan-in-y": dict(y=np.r_[np.nan, Y[1:]], error=ValueError, match="NaN"),
    "4-D-X": dict(X=X[:, :, :, None], error=ValueError, match="dimension"),
    "short-sample-weight": dict(
        sample_weight=np.ones(3), error=ValueError, match="sample_weight"
    ),
    "negative-sample-weight": dict(
        sample_weight=-np.ones(len(X)), error=ValueError, match="(?i)negative"
    ),
    "too-few-observed-steps": dict(
        params=dict(min_observed_steps=9), error=ValueError, match="min_observed"
    ),
    "target-feature-out-of-range": dict(
        params=dict(target_feature=5),
        error=ValueError,
        match="target_feature",
        calls=("fit",),
    ),
    "relu-with-gru": dict(
        params=dict(activation="relu", cell="gru"),
        error=ValueError,
        match="activation='relu'",
        calls=("fit",),
    ),
    "invalid-parameter": dict(
        params=dict(batch_size=0), error=InvalidParameterError, match="batch_size"
    ),
    "too-large-X": dict(X=X * 1e160, error=ValueError, match="too large"),
    "too-large-y": dict(y=Y * 1e160, error=ValueError, match="too large"),
    "early-stopping-without-validation-rows": dict(
        X=X[:1],
        y=Y[:1],
        params=dict(early_stopping=True),
        error=ValueError,
        match="at least one training and one validation",
    ),
    "divergence": dict(
        params=dict(lr=1e8, batch_size=2), error=DivergenceError, match="diverged"
    ),
    "callback-raises-at-epoch-end": dict(
        params=dict(callbacks=[RaiseAt()]), error=RuntimeError, match="callback"
    ),
    "callback-raises-at-train-begin": dict(
        params=dict(callbacks=[RaiseAt(where="on_train_begin")]),
        error=RuntimeError,
        match="callback",
    ),
    "ctrl-c-in-the-first-epoch": dict(
        params=dict(callbacks=[RaiseAt(KeyboardInterrupt, "on_batch_end")]),
        error=KeyboardInterrupt,
        match=None,
    ),
    "ctrl-c-before-training": dict(
        params=dict(callbacks=[RaiseAt(KeyboardInterrupt, "on_train_begin")]),
        error=KeyboardInterrupt,
        match=None,
    ),
    "other-feature-count": dict(
        X=X[:, :, :1], error=ValueError, match="features", calls=("warm", "partial")
    ),
    "other-output-count": dict(
        y=np.column_stack([Y, Y]),
        error=ValueError,
        match="output",
        calls=("warm", "partial"),
    ),
    "fixed-parameter-changed": dict(
        params=dict(hidden_size=5),
        error=ValueError,
        match="hidden_size=5",
        calls=("warm", "partial"),
    ),
}
if not torch.cuda.is_available():
    FAILURES["no-cuda-device"] = dict(
        params=dict(device="cuda:0"), error=ValueError, match="no CUDA device"
    )
# sgd: a diverging lr needs no change of the (fixed) optimizer.
TEMPLATE = LSTMRegressor(**tiny(max_epochs=1, optimizer="sgd"))


@pytest.fixture(scope="module")
def fitted_template():
    return clone(TEMPLATE).fit(X, Y)


def observable_state(model):
    """Everything a failed call must leave as it was."""
    state = {"attributes": sorted(vars(model))}
    if not hasattr(model, "net_"):
        return state
    fitted = get_fitted_state(model)
    net = fitted.pop("net_")
    state["net"] = id(net)
    state["fitted"] = {
        k: v.tolist() if isinstance(v, np.ndarray) else v for k, v in fitted.items()
    }
    state["weights"] = {k: v.tolist() for k, v in net.module_.state_dict().items()}
    optimizer = net.optimizer_.state_dict()
    state["optimizer_groups"] = optimizer["param_groups"]
    state["optimizer_state"] = {
        k: {name: v.tolist() for name, v in s.items()}
        for k, s in optimizer["state"].items()
    }
    state["history"] = [
        {k: v for k, v in row.items() if k != "batches"} for row in net.history
    ]
    state["predictor"] = id(model._predictor)
    return state


def failure_calls():
    """(case, call, fitted) for every call a case is an error of."""
    for case, spec in FAILURES.items():
        for call in spec.get("calls", ALL):
            # Cases of a warm fit only fail against an existing network.
            for fitted in (
                (True,) if "calls" in spec and call != "fit" else (False, True)
            ):
                yield pytest.param(
                    case, call, fitted,
                    id=f"{case}-{call}-{'fitted' if fitted else 'unfitted'}",
                )  # fmt: skip


@pytest.mark.parametrize(("case", "call", "fitted"), list(failure_calls()))
def test_a_failed_call_leaves_the_estimator_as_it_was(
    case, call, fitted, fitted_template
):
    spec = FAILURES[case]
    model = copy.deepcopy(fitted_template) if fitted else clone(TEMPLATE)
    model.set_params(warm_start=call == "warm", **spec.get("params", {}))
    before = observable_state(model)
    inputs = (spec.get("X", X), spec.get("y", Y), spec.get("sample_weight"))
    method = model.partial_fit if call == "partial" else model.fit
    with pytest.raises(spec["error"], match=spec["match"]):
        method(*inputs)
    assert observable_state(model) == before
    if fitted:  # and still usable
        np.testing.assert_array_equal(model.predict(X), fitted_template.predict(X))


def test_a_fit_that_succeeds_after_a_failed_one_is_unaffected(fitted_template):
    model = clone(TEMPLATE)
    with pytest.raises(ValueError):
        model.fit(with_gap(X), Y)
    model.fit(X, Y)
    assert_same_model(model, fitted_template)


def test_refit_with_other_features_replaces_the_whole_model(fitted_template):
    """A fresh fit with another feature count: no stale network stays."""
    model = copy.deepcopy(fitted_template)
    model.fit(X[:, :, :1], Y)
    assert model.n_features_in_ == 1
    assert model.net_.module_.rnn.input_size == 1
    assert model.predict(X[:, :, :1]).shape == (len(X),)


# ------------------------------------------------- Ctrl-C at torch import

CHILD = textwrap.dedent(
    """
    import signal
    import numpy as np
    from sklstm import LSTMRegressor

    X = np.random.default_rng(0).normal(size=(20, 3, 1))
    y = X[:, -1, 0]
    print("ready", flush=True)
    try:
        try:
            LSTMRegressor(hidden_size=4, max_epochs=2, random_state=0).fit(X, y)
        finally:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    except KeyboardInterrupt:
        pass
    model = LSTMRegressor(hidden_size=4, max_epochs=2, random_state=0).fit(X, y)
    print("second fit", model.predict(X[:1]).shape, flush=True)
    """
)


def interrupt_first_fits(n_runs, max_delay):
    """Start ``n_runs`` fresh processes; Ctrl-C each at a random early moment."""
    env = dict(
        os.environ,
        PYTHONPATH=str(Path(__file__).parents[1]),
        OMP_NUM_THREADS="1",
    )
    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        for _ in range(n_runs)
    ]
    for child in children:
        assert child.stdout.readline().strip() == "ready"
    # The first fit imports torch, which takes seconds: these delays land in
    # its import or just after it.
    delays = random.Random(0).sample(range(int(max_delay * 1000)), n_runs)
    start = time.monotonic()
    for delay, child in sorted(zip(delays, children, strict=True)):
        time.sleep(max(0.0, start + delay / 1000 - time.monotonic()))
        child.send_signal(signal.SIGINT)
    results = []
    for child in children:
        out, err = child.communicate(timeout=600)
        results.append((child.returncode, out, err))
    return results


@pytest.mark.skipif(not hasattr(signal, "pthread_sigmask"), reason="POSIX signals")
@pytest.mark.parametrize(
    "n_runs",
    [
        2,
        # Each run is a fresh interpreter importing torch: ~1 minute on two
        # busy cores.
        pytest.param(15, marks=pytest.mark.slow),
    ],
)
def test_ctrl_c_during_the_first_fit_leaves_torch_working(n_runs):
    for returncode, out, err in interrupt_first_fits(n_runs, max_delay=1.5):
        assert returncode == 0, err  # no segfault, no broken torch
        assert "second fit (1,)" in out, err


# ------------------------------------------------------- torch's global modes


@pytest.mark.parametrize("mode", ["inference_mode", "no_grad"])
def test_a_fit_inside_a_no_gradient_mode_equals_a_plain_fit(mode):
    # Inference mode made fit fail deep in autograd ("element 0 of tensors
    # does not require grad"); a fit now leaves it for its own duration.
    plain = LSTMRegressor(**DROPOUT_MODELS["lstm"]).fit(X, Y)
    with getattr(torch, mode)():
        inside = LSTMRegressor(**DROPOUT_MODELS["lstm"]).fit(X, Y)
        assert torch.is_inference_mode_enabled() == (mode == "inference_mode")
        np.testing.assert_array_equal(inside.predict(X), plain.predict(X))
    assert_same_model(inside, plain)


def test_predict_and_load_work_under_a_float64_default_dtype(tmp_path):
    # fit refuses (tests/test_bad_input.py); a fitted or saved model serves.
    from sklstm import load_model, save_model

    model = LSTMRegressor(**DROPOUT_MODELS["lstm"]).fit(X, Y)
    expected = model.predict(X)
    save_model(model, tmp_path / "model.sklstm")
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        np.testing.assert_array_equal(model.predict(X), expected)
        loaded = load_model(tmp_path / "model.sklstm")
        np.testing.assert_array_equal(loaded.predict(X), expected)
    finally:
        torch.set_default_dtype(before)
    assert_same_model(loaded, model)
