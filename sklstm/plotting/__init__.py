"""Matplotlib views of fitted models: loss curves and forecasts.

matplotlib is an optional dependency (the ``examples`` extra), imported on
first use.
"""

from ._plots import plot_forecast, plot_loss

__all__ = ["plot_forecast", "plot_loss"]
