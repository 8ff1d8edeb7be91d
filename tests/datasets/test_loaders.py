"""The data sets shipped in the package load as documented, from any folder."""

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sklstm.datasets import (
    load_airline,
    load_italy_power_demand,
    load_uschange,
    load_wineind,
)


@pytest.mark.parametrize(
    ("loader", "length", "freq", "first", "last"),
    [
        (load_airline, 144, "MS", ("1949-01-01", 112.0), ("1960-12-01", 432.0)),
        (load_wineind, 176, "MS", ("1980-01-01", 15136.0), ("1994-08-01", None)),
    ],
)
def test_monthly_series_have_a_regular_index(loader, length, freq, first, last):
    series = loader()
    assert isinstance(series, pd.Series)
    assert series.dtype == np.float64
    assert len(series) == length and series.index.freqstr == freq
    assert series.index[0] == pd.Timestamp(first[0])
    assert series.iloc[0] == first[1]
    assert series.index[-1] == pd.Timestamp(last[0])
    if last[1] is not None:
        assert series.iloc[-1] == last[1]
    assert series.notna().all()


def test_uschange_is_a_quarterly_frame():
    frame = load_uschange()
    assert list(frame.columns) == [
        "consumption",
        "income",
        "production",
        "savings",
        "unemployment",
    ]
    assert isinstance(frame.index, pd.PeriodIndex)
    assert frame.index[0] == pd.Period("1970Q1") and frame.index[-1] == pd.Period(
        "2016Q3"
    )
    assert (frame.dtypes == np.float64).all() and frame.notna().all().all()


def test_italy_power_demand_has_the_official_split():
    X_train, y_train, X_test, y_test = load_italy_power_demand()
    assert X_train.shape == (67, 24, 1) and X_test.shape == (1029, 24, 1)
    assert len(y_train) == 67 and len(y_test) == 1029
    assert set(y_train) == set(y_test) == {"1", "2"}


def test_loaders_return_fresh_objects():
    first = load_airline()
    first.iloc[0] = -1.0
    assert load_airline().iloc[0] == 112.0


def test_loaders_work_outside_the_repository(tmp_path):
    code = "from sklstm.datasets import load_airline; print(len(load_airline()))"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "144"
