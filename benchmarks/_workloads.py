"""The benchmark workloads; each returns rows of the final table."""

from __future__ import annotations

import io
import json
import math
import os
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import _contention
import numpy as np
import torch
from _baselines import (
    fit_dataloader,
    fit_keras,
    fit_plain_loop,
    fit_skorch,
    keras_available,
    predict_plain,
)
from _harness import (
    DEFAULT_THREADS,
    Contender,
    Row,
    best_threads,
    fmt_ms,
    fmt_rate,
    fmt_s,
    interleaved,
    median,
    per_call_blocks,
    thread_variants,
    threads_note,
    torch_threads,
    verdict,
)

import sklstm
from sklstm import LSTMRegressor, frame_windows
from sklstm.nn._torch_threads import predict_block_rows

HERE = Path(__file__).resolve().parent
CHILD = HERE / "_child.py"


def child_env(**overrides) -> dict:
    """The environment of a child: it imports the sklstm of this checkout.

    A script's own folder (benchmarks/) heads its sys.path, not the working
    directory, so without this a child would import whichever sklstm is
    installed (another checkout's, for an editable install elsewhere).
    """
    path = os.pathsep.join(
        p for p in (str(HERE.parent), os.environ.get("PYTHONPATH")) if p
    )
    return {**os.environ, "PYTHONPATH": path, **overrides}


@dataclass
class Config:
    quick: bool = False
    full: bool = False
    w1_repeats: int = 7
    w2_windows: int = 20_000
    w2_repeats: int = 5
    w2_predict_repeats: int = 5
    w3_calls: int = 2000
    mem_steps: int = 1_000_000
    mem_timeout: float = 180.0
    panel_series: int = 10_000
    panel_steps: int = 200
    panel_window: int = 48
    panel_timeout: float = 300.0
    import_repeats: int = 3
    gs_repeats: int = 3
    gs_epochs: int = 30
    ct_windows: int = 4096
    ct_repeats: int = 2
    ct_rounds: int = 2
    ct_timeout: float = 120.0

    @classmethod
    def make(cls, *, quick: bool, full: bool, mem_timeout: float | None):
        cfg = cls(quick=quick, full=full)
        if full:
            cfg.w2_windows = 50_000
        if quick:
            cfg.w1_repeats = 2
            cfg.w2_windows = 2_048
            cfg.w2_repeats = 1
            cfg.w2_predict_repeats = 2
            cfg.w3_calls = 50
            cfg.mem_steps = 20_000
            cfg.mem_timeout = 60.0
            cfg.panel_series = 200
            cfg.panel_timeout = 60.0
            cfg.import_repeats = 1
            cfg.gs_repeats = 1
            cfg.gs_epochs = 5
            cfg.ct_windows = 1024
            cfg.ct_repeats = 1
            cfg.ct_rounds = 1
            cfg.ct_timeout = 60.0
        if mem_timeout is not None:
            cfg.mem_timeout = cfg.panel_timeout = mem_timeout
        return cfg


# Models fitted by W1, reused by W3 (fitted on demand when W3 runs alone).
_STATE: dict[str, object] = {}

W1_KW = dict(hidden=50, epochs=100, batch_size=32)


def _w1_data():
    return frame_windows(np.arange(2.0, 202.0, 2.0), window_length=3)


def _w1_sklstm(X, y, **params):
    return LSTMRegressor(
        hidden_size=50, max_epochs=100, batch_size=32, random_state=0, **params
    ).fit(X, y)


# The same 100 epochs as the baselines: the convergence stop never triggers.
W1_ALL_EPOCHS = dict(n_iter_no_change=100)
W1_WINDOW = np.array([[[196.0], [198.0], [200.0]]])


def _next_even(model) -> str:
    """What a fitted W1 model predicts after [196, 198, 200], rounded."""
    if isinstance(model, tuple):  # a baseline: (module, Standardised)
        module, data = model
        module.eval()
        with torch.inference_mode():
            scaled = module(torch.from_numpy(data.transform(W1_WINDOW))).double()
        value = float(scaled.numpy()[0, 0] * data.y_std[0] + data.y_mean[0])
        module.train()
    else:
        value = float(model.predict(W1_WINDOW)[0])
    return f"predicts {round(value)}"


