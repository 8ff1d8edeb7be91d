"""Forecast metrics (MASE, sMAPE) and the scorer that needs no ``y``.

Why a scorer of its own: sklearn calls ``scorer(estimator, X)`` when
cross-validating without ``y``, and its scorers need ``y_true``, so a scoring
*string* cannot score a forecaster fitted on a bare series. The forecaster
knows what to compare (the values that follow each row of the test series),
so :func:`forecast_scorer` asks it, then hands the pairs to the named sklearn
scorer. The mean absolute scaled error needs one more thing a scorer cannot
see, the training series: the fitted forecaster keeps its naive errors
(``naive_mae_``) for that.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.metrics import get_scorer, get_scorer_names
from sklearn.utils._param_validation import Interval, validate_params

MASE = "neg_mean_absolute_scaled_error"
SMAPE = "neg_symmetric_mean_absolute_percentage_error"


def _pair(y_true, y_pred, sample_weight):
    y_true = np.asarray(y_true, dtype=np.float64)
    y_pred = np.asarray(y_pred, dtype=np.float64)
    if y_true.shape != y_pred.shape or y_true.ndim not in (1, 2):
        raise ValueError(
            f"y_true and y_pred must have the same shape, (n,) or (n, horizon); "
            f"got {y_true.shape} and {y_pred.shape}."
        )
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
        if sample_weight.shape != y_true.shape[:1]:
            raise ValueError(
                f"sample_weight must have shape ({len(y_true)},), got "
                f"{sample_weight.shape}."
            )
    return (
        y_true.reshape(len(y_true), -1),
        y_pred.reshape(len(y_pred), -1),
        sample_weight,
    )


def _weighted_mean(errors: np.ndarray, sample_weight) -> float:
    """Mean of (n, horizon) errors, rows weighted by ``sample_weight``."""
    return float(np.average(errors.mean(axis=1), weights=sample_weight))


def _naive_scale(y_train, seasonal_period: int) -> float:
    y_train = np.asarray(y_train, dtype=np.float64).ravel()
    m = seasonal_period
    if len(y_train) <= m:
        raise ValueError(
            f"seasonal_period={m} needs at least {m + 1} training values, "
            f"got {len(y_train)}."
        )
    scale = float(np.mean(np.abs(y_train[m:] - y_train[:-m])))
    if not np.isfinite(scale) or scale == 0:
        raise ValueError(
            f"The training series is constant at lag {m} (the seasonal naive "
            f"forecast is exact), so no error can be scaled by it; use "
            f"mean_absolute_error instead."
        )
    return scale


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "y_train": ["array-like"],
        "seasonal_period": [Interval(Integral, 1, None, closed="left")],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def mean_absolute_scaled_error(
    y_true, y_pred, *, y_train, seasonal_period: int = 1, sample_weight=None
) -> float:
    """Mean absolute error divided by that of the seasonal naive forecast in-sample.

    Below 1: better than repeating the value ``seasonal_period`` steps
    before, over the training series (Hyndman and Koehler, 2006). It
    compares series of any scale, unlike the mean absolute error, and
    stays defined at zero, unlike percentage errors.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, horizon)
        What happened.
    y_pred : array-like of the same shape
        What was forecast.
    y_train : array-like of shape (n_train,)
        The training series (the target), oldest first: the scale.
    seasonal_period : int, default=1
        Lag of the naive forecast: 1 for the last value, 12 for last year's
        month.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the rows.

    Returns
    -------
    mase : float
        The mean over rows and steps of ``|y_true - y_pred|``, divided by
        ``mean(|y_train[m:] - y_train[:-m]|)``.

    Raises
    ------
    ValueError
        When ``y_train`` has ``seasonal_period`` values or fewer, or is
        constant at that lag.

    Examples
    --------
    >>> from sklstm.metrics import mean_absolute_scaled_error
    >>> y_train = [1.0, 3.0, 2.0, 4.0]  # naive errors 2, 1, 2: scale 5/3
    >>> round(mean_absolute_scaled_error([5.0, 6.0], [4.0, 8.0], y_train=y_train), 6)
    0.9
    """
    y_true, y_pred, sample_weight = _pair(y_true, y_pred, sample_weight)
    scale = _naive_scale(y_train, seasonal_period)
    return _weighted_mean(np.abs(y_true - y_pred), sample_weight) / scale


@validate_params(
    {
        "y_true": ["array-like"],
        "y_pred": ["array-like"],
        "sample_weight": ["array-like", None],
    },
    prefer_skip_nested_validation=True,
)
def symmetric_mean_absolute_percentage_error(y_true, y_pred, *, sample_weight=None):
    """Mean of ``2 |y_true - y_pred| / (|y_true| + |y_pred|)`` (the M3/M4 sMAPE / 100).

    Between 0 and 2; a pair of zeros counts as no error. Multiply by 100 for
    the percentages the M3 and M4 competitions report.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, horizon)
        What happened.
    y_pred : array-like of the same shape
        What was forecast.
    sample_weight : array-like of shape (n_samples,), default=None
        Weights of the rows.

    Returns
    -------
    smape : float

    Examples
    --------
    >>> from sklstm.metrics import symmetric_mean_absolute_percentage_error
    >>> round(symmetric_mean_absolute_percentage_error([100.0, 0.0], [110.0, 0.0]), 4)
    0.0476
    """
    y_true, y_pred, sample_weight = _pair(y_true, y_pred, sample_weight)
    total = np.abs(y_true) + np.abs(y_pred)
    ratio = np.divide(
        2 * np.abs(y_true - y_pred), total, out=np.zeros_like(total), where=total > 0
    )
    return _weighted_mean(ratio, sample_weight)


class _Forecasts(RegressorMixin, BaseEstimator):
    """Forecasts already made, as an estimator whose ``predict`` returns them.

    How an sklearn scorer, which calls ``estimator.predict(X)``, scores the
    pairs a forecaster chose.
    """

    def __init__(self, y_pred=None):
        self.y_pred = y_pred

    def fit(self, X, y=None):  # pragma: no cover - never fitted
        return self

    def predict(self, X):
        return self.y_pred


class ForecastScorer:
    """A scorer of :class:`~sklstm.SeriesForecaster`, with or without ``y``.

    Build it with :func:`forecast_scorer`.
    """

    def __init__(self, scoring, seasonal_period: int = 1):
        self.scoring = scoring
        self.seasonal_period = seasonal_period

    def __repr__(self) -> str:
        extra = (
            f", seasonal_period={self.seasonal_period}" if self.scoring == MASE else ""
        )
        return f"forecast_scorer({self.scoring!r}{extra})"

    def __call__(self, estimator, X, y=None, sample_weight=None) -> float:
        """Score ``estimator``'s forecasts at the rows of ``X``.

        Without ``y``, the rows whose horizon lies in ``X`` are scored
        against the values that follow them there; with ``y`` (what
        ``frame_supervised`` returns for ``X``), every row.
        """
        if not hasattr(estimator, "_scored"):
            raise TypeError(
                f"forecast_scorer scores a SeriesForecaster (or a search over "
                f"one); got {type(estimator).__name__}. Use the sklearn scorer "
                f"{self.scoring!r} itself for other estimators."
            )
        scored = estimator._scored(X, y, sample_weight)
        if self.scoring == SMAPE:
            return -symmetric_mean_absolute_percentage_error(
                scored.y_true, scored.y_pred, sample_weight=scored.sample_weight
            )
        if self.scoring == MASE:
            return -self._mase(estimator, scored)
        scorer = get_scorer(self.scoring)
        kwargs = {}
        if scored.sample_weight is not None:
            kwargs["sample_weight"] = scored.sample_weight
        placeholder = np.zeros((len(scored.y_true), 1))
        return scorer(_Forecasts(scored.y_pred), placeholder, scored.y_true, **kwargs)

    def _mase(self, estimator, scored) -> float:
        """Errors of each row scaled by the naive error of its fitted series."""
        scales = getattr(estimator, "naive_mae_", None)
        m = self.seasonal_period
        if scales is None:
            raise ValueError(
                "This forecaster keeps no naive errors (naive_mae_; a model file "
                "saved by an earlier sklstm): fit it again to score its MASE."
            )
        if m > scales.shape[1]:
            raise ValueError(
                f"seasonal_period={m}: the forecaster keeps the naive errors of "
                f"lags 1 to {scales.shape[1]}."
            )
        if scored.series is None:
            rows = np.zeros(len(scored.y_true), dtype=np.int64)
        else:
            fitted = pd.Index(getattr(estimator, "series_ids_", []))
            position = fitted.get_indexer(scored.series)
            if (position < 0).any():
                unknown = list(pd.unique(scored.series[position < 0]))[:5]
                raise ValueError(
                    f"Series {unknown} were not fitted, so their MASE has no "
                    f"training scale; score series the forecaster was fitted on."
                )
            rows = position
        scale = scales[rows, m - 1]
        bad = ~np.isfinite(scale) | (scale == 0)
        if bad.any():
            raise ValueError(
                f"The naive forecast at lag {m} has no error to scale by on "
                f"{int(bad.sum())} scored row(s): their fitted series is constant "
                f"or has at most {m} rows. Use a smaller seasonal_period or "
                f"another metric."
            )
        y_true = scored.y_true.reshape(len(scale), -1)
        y_pred = scored.y_pred.reshape(len(scale), -1)
        errors = np.abs(y_true - y_pred) / scale[:, None]
        return _weighted_mean(errors, scored.sample_weight)


def forecast_scorer(scoring="neg_mean_absolute_error", *, seasonal_period: int = 1):
    """A scorer for SeriesForecaster that works with or without ``y``.

    sklearn's scoring strings need ``y`` (``scorer(estimator, X, y)``); a
    forecaster cross-validated on a bare series gets none. This scorer asks
    the forecaster for its forecasts at each row of the test series and the
    values that follow them there (or takes ``y``, as ``frame_supervised``
    returns it), then scores them with the named sklearn scorer.

    Parameters
    ----------
    scoring : str or callable, default="neg_mean_absolute_error"
        Any name of ``sklearn.metrics.get_scorer_names()``, a scorer
        callable ``scorer(estimator, X, y)`` (from ``make_scorer``),
        ``"neg_mean_absolute_scaled_error"`` (MASE, scaled per series by
        the naive error over the fitted series) or
        ``"neg_symmetric_mean_absolute_percentage_error"``.
    seasonal_period : int, default=1
        MASE only: the lag of the naive forecast (1 to 52).

    Returns
    -------
    scorer : callable
        ``scorer(forecaster, X, y=None, sample_weight=None)``, greater is
        better, for ``scoring=`` of ``cross_val_score``, ``cross_validate``
        (a dict of them for several metrics) and ``GridSearchCV``.

    See Also
    --------
    mean_absolute_scaled_error : The metric, given the training series.

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.model_selection import TimeSeriesSplit, cross_val_score
    >>> from sklstm import SeriesForecaster
    >>> from sklstm.metrics import forecast_scorer
    >>> index = pd.date_range("2020-01-01", periods=48, freq="MS")
    >>> series = pd.Series(np.arange(48.0) + 3 * (np.arange(48) % 12 == 0),
    ...                    index=index, name="sales")
    >>> fc = SeriesForecaster(Ridge(), window_length=12, horizon=3)
    >>> scores = cross_val_score(fc, series, cv=TimeSeriesSplit(3),
    ...                          scoring=forecast_scorer("neg_mean_absolute_error"))
    >>> scores.shape
    (3,)
    >>> forecast_scorer("neg_mean_absolute_scaled_error", seasonal_period=12)
    forecast_scorer('neg_mean_absolute_scaled_error', seasonal_period=12)
    """
    if isinstance(scoring, str) and scoring not in (MASE, SMAPE, *get_scorer_names()):
        raise ValueError(
            f"scoring={scoring!r} is not a scorer name: use one of "
            f"sklearn.metrics.get_scorer_names() (e.g. 'neg_mean_absolute_error'), "
            f"{MASE!r} or {SMAPE!r}."
        )
    if not (isinstance(scoring, str) or callable(scoring)):
        raise TypeError(f"scoring must be a str or a scorer callable, got {scoring!r}.")
    if not isinstance(seasonal_period, Integral) or not 1 <= seasonal_period:
        raise ValueError(
            f"seasonal_period must be an int >= 1, got {seasonal_period!r}."
        )
    return ForecastScorer(scoring, int(seasonal_period))
