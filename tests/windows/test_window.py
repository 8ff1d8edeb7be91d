"""Tests for ``sliding_windows`` and ``SlidingWindowTransformer``."""

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklstm import (
    LSTMRegressor,
    SlidingWindowTransformer,
    frame_supervised,
    sliding_windows,
)

NAN = np.nan


def _root_base(arr):
    """Follow the ``.base`` chain of a view down to the array owning the memory."""
    while getattr(arr, "base", None) is not None:
        arr = arr.base
    return arr


def _expected_windows(values, window_length, fill=NAN):
    """Reference implementation: explicit loop, one padded window per row."""
    values = np.asarray(values, dtype=np.float64)
    if values.ndim == 1:
        values = values[:, None]
    n_steps, n_features = values.shape
    out = np.full((n_steps, window_length, n_features), fill, dtype=np.float64)
    for i in range(n_steps):
        start = i - window_length + 1
        for k in range(window_length):
            if start + k >= 0:
                out[i, k] = values[start + k]
            elif fill == "edge":
                out[i, k] = values[0]
    return out


# --------------------------------------------------------------------------
# sliding_windows: values and shapes
# --------------------------------------------------------------------------


def test_sliding_windows_1d_values_and_nan_padding():
    w = sliding_windows(np.array([2.0, 4.0, 6.0, 8.0, 10.0]), 3)
    assert w.shape == (5, 3, 1)
    assert w.dtype == np.float64
    assert_array_equal(
        w[:, :, 0],
        [
            [NAN, NAN, 2.0],
            [NAN, 2.0, 4.0],
            [2.0, 4.0, 6.0],
            [4.0, 6.0, 8.0],
            [6.0, 8.0, 10.0],
        ],
    )


def test_sliding_windows_row_i_ends_at_observation_i():
    values = np.arange(1.0, 21.0) ** 2
    w = sliding_windows(values, 4)
    assert_array_equal(w[:, -1, 0], values)
    for i in range(3, len(values)):
        assert_array_equal(w[i, :, 0], values[i - 3 : i + 1])


def test_sliding_windows_multivariate_2d():
    X = np.column_stack([np.arange(6.0), 10 * np.arange(6.0), -np.arange(6.0)])
    w = sliding_windows(X, 2)
    assert w.shape == (6, 2, 3)
    assert_array_equal(w[:, -1, :], X)
    assert_array_equal(w[1:, 0, :], X[:-1])
    assert np.isnan(w[0, 0]).all()
    assert_array_equal(w, _expected_windows(X, 2))


@pytest.mark.parametrize(
    "make_input",
    [
        pytest.param(lambda v: v, id="numpy-1d"),
        pytest.param(lambda v: v[:, None], id="numpy-2d"),
        pytest.param(lambda v: pd.Series(v, name="a"), id="series"),
        pytest.param(lambda v: pd.DataFrame({"a": v}), id="dataframe"),
    ],
)
def test_sliding_windows_accepts_numpy_and_pandas(make_input):
    values = np.linspace(-1.0, 3.0, 9)
    w = sliding_windows(make_input(values), 3)
    assert w.shape == (9, 3, 1)
    assert_array_equal(w, _expected_windows(values, 3))


def test_sliding_windows_multicolumn_dataframe():
    df = pd.DataFrame({"a": np.arange(5.0), "b": np.arange(5.0) + 100})
    w = sliding_windows(df, 3)
    assert w.shape == (5, 3, 2)
    assert_array_equal(w, _expected_windows(df.to_numpy(), 3))


def test_sliding_windows_preserves_float32():
    values = np.arange(7, dtype=np.float32) / 3
    w = sliding_windows(values, 3)
    assert w.dtype == np.float32
    assert_array_equal(w[2:, :, 0], np.stack([values[i : i + 3] for i in range(5)]))


def test_sliding_windows_rejects_integer_series():
    # Documented: NaN padding needs a float series; the message says how to fix.
    with pytest.raises(TypeError, match="floating point"):
        sliding_windows(np.arange(5), 2)