def _ratio(a: float, b: float, label: str) -> str:
    return f"{label} = {a / b:.2f}x"


# --------------------------------------------------------------------- W1


def w1(cfg: Config) -> list[Row]:
    """Seed task fit: 97 x 3 x 1, hidden 50, 100 epochs, batch 32."""
    X, y = _w1_data()

    def plain():
        _STATE["w1_plain"] = fit_plain_loop(X, y, **W1_KW)

    def fit_sklstm():
        _STATE["w1_sklstm"] = _w1_sklstm(X, y)

    def fit_sklstm_all_epochs():
        _STATE["w1_sklstm_100"] = _w1_sklstm(X, y, **W1_ALL_EPOCHS)

    baselines = {
        "plain": plain,
        "dataloader": partial(fit_dataloader, X, y, **W1_KW),
        "skorch": partial(fit_skorch, X, y, **W1_KW),
    }
    keras_ok, keras_why = keras_available()
    if keras_ok:
        baselines["keras"] = partial(fit_keras, X, y, **W1_KW)
    contenders = [
        Contender(f"{name}@{t}", fn, t)
        for name, fn in baselines.items()
        for t in thread_variants()
    ]
    contenders.append(Contender("sklstm", fit_sklstm, None))
    contenders.append(Contender("sklstm100", fit_sklstm_all_epochs, None))
    times = interleaved(contenders, cfg.w1_repeats, warmup=1)

    W = "W1 seed fit"
    best = {name: best_threads(times, name) for name in baselines}
    t_plain = best["plain"][1]
    t_sklstm = median(times["sklstm"])
    t_all = median(times["sklstm100"])
    t_skorch = best["skorch"][1]
    rows = [
        Row(
            W,
            "plain torch loop",
            t_plain,
            "s",
            "baseline",
            note=threads_note(best["plain"][0], best["plain"][2], fmt_s),
        ),
        Row(
            W,
            "torch DataLoader(TensorDataset)",
            best["dataloader"][1],
            "s",
            _ratio(best["dataloader"][1], t_plain, "/plain torch"),
            note=threads_note(best["dataloader"][0], best["dataloader"][2], fmt_s),
        ),
        Row(
            W,
            "skorch NeuralNetRegressor",
            t_skorch,
            "s",
            _ratio(t_skorch, t_all, "skorch/sklstm 100 epochs"),
            ">= 1.5x",
            verdict(t_skorch / t_all >= 1.5),
            note=threads_note(best["skorch"][0], best["skorch"][2], fmt_s),
        ),
    ]
    if keras_ok:
        rows.append(
            Row(
                W,
                "keras LSTM",
                best["keras"][1],
                "s",
                _ratio(best["keras"][1], t_sklstm, "keras/sklstm"),
                note=threads_note(best["keras"][0], best["keras"][2], fmt_s),
            )
        )
    else:
        rows.append(Row(W, "keras LSTM", None, "s", note=f"skipped: {keras_why}"[:80]))
    rows[0].note += f"; {_next_even(_STATE['w1_plain'])}"
    rows += [
        Row(
            W,
            "sklstm LSTMRegressor.fit, all 100 epochs",
            t_all,
            "s",
            _ratio(t_all, t_plain, "sklstm/plain torch"),
            "<= 1.10x",
            verdict(t_all / t_plain <= 1.10),
            note=f"n_iter_no_change=100; {_next_even(_STATE['w1_sklstm_100'])}; "
            "validation, scaling, net construction included",
        ),
        Row(
            W,
            "sklstm LSTMRegressor.fit (defaults: stops at convergence)",
            t_sklstm,
            "s",
            _ratio(t_plain, t_sklstm, "plain torch/sklstm"),
            ">= 3x",
            verdict(t_plain / t_sklstm >= 3),
            note=f"{_STATE['w1_sklstm'].n_iter_} epochs; "
            f"{_next_even(_STATE['w1_sklstm'])}; threads chosen by sklstm",
        ),
    ]
    return rows


# --------------------------------------------------------------------- W2

