"""A global LSTM on ES-normalised windows, combined with Theta: the M3 design to adopt.

``python -m benchmarks.m3.prototype_es --freq quarterly,yearly --seeds 0,1,2``

This is a research prototype built from public sklstm pieces, not a library
feature yet: it shows, measured on M3, the design that ``SeriesForecaster``
is to take on (benchmarks/README.md, "M3", has the numbers). Per series ``x``
(positive) of season ``m`` and horizon ``h``:

1. seasonality: if ``m >= 2``, ``n >= 3m`` and the lag-``m`` autocorrelation
   passes a 90% test, ``x`` is divided by classical multiplicative indices
   (centred 2 x m moving average, mean ratio per season position, normalised
   to mean 1) estimated on the whole history: ``z_t = x_t / si[t % m]``;
2. level: simple exponential smoothing of ``z`` (``alpha`` minimises the
   in-sample squared one-step errors over [0.1, 0.99], ``l_0 = z_0``);
3. rows: at every origin ``i``, the input is ``log z`` over the last
   ``L = 2h`` steps minus ``log l_i`` (NaN before the series starts) and the
   target ``log z_{i+k} - log l_i``, ``k = 1..h``;
4. one ``LSTMRegressor`` per frequency and seed on all series' rows;
5. forecast ``exp(mean over seeds of the prediction) * l_{n-1} * si``;
6. combined 50/50 with Theta from the same indices and level:
   ``l_{n-1} + b/2 ((k - 1) + 1/alpha - (1 - alpha)^n / alpha)``, ``b`` the OLS
   slope of ``z`` on time, reseasonalised.

Uses only M3 (``benchmarks.m3.data``); needs the ``bench`` extra.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
from scipy.optimize import minimize_scalar

from .data import FREQUENCIES, HORIZON, SEASON, load_m3
from .metrics import mase_scale, smape


def seasonal_test(x: np.ndarray, m: int) -> bool:
    """Theta's 90% test of the autocorrelation at lag ``m`` (needs ``n >= 3m``)."""
    n = len(x)
    if m < 2 or n < 3 * m:
        return False
    xc = x - x.mean()
    acf = np.array([np.sum(xc[k:] * xc[: n - k]) for k in range(m + 1)]) / np.sum(
        xc * xc
    )
    limit = 1.645 * np.sqrt((1 + 2 * np.sum(acf[1:m] ** 2)) / n)
    return bool(abs(acf[m]) > limit)


def seasonal_indices(x: np.ndarray, m: int) -> np.ndarray:
    """Classical multiplicative seasonal indices of ``x``, ``(m,)``, mean 1."""
    n = len(x)
    w = np.r_[0.5, np.ones(m - 1), 0.5] / m if m % 2 == 0 else np.ones(m) / m
    trend = np.convolve(x, w, mode="valid")
    off = (len(w) - 1) // 2
    ratio = np.full(n, np.nan)
    ratio[off : off + len(trend)] = x[off : off + len(trend)] / trend
    idx = np.array([np.nanmean(ratio[p::m]) for p in range(m)])
    return idx / idx.mean()


def deseasonalise(x: np.ndarray, m: int) -> tuple[np.ndarray, np.ndarray]:
    """``(z, si)``: ``x`` divided by its indices where the test passes, else ones."""
    si = seasonal_indices(x, m) if seasonal_test(x, m) else np.ones(max(m, 1))
    return x / si[np.arange(len(x)) % max(m, 1)], si


def _ses_sse(alpha: float, z: np.ndarray) -> tuple[float, float]:
    level, sse = z[0], 0.0
    for value in z[1:]:
        error = value - level
        sse += error * error
        level += alpha * error
    return sse, level


def ses_alpha(z: np.ndarray) -> float:
    """The smoothing weight in [0.1, 0.99] with the least squared one-step error."""
    result = minimize_scalar(
        lambda a: _ses_sse(a, z)[0],
        bounds=(0.1, 0.99),
        method="bounded",
        options={"xatol": 1e-4},
    )
    return float(result.x)


def ses_levels(z: np.ndarray, alpha: float) -> np.ndarray:
    """The smoothed level after each step, ``l_0 = z_0``."""
    levels = np.empty(len(z))
    level = z[0]
    for i, value in enumerate(z):
        if i:
            level += alpha * (value - level)
        levels[i] = level
    return levels


