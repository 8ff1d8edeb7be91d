"""Accuracy of LSTMClassifier on UCR/UEA datasets, next to 1-NN baselines.

Usage (from the repository root; ``make bench-classification``)::

    .venv/bin/python benchmarks/classification/run.py
    .venv/bin/python benchmarks/classification/run.py --datasets GunPoint --seeds 1
    .venv/bin/python benchmarks/classification/run.py --set hidden_size=32 lr=0.003

On the official train/test splits of the vendored development datasets
(``benchmarks/data/ucr``, see SOURCES.md there) it measures, in one run: the
default :class:`sklstm.LSTMClassifier` (mean and standard deviation of the
test accuracy over seeds), 1-NN Euclidean and 1-NN DTW (full window,
dependent multivariate). ``--set`` overrides hyperparameters, for tuning on
this development set only. The table is printed and written to
``benchmarks/results/classification.md``.
"""

from __future__ import annotations

import argparse
import ast
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "data" / "ucr"
RESULTS = HERE.parent / "results"
DATASETS = ("ItalyPowerDemand", "GunPoint", "BasicMotions", "JapaneseVowels")

sys.path.insert(0, str(HERE))

from _nearest import one_nn_dtw, one_nn_euclidean  # noqa: E402


def load(name: str) -> dict[str, np.ndarray]:
    """The official train/test split of one vendored dataset."""
    with np.load(DATA / f"{name}.npz", allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--datasets", default=",".join(DATASETS))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument(
        "--set",
        nargs="*",
        default=[],
        metavar="NAME=VALUE",
        help="LSTMClassifier hyperparameters to override (Python literals)",
    )
    parser.add_argument(
        "--no-baselines", action="store_true", help="skip the 1-NN columns"
    )
    return parser.parse_args(argv)


def overrides(pairs: list[str]) -> dict:
    result = {}
    for pair in pairs:
        name, _, value = pair.partition("=")
        try:
            result[name] = ast.literal_eval(value)
        except (ValueError, SyntaxError):
            result[name] = value
    return result


def lstm_accuracies(data, params, seeds):
    from sklstm import LSTMClassifier

    scores, seconds = [], []
    for seed in range(seeds):
        start = time.perf_counter()
        model = LSTMClassifier(random_state=seed, **params)
        model.fit(data["X_train"], data["y_train"])
        scores.append(model.score(data["X_test"], data["y_test"]))
        seconds.append(time.perf_counter() - start)
    return np.array(scores), float(np.mean(seconds))


def main(argv=None):
    args = parse_args(argv)
    params = overrides(args.set)
    header = "| dataset | train/test | LSTMClassifier | fit s | 1-NN ED | 1-NN DTW |"
    lines = [
        f"LSTMClassifier({', '.join(f'{k}={v!r}' for k, v in params.items())}), "
        f"{args.seeds} seed(s); test accuracy on the official splits.",
        "",
        header,
        "|---|---|---|---|---|---|",
    ]
    print("\n".join(lines), flush=True)
    for name in args.datasets.split(","):
        data = load(name)
        scores, fit_seconds = lstm_accuracies(data, params, args.seeds)
        ed = dtw = float("nan")
        if not args.no_baselines:
            X_train, y_train, X_test = data["X_train"], data["y_train"], data["X_test"]
            ed = np.mean(one_nn_euclidean(X_train, y_train, X_test) == data["y_test"])
            dtw = np.mean(one_nn_dtw(X_train, y_train, X_test) == data["y_test"])
        row = (
            f"| {name} | {len(data['y_train'])}/{len(data['y_test'])} | "
            f"{scores.mean():.3f} ± {scores.std():.3f} | {fit_seconds:.1f} | "
            f"{ed:.3f} | {dtw:.3f} |"
        )
        lines.append(row)
        print(row, flush=True)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "classification.md").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