W2_HIDDEN = 64
W2_STEPS = 48
W2_FEATURES = 3
W2_BATCH = 256


def _w2_data(n: int):
    rng = np.random.default_rng(0)
    t = np.arange(W2_STEPS, dtype=np.float32)
    phase = rng.uniform(0, 2 * np.pi, size=(n, 1, 1)).astype(np.float32)
    freq = np.array([0.1, 0.23, 0.37], dtype=np.float32)
    X = np.sin(phase + t[None, :, None] * freq[None, None, :])
    X += 0.1 * rng.standard_normal(X.shape, dtype=np.float32)
    y = np.sin(phase[:, 0, 0] + W2_STEPS * freq[0]) + 0.05 * rng.standard_normal(n)
    return X.astype(np.float32), y.astype(np.float32)


def _w2_sklstm(X, y, precision="float32"):
    model = LSTMRegressor(
        hidden_size=W2_HIDDEN,
        batch_size=W2_BATCH,
        max_epochs=1,
        target_mode="level",
        random_state=0,
    )
    try:
        model.set_params(precision=precision)
    except ValueError:  # an LSTMRegressor without the parameter yet
        model.precision = precision
    return model.fit(X, y)


def _bf16_ok() -> bool:
    from sklstm.nn._precision import bf16_supported

    return bf16_supported("cpu")


