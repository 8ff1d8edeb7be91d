"""Classical baselines: naive, seasonal naive, ETS and SARIMA (statsmodels).

ETS and SARIMA are chosen by AIC on the training part over a small grid, and
their one-step forecasts of the test part keep the fitted parameters while
filtering the true history (no refit), as the learned models do.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np

from .problem import Forecasts, Problem

# Beyond this season length SARIMA's state grows with the season and the fit
# takes minutes; ARIMA errors around Fourier terms are the usual substitute.
LONG_SEASON = 24
# Hyndman & Athanasopoulos' threshold on the STL seasonal strength.
SEASONAL_STRENGTH = 0.64


def naive(problem: Problem, **_) -> Forecasts:
    values, start = problem.values, problem.n_train
    last = values[start - 1]
    return Forecasts(values[start - 1 : -1], np.full(problem.h, last))


def seasonal_naive(problem: Problem, **_) -> Forecasts:
    m, values, start = problem.season, problem.values, problem.n_train
    one_step = values[start - m : len(values) - m]
    last_season = values[start - m : start]
    direct = last_season[np.arange(problem.h) % m]
    return Forecasts(one_step, direct)


def _aic_search(candidates, fit):
    """Fit every candidate, keep the lowest AIC; notes count the failures."""
    best, best_aic, failures = None, np.inf, 0
    for candidate in candidates:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                result = fit(candidate)
        except (ValueError, np.linalg.LinAlgError):
            failures += 1
            continue
        if np.isfinite(result.aic) and result.aic < best_aic:
            best, best_aic = (candidate, result), result.aic
    if best is None:
        raise RuntimeError(f"no candidate could be fitted ({failures} failed)")
    return best, failures


def _converged(result) -> bool:
    return bool(getattr(result, "mle_retvals", {}).get("converged", True))


def _status(result, failures) -> str:
    parts = [] if _converged(result) else ["did not converge"]
    if failures:
        parts.append(f"{failures} candidates failed")
    return "; ".join(parts)


def ets_candidates(problem: Problem, *, quick=False):
    """(error, trend, damped, seasonal) tuples; no additive error with a
    multiplicative season (unstable variance, excluded by R's ets too)."""
    positive = bool(np.all(problem.train.to_numpy() > 0))
    seasonal = problem.season > 1 and problem.n_train >= 2 * problem.season + 2
    errors = ["add"] + (["mul"] if positive and not quick else [])
    if problem.season > LONG_SEASON:
        errors = ["add"]
    trends = [(None, False), ("add", False), ("add", True)]
    seasons = [None] + (["add", "mul"] if seasonal else [])
    for error, (trend, damped), season in itertools.product(errors, trends, seasons):
        if season == "mul" and (error == "add" or not positive):
            continue
        yield error, trend, damped, season


def ets(problem: Problem, *, quick=False, **_) -> Forecasts:
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    def model(endog, spec):
        error, trend, damped, season = spec
        return ETSModel(
            endog,
            error=error,
            trend=trend,
            damped_trend=damped,
            seasonal=season,
            seasonal_periods=problem.season if season else None,
        )

    train = problem.train.to_numpy()
    (spec, result), failures = _aic_search(
        ets_candidates(problem, quick=quick),
        lambda spec: model(train, spec).fit(disp=False, maxiter=1000),
    )
    smoothed = model(problem.values, spec).smooth(result.params)
    one_step = np.asarray(smoothed.fittedvalues)[problem.n_train :]
    error, trend, damped, season = spec
    name = f"ETS({error[0].upper()},{_ets_part(trend, damped)},{_ets_part(season)})"
    note = "; ".join(filter(None, [name, _status(result, failures)]))
    return Forecasts(one_step, np.asarray(result.forecast(problem.h)), note)


def _ets_part(kind, damped=False):
    return "N" if kind is None else kind[0].upper() + ("d" if damped else "")


def seasonal_strength(train: np.ndarray, season: int) -> float:
    from statsmodels.tsa.seasonal import STL

    fit = STL(train, period=season).fit()
    remainder = fit.resid
    return max(0.0, 1 - np.var(remainder) / np.var(fit.seasonal + remainder))


def n_differences(values: np.ndarray, max_d: int = 2) -> int:
    """KPSS (level stationarity, 5%) on successive differences, as auto.arima."""
    from statsmodels.tsa.stattools import kpss

    d = 0
    while d < max_d and len(values) > 10:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # p-value outside the table
            p_value = kpss(values, regression="c", nlags="auto")[1]
        if p_value >= 0.05:
            break
        values, d = np.diff(values), d + 1
    return d


def fourier(n: int, season: int, k: int, start: int = 0) -> np.ndarray:
    t = np.arange(start, start + n)[:, None] * np.arange(1, k + 1)[None, :]
    angle = 2 * np.pi * t / season
    return np.hstack([np.sin(angle), np.cos(angle)])


def sarima_candidates(problem: Problem, *, quick=False):
    """((p, d, q), (P, D, Q, m), fourier_k) tuples with d and D fixed by tests."""
    m, train = problem.season, problem.train.to_numpy()
    if m > LONG_SEASON:
        d = n_differences(train)
        for (p, q), k in itertools.product([(1, 0), (0, 1), (1, 1), (2, 1)], [3, 6]):
            yield (p, d, q), (0, 0, 0, 0), k
        return
    D = 0
    if m > 1 and problem.n_train >= 2 * m + 2:
        D = int(seasonal_strength(train, m) >= SEASONAL_STRENGTH)
    differenced = train[m:] - train[:-m] if D else train
    d = n_differences(differenced, max_d=1 if D else 2)
    orders = [
        (p, q) for p in range(3 if m > 1 else 4) for q in range(2 if m > 1 else 3)
    ]
    seasonal = [(0, 1), (1, 0)] if m > 1 else [(0, 0)]
    if quick:
        orders, seasonal = [(1, 0), (0, 1), (1, 1)], seasonal[:1]
    for (p, q), (P, Q) in itertools.product(orders, seasonal):
        yield (p, d, q), (P, D, Q, m if m > 1 else 0), 0


def sarima(problem: Problem, *, quick=False, **_) -> Forecasts:
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    train, n_train, n = problem.train.to_numpy(), problem.n_train, len(problem.values)

    def exog(spec, n_steps, start=0):
        k = spec[2]
        return fourier(n_steps, problem.season, k, start) if k else None

    def fit(spec):
        order, seasonal_order, _ = spec
        # A constant without differencing, a drift with one difference.
        trend = {0: "c", 1: "t"}.get(order[1] + seasonal_order[1], "n")
        return SARIMAX(
            train,
            exog=exog(spec, n_train),
            order=order,
            seasonal_order=seasonal_order,
            trend=trend,
        ).fit(disp=False, maxiter=200)

    (spec, result), failures = _aic_search(sarima_candidates(problem, quick=quick), fit)
    test = problem.values[n_train:]
    extended = result.append(test, exog=exog(spec, n - n_train, n_train))
    one_step = np.asarray(extended.fittedvalues)[n_train:]
    direct = result.forecast(problem.h, exog=exog(spec, problem.h, n_train))
    (p, d, q), (P, D, Q, m), k = spec
    name = f"ARIMA({p},{d},{q})" + (f"({P},{D},{Q}){m}" if m else "")
    name += f"+Fourier({k})" if k else ""
    note = "; ".join(filter(None, [name, _status(result, failures)]))
    return Forecasts(one_step, np.asarray(direct), note)
