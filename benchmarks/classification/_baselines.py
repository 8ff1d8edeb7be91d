"""The reference methods of the classification benchmark.

- 1-NN Euclidean: ``_nearest.one_nn_euclidean``, in this process.
- 1-NN DTW (full window) and MiniRocket: ``baseline_worker.py`` in its own
  environment, ``.venv-ucr-baselines`` (numba caps numpy below this
  project's), as a subprocess. Its test predictions are cached under
  ``benchmarks/results/classification_baselines/``, keyed by the dataset's
  arrays, the worker's source and the versions in that environment, so a
  later run (with other sklstm settings, or ``--quick``) reads them; the
  table marks the columns that came from the cache. Without that
  environment, DTW falls back to ``_nearest.one_nn_dtw`` (vectorised numpy,
  same results, minutes on the longest sets) and MiniRocket is left out.
- The published accuracies of the UCR archive (:data:`PUBLISHED`), as a
  reference column.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from _datasets import data_digest
from _nearest import one_nn_dtw, one_nn_euclidean

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
WORKER = HERE / "baseline_worker.py"
CACHE = ROOT / "benchmarks" / "results" / "classification_baselines"
BASELINE_PYTHON = ROOT / ".venv-ucr-baselines" / "bin" / "python"
VERSIONED = ("numpy", "numba", "aeon", "scikit-learn")
WORKER_METHODS = ("dtw", "minirocket")

#: Test accuracy of 1-NN Euclidean and 1-NN DTW with no warping window, as
#: published by the UCR Time Series Classification Archive (2018 release,
#: its ``DataSummary.csv``, columns "ED (w=0)" and "DTW (w=100)", given
#: there as error rates; accuracy = 1 - error). Only the univariate sets:
#: BasicMotions and JapaneseVowels come from the UEA archive, which
#: publishes no such table. The archive computed them on z-normalised series
#: and pads variable-length ones with low-amplitude noise, so BME, Fungi and
#: GesturePebbleZ1 (not z-normalised in the files) may differ from this
#: benchmark's measurement on the files as shipped.
PUBLISHED = {
    "ItalyPowerDemand": (0.9553, 0.9504),
    "GunPoint": (0.9133, 0.9067),
    "Adiac": (0.6113, 0.6036),
    "BME": (0.8333, 0.9000),
    "ChlorineConcentration": (0.6500, 0.6484),
    "CinCECGTorso": (0.8971, 0.6507),
    "CricketX": (0.5769, 0.7538),
    "DistalPhalanxTW": (0.6331, 0.5899),
    "ECG5000": (0.9249, 0.9244),
    "FaceAll": (0.7136, 0.8077),
    "Fish": (0.7829, 0.8229),
    "FreezerSmallTrain": (0.6758, 0.7589),
    "Fungi": (0.8226, 0.8387),
    "GesturePebbleZ1": (0.7326, 0.7907),
}


@dataclass
class Baseline:
    """One method's test accuracy on one dataset."""

    accuracy: float
    seconds: float
    cached: bool = False


def euclidean(data) -> Baseline:
    start = time.perf_counter()
    predictions = one_nn_euclidean(data["X_train"], data["y_train"], data["X_test"])
    seconds = time.perf_counter() - start
    return Baseline(float(np.mean(predictions == data["y_test"])), seconds)


def baseline_versions(python: Path = BASELINE_PYTHON) -> dict[str, str] | None:
    """Versions in the baseline environment, or None where it is missing."""
    if not python.exists():
        return None
    code = (
        "import importlib.metadata as m, json, platform; print(json.dumps("
        f"{{'python': platform.python_version(), **{{p: m.version(p) for p in "
        f"{list(VERSIONED)!r}}}}}))"
    )
    done = subprocess.run(
        [str(python), "-c", code], capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)


def cache_path(name: str, method: str, digest: str, versions: dict) -> Path:
    """Where one worker result is kept: by data, worker source and versions."""
    source = hashlib.sha256(WORKER.read_bytes()).hexdigest()
    text = json.dumps(
        {"method": method, "data": digest, "worker": source, "versions": versions},
        sort_keys=True,
    )
    key = hashlib.sha256(text.encode()).hexdigest()[:12]
    return CACHE / f"{name}-{method}-{key}.npz"


def worker_baseline(
    name: str, method: str, data, versions: dict, *, log=print
) -> Baseline:
    """``method`` on ``name`` from the cache, running the worker if needed."""
    path = cache_path(name, method, data_digest(data), versions)
    cached = path.exists()
    if not cached:
        log(f"  {name}: {method} in the baseline environment (then cached)")
        subprocess.run(
            [
                str(BASELINE_PYTHON),
                str(WORKER),
                "--dataset",
                name,
                "--method",
                method,
                "--out",
                str(path),
            ],
            cwd=ROOT,
            check=True,
        )
    with np.load(path, allow_pickle=False) as stored:
        accuracy = float(np.mean(stored["predictions"] == data["y_test"]))
        return Baseline(accuracy, float(stored["seconds"]), cached)


def numpy_dtw(data) -> Baseline:
    start = time.perf_counter()
    predictions = one_nn_dtw(data["X_train"], data["y_train"], data["X_test"])
    seconds = time.perf_counter() - start
    return Baseline(float(np.mean(predictions == data["y_test"])), seconds)


def baselines(name: str, data, methods, versions, *, log=print) -> dict:
    """The requested baselines of one dataset, by method name."""
    result = {}
    if "ed" in methods:
        result["ed"] = euclidean(data)
    for method in WORKER_METHODS:
        if method not in methods:
            continue
        if versions is not None:
            result[method] = worker_baseline(name, method, data, versions, log=log)
        elif method == "dtw":
            result[method] = numpy_dtw(data)
    return result
