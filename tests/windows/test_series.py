"""Series input read once: target rule, time order, index step, future values."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.linear_model import LinearRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklstm import (
    SeriesForecaster,
    SlidingWindowTransformer,
    frame_supervised,
    frame_windows,
)
from sklstm.windows._index import index_step
from sklstm.windows._series import future_values, read_series, target_position


def _flatten(windows):
    return windows.reshape(len(windows), -1)


def linear_forecaster(**params):
    model = make_pipeline(FunctionTransformer(_flatten), LinearRegression())
    return SeriesForecaster(model, window_length=3, padding="edge", **params)


THREE_COLUMNS = np.column_stack(
    [np.arange(20.0), 100 + 2 * np.arange(20.0), np.arange(20.0) ** 1.5]
)

# --------------------------------------------------------------------------
# read_series
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "X, kind, columns, ndim",
    [
        (pd.Series([1.0, 2.0], name="a"), "series", ["a"], 1),
        (pd.Series([1.0, 2.0]), "series", [0], 1),
        (pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]}), "frame", ["a", "b"], 2),
        (np.ones((2, 3)), "array", [0, 1, 2], 2),
        ([1.0, 2.0], "array", [0], 1),
    ],
    ids=["named-series", "unnamed-series", "frame", "array-2d", "list"],
)
def test_read_series_kinds(X, kind, columns, ndim):
    series = read_series(X)
    assert series.kind == kind
    assert series.columns == columns
    assert series.ndim == ndim
    assert series.data.shape == (2, len(columns))
    assert (series.index is None) == (kind == "array")
    assert series.by_name == (kind != "array")


def test_read_series_refuses_other_shapes_and_no_columns():
    with pytest.raises(ValueError, match="got an array with 3 dimensions"):
        read_series(np.ones((2, 2, 2)))
    with pytest.raises(ValueError, match="no columns"):
        read_series(pd.DataFrame(index=range(3)))
    with pytest.raises(ValueError, match="no columns"):
        read_series(np.ones((3, 0)))


def test_numeric_values_names_the_bad_columns():
    frame = pd.DataFrame({"a": [1.0, 2.0], "shop": ["x", "y"], "day": [1, 2]})
    with pytest.raises(
        TypeError, match=r"must be numeric, but column\(s\) \['shop'\] have dtype"
    ):
        read_series(frame).numeric_values()


@pytest.mark.parametrize(
    "dtype, expected",
    [(np.float32, np.float32), (np.float64, np.float64), (np.int64, np.float64)],
)
def test_numeric_values_keep_float32_and_promote_integers(dtype, expected):
    values = read_series(np.arange(4, dtype=dtype)).numeric_values()
    assert values.dtype == expected
    assert values.shape == (4, 1)


def test_numeric_values_refuse_non_finite_and_too_few_rows():
    with pytest.raises(ValueError, match="NaN or infinity"):
        read_series([1.0, np.inf]).numeric_values(finite=True)
    assert read_series([1.0, np.inf]).numeric_values().shape == (2, 1)
    with pytest.raises(ValueError, match="at least 1"):
        read_series(np.empty(0)).numeric_values(min_rows=1)


# --------------------------------------------------------------------------
# One target rule
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "columns, target, by_name, expected",
    [
        (["a", "b"], "b", True, 1),
        (["a"], None, True, 0),
        ([0, 1, 2], 0, False, 0),
        ([0, 1, 2], -1, False, 2),
        ([0, 1, 2], -3, False, 0),
        ([0, 1, 2], np.int64(1), False, 1),
        ([0], None, False, 0),
    ],
)
def test_target_position(columns, target, by_name, expected):
    position = target_position(columns, target, by_name=by_name)
    assert position == expected
    assert type(position) is int


@pytest.mark.parametrize(
    "columns, target, by_name, match",
    [
        (["a", "b"], None, True, r"target=<column name> \(one of \['a', 'b'\]\)"),
        (["a", "b"], "c", True, r"'c' is not a column; columns are \['a', 'b'\]"),
        (["a", "b"], 0, True, "not a column"),
        ([0, 1], None, False, r"target=<int> in \[-2, 2\)"),
        ([0, 1], 2, False, r"in \[-2, 2\) for an array input, got 2"),
        ([0, 1], -3, False, r"\[-2, 2\)"),
        ([0, 1], True, False, "got True"),
        ([0, 1], "a", False, "got 'a'"),
        ([0, 1], 1.0, False, "got 1.0"),
    ],
)
def test_target_position_errors_list_columns_or_range(columns, target, by_name, match):
    with pytest.raises(ValueError, match=match):
        target_position(columns, target, by_name=by_name)


def test_negative_array_target_is_the_same_column_in_frame_supervised():
    _, y_last = frame_supervised(THREE_COLUMNS, horizon=2, target=-1)
    _, y_two = frame_supervised(THREE_COLUMNS, horizon=2, target=2)
    assert_array_equal(y_last, y_two)
    assert_array_equal(y_last[:, 0], THREE_COLUMNS[1:-1, 2])
    _, y_windows = frame_windows(THREE_COLUMNS, 3, target=-2)
    assert_array_equal(y_windows, THREE_COLUMNS[3:, 1])


def test_negative_array_target_is_accepted_by_the_forecaster():
    last = linear_forecaster(target=-1).fit(THREE_COLUMNS)
    two = linear_forecaster(target=2).fit(THREE_COLUMNS)
    assert last.target_name_ == two.target_name_ == 2
    assert_allclose(last.predict(THREE_COLUMNS), two.predict(THREE_COLUMNS))
    assert_array_equal(last.last_window_[:, 0], THREE_COLUMNS[-3:, 2])


@pytest.mark.parametrize("target", [3, -4, True, "a"])
def test_forecaster_and_framing_refuse_the_same_array_targets(target):
    with pytest.raises(ValueError, match=r"\[-3, 3\)"):
        frame_supervised(THREE_COLUMNS, target=target)
    with pytest.raises(ValueError, match=r"\[-3, 3\)"):
        linear_forecaster(target=target).fit(THREE_COLUMNS)


def test_series_target_is_its_name():
    series = pd.Series(np.arange(10.0), name="sales")
    _, y = frame_supervised(series, target="sales")
    assert y.name == "sales"
    assert linear_forecaster(target="sales").fit(series).target_name_ == "sales"
    with pytest.raises(ValueError, match=r"columns are \['sales'\]"):
        frame_supervised(series, target="price")


# --------------------------------------------------------------------------
# Time order: one wording
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "index",
    [
        pd.Index([3, 1, 2, 4, 5, 6, 7, 8, 9]),
        pd.DatetimeIndex(pd.date_range("2020-01-01", periods=9, freq="D")[::-1]),
    ],
    ids=["int", "dates"],
)
def test_transformer_and_forecaster_word_unsorted_index_the_same(index):
    series = pd.Series(np.arange(9.0), index=index)
    with pytest.raises(ValueError) as from_transformer:
        SlidingWindowTransformer(window_length=2).fit(series)
    with pytest.raises(ValueError) as from_forecaster:
        linear_forecaster().fit(series)
    message = str(from_transformer.value)
    # The forecaster adds the splitter's fix: KFold and ShuffleSplit cut a series so.
    assert str(from_forecaster.value).startswith(message)
    assert "TimeSeriesSplit" in str(from_forecaster.value)
    assert "not sorted in time order" in message
    assert "strictly increasing" in message and "X.sort_index()" in message


def test_transformer_and_forecaster_refuse_duplicates_alike():
    # Duplicates used to pass the transformer; both routes now refuse them.
    series = pd.Series(np.ones(6), index=pd.Index([0, 1, 1, 2, 3, 4]))
    with pytest.raises(ValueError) as from_transformer:
        SlidingWindowTransformer(window_length=2).fit(series)
    with pytest.raises(ValueError) as from_forecaster:
        linear_forecaster().fit(series)
    assert str(from_transformer.value) == str(from_forecaster.value)
    assert "has duplicate labels" in str(from_transformer.value)
    with pytest.raises(ValueError, match="has duplicate labels"):
        index_step(series.index, strict=True)


# --------------------------------------------------------------------------
# Index step: strict and lenient
# --------------------------------------------------------------------------

DAILY = pd.date_range("2020-01-01", periods=6, freq="D")


@pytest.mark.parametrize(
    "index, step",
    [
        (DAILY, pd.offsets.Day()),
        (pd.DatetimeIndex(DAILY.to_numpy()), pd.offsets.Day()),  # inferred
        (pd.date_range("2020-01-01", periods=4, freq="MS"), pd.offsets.MonthBegin()),
        (pd.period_range("2020-01", periods=4, freq="M"), 1),
        (pd.RangeIndex(5), 1),
        (pd.RangeIndex(0, 15, 5), 5),
        (pd.Index([10, 12, 14]), 2),
    ],
    ids=["daily", "daily-no-freq", "monthly", "period", "range", "range-5", "int"],
)
def test_regular_indexes_give_the_same_step_in_both_modes(index, step):
    assert index_step(index, strict=True) == step
    assert index_step(index, strict=False) == step


@pytest.mark.parametrize(
    "index, error, match, lenient",
    [
        (DAILY.delete(2), ValueError, "asfreq", None),
        (pd.period_range("2020-01", periods=5, freq="M").delete(2), ValueError,
         "PeriodIndex of X has gaps", 1),
        (pd.Index([0, 1, 2, 4]), ValueError, "uneven steps", 2),
        (pd.Index([3, 1, 2]), ValueError, "not sorted in time order", None),
        (pd.Index(["a", "b", "c"]), TypeError, "DatetimeIndex", None),
        (pd.Index([0.0, 1.0, 2.0]), TypeError, "Index", None),
        (pd.Index([5]), None, None, None),
        (pd.Index([4, 4]), ValueError, "duplicate labels", None),
    ],
    ids=["datetime-gap", "period-gap", "uneven-int", "unsorted", "strings",
         "floats", "one-int-label", "repeated-int"],
)  # fmt: skip
def test_strict_raises_where_lenient_returns_its_guess(index, error, match, lenient):
    if error is None:
        assert index_step(index, strict=True) == 1
    else:
        with pytest.raises(error, match=match):
            index_step(index, strict=True)
    assert index_step(index, strict=False) == lenient


def test_strict_step_names_the_first_missing_labels():
    with pytest.raises(ValueError, match=r"first missing: \[Timestamp\('2020-01-03"):
        index_step(DAILY.delete(2), strict=True, freq="D")


GAPPED = {
    "uneven-int": (pd.Index([0, 1, 2, 4, 5, 6]), r"reindex\(range\(0, 7, 1\)\)"),
    "period": (
        pd.period_range("2020-01", periods=7, freq="M").delete(2),
        r"first missing: \['2020-03'\].*period_range\('2020-01', '2020-07'",
    ),
    "daily": (DAILY.delete(2), r"asfreq\('D'\)"),
    "monthly": (
        pd.date_range("2020-01-01", periods=24, freq="MS").delete(5),
        r"gaps for frequency 'MS' \(first missing: \[Timestamp\('2020-06-01.*"
        r"asfreq\('MS'\)",
    ),
    "month-end": (
        pd.date_range("2020-01-31", periods=24, freq="ME").delete([3, 4]),
        r"asfreq\('ME'\)",
    ),
    "hourly": (pd.date_range("2020", periods=30, freq="h").delete(7), r"'h'"),
    "business-days": (pd.bdate_range("2024-01-01", periods=30).delete(7), r"'B'"),
}


@pytest.mark.parametrize("index, match", list(GAPPED.values()), ids=list(GAPPED.keys()))
def test_gaps_are_refused_alike_on_both_routes_with_the_right_frequency(index, match):
    # Before, the transformer continued over gaps and the forecaster
    # suggested asfreq('D') whatever the frequency.
    series = pd.Series(np.arange(len(index), dtype=float), index=index, name="v")
    with pytest.raises(ValueError, match=match) as from_transformer:
        SlidingWindowTransformer(window_length=2).fit(series)
    with pytest.raises(ValueError) as from_forecaster:
        linear_forecaster().fit(series)
    assert str(from_forecaster.value).startswith(str(from_transformer.value))
    assert "TimeSeriesSplit" in str(from_forecaster.value)
    with pytest.raises(ValueError) as from_framing:
        frame_supervised(series)
    assert str(from_framing.value) == str(from_transformer.value).replace("X", "series")


def test_transform_refuses_a_gapped_fold_too():
    series = pd.Series(np.arange(30.0), index=pd.RangeIndex(30))
    t = SlidingWindowTransformer(window_length=3).fit(series.iloc[:10])
    with pytest.raises(ValueError, match="uneven steps"):
        t.transform(series.iloc[[10, 11, 13]])
    # A fold that is regular but does not continue the fitted one is fine.
    assert t.transform(series.iloc[15:18]).shape == (3, 3, 1)


def test_irregular_timestamps_get_resample_advice():
    index = pd.DatetimeIndex(
        ["2020-01-01", "2020-01-02", "2020-01-03", "2020-01-04 12:00", "2020-01-05"]
    )
    with pytest.raises(ValueError, match=r"off the 'D' grid.*resample\('D'\)"):
        index_step(index, strict=True)


# --------------------------------------------------------------------------
# Future values
# --------------------------------------------------------------------------


@pytest.mark.parametrize("horizon", [1, 2, 5])
def test_future_values_column_k_is_k_plus_one_ahead(horizon):
    values = np.arange(10) ** 2
    future = future_values(values, horizon)
    assert future.shape == (10 - horizon, horizon)
    assert future.dtype == values.dtype
    for i in range(10 - horizon):
        for k in range(horizon):
            assert future[i, k] == values[i + k + 1]


def test_future_values_fill_pads_after_the_end():
    future = future_values(np.array([1.0, 2.0, 3.0, 4.0]), 3, 4, fill=np.nan)
    assert_array_equal(
        future,
        [[2.0, 3.0, 4.0], [3.0, 4.0, np.nan], [4.0, np.nan, np.nan], [np.nan] * 3],
    )


def test_future_values_is_a_new_array_and_refuses_unobserved_rows():
    values = np.arange(6.0)
    future = future_values(values, 2, 3)
    assert not np.shares_memory(future, values)
    assert_array_equal(future, [[1.0, 2.0], [2.0, 3.0], [3.0, 4.0]])
    with pytest.raises(ValueError, match="fill="):
        future_values(values, 2, 5)
    with pytest.raises(ValueError, match="horizon must be >= 1"):
        future_values(values, 0)
