"""Convert UCR/UEA ``.ts`` files into the small ``.npz`` files vendored here.

Run once, by hand, on the ``.ts`` files of the official splits (see
``benchmarks/data/ucr/SOURCES.md`` for where they come from)::

    python benchmarks/classification/vendor_ucr.py DIR

``DIR`` holds ``<Name>/<Name>_TRAIN.ts`` and ``<Name>/<Name>_TEST.ts``. Each
dataset becomes ``benchmarks/data/ucr/<Name>.npz`` with ``X_train``,
``y_train``, ``X_test``, ``y_test``: X as float64 ``(n, n_timesteps,
n_features)``, variable-length series left-padded with NaN
(:func:`sklstm.pad_sequences`), y as str labels. Nothing reads ``.ts`` at run
time.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from sklstm import pad_sequences

DATASETS = ("ItalyPowerDemand", "GunPoint", "BasicMotions", "JapaneseVowels")
OUT = Path(__file__).resolve().parents[1] / "data" / "ucr"


def read_ts(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """Sequences and labels of one ``.ts`` file (no timestamps, labels last)."""
    sequences, labels = [], []
    in_data = False
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if not in_data:
            in_data = line.lower() == "@data"
            continue
        *dims, label = line.split(":")
        channels = [np.array(d.split(","), dtype=np.float64) for d in dims]
        sequences.append(np.stack(channels, axis=1))  # (n_timesteps, n_features)
        labels.append(label.strip())
    return pad_sequences(sequences), np.array(labels)


def main(source: Path) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in DATASETS:
        X_train, y_train = read_ts(source / name / f"{name}_TRAIN.ts")
        X_test, y_test = read_ts(source / name / f"{name}_TEST.ts")
        np.savez_compressed(
            OUT / f"{name}.npz",
            X_train=X_train,
            y_train=y_train,
            X_test=X_test,
            y_test=y_test,
        )
        print(name, X_train.shape, X_test.shape, sorted(set(y_train)))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
