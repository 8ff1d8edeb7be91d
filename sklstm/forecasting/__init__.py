"""Forecasting a series or a panel: horizons, future covariates, intervals, seasons.

:class:`SeriesForecaster` frames a series (or many series indexed by
``(series id, time)``) for a window regressor and turns its predictions into
timestamped forecasts.
"""

from ._forecaster import SeriesForecaster

__all__ = ["SeriesForecaster"]
