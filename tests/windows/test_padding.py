"""pad_sequences: NaN left-padding of variable-length sequences."""

import numpy as np

from sklstm import pad_sequences


def test_multivariate_sequences_end_at_the_last_step():
    a = np.arange(6.0).reshape(3, 2)
    b = np.array([[10.0, 20.0]])
    X = pad_sequences((a, b))
    assert X.shape == (2, 3, 2) and X.dtype == np.float64
    np.testing.assert_array_equal(X[0], a)
    assert np.isnan(X[1, :2]).all()
    np.testing.assert_array_equal(X[1, 2], [10.0, 20.0])


def test_dtype_and_integer_input():
    X = pad_sequences([np.array([1, 2]), np.array([3])], dtype=np.float32)
    assert X.dtype == np.float32
    np.testing.assert_array_equal(X[:, :, 0], [[1, 2], [np.nan, 3]])


def test_equal_lengths_need_no_padding_and_inputs_stay_unchanged():
    rows = np.arange(6.0).reshape(2, 3)
    before = rows.copy()
    X = pad_sequences(rows)  # a 2-D array: one sequence per row
    np.testing.assert_array_equal(X[:, :, 0], rows)
    X[0, 0, 0] = -1.0
    np.testing.assert_array_equal(rows, before)