@pytest.mark.parametrize(
    ("padding", "expected_first_rows"),
    [
        ("nan", [[NAN, NAN, 5.0], [NAN, 5.0, 6.0]]),
        ("zero", [[0.0, 0.0, 5.0], [0.0, 5.0, 6.0]]),
        ("edge", [[5.0, 5.0, 5.0], [5.0, 5.0, 6.0]]),
    ],
)
def test_sliding_windows_padding(padding, expected_first_rows):
    values = np.array([5.0, 6.0, 7.0, 8.0])
    w = sliding_windows(values, 3, padding=padding)
    assert w.shape == (4, 3, 1)
    assert_array_equal(w[:2, :, 0], expected_first_rows)
    assert_array_equal(w[2:, :, 0], [[5.0, 6.0, 7.0], [6.0, 7.0, 8.0]])


def test_sliding_windows_edge_padding_is_per_feature():
    X = np.array([[1.0, -1.0], [2.0, -2.0], [3.0, -3.0]])
    w = sliding_windows(X, 3, padding="edge")
    assert_array_equal(w[0], [[1.0, -1.0], [1.0, -1.0], [1.0, -1.0]])
    assert_array_equal(w[1], [[1.0, -1.0], [1.0, -1.0], [2.0, -2.0]])
    assert_array_equal(w[2], X)


@pytest.mark.parametrize("padding", ["nan", "zero", "edge"])
def test_sliding_windows_window_length_one_is_the_series(padding):
    values = np.array([3.0, 1.0, 4.0, 1.0, 5.0])
    w = sliding_windows(values, 1, padding=padding)
    assert w.shape == (5, 1, 1)
    assert_array_equal(w[:, 0, 0], values)


@pytest.mark.parametrize(
    ("padding", "fill"), [("nan", NAN), ("zero", 0.0), ("edge", 2.0)]
)
def test_sliding_windows_window_longer_than_series(padding, fill):
    values = np.array([2.0, 3.0, 4.0])
    w = sliding_windows(values, 5, padding=padding)
    assert w.shape == (3, 5, 1)  # still one row per input row
    assert_array_equal(
        w[:, :, 0],
        [
            [fill, fill, fill, fill, 2.0],
            [fill, fill, fill, 2.0, 3.0],
            [fill, fill, 2.0, 3.0, 4.0],
        ],
    )


def test_sliding_windows_history_replaces_padding():
    values = np.array([10.0, 11.0, 12.0])
    history = np.array([7.0, 8.0, 9.0])
    w = sliding_windows(values, 3, history=history)
    # Only the last window_length - 1 history steps are needed.
    assert_array_equal(
        w[:, :, 0], [[8.0, 9.0, 10.0], [9.0, 10.0, 11.0], [10.0, 11.0, 12.0]]
    )


@pytest.mark.parametrize(("padding", "fill"), [("nan", NAN), ("edge", 9.0)])
def test_sliding_windows_short_history_is_padded_before_it(padding, fill):
    w = sliding_windows(np.array([10.0, 11.0]), 4, padding=padding, history=[9.0])
    assert_array_equal(w[:, :, 0], [[fill, fill, 9.0, 10.0], [fill, 9.0, 10.0, 11.0]])


# --------------------------------------------------------------------------
# sliding_windows: memory layout
# --------------------------------------------------------------------------


@pytest.mark.parametrize("n_features", [1, 3])
@pytest.mark.parametrize("window_length", [2, 7])
def test_sliding_windows_is_a_view_of_the_padded_series(n_features, window_length):
    n_steps = 50
    X = np.random.default_rng(0).normal(size=(n_steps, n_features))
    w = sliding_windows(X, window_length)
    assert not w.flags.owndata
    # Overlapping windows share the same memory.
    assert np.shares_memory(w[10], w[11])
    root = _root_base(w)
    assert isinstance(root, np.ndarray)
    padded_bytes = (n_steps + window_length - 1) * n_features * X.itemsize
    assert root.nbytes == padded_bytes
    assert root.nbytes < w.size * w.itemsize  # no n * W copy anywhere
    # The input itself is copied, not aliased.
    assert not np.shares_memory(w, X)


def test_sliding_windows_result_is_read_only():
    X = np.arange(6.0)
    w = sliding_windows(X, 3)
    assert not w.flags.writeable
    with pytest.raises(ValueError, match="read-only"):
        w[0, 0, 0] = 1.0
    assert_array_equal(X, np.arange(6.0))


