"""One markdown table: MASE per series x task, each with its ratio to the best
classical model of its row, and a last row of geometric-mean ratios."""

from __future__ import annotations

import numpy as np

from .metrics import geometric_mean
from .protocol import CLASSICAL, METHODS, TASKS, SeriesResult


def _mean(values) -> float:
    values = np.asarray(values, dtype=np.float64)
    return float(values.mean()) if np.all(np.isfinite(values)) else float("nan")


def ratios(results: list[SeriesResult]) -> list[dict]:
    """Per row: series, task, {method: (mean MASE, std, ratio to best classical)}."""
    rows = []
    for result in results:
        for task in TASKS:
            cells = {}
            for name, method in result.methods.items():
                values = method.scores[task]
                cells[name] = [_mean(values), float(np.std(values)), len(values)]
            classical = [cells[n][0] for n in CLASSICAL if n in cells]
            classical = [v for v in classical if np.isfinite(v)]
            best = min(classical) if classical else float("nan")
            for cell in cells.values():
                cell.append(cell[0] / best)
            rows.append({"series": result.name, "task": task, "cells": cells})
    return rows


def _cell(cell) -> str:
    mean, std, n_runs, ratio = cell
    if not np.isfinite(mean):
        return "failed"
    spread = f" ± {std:.3f}" if n_runs > 1 else ""
    return f"{mean:.3f}{spread} ({ratio:.2f})"


def table(results: list[SeriesResult]) -> str:
    rows = ratios(results)
    header = ["series", "task", *METHODS]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [_cell(row["cells"][m]) if m in row["cells"] else "—" for m in METHODS]
        lines.append("| " + " | ".join([row["series"], row["task"], *cells]) + " |")
    means = [
        geometric_mean([r["cells"][m][3] for r in rows if m in r["cells"]])
        for m in METHODS
    ]
    lines.append(
        "| **geo-mean ratio** | | " + " | ".join(f"**{v:.2f}**" for v in means) + " |"
    )
    return "\n".join(lines)


def details(results: list[SeriesResult]) -> str:
    """What each method chose (orders, windows), failures, and its time."""
    lines = []
    for result in results:
        parts = [
            f"{name} {method.seconds:.0f}s"
            + (f" [{method.note}]" if method.note else "")
            for name, method in result.methods.items()
        ]
        lines.append(
            f"- **{result.name}** (n={result.n}, test={result.n_test}, "
            f"m={result.season}, h={result.h}): " + ", ".join(parts)
        )
    return "\n".join(lines)