def w2(cfg: Config) -> list[Row]:
    """Training and batch-predict throughput: n x 48 x 3, hidden 64, batch 256."""
    n = cfg.w2_windows
    X, y = _w2_data(n)
    kw = dict(hidden=W2_HIDDEN, epochs=1, batch_size=W2_BATCH)
    W = f"W2 train {n // 1000}k x48x3"
    fitted = {}

    def make(name, fn):
        def run(Xa=X, ya=y):
            fitted[name] = fn(Xa, ya)

        return run

    baselines = {
        "plain": make("plain", partial(fit_plain_loop, **kw)),
        "dataloader": make("dataloader", partial(fit_dataloader, **kw)),
        "skorch": make("skorch", partial(fit_skorch, **kw)),
    }
    contenders = [
        Contender(f"{name}@{t}", fn, t)
        for name, fn in baselines.items()
        for t in thread_variants()
    ]
    contenders.append(Contender("sklstm", make("sklstm", _w2_sklstm), None))
    bf16 = _bf16_ok()
    if bf16:
        bf16_fit = partial(_w2_sklstm, precision="bf16-mixed")
        contenders.append(Contender("sklstm_bf16", make("sklstm_bf16", bf16_fit), None))
    # Warm-up on a slice (first-call costs), then the timed full runs.
    small = min(n, 1024)
    for c in contenders:
        with torch_threads(c.threads):
            c.fn(X[:small], y[:small])
    times = interleaved(contenders, cfg.w2_repeats, warmup=0)

    def rate(seconds):
        return n / seconds

    best = {name: best_threads(times, name) for name in baselines}
    r_plain = rate(best["plain"][1])
    r_sklstm = rate(median(times["sklstm"]))

    def note(name):
        chosen, _, by = best[name]
        return threads_note(chosen, {t: rate(v) for t, v in by.items()}, fmt_rate)

    rows = [
        Row(
            W, "plain torch loop", r_plain, "samples/s", "baseline", note=note("plain")
        ),
        Row(
            W,
            "torch DataLoader(TensorDataset)",
            rate(best["dataloader"][1]),
            "samples/s",
            _ratio(rate(best["dataloader"][1]), r_plain, "/plain torch"),
            note=note("dataloader"),
        ),
        Row(
            W,
            "skorch NeuralNetRegressor",
            rate(best["skorch"][1]),
            "samples/s",
            _ratio(rate(best["skorch"][1]), r_plain, "/plain torch"),
            note=note("skorch"),
        ),
        Row(
            W,
            "sklstm LSTMRegressor.fit",
            r_sklstm,
            "samples/s",
            _ratio(r_sklstm, r_plain, "sklstm/plain torch"),
            ">= 1.0x",
            verdict(r_sklstm / r_plain >= 1.0),
            note=f"1 epoch, whole fit call; torch threads chosen by sklstm "
            f"({_sklstm_threads(fitted['sklstm'], X)})",
        ),
    ]

    if bf16:
        r_bf16 = rate(median(times["sklstm_bf16"]))
        rows.append(
            Row(
                W,
                "sklstm LSTMRegressor.fit, precision='bf16-mixed'",
                r_bf16,
                "samples/s",
                _ratio(r_bf16, r_plain, "sklstm bf16/plain torch fp32"),
                ">= 1.5x",
                verdict(r_bf16 / r_plain >= 1.5),
                note="autocast forward, float32 weights and loss",
            )
        )
        rows += _w2_heldout_loss(fitted, n)
    else:
        rows.append(
            Row(
                W,
                "sklstm bf16-mixed",
                None,
                "samples/s",
                note="skipped: no native bf16",
            )
        )

    # ---- batch predict throughput (all n windows, chunks of 4096)
    plain_model, plain_data = fitted["plain"]
    sk = fitted["sklstm"]
    pred = [
        Contender(f"plain@{t}", partial(predict_plain, plain_model, plain_data, X), t)
        for t in thread_variants()
    ]
    pred.append(Contender("sklstm", partial(sk.predict, X), None))
    ptimes = interleaved(pred, cfg.w2_predict_repeats, warmup=1)
    pt, pbest, pby = best_threads(ptimes, "plain")
    rp_plain = rate(pbest)
    rp_sklstm = rate(median(ptimes["sklstm"]))
    WP = f"W2 predict {n // 1000}k x48x3"
    rows += [
        Row(
            WP,
            "plain module fwd (inference_mode)",
            rp_plain,
            "samples/s",
            "baseline",
            note="scaling + chunks of 4096; "
            + threads_note(pt, {t: rate(v) for t, v in pby.items()}, fmt_rate),
        ),
        Row(
            WP,
            "sklstm predict",
            rp_sklstm,
            "samples/s",
            _ratio(rp_sklstm, rp_plain, "sklstm/plain"),
            ">= 1.0x",
            verdict(rp_sklstm / rp_plain >= 1.0),
            note="validation + NaN scan included; blocks of "
            f"{predict_block_rows(W2_HIDDEN)} rows",
        ),
    ]

    # ---- FLOP ceiling: the gate matmuls alone, batch 256, 48 steps, fwd only
    k = W2_HIDDEN + W2_FEATURES
    A = torch.randn(W2_BATCH, k)
    B = torch.randn(k, 4 * W2_HIDDEN)
    x256 = torch.from_numpy(plain_data.transform(X[:W2_BATCH]))
    plain_model.eval()

    def gate_matmuls():
        for _ in range(W2_STEPS):
            torch.matmul(A, B)

    def lstm_fwd():
        with torch.inference_mode():
            plain_model(x256)

    ceil = []
    for t in thread_variants():
        ceil.append(Contender(f"matmul@{t}", gate_matmuls, t))
        ceil.append(Contender(f"fwd@{t}", lstm_fwd, t))
    n_calls = 20 if cfg.quick else 100
    ctimes = per_call_blocks(ceil, n_calls=n_calls, n_blocks=5, warmup=5)
    mt, mbest, mby = best_threads(ctimes, "matmul")
    ft, fbest, fby = best_threads(ctimes, "fwd")
    r_ceiling = W2_BATCH / mbest
    r_fwd = W2_BATCH / fbest
    gflops = 2 * W2_BATCH * k * 4 * W2_HIDDEN * W2_STEPS / mbest / 1e9
    WC = "W2 fwd vs FLOP ceiling"
    rows += [
        Row(
            WC,
            f"torch.matmul {W2_BATCH}x{k} @ {k}x{4 * W2_HIDDEN}, x{W2_STEPS}",
            r_ceiling,
            "samples/s",
            "ceiling",
            note=f"{gflops:.1f} GFLOP/s; "
            + threads_note(mt, {t: W2_BATCH / v for t, v in mby.items()}, fmt_rate),
        ),
        Row(
            WC,
            "plain LSTM fwd, batch 256",
            r_fwd,
            "samples/s",
            f"{100 * r_fwd / r_ceiling:.0f}% of ceiling",
            note=threads_note(ft, {t: W2_BATCH / v for t, v in fby.items()}, fmt_rate),
        ),
        Row(
            WC,
            "sklstm predict (blocks of predict_block_rows)",
            rp_sklstm,
            "samples/s",
            f"{100 * rp_sklstm / r_ceiling:.0f}% of ceiling",
            note="same number as the W2 predict row",
        ),
    ]
    return rows


