"""Forecast accuracy: scaled errors, and scorers that need no ``y``.

:func:`mean_absolute_scaled_error` and
:func:`symmetric_mean_absolute_percentage_error` are plain metrics of
``(y_true, y_pred)``; :func:`forecast_scorer` turns any sklearn scorer name
(or these) into a scorer for :class:`~sklstm.SeriesForecaster` that works in
``cross_val_score``, ``cross_validate`` and ``GridSearchCV`` with or without
``y``.
"""

from ._forecast import (
    forecast_scorer,
    mean_absolute_scaled_error,
    symmetric_mean_absolute_percentage_error,
)

__all__ = [
    "forecast_scorer",
    "mean_absolute_scaled_error",
    "symmetric_mean_absolute_percentage_error",
]
