"""FlattenWindows: windows as flat rows for 2-D regressors."""

import numpy as np
import pytest

from sklstm import FlattenWindows, SlidingWindowTransformer


def test_windows_become_rows_oldest_step_first():
    windows = np.arange(12.0).reshape(2, 3, 2)
    step = FlattenWindows().fit(windows)
    assert (step.n_timesteps_in_, step.n_features_in_) == (3, 2)
    np.testing.assert_array_equal(step.transform(windows), windows.reshape(2, 6))
    assert list(step.get_feature_names_out())[:3] == ["x0_t0", "x1_t0", "x0_t1"]


def test_nan_padding_passes_through():
    windows = SlidingWindowTransformer(window_length=3).fit_transform(np.arange(4.0))
    rows = FlattenWindows().fit_transform(windows)
    assert rows.shape == (4, 3)
    assert np.isnan(rows[0, :2]).all() and rows[0, 2] == 0.0


def test_other_window_shapes_are_refused():
    step = FlattenWindows().fit(np.ones((2, 3, 2)))
    with pytest.raises(ValueError, match=r"shape \(4, 2\).*fitted on \(3, 2\)"):
        step.transform(np.ones((2, 4, 2)))
    with pytest.raises(ValueError, match="4 dimension"):
        FlattenWindows().fit(np.ones((1, 2, 3, 4)))
