"""frame_supervised and frame_windows on panels: targets from the row's own series."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal

from sklstm import SlidingWindowTransformer, frame_supervised, frame_windows


def encoded_frame(lengths, seed=0):
    """A shuffled panel: ``sales = series * 1000 + t`` and ``price = -sales``."""
    rows = [
        (f"s{k}", t, k * 1000.0 + t) for k, n in enumerate(lengths) for t in range(n)
    ]
    frame = pd.DataFrame(rows, columns=["store", "date", "sales"])
    frame["price"] = -frame["sales"]
    frame = frame.set_index(["store", "date"])  # the long-table one-liner
    order = np.random.default_rng(seed).permutation(len(frame))
    return frame.iloc[order]


@settings(max_examples=30, deadline=None)
@given(
    lengths=st.lists(st.integers(3, 8), min_size=1, max_size=4),
    horizon=st.integers(1, 2),
    seed=st.integers(0, 2**16),
)
def test_frame_supervised_targets_come_from_the_rows_own_series(lengths, horizon, seed):
    frame = encoded_frame(lengths, seed)
    X, y = frame_supervised(frame, horizon=horizon, target="sales")
    # Caller order is kept: X is the frame without each series' last rows.
    dropped = frame.index.difference(X.index)
    assert X.index.equals(frame.index[frame.index.isin(X.index)])
    assert len(dropped) == horizon * len(lengths)
    n_steps = {f"s{k}": n for k, n in enumerate(lengths)}
    assert all(t >= n_steps[store] - horizon for store, t in dropped)
    targets = np.asarray(y).reshape(len(X), horizon)
    for k in range(horizon):
        assert_array_equal(targets[:, k], X["sales"].to_numpy() + k + 1)
    assert y.index.equals(X.index)


def test_frame_supervised_names_and_kinds_follow_the_single_series_rules():
    frame = encoded_frame([4, 5])
    X, y = frame_supervised(frame["sales"])
    assert isinstance(X, pd.Series) and y.name == "sales"
    X, y = frame_supervised(frame, horizon=2, target="sales")
    assert list(y.columns) == ["sales_t+1", "sales_t+2"]
    X, y = frame_supervised(frame["sales"].rename(None))
    assert y.name is None


def test_frame_supervised_panel_aligns_with_the_transformer():
    frame = encoded_frame([6, 4, 5], seed=3)
    X, y = frame_supervised(frame, target="sales")
    windows = SlidingWindowTransformer(window_length=3).fit_transform(X)
    assert_array_equal(windows[:, -1, :], X.to_numpy())
    assert_array_equal(y.to_numpy(), windows[:, -1, 0] + 1)


def test_frame_supervised_leaves_the_panel_unchanged():
    frame = encoded_frame([4, 4])
    before = frame.copy()
    frame_supervised(frame, target="price")
    pd.testing.assert_frame_equal(frame, before)


@pytest.mark.parametrize("horizon", [1, 2])
def test_frame_windows_per_series_in_caller_order(horizon):
    frame = encoded_frame([6, 8, 5], seed=2)
    X, y = frame_windows(frame, window_length=3, horizon=horizon, target="sales")
    per_series = {
        name: frame_windows(
            series.droplevel(0).sort_index(), 3, horizon, target="sales"
        )
        for name, series in frame.groupby(level=0)
    }
    assert len(X) == sum(len(w) for w, _ in per_series.values())
    assert not X.flags.writeable
    ends = X[:, -1, 0]
    # Each window's series and end step come from its values; order follows
    # the caller's row of that end.
    labels = [(f"s{int(v // 1000)}", int(v % 1000)) for v in ends]
    assert_array_equal(np.diff(frame.index.get_indexer(labels)) > 0, True)
    for row, (name, t) in enumerate(labels):
        windows, targets = per_series[name]
        position = t - 2  # window j of a series ends at its step j + 2
        assert_array_equal(X[row], windows[position])
        assert_array_equal(np.atleast_1d(y[row]), np.atleast_1d(targets[position]))


def test_frame_windows_accepts_any_numeric_time_level():
    dates = pd.date_range("2024-01-01", periods=5, freq="W")
    index = pd.MultiIndex.from_product([[1, 2], dates])
    X, y = frame_windows(pd.Series(np.arange(10.0), index=index), window_length=2)
    assert X.shape == (6, 2, 1)
    assert_array_equal(y, [2, 3, 4, 7, 8, 9])
