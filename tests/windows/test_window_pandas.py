"""SlidingWindowTransformer on pandas input: alignment and fold continuation.

Split from ``test_window.py``: these tests exercise the index, which the
transformer reads through ``sklstm.windows._series``.
"""

import warnings

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal
from sklearn.model_selection import TimeSeriesSplit
from sklearn.pipeline import make_pipeline

from sklstm import SlidingWindowTransformer, frame_supervised, sliding_windows

# --------------------------------------------------------------------------
# Alignment with frame_supervised
# --------------------------------------------------------------------------


@pytest.mark.parametrize("window_length", [1, 3, 8])
def test_alignment_with_frame_supervised(even_series, window_length):
    s = even_series
    X, y = frame_supervised(s)
    Xt = SlidingWindowTransformer(window_length=window_length).fit_transform(X)
    assert Xt.shape == (len(s) - 1, window_length, 1)
    assert len(Xt) == len(y)
    # Row i of the windows ends at X[i]; y[i] is the next observation.
    assert_array_equal(Xt[:, -1, 0], X.to_numpy())
    assert_array_equal(y.to_numpy(), s.to_numpy()[1:])
    for i in range(window_length - 1, len(X)):
        assert_array_equal(Xt[i, :, 0], s.to_numpy()[i - window_length + 1 : i + 1])
        assert y.iloc[i] == s.iloc[i + 1]


# --------------------------------------------------------------------------
# Fold continuation
# --------------------------------------------------------------------------

INDEXES = {
    "range": lambda n: pd.RangeIndex(n),
    "int-step-5": lambda n: pd.Index(np.arange(100, 100 + 5 * n, 5)),
    "monthly-MS": lambda n: pd.date_range("2000-01-01", periods=n, freq="MS"),
    "hourly": lambda n: pd.date_range("2021-03-01 00:00", periods=n, freq="h"),
    "daily": lambda n: pd.date_range("2019-06-01", periods=n, freq="D"),
    # No freq attribute: the step has to be inferred from the labels.
    "daily-no-freq": lambda n: pd.DatetimeIndex(
        pd.date_range("2019-06-01", periods=n, freq="D").to_numpy()
    ),
    "monthly-no-freq": lambda n: pd.DatetimeIndex(
        pd.date_range("2000-01-01", periods=n, freq="MS").to_numpy()
    ),
}


def _series(index_kind, n=30, frame=False):
    values = np.sqrt(np.arange(1.0, n + 1.0)) * 10
    index = INDEXES[index_kind](n)
    if frame:
        return pd.DataFrame({"a": values, "b": -values}, index=index)
    return pd.Series(values, index=index, name="value")


@pytest.mark.parametrize("frame", [False, True], ids=["series", "frame"])
@pytest.mark.parametrize("index_kind", list(INDEXES))
@pytest.mark.parametrize(("window_length", "k"), [(4, 12), (1, 12), (6, 3)])
def test_continuation_uses_fit_history(index_kind, frame, window_length, k):
    s = _series(index_kind, frame=frame)
    full = sliding_windows(s.to_numpy(), window_length)
    m = 9
    transformer = SlidingWindowTransformer(window_length=window_length)
    transformer.fit(s.iloc[:k])
    Xt = transformer.transform(s.iloc[k : k + m])
    assert Xt.shape == full[k : k + m].shape
    assert_array_equal(Xt, full[k : k + m])
    # The first row holds the real last W - 1 training observations.
    n_hist = min(window_length - 1, k)
    if n_hist:
        train_values = s.to_numpy().reshape(len(s), -1)[k - n_hist : k]
        assert_array_equal(Xt[0, -1 - n_hist : -1], train_values)
        assert not np.isnan(Xt[0, -1 - n_hist :]).any()


@pytest.mark.parametrize("padding", ["zero", "edge"])
def test_continuation_with_other_paddings_matches_full_series(padding):
    s = _series("daily")
    full = sliding_windows(s.to_numpy(), 5, padding=padding)
    for k in (2, 10):  # shorter and longer than the window
        t = SlidingWindowTransformer(window_length=5, padding=padding)
        Xt = t.fit(s.iloc[:k]).transform(s.iloc[k : k + 6])
        assert_array_equal(Xt, full[k : k + 6])


@pytest.mark.parametrize("index_kind", ["range", "int-step-5", "monthly-MS", "hourly"])
@pytest.mark.parametrize(
    "test_slice",
    [
        pytest.param(slice(13, 20), id="gap"),
        pytest.param(slice(11, 20), id="overlap"),
        pytest.param(slice(0, 12), id="training-data"),
    ],
)
def test_non_contiguous_chunk_is_nan_padded(index_kind, test_slice):
    s = _series(index_kind)
    W = 4
    t = SlidingWindowTransformer(window_length=W).fit(s.iloc[:12])
    chunk = s.iloc[test_slice]
    Xt = t.transform(chunk)
    assert_array_equal(Xt, sliding_windows(chunk.to_numpy(), W))
    assert np.isnan(Xt[0, : W - 1]).all()


