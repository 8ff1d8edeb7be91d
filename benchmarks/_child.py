"""Subprocess entry points, so that import time and peak memory are clean.

Run as ``python benchmarks/_child.py MODE [ARGS]``; prints JSON lines.

Modes
-----
import-sklstm, import-torch, import-stack
    Time one import statement in a fresh interpreter.
memory-base N
    Import sklstm, torch and skorch and build an N-step series with
    ``frame_supervised``; report peak RSS.
memory-fit N
    The same, then fit ``Pipeline(SlidingWindowTransformer(256),
    LSTMRegressor(hidden_size=4, batch_size=4096, max_epochs=1,
    target_mode="level"))``; prints a line per training batch (so a parent
    that stops a long run knows how far it got) and the peak RSS at the end.
panel-base S T L, panel-fit S T L
    Import sklstm, torch and skorch and build a panel of S series of T
    steps as ``LazyWindows`` of L steps (every row but each series' last;
    y = the next value); ``panel-fit`` then fits ``LSTMRegressor(hidden_size=4,
    batch_size=4096, max_epochs=1)`` on it, one line per training batch, and
    reports the peak RSS and the size the dense windows would take.
contention-sklstm N R [H B T], contention-plain N R
    R timed one-epoch fits on N x 48 x 3 windows (after a warm-up fit on
    512): ``LSTMRegressor(hidden_size=H, batch_size=B, max_epochs=1,
    target_mode="level")`` (H 50, B 32 by default; ``n_threads=T`` unless T
    is 0, the default) as a user would call it, or the hand-written torch
    loop at torch's default threads and wait policy; one line per fit.
"""

from __future__ import annotations

import json
import resource
import sys
import time

WINDOW = 256
BATCH = 4096


def _peak_rss_mb() -> float:
    """This process's peak RSS in MB.

    VmHWM, not ``ru_maxrss``: Linux carries ``ru_maxrss`` across fork + exec,
    so a child of a large parent (the benchmark process) would report the
    parent's peak. ``ru_maxrss`` (KiB on Linux) is the fallback elsewhere.
    """
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _emit(**record) -> None:
    print(json.dumps(record), flush=True)


def _import(mode: str) -> None:
    t0 = time.perf_counter()
    if mode == "import-sklstm":
        import sklstm  # noqa: F401
    elif mode == "import-torch":
        import torch  # noqa: F401
    else:
        import pandas  # noqa: F401
        import sklearn  # noqa: F401
        import skorch  # noqa: F401
    seconds = time.perf_counter() - t0
    _emit(
        seconds=seconds,
        torch_loaded="torch" in sys.modules,
        skorch_loaded="skorch" in sys.modules,
    )


def _series(n_steps: int):
    import numpy as np

    rng = np.random.default_rng(0)
    t = np.arange(n_steps)
    return np.sin(2 * np.pi * t / 50.0) + 0.1 * rng.standard_normal(n_steps)


def _memory(mode: str, n_steps: int) -> None:
    t0 = time.perf_counter()
    import skorch  # noqa: F401
    import torch  # noqa: F401

    import sklstm

    X, y = sklstm.frame_supervised(_series(n_steps))
    _emit(phase="ready", rss_mb=_peak_rss_mb(), setup_s=time.perf_counter() - t0)
    if mode == "memory-base":
        return

    from sklearn.pipeline import make_pipeline

    pipe = make_pipeline(
        sklstm.SlidingWindowTransformer(window_length=WINDOW),
        sklstm.LSTMRegressor(
            hidden_size=4,
            batch_size=BATCH,
            max_epochs=1,
            target_mode="level",
            random_state=0,
            callbacks=[_progress_callback()],
        ),
    )
    t0 = time.perf_counter()
    pipe.fit(X, y)
    _emit(phase="done", fit_s=time.perf_counter() - t0, peak_rss_mb=_peak_rss_mb())


