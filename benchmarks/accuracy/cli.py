"""Command line: ``python -m benchmarks.accuracy [options]`` (make bench-accuracy).

    python -m benchmarks.accuracy                      # development set, 3 seeds
    python -m benchmarks.accuracy --quick              # smoke run, < 1 minute
    python -m benchmarks.accuracy --series airline,lynx --seeds 5
    python -m benchmarks.accuracy --holdout            # the kept-aside series
    python -m benchmarks.accuracy --set hidden_size=64 --set early_stopping=True
    python -m benchmarks.accuracy --set forecaster__deseasonalize=multiplicative
    python -m benchmarks.accuracy --jobs 2             # series in parallel
    python -m benchmarks.accuracy --panel              # global vs per-series models

The table is printed and written to benchmarks/results/accuracy.md
(benchmarks/results/panel.md with --panel).
"""

from __future__ import annotations

import argparse
import ast
import os
import platform
import shlex
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "results"
QUICK_EPOCHS = 5


def parse_override(text: str) -> tuple[str, object]:
    """``name=value`` -> (name, value); values are Python literals or strings."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"--set needs NAME=VALUE, got {text!r}")
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        value = raw  # a bare word such as gru
    return name.strip(), value


def parse_args(argv=None):
    from .data import DEVELOPMENT, HOLDOUT

    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.accuracy",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run: airline and shampoo, 1 seed, {QUICK_EPOCHS} epochs, "
        "smaller ETS/SARIMA searches (numbers not comparable with a full run)",
    )
    names = ", ".join(s.name for s in DEVELOPMENT + HOLDOUT)
    parser.add_argument("--series", help=f"comma-separated subset of: {names}")
    parser.add_argument(
        "--holdout", action="store_true", help="the kept-aside series instead"
    )
    parser.add_argument(
        "--panel",
        action="store_true",
        help="panel mode (make bench-panel): one global sklstm model against "
        "per-series ETS, SARIMA, Ridge and sklstm on a generated panel and "
        "uschange (benchmarks/accuracy/panel.py)",
    )
    parser.add_argument(
        "--n-series",
        type=int,
        help="series of the generated panel (--panel; default 100, 20 with --quick)",
    )
    parser.add_argument(
        "--seeds", type=int, help="sklstm seeds (default 3; 1 with --panel)"
    )
    parser.add_argument(
        "--jobs",
        type=int,
        help="series evaluated in parallel (joblib; default 1, 2 with --panel)",
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        type=parse_override,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="LSTMRegressor parameter for every sklstm fit (repeatable); "
        "forecaster__NAME=VALUE sets the SeriesForecaster's NAME, e.g. "
        "forecaster__deseasonalize=additive",
    )
    parser.add_argument(
        "--output",
        type=Path,
        help="where the markdown goes (default benchmarks/results/accuracy.md, "
        "or panel.md with --panel)",
    )
    args = parser.parse_args(argv)
    args.output = args.output or RESULTS / ("panel.md" if args.panel else "accuracy.md")
    args.specs = _select(parser, args, DEVELOPMENT, HOLDOUT)
    args.seeds = args.seeds or (1 if args.quick or args.panel else 3)
    args.jobs = args.jobs or (2 if args.panel else 1)
    if args.seeds < 1 or args.jobs < 1 or (args.n_series or 1) < 1:
        parser.error("--seeds, --jobs and --n-series must be >= 1")
    overrides = {"max_epochs": QUICK_EPOCHS} if args.quick else {}
    args.overrides = {**overrides, **dict(args.overrides)}
    _check_overrides(parser, args.overrides)
    return args


def _select(parser, args, development, holdout):
    from .data import QUICK

    pool = holdout if args.holdout else development
    if args.series:
        wanted = [s.strip() for s in args.series.split(",") if s.strip()]
        known = {s.name: s for s in development + holdout}
        unknown = [w for w in wanted if w not in known]
        if unknown:
            parser.error(f"unknown series {unknown}; choose from {sorted(known)}")
        return [known[w] for w in wanted]
    if args.quick:
        return [s for s in development if s.name in QUICK]
    return list(pool)


def _check_overrides(parser, overrides):
    from sklstm import LSTMRegressor, SeriesForecaster

    from .learned import split_overrides

    model, forecaster = split_overrides(overrides)
    if "random_state" in model:
        parser.error("--set random_state is not allowed: use --seeds N")
    unknown = sorted(set(model) - set(LSTMRegressor().get_params()))
    if unknown:
        parser.error(f"--set: {unknown} are not LSTMRegressor parameters")
    fixed = {"estimator", "window_length", "horizon", "strategy", "padding"}
    allowed = set(SeriesForecaster().get_params(deep=False)) - fixed
    unknown = sorted(set(forecaster) - allowed)
    if unknown:
        parser.error(
            f"--set forecaster__NAME: {unknown} are not settable; choose from "
            f"{sorted(allowed)}"
        )


def _evaluate(spec, seeds, overrides, quick):
    # One BLAS/torch thread per worker: the workers share two cores.
    os.environ["OMP_NUM_THREADS"] = "1"
    from .protocol import evaluate

    start = time.perf_counter()
    result = evaluate(spec, seeds=seeds, overrides=overrides, quick=quick)
    print(
        f"{spec.name}: {time.perf_counter() - start:.0f}s", file=sys.stderr, flush=True
    )
    return result


def run(args):
    from joblib import Parallel, delayed

    seeds = list(range(args.seeds))
    jobs = Parallel(n_jobs=args.jobs, backend="loky")(
        delayed(_evaluate)(spec, seeds, args.overrides, args.quick)
        for spec in args.specs
    )
    return list(jobs)


def _commit() -> str:
    """The commit measured, and whether sklstm/ had uncommitted changes."""
    root = Path(__file__).resolve().parents[2]
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "sklstm"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "commit unknown"
    return f"commit {commit}" + (" + uncommitted sklstm/ changes" if dirty else "")


def header(args, seconds) -> str:
    import sklstm

    command = shlex.join(["python", "-m", "benchmarks.accuracy", *args.argv])
    return (
        f"# sklstm accuracy benchmark\n\n"
        f"`{command}` on {datetime.now():%Y-%m-%d %H:%M}, sklstm "
        f"{sklstm.__version__} ({_commit()}), Python {platform.python_version()}, "
        f"{len(args.specs)} series, seeds {args.seeds}, LSTMRegressor overrides "
        f"{args.overrides or 'none'}, {seconds / 60:.1f} min.\n\n"
        "MASE (in-sample seasonal-naive scale) per series x task; in brackets "
        "the ratio to the best classical model (naive, snaive, ETS, SARIMA) "
        "of the row; sklstm is mean ± std over seeds.\n"
    )


def main(argv=None) -> int:
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    args.argv = argv
    if args.panel:
        from .panel_report import run_panel

        return run_panel(args)
    from .report import details, table

    start = time.perf_counter()
    results = run(args)
    text = (
        f"{header(args, time.perf_counter() - start)}\n{table(results)}\n\n"
        f"## Details\n\n{details(results)}\n"
    )
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(f"written to {args.output}")
    failed = [r.name for r in results if r.methods["sklstm"].failed]
    return 1 if failed else 0
