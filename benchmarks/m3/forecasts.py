"""What every method hands to the report: its forecasts and its fit time."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class MethodRun:
    """One method's forecasts of the test parts.

    Parameters
    ----------
    name : str
        Row label of the table.
    forecasts : dict
        Series id -> forecast of shape ``(horizon,)``; a series the method
        was not run on is absent.
    seconds : float
        Fit (and forecast) time over all its series, in seconds.
    note : str, default=""
        A footnote for the table (cached, sample size, ...).
    """

    name: str
    forecasts: dict[str, np.ndarray] = field(default_factory=dict)
    seconds: float = 0.0
    note: str = ""

    def merge(self, other: MethodRun) -> None:
        """Add ``other``'s forecasts and seconds (another frequency's)."""
        self.forecasts.update(other.forecasts)
        self.seconds += other.seconds
        if other.note and other.note not in self.note:
            self.note = "; ".join(n for n in (self.note, other.note) if n)
