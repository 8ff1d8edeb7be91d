"""The ridge start of the linear path, computed chunk by chunk.

``ridge_fit`` must give what ``make_pipeline(StandardScaler(), RidgeCV())``
gives (weighted, a penalty per output by leave-one-out) without ever holding
the flattened windows: it reads them in chunks from a ``FlatWindows``.
"""

import numpy as np
import pytest
from sklearn.linear_model import Ridge, RidgeCV

from sklstm.estimators import _linear_path
from sklstm.estimators._linear_path import (
    RIDGE_ALPHAS,
    FlatWindows,
    ridge_fit,
    ridge_start,
)


def _sklearn_ridge(Z, T, sample_weight=None):
    """The ridge start as it was: sklearn on the whole standardised matrix."""
    w = np.ones(len(Z)) if sample_weight is None else np.asarray(sample_weight)
    w = w / w.mean()
    mean = np.average(Z, axis=0, weights=w)
    std = np.sqrt(np.average((Z - mean) ** 2, axis=0, weights=w))
    std = np.where(std > 1e-12, std, 1.0)
    if len(Z) < 5:
        ridge = Ridge(alpha=1.0).fit((Z - mean) / std, T, sample_weight=w)
        ridge.alpha_ = 1.0
    else:
        ridge = RidgeCV(alphas=RIDGE_ALPHAS, alpha_per_target=T.shape[1] > 1)
        ridge.fit((Z - mean) / std, T, sample_weight=w)
    coef = np.atleast_2d(ridge.coef_) / std
    bias = np.atleast_1d(ridge.intercept_) - coef @ mean
    return coef, bias, np.broadcast_to(ridge.alpha_, (T.shape[1],))


def _lagged(rng, n, p, k, level=100.0):
    series = np.cumsum(rng.normal(size=n + p + k)) + level
    Z = np.lib.stride_tricks.sliding_window_view(series, p)[:n]
    T = np.stack([series[p + j : p + j + n] for j in range(k)], axis=1)
    return Z, T + rng.normal(size=(n, k))


@pytest.mark.parametrize(
    "n, p, k, weighted",
    [(50, 3, 1, False), (200, 12, 3, True), (8, 20, 2, True), (3, 4, 1, False)],
)
def test_ridge_fit_equals_standardised_ridge_cv(n, p, k, weighted, monkeypatch):
    # Chunks of 7 rows: the sums really run over several chunks.
    monkeypatch.setattr(_linear_path, "_CHUNK_ROWS", 7)
    rng = np.random.default_rng(n)
    Z, T = _lagged(rng, n, p, k)
    weights = rng.uniform(0.0, 2.0, n) if weighted else None
    coef, bias, alpha = ridge_fit(Z, T, weights)
    expected_coef, expected_bias, expected_alpha = _sklearn_ridge(Z, T, weights)
    np.testing.assert_array_equal(alpha, expected_alpha)
    np.testing.assert_allclose(coef, expected_coef, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(bias, expected_bias, rtol=1e-6, atol=1e-9)


def test_ridge_fit_reads_zero_weight_rows_and_constant_columns_as_sklearn():
    rng = np.random.default_rng(3)
    Z, T = _lagged(rng, 60, 5, 2)
    Z = Z.copy()
    Z[:, 2] = 4.0  # a constant column keeps scale 1
    weights = rng.uniform(0.5, 1.5, 60)
    weights[::3] = 0.0
    coef, bias, alpha = ridge_fit(Z, T, weights)
    expected_coef, expected_bias, expected_alpha = _sklearn_ridge(Z, T, weights)
    np.testing.assert_array_equal(alpha, expected_alpha)
    np.testing.assert_allclose(coef, expected_coef, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(bias, expected_bias, rtol=1e-6, atol=1e-9)


def test_flat_windows_of_a_dataset_give_the_ridge_of_its_dense_rows():
    from sklstm.nn._training import SequenceDataset

    rng = np.random.default_rng(0)
    X3 = rng.normal(size=(300, 6, 2))
    X3[:4, :2] = np.nan  # leading padding reads as 0
    y = X3[:, -1, :1] + 0.1 * rng.normal(size=(300, 1))
    dataset = SequenceDataset(X3, np.zeros(2), np.ones(2), y=y)
    flat = FlatWindows(dataset, rows=64)
    assert flat.shape == (300, 12) and len(flat) == 300
    dense = np.nan_to_num(X3.astype(np.float32)).reshape(300, -1)
    np.testing.assert_array_equal(np.concatenate(list(flat.chunks())), dense)
    for got, want in zip(ridge_start(flat, y), ridge_start(dense, y), strict=True):
        np.testing.assert_array_equal(got, want)


def test_ridge_fit_memory_stays_at_a_chunk_not_the_whole_matrix():
    import tracemalloc

    class Rows:
        """Rows made on demand, as FlatWindows gathers them."""

        shape = (40_000, 64)

        def __len__(self):
            return self.shape[0]

        def chunks(self):
            for start in range(0, len(self), 1000):
                rng = np.random.default_rng(start)
                yield rng.normal(size=(1000, 64))

    T = np.random.default_rng(1).normal(size=(40_000, 1))
    tracemalloc.start()
    try:
        ridge_fit(Rows(), T)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    dense = 40_000 * 64 * 8  # 20 MB
    assert peak < dense / 4
