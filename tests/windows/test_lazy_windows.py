"""LazyWindows: the windows of a panel built on demand, fitted without a copy.

Indexing must agree with the dense array of the same windows; the
estimators must give bit-identical results on both, and a fit on the lazy
windows must hold far less than the dense array.
"""

import tracemalloc
import warnings

import numpy as np
import pytest
from _settings import tiny
from sklearn.exceptions import ConvergenceWarning

from sklstm import LSTMRegressor, sliding_windows
from sklstm.windows._lazy import LazyWindows, lazy_windows


def _panel(n_series, n_steps, n_features=1, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n_steps)
    levels = rng.uniform(-5, 5, size=(n_series, 1, 1))
    waves = np.sin(
        2 * np.pi * (t[None, :, None] + rng.integers(0, 9, (n_series, 1, 1))) / 9
    )
    noise = 0.1 * rng.normal(size=(n_series, n_steps, n_features))
    values = (levels + waves + noise).reshape(n_series * n_steps, n_features)
    return values, np.arange(0, n_series * n_steps, n_steps)


def _dense(values, window_length, series_starts):
    bounds = [*series_starts, len(values)]
    return np.concatenate(
        [
            sliding_windows(values[a:b], window_length)
            for a, b in zip(bounds[:-1], bounds[1:], strict=True)
        ]
    )


def test_lazy_windows_are_the_sliding_windows_of_each_series(monkeypatch):
    from sklstm.windows import _lazy

    monkeypatch.setattr(_lazy, "_CHUNK_VALUES", 25)  # np.asarray in chunks
    values, starts = _panel(3, 7, n_features=2)
    starts = np.array([0, 4, 15])  # series of unequal lengths
    windows = lazy_windows(values, 5, starts)
    dense = _dense(values, 5, starts)
    assert windows.shape == dense.shape and len(windows) == len(dense)
    assert windows.ndim == 3 and windows.dtype == dense.dtype
    assert windows.nbytes == dense.nbytes
    np.testing.assert_array_equal(windows[:], dense)
    np.testing.assert_array_equal(np.asarray(windows), dense)
    as_float32 = np.asarray(windows, dtype=np.float32)
    assert as_float32.dtype == np.float32
    np.testing.assert_array_equal(as_float32, dense.astype(np.float32))


@pytest.mark.parametrize(
    "key",
    [
        0,
        -1,
        slice(2, 9),
        slice(None, None, -3),
        np.array([3, 1, 20]),
        [0, 5],
        np.arange(21) % 2 == 0,
        (slice(None), -1, 0),
        (np.array([1, 7]), -1, 1),
        (slice(None), np.array([0, 3]), 1),
        (slice(None), slice(None), [0, 1]),
        (3, slice(1, 4)),
        (3, 2, 1),
        (np.array([1, 2]), np.array([0, 4])),
        (np.array([4, 5]), slice(None), 1),
        (slice(1, 3), np.array([[0, 1], [2, 3]])),
        (np.array([2, 0]), Ellipsis),
        (Ellipsis, 1),
        (4, Ellipsis, 0),
        [],
        np.int64(-2),
        (slice(None), -5),
    ],
)
def test_lazy_windows_index_as_the_dense_array(key):
    values, _ = _panel(3, 7, n_features=2)
    windows = lazy_windows(values, 5, [0, 4, 15])
    dense = _dense(values, 5, [0, 4, 15])
    got = windows[key]
    assert isinstance(got, np.ndarray) and got.shape == dense[key].shape
    np.testing.assert_array_equal(got, dense[key])


def test_sklearn_indexes_lazy_windows_as_the_dense_array():
    from sklearn.utils import _safe_indexing

    values, _ = _panel(3, 7)
    windows = lazy_windows(values, 4, [0, 7, 14])
    rows = np.array([20, 3, 8])
    np.testing.assert_array_equal(
        _safe_indexing(windows, rows), _safe_indexing(windows[:], rows)
    )


def test_lazy_windows_refuse_index_forms_they_do_not_implement():
    windows = lazy_windows(np.arange(6.0), 2)
    with pytest.raises(IndexError, match="up to three indices"):
        windows[None, 0]
    with pytest.raises(IndexError, match="up to three indices"):
        windows[..., 0, ...]
    with pytest.raises(IndexError, match="up to three indices"):
        windows[0, 0, 0, 0]
    with pytest.raises(IndexError, match="out of bounds"):
        windows[[0, 6]]
    with pytest.raises(IndexError, match="out of bounds"):
        windows[0, -3]
    with pytest.raises(IndexError, match="boolean index"):
        windows[np.ones(5, dtype=bool)]
    with pytest.raises(IndexError, match="valid indices"):
        windows[np.array([0.0])]
    with pytest.raises(IndexError, match="array of features"):
        windows[[0, 1], -1, [0]]


