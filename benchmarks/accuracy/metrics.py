"""MASE and the ratios of the table."""

from __future__ import annotations

import numpy as np


def mase_scale(train: np.ndarray, season: int) -> float:
    """In-sample MAE of the seasonal-naive forecast (naive when season is 1)."""
    lag = max(season, 1)
    return float(np.mean(np.abs(train[lag:] - train[:-lag])))


def mase(actual: np.ndarray, forecast: np.ndarray, scale: float) -> float:
    """Mean absolute error of ``forecast`` divided by ``scale``; NaN if not finite."""
    forecast = np.asarray(forecast, dtype=np.float64)
    if forecast.shape != actual.shape or not np.all(np.isfinite(forecast)):
        return float("nan")
    return float(np.mean(np.abs(actual - forecast)) / scale)


def geometric_mean(values) -> float:
    values = np.asarray([v for v in values if np.isfinite(v) and v > 0])
    return float(np.exp(np.log(values).mean())) if len(values) else float("nan")