def _panel_windows(n_series: int, n_steps: int, window_length: int):
    import numpy as np

    from sklstm.windows._lazy import LazyWindows, lazy_windows

    rng = np.random.default_rng(0)
    t = np.arange(n_steps)
    phase = rng.integers(0, 50, size=(n_series, 1))
    level = rng.uniform(-3.0, 3.0, size=(n_series, 1))
    values = level + np.sin(2 * np.pi * (t + phase) / 50.0)
    values += 0.1 * rng.standard_normal((n_series, n_steps))
    values = values.reshape(-1, 1)
    starts = np.arange(0, n_series * n_steps, n_steps)
    every = lazy_windows(values, window_length, starts)
    keep = np.flatnonzero((np.arange(len(values)) + 1) % n_steps != 0)
    windows = LazyWindows(values, keep, window_length, every.starts[keep])
    return windows, values[keep + 1, 0]


def _panel(mode: str, n_series: int, n_steps: int, window_length: int) -> None:
    t0 = time.perf_counter()
    import skorch  # noqa: F401
    import torch  # noqa: F401

    import sklstm

    X, y = _panel_windows(n_series, n_steps, window_length)
    _emit(
        phase="ready",
        rss_mb=_peak_rss_mb(),
        setup_s=time.perf_counter() - t0,
        dense_mb=X.nbytes / 2**20,
        n_windows=len(X),
    )
    if mode == "panel-base":
        return
    import warnings

    warnings.simplefilter("ignore")  # one epoch: ConvergenceWarning
    model = sklstm.LSTMRegressor(
        hidden_size=4,
        batch_size=BATCH,
        max_epochs=1,
        random_state=0,
        callbacks=[_progress_callback()],
    )
    t0 = time.perf_counter()
    model.fit(X, y)
    _emit(phase="done", fit_s=time.perf_counter() - t0, peak_rss_mb=_peak_rss_mb())


def _progress_callback():
    """A skorch callback printing a line per training batch."""
    from skorch.callbacks import Callback

    class Progress(Callback):
        def on_train_begin(self, net, **kwargs):
            self.n_batches = 0
            self.t0 = time.perf_counter()

        def on_batch_end(self, net, training=False, **kwargs):
            if training:
                self.n_batches += 1
                _emit(
                    batch=self.n_batches,
                    t=time.perf_counter() - self.t0,
                    batch_rss_mb=_peak_rss_mb(),
                )

    return Progress()


def _contention(
    mode: str, n: int, repeats: int, hidden: int = 50, batch: int = 32, threads=0
) -> None:
    import numpy as np

    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 48, 3)).astype(np.float32)
    y = X[:, -1, 0] + 0.1 * rng.normal(size=n).astype(np.float32)
    if mode == "contention-sklstm":
        import warnings

        from sklstm import LSTMRegressor

        warnings.simplefilter("ignore")  # one epoch: ConvergenceWarning

        def fit(Xa, ya):
            LSTMRegressor(
                hidden_size=hidden,
                batch_size=batch,
                max_epochs=1,
                target_mode="level",
                random_state=0,
                n_threads=threads or None,
            ).fit(Xa, ya)
    else:
        from _baselines import fit_plain_loop

        def fit(Xa, ya):
            fit_plain_loop(Xa, ya, hidden=50, epochs=1, batch_size=32)

    fit(X[:512], y[:512])
    for i in range(repeats):
        t0 = time.perf_counter()
        fit(X, y)
        _emit(fit=i, seconds=time.perf_counter() - t0)


def main(argv: list[str]) -> None:
    mode = argv[0]
    if mode.startswith("import-"):
        _import(mode)
    elif mode in ("memory-base", "memory-fit"):
        _memory(mode, int(argv[1]))
    elif mode in ("panel-base", "panel-fit"):
        _panel(mode, *map(int, argv[1:4]))
    elif mode.startswith("contention-"):
        _contention(mode, *map(int, argv[1:]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
