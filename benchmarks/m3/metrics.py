"""sMAPE and MASE as the M3 tables compute them, and their averages.

Both are per-forecast errors: one number for each series and horizon step.
The published M3 tables average them over every forecast (series x step),
so a monthly series, with 18 steps, weighs three times a yearly one with 6
over all 3,003 series; within one frequency every series has the same
horizon, and the per-forecast mean equals the mean of per-series means.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def smape(actual: np.ndarray, forecast: np.ndarray) -> np.ndarray:
    """Symmetric absolute percentage errors on the 0-200 scale.

    ``200 * |actual - forecast| / (|actual| + |forecast|)`` per step (0 where
    both are 0). M3's values are positive, where this equals the published
    ``200 * |y - f| / (y + f)``.

    Parameters
    ----------
    actual, forecast : array-like of shape (horizon,)

    Returns
    -------
    ndarray of shape (horizon,)
    """
    actual = np.asarray(actual, dtype=np.float64)
    forecast = np.asarray(forecast, dtype=np.float64)
    denominator = np.abs(actual) + np.abs(forecast)
    error = np.abs(actual - forecast)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(denominator == 0, 0.0, 200.0 * error / denominator)


def mase_scale(train: np.ndarray, season: int) -> float:
    """In-sample mean absolute error of the seasonal-naive forecast.

    ``mean(|x[t] - x[t - m]|)`` over the training part (the naive forecast's
    when ``m`` is 1); NaN when the training part is not longer than ``m``.
    """
    train = np.asarray(train, dtype=np.float64)
    if len(train) <= season:
        return float("nan")
    return float(np.mean(np.abs(train[season:] - train[:-season])))


def scaled_errors(actual: np.ndarray, forecast: np.ndarray, scale: float) -> np.ndarray:
    """Absolute errors divided by ``scale`` (MASE per step; inf for scale 0)."""
    error = np.abs(np.asarray(actual, np.float64) - np.asarray(forecast, np.float64))
    with np.errstate(divide="ignore", invalid="ignore"):
        return error / scale


def per_forecast_mean(errors: Sequence[np.ndarray]) -> float:
    """Mean over every forecast (series x step): the published M3 average."""
    if not len(errors):
        return float("nan")
    return float(np.mean(np.concatenate([np.ravel(e) for e in errors])))


def per_series_mean(errors: Sequence[np.ndarray]) -> float:
    """Mean over the series of each series' mean error."""
    if not len(errors):
        return float("nan")
    return float(np.mean([np.mean(e) for e in errors]))


def worse_share(
    errors: Sequence[np.ndarray], reference: Sequence[np.ndarray], factor: float = 2.0
) -> float:
    """Share of series whose mean error exceeds ``factor`` x the reference's.

    With MASE errors and the seasonal-naive forecast as ``reference``: the
    share of series where a method is more than twice as bad as seasonal
    naive. A series with a non-finite mean counts as worse.
    """
    if not len(errors):
        return float("nan")
    worse = [
        not np.mean(e) <= factor * np.mean(r)
        for e, r in zip(errors, reference, strict=True)
    ]
    return float(np.mean(worse))
