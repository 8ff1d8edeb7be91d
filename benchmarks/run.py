"""sklstm benchmarks: one table of medians and ratios against baselines.

Usage (from the repository root)::

    .venv/bin/python benchmarks/run.py            # default run (make bench)
    .venv/bin/python benchmarks/run.py --quick    # smoke run, fewer repeats
    .venv/bin/python benchmarks/run.py --only W1,W3
    .venv/bin/python benchmarks/run.py --full     # W2 over 50k windows
    .venv/bin/python benchmarks/run.py --only W1 --profile

See benchmarks/README.md for the workloads and the goals. The table is
printed and written to benchmarks/results/latest.md.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shlex
import subprocess
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path

# This checkout's sklstm, not whichever is installed (a script's folder heads
# sys.path, not the working directory).
sys.path[:0] = [
    str(Path(__file__).resolve().parent),
    str(Path(__file__).resolve().parents[1]),
]
# Every contender in this process runs at torch's own wait policy (spinning,
# unless the environment says otherwise), as sklstm leaves it. The CT
# workload sets each child's policy itself.

import _harness  # noqa: E402
import _workloads  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results"


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke run: fewer repeats, smaller W2/memory/grid-search workloads "
        "(numbers are not comparable to a default run)",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="W2 over 50,000 windows instead of 20,000",
    )
    parser.add_argument(
        "--only",
        default=",".join(_workloads.WORKLOADS),
        help="comma-separated workloads to run, from "
        f"{','.join(_workloads.WORKLOADS)} (default: all)",
    )
    parser.add_argument(
        "--memory-timeout",
        type=float,
        default=None,
        help="seconds before the fit of the memory workloads (MEM, PANEL) is "
        "stopped (default 180 and 300, 60 with --quick); peak RSS so far is "
        "still reported",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="also cProfile one W1 sklstm fit and print the top costs "
        "(written to results/profile_w1.txt)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS / "latest.md",
        help="where the markdown table is written (default results/latest.md)",
    )
    args = parser.parse_args(argv)
    selected = [w.strip().upper() for w in args.only.split(",") if w.strip()]
    unknown = [w for w in selected if w not in _workloads.WORKLOADS]
    if unknown:
        parser.error(
            f"unknown workload(s) {unknown}; choose from "
            f"{','.join(_workloads.WORKLOADS)}"
        )
    args.selected = selected
    return args


def code_version() -> str:
    """HEAD and uncommitted changes under sklstm/: which code was measured."""
    root = Path(__file__).resolve().parent.parent

    def git(*args):
        return subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=30
        ).stdout.rstrip("\n")

    try:
        head = git("log", "-1", "--format=%h %ci").strip()
        dirty = git("status", "--porcelain", "--", "sklstm").splitlines()
    except (OSError, subprocess.SubprocessError):
        return "code version unknown (no git)"
    if not head:
        return "code version unknown (not a git checkout)"
    if not dirty:
        return f"sklstm at commit {head}, clean"
    files = ", ".join(line[3:] for line in dirty)
    diff = git("diff", "HEAD", "--", "sklstm")
    digest = hashlib.sha1(diff.encode()).hexdigest()[:8]
    return f"sklstm at commit {head} + uncommitted changes ({files}; diff {digest})"


def environment() -> str:
    import numpy
    import sklearn
    import skorch
    import torch

    import sklstm

    load = os.getloadavg()
    return (
        f"{code_version()}; "
        f"sklstm {sklstm.__version__}, torch {torch.__version__}, skorch "
        f"{skorch.__version__}, scikit-learn {sklearn.__version__}, numpy "
        f"{numpy.__version__}, Python {platform.python_version()}; "
        f"{os.cpu_count()} CPUs, torch default threads "
        f"{_harness.DEFAULT_THREADS}, OMP_WAIT_POLICY="
        f"{os.environ.get('OMP_WAIT_POLICY')}; load average at start "
        f"{load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}"
    )


def main(argv=None) -> int:
    args = parse_args(argv)
    cfg = _workloads.Config.make(
        quick=args.quick, full=args.full, mem_timeout=args.memory_timeout
    )
    _workloads.quiet_warnings()
    mode = "quick" if args.quick else ("full" if args.full else "default")
    env = environment()
    version_start = code_version()
    print(f"# sklstm benchmarks ({mode})\n{env}\n", flush=True)

    rows: list[_harness.Row] = []
    failures = 0
    t_start = time.perf_counter()
    for name in args.selected:
        t0 = time.perf_counter()
        print(f"running {name} ...", file=sys.stderr, flush=True)
        try:
            new = _workloads.WORKLOADS[name](cfg)
        except Exception as exc:  # keep the other workloads' numbers
            failures += 1
            traceback.print_exc()
            new = [_harness.Row(name, "(failed)", None, "", note=repr(exc)[:120])]
        rows += new
        print(
            f"  {name} done in {time.perf_counter() - t0:.0f} s",
            file=sys.stderr,
            flush=True,
        )
        for row in new:  # progress: the rows as they come
            print("  " + " | ".join(row.cells()), file=sys.stderr, flush=True)

    load = os.getloadavg()
    table = _harness.markdown_table(rows)
    version_end = code_version()
    changed = (
        ""
        if version_end == version_start
        else f" WARNING: sklstm changed during the run; at the end: {version_end}."
    )
    footer = (
        f"Total {time.perf_counter() - t_start:.0f} s; load average at end "
        f"{load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}. Medians of interleaved "
        f"repeats (W1 {cfg.w1_repeats}, W2 train {cfg.w2_repeats}, W2 predict "
        f"{cfg.w2_predict_repeats}, W3 {cfg.w3_calls} calls, import "
        f"{cfg.import_repeats}, GS {cfg.gs_repeats}). Baselines run with 1 "
        f"thread and torch's default; the faster is the baseline (notes)."
        f"{changed}"
    )
    print(table)
    print()
    print(footer)

    command = "benchmarks/run.py " + " ".join(
        shlex.quote(a) for a in (sys.argv[1:] if argv is None else argv)
    )
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        f"# sklstm benchmarks ({mode})\n\n"
        f"{datetime.now().isoformat(timespec='seconds')}, `{command.strip()}`\n\n"
        f"{env}\n\n{table}\n\n{footer}\n"
    )
    print(f"\nwritten to {args.output}", file=sys.stderr)

    if args.profile:
        report = _workloads.profile_w1()
        print(report)
        (args.output.parent / "profile_w1.txt").write_text(report)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
