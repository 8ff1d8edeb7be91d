"""CT: one-epoch fits quiet and beside a busy core, each in a fresh child.

Two shapes of 4,096 x 48 x 3 windows: the issue's (hidden 50, batch 32,
where one thread is as fast as two) and a wide one (hidden 128, batch 128,
where two threads are 1.5x faster than one on a quiet 2-core machine, so a
busy core must cost something). Contenders: sklstm's defaults (torch's
spinning waits, thread count chosen by timing), sklstm at a fixed team of
all threads (what torch would do), sklstm with ``OMP_WAIT_POLICY=PASSIVE``
(what sklstm chose before), and, on the issue's shape, the plain torch
loop at torch's defaults. Rounds alternate quiet/busy and rotate the order
of the contenders.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time

from _harness import DEFAULT_THREADS, Row, fmt_s, median, verdict

# A child sees none of these unless its contender sets them.
THREAD_SETTINGS = ("OMP_NUM_THREADS",)
WAIT_SETTINGS = (
    "OMP_WAIT_POLICY",
    "GOMP_SPINCOUNT",
    "KMP_BLOCKTIME",
)
PASSIVE = {"OMP_WAIT_POLICY": "PASSIVE"}
# name -> (hidden, batch)
SHAPES = {"issue": (50, 32), "wide": (128, 128)}


class BusyCore:
    """A busy-loop process pinned to one core, for the duration of a block."""

    def __enter__(self):
        code = (
            "import os\n"
            "if hasattr(os, 'sched_setaffinity'): os.sched_setaffinity(0, {0})\n"
            "while True: pass\n"
        )
        self.proc = subprocess.Popen([sys.executable, "-c", code])
        time.sleep(0.5)  # let it reach its loop
        return self

    def __exit__(self, *exc_info):
        self.proc.kill()  # only the process started here
        self.proc.wait()


def _fits(child, args: list[str], env: dict, repeats: int, timeout: float, base_env):
    """Median seconds of a child's fits, or None when it ran out of time."""
    clean = {
        k: v for k, v in base_env.items() if k not in WAIT_SETTINGS + THREAD_SETTINGS
    }
    clean.update(env)
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(
            [sys.executable, str(child), *args],
            stdout=out,
            stderr=subprocess.DEVNULL,
            env=clean,
        )
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()  # only the child started here
            proc.wait()
        out.seek(0)
        times = [json.loads(line)["seconds"] for line in out if line.startswith("{")]
    return median(times) if len(times) == repeats else None


def contenders(n: int, repeats: int) -> dict[str, tuple[list[str], dict]]:
    """Contender name -> (child arguments, environment overrides)."""
    out = {}
    for shape, (hidden, batch) in SHAPES.items():
        size = [str(n), str(repeats), str(hidden), str(batch)]
        out[f"{shape}: sklstm"] = (["contention-sklstm", *size, "0"], {})
        out[f"{shape}: sklstm fixed team"] = (
            ["contention-sklstm", *size, str(DEFAULT_THREADS)],
            {},
        )
        out[f"{shape}: sklstm passive"] = (["contention-sklstm", *size, "0"], PASSIVE)
    out["issue: plain"] = (["contention-plain", str(n), str(repeats)], {})
    return out


def contention(cfg, child, base_env) -> list[Row]:
    """The CT rows: each contender's quiet and busy medians, and the ratios."""
    n, repeats = cfg.ct_windows, cfg.ct_repeats
    plan = contenders(n, repeats)
    results: dict[tuple[str, bool], list[float]] = {}
    for r in range(cfg.ct_rounds):
        for busy in (False, True) if r % 2 == 0 else (True, False):
            names = list(plan)
            names = names[r % len(names) :] + names[: r % len(names)]
            for name in names:
                args, env = plan[name]
                if busy:
                    with BusyCore():
                        t = _fits(child, args, env, repeats, cfg.ct_timeout, base_env)
                else:
                    t = _fits(child, args, env, repeats, cfg.ct_timeout, base_env)
                if t is not None:
                    results.setdefault((name, busy), []).append(t)

    def med(name, busy):
        values = results.get((name, busy))
        return median(values) if values else None

    rows = []
    for shape, (hidden, batch) in SHAPES.items():
        W = f"CT {shape} {n // 1000}k x48x3 h{hidden} b{batch}"
        quiet, busy = med(f"{shape}: sklstm", False), med(f"{shape}: sklstm", True)
        team = med(f"{shape}: sklstm fixed team", False)
        rows.append(
            Row(
                W,
                "sklstm, quiet",
                quiet,
                "s",
                _ratio(quiet, team, "/fixed team"),
                "<= 1.05x",
                verdict(None if not (quiet and team) else quiet / team <= 1.05),
                note="torch's spinning waits, thread count by timing",
            )
        )
        rows.append(
            Row(
                W,
                "sklstm, one core busy",
                busy,
                "s",
                _ratio(busy, quiet, "busy/quiet"),
                "<= 1.5x",
                verdict(None if not (busy and quiet) else busy / quiet <= 1.5),
                note=_stopped(busy, cfg) or "a busy-loop process pinned to core 0",
            )
        )
        for name, note in (
            ("sklstm fixed team", f"n_threads={DEFAULT_THREADS}: torch's own count"),
            ("sklstm passive", "OMP_WAIT_POLICY=PASSIVE (sklstm's choice before)"),
            ("plain", "the hand-written loop at torch's defaults"),
        ):
            key = f"{shape}: {name}"
            if key not in plan:
                continue
            q, b = med(key, False), med(key, True)
            rows.append(
                Row(
                    W,
                    f"{name}, quiet / busy",
                    q,
                    "s",
                    f"busy {fmt_s(b)}; " + _ratio(b, q, "busy/quiet")
                    if b
                    else _stopped(b, cfg),
                    note=note,
                )
            )
    return rows


def _ratio(a, b, label: str) -> str:
    return f"{a / b:.2f}x {label}" if a and b else ""


def _stopped(value, cfg) -> str:
    return "" if value else f"> {cfg.ct_timeout:.0f} s: stopped"