def test_numpy_input_is_never_continued():
    values = _series("range").to_numpy()
    t = SlidingWindowTransformer(window_length=4).fit(values[:12])
    Xt = t.transform(values[12:20])
    assert np.isnan(Xt[0, :3]).all()
    assert_array_equal(Xt, sliding_windows(values[12:20], 4))


def test_numpy_transform_after_pandas_fit_is_padded():
    s = pd.Series(np.arange(1.0, 31.0))  # unnamed: no feature names, no warning
    t = SlidingWindowTransformer(window_length=4).fit(s.iloc[:12])
    Xt = t.transform(s.iloc[12:20].to_numpy())
    assert np.isnan(Xt[0, :3]).all()
    assert_array_equal(Xt[0, 3, 0], 13.0)


@pytest.mark.parametrize("index_kind", ["range", "monthly-MS"])
def test_use_fit_history_false_disables_continuation(index_kind):
    s = _series(index_kind)
    t = SlidingWindowTransformer(window_length=4, use_fit_history=False)
    Xt = t.fit(s.iloc[:12]).transform(s.iloc[12:20])
    assert_array_equal(Xt, sliding_windows(s.iloc[12:20].to_numpy(), 4))
    assert np.isnan(Xt[0, :3]).all()


@pytest.mark.parametrize("index_kind", ["range", "int-step-5", "monthly-MS", "daily"])
@pytest.mark.parametrize("window_length", [3, 10])
def test_continuation_through_time_series_split(index_kind, window_length):
    s = _series(index_kind, n=40)
    full = sliding_windows(s.to_numpy(), window_length)
    for train, test in TimeSeriesSplit(n_splits=4).split(s):
        t = SlidingWindowTransformer(window_length=window_length).fit(s.iloc[train])
        Xt_test = t.transform(s.iloc[test])
        assert_array_equal(Xt_test, full[test])
        if len(train) >= window_length - 1:  # enough real history for row 0
            assert not np.isnan(Xt_test).any()
        # The training fold itself is windowed from its own start.
        Xt_train = t.transform(s.iloc[train])
        assert_array_equal(Xt_train, full[train])


def test_fit_records_history_and_next_index():
    s = _series("int-step-5")
    t = SlidingWindowTransformer(window_length=4).fit(s.iloc[:10])
    assert_array_equal(t.history_, s.to_numpy()[7:10, None])
    assert t.next_index_ == s.index[10]
    t = SlidingWindowTransformer(window_length=4).fit(s.to_numpy()[:10])
    assert t.next_index_ is None


def test_fit_history_is_a_copy_of_the_training_data():
    values = np.arange(1.0, 21.0)
    s = pd.Series(values.copy())
    t = SlidingWindowTransformer(window_length=3).fit(s.iloc[:10])
    s.iloc[:10] = -1.0  # the caller reuses its buffer after fitting
    Xt = t.transform(s.iloc[10:12])
    assert_array_equal(Xt[0, :, 0], [9.0, 10.0, 11.0])


def test_pipeline_keeps_fold_continuation(even_series):
    pipe = make_pipeline(SlidingWindowTransformer(window_length=4))
    pipe.fit(even_series.iloc[:50])
    Xt = pipe.transform(even_series.iloc[50:60])
    assert_array_equal(Xt, sliding_windows(even_series.to_numpy(), 4)[50:60])


def test_irregular_datetime_index_is_refused_with_the_fix():
    # Windows over [01-01, 01-02, 01-05] would treat 01-02 -> 01-05 as one
    # step; before, such an index passed silently and was merely padded.
    index = pd.DatetimeIndex(
        ["2020-01-01", "2020-01-02", "2020-01-05", "2020-01-09", "2020-01-10"]
    )
    s = pd.Series([1.0, 2.0, 3.0, 4.0, 5.0], index=index)
    with pytest.raises(ValueError, match=r"gaps for frequency 'D'.*asfreq\('D'\)"):
        SlidingWindowTransformer(window_length=3).fit(s.iloc[:3])


def test_two_dates_without_frequency_warn_that_continuation_is_off():
    index = pd.DatetimeIndex(["2020-01-01", "2020-01-02"])
    s = pd.Series([1.0, 2.0], index=index)
    with pytest.warns(UserWarning, match="no regular step.*use_fit_history=False"):
        t = SlidingWindowTransformer(window_length=3).fit(s)
    assert t.next_index_ is None
    later = pd.Series([3.0], index=pd.DatetimeIndex(["2020-01-03"]))
    assert_array_equal(t.transform(later)[:, :, 0], [[np.nan, np.nan, 3.0]])
    # No warning where continuation is off anyway or has nothing to carry.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        SlidingWindowTransformer(window_length=3, use_fit_history=False).fit(s)
        SlidingWindowTransformer(window_length=1).fit(s)
        SlidingWindowTransformer(window_length=3).fit(s.to_numpy())
