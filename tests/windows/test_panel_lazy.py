"""SlidingWindowTransformer(lazy=True): panel windows as LazyWindows, equal to
the dense ones, continued from the fitted tails, and fitted on in batches."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from test_panel_windows import encoded_panel

from sklstm import LazyWindows, LSTMRegressor, SlidingWindowTransformer


def shuffled(panel, seed=0):
    rows = np.random.default_rng(seed).permutation(len(panel))
    return panel.iloc[rows]


@pytest.mark.parametrize("window_length", [1, 3, 7])
def test_lazy_panel_windows_equal_the_dense_ones(window_length):
    panel = shuffled(encoded_panel([5, 2, 9]))
    dense = SlidingWindowTransformer(window_length=window_length).fit_transform(panel)
    window = SlidingWindowTransformer(window_length=window_length, lazy=True)
    lazy = window.fit_transform(panel)
    assert isinstance(lazy, LazyWindows)
    assert lazy.shape == dense.shape
    assert_array_equal(np.asarray(lazy), dense)
    assert_array_equal(lazy[[4, 0, 2]], dense[[4, 0, 2]])
    assert window.n_padded_windows_.tolist() == [
        min(n, window_length - 1) for n in (5, 2, 9)
    ]


def test_lazy_transform_continues_each_series_from_its_fitted_tail():
    panel = encoded_panel([12, 8])
    times = panel.index.get_level_values(1)
    first, later = panel[times < times[6]], shuffled(panel[times >= times[6]])
    dense = SlidingWindowTransformer(window_length=4).fit(first).transform(later)
    window = SlidingWindowTransformer(window_length=4, lazy=True).fit(first)
    lazy = window.transform(later)
    assert_array_equal(np.asarray(lazy), dense)
    assert not np.isnan(dense).any()  # the fitted tails, not padding
    assert window.n_padded_windows_.tolist() == [0, 0]


def test_lazy_windows_need_nan_padding():
    panel = encoded_panel([5, 4])
    window = SlidingWindowTransformer(window_length=3, padding="edge", lazy=True)
    with pytest.raises(ValueError, match="lazy=True.*padding='nan' or lazy=False"):
        window.fit_transform(panel)


def test_a_single_series_ignores_lazy_and_stays_a_view():
    series = encoded_panel([6]).droplevel(0)
    windows = SlidingWindowTransformer(window_length=3, lazy=True).fit_transform(series)
    assert isinstance(windows, np.ndarray)
    assert windows.base is not None  # a strided view, no copy per window


def test_lstm_fit_on_lazy_panel_windows_equals_the_dense_fit():
    panel = encoded_panel([30, 25]).astype(float)
    y = panel.groupby(level=0).shift(-1).to_numpy()
    keep = ~np.isnan(y)
    dense = SlidingWindowTransformer(window_length=4).fit_transform(panel)
    lazy = SlidingWindowTransformer(window_length=4, lazy=True).fit_transform(panel)
    params = dict(hidden_size=4, max_epochs=2, random_state=0)
    rows = np.flatnonzero(keep)
    a = LSTMRegressor(**params).fit(dense[rows], y[rows])
    b = LSTMRegressor(**params).fit(lazy[rows], y[rows])
    assert_array_equal(a.predict(dense[rows]), b.predict(lazy[rows]))
