"""The vendored series (benchmarks/data/) and the train/test split."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "data"
TEST_FRACTION = 0.2


@dataclass(frozen=True)
class SeriesSpec:
    name: str
    path: str  # relative to benchmarks/data/
    freq: str  # pandas frequency of the index
    season: int  # 1: not seasonal


DEVELOPMENT = (
    SeriesSpec("airline", "airline.csv", "MS", 12),
    SeriesSpec("wineind", "wineind.csv", "MS", 12),
    SeriesSpec("woolyrnq", "woolyrnq.csv", "QS", 4),
    SeriesSpec("co2_weekly", "co2_weekly.csv", "W-SAT", 52),
    SeriesSpec("taylor", "taylor.csv", "30min", 48),
    SeriesSpec("lynx", "lynx.csv", "YS", 1),
    SeriesSpec("shampoo", "shampoo.csv", "MS", 1),
)
# Kept aside: never used to choose defaults, only to check them afterwards.
HOLDOUT = (
    SeriesSpec("elec_equip", "holdout/elec_equip.csv", "MS", 12),
    SeriesSpec("sunspots", "holdout/sunspots.csv", "YS", 1),
    SeriesSpec("us_unemp", "holdout/us_unemp.csv", "QS", 1),
    SeriesSpec("seatbelts_ksi", "holdout/seatbelts_ksi.csv", "MS", 12),
)
QUICK = ("airline", "shampoo")


def _start(label: str, freq: str) -> pd.Timestamp:
    # Labels are "1949-01", "1821", "1959-Q1" or full timestamps.
    if "-Q" in label:
        return pd.Period(label.replace("-", ""), "Q").start_time
    return pd.Timestamp(label)


def load(spec: SeriesSpec) -> pd.Series:
    """The series with a regular DatetimeIndex, as float64."""
    frame = pd.read_csv(DATA / spec.path, dtype={"time": str})
    start = _start(frame["time"].iloc[0], spec.freq)
    index = pd.date_range(start, periods=len(frame), freq=spec.freq)
    return pd.Series(frame["value"].to_numpy(np.float64), index=index, name=spec.name)


def n_test(n: int) -> int:
    """Length of the test part: the last 20% of the series."""
    return int(round(TEST_FRACTION * n))


def horizon(spec: SeriesSpec, n_test_steps: int) -> int:
    """h for the direct task: one season, else 10; never past the test end."""
    return min(spec.season if spec.season > 1 else 10, n_test_steps)