# --------------------------------------------------------------------------
# sliding_windows: errors
# --------------------------------------------------------------------------


@pytest.mark.parametrize("window_length", [0, -3])
def test_sliding_windows_window_length_below_one(window_length):
    with pytest.raises(ValueError, match="window_length"):
        sliding_windows(np.arange(5.0), window_length)


@pytest.mark.parametrize("window_length", [2.0, "3", True])
def test_sliding_windows_window_length_not_int(window_length):
    with pytest.raises(TypeError, match="window_length"):
        sliding_windows(np.arange(5.0), window_length)


def test_sliding_windows_unknown_padding():
    with pytest.raises(ValueError, match="padding"):
        sliding_windows(np.arange(5.0), 2, padding="bogus")


def test_sliding_windows_rejects_3d_input():
    with pytest.raises(ValueError, match="dimensions"):
        sliding_windows(np.zeros((4, 2, 2)), 2)


# --------------------------------------------------------------------------
# SlidingWindowTransformer: values, shapes and dtypes per input kind
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make_input", "n_features"),
    [
        pytest.param(lambda v: v, 1, id="numpy-1d"),
        pytest.param(lambda v: np.column_stack([v, -v]), 2, id="numpy-2d"),
        pytest.param(lambda v: pd.Series(v, name="a"), 1, id="series"),
        pytest.param(lambda v: pd.DataFrame({"a": v, "b": -v}), 2, id="dataframe"),
    ],
)
def test_transformer_values_per_input_kind(make_input, n_features):
    values = np.arange(1.0, 13.0) * 1.5
    X = make_input(values)
    Xt = SlidingWindowTransformer(window_length=4).fit_transform(X)
    assert Xt.shape == (12, 4, n_features)
    assert Xt.dtype == np.float64
    expected = np.column_stack([values, -values])[:, :n_features]
    assert_array_equal(Xt, _expected_windows(expected, 4))


def test_transformer_preserves_float32():
    X = np.arange(10, dtype=np.float32).reshape(5, 2)
    Xt = SlidingWindowTransformer(window_length=2).fit_transform(X)
    assert Xt.dtype == np.float32
    assert_array_equal(Xt[:, -1, :], X)


@pytest.mark.parametrize("dtype", [np.int64, np.int32])
def test_transformer_converts_int_to_float64(dtype):
    X = np.arange(6, dtype=dtype)
    Xt = SlidingWindowTransformer(window_length=3).fit_transform(X)
    assert Xt.dtype == np.float64
    assert_array_equal(Xt[:, :, 0], _expected_windows(X, 3)[:, :, 0])


def test_transformer_int_series_converted_to_float64():
    s = pd.Series([1, 2, 3, 4], name="n")
    Xt = SlidingWindowTransformer(window_length=2).fit_transform(s)
    assert Xt.dtype == np.float64
    assert_array_equal(Xt[:, :, 0], [[NAN, 1.0], [1.0, 2.0], [2.0, 3.0], [3.0, 4.0]])


@pytest.mark.parametrize(
    ("padding", "fill"), [("nan", NAN), ("zero", 0.0), ("edge", 1.0)]
)
def test_transformer_padding(padding, fill):
    Xt = SlidingWindowTransformer(window_length=3, padding=padding).fit_transform(
        np.array([1.0, 2.0, 3.0])
    )
    assert_array_equal(
        Xt[:, :, 0], [[fill, fill, 1.0], [fill, 1.0, 2.0], [1.0, 2.0, 3.0]]
    )


def test_transformer_window_length_one():
    X = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    Xt = SlidingWindowTransformer(window_length=1).fit_transform(X)
    assert Xt.shape == (3, 1, 2)
    assert_array_equal(Xt[:, 0, :], X)


def test_transformer_window_longer_than_series():
    Xt = SlidingWindowTransformer(window_length=6).fit_transform(np.array([1.0, 2.0]))
    assert Xt.shape == (2, 6, 1)
    assert np.isnan(Xt[0, :5]).all() and np.isnan(Xt[1, :4]).all()
    assert_array_equal(Xt[1, 4:, 0], [1.0, 2.0])