def _w2_heldout_loss(fitted, n: int) -> list[Row]:
    """MSE of the one-epoch fp32 and bf16 fits on fresh windows of W2's task."""
    X_new, y_new = _w2_data(n + 4096)
    X_new, y_new = X_new[n:], y_new[n:]  # other phases and noise than training

    def mse(model):
        return float(np.mean((model.predict(X_new) - y_new) ** 2))

    exact, mixed = mse(fitted["sklstm"]), mse(fitted["sklstm_bf16"])
    W = "W2 held-out MSE, 4096 windows"
    return [
        Row(W, "sklstm float32, 1 epoch", exact, "mse", "baseline"),
        Row(
            W,
            "sklstm bf16-mixed, 1 epoch",
            mixed,
            "mse",
            _ratio(mixed, exact, "bf16/fp32"),
            "<= 1.01x",
            verdict(mixed / exact <= 1.01),
            note="predict under the same autocast (float32 weights)",
        ),
    ]


def _sklstm_threads(model, X) -> str:
    from sklstm.nn._torch_threads import choose_num_threads

    n = choose_num_threads(
        model.n_threads,
        min(len(X), model.batch_size),
        *X.shape[1:2],
        W2_HIDDEN,
        X.shape[2],
    )
    return f"{n} thread" + ("s" if n != 1 else "")


# --------------------------------------------------------------------- W3


def _w3_models():
    if "w1_plain" not in _STATE or "w1_sklstm" not in _STATE:
        X, y = _w1_data()
        _STATE["w1_plain"] = fit_plain_loop(X, y, **W1_KW)
        _STATE["w1_sklstm"] = _w1_sklstm(X, y)
    return _STATE["w1_plain"], _STATE["w1_sklstm"]


def w3(cfg: Config) -> list[Row]:
    """Predict one window (1 x 3 x 1) with the W1 model."""
    (plain_model, plain_data), sk = _w3_models()
    window = np.array([[[196.0], [198.0], [200.0]]])
    x = torch.from_numpy(plain_data.transform(window))
    plain_model.eval()
    module = sk.net_.module_
    module.eval()

    def bare():
        with torch.inference_mode():
            plain_model(x)

    def sk_module():
        with torch.inference_mode():
            module(x)

    contenders = [Contender(f"bare@{t}", bare, t) for t in thread_variants()]
    contenders += [
        Contender("module@1", sk_module, 1),
        Contender("predict", partial(sk.predict, window), None),
    ]
    if DEFAULT_THREADS != 1:
        contenders.append(Contender("predict@1", partial(sk.predict, window), 1))
    times = per_call_blocks(contenders, n_calls=cfg.w3_calls, n_blocks=20, warmup=200)
    ms = {k: 1e3 * median(v) for k, v in times.items()}
    bt, _, by = best_threads(times, "bare")
    t_bare = 1e3 * by[bt]
    W = "W3 predict 1x3x1"
    rows = [
        Row(
            W,
            "bare PlainLSTM fwd (inference_mode)",
            t_bare,
            "ms",
            "baseline",
            note="prebuilt tensor; "
            + threads_note(bt, {t: 1e3 * v for t, v in by.items()}, fmt_ms),
        ),
        Row(
            W,
            "sklstm net_.module_ fwd",
            ms["module@1"],
            "ms",
            _ratio(ms["module@1"], t_bare, "/bare"),
            note="1 thread; module(x): includes its NaN test (isnan + any), "
            "which predict skips after its own scan",
        ),
        Row(
            W,
            "sklstm predict",
            ms["predict"],
            "ms",
            _ratio(ms["predict"], t_bare, "sklstm/bare"),
            "<= 1.1x",
            verdict(ms["predict"] / t_bare <= 1.1),
            note=f"process at torch default ({DEFAULT_THREADS} threads); "
            "validation + scaling included",
        ),
    ]
    if "predict@1" in ms:
        rows.append(
            Row(
                W,
                "sklstm predict, process at 1 thread",
                ms["predict@1"],
                "ms",
                _ratio(ms["predict@1"], t_bare, "sklstm/bare"),
                note="no set_num_threads switch per call",
            )
        )
    return rows


