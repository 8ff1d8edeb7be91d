"""Property-based tests: windowing is exact for any shape, dtype and length."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sklstm import frame_windows, sliding_windows

float_dtypes = st.sampled_from([np.float32, np.float64])
shapes = st.tuples(st.integers(1, 30), st.integers(1, 4))


def naive_windows(X, window_length, padding):
    n, f = X.shape
    out = np.empty((n, window_length, f), dtype=X.dtype)
    for i in range(n):
        for j in range(window_length):
            source = i - window_length + 1 + j
            if source >= 0:
                out[i, j] = X[source]
            elif padding == "nan":
                out[i, j] = np.nan
            elif padding == "zero":
                out[i, j] = 0
            else:
                out[i, j] = X[0]
    return out


@settings(max_examples=60, deadline=None)
@given(
    data=st.data(),
    dtype=float_dtypes,
    shape=shapes,
    window_length=st.integers(1, 40),
    padding=st.sampled_from(["nan", "zero", "edge"]),
)
def test_sliding_windows_match_a_naive_loop(data, dtype, shape, window_length, padding):
    X = data.draw(arrays(dtype, shape, elements=st.floats(-1e6, 1e6, width=32)))
    windows = sliding_windows(X, window_length, padding=padding)
    assert windows.shape == (shape[0], window_length, shape[1])
    assert windows.dtype == X.dtype
    assert not windows.flags.writeable
    np.testing.assert_array_equal(windows, naive_windows(X, window_length, padding))


@settings(max_examples=40, deadline=None)
@given(
    X=arrays(np.float64, shapes, elements=st.floats(-1e3, 1e3)),
    window_length=st.integers(1, 10),
    horizon=st.integers(1, 5),
)
def test_frame_windows_is_exact_or_refuses(X, window_length, horizon):
    if len(X) < window_length + horizon:
        with pytest.raises(ValueError, match="fewer than window_length"):
            frame_windows(X, window_length, horizon, target=0)
        return
    windows, y = frame_windows(X, window_length, horizon, target=0)
    n = len(X) - window_length - horizon + 1
    assert windows.shape == (n, window_length, X.shape[1])
    for j in range(n):
        np.testing.assert_array_equal(windows[j], X[j : j + window_length])
        expected = X[j + window_length : j + window_length + horizon, 0]
        np.testing.assert_array_equal(np.atleast_1d(y[j]), expected)


@settings(max_examples=30, deadline=None)
@given(
    dtype=st.sampled_from([np.int8, np.int64, np.uint16, np.bool_, np.complex64]),
    n=st.integers(1, 10),
)
def test_non_float_series_are_refused_with_the_fix(dtype, n):
    with pytest.raises(TypeError, match="astype"):
        sliding_windows(np.zeros(n, dtype=dtype), 2)


@settings(max_examples=30, deadline=None)
@given(window_length=st.one_of(st.integers(-5, 0), st.floats(0.5, 3.5), st.none()))
def test_invalid_window_lengths_are_refused(window_length):
    with pytest.raises((ValueError, TypeError), match="window_length"):
        sliding_windows(np.zeros(5), window_length)
