"""Command line: ``python -m benchmarks.m3 [options]`` (make bench-m3).

    python -m benchmarks.m3                        # all 3,003 series
    python -m benchmarks.m3 --quick                # 5% of each frequency
    python -m benchmarks.m3 --freq yearly,monthly --skip-local
    python -m benchmarks.m3 --set hidden_size=64 --set window_scaling=mean
    python -m benchmarks.m3 --set forecaster__window_length=24 --jobs 2

The tables are printed and written to benchmarks/results/m3.md.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import time
from pathlib import Path

import numpy as np

from ..accuracy.cli import parse_override
from .data import FREQUENCIES, SIZES
from .sf_worker import MODELS

RESULTS = Path(__file__).resolve().parents[1] / "results"
QUICK_FRACTION = 0.05
LOCAL_FRACTION = 0.10
SAMPLE_SEED = 0


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.m3",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"a fixed stratified {QUICK_FRACTION:.0%} of each frequency "
        f"(seed {SAMPLE_SEED}) instead of every series",
    )
    parser.add_argument(
        "--freq", help=f"comma-separated subset of {', '.join(FREQUENCIES)}"
    )
    parser.add_argument("--skip-global", action="store_true", help="no global sklstm")
    parser.add_argument("--skip-local", action="store_true", help="no local sklstm")
    parser.add_argument(
        "--skip-statsforecast",
        action="store_true",
        help="no Theta/AutoETS/AutoTheta/AutoARIMA rows (no baseline environment)",
    )
    parser.add_argument(
        "--statsforecast-models",
        default=",".join(MODELS),
        help=f"comma-separated subset of {', '.join(MODELS)} (default: all)",
    )
    parser.add_argument(
        "--skip-hgb", action="store_true", help="no HistGradientBoosting row"
    )
    parser.add_argument(
        "--local-fraction",
        type=float,
        default=LOCAL_FRACTION,
        help="share of each frequency's selected series that get local models "
        f"(stratified, seed {SAMPLE_SEED}; default {LOCAL_FRACTION})",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="worker processes: local fits, global frequencies, statsforecast",
    )
    parser.add_argument(
        "--set",
        dest="overrides",
        type=parse_override,
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="LSTMRegressor parameter of the sklstm rows (repeatable); "
        "forecaster__NAME=VALUE sets the SeriesForecaster's NAME",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=RESULTS / "m3.md",
        help="where the markdown goes (default benchmarks/results/m3.md)",
    )
    args = parser.parse_args(argv)
    freqs = [f.strip() for f in (args.freq or ",".join(FREQUENCIES)).split(",")]
    unknown = sorted(set(freqs) - set(FREQUENCIES) - {""})
    if unknown:
        parser.error(f"unknown --freq {unknown}; choose from {', '.join(FREQUENCIES)}")
    args.freqs = tuple(f for f in FREQUENCIES if f in freqs)
    models = [m.strip() for m in args.statsforecast_models.split(",") if m.strip()]
    unknown = sorted(set(models) - set(MODELS))
    if unknown:
        parser.error(f"unknown --statsforecast-models {unknown}; choose from {MODELS}")
    args.statsforecast_models = tuple(m for m in MODELS if m in models)
    if args.jobs < 1:
        parser.error("--jobs must be >= 1")
    if not 0 < args.local_fraction <= 1:
        parser.error("--local-fraction must be in (0, 1]")
    args.overrides = dict(args.overrides)
    if "random_state" in args.overrides:
        parser.error("--set random_state is not allowed: the rows use 0")
    from .sklstm_runs import check_overrides

    for problem in check_overrides(args.overrides):
        parser.error(f"--set: {problem}")
    return args


def _global(series, freq, overrides):
    from .sklstm_runs import global_run

    return global_run(series, freq, overrides)


def selection_text(args, series, local) -> str:
    """What was run on which series, for the top of the markdown."""
    counts = ", ".join(
        f"{f} {sum(s.freq == f for s in series)}/{SIZES[f]}" for f in args.freqs
    )
    which = (
        f"a fixed stratified {QUICK_FRACTION:.0%} sample (seed {SAMPLE_SEED})"
        if args.quick
        else "every series"
    )
    text = f"Series: {which}: {counts}. "
    if local is not None:
        text += (
            f"Local models on {len(local)} of them "
            f"({args.local_fraction:.0%} of each frequency, seed {SAMPLE_SEED}). "
        )
    text += f"sklstm overrides: {args.overrides or 'none'}."
    return text


def run(args, log) -> tuple[list, list, list, list, str]:
    """Every selected method: (series, local sample, runs, local runs, extra)."""
    from . import baselines
    from .data import load_m3, stratified_sample
    from .forecasts import MethodRun

    series = load_m3(args.freqs)
    if args.quick:
        series = stratified_sample(series, QUICK_FRACTION, SAMPLE_SEED)
    by_freq = {f: [s for s in series if s.freq == f] for f in args.freqs}
    runs = [baselines.seasonal_naive_run(series)]
    extra = ""
    if not args.skip_statsforecast:
        sf_runs, sf_versions = baselines.statsforecast_runs(
            series, models=args.statsforecast_models, jobs=args.jobs, log=log
        )
        runs += sf_runs
        extra = "; baselines environment: " + ", ".join(
            f"{k} {v}" for k, v in sf_versions.items()
        )
    if not args.skip_hgb:
        from .gbr import hgb_run

        hgb = MethodRun("HistGradientBoosting global")
        for freq, part in by_freq.items():
            hgb.merge(hgb_run(part, freq))
            log(f"HistGradientBoosting {freq}: done")
        runs.append(hgb)
    if not args.skip_global:
        from joblib import Parallel, delayed

        parts = Parallel(n_jobs=min(args.jobs, len(by_freq)))(
            delayed(_global)(part, freq, args.overrides)
            for freq, part in by_freq.items()
        )
        glob = MethodRun("sklstm global")
        for freq, part in zip(by_freq, parts, strict=True):
            log(f"sklstm global {freq}: {part.seconds:.0f}s")
            glob.merge(part)
        runs.append(glob)
    local, local_runs = None, []
    if not args.skip_local:
        from .sklstm_runs import local_run

        local = stratified_sample(series, args.local_fraction, SAMPLE_SEED)
        start = time.perf_counter()
        local_runs = [local_run(local, args.overrides, args.jobs)]
        log(f"sklstm local: {len(local)} series, {time.perf_counter() - start:.0f}s")
    return series, local, runs, local_runs, extra


def render(args, result, minutes) -> str:
    """The whole markdown: header, main table, local-sample table, notes."""
    from .baselines import PUBLISHED
    from .report import header, notes, table

    series, local, runs, local_runs, extra = result
    reference = runs[0]
    command = shlex.join(["python", "-m", "benchmarks.m3", *args.argv])
    text = header(command, minutes, selection_text(args, series, local), extra)
    published = PUBLISHED if set(args.freqs) == set(FREQUENCIES) else {}
    text += (
        f"\n## {'Quick subset' if args.quick else 'All series'}\n\n"
        f"{table(runs, series, reference, published)}\n"
    )
    if local is not None:
        text += (
            "\n## Local sample: every method on the series with local models\n\n"
            f"{table(runs + local_runs, local, reference)}\n"
        )
    text += (
        "\nsMAPE (0-200) and MASE (in-sample seasonal-naive scale, m = 1, 4, 12, 1) "
        "averaged over every forecast (series x step), as the M3 tables do; "
        "'series mean' averages per-series means instead. '> 2x snaive MASE': "
        "share of series whose MASE exceeds twice seasonal naive's. fit s: "
        "fit and forecast seconds summed over the frequencies (local models: "
        "summed over the fits; statsforecast: the run that filled the cache, "
        "scaled to the share of series selected; '—' where the time was spent "
        "on other series too). Published rows: all 3,003 series, for "
        "reference only (a --quick run scores a sample).\n"
    )
    footnotes = notes(runs + local_runs)
    if footnotes:
        text += f"\n{footnotes}\n"
    return text


def main(argv=None) -> int:
    # One BLAS/torch/OpenMP thread per process: the workers share the cores.
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    args.argv = argv
    start = time.perf_counter()

    def log(message: str) -> None:
        print(
            f"[{time.perf_counter() - start:6.0f}s] {message}",
            file=sys.stderr,
            flush=True,
        )

    result = run(args, log)
    text = render(args, result, (time.perf_counter() - start) / 60)
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(f"written to {args.output}")
    sklstm_runs = [r for r in result[2] + result[3] if r.name.startswith("sklstm")]
    failed = any(
        not np.all(np.isfinite(values))
        for run in sklstm_runs
        for values in run.forecasts.values()
    )
    return 1 if failed else 0
