"""Index arithmetic: regular steps, gaps refused, future labels."""

import numpy as np
import pandas as pd
import pytest

from sklstm.windows._index import future_index, regular_step


@pytest.mark.parametrize(
    "index, expected_next",
    [
        (pd.date_range("2020-01-01", periods=6, freq="MS"), pd.Timestamp("2020-07-01")),
        (pd.date_range("2020-01-31", periods=6, freq="ME"), pd.Timestamp("2020-07-31")),
        (pd.date_range("2020-01-01", periods=6, freq="D"), pd.Timestamp("2020-01-07")),
        (
            pd.date_range("2020-03-08", periods=6, freq="h", tz="UTC"),
            pd.Timestamp("2020-03-08 06:00", tz="UTC"),
        ),
        (pd.RangeIndex(6), 6),
        (pd.Index([10, 15, 20, 25]), 30),
        (pd.period_range("2020-01", periods=4, freq="M"), pd.Period("2020-05", "M")),
    ],
    ids=[
        "monthly-start",
        "monthly-end",
        "daily",
        "hourly-utc",
        "range",
        "int5",
        "period",
    ],
)
def test_future_index_continues_the_series(index, expected_next):
    step = regular_step(index)
    future = future_index(index[-1], step, 3, index)
    assert len(future) == 3
    assert future[0] == expected_next
    assert type(future) is type(index) or isinstance(index, pd.Index)
    # Consecutive future labels are one step apart, like the history.
    assert regular_step(index.append(future)) == step


def test_future_index_keeps_the_index_name():
    index = pd.date_range("2020-01-01", periods=5, freq="D", name="date")
    assert future_index(index[-1], regular_step(index), 2, index).name == "date"


def test_gap_in_datetime_index_is_refused_with_the_fix():
    index = pd.date_range("2020-01-01", periods=10, freq="D").delete(4)
    with pytest.raises(ValueError, match="asfreq"):
        regular_step(index)


def test_gap_with_explicit_freq_names_the_missing_timestamp():
    index = pd.date_range("2020-01-01", periods=10, freq="D").delete(4)
    with pytest.raises(ValueError, match="2020-01-05"):
        regular_step(index, freq="D")


def test_short_datetime_index_needs_freq():
    index = pd.DatetimeIndex(["2020-01-01", "2020-01-02"])
    with pytest.raises(ValueError, match="freq="):
        regular_step(index)
    assert regular_step(index, freq="D") == pd.offsets.Day()


@pytest.mark.parametrize(
    "index",
    [
        pd.Index([3, 1, 2]),
        pd.DatetimeIndex(["2020-01-02", "2020-01-01", "2020-01-03"]),
        pd.Index([1, 1, 2]),
    ],
    ids=["unsorted-int", "unsorted-dates", "duplicates"],
)
def test_non_monotonic_or_duplicate_index_is_refused(index):
    with pytest.raises(ValueError, match="strictly increasing"):
        regular_step(index)


def test_uneven_integer_steps_are_refused():
    with pytest.raises(ValueError, match="uneven"):
        regular_step(pd.Index([0, 1, 2, 4]))


def test_unsupported_index_type_is_a_type_error():
    with pytest.raises(TypeError, match="DatetimeIndex"):
        regular_step(pd.Index(["a", "b", "c"]))


def test_integer_labels_are_integers():
    future = future_index(np.int64(8), 2, 3, pd.Index([4, 6, 8]))
    assert future.tolist() == [10, 12, 14]


def test_gap_in_a_monthly_index_suggests_asfreq_ms_not_daily():
    index = pd.date_range("2020-01-01", periods=24, freq="MS").delete(5)
    with pytest.raises(ValueError, match=r"asfreq\('MS'\)"):
        regular_step(index)
