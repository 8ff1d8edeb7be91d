"""Shared fixtures: tiny series and a seed, so every test is fast and repeatable."""

import numpy as np
import pandas as pd
import pytest


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
