"""One series split for both tasks: what every method receives."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .data import SeriesSpec, horizon, n_test


@dataclass(frozen=True)
class Problem:
    """A series cut into train and test, with the two tasks' sizes.

    Task ``one_step``: fit once on ``train``, predict every test step from the
    true history before it. Task ``direct``: forecast ``h`` steps from the
    end of ``train``.
    """

    spec: SeriesSpec
    series: pd.Series
    n_test: int = field(init=False)
    h: int = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "n_test", n_test(len(self.series)))
        object.__setattr__(self, "h", horizon(self.spec, self.n_test))

    @property
    def season(self) -> int:
        return self.spec.season

    @property
    def n_train(self) -> int:
        return len(self.series) - self.n_test

    @property
    def train(self) -> pd.Series:
        return self.series.iloc[: self.n_train]

    @property
    def values(self) -> np.ndarray:
        return self.series.to_numpy()

    def actual(self, task: str) -> np.ndarray:
        end = self.n_train + (self.n_test if task == "one_step" else self.h)
        return self.values[self.n_train : end]


@dataclass
class Forecasts:
    """A method's answers to both tasks, plus what it chose and how it went."""

    one_step: np.ndarray
    direct: np.ndarray
    note: str = ""
