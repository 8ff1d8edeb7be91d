"""What moves W2's LSTM kernel time: the variants tried, measured side by side.

Times one training step (forward, backward, Adam step) and one inference
forward on W2's batch (256 windows x 48 steps x 3 features, hidden 64) for
each way of computing the same LSTM, interleaved, and prints samples/s and
the ratio to ``nn.LSTM`` with torch's defaults. This is the evidence behind
the "what we tried" list in ``benchmarks/README.md``; sklstm keeps the
variant that wins.

Run: ``.venv/bin/python benchmarks/w2_kernels.py [--compile]``
(``--compile`` adds the ``torch.compile`` variants; their first call compiles
with the C++ toolchain and takes tens of seconds, reported separately.)
"""

from __future__ import annotations

import argparse
import time
import warnings

import torch
from _baselines import PlainLSTM
from _harness import (
    DEFAULT_THREADS,
    Contender,
    median,
    per_call_blocks,
    torch_threads,
)
from torch import nn

BATCH, STEPS, FEATURES, HIDDEN = 256, 48, 3, 64


class LoopLSTM(nn.Module):
    """The same cell as a Python loop; input projection of all steps in one matmul."""

    def __init__(self):
        super().__init__()
        self.w_ih = nn.Parameter(torch.randn(4 * HIDDEN, FEATURES) * 0.1)
        self.w_hh = nn.Parameter(torch.randn(4 * HIDDEN, HIDDEN) * 0.1)
        self.bias = nn.Parameter(torch.zeros(4 * HIDDEN))
        self.head = nn.Linear(HIDDEN, 1)

    def forward(self, x):
        projected = torch.addmm(self.bias, x.reshape(-1, FEATURES), self.w_ih.T)
        projected = projected.view(x.shape[0], x.shape[1], 4 * HIDDEN)
        h = x.new_zeros(x.shape[0], HIDDEN)
        c = x.new_zeros(x.shape[0], HIDDEN)
        w_hh_t = self.w_hh.T
        for t in range(x.shape[1]):
            gates = torch.addmm(projected[:, t], h, w_hh_t)
            i, f, g, o = gates.chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
        return self.head(h)


def _train_step(model, opt, x, y):
    def step():
        opt.zero_grad(set_to_none=True)
        loss = nn.functional.mse_loss(model(x), y)
        loss.backward()
        opt.step()

    return step


def _infer(model, x):
    def fwd():
        with torch.inference_mode():
            model(x)

    return fwd


def _no_onednn(fn):
    def wrapped():
        with torch.backends.mkldnn.flags(enabled=False):
            fn()

    return wrapped


def variants(use_compile: bool):
    torch.manual_seed(0)
    x = torch.randn(BATCH, STEPS, FEATURES)
    y = torch.randn(BATCH, 1)
    out = []  # (label, train fn, infer fn, threads, first-call seconds)

    def add(label, model, threads, wrap=None, fused=True, compiled=None):
        opt = torch.optim.Adam(model.parameters(), lr=1e-3, fused=fused)
        target = compiled if compiled is not None else model
        train = _train_step(target, opt, x, y)
        infer = _infer(target, x)
        if wrap is not None:
            train, infer = wrap(train), wrap(infer)
        first = None
        if compiled is not None:
            with torch_threads(threads):
                start = time.perf_counter()
                train()
                infer()
                first = time.perf_counter() - start
        out.append((label, train, infer, threads, first))

    for threads in sorted({1, DEFAULT_THREADS}):
        add(
            f"nn.LSTM (oneDNN default), {threads} thr",
            PlainLSTM(FEATURES, HIDDEN),
            threads,
        )
    add(
        f"nn.LSTM, oneDNN off, {DEFAULT_THREADS} thr",
        PlainLSTM(FEATURES, HIDDEN),
        DEFAULT_THREADS,
        wrap=_no_onednn,
    )
    add(
        f"nn.LSTM, foreach Adam (not fused), {DEFAULT_THREADS} thr",
        PlainLSTM(FEATURES, HIDDEN),
        DEFAULT_THREADS,
        fused=False,
    )
    add(
        f"Python loop, one input matmul, {DEFAULT_THREADS} thr",
        LoopLSTM(),
        DEFAULT_THREADS,
    )
    if use_compile:
        for label, model in (
            ("torch.compile(nn.LSTM model)", PlainLSTM(FEATURES, HIDDEN)),
            ("torch.compile(Python loop)", LoopLSTM()),
        ):
            try:
                add(
                    f"{label}, {DEFAULT_THREADS} thr",
                    model,
                    DEFAULT_THREADS,
                    compiled=torch.compile(model),
                )
            except Exception as exc:  # report, don't abort the table
                print(f"{label}: failed to compile ({type(exc).__name__}: {exc})")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compile", action="store_true")
    parser.add_argument("--calls", type=int, default=20)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    rows = variants(args.compile)
    train_c = [Contender(label, tr, th) for label, tr, _, th, _ in rows]
    infer_c = [Contender(label, inf, th) for label, _, inf, th, _ in rows]
    t_train = per_call_blocks(train_c, n_calls=args.calls, n_blocks=5, warmup=3)
    t_infer = per_call_blocks(infer_c, n_calls=args.calls, n_blocks=5, warmup=3)
    base = f"nn.LSTM (oneDNN default), {DEFAULT_THREADS} thr"
    tb, ib = median(t_train[base]), median(t_infer[base])
    print(
        f"W2 kernel variants: batch {BATCH} x {STEPS} steps x {FEATURES} features, "
        f"hidden {HIDDEN}; torch {torch.__version__}, default threads "
        f"{DEFAULT_THREADS}; median of 5 blocks x {args.calls} calls"
    )
    print()
    print(
        "| variant | train step samples/s | vs base | inference samples/s "
        "| vs base | first call |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for label, _, _, _, first in rows:
        tt, ti = median(t_train[label]), median(t_infer[label])
        first_s = "" if first is None else f"{first:.1f} s"
        print(
            f"| {label} | {BATCH / tt:,.0f} | {tb / tt:.2f}x | {BATCH / ti:,.0f} "
            f"| {ib / ti:.2f}x | {first_s} |"
        )


if __name__ == "__main__":
    main()