def theta_forecast(x: np.ndarray, m: int, h: int) -> np.ndarray:
    """The standard Theta method (SES with half the linear drift), reseasonalised."""
    n = len(x)
    z, si = deseasonalise(x, m)
    slope = np.polyfit(np.arange(n), z, 1)[0]
    alpha = ses_alpha(z)
    level = _ses_sse(alpha, z)[1]
    k = np.arange(1, h + 1)
    path = level + 0.5 * slope * ((k - 1) + 1 / alpha - (1 - alpha) ** n / alpha)
    return path * si[np.arange(n, n + h) % max(m, 1)]


def series_rows(x: np.ndarray, m: int, h: int, lookback: int):
    """Training rows, the last window, its log level and future indices of ``x``.

    Returns ``(X, Y, x_last, log_level_last, si_future)``: ``X`` ``(rows,
    lookback)`` log windows minus the origin's log level (NaN before the
    start), ``Y`` ``(rows, h)`` the following log values minus it.
    """
    n = len(x)
    z, si = deseasonalise(x, m)
    log_z = np.log(z)
    log_level = np.log(ses_levels(z, ses_alpha(z)))
    padded = np.r_[np.full(lookback - 1, np.nan), log_z]
    windows = np.lib.stride_tricks.sliding_window_view(padded, lookback)[:n]
    windows = windows - log_level[:, None]
    origins = np.arange(2, n - h)
    Y = np.stack([log_z[i + 1 : i + 1 + h] for i in origins]) - log_level[origins, None]
    future = si[np.arange(n, n + h) % max(m, 1)]
    return windows[origins], Y, windows[-1], log_level[-1], future


def network_settings(n_rows: int, seed: int) -> dict:
    """The LSTMRegressor of the prototype (bigger batches for monthly's ~100k rows)."""
    big = n_rows > 50_000
    return dict(
        hidden_size=50,
        target_mode="level",
        linear_path=True,
        loss="mse",
        max_epochs=15 if big else 20,
        batch_size=1024 if big else 256,
        lr=3e-3,
        n_iter_no_change=1000,
        random_state=seed,
        n_threads=1,
    )


def scores(series, forecasts: np.ndarray) -> tuple[float, float]:
    """sMAPE and MASE averaged over every forecast (series x horizon)."""
    smapes = [smape(s.test, f) for s, f in zip(series, forecasts, strict=True)]
    mases = [
        np.abs(s.test - f) / mase_scale(s.train, s.season)
        for s, f in zip(series, forecasts, strict=True)
    ]
    return float(np.mean(np.concatenate(smapes))), float(np.mean(np.concatenate(mases)))


def run(freq: str, seeds: list[int]) -> str:
    """One frequency: the network, the network with Theta, and Theta alone."""
    from sklstm import LSTMRegressor

    series = load_m3((freq,))
    m, h = SEASON[freq], HORIZON[freq]
    start = time.perf_counter()
    rows = [series_rows(s.train, m, h, 2 * h) for s in series]
    X = np.concatenate([r[0] for r in rows])[:, :, None]
    Y = np.concatenate([r[1] for r in rows])
    last = np.stack([r[2] for r in rows])[:, :, None]
    theta = np.stack([theta_forecast(s.train, m, h) for s in series])
    predictions = []
    for seed in seeds:
        model = LSTMRegressor(**network_settings(len(X), seed)).fit(X, Y)
        predictions.append(model.predict(last))
    log_level = np.array([r[3] for r in rows])[:, None]
    future = np.stack([r[4] for r in rows])
    network = np.exp(np.mean(predictions, axis=0) + log_level) * future
    seconds = time.perf_counter() - start
    cells = [scores(series, f) for f in (network, 0.5 * (network + theta), theta)]
    text = " | ".join(f"{s:.2f} / {a:.3f}" for s, a in cells)
    return f"| {freq} | {len(series)} | {len(X)} | {text} | {seconds:.0f} |"


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.m3.prototype_es")
    parser.add_argument("--freq", default=",".join(FREQUENCIES))
    parser.add_argument("--seeds", default="0,1,2")
    args = parser.parse_args(argv)
    seeds = [int(s) for s in args.seeds.split(",")]
    warnings.filterwarnings("ignore")  # convergence notes of fixed-epoch fits
    print(f"seeds {seeds}; sMAPE / MASE averaged over every forecast")
    print("| frequency | series | rows | network | network + Theta | Theta | s |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for freq in args.freq.split(","):
        print(run(freq, seeds), flush=True)


if __name__ == "__main__":
    main()
