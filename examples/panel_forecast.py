"""
Four US macro series (1970-2016), one global model: a forecast for each
=======================================================================

The story of a pandas user with many related series in one long table:

1. the table (series x quarter) becomes a panel indexed by
   ``(series, quarter)``;
2. a backtest from 8 forecast origins (``PanelTimeSeriesSplit``: each fold
   cuts every series at the same quarter): ONE ``LSTMRegressor`` behind
   ``SeriesForecaster`` is fitted on the windows of all four series, and
   its 4-quarter forecasts are compared per series with the historical
   mean and the last value (MAE);
3. a refit on everything and a forecast of the next 4 quarters of every
   series, indexed by ``(series, quarter)``, with 80% split-conformal
   intervals (the calibration residuals of all series pooled, so every
   series gets the same width);
4. one small plot per series saved as PNG (needs matplotlib:
   the ``examples`` extra).

The data (``sklstm.datasets.load_uschange()``, shipped with the package)
are quarterly percentage changes of US consumption, income, production,
savings and unemployment. Savings swing about ten times more than the other
series; a global model fitted on raw values would spend its loss on them, so
they are left out here. LSTMRegressor's ``window_scaling`` parameter (scale
each window on its own) is meant for such panels of series of different
scale.

Percentage changes are hard to forecast a year ahead. On the full run
(MAE over 8 origins) the global LSTM beats the historical mean on
consumption (0.30 against 0.40) and production (0.94 against 0.96) and
loses on income (0.66 against 0.61) and unemployment (0.37 against 0.31);
the last value is better still on three series. The pooled intervals have
one width for all series: too wide for unemployment, which moves least
(per-series scaling, ``window_scaling``, would help there too). The model
never sees a series id, only windows: ``forecast(X=history)`` forecasts a
series it was not fitted on from that history alone.

Run with ``python examples/panel_forecast.py [output.png] [--quick]``
(``--quick``: a few epochs, for the test suite). The documentation's
gallery runs it with ``--quick`` too, to keep the site's build short: the
numbers and the plot there come from 5-epoch models on 2 origins, not from
the full run whose MAE values are quoted above.
"""

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from sklstm import LSTMRegressor, PanelTimeSeriesSplit, SeriesForecaster
from sklstm.datasets import load_uschange

SERIES = ["consumption", "income", "production", "unemployment"]
HORIZON = 4  # one year of quarters
WINDOW = 8
QUICK = "--quick" in sys.argv
# Early stopping on the last 10% of the windows: longer fits overfit these
# noisy series (a few settings were tried on this backtest).
NETWORK = dict(
    hidden_size=16,
    max_epochs=5 if QUICK else 200,
    lr=3e-3,
    early_stopping=not QUICK,
    random_state=0,
)
N_ORIGINS = 2 if QUICK else 8
if QUICK:  # a few epochs only prove that the script runs
    warnings.filterwarnings("ignore", message="max_epochs=")


def load_panel():
    """The CSV (one column per series) as a panel indexed by (series, quarter)."""
    wide = load_uschange().reset_index()
    long = wide.melt(id_vars="quarter", value_vars=SERIES, var_name="series")
    return long.set_index(["series", "quarter"])["value"].rename("change")


def make_forecaster():
    return SeriesForecaster(
        LSTMRegressor(**NETWORK),
        window_length=WINDOW,
        horizon=HORIZON,
        conformal_fraction=0.3,
    )


def backtest(panel):
    """MAE per series of the forecasts from the last ``N_ORIGINS`` origins."""
    cv = PanelTimeSeriesSplit(n_splits=N_ORIGINS, test_size=HORIZON)
    errors = []
    for train, test in cv.split(panel):
        history, actual = panel.iloc[train], panel.iloc[test]
        forecast = make_forecaster().fit(history).forecast().iloc[:, 0]
        for name in SERIES:
            future, past = actual.loc[name].to_numpy(), history.loc[name].to_numpy()
            errors.append(
                {
                    "series": name,
                    "global LSTM": np.abs(forecast.loc[name].to_numpy() - future),
                    "mean": np.abs(past.mean() - future),
                    "last value": np.abs(past[-1] - future),
                }
            )
    table = pd.DataFrame(errors).set_index("series")
    return table.map(np.mean).groupby(level="series", sort=False).mean()


def plot(panel, forecast, path):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed; skipping the plot")
        return
    fig, axes = plt.subplots(2, 2, figsize=(10, 6), sharex=True)
    for ax, name in zip(axes.ravel(), SERIES, strict=True):
        history = panel.loc[name].iloc[-40:]
        ahead = forecast.loc[name]
        ax.plot(history.index.to_timestamp(), history.to_numpy(), label="observed")
        future = ahead.index.to_timestamp()
        ax.plot(future, ahead["change"].to_numpy(), label="forecast")
        ax.fill_between(
            future, ahead["lower"], ahead["upper"], alpha=0.3, label="80% interval"
        )
        ax.set_title(name)
        ax.set_ylabel("% change")
    axes[0, 0].legend(loc="upper left", fontsize="small")
    fig.suptitle(f"One global LSTM, four series: the next {HORIZON} quarters")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    print(f"plot saved to {path}")


def main():
    panel = load_panel()
    sizes = panel.groupby(level="series").size()
    print(f"panel: {len(panel)} rows, {len(sizes)} series of {sizes.iloc[0]} quarters")

    print(
        f"\nBacktest, {N_ORIGINS} origins: MAE of the {HORIZON}-quarter "
        f"forecasts, per series:"
    )
    print(backtest(panel).round(3).to_string())

    forecaster = make_forecaster().fit(panel)
    forecast = forecaster.forecast(coverage=0.8)
    print(f"\nNext {HORIZON} quarters, 80% split-conformal intervals:")
    print(forecast.round(3).to_string())

    args = [a for a in sys.argv[1:] if a != "--quick"]
    out = Path(args[0]) if args else Path("examples/output/panel_forecast.png")
    plot(panel, forecast, out)


if __name__ == "__main__":
    main()
