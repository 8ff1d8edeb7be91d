"""Tests for ``frame_supervised`` and ``frame_windows``."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.model_selection import TimeSeriesSplit

from sklstm import SlidingWindowTransformer, frame_supervised, frame_windows

# --------------------------------------------------------------------------
# frame_supervised
# --------------------------------------------------------------------------


def test_frame_supervised_series_horizon_one(even_series):
    X, y = frame_supervised(even_series)
    assert isinstance(X, pd.Series) and isinstance(y, pd.Series)
    assert len(X) == len(y) == len(even_series) - 1
    assert_array_equal(X.to_numpy(), even_series.to_numpy()[:-1])
    assert_array_equal(y.to_numpy(), even_series.to_numpy()[1:])
    assert y.name == "value"
    pd.testing.assert_index_equal(X.index, even_series.index[:-1])
    pd.testing.assert_index_equal(y.index, X.index)


@pytest.mark.parametrize("window_length", [1, 4])
def test_frame_supervised_aligns_with_sliding_window_transformer(
    even_series, window_length
):
    s = even_series.to_numpy()
    X, y = frame_supervised(even_series)
    Xt = SlidingWindowTransformer(window_length=window_length).fit_transform(X)
    for i in range(len(X)):
        assert Xt[i, -1, 0] == X.iloc[i]
        assert y.iloc[i] == s[i + 1]


@pytest.mark.parametrize("horizon", [2, 3, 5])
def test_frame_supervised_multi_horizon_series(even_series, horizon):
    s = even_series.to_numpy()
    n_rows = len(s) - horizon
    X, y = frame_supervised(even_series, horizon=horizon)
    assert isinstance(y, pd.DataFrame)
    assert y.shape == (n_rows, horizon)
    assert list(y.columns) == [f"value_t+{k + 1}" for k in range(horizon)]
    assert len(X) == n_rows
    pd.testing.assert_index_equal(y.index, X.index)
    for k in range(horizon):
        assert_array_equal(y.iloc[:, k].to_numpy(), s[k + 1 : k + 1 + n_rows])
    # Row i holds the target at steps i + 1 .. i + horizon.
    assert_array_equal(y.iloc[10].to_numpy(), s[11 : 11 + horizon])


def test_frame_supervised_unnamed_series_column_prefix():
    _, y = frame_supervised(pd.Series([1.0, 2.0, 3.0, 4.0]), horizon=2)
    assert list(y.columns) == ["y_t+1", "y_t+2"]
    assert_array_equal(y.to_numpy(), [[2.0, 3.0], [3.0, 4.0]])


def test_frame_supervised_keeps_datetime_index(monthly_frame):
    sales = monthly_frame["sales"]
    X, y = frame_supervised(sales, horizon=3)
    pd.testing.assert_index_equal(X.index, sales.index[:-3])
    pd.testing.assert_index_equal(y.index, X.index)
    assert y.index[0] == pd.Timestamp("2020-01-01")
    assert y.loc["2020-02-01", "sales_t+1"] == sales.loc["2020-03-01"]


def test_frame_supervised_keeps_custom_integer_index():
    s = pd.Series([1.0, 2.0, 3.0, 4.0], index=[10, 15, 20, 25], name="v")
    X, y = frame_supervised(s)
    assert list(X.index) == [10, 15, 20]
    assert list(y.index) == [10, 15, 20]
    assert y.loc[15] == 3.0


def test_frame_supervised_dataframe_with_target(monthly_frame):
    X, y = frame_supervised(monthly_frame, target="price")
    assert isinstance(X, pd.DataFrame)
    assert list(X.columns) == ["sales", "price", "promo"]  # all inputs kept
    pd.testing.assert_frame_equal(X, monthly_frame.iloc[:-1])
    assert isinstance(y, pd.Series) and y.name == "price"
    assert_array_equal(y.to_numpy(), monthly_frame["price"].to_numpy()[1:])
    pd.testing.assert_index_equal(y.index, X.index)


def test_frame_supervised_dataframe_multi_horizon(monthly_frame):
    X, y = frame_supervised(monthly_frame, horizon=2, target="sales")
    assert X.shape == (46, 3)
    assert y.shape == (46, 2)
    assert list(y.columns) == ["sales_t+1", "sales_t+2"]
    sales = monthly_frame["sales"].to_numpy()
    assert_array_equal(y.to_numpy(), np.column_stack([sales[1:-1], sales[2:]]))
    pd.testing.assert_index_equal(y.index, X.index)


def test_frame_supervised_single_column_dataframe_needs_no_target():
    df = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
    X, y = frame_supervised(df)
    assert isinstance(X, pd.DataFrame)
    assert_array_equal(X["a"].to_numpy(), [1.0, 2.0])
    assert y.name == "a"
    assert_array_equal(y.to_numpy(), [2.0, 3.0])


def test_frame_supervised_numpy_1d():
    s = np.array([1.0, 4.0, 9.0, 16.0, 25.0])
    X, y = frame_supervised(s)
    assert type(X) is np.ndarray and type(y) is np.ndarray
    assert_array_equal(X, [1.0, 4.0, 9.0, 16.0])
    assert_array_equal(y, [4.0, 9.0, 16.0, 25.0])
    X, y = frame_supervised(s, horizon=2)
    assert type(y) is np.ndarray
    assert y.shape == (3, 2)
    assert_array_equal(y, [[4.0, 9.0], [9.0, 16.0], [16.0, 25.0]])
    assert_array_equal(X, [1.0, 4.0, 9.0])


def test_frame_supervised_list_input_gives_numpy():
    X, y = frame_supervised([1.0, 2.0, 3.0])
    assert type(X) is np.ndarray and type(y) is np.ndarray
    assert_array_equal(y, [2.0, 3.0])


@pytest.mark.parametrize("target", [1, -2])
def test_frame_supervised_numpy_2d_with_target_position(target):
    arr = np.column_stack([np.arange(6.0), 10 * np.arange(6.0), -np.arange(6.0)])
    X, y = frame_supervised(arr, horizon=2, target=target)
    assert type(X) is np.ndarray
    assert_array_equal(X, arr[:4])
    assert_array_equal(y, np.column_stack([arr[1:5, 1], arr[2:6, 1]]))


def test_frame_supervised_multicolumn_dataframe_without_target(monthly_frame):
    with pytest.raises(ValueError, match="target"):
        frame_supervised(monthly_frame)


def test_frame_supervised_multicolumn_array_without_target():
    with pytest.raises(ValueError, match="target"):
        frame_supervised(np.ones((5, 2)))


def test_frame_supervised_unknown_target_column(monthly_frame):
    with pytest.raises(ValueError, match="nope"):
        frame_supervised(monthly_frame, target="nope")


@pytest.mark.parametrize("target", [2, -3, "a"])
def test_frame_supervised_bad_target_position_for_array(target):
    with pytest.raises(ValueError, match="target"):
        frame_supervised(np.ones((5, 2)), target=target)


@pytest.mark.parametrize("horizon", [0, -1])
def test_frame_supervised_horizon_below_one(even_series, horizon):
    with pytest.raises(ValueError, match="horizon"):
        frame_supervised(even_series, horizon=horizon)


@pytest.mark.parametrize("horizon", [4, 5])
def test_frame_supervised_horizon_not_shorter_than_series(horizon):
    with pytest.raises(ValueError, match="horizon"):
        frame_supervised(pd.Series([1.0, 2.0, 3.0, 4.0]), horizon=horizon)


def test_frame_supervised_longest_valid_horizon():
    X, y = frame_supervised(np.array([1.0, 2.0, 3.0, 4.0]), horizon=3)
    assert_array_equal(X, [1.0])
    assert_array_equal(y, [[2.0, 3.0, 4.0]])


@pytest.mark.parametrize("horizon", [1.0, "2", None, True])
def test_frame_supervised_non_int_horizon(even_series, horizon):
    with pytest.raises(TypeError, match="horizon"):
        frame_supervised(even_series, horizon=horizon)


def test_frame_supervised_accepts_numpy_integer_horizon(even_series):
    _, y = frame_supervised(even_series, horizon=np.int64(2))
    assert y.shape == (len(even_series) - 2, 2)


def test_frame_supervised_does_not_mutate_input(monthly_frame):
    before = monthly_frame.copy()
    frame_supervised(monthly_frame, horizon=2, target="sales")
    pd.testing.assert_frame_equal(monthly_frame, before)


def test_frame_supervised_rejects_3d_array():
    with pytest.raises(ValueError, match="dimensions"):
        frame_supervised(np.ones((4, 2, 2)))


# --------------------------------------------------------------------------
# frame_windows
# --------------------------------------------------------------------------


def test_frame_windows_classic_create_dataset():
    series = np.arange(2.0, 14.0, 2.0)  # 2, 4, ..., 12
    X, y = frame_windows(series, window_length=3)
    assert X.shape == (3, 3, 1)
    assert_array_equal(X[:, :, 0], [[2.0, 4.0, 6.0], [4.0, 6.0, 8.0], [6.0, 8.0, 10.0]])
    assert_array_equal(y, [8.0, 10.0, 12.0])


@pytest.mark.parametrize(("window_length", "horizon"), [(1, 1), (3, 1), (4, 2), (5, 3)])
def test_frame_windows_matches_reference_loop(window_length, horizon):
    series = np.random.default_rng(0).normal(size=20)
    X, y = frame_windows(series, window_length, horizon)
    n_samples = len(series) - window_length - horizon + 1
    assert X.shape == (n_samples, window_length, 1)
    assert y.shape == ((n_samples,) if horizon == 1 else (n_samples, horizon))
    y2 = y.reshape(n_samples, horizon)
    for j in range(n_samples):
        assert_array_equal(X[j, :, 0], series[j : j + window_length])
        assert_array_equal(
            y2[j], series[j + window_length : j + window_length + horizon]
        )
    assert not np.isnan(X).any()


def test_frame_windows_series_input(even_series):
    X, y = frame_windows(even_series, window_length=5, horizon=2)
    s = even_series.to_numpy()
    assert X.shape == (len(s) - 6, 5, 1)
    assert y.shape == (len(s) - 6, 2)
    assert type(X) is np.ndarray and type(y) is np.ndarray
    assert_array_equal(X[0, :, 0], s[:5])
    assert_array_equal(y[0], s[5:7])
    assert_array_equal(X[-1, :, 0], s[-7:-2])
    assert_array_equal(y[-1], s[-2:])


@pytest.mark.parametrize("target", ["price", 1])
def test_frame_windows_multivariate_target(monthly_frame, target):
    data = monthly_frame if isinstance(target, str) else monthly_frame.to_numpy()
    X, y = frame_windows(data, window_length=6, horizon=2, target=target)
    values = monthly_frame.to_numpy()
    price = monthly_frame["price"].to_numpy()
    n_samples = 48 - 6 - 2 + 1
    assert X.shape == (n_samples, 6, 3)
    assert y.shape == (n_samples, 2)
    for j in (0, 17, n_samples - 1):
        assert_array_equal(X[j], values[j : j + 6])
        assert_array_equal(y[j], price[j + 6 : j + 8])


def test_frame_windows_negative_target_position():
    arr = np.column_stack([np.arange(8.0), 100 + np.arange(8.0)])
    _, y = frame_windows(arr, window_length=3, target=-1)
    assert_array_equal(y, 100 + np.arange(3.0, 8.0))


def test_frame_windows_multicolumn_requires_target(monthly_frame):
    with pytest.raises(ValueError, match="target"):
        frame_windows(monthly_frame, window_length=3)
    with pytest.raises(ValueError, match="target"):
        frame_windows(monthly_frame.to_numpy(), window_length=3)


def test_frame_windows_unknown_target_column(monthly_frame):
    with pytest.raises(ValueError, match="nope"):
        frame_windows(monthly_frame, window_length=3, target="nope")


def test_frame_windows_float32_preserved():
    series = np.arange(10, dtype=np.float32)
    X, y = frame_windows(series, window_length=4)
    assert X.dtype == np.float32 and y.dtype == np.float32
    assert_array_equal(X[0, :, 0], [0.0, 1.0, 2.0, 3.0])


def test_frame_windows_int_converted_to_float64():
    X, y = frame_windows(np.arange(8), window_length=3, horizon=2)
    assert X.dtype == np.float64 and y.dtype == np.float64
    assert_array_equal(X[0, :, 0], [0.0, 1.0, 2.0])
    assert_array_equal(y[0], [3.0, 4.0])


def test_frame_windows_output_is_read_only_view():
    series = np.arange(30.0)
    X, _ = frame_windows(series, window_length=6)
    assert not X.flags.writeable
    assert np.shares_memory(X[0], X[1])
    assert not np.shares_memory(X, series)


def test_frame_windows_exactly_one_sample():
    series = np.arange(5.0)
    X, y = frame_windows(series, window_length=3, horizon=2)
    assert X.shape == (1, 3, 1)
    assert_array_equal(X[0, :, 0], [0.0, 1.0, 2.0])
    assert_array_equal(y, [[3.0, 4.0]])


@pytest.mark.parametrize(("window_length", "horizon"), [(3, 3), (5, 1), (10, 1)])
def test_frame_windows_series_too_short(window_length, horizon):
    with pytest.raises(ValueError, match="window_length"):
        frame_windows(np.arange(5.0), window_length, horizon)


def test_frame_windows_non_numeric_dataframe_column():
    df = pd.DataFrame({"sales": [1.0, 2.0, 3.0, 4.0, 5.0], "shop": list("abcde")})
    with pytest.raises(TypeError, match="numeric"):
        frame_windows(df, window_length=2, target="sales")


def test_frame_windows_non_numeric_series():
    with pytest.raises(TypeError, match="numeric"):
        frame_windows(pd.Series(list("abcdef")), window_length=2)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"window_length": 0}, ValueError),
        ({"window_length": 2, "horizon": 0}, ValueError),
        ({"window_length": 2.0}, TypeError),
        ({"window_length": 2, "horizon": 1.5}, TypeError),
    ],
)
def test_frame_windows_invalid_lengths(kwargs, error):
    with pytest.raises(error, match="window_length|horizon"):
        frame_windows(np.arange(10.0), **kwargs)


def test_frame_windows_does_not_mutate_input(monthly_frame):
    before = monthly_frame.copy()
    frame_windows(monthly_frame, window_length=4, target="sales")
    pd.testing.assert_frame_equal(monthly_frame, before)


@pytest.mark.parametrize("horizon", [2, 3, 5])
def test_time_series_split_needs_gap_horizon_minus_one(horizon):
    # Distinct values: a test target equal to a training label is the same step.
    X, y = frame_supervised(pd.Series(np.arange(100.0)), horizon=horizon)
    for gap, leaked in [(0, horizon - 1), (horizon - 1, 0)]:
        for train, test in TimeSeriesSplit(4, gap=gap).split(X):
            test_targets = set(y.iloc[test].to_numpy().ravel())
            train_labels = set(y.iloc[train].to_numpy().ravel())
            assert len(test_targets & train_labels) == leaked


def test_frame_supervised_refuses_a_gapped_index_like_the_transformer():
    index = pd.date_range("2020-01-01", periods=12, freq="MS").delete(4)
    with pytest.raises(ValueError, match=r"series\.asfreq\('MS'\)"):
        frame_supervised(pd.Series(np.arange(11.0), index=index))
    with pytest.raises(ValueError, match=r"series\.asfreq\('MS'\)"):
        frame_windows(pd.Series(np.arange(11.0), index=index), 3)
