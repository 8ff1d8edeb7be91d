"""SlidingWindowTransformer on panels: many series indexed by (series id, time).

Each value of the synthetic panels encodes where it comes from
(``series * 1000 + t``), so a window that reaches into another series, or into
the future, shows in its numbers.
"""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_array_equal
from sklearn.linear_model import Ridge
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from sklstm import (
    PanelTimeSeriesSplit,
    SlidingWindowTransformer,
    frame_supervised,
    load_model,
    save_model,
    sliding_windows,
)

TIMES = {
    "int": lambda n: pd.Index(np.arange(n) * 5 + 100),
    "daily": lambda n: pd.date_range("2024-01-01", periods=n, freq="D"),
    "monthly-tz": lambda n: pd.date_range(
        "2024-01-01", periods=n, freq="MS", tz="Europe/Paris"
    ),
    "period": lambda n: pd.period_range("2020-01", periods=n, freq="M"),
}


def encoded_panel(lengths, times=TIMES["int"], starts=None, ids=None):
    """A panel whose value at (series k, step t) is k * 1000 + t."""
    starts = starts or [0] * len(lengths)
    ids = ids or [f"s{k}" for k in range(len(lengths))]
    frames = []
    for k, (n, start) in enumerate(zip(lengths, starts, strict=True)):
        steps = np.arange(start, start + n)
        labels = times(start + n)[start:]
        index = pd.MultiIndex.from_arrays(
            [[ids[k]] * n, labels], names=["store", "date"]
        )
        frames.append(pd.Series(k * 1000.0 + steps, index=index, name="sales"))
    return pd.concat(frames)


def per_series_windows(panel, window_length, padding="nan"):
    """The reference: sliding_windows over each series, rows as in ``panel``."""
    expected = np.empty((len(panel), window_length, 1))
    for _, series in panel.groupby(level=0, sort=False):
        positions = panel.index.get_indexer(series.sort_index().index)
        expected[positions] = sliding_windows(
            series.sort_index().to_numpy(), window_length, padding=padding
        )
    return expected