def test_transformer_output_is_read_only_view():
    X = np.random.default_rng(1).normal(size=(40, 2))
    Xt = SlidingWindowTransformer(window_length=5).fit_transform(X)
    assert not Xt.flags.writeable
    assert np.shares_memory(Xt[3], Xt[4])
    assert _root_base(Xt).nbytes == (40 + 5 - 1) * 2 * 8


# --------------------------------------------------------------------------
# Transformer conventions
# --------------------------------------------------------------------------


def test_fit_returns_self_and_sets_n_features_in():
    t = SlidingWindowTransformer(window_length=3)
    assert t.fit(np.ones((5, 2))) is t
    assert t.n_features_in_ == 2
    assert not hasattr(t, "feature_names_in_")
    assert SlidingWindowTransformer().fit(np.ones(5)).n_features_in_ == 1


def test_feature_names_in_with_string_columns(monthly_frame):
    t = SlidingWindowTransformer(window_length=3).fit(monthly_frame)
    assert t.n_features_in_ == 3
    assert_array_equal(t.feature_names_in_, ["sales", "price", "promo"])
    assert_array_equal(t.get_feature_names_out(), ["sales", "price", "promo"])


def test_feature_names_in_from_named_series(even_series):
    t = SlidingWindowTransformer(window_length=3).fit(even_series)
    assert_array_equal(t.feature_names_in_, ["value"])


def test_get_feature_names_out_without_names():
    t = SlidingWindowTransformer(window_length=3).fit(np.ones((4, 3)))
    assert_array_equal(t.get_feature_names_out(), ["x0", "x1", "x2"])
    assert_array_equal(t.get_feature_names_out(["a", "b", "c"]), ["a", "b", "c"])


def test_transform_with_other_column_names_raises(monthly_frame):
    t = SlidingWindowTransformer(window_length=3).fit(monthly_frame)
    renamed = monthly_frame.rename(columns={"price": "cost"})
    with pytest.raises(ValueError, match="feature names"):
        t.transform(renamed)


def test_transform_with_other_feature_count_raises():
    t = SlidingWindowTransformer(window_length=3).fit(np.ones((5, 2)))
    with pytest.raises(ValueError, match="features"):
        t.transform(np.ones((5, 3)))


def test_transform_before_fit_raises_not_fitted():
    t = SlidingWindowTransformer(window_length=3)
    with pytest.raises(NotFittedError):
        t.transform(np.ones(5))
    with pytest.raises(NotFittedError):
        t.get_feature_names_out()


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
@pytest.mark.parametrize("method", ["fit", "transform"])
def test_non_finite_values_raise(bad, method):
    X = np.arange(6.0)
    X[3] = bad
    t = SlidingWindowTransformer(window_length=2)
    if method == "transform":
        t.fit(np.arange(6.0))
    with pytest.raises(ValueError):
        getattr(t, method)(X)


def test_nan_in_pandas_series_raises():
    s = pd.Series([1.0, 2.0, np.nan, 4.0], name="v")
    with pytest.raises(ValueError):
        SlidingWindowTransformer(window_length=2).fit(s)


@pytest.mark.parametrize(
    "params",
    [
        {"window_length": 0},
        {"window_length": -1},
        {"window_length": 2.5},
        {"padding": "bogus"},
        {"use_fit_history": "yes"},
    ],
)
def test_invalid_params_raise_at_fit(params):
    t = SlidingWindowTransformer(**params)  # construction does not validate
    with pytest.raises(ValueError):
        t.fit(np.arange(5.0))


def test_clone_keeps_params_and_drops_fit_state():
    t = SlidingWindowTransformer(
        window_length=7, padding="edge", use_fit_history=False, lazy=True
    )
    t.fit(np.arange(10.0))
    c = clone(t)
    assert c.get_params() == {
        "window_length": 7,
        "padding": "edge",
        "use_fit_history": False,
        "lazy": True,
    }
    assert not hasattr(c, "history_")
    with pytest.raises(NotFittedError):
        c.transform(np.arange(3.0))