# ------------------------------------------------------------------ memory


def _vm_hwm_mb(pid: int) -> float | None:
    """Peak RSS of a running child, or None before it has exec'd _child.py.

    Between fork and exec /proc shows the parent's memory (the benchmark
    process itself), so readings count only once the command line is the
    child's.
    """
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as fh:
            if CHILD.name.encode() not in fh.read():
                return None
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def run_child(args: list[str], timeout: float):
    """Run ``_child.py`` with ``args``, polling its peak RSS (VmHWM).

    Returns ``(records, peak_mb, seconds, timed_out, stderr)``; on timeout
    the child is stopped and the records it printed so far are returned.
    """
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, str(CHILD), *args],
            stdout=out,
            stderr=err,
            env=child_env(),
        )
        peak = 0.0
        timed_out = False
        while proc.poll() is None:
            hwm = _vm_hwm_mb(proc.pid)
            if hwm is not None:
                peak = max(peak, hwm)
            if time.perf_counter() - t0 > timeout:
                timed_out = True
                proc.kill()  # only the child started here
                proc.wait()
                break
            time.sleep(0.2)
        seconds = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        records = [json.loads(line) for line in out if line.startswith("{")]
        stderr = err.read()
    for r in records:
        for key in ("rss_mb", "peak_rss_mb", "batch_rss_mb"):
            if key in r:
                peak = max(peak, r[key])
    return records, peak, seconds, timed_out, stderr


def memory(cfg: Config) -> list[Row]:
    n = cfg.mem_steps
    label = f"{n / 1e6:g}M" if n >= 1_000_000 else f"{n // 1000}k"
    W = f"MEM {label}-step series"
    base_recs, base_peak, _, _, base_err = run_child(
        ["memory-base", str(n)], timeout=300
    )
    if not base_recs:
        return [Row(W, "baseline process", None, "MB", note=base_err[-80:])]
    recs, peak, seconds, timed_out, err = run_child(
        ["memory-fit", str(n)], timeout=cfg.mem_timeout
    )
    ready = next((r for r in recs if r.get("phase") == "ready"), None)
    done = next((r for r in recs if r.get("phase") == "done"), None)
    batches = [r for r in recs if "batch" in r]
    n_batches = math.ceil((n - 1) / 4096)
    goal_applies = n == 1_000_000
    rows = [
        Row(
            W,
            "baseline: import sklstm+torch+skorch, build series",
            base_peak,
            "MB",
            note="peak RSS of a child process",
        )
    ]
    if done is not None:
        rows += [
            Row(
                W,
                "Pipeline(SlidingWindow(256), LSTM(h=4, b=4096)).fit peak",
                peak,
                "MB",
                f"+{peak - base_peak:.0f} MB over baseline",
                "< 600 MB",
                verdict(peak < 600) if goal_applies else "n/a (not 1M)",
            ),
            Row(
                W,
                "same fit: time",
                done["fit_s"],
                "s",
                goal="<= ~180 s",
                met=verdict(done["fit_s"] <= 180),
                note=f"{n_batches} batches",
            ),
        ]
        return rows
    where = "before training started (data checks)"
    estimate = ""
    if batches:
        last = batches[-1]
        where = f"after batch {last['batch']}/{n_batches}"
        per_batch = last["t"] / last["batch"]
        total = per_batch * n_batches
        estimate = f"; ~{per_batch:.1f} s/batch -> est. {total:.0f} s for all batches"
        if ready:
            start = ready["setup_s"]
            estimate += f" (+{start:.0f} s setup)"
    if not timed_out:
        rows.append(Row(W, "fit", None, "MB", note=f"failed: {err[-120:]}"))
        return rows
    rows += [
        Row(
            W,
            "Pipeline(SlidingWindow(256), LSTM(h=4, b=4096)).fit peak",
            peak,
            "MB",
            f"+{peak - base_peak:.0f} MB over baseline",
            "< 600 MB",
            (verdict(peak < 600) if goal_applies else "n/a (not 1M)") + " (partial)",
            note=f"peak until stopped {where}",
        ),
        Row(
            W,
            "same fit: time",
            seconds,
            "s",
            goal="<= ~180 s",
            met="NO",
            note=f"> {cfg.mem_timeout:.0f} s, stopped {where}{estimate}",
        ),
    ]
    return rows


