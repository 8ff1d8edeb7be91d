"""Matplotlib views of a fitted model: loss curves and forecasts.

matplotlib is an optional dependency (the ``examples`` extra), imported when a
plot is drawn, so ``import sklstm`` never imports it.
"""

from __future__ import annotations

import numpy as np

from ..windows._series import read_series


def _axes(ax):
    """``ax``, or the current Axes of pyplot; a clear error without matplotlib."""
    if ax is not None:
        return ax
    try:
        import matplotlib.pyplot as plt
    except ImportError as error:
        raise ImportError(
            "Plotting needs matplotlib: pip install 'sklstm[examples]' "
            "(or pip install matplotlib)."
        ) from error
    return plt.gca()


def _fitted_regressor(model):
    """The recurrent estimator inside ``model`` (itself, a Pipeline's last step,
    a TransformedTargetRegressor's or SeriesForecaster's fitted estimator)."""
    inner = model
    while not hasattr(inner, "loss_curve_"):
        if hasattr(inner, "steps"):
            inner = inner.steps[-1][1]
        elif hasattr(inner, "regressor_"):
            inner = inner.regressor_
        elif hasattr(inner, "estimator_"):
            inner = inner.estimator_
        else:
            raise TypeError(
                f"plot_loss needs a fitted LSTMRegressor (or a Pipeline, "
                f"TransformedTargetRegressor or SeriesForecaster around one), "
                f"got {type(model).__name__} without loss_curve_. Fit it first."
            )
    return inner


def plot_loss(model, ax=None):
    """Plot the training and validation loss per epoch, best epoch marked.

    Parameters
    ----------
    model : LSTMRegressor
        A fitted regressor, or a fitted Pipeline, ``TransformedTargetRegressor``
        or :class:`~sklstm.SeriesForecaster` whose (last) estimator is one.
    ax : matplotlib.axes.Axes or None, default=None
        Axes to draw on; None uses pyplot's current Axes.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The Axes with a "training loss" line, a "validation loss" line (when
        the model was fitted with ``early_stopping``) and a vertical line at
        ``best_epoch_``.

    Raises
    ------
    ImportError
        If matplotlib is not installed (``pip install 'sklstm[examples]'``).
    TypeError
        If ``model`` holds no fitted regressor with ``loss_curve_``.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> from sklstm import LSTMRegressor, frame_windows, plot_loss
    >>> X, y = frame_windows(np.sin(np.arange(60.0)), window_length=4)
    >>> model = LSTMRegressor(hidden_size=4, max_epochs=5, random_state=0)
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_loss(model.fit(X, y), ax=ax)
    >>> [line.get_label() for line in ax.get_lines()]
    ['training loss', 'best epoch (5)']
    >>> plt.close(fig)
    """
    regressor = _fitted_regressor(model)
    ax = _axes(ax)
    train = regressor.loss_curve_
    ax.plot(np.arange(1, len(train) + 1), train, label="training loss")
    valid = regressor.validation_loss_curve_
    if len(valid):
        ax.plot(np.arange(1, len(valid) + 1), valid, label="validation loss")
    best = regressor.best_epoch_
    ax.axvline(best, color="0.5", linestyle="--", label=f"best epoch ({best})")
    ax.set_xlabel("epoch")
    ax.set_ylabel("loss (scaled targets)")
    ax.legend()
    return ax


def plot_forecast(forecaster, series, *, ax=None, coverage=None, n_history=None):
    """Plot a series and the forecast after its end, with an interval band.

    Parameters
    ----------
    forecaster : SeriesForecaster
        A fitted forecaster.
    series : pd.Series, pd.DataFrame or array-like
        The history to forecast from and to draw (its target column), as
        accepted by :meth:`SeriesForecaster.forecast`.
    ax : matplotlib.axes.Axes or None, default=None
        Axes to draw on; None uses pyplot's current Axes.
    coverage : float or None, default=None
        Also draw the split-conformal prediction interval with this coverage
        (for example 0.9); needs ``conformal_fraction > 0``.
    n_history : int or None, default=None
        Draw only the last ``n_history`` observations; None draws all.

    Returns
    -------
    ax : matplotlib.axes.Axes
        The Axes with an "observed" line, a "forecast" line (the values of
        ``forecaster.forecast(series)``) and, with ``coverage``, a band
        labelled by the coverage. For array input the forecast steps are
        placed at positions ``len(series), len(series) + 1, ...``.

    Raises
    ------
    ImportError
        If matplotlib is not installed (``pip install 'sklstm[examples]'``).

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklstm import LSTMRegressor, SeriesForecaster, plot_forecast
    >>> index = pd.date_range("2024-01-01", periods=40, freq="D")
    >>> series = pd.Series(np.arange(40.0) * 3, index=index, name="sales")
    >>> model = LSTMRegressor(max_epochs=5, random_state=0)
    >>> fc = SeriesForecaster(model, window_length=4, horizon=3).fit(series)
    >>> import matplotlib.pyplot as plt
    >>> fig, ax = plt.subplots()
    >>> ax = plot_forecast(fc, series, ax=ax, n_history=10)
    >>> ax.get_lines()[1].get_ydata().round(2)
    array([120., 123., 126.])
    >>> plt.close(fig)
    """
    if n_history is not None and (
        not isinstance(n_history, (int, np.integer)) or n_history < 1
    ):
        raise ValueError(
            f"n_history must be a positive int or None, got {n_history!r}."
        )
    forecast = forecaster.forecast(series, coverage=coverage)
    ax = _axes(ax)
    history = read_series(series)
    values = history.numeric_values(np.float64, min_rows=1, finite=True)
    observed = values[:, history.columns.index(forecaster.target_name_)]
    if history.index is None:
        x, x_future = np.arange(len(observed)), len(observed) + forecast.index
    else:
        x, x_future = history.index, forecast.index
    if n_history is not None:
        x, observed = x[-n_history:], observed[-n_history:]
    ax.plot(x, observed, label="observed")
    point = forecast.iloc[:, 0]  # the point forecast, named after the target
    ax.plot(x_future, point.to_numpy(), label="forecast")
    if coverage is not None:
        ax.fill_between(
            x_future,
            forecast["lower"].to_numpy(),
            forecast["upper"].to_numpy(),
            alpha=0.3,
            label=f"{coverage:.0%} interval",
        )
    ax.legend(loc="upper left")
    return ax