@pytest.mark.parametrize("kind", ["numpy", "series", "frame"])
def test_fit_transform_do_not_mutate_input(kind):
    values = np.arange(12.0).reshape(6, 2)
    if kind == "numpy":
        X = values.copy()
    elif kind == "series":
        X = pd.Series(values[:, 0].copy(), name="a")
    else:
        X = pd.DataFrame(values.copy(), columns=["a", "b"])
    before = X.copy()
    t = SlidingWindowTransformer(window_length=3, padding="edge").fit(X)
    Xt = t.transform(X)
    assert not np.shares_memory(Xt, np.asarray(X))
    if kind == "numpy":
        assert_array_equal(X, before)
    else:
        pd.testing.assert_index_equal(X.index, before.index)
        assert_array_equal(X.to_numpy(), before.to_numpy())


def test_works_in_pipeline_with_a_regressor(even_series):
    X, y = frame_supervised(even_series)  # y = X + 2
    pipe = make_pipeline(
        SlidingWindowTransformer(window_length=3, padding="edge"),
        FunctionTransformer(lambda w: w.reshape(len(w), -1)),
        LinearRegression(),
    )
    pipe.fit(X, y)
    np.testing.assert_allclose(pipe.predict(X), y.to_numpy(), atol=1e-8)
    Xt = pipe[:-1].transform(X)
    assert Xt.shape == (len(X), 3)
    assert_array_equal(Xt[:, -1], X.to_numpy())


# --------------------------------------------------------------------------
# set_output: the windows are 3-D and stay numpy
# --------------------------------------------------------------------------


def _pandas_pipeline():
    from sklearn.preprocessing import StandardScaler

    return make_pipeline(
        StandardScaler(),  # emits a DataFrame under pandas output
        SlidingWindowTransformer(window_length=3),
        LSTMRegressor(hidden_size=4, max_epochs=2, random_state=0),
    )


def test_pipeline_set_output_pandas_keeps_the_windows_3d(even_series):
    X, y = frame_supervised(even_series)
    X = X.to_frame()
    reference = _pandas_pipeline().fit(X, y).predict(X)
    pipe = _pandas_pipeline()
    with pytest.warns(UserWarning, match="3-D windows.*stays a numpy array"):
        pipe.set_output(transform="pandas")
    assert isinstance(pipe[:1].fit_transform(X), pd.DataFrame)  # others follow
    Xt = pipe.fit(X, y)[:-1].transform(X)
    assert isinstance(Xt, np.ndarray) and Xt.shape == (len(X), 3, 1)
    np.testing.assert_array_equal(pipe.predict(X), reference)


def test_global_pandas_output_passes_the_windows_through(even_series):
    import sklearn

    X, y = frame_supervised(even_series)
    with sklearn.config_context(transform_output="pandas"):
        Xt = SlidingWindowTransformer(window_length=3).fit_transform(X)
        predictions = _pandas_pipeline().fit(X.to_frame(), y).predict(X.to_frame())
    assert isinstance(Xt, np.ndarray) and Xt.shape == (len(X), 3, 1)
    assert predictions.shape == (len(X),)


def test_set_output_on_the_transformer_says_why_and_refuses_unknown_values():
    t = SlidingWindowTransformer(window_length=2)
    for container in ("pandas", "polars"):
        with pytest.warns(UserWarning, match=rf"a {container} DataFrame cannot hold"):
            assert t.set_output(transform=container) is t
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t.set_output(transform="default")
        t.set_output(transform=None)
    assert isinstance(t.fit_transform(np.arange(4.0)), np.ndarray)
    with pytest.raises(ValueError, match="transform must be 'default', 'pandas'"):
        t.set_output(transform="numpy")


def test_own_messages_for_nan_strings_empty_and_3d():
    t = SlidingWindowTransformer(window_length=2)
    with pytest.raises(ValueError, match=r"^The series contains NaN or infinity"):
        t.fit(pd.Series([1.0, np.nan, 2.0]))
    t.fit(np.arange(4.0))
    with pytest.raises(ValueError, match=r"^The series contains NaN or infinity"):
        t.transform(np.array([1.0, np.inf]))
    with pytest.raises(TypeError, match=r"must be numeric, but column\(s\) \['b'\]"):
        t.fit(pd.DataFrame({"a": [1.0], "b": ["x"]}))
    with pytest.raises(ValueError, match="has 0 rows"):
        t.fit(np.empty((0, 2)))
    with pytest.raises(ValueError, match="got an array with 3 dimensions"):
        t.fit(np.ones((2, 2, 2)))
