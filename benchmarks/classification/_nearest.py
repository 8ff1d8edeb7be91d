"""1-nearest-neighbour baselines: Euclidean distance and full-window DTW.

Both take the NaN-left-padded arrays the vendored datasets hold. DTW is the
dependent multivariate kind (DTW_D: squared Euclidean distance across the
features of a step), with no warping window, on each series' observed steps
only; it is vectorised over all (test, train) pairs of a block of test series.
"""

from __future__ import annotations

import numpy as np


def start_aligned(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Observed steps first, zeros after them, and each series' length."""
    observed = ~np.isnan(X).any(axis=2)
    lengths = observed.sum(axis=1)
    out = np.zeros_like(X)
    for i, (row, n) in enumerate(zip(X, lengths, strict=True)):
        out[i, :n] = row[len(row) - n :]
    return out, lengths


def one_nn_euclidean(X_train, y_train, X_test) -> np.ndarray:
    """Labels of the nearest training series in Euclidean distance.

    Series of different lengths are compared start-aligned, the shorter one
    padded with zeros (the habit of the archive's equal-length versions).
    """
    A, _ = start_aligned(X_train)
    B, _ = start_aligned(X_test)
    n_steps = max(A.shape[1], B.shape[1])
    A = np.pad(A, ((0, 0), (0, n_steps - A.shape[1]), (0, 0))).reshape(len(A), -1)
    B = np.pad(B, ((0, 0), (0, n_steps - B.shape[1]), (0, 0))).reshape(len(B), -1)
    distances = (B**2).sum(1)[:, None] - 2 * B @ A.T + (A**2).sum(1)[None, :]
    return y_train[distances.argmin(axis=1)]


def one_nn_dtw(X_train, y_train, X_test, *, pairs_per_block=20_000) -> np.ndarray:
    """Labels of the nearest training series in full-window DTW_D."""
    A, len_a = start_aligned(X_train)
    B, len_b = start_aligned(X_test)
    tests_per_block = max(1, pairs_per_block // len(A))
    nearest = np.empty(len(B), dtype=np.intp)
    for start in range(0, len(B), tests_per_block):
        block = slice(start, start + tests_per_block)
        distances = _dtw_block(B[block], len_b[block], A, len_a)
        nearest[block] = distances.argmin(axis=1)
    return y_train[nearest]


def _dtw_block(Q, len_q, R, len_r) -> np.ndarray:
    """DTW distances (n_queries, n_references) of padded, start-aligned series."""
    n_q, n_r = len(Q), len(R)
    steps_r = R.shape[1]
    # prev[:, :, j] is D[i - 1, j - 1]; column 0 is the boundary.
    prev = np.full((n_q, n_r, steps_r + 1), np.inf)
    prev[:, :, 0] = 0.0
    result = np.full((n_q, n_r), np.inf)
    rows = np.arange(n_r)
    for i in range(int(len_q.max())):
        cost = ((Q[:, None, i, None, :] - R[None, :, :, :]) ** 2).sum(axis=3)
        cur = np.full_like(prev, np.inf)
        diagonal_or_up = np.minimum(prev[:, :, 1:], prev[:, :, :-1])
        for j in range(steps_r):
            cur[:, :, j + 1] = cost[:, :, j] + np.minimum(
                diagonal_or_up[:, :, j], cur[:, :, j]
            )
        done = len_q == i + 1
        if done.any():
            result[done] = cur[done][:, rows, len_r]
        prev = cur
    return result
