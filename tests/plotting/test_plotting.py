"""plot_loss and plot_forecast draw what the model holds (Agg backend)."""

import subprocess
import sys

import matplotlib
import numpy as np
import pandas as pd
import pytest
from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import make_pipeline

from sklstm import (
    LSTMRegressor,
    SeriesForecaster,
    SlidingWindowTransformer,
    frame_windows,
    plot_forecast,
    plot_loss,
)

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

TINY = dict(hidden_size=4, max_epochs=6, random_state=0)


@pytest.fixture
def ax():
    fig, ax = plt.subplots()
    yield ax
    plt.close(fig)


@pytest.fixture(scope="module")
def early_stopped():
    X, y = frame_windows(np.sin(np.arange(80.0) / 3), window_length=4)
    return LSTMRegressor(early_stopping=True, **TINY).fit(X, y)


@pytest.fixture(scope="module")
def series():
    index = pd.date_range("2024-01-01", periods=48, freq="MS")
    values = 100 + np.arange(48.0) + 5 * np.sin(np.arange(48) / 2)
    return pd.Series(values, index=index, name="sales")


@pytest.fixture(scope="module")
def forecaster(series):
    return SeriesForecaster(
        LSTMRegressor(**TINY), window_length=4, horizon=3, conformal_fraction=0.5
    ).fit(series)


def _lines(ax):
    return {line.get_label(): line for line in ax.get_lines()}


def test_plot_loss_draws_both_curves_and_the_best_epoch(early_stopped, ax):
    assert plot_loss(early_stopped, ax=ax) is ax
    lines = _lines(ax)
    n_epochs = len(early_stopped.loss_curve_)
    np.testing.assert_array_equal(
        lines["training loss"].get_xdata(), np.arange(1, n_epochs + 1)
    )
    np.testing.assert_array_equal(
        lines["training loss"].get_ydata(), early_stopped.loss_curve_
    )
    np.testing.assert_array_equal(
        lines["validation loss"].get_ydata(), early_stopped.validation_loss_curve_
    )
    best = early_stopped.best_epoch_
    np.testing.assert_array_equal(lines[f"best epoch ({best})"].get_xdata(), [best] * 2)
    assert ax.get_xlabel() == "epoch"
    assert [t.get_text() for t in ax.get_legend().get_texts()] == list(lines)


def test_plot_loss_without_validation_and_on_pyplot_axes():
    X, y = frame_windows(np.arange(30.0), window_length=3)
    model = LSTMRegressor(**TINY).fit(X, y)
    fig = plt.figure()
    try:
        ax = plot_loss(model)
        assert ax is fig.gca()
        assert list(_lines(ax)) == ["training loss", "best epoch (6)"]
    finally:
        plt.close(fig)


def test_plot_loss_finds_the_regressor_inside_wrappers(ax, forecaster):
    X = np.arange(40.0)
    pipe = make_pipeline(
        SlidingWindowTransformer(window_length=3), LSTMRegressor(**TINY)
    )
    wrapped = TransformedTargetRegressor(pipe, func=np.log1p, inverse_func=np.expm1)
    wrapped.fit(X.reshape(-1, 1), X)
    plot_loss(wrapped, ax=ax)
    regressor = wrapped.regressor_[-1]
    np.testing.assert_array_equal(
        _lines(ax)["training loss"].get_ydata(), regressor.loss_curve_
    )
    ax.clear()
    plot_loss(forecaster, ax=ax)
    np.testing.assert_array_equal(
        _lines(ax)["training loss"].get_ydata(), forecaster.estimator_.loss_curve_
    )


def test_plot_loss_refuses_unfitted_models(ax):
    with pytest.raises(TypeError, match="needs a fitted LSTMRegressor.*Fit it first"):
        plot_loss(LSTMRegressor(), ax=ax)


def test_plot_forecast_draws_history_forecast_and_interval(forecaster, series, ax):
    assert plot_forecast(forecaster, series, ax=ax, coverage=0.5, n_history=12) is ax
    expected = forecaster.forecast(series, coverage=0.5)
    lines = _lines(ax)
    history = lines["observed"]
    np.testing.assert_array_equal(history.get_ydata(), series.iloc[-12:].to_numpy())
    assert list(history.get_xdata()) == list(series.index[-12:])
    forecast = lines["forecast"]
    np.testing.assert_array_equal(forecast.get_ydata(), expected["sales"].to_numpy())
    assert list(forecast.get_xdata()) == list(expected.index)
    (band,) = ax.collections
    assert band.get_label() == "50% interval"
    # The band's outline passes through every lower and upper bound.
    vertices = band.get_paths()[0].vertices[:, 1]
    for bound in ("lower", "upper"):
        assert np.isin(expected[bound].to_numpy(), vertices).all()
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["observed", "forecast", "50% interval"]


def test_plot_forecast_of_an_array_places_steps_after_the_end(ax):
    values = np.arange(30.0)
    fc = SeriesForecaster(LSTMRegressor(**TINY), window_length=3, horizon=2)
    plot_forecast(fc.fit(values), values, ax=ax)
    lines = _lines(ax)
    np.testing.assert_array_equal(lines["observed"].get_xdata(), np.arange(30))
    np.testing.assert_array_equal(lines["forecast"].get_xdata(), [30, 31])
    np.testing.assert_array_equal(
        lines["forecast"].get_ydata(), fc.forecast(values).iloc[:, 0]
    )
    assert not ax.collections  # no band without coverage


@pytest.mark.parametrize("n_history", [0, -1, 2.5, "3"])
def test_plot_forecast_refuses_bad_n_history(forecaster, series, ax, n_history):
    with pytest.raises(ValueError, match="n_history must be a positive int"):
        plot_forecast(forecaster, series, ax=ax, n_history=n_history)


def test_missing_matplotlib_names_the_extra(monkeypatch, early_stopped):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(ImportError, match=r"pip install 'sklstm\[examples\]'"):
        plot_loss(early_stopped)


def test_import_sklstm_imports_neither_matplotlib_nor_onnx():
    code = "import sys, sklstm; print({'matplotlib', 'onnx'} & set(sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "set()"
