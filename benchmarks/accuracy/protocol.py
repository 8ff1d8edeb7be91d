"""Run every method on one series, both tasks; a failing method is recorded."""

from __future__ import annotations

import time
import traceback
from dataclasses import dataclass, field

import numpy as np

from . import classical, learned
from .data import SeriesSpec, load
from .metrics import mase, mase_scale
from .problem import Forecasts, Problem

TASKS = ("one_step", "direct")
CLASSICAL = {
    "naive": classical.naive,
    "snaive": classical.seasonal_naive,
    "ETS": classical.ets,
    "SARIMA": classical.sarima,
}
METHODS = (*CLASSICAL, "Ridge", "sklstm")


@dataclass
class MethodResult:
    """MASE per task (one value per seed for sklstm), a note, the time taken."""

    scores: dict[str, list[float]] = field(default_factory=dict)
    note: str = ""
    seconds: float = 0.0
    failed: bool = False


@dataclass
class SeriesResult:
    name: str
    season: int
    n: int
    n_test: int
    h: int
    methods: dict[str, MethodResult]


def _score(problem: Problem, runs: list[Forecasts], scale: float) -> dict:
    return {
        task: [mase(problem.actual(task), getattr(run, task), scale) for run in runs]
        for task in TASKS
    }


def _run(method, problem: Problem, scale: float, **options) -> MethodResult:
    start = time.perf_counter()
    try:
        runs = method(problem, **options)
    except Exception as error:  # any failure is a result, not a crash
        detail = traceback.format_exception_only(type(error), error)[-1].strip()
        return MethodResult(
            {task: [np.nan] for task in TASKS},
            f"failed: {detail}",
            time.perf_counter() - start,
            failed=True,
        )
    runs = runs if isinstance(runs, list) else [runs]
    scores = _score(problem, runs, scale)
    notes = sorted({run.note for run in runs if run.note})
    bad = [t for t, values in scores.items() if not np.all(np.isfinite(values))]
    if bad:
        notes.append(f"non-finite forecasts ({', '.join(bad)})")
    return MethodResult(scores, "; ".join(notes), time.perf_counter() - start)


def evaluate(spec: SeriesSpec, *, seeds, overrides, quick=False) -> SeriesResult:
    """All methods on one series. Seeds and overrides apply to sklstm only."""
    problem = Problem(spec, load(spec))
    scale = mase_scale(problem.train.to_numpy(), spec.season)
    methods = {}
    for name, method in CLASSICAL.items():
        if name == "snaive" and spec.season == 1:
            continue  # the same forecasts as naive
        methods[name] = _run(method, problem, scale, quick=quick)
    methods["Ridge"] = _run(learned.ridge, problem, scale)
    methods["sklstm"] = _run(
        learned.sklstm_runs, problem, scale, seeds=seeds, overrides=overrides
    )
    return SeriesResult(
        spec.name, spec.season, len(problem.series), problem.n_test, problem.h, methods
    )