@pytest.mark.parametrize(
    "kwargs, match",
    [
        (dict(values=np.arange(4), ends=[1], window_length=2), "2-D float"),
        (dict(values=np.ones((4, 1)), ends=[4], window_length=2), "end at a row"),
        (dict(values=np.ones((4, 1)), ends=[1], window_length=0), ">= 1"),
        (dict(values=np.ones((4, 1)), ends=[1.0], window_length=2), "integer"),
        (
            dict(values=np.ones((4, 1)), ends=[1], window_length=2, starts=[2]),
            "start row",
        ),
    ],
)
def test_lazy_windows_refuse_inconsistent_parts(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LazyWindows(**kwargs)


@pytest.mark.parametrize("series_starts", [[1, 3], [0, 3, 3], [0, 9], [[0]]])
def test_lazy_windows_refuse_series_starts_that_are_not_rows(series_starts):
    with pytest.raises(ValueError, match="series_starts must be increasing"):
        lazy_windows(np.arange(6.0), 2, series_starts)


def _next_value_windows(values, starts, window_length):
    """Windows of every row but each series' last, and the next value."""
    windows = lazy_windows(values, window_length, starts)
    last = np.append(starts[1:], len(values)) - 1
    keep = np.setdiff1d(np.arange(len(values)), last)
    lazy = LazyWindows(values, keep, window_length, windows.starts[keep])
    return lazy, values[keep + 1, 0]


@pytest.mark.parametrize("target_mode", ["auto", "level"])
def test_fit_and_predict_on_lazy_windows_equal_the_dense_ones(target_mode):
    values, starts = _panel(6, 30)
    lazy, y = _next_value_windows(values, starts, 8)
    dense = lazy[:]
    params = tiny(target_mode=target_mode, batch_size=16)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        on_lazy = LSTMRegressor(**params).fit(lazy, y)
        on_dense = LSTMRegressor(**params).fit(dense, y)
    assert on_lazy.target_mode_ == on_dense.target_mode_
    np.testing.assert_array_equal(on_lazy.loss_curve_, on_dense.loss_curve_)
    np.testing.assert_array_equal(on_lazy.predict(lazy), on_dense.predict(dense))
    np.testing.assert_array_equal(on_lazy.predict(dense), on_lazy.predict(lazy))
    # A handful of windows takes predict's small-input path.
    np.testing.assert_array_equal(on_lazy.predict(lazy[:2]), on_lazy.predict(dense[:2]))


def test_fit_on_lazy_windows_with_weights_and_skipped_rows_equals_dense():
    values, starts = _panel(4, 25, n_features=2)
    lazy, y = _next_value_windows(values, starts, 6)
    weights = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    params = tiny(min_observed_steps=3, early_stopping=True, batch_size=8)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        on_lazy = LSTMRegressor(**params).fit(lazy, y, sample_weight=weights)
        on_dense = LSTMRegressor(**params).fit(lazy[:], y, sample_weight=weights)
    assert on_lazy.n_samples_skipped_ == on_dense.n_samples_skipped_ > 0
    np.testing.assert_array_equal(
        on_lazy.validation_loss_curve_, on_dense.validation_loss_curve_
    )
    np.testing.assert_array_equal(on_lazy.predict(lazy), on_dense.predict(lazy[:]))


def test_fit_on_lazy_windows_holds_far_less_than_the_dense_array(monkeypatch):
    from sklstm.estimators import _linear_path, _validation
    from sklstm.nn import _torch_threads, _training

    # 200 series x 200 steps, 64-step windows: 39,800 windows, 20 MB dense.
    # The chunk sizes of the passes over the data shrink with the case, so
    # that what is bounded by a chunk is told apart from what grows with n.
    monkeypatch.setattr(_validation, "_CHUNK_VALUES", 1 << 16)
    monkeypatch.setattr(_training, "_SCALE_CHUNK_VALUES", 1 << 16)
    monkeypatch.setattr(_training, "MATERIALIZE_LIMIT_BYTES", 1 << 18)
    monkeypatch.setattr(_linear_path, "_CHUNK_ROWS", 512)
    monkeypatch.setattr(_torch_threads, "_MAX_BLOCK_ROWS", 512)  # predict blocks
    values, starts = _panel(200, 200)
    lazy, y = _next_value_windows(values, starts, 64)

    def no_dense(*args, **kwargs):
        raise AssertionError("the lazy windows were made dense")

    monkeypatch.setattr(LazyWindows, "__array__", no_dense)
    model = LSTMRegressor(**tiny(max_epochs=1, batch_size=512, hidden_size=2))
    with warnings.catch_warnings():
        # The first fit of a process imports modules (torch's optimizers
        # pull in more of torch): tens of MB of Python objects, not data.
        warnings.simplefilter("ignore", ConvergenceWarning)
        LSTMRegressor(**tiny(max_epochs=1)).fit(lazy[:64], y[:64])
    tracemalloc.start()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(lazy, y)
            model.predict(lazy)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < lazy.nbytes / 4, (peak, lazy.nbytes)
