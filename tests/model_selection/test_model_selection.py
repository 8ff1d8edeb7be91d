"""Tests of PanelTimeSeriesSplit: time-disjoint folds over many series."""

import numpy as np
import pandas as pd
import pytest
import sklearn
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Ridge
from sklearn.model_selection import (
    GridSearchCV,
    TimeSeriesSplit,
    cross_val_score,
    cross_validate,
)

from sklstm import PanelTimeSeriesSplit


def _panel(starts, lengths, freq="D"):
    """A long DataFrame indexed (series, time) with ragged starts and lengths."""
    frames = []
    for i, (start, n) in enumerate(zip(starts, lengths, strict=True)):
        times = pd.date_range("2024-01-01", periods=n, freq=freq) + pd.Timedelta(
            days=start
        )
        frames.append(
            pd.DataFrame(
                {"x": np.arange(n, dtype=float), "y": np.arange(n, dtype=float) * i},
                index=pd.MultiIndex.from_product([[f"s{i}"], times]),
            )
        )
    return pd.concat(frames)


def _times(X):
    return X.index.get_level_values(1)


def test_folds_split_time_labels_like_timeseriessplit_splits_rows():
    X = _panel([0, 0, 0], [12, 12, 12])
    times = np.unique(_times(X))
    expected = list(TimeSeriesSplit(n_splits=3, gap=1).split(times))
    got = list(PanelTimeSeriesSplit(n_splits=3, gap=1).split(X))
    assert len(got) == 3
    for (train_t, test_t), (train, test) in zip(expected, got, strict=True):
        assert set(_times(X)[train]) == set(times[train_t])
        assert set(_times(X)[test]) == set(times[test_t])
        # Each label's rows of every series are on its side: 3 rows per label.
        assert len(train) == 3 * len(train_t) and len(test) == 3 * len(test_t)


@settings(max_examples=40, deadline=None)
@given(
    starts=st.lists(st.integers(0, 6), min_size=1, max_size=4),
    n_splits=st.integers(2, 4),
    gap=st.integers(0, 2),
    shuffle_seed=st.integers(0, 1000),
)
def test_folds_are_time_disjoint_with_gap_for_any_ragged_panel(
    starts, n_splits, gap, shuffle_seed
):
    lengths = [20 - s for s in starts]
    X = _panel(starts, lengths)
    X = X.sample(frac=1.0, random_state=shuffle_seed)  # any row order
    times = _times(X)
    labels = np.unique(times)
    for train, test in PanelTimeSeriesSplit(n_splits=n_splits, gap=gap).split(X):
        assert len(np.intersect1d(train, test)) == 0
        assert np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)
        last_train, first_test = times[train].max(), times[test].min()
        # gap whole time labels lie strictly between train and test.
        between = labels[(labels > last_train) & (labels < first_test)]
        assert len(between) == gap
        # Every row of a test label is in the test fold.
        assert set(test) == set(np.flatnonzero(np.isin(times, times[test])))


def test_max_train_size_and_test_size_count_time_labels():
    X = _panel([0, 3], [15, 12])
    splitter = PanelTimeSeriesSplit(n_splits=2, test_size=2, max_train_size=4)
    for train, test in splitter.split(X):
        assert len(np.unique(_times(X)[train])) == 4
        assert len(np.unique(_times(X)[test])) == 2


def test_plain_arrays_with_a_time_vector_as_groups():
    times = np.repeat(np.arange(10), 3)  # three series, stacked per date
    X = np.arange(30.0).reshape(-1, 1)
    folds = list(PanelTimeSeriesSplit(n_splits=3).split(X, groups=times))
    assert [np.unique(times[test]).tolist() for _, test in folds] == [
        [4, 5],
        [6, 7],
        [8, 9],
    ]
    # A long table indexed by date (several rows per date) needs no groups.
    frame = pd.DataFrame({"x": X[:, 0]}, index=pd.Index(times))
    again = list(PanelTimeSeriesSplit(n_splits=3).split(frame))
    for (a_train, a_test), (b_train, b_test) in zip(folds, again, strict=True):
        assert np.array_equal(a_train, b_train) and np.array_equal(a_test, b_test)


@pytest.mark.parametrize("routing", [False, True])
def test_works_with_cross_val_score_and_grid_search(routing):
    rng = np.random.default_rng(0)
    times = np.repeat(np.arange(30), 4)
    X = rng.normal(size=(120, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.1 * rng.normal(size=120)
    cv = PanelTimeSeriesSplit(n_splits=3)
    with sklearn.config_context(enable_metadata_routing=routing):
        if routing:
            scores = cross_validate(Ridge(), X, y, cv=cv, params={"groups": times})
            scores = scores["test_score"]
            search = GridSearchCV(Ridge(), {"alpha": [0.1, 1000.0]}, cv=cv)
            search.fit(X, y, groups=times)
        else:
            scores = cross_val_score(Ridge(), X, y, cv=cv, groups=times)
            search = GridSearchCV(Ridge(), {"alpha": [0.1, 1000.0]}, cv=cv)
            search.fit(X, y, groups=times)
    assert len(scores) == 3 and np.all(scores > 0.9)
    assert search.best_params_ == {"alpha": 0.1}


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: (np.zeros((10, 1)), None), "time label"),
        (lambda: (np.zeros((10, 1)), np.arange(9)), "one time label per row"),
        (lambda: (np.zeros((2, 1)), np.arange(2)), "too few"),
        (
            lambda: (
                pd.DataFrame(
                    {"x": [1.0, 2.0]},
                    index=pd.MultiIndex.from_tuples([("a", "b", 1), ("a", "b", 2)]),
                ),
                None,
            ),
            "3 levels",
        ),
        (lambda: (np.zeros((3, 1)), np.array([1.0, np.nan, 2.0])), "missing"),
    ],
    ids=["no-times", "wrong-length", "too-short", "three-levels", "nan-time"],
)
def test_bad_input_gets_a_clear_error(make, match):
    X, groups = make()
    with pytest.raises(ValueError, match=match):
        next(PanelTimeSeriesSplit(n_splits=2).split(X, groups=groups))


def test_invalid_parameters_are_refused_at_split():
    with pytest.raises(ValueError, match="n_splits"):
        next(
            PanelTimeSeriesSplit(n_splits=1).split(
                np.zeros((9, 1)), groups=np.arange(9)
            )
        )
    assert PanelTimeSeriesSplit(n_splits=4).get_n_splits() == 4
    assert "gap=2" in repr(PanelTimeSeriesSplit(gap=2))
