"""The scale of each series: the naive forecast's errors, and panels no scaling serves.

Two uses of one idea, each series' own size. The mean absolute error of the
seasonal naive forecast over the fitted rows is the denominator of the mean
absolute scaled error (:func:`sklstm.metrics.mean_absolute_scaled_error`);
and a panel whose series differ in size by many orders of magnitude cannot
be served by one global scaling of the windows, which the forecaster says.
"""

from __future__ import annotations

import warnings

import numpy as np

#: Seasonal lags whose naive errors a fit keeps (weekly data: 52).
MAX_SEASON = 52

#: A series whose typical size is below this fraction of the panel's spread
#: is forecast to within a few of its own units at best: the network's
#: errors, in units of the global scale, are rarely below 1e-3 of it.
SCALE_RATIO = 1e-4


def naive_errors(target: np.ndarray, bounds: np.ndarray) -> np.ndarray:
    """(n_series, MAX_SEASON) mean absolute ``m``-step differences per series.

    ``target`` holds the sorted rows of every series, ``bounds`` their
    limits (series ``k`` is ``bounds[k]:bounds[k + 1]``). NaN where a series
    has ``m`` rows or fewer.

    Examples
    --------
    >>> import numpy as np
    >>> errors = naive_errors(np.array([1.0, 3.0, 2.0, 4.0]), np.array([0, 4]))
    >>> errors[0, :4].round(3).tolist()
    [1.667, 1.0, 3.0, nan]
    """
    bounds = np.asarray(bounds)
    out = np.full((len(bounds) - 1, MAX_SEASON), np.nan)
    for k, (start, stop) in enumerate(zip(bounds[:-1], bounds[1:], strict=True)):
        values = target[start:stop]
        for m in range(1, min(MAX_SEASON, len(values) - 1) + 1):
            out[k, m - 1] = np.mean(np.abs(values[m:] - values[:-m]))
    return out


def warn_scale_spread(target: np.ndarray, panel, estimator) -> None:
    """Warn when a panel's series are too small for one global scaling.

    Only for an estimator with a ``window_scaling`` parameter left at None
    (``LSTMRegressor``): ``window_scaling="mean"`` scales each window by its
    own size, which serves every series whatever the spread.
    """
    params = estimator.get_params(deep=False)
    if "window_scaling" not in params or params["window_scaling"] is not None:
        return
    spread = np.std(target)
    if not np.isfinite(spread) or spread == 0:
        return
    sizes = np.array([np.mean(np.abs(target[rows])) for _, rows in panel.groups()])
    small = (sizes > 0) & (sizes < SCALE_RATIO * spread)
    if small.any():
        ids = list(panel.ids[small][:5])
        warnings.warn(
            f"Series {ids} of the panel are about {sizes[small].min() / spread:.0e} "
            f"of the spread of all its values (std {spread:.3g}): one global "
            f"scaling cannot forecast them to their own precision (forecasts may "
            f"be off by more than their size). Pass window_scaling='mean' to the "
            f"estimator (e.g. LSTMRegressor(window_scaling='mean')), or fit such "
            f"series apart.",
            UserWarning,
            stacklevel=3,
        )
