"""Tests of the one-pass sequence scan in ``sklstm.estimators._validation``."""

import numpy as np
import pytest

from sklstm.estimators import _validation
from sklstm.estimators._validation import has_missing_steps, scan_sequences


def _padded(rng, n=50, steps=6, features=2, dtype=np.float32):
    X = rng.normal(loc=3.0, size=(n, steps, features)).astype(dtype)
    lead = rng.integers(0, steps, size=n)  # leading missing steps per sample
    for row, k in enumerate(lead):
        X[row, :k] = np.nan
    return X, steps - lead


@pytest.mark.parametrize("chunk_values", [1 << 20, 24])  # one chunk / many
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_scan_stats_equal_float64_nan_statistics(monkeypatch, chunk_values, dtype):
    monkeypatch.setattr(_validation, "_CHUNK_VALUES", chunk_values)
    X, observed = _padded(np.random.default_rng(0), dtype=dtype)
    X_before = X.copy()
    stats = scan_sequences(X, with_stats=True)
    flat = X.reshape(-1, X.shape[2]).astype(np.float64)
    np.testing.assert_array_equal(stats.n_observed, observed)
    np.testing.assert_allclose(stats.mean, np.nanmean(flat, axis=0), rtol=1e-12)
    np.testing.assert_allclose(stats.std, np.nanstd(flat, axis=0), rtol=1e-10)
    np.testing.assert_array_equal(X, X_before)  # the caller's array is untouched


@pytest.mark.parametrize("chunk_values", [1 << 20, 24])
def test_scan_without_padding_counts_every_step(monkeypatch, chunk_values):
    monkeypatch.setattr(_validation, "_CHUNK_VALUES", chunk_values)
    X = np.random.default_rng(1).normal(size=(30, 4, 3))
    stats = scan_sequences(X, with_stats=True)
    np.testing.assert_array_equal(stats.n_observed, np.full(30, 4))
    np.testing.assert_allclose(stats.mean, X.mean(axis=(0, 1)), rtol=1e-12)
    np.testing.assert_allclose(stats.std, X.std(axis=(0, 1)), rtol=1e-10)
    assert scan_sequences(X, with_stats=False).mean is None


def test_scan_variance_is_accurate_far_from_zero():
    # Values around 1e6 with changes of about 1: a naive sum of squares in
    # float64 would lose most digits of the variance.
    rng = np.random.default_rng(2)
    X = 1e6 + rng.normal(size=(200, 5, 1))
    stats = scan_sequences(X, with_stats=True)
    np.testing.assert_allclose(stats.std, X.std(), rtol=1e-9)


@pytest.mark.parametrize(
    "bad, message",
    [
        (lambda X: X.__setitem__((3, 2, 0), np.nan), "some but not all features"),
        (lambda X: X.__setitem__((4, 2), np.nan), "NaN at step 2 after observed"),
        (lambda X: X.__setitem__(5, np.nan), "Sample 5 has no observed step"),
        (lambda X: X.__setitem__((6, 1, 1), np.inf), "infinity"),
    ],
)
@pytest.mark.parametrize("chunk_values", [1 << 20, 8])
def test_scan_names_the_bad_sample(monkeypatch, bad, message, chunk_values):
    monkeypatch.setattr(_validation, "_CHUNK_VALUES", chunk_values)
    X = np.random.default_rng(3).normal(size=(10, 4, 2))
    bad(X)
    with pytest.raises(ValueError, match=message):
        scan_sequences(X, with_stats=True)
    with pytest.raises(ValueError, match=message):
        scan_sequences(X, with_stats=False)


@pytest.mark.parametrize("n_samples", [2, 40])  # below and above _SMALL_VALUES
def test_has_missing_steps_small_and_large_input_agree(n_samples):
    assert (n_samples * 3 <= _validation._SMALL_VALUES) == (n_samples == 2)
    X = np.random.default_rng(4).normal(size=(n_samples, 3, 1))
    assert has_missing_steps(X) is False
    padded = X.copy()
    padded[1, 0] = np.nan
    assert has_missing_steps(padded) is True
    gap = X.copy()
    gap[1, 1] = np.nan
    with pytest.raises(ValueError, match="after observed steps"):
        has_missing_steps(gap)
    infinite = X.copy()
    infinite[0, 2] = -np.inf
    with pytest.raises(ValueError, match="infinity"):
        has_missing_steps(infinite)
    strided = np.asfortranarray(X)[:, ::-1]  # a non-contiguous view
    assert has_missing_steps(strided) is False


@pytest.mark.parametrize("position", [(0, 0, 0), (7, 3, 1)])
def test_values_too_large_for_float64_statistics_are_refused(position):
    X = np.random.default_rng(0).normal(size=(10, 4, 2))
    X[position] = -2e154  # its square overflows float64
    with pytest.raises(
        ValueError, match=r"values up to 2e\+154 .* divide it by 1e\+151"
    ):
        scan_sequences(X, with_stats=True)
    X[position] = 1e153  # large, but the statistics are finite
    stats = scan_sequences(X, with_stats=True)
    assert np.isfinite(stats.std).all()


# ------------------------------------------------------------ lazy windows


def _lazy_panel(dtype=np.float64):
    from sklstm.windows._lazy import lazy_windows

    values = np.random.default_rng(1).normal(size=(40, 2)).astype(dtype)
    return lazy_windows(values, 6, series_starts=[0, 3, 25])


@pytest.mark.parametrize("chunk_values", [1 << 20, 24])
@pytest.mark.parametrize("reference_feature", [None, 0])
def test_scan_reads_lazy_windows_as_their_dense_array(
    monkeypatch, chunk_values, reference_feature
):
    monkeypatch.setattr(_validation, "_CHUNK_VALUES", chunk_values)
    lazy = _lazy_panel()
    got = scan_sequences(lazy, with_stats=True, reference_feature=reference_feature)
    want = scan_sequences(lazy[:], with_stats=True, reference_feature=reference_feature)
    for name in ("n_observed", "mean", "std", "minimum", "maximum"):
        np.testing.assert_array_equal(getattr(got, name), getattr(want, name))
    assert has_missing_steps(lazy) and has_missing_steps(lazy[:])
    assert not has_missing_steps(lazy[10:20])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_check_sequences_keeps_lazy_windows_lazy(dtype):
    from sklearn.base import BaseEstimator

    from sklstm.windows._lazy import LazyWindows

    lazy = _lazy_panel(dtype)
    estimator = BaseEstimator()
    X3, y = _validation.check_sequences(
        estimator, lazy, reset=True, y=np.zeros(len(lazy))
    )
    assert isinstance(X3, LazyWindows) and X3.shape == lazy.shape
    assert X3.dtype == (np.float32 if dtype == np.float16 else dtype)
    assert estimator.n_features_in_ == 2
    np.testing.assert_array_equal(X3[:], lazy[:].astype(X3.dtype))