# ------------------------------------------------------------------ panel


def panel(cfg: Config) -> list[Row]:
    """One epoch on the lazy windows of a panel: memory bounded by batches."""
    size = [str(cfg.panel_series), str(cfg.panel_steps), str(cfg.panel_window)]
    n_series = f"{cfg.panel_series / 1000:g}k" if cfg.panel_series >= 1000 else ""
    W = f"PANEL {n_series or cfg.panel_series} x {cfg.panel_steps}"
    base_recs, base_peak, _, _, base_err = run_child(["panel-base", *size], 300)
    if not base_recs:
        return [Row(W, "baseline process", None, "MB", note=base_err[-80:])]
    ready = base_recs[0]
    dense = f"dense windows would be {ready['dense_mb']:,.0f} MB"
    recs, peak, seconds, timed_out, err = run_child(
        ["panel-fit", *size], timeout=cfg.panel_timeout
    )
    done = next((r for r in recs if r.get("phase") == "done"), None)
    batches = [r for r in recs if "batch" in r]
    n_batches = math.ceil(ready["n_windows"] / 4096)
    goal_applies = cfg.panel_series == 10_000
    rows = [
        Row(
            W,
            "baseline: import sklstm+torch+skorch, build the panel rows",
            base_peak,
            "MB",
            note=f"peak RSS of a child process; {ready['n_windows']:,} windows",
        )
    ]
    if done is None and not timed_out:
        rows.append(Row(W, "fit", None, "MB", note=f"failed: {err[-120:]}"))
        return rows
    where = "" if done else f" (stopped after batch {len(batches)}/{n_batches})"
    rows += [
        Row(
            W,
            f"LSTM(h=4, b=4096).fit(LazyWindows({cfg.panel_window})) peak",
            peak,
            "MB",
            f"+{peak - base_peak:.0f} MB over baseline",
            "< 600 MB over baseline",
            verdict(peak - base_peak < 600) if goal_applies else "n/a (not 10k)",
            note=dense + where,
        ),
        Row(
            W,
            "same fit (1 epoch): time",
            done["fit_s"] if done else seconds,
            "s",
            note=f"{n_batches} batches{where}",
        ),
    ]
    return rows


# ------------------------------------------------------------------ import


def imports(cfg: Config) -> list[Row]:
    modes = ["import-sklstm", "import-torch", "import-stack"]
    results = {m: [] for m in modes}
    for m in modes:  # warm the file cache
        run_child([m], timeout=120)
    for r in range(cfg.import_repeats):
        for i in range(len(modes)):
            m = modes[(r + i) % len(modes)]
            recs, *_ = run_child([m], timeout=120)
            results[m].append(recs[0])
    sec = {m: median([r["seconds"] for r in v]) for m, v in results.items()}
    torch_loaded = any(r["torch_loaded"] for r in results["import-sklstm"])
    skorch_loaded = any(r["skorch_loaded"] for r in results["import-sklstm"])
    W = "IMPORT"
    return [
        Row(W, "import torch", sec["import-torch"], "s", "baseline"),
        Row(
            W,
            "import skorch, sklearn, pandas",
            sec["import-stack"],
            "s",
            _ratio(sec["import-stack"], sec["import-torch"], "/torch"),
            note="skorch imports torch",
        ),
        Row(
            W,
            "import sklstm",
            sec["import-sklstm"],
            "s",
            _ratio(sec["import-sklstm"], sec["import-torch"], "sklstm/torch"),
            "torch not imported",
            verdict(not torch_loaded),
            note=f"'torch' in sys.modules: {torch_loaded}; 'skorch': {skorch_loaded}",
        ),
    ]


