"""
Australian wine sales: remove the season before the network, put it back after
==============================================================================

A window of 12 months holds one noisy copy of the seasonal pattern; the
classical decomposition's profile averages every year of the training part.
``SeriesForecaster(deseasonalize=...)`` removes that profile from the
target before the windows are cut and restores it on every forecast, so the
network learns the trend and the irregular part only.

The data (``sklstm.datasets.load_wineind()``, shipped with the package)
are monthly sales of Australian wine makers, 1980-01 .. 1994-08. The last 12
months are the test part; the script prints each model's MAE on them:

1. seasonal naive (the value one year before) for scale;
2. ``SeriesForecaster`` with ``deseasonalize`` None, "additive" and
   "multiplicative" (one LSTMRegressor each, a 12-step direct forecast).

It prints (seed 0; MAE in bottles)::

    model                          12-month MAE
    seasonal naive                       2343
    deseasonalize=None                   2535
    deseasonalize=additive               2070
    deseasonalize=multiplicative         2009

The adjustment is a choice per series, not a default: on the accuracy
benchmark's development set (the documentation's "Forecast accuracy" page)
it helped wineind and woolyrnq and hurt airline, and the direct forecasts
of co2_weekly and taylor, whose windows already hold two seasons or whose
seasonal pattern moves. ``GridSearchCV`` with ``TimeSeriesSplit(3)`` on this
training part picks None: its first folds hold three years, too few to show
the gain.

Run: ``python examples/seasonal_adjustment.py``.
"""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from sklstm import LSTMRegressor, SeriesForecaster
from sklstm.datasets import load_wineind

HORIZON = 12


def forecaster(deseasonalize=None) -> SeriesForecaster:
    return SeriesForecaster(
        LSTMRegressor(random_state=0),
        window_length=12,
        horizon=HORIZON,
        deseasonalize=deseasonalize,
    )


def main() -> None:
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    sales = load_wineind()
    train, test = sales.iloc[:-HORIZON], sales.iloc[-HORIZON:]
    rows = {"seasonal naive": train.iloc[-12:].to_numpy()}
    for kind in (None, "additive", "multiplicative"):
        fc = forecaster(kind).fit(train)
        rows[f"deseasonalize={kind}"] = fc.forecast().iloc[:, 0].to_numpy()
    print(f"{'model':<30} 12-month MAE")
    for name, forecast in rows.items():
        mae = np.mean(np.abs(forecast - test.to_numpy()))
        print(f"{name:<30} {mae:10.0f}")


if __name__ == "__main__":
    main()
