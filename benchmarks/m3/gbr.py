"""A global gradient-boosting baseline on the windows the forecaster reads.

One ``HistGradientBoostingRegressor`` per horizon step and frequency
(direct strategy), fitted on the windows of every series of the frequency
together. The windows are built here, not by the forecaster (its support
for 2-D regressors comes later): ``window_length`` steps ending at each
origin, NaN before a series' first value (the trees route NaN on their own),
every origin that has ``horizon`` training values after it. Each window and
its targets are made scale-free: divided by the window's mean absolute
value, and the targets taken relative to the window's last value, so one
model serves series of any level and a trend is carried by the last value.
"""

from __future__ import annotations

import time

import numpy as np

from .data import HORIZON, M3Series
from .forecasts import MethodRun

WINDOW_LENGTH = 12  # the SeriesForecaster's default
SEED = 0


def windows(
    values: np.ndarray, window_length: int, horizon: int
) -> tuple[np.ndarray, np.ndarray]:
    """Every origin's window and next ``horizon`` values.

    Returns
    -------
    X : ndarray of shape (n_origins, window_length)
        NaN before the series' start.
    Y : ndarray of shape (n_origins, horizon)
    """
    values = np.asarray(values, dtype=np.float64)
    padded = np.concatenate([np.full(window_length - 1, np.nan), values])
    n_origins = len(values) - horizon
    if n_origins < 1:
        return np.empty((0, window_length)), np.empty((0, horizon))
    X = np.lib.stride_tricks.sliding_window_view(padded, window_length)[:n_origins]
    Y = np.lib.stride_tricks.sliding_window_view(values[1:], horizon)[:n_origins]
    return X.copy(), Y.copy()


def last_window(values: np.ndarray, window_length: int) -> np.ndarray:
    """The window that ends at the last value, shape ``(1, window_length)``."""
    values = np.asarray(values, dtype=np.float64)[-window_length:]
    pad = np.full(window_length - len(values), np.nan)
    return np.concatenate([pad, values])[None, :]


def normalise(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(X / scale, last value, scale) per row; scale is the mean absolute value."""
    scale = np.nanmean(np.abs(X), axis=1)
    scale = np.where(scale > 0, scale, 1.0)
    last = X[:, -1]
    return X / scale[:, None], last, scale


def hgb_run(series: list[M3Series], freq: str) -> MethodRun:
    """The global model of one frequency on ``series``."""
    from sklearn.ensemble import HistGradientBoostingRegressor

    horizon = HORIZON[freq]
    start = time.perf_counter()
    parts = [windows(s.train, WINDOW_LENGTH, horizon) for s in series]
    X = np.concatenate([p[0] for p in parts])
    Y = np.concatenate([p[1] for p in parts])
    Xn, last, scale = normalise(X)
    targets = (Y - last[:, None]) / scale[:, None]
    future = np.concatenate([last_window(s.train, WINDOW_LENGTH) for s in series])
    Fn, f_last, f_scale = normalise(future)
    predictions = np.empty((len(series), horizon))
    for step in range(horizon):
        model = HistGradientBoostingRegressor(random_state=SEED)
        model.fit(Xn, targets[:, step])
        predictions[:, step] = f_last + f_scale * model.predict(Fn)
    seconds = time.perf_counter() - start
    forecasts = {s.id: predictions[i] for i, s in enumerate(series)}
    return MethodRun("HistGradientBoosting global", forecasts, seconds)