# -------------------------------------------------------------- GridSearch


def _gs_setup(epochs: int):
    import pandas as pd
    from sklearn.model_selection import GridSearchCV, TimeSeriesSplit
    from sklearn.pipeline import make_pipeline

    rng = np.random.default_rng(0)
    t = np.arange(600)
    series = pd.Series(
        np.sin(2 * np.pi * t / 25.0) + 0.2 * rng.standard_normal(600), name="y"
    )
    X, y = sklstm.frame_supervised(series)
    pipe = make_pipeline(
        sklstm.SlidingWindowTransformer(window_length=12),
        LSTMRegressor(max_epochs=epochs, random_state=0),
    )
    grid = {
        "slidingwindowtransformer__window_length": [6, 12],
        "lstmregressor__hidden_size": [16, 32],
    }

    def search(n_jobs):
        GridSearchCV(pipe, grid, cv=TimeSeriesSplit(3), n_jobs=n_jobs).fit(X, y)

    return search


def gridsearch(cfg: Config) -> list[Row]:
    search = _gs_setup(cfg.gs_epochs)
    t0 = time.perf_counter()
    search(2)  # starts joblib's worker processes
    cold = time.perf_counter() - t0
    contenders = [
        Contender("n_jobs=1", partial(search, 1)),
        Contender("n_jobs=2", partial(search, 2)),
    ]
    times = interleaved(contenders, cfg.gs_repeats, warmup=0)
    t1 = median(times["n_jobs=1"])
    t2 = median(times["n_jobs=2"])
    W = f"GS 4 cand x TSS(3), {cfg.gs_epochs} ep"
    return [
        Row(W, "GridSearchCV n_jobs=1", t1, "s", "baseline", note="13 fits"),
        Row(
            W,
            "GridSearchCV n_jobs=2",
            t2,
            "s",
            _ratio(t2, t1, "n_jobs=2/n_jobs=1"),
            "< 1.0x",
            verdict(t2 < t1),
            note=f"{os.cpu_count()} cores; warm joblib workers",
        ),
        Row(
            W,
            "GridSearchCV n_jobs=2, first call",
            cold,
            "s",
            _ratio(cold, t1, "/n_jobs=1"),
            note="includes starting the workers (imports torch there)",
        ),
    ]


# ----------------------------------------------------------------- profile


def profile_w1(top: int = 25) -> str:
    """cProfile one W1 sklstm fit (after a warm-up fit); the report as text."""
    import cProfile
    import pstats

    X, y = _w1_data()
    _w1_sklstm(X, y)
    prof = cProfile.Profile()
    prof.enable()
    _w1_sklstm(X, y)
    prof.disable()
    buf = io.StringIO()
    # Python-level costs inside sklstm and skorch (paths kept for the filter).
    own = pstats.Stats(prof, stream=buf)
    buf.write("== W1 sklstm fit: functions in sklstm/ and skorch/, by own time ==\n")
    own.sort_stats("tottime").print_stats(r"(sklstm|skorch)/", top)
    stats = pstats.Stats(prof, stream=buf).strip_dirs()
    buf.write("== W1 sklstm fit, everything, sorted by internal time ==\n")
    stats.sort_stats("tottime").print_stats(top)
    buf.write("== sorted by cumulative time ==\n")
    stats.sort_stats("cumulative").print_stats(top)
    return buf.getvalue()


WORKLOADS = {
    "W1": w1,
    "W2": w2,
    "W3": w3,
    "MEM": memory,
    "PANEL": panel,
    "IMPORT": imports,
    "GS": gridsearch,
    "CT": lambda cfg: _contention.contention(cfg, CHILD, child_env()),
}


def quiet_warnings():
    from sklearn.exceptions import ConvergenceWarning

    warnings.simplefilter("ignore", sklstm.ExtrapolationWarning)
    # One-epoch and all-100-epoch fits are unconverged on purpose.
    warnings.simplefilter("ignore", ConvergenceWarning)
