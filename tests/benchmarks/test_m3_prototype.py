"""The pure pieces of the M3 prototype (benchmarks/m3/prototype_es.py)."""

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.m3 import prototype_es as proto  # noqa: E402


def _seasonal(n=60, m=12):
    t = np.arange(n)
    return (100 + t) * (1 + 0.3 * np.sin(2 * np.pi * t / m))


def test_seasonal_indices_average_one_and_follow_the_season():
    si = proto.seasonal_indices(_seasonal(), 12)
    assert si.shape == (12,)
    np.testing.assert_allclose(si.mean(), 1.0)
    assert si.argmax() == 3  # the sine's peak, a quarter of the way through


def test_the_seasonality_test_passes_a_season_and_not_a_trend():
    assert proto.seasonal_test(_seasonal(), 12)
    assert not proto.seasonal_test(np.arange(1.0, 61.0), 12)
    assert not proto.seasonal_test(_seasonal(30), 12)  # fewer than 3 seasons


def test_ses_levels_of_a_constant_series_are_constant():
    np.testing.assert_allclose(proto.ses_levels(np.full(10, 5.0), 0.4), 5.0)


def test_theta_continues_a_straight_line():
    line = 10.0 + 2.0 * np.arange(40)
    forecast = proto.theta_forecast(line, 1, 5)
    # Theta halves the drift, so it undershoots a perfect line, but moves up.
    assert np.all(np.diff(forecast) > 0) and forecast[0] > line[-1]


def test_rows_are_log_windows_relative_to_the_level():
    x = np.exp(np.linspace(0.0, 1.0, 20))
    X, Y, last, log_level, future = proto.series_rows(x, 1, 3, 6)
    assert X.shape == (20 - 3 - 2, 6) and Y.shape == (15, 3)
    assert np.isnan(X[0, :3]).all() and not np.isnan(X[0, 3:]).any()
    assert last.shape == (6,) and np.isfinite(last).all()
    np.testing.assert_allclose(future, 1.0)
    # The last window ends at log x[-1]; the level lags a rising series.
    np.testing.assert_allclose(last[-1], np.log(x[-1]) - log_level)
    assert last[-1] > 0
