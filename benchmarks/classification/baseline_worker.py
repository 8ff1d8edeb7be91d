"""1-NN DTW and MiniRocket on one development dataset; run as a subprocess.

MiniRocket (aeon) and the compiled DTW need numba, which caps numpy below
this project's; so this runs in its own environment, ``.venv-ucr-baselines``
(``make bench-classification`` creates it), as::

    .venv-ucr-baselines/bin/python benchmarks/classification/baseline_worker.py \\
        --dataset GunPoint --method dtw --out predictions.npz

and writes the test predictions (``predictions``, str) and the seconds the
method took (``seconds``) to an ``.npz`` file that ``_baselines.py`` reads
and caches. It imports numpy, numba, aeon and ``_datasets`` only.

- ``dtw``: 1-NN with full-window DTW, the dependent multivariate kind
  (squared Euclidean distance across the features of a step), on each
  series' observed steps, as ``_nearest.one_nn_dtw`` computes it (the test
  suite checks they agree) but compiled. Candidates are visited in order of
  their Euclidean distance and a DTW is abandoned as soon as a whole row of
  its cost matrix exceeds the best distance so far: exact, ties going to the
  lower training index as with ``argmin``.
- ``minirocket``: aeon's ``MiniRocketClassifier`` (10,000 kernels, ridge
  classifier with cross-validated alpha), ``random_state=0``. It needs equal
  lengths: variable-length sets are start-aligned and zero-padded, as for
  1-NN Euclidean.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _datasets import check_names, load  # noqa: E402

METHODS = ("dtw", "minirocket")


def observed(X: np.ndarray) -> list[np.ndarray]:
    """Each series' observed (non-NaN) steps, ``(n_steps, n_features)``."""
    keep = ~np.isnan(X).any(axis=2)
    return [np.ascontiguousarray(row[mask]) for row, mask in zip(X, keep, strict=True)]


def start_aligned(X: np.ndarray, n_steps: int) -> np.ndarray:
    """Observed steps first, zeros after them, ``(n, n_features, n_steps)``."""
    out = np.zeros((len(X), X.shape[2], n_steps))
    for i, row in enumerate(observed(X)):
        out[i, :, : len(row)] = row.T
    return out


def _kernels():
    from numba import njit

    @njit(cache=False)
    def dtw(x, y, bound):
        """Squared DTW_D of (n, F) and (m, F); inf once a row exceeds bound."""
        n, m = x.shape[0], y.shape[0]
        prev = np.full(m + 1, np.inf)
        cur = np.full(m + 1, np.inf)
        prev[0] = 0.0
        for i in range(n):
            cur[0] = np.inf
            row_min = np.inf
            for j in range(m):
                cost = 0.0
                for f in range(x.shape[1]):
                    d = x[i, f] - y[j, f]
                    cost += d * d
                best = prev[j]
                if prev[j + 1] < best:
                    best = prev[j + 1]
                if cur[j] < best:
                    best = cur[j]
                cur[j + 1] = cost + best
                if cur[j + 1] < row_min:
                    row_min = cur[j + 1]
            if row_min > bound:
                return np.inf
            prev, cur = cur, prev
        return prev[m]

    return dtw


def one_nn_dtw(X_train, y_train, X_test) -> np.ndarray:
    """Labels of the nearest training series in full-window DTW_D."""
    dtw = _kernels()
    train, test = observed(X_train), observed(X_test)
    n_steps = max(len(s) for s in train + test)
    flat_train = start_aligned(X_train, n_steps).reshape(len(train), -1)
    flat_test = start_aligned(X_test, n_steps).reshape(len(test), -1)
    nearest = np.empty(len(test), dtype=np.intp)
    for k, query in enumerate(test):
        euclidean = ((flat_train - flat_test[k]) ** 2).sum(axis=1)
        best, best_index = np.inf, -1
        for index in np.argsort(euclidean, kind="stable"):
            distance = dtw(query, train[index], best)
            if distance < best or (distance == best and index < best_index):
                best, best_index = distance, index
        nearest[k] = best_index
    return y_train[nearest]


def minirocket(X_train, y_train, X_test) -> np.ndarray:
    """Test labels predicted by aeon's MiniRocketClassifier."""
    from aeon.classification.convolution_based import MiniRocketClassifier

    n_steps = max(
        int((~np.isnan(X).any(axis=2)).sum(axis=1).max()) for X in (X_train, X_test)
    )
    model = MiniRocketClassifier(random_state=0, n_jobs=1)
    model.fit(start_aligned(X_train, n_steps), y_train)
    return model.predict(start_aligned(X_test, n_steps))


def run(name: str, method: str, out: Path) -> None:
    """Fit ``method`` on the train split of ``name``, predict the test split."""
    data = load(name)
    predict = {"dtw": one_nn_dtw, "minirocket": minirocket}[method]
    start = time.perf_counter()
    predictions = predict(data["X_train"], data["y_train"], data["X_test"])
    seconds = time.perf_counter() - start
    accuracy = np.mean(predictions == data["y_test"])
    print(f"{name} {method}: {accuracy:.3f} in {seconds:.1f}s", flush=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".partial.npz")
    np.savez(partial, predictions=np.asarray(predictions).astype(str), seconds=seconds)
    partial.replace(out)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="baseline_worker.py")
    parser.add_argument("--dataset", required=True)
    parser.add_argument("--method", choices=METHODS, required=True)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        (name,) = check_names([args.dataset])
    except ValueError as error:
        parser.error(str(error))
    run(name, args.method, args.out)


if __name__ == "__main__":
    main()