@settings(max_examples=40, deadline=None)
@given(
    lengths=st.lists(st.integers(1, 9), min_size=1, max_size=4),
    window_length=st.integers(1, 5),
    seed=st.integers(0, 2**16),
)
def test_windows_never_cross_series_nor_look_ahead(lengths, window_length, seed):
    panel = encoded_panel(lengths)
    shuffled = panel.iloc[np.random.default_rng(seed).permutation(len(panel))]
    windows = SlidingWindowTransformer(window_length=window_length).fit_transform(
        shuffled
    )
    assert windows.shape == (len(panel), window_length, 1)
    for row, value in enumerate(shuffled.to_numpy()):
        series, t = divmod(value, 1000)
        seen = windows[row, :, 0]
        seen = seen[~np.isnan(seen)]
        # The window ends at its own row, holds only its own series, in order.
        assert seen[-1] == value
        assert (seen // 1000 == series).all()
        assert (seen % 1000 <= t).all()
        assert_array_equal(np.diff(seen), np.ones(len(seen) - 1))
        assert len(seen) == min(window_length, t + 1)
    assert_array_equal(windows, per_series_windows(shuffled, window_length))


def test_caller_order_is_kept_under_a_permutation():
    panel = encoded_panel([6, 4, 5])
    order = np.random.default_rng(1).permutation(len(panel))
    window = SlidingWindowTransformer(window_length=3, padding="edge")
    in_order = window.fit_transform(panel)
    shuffled = window.fit_transform(panel.iloc[order])
    assert_array_equal(shuffled, in_order[order])
    assert not shuffled.flags.writeable


@pytest.mark.parametrize("kind", TIMES)
def test_fold_continuation_per_series(kind):
    panel = encoded_panel([10, 8, 9], TIMES[kind], starts=[0, 2, 1])
    dates = panel.index.get_level_values("date")
    cut = np.sort(dates.unique())[6]
    train, test = panel[dates < cut], panel[dates >= cut]
    window = SlidingWindowTransformer(window_length=4).fit(train)
    assert list(window.series_ids_) == ["s0", "s1", "s2"]
    continued = window.transform(test)
    # Each series' first test windows are its fitted tail: no padding at all.
    assert not np.isnan(continued).any()
    assert window.n_padded_windows_.to_dict() == {"s0": 0, "s1": 0, "s2": 0}
    whole = SlidingWindowTransformer(window_length=4).fit_transform(panel)
    assert_array_equal(continued, whole[dates >= cut])


def test_continuation_of_a_series_shorter_than_the_window():
    panel = encoded_panel([3, 7])
    steps = panel.to_numpy() % 1000
    window = SlidingWindowTransformer(window_length=4).fit(panel[steps < 2])
    # Two fitted rows per series: the third row of each tail is missing.
    assert np.isnan(window.series_history_[:, 0]).all()
    assert not np.isnan(window.series_history_[:, 1:]).any()
    continued = window.transform(panel[steps >= 2])
    whole = SlidingWindowTransformer(window_length=4).fit_transform(panel)
    assert_array_equal(continued, whole[steps >= 2])
    assert window.n_padded_windows_.tolist() == [1, 1]


def test_an_unseen_series_and_a_non_continuing_one_get_their_own_padding():
    panel = encoded_panel([8, 8, 8])
    steps = panel.to_numpy() % 1000
    series = panel.index.get_level_values("store")
    train = panel[(steps < 5) & (series != "s2")]
    window = SlidingWindowTransformer(window_length=3).fit(train)
    # s0 continues; s1 skips a step (starts at 6, fitted next is 5); s2 is new.
    test = panel[((steps >= 5) & (series != "s1")) | ((steps >= 6) & (series == "s1"))]
    windows = window.transform(test)
    assert window.n_padded_windows_.to_dict() == {"s0": 0, "s1": 2, "s2": 2}
    first = {name: windows[test.index.get_loc((name, label))] for name, label in [
        ("s0", 125), ("s1", 130), ("s2", 125)]}  # fmt: skip
    assert_array_equal(first["s0"][:, 0], [3.0, 4.0, 5.0])
    assert_array_equal(first["s1"][:, 0], [np.nan, np.nan, 1006.0])
    assert_array_equal(first["s2"][:, 0], [np.nan, np.nan, 2005.0])
    assert window.n_padded_windows_.index.name == "store"


def test_use_fit_history_false_pads_every_series():
    panel = encoded_panel([6, 6])
    steps = panel.to_numpy() % 1000
    window = SlidingWindowTransformer(window_length=3, use_fit_history=False)
    windows = window.fit(panel[steps < 3]).transform(panel[steps >= 3])
    assert window.n_padded_windows_.tolist() == [2, 2]
    assert_array_equal(windows, per_series_windows(panel[steps >= 3], 3))


def test_each_series_keeps_its_own_step():
    fast = encoded_panel([6], lambda n: pd.Index(np.arange(n)))
    slow = encoded_panel([6], lambda n: pd.Index(np.arange(n) * 7), ids=["slow"])
    panel = pd.concat([fast, slow + 1000])
    steps = panel.to_numpy() % 1000
    window = SlidingWindowTransformer(window_length=2).fit(panel[steps < 4])
    assert window.series_next_time_.tolist() == [4, 28]
    assert not np.isnan(window.transform(panel[steps >= 4])).any()


def test_a_series_without_a_step_is_named_and_padded():
    dates = pd.date_range("2024-01-01", periods=4, freq="D")
    index = pd.MultiIndex.from_arrays(
        [["long"] * 4 + ["short"] * 2, list(dates) + list(dates[:2])]
    )
    panel = pd.Series(np.arange(6.0), index=index)
    with pytest.warns(UserWarning, match=r"series \['short'\] \(1 of 2\)"):
        window = SlidingWindowTransformer(window_length=2).fit(panel)
    later = pd.MultiIndex.from_arrays([["long", "short"], [dates[-1] + dates.freq] * 2])
    window.transform(pd.Series([9.0, 9.0], index=later))
    assert window.n_padded_windows_.to_dict() == {"long": 0, "short": 1}


def test_time_labels_of_another_type_never_continue():
    panel = encoded_panel([4, 4], TIMES["period"])
    window = SlidingWindowTransformer(window_length=2).fit(panel)
    codes = window.series_next_time_
    as_ints = pd.Series(
        [1.0, 2.0], index=pd.MultiIndex.from_arrays([["s0", "s1"], codes]), name="sales"
    )
    window.transform(as_ints)
    assert window.n_padded_windows_.tolist() == [1, 1]


def test_single_series_calls_clear_the_panel_attributes():
    window = SlidingWindowTransformer(window_length=2)
    window.fit_transform(encoded_panel([3, 3]))
    assert hasattr(window, "n_padded_windows_")
    window.transform(pd.Series(np.arange(3.0), name="sales"))
    assert not hasattr(window, "n_padded_windows_")
    window.fit(pd.Series(np.arange(3.0)))
    assert not any(name.startswith("series_") for name in vars(window))
    assert window.next_index_ == 3


def test_panel_fit_keeps_no_single_series_history():
    window = SlidingWindowTransformer(window_length=3).fit(encoded_panel([5, 5]))
    assert window.history_.shape == (0, 1) and window.next_index_ is None
    # A plain series after a panel fit is padded like numpy input.
    windows = window.transform(pd.Series([1.0, 2.0], index=[5, 6], name="sales"))
    assert np.isnan(windows[0, :2]).all()


@pytest.mark.parametrize("kind", TIMES)
@pytest.mark.parametrize(
    "ids", [None, [3, 7], ["a", 3]], ids=["str-ids", "int-ids", "mixed-ids"]
)
def test_panel_state_survives_save_and_load(kind, ids, tmp_path):
    panel = pd.DataFrame({"sales": encoded_panel([7, 6], TIMES[kind], ids=ids)}).assign(
        price=lambda f: -f["sales"].astype(np.float32)
    )
    dates = panel.index.get_level_values("date")
    cut = np.sort(dates.unique())[4]
    window = SlidingWindowTransformer(window_length=3).fit(panel[dates < cut])
    save_model(window, tmp_path / "w.sklstm")
    loaded = load_model(tmp_path / "w.sklstm")
    assert list(loaded.series_ids_) == list(window.series_ids_)
    # Each id keeps its type: a str "3" would no longer continue series 3.
    assert [type(i) for i in loaded.series_ids_] == [
        type(i) for i in window.series_ids_
    ]
    assert_array_equal(loaded.series_next_time_, window.series_next_time_)
    test = panel[dates >= cut]
    assert_array_equal(loaded.transform(test), window.transform(test))
    assert loaded.n_padded_windows_.tolist() == [0, 0]


def test_inconsistent_panel_state_is_refused_on_load():
    window = SlidingWindowTransformer(window_length=3).fit(encoded_panel([4, 4]))
    state = {name: getattr(window, name) for name in vars(window) if name[-1] == "_"}
    with pytest.raises(ValueError, match="series_history_ does not match"):
        SlidingWindowTransformer(window_length=4)._restore_fitted_state(state)
    del state["series_next_time_"]
    with pytest.raises(ValueError, match="panel state needs all"):
        SlidingWindowTransformer(window_length=3)._restore_fitted_state(state)


def _flatten(windows):
    return windows.reshape(len(windows), -1)


def test_pipeline_cross_validated_with_panel_time_series_split():
    rng = np.random.default_rng(0)
    dates = pd.date_range("2024-01-01", periods=40, freq="D")
    frames = []
    for store, (start, level) in {"a": (0, 1.0), "b": (5, 3.0), "c": (0, -2.0)}.items():
        index = pd.MultiIndex.from_product([[store], dates[start:]])
        walk = level + np.cumsum(rng.normal(size=len(index)))
        frames.append(pd.Series(walk, index=index, name="sales"))
    panel = pd.concat(frames).sample(frac=1.0, random_state=0)  # any row order
    panel.index.names = ["store", "date"]
    X, y = frame_supervised(panel)
    model = make_pipeline(
        SlidingWindowTransformer(window_length=4, padding="edge"),
        FunctionTransformer(_flatten),
        Ridge(alpha=1.0),
    )
    cv = PanelTimeSeriesSplit(n_splits=3)
    scores = cross_val_score(model, X, y, cv=cv, scoring="neg_mean_absolute_error")
    assert scores.shape == (3,) and np.isfinite(scores).all()
    # With continuation, each test fold's windows are those of the whole
    # panel: the same Ridge fits on the windows cut once give the same scores.
    whole = _flatten(SlidingWindowTransformer(window_length=4, padding="edge")
                     .fit_transform(X))  # fmt: skip
    for (train, test), score in zip(cv.split(X), scores, strict=True):
        ridge = Ridge(alpha=1.0).fit(whole[train], y.iloc[train])
        error = np.abs(ridge.predict(whole[test]) - y.iloc[test]).mean()
        assert np.isclose(-score, error)
