"""Loaders of the small public data sets that ship inside the package.

Each loader reads a file from ``sklstm/datasets/data/`` (installed with the
wheel, so the examples and the README run anywhere, offline) and returns it
the way a pandas user would build it: a series or frame with a regular time
index, or the arrays of a classification task. Sources and licences are in
``sklstm/datasets/data/SOURCES.md`` and in each docstring.
"""

from __future__ import annotations

from importlib import resources

import numpy as np
import pandas as pd


def _data_file(name: str):
    return resources.files(__package__).joinpath("data", name)


def load_airline() -> pd.Series:
    """Monthly international airline passengers, 1949-01 to 1960-12 (thousands).

    Box & Jenkins (1976), series G; public, also in R's
    ``datasets::AirPassengers``. 144 months, trend and a multiplicative
    yearly season.

    Returns
    -------
    passengers : pandas.Series of shape (144,)
        float64 values named ``"passengers"``, indexed by a monthly
        :class:`pandas.DatetimeIndex` (month starts, ``freq="MS"``).

    Examples
    --------
    >>> from sklstm.datasets import load_airline
    >>> passengers = load_airline()
    >>> passengers.index.freqstr, len(passengers), float(passengers.iloc[0])
    ('MS', 144, 112.0)
    """
    with _data_file("airline.csv").open() as f:
        frame = pd.read_csv(f)
    index = pd.DatetimeIndex(pd.to_datetime(frame["time"], format="%Y-%m"), freq="MS")
    return pd.Series(
        frame["value"].to_numpy(np.float64), index=index, name="passengers"
    )


def load_wineind() -> pd.Series:
    """Monthly Australian wine sales (bottles up to 1 litre), 1980-01 to 1994-08.

    Australian Bureau of Statistics, via the R package ``forecast``
    (``wineind``). 176 months with a strong yearly season.

    Returns
    -------
    sales : pandas.Series of shape (176,)
        float64 values named ``"sales"``, indexed by a monthly
        :class:`pandas.DatetimeIndex` (``freq="MS"``).

    Examples
    --------
    >>> from sklstm.datasets import load_wineind
    >>> sales = load_wineind()
    >>> sales.index.freqstr, len(sales), float(sales.iloc[0])
    ('MS', 176, 15136.0)
    """
    with _data_file("wineind.csv").open() as f:
        frame = pd.read_csv(f, parse_dates=["time"], index_col="time")
    return frame["value"].asfreq("MS").rename("sales").astype(np.float64)


def load_uschange() -> pd.DataFrame:
    """Quarterly changes of five US macro series, 1970 Q1 to 2016 Q3.

    Percentage changes of personal consumption expenditure, disposable
    income, industrial production and personal savings, and the change of
    the unemployment rate: the data set ``uschange`` of the R package
    ``fpp2`` (Hyndman, *Forecasting: Principles and Practice*, 2nd ed.), from
    US government statistics (FRED), public records.

    Returns
    -------
    changes : pandas.DataFrame of shape (187, 5)
        Columns ``consumption``, ``income``, ``production``, ``savings`` and
        ``unemployment`` (float64), indexed by a quarterly
        :class:`pandas.PeriodIndex` named ``"quarter"``.

    See Also
    --------
    sklstm.SeriesForecaster : forecasts such a frame's columns as a panel once
        melted to a ``(series, quarter)`` index.

    Examples
    --------
    >>> from sklstm.datasets import load_uschange
    >>> changes = load_uschange()
    >>> changes.shape, changes.index.freqstr, list(changes.columns[:2])
    ((187, 5), 'Q-DEC', ['consumption', 'income'])
    """
    with _data_file("uschange.csv").open() as f:
        frame = pd.read_csv(f)
    index = pd.PeriodIndex(frame.pop("quarter"), freq="Q", name="quarter")
    return frame.set_index(index).astype(np.float64)


def load_italy_power_demand() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """ItalyPowerDemand from the UCR archive: days of 24 hourly loads, 2 classes.

    Italian electricity demand of 1997 (Keogh et al., the UCR time series
    classification archive), with the archive's official split; the class
    says whether a day falls in October to March (``"1"``) or April to
    September (``"2"``).

    Returns
    -------
    X_train : ndarray of shape (67, 24, 1)
    y_train : ndarray of shape (67,) of str
    X_test : ndarray of shape (1029, 24, 1)
    y_test : ndarray of shape (1029,) of str

    Examples
    --------
    >>> from sklstm.datasets import load_italy_power_demand
    >>> X_train, y_train, X_test, y_test = load_italy_power_demand()
    >>> X_train.shape, X_test.shape, sorted(set(y_train.tolist()))
    ((67, 24, 1), (1029, 24, 1), ['1', '2'])
    """
    with _data_file("ItalyPowerDemand.npz").open("rb") as f:
        with np.load(f, allow_pickle=False) as data:
            return tuple(
                data[name] for name in ("X_train", "y_train", "X_test", "y_test")
            )
