"""The ``--panel`` run: evaluate the panels, print and write one table."""

from __future__ import annotations

import shlex
import sys
import time

import numpy as np

from .panel import (
    CLASSICAL,
    LEARNED,
    evaluate_panel,
    generated_panel,
    uschange_panel,
)

# About 10 minutes with two jobs on two busy cores (ETS and SARIMA dominate).
DEFAULT_SERIES = 100
QUICK_SERIES = 20


def best_classical(results: dict) -> float:
    """The lowest mean MASE of the per-series classical models of a panel."""
    return min(np.mean(results[m]) for m in CLASSICAL if m in results)


def _cell(values, best) -> str:
    if values is None:
        return "—"
    mean = float(np.mean(values))
    if not np.isfinite(mean):
        return "failed"
    spread = f" ± {np.std(values):.3f}" if len(values) > 1 else ""
    return f"{mean:.3f}{spread} ({mean / best:.2f})"


def table(results_by_panel: dict[str, dict]) -> str:
    """Methods x panels: mean MASE (ratio to the best per-series classical)."""
    names = list(results_by_panel)
    lines = [
        "| method | " + " | ".join(names) + " |",
        "| --- |" + " --- |" * len(names),
    ]
    bests = {name: best_classical(r) for name, r in results_by_panel.items()}
    for method in (*CLASSICAL, *LEARNED):
        cells = [
            _cell(results_by_panel[name].get(method), bests[name]) for name in names
        ]
        lines.append(f"| {method} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def run_panel(args) -> int:
    n_series = args.n_series or (QUICK_SERIES if args.quick else DEFAULT_SERIES)
    panels = [generated_panel(n_series), uschange_panel()]
    seeds = list(range(args.seeds))

    def log(message):
        print(message, file=sys.stderr, flush=True)

    start = time.perf_counter()
    results = {
        panel.name: evaluate_panel(
            panel,
            seeds=seeds,
            overrides=args.overrides,
            quick=args.quick,
            log=log,
            jobs=args.jobs,
        )
        for panel in panels
    }
    minutes = (time.perf_counter() - start) / 60
    command = shlex.join(["python", "-m", "benchmarks.accuracy", *args.argv])
    text = (
        f"# sklstm panel benchmark\n\n`{command}`, seeds {args.seeds}, "
        f"LSTMRegressor overrides {args.overrides or 'none'}, {minutes:.1f} min.\n\n"
        "Mean over the series of the one-step MASE (last 20% of each series "
        "as test, in-sample seasonal-naive scale); in brackets the ratio to "
        "the best per-series classical model (naive, snaive, ETS, SARIMA) of "
        "the panel; sklstm rows are mean ± std over seeds.\n\n"
        f"{table(results)}\n"
    )
    print(text)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text)
    print(f"written to {args.output}")
    return 0
