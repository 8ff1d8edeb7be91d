"""The M3 benchmark's metrics (benchmarks/m3/metrics.py) on hand-computed values."""

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.m3 import metrics  # noqa: E402


def test_smape_hand_values():
    # 200*|100-110|/210 = 9.5238..., 200*|50-40|/90 = 22.222..., exact 0.
    errors = metrics.smape([100.0, 50.0, 7.0], [110.0, 40.0, 7.0])
    np.testing.assert_allclose(errors, [2000 / 210, 2000 / 90, 0.0])


def test_smape_is_symmetric_and_bounded():
    assert metrics.smape([1.0], [3.0])[0] == pytest.approx(100.0)
    assert metrics.smape([3.0], [1.0])[0] == pytest.approx(100.0)
    assert metrics.smape([5.0], [0.0])[0] == pytest.approx(200.0)
    assert metrics.smape([0.0], [0.0])[0] == 0.0


def test_mase_scale_seasonal_and_naive():
    train = np.array([1.0, 2.0, 4.0, 7.0, 11.0])
    # m = 1: diffs 1, 2, 3, 4 -> 2.5; m = 2: |4-1|, |7-2|, |11-4| -> 5.
    assert metrics.mase_scale(train, 1) == pytest.approx(2.5)
    assert metrics.mase_scale(train, 2) == pytest.approx(5.0)
    assert np.isnan(metrics.mase_scale(train[:2], 2))


def test_scaled_errors():
    np.testing.assert_allclose(
        metrics.scaled_errors([10.0, 20.0], [12.0, 15.0], 2.5), [0.8, 2.0]
    )


def test_per_forecast_mean_weighs_every_step():
    # One series of 2 steps (mean 1) and one of 4 (mean 4): per forecast
    # (2 + 16) / 6 = 3, per series (1 + 4) / 2 = 2.5.
    errors = [np.array([0.0, 2.0]), np.array([4.0, 4.0, 4.0, 4.0])]
    assert metrics.per_forecast_mean(errors) == pytest.approx(3.0)
    assert metrics.per_series_mean(errors) == pytest.approx(2.5)
    # Equal horizons: the two averages agree.
    same = [np.array([1.0, 3.0]), np.array([5.0, 7.0])]
    assert metrics.per_forecast_mean(same) == metrics.per_series_mean(same) == 4.0
    assert np.isnan(metrics.per_forecast_mean([]))


def test_worse_share():
    method = [np.array([1.0]), np.array([2.1]), np.array([np.nan]), np.array([0.5])]
    reference = [np.array([1.0]), np.array([1.0]), np.array([1.0]), np.array([1.0])]
    # 1 <= 2 no; 2.1 > 2 yes; NaN counts as worse; 0.5 no.
    assert metrics.worse_share(method, reference) == pytest.approx(0.5)
