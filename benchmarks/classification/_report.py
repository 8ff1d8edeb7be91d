"""The table, the summary and the goal lines of the classification benchmark.

Pure functions of the measured rows (no fitting, no files), so the test
suite checks them on hand-made rows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

#: The issue's goals on the development list (issue 25, "Goals").
TRAIN_GOAL = 0.95  # training accuracy wherever 1-NN reaches ...
ONE_NN_EASY = 0.9  # ... this test accuracy
SHARE_GOAL = 0.8  # share of datasets at or above 1-NN DTW


@dataclass
class Fit:
    """One sklstm fit: scores, seconds and epochs."""

    test: float
    train: float
    seconds: float
    epochs: int | None = None
    best_epoch: int | None = None
    #: Categories of the warnings ``fit`` raised (e.g. ConvergenceWarning).
    warnings: tuple[str, ...] = ()


@dataclass
class Row:
    """One dataset's line of the table."""

    name: str
    length: str
    n_train: int
    n_test: int
    n_classes: int
    n_features: int = 1
    fits: list[Fit] = field(default_factory=list)
    #: Measured baseline accuracies by method ("ed", "dtw", "minirocket").
    baselines: dict[str, float] = field(default_factory=dict)
    #: Published (1-NN ED, 1-NN DTW) accuracies, where the archive has them.
    published: tuple[float, float] | None = None
    cached: tuple[str, ...] = ()

    def test_mean(self) -> float:
        return float(np.mean([f.test for f in self.fits])) if self.fits else math.nan

    def train_mean(self) -> float:
        return float(np.mean([f.train for f in self.fits])) if self.fits else math.nan

    def one_nn_best(self) -> float:
        values = [self.baselines.get(k, math.nan) for k in ("ed", "dtw")]
        values = [v for v in values if not math.isnan(v)]
        return max(values) if values else math.nan


METHODS = (("sklstm", None), ("1-NN ED", "ed"), ("1-NN DTW", "dtw"))
MINIROCKET = ("MiniRocket", "minirocket")


def summarize(rows: list[Row]) -> dict:
    """Counts and means over the rows that have what each line compares.

    Returns
    -------
    dict with
        ``n_fitted``: rows with sklstm fits;
        ``at_or_above_dtw``: (count, out of) rows where the sklstm mean test
        accuracy is >= 1-NN DTW (over rows with both);
        ``means``: method -> mean test accuracy over the rows that have
        every measured method (so the means compare like with like), and
        ``n_mean_rows``;
        ``train_goal``: (count, out of) rows where 1-NN (ED or DTW) reaches
        0.9 on the test split and the sklstm training accuracy is >= 0.95;
        ``share_goal_met``, ``train_goal_met``, ``moonshot_met``: bools, or
        None where nothing was compared.
    """
    fitted = [r for r in rows if r.fits]
    with_dtw = [r for r in fitted if not math.isnan(r.baselines.get("dtw", math.nan))]
    wins = sum(r.test_mean() >= r.baselines["dtw"] for r in with_dtw)
    methods = [("sklstm", None)] + [
        (label, key)
        for label, key in (*METHODS[1:], MINIROCKET)
        if any(key in r.baselines for r in rows)
    ]

    def value(row, key):
        if key is None:
            return row.test_mean()
        return row.baselines.get(key, math.nan)

    complete = [
        r for r in rows if not any(math.isnan(value(r, key)) for _, key in methods)
    ]
    means = {
        label: float(np.mean([value(r, key) for r in complete])) if complete else None
        for label, key in methods
    }
    easy = [r for r in fitted if r.one_nn_best() >= ONE_NN_EASY]
    fitted_well = sum(r.train_mean() >= TRAIN_GOAL for r in easy)
    moonshot = None
    if means.get("MiniRocket") is not None and means["sklstm"] is not None:
        moonshot = means["sklstm"] >= means["MiniRocket"]
    return {
        "n_fitted": len(fitted),
        "at_or_above_dtw": (wins, len(with_dtw)),
        "means": means,
        "n_mean_rows": len(complete),
        "train_goal": (fitted_well, len(easy)),
        "share_goal_met": wins >= SHARE_GOAL * len(with_dtw) if with_dtw else None,
        "train_goal_met": fitted_well == len(easy) if easy else None,
        "moonshot_met": moonshot,
    }


def _acc(value: float) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.3f}"


def _mean_sd(values) -> str:
    if not values:
        return "–"
    if len(values) == 1:
        return f"{values[0]:.3f}"
    return f"{np.mean(values):.3f} ± {np.std(values):.3f}"


def table(rows: list[Row], *, minirocket: bool = True) -> list[str]:
    """The markdown table, one line per dataset."""
    columns = [
        "dataset",
        "length",
        "train/test",
        "classes",
        "sklstm test",
        "sklstm train",
        "fit s",
        "epochs (best)",
        "1-NN ED",
        "1-NN DTW",
    ]
    if minirocket:
        columns.append("MiniRocket")
    columns += ["published ED / DTW"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for r in rows:
        fits = r.fits
        epochs = "–"
        if fits and all(f.epochs is not None for f in fits):
            epochs = "/".join(str(f.epochs) for f in fits)
            if all(f.best_epoch is not None for f in fits):
                epochs += " (" + "/".join(str(f.best_epoch) for f in fits) + ")"
        features = f" x {r.n_features}" if r.n_features > 1 else ""
        cells = [
            r.name,
            r.length + features,
            f"{r.n_train}/{r.n_test}",
            str(r.n_classes),
            _mean_sd([f.test for f in fits]),
            _mean_sd([f.train for f in fits]),
            f"{np.mean([f.seconds for f in fits]):.1f}" if fits else "–",
            epochs,
            _acc(r.baselines.get("ed", math.nan)),
            _acc(r.baselines.get("dtw", math.nan)),
        ]
        if minirocket:
            cells.append(_acc(r.baselines.get("minirocket", math.nan)))
        cells.append(
            "–"
            if r.published is None
            else f"{r.published[0]:.3f} / {r.published[1]:.3f}"
        )
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def summary_lines(summary: dict) -> list[str]:
    """The summary and the issue's goal lines, in words."""
    wins, out_of = summary["at_or_above_dtw"]
    means = ", ".join(
        f"{label} {_acc(value)}" for label, value in summary["means"].items()
    )
    lines = [
        f"sklstm at or above 1-NN DTW on {wins} of {out_of} datasets.",
        f"Mean test accuracy over the {summary['n_mean_rows']} datasets with every "
        f"column: {means}.",
    ]

    def verdict(flag):
        return {True: "met", False: "not met", None: "not measured"}[flag]

    fitted_well, easy = summary["train_goal"]
    lines.append(
        f"Goal, training accuracy >= {TRAIN_GOAL} wherever 1-NN reaches "
        f"{ONE_NN_EASY} on the test split: {fitted_well} of {easy} "
        f"({verdict(summary['train_goal_met'])})."
    )
    need = math.ceil(SHARE_GOAL * out_of)
    lines.append(
        f"Goal, test accuracy >= 1-NN DTW on at least {SHARE_GOAL:.0%} of the "
        f"datasets: {wins} of {out_of}, {need} needed "
        f"({verdict(summary['share_goal_met'])})."
    )
    lines.append(
        f"Moonshot, MiniRocket's mean accuracy: {verdict(summary['moonshot_met'])}."
    )
    return lines
