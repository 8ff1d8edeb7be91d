"""Shared fixtures: tiny series and a seed, so every test is fast and repeatable.

Small-model settings (``TINY``) live in ``_settings.py``: conftest is loaded by
pytest, not imported by the tests.
"""

import os

import numpy as np
import pandas as pd
import pytest

from sklstm import frame_windows

# sktime and skforecast cap pandas below 3, so their integration tests run in
# a second environment (``make test`` builds .venv-integration and sets
# SKLSTM_INTEGRATION=1 there); the main environment does not collect them.
if os.environ.get("SKLSTM_INTEGRATION") != "1":
    collect_ignore_glob = ["test_integration_*.py"]


@pytest.fixture
def seed():
    return 0


@pytest.fixture
def even_series():
    """2, 4, ..., 200 as a pandas Series with a RangeIndex."""
    return pd.Series(np.arange(2.0, 202.0, 2.0), name="value")


@pytest.fixture
def monthly_frame():
    """Three months-indexed columns: a trend, a season and noise."""
    rng = np.random.default_rng(0)
    index = pd.date_range("2020-01-01", periods=48, freq="MS")
    t = np.arange(48.0)
    return pd.DataFrame(
        {
            "sales": 100 + 2 * t + 10 * np.sin(2 * np.pi * t / 12),
            "price": 5 + rng.normal(0, 0.1, 48),
            "promo": (t % 6 == 0).astype(float),
        },
        index=index,
    )


# Module-scoped: test_regressor.py and test_training.py both read them, and
# each module's tests share one copy (no test writes to them).
@pytest.fixture(scope="module")
def even_data():
    """Windows of 2, 4, ..., 200 and the next value."""
    return frame_windows(np.arange(2.0, 202.0, 2.0), 3)


@pytest.fixture(scope="module")
def multi_data():
    """40 sequences of 4 steps and 2 features; y depends on the first feature."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 4, 2))
    y = X[:, :, 0].sum(axis=1) + 0.5 * X[:, -1, 1]
    return X, y
