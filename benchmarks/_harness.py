"""Timing, thread and table helpers shared by the benchmark workloads.

Every contender of a workload is timed in the same process and the same run,
interleaved (round-robin, with the starting contender rotated each repeat),
so that load from other processes on the machine hits all of them alike.
Results are medians.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import torch

# torch's thread count when the benchmark started (its default, or what
# OMP_NUM_THREADS / the caller set): the "default threads" of the baselines.
DEFAULT_THREADS = torch.get_num_threads()


def thread_variants() -> list[int]:
    """Thread counts every baseline is run with: 1 and torch's default."""
    return sorted({1, DEFAULT_THREADS})


@contextmanager
def torch_threads(n: int | None):
    """Run the block with ``n`` torch intra-op threads (None: leave as is)."""
    previous = torch.get_num_threads()
    if n is not None and n != previous:
        torch.set_num_threads(n)
    try:
        yield
    finally:
        if torch.get_num_threads() != previous:
            torch.set_num_threads(previous)


@dataclass
class Contender:
    """One thing to time: ``fn()`` run under ``threads`` torch threads.

    ``threads=None`` leaves torch's setting alone (sklstm chooses its own).
    """

    key: str
    fn: Callable[[], object]
    threads: int | None = None


def interleaved(
    contenders: Sequence[Contender], repeats: int, warmup: int = 1
) -> dict[str, list[float]]:
    """Seconds per call of every contender, measured round-robin.

    The thread setting is applied outside the timed region. Each repeat
    starts with a different contender, so none is always first after a
    ``gc.collect()`` or always last.
    """
    for _ in range(warmup):
        for c in contenders:
            with torch_threads(c.threads):
                c.fn()
    times: dict[str, list[float]] = {c.key: [] for c in contenders}
    n = len(contenders)
    for r in range(repeats):
        order = [contenders[(r + i) % n] for i in range(n)]
        for c in order:
            gc.collect()
            with torch_threads(c.threads):
                t0 = time.perf_counter()
                c.fn()
                times[c.key].append(time.perf_counter() - t0)
    return times


def per_call_blocks(
    contenders: Sequence[Contender], n_calls: int, n_blocks: int = 5, warmup: int = 20
) -> dict[str, list[float]]:
    """Seconds of each single call, in blocks interleaved across contenders.

    For latencies far below a millisecond: each contender runs
    ``n_calls / n_blocks`` calls per block (each call timed on its own), and
    the blocks of all contenders alternate.
    """
    per_block = max(1, n_calls // n_blocks)
    for c in contenders:
        with torch_threads(c.threads):
            for _ in range(warmup):
                c.fn()
    times: dict[str, list[float]] = {c.key: [] for c in contenders}
    n = len(contenders)
    for b in range(n_blocks):
        for i in range(n):
            c = contenders[(b + i) % n]
            with torch_threads(c.threads):
                for _ in range(per_block):
                    t0 = time.perf_counter()
                    c.fn()
                    times[c.key].append(time.perf_counter() - t0)
    return times


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


def best_threads(
    times: dict[str, list[float]], name: str, *, higher_is_better: bool = False
):
    """The faster thread variant of a baseline timed as ``f"{name}@{threads}"``.

    Returns ``(threads, median_seconds, {threads: median_seconds})``.
    """
    by_threads = {
        int(key.rsplit("@", 1)[1]): median(v)
        for key, v in times.items()
        if key.rsplit("@", 1)[0] == name
    }
    pick = max if higher_is_better else min
    threads = pick(by_threads, key=by_threads.get)
    return threads, by_threads[threads], by_threads


def threads_note(chosen: int, by_threads: dict[int, float], fmt) -> str:
    """'best of 1/2 threads: 1 (2 threads: 0.812 s)'."""
    others = ", ".join(
        f"{t} thr: {fmt(v)}" for t, v in sorted(by_threads.items()) if t != chosen
    )
    label = "thread" if chosen == 1 else "threads"
    if not others:
        return f"{chosen} {label} (only variant)"
    return f"faster with {chosen} {label} ({others})"


# ------------------------------------------------------------------ table


@dataclass
class Row:
    workload: str
    contender: str
    value: float | None
    unit: str
    ratio: str = ""
    goal: str = ""
    met: str = ""
    note: str = ""

    def cells(self) -> list[str]:
        return [
            self.workload,
            self.contender,
            format_value(self.value, self.unit),
            self.unit,
            self.ratio,
            self.goal,
            self.met,
            self.note,
        ]


HEADER = [
    "workload",
    "contender",
    "median",
    "unit",
    "ratio vs baseline",
    "goal",
    "met",
    "notes",
]


def format_value(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "samples/s":
        return f"{value:,.0f}"
    if unit == "MB":
        return f"{value:.0f}"
    if unit == "ms":
        return f"{value:.3f}"
    if unit == "s":
        return f"{value:.3f}" if value < 100 else f"{value:.1f}"
    return f"{value:.3g}"


def fmt_s(v: float) -> str:
    return format_value(v, "s") + " s"


def fmt_ms(v: float) -> str:
    return format_value(v, "ms") + " ms"


def fmt_rate(v: float) -> str:
    return format_value(v, "samples/s") + " samples/s"


def verdict(ok: bool | None) -> str:
    if ok is None:
        return "n/a"
    return "yes" if ok else "NO"


def markdown_table(rows: Sequence[Row]) -> str:
    lines = [
        "| " + " | ".join(HEADER) + " |",
        "| " + " | ".join("---" for _ in HEADER) + " |",
    ]
    for row in rows:
        cells = [c.replace("|", "\\|") for c in row.cells()]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
