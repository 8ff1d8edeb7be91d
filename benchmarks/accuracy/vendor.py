"""Re-create the vendored CSV files of benchmarks/data/ (run once, by hand).

The series come from packages that ship them; none is downloaded at run time.
statsmodels is imported (it is in the ``bench`` extra); sktime and pmdarima
are only read as wheel files, so they need not be installed::

    pip download --no-deps sktime==1.2.0 pmdarima==2.1.1 -d /tmp/wheels
    python -m benchmarks.accuracy.vendor /tmp/wheels

See benchmarks/data/SOURCES.md for origins, licences and lengths.
"""

from __future__ import annotations

import ast
import io
import re
import sys
import zipfile
from pathlib import Path

import pandas as pd

DATA = Path(__file__).resolve().parents[1] / "data"
# The last 2,000 half-hours (about six weeks) and the last 1,040 weeks (20
# years) keep the two long series cheap to fit.
TAYLOR_LENGTH = 2000
CO2_WEEKS = 1040


def _wheel(folder: Path, name: str) -> zipfile.ZipFile:
    (path,) = folder.glob(f"{name}-*.whl")
    return zipfile.ZipFile(path)


def _pmdarima_array(wheel: zipfile.ZipFile, name: str) -> list[float]:
    """The literal ``np.array([...])`` inside pmdarima/datasets/<name>.py."""
    source = wheel.read(f"pmdarima/datasets/{name}.py").decode()
    literal = re.search(r"np\.array\((\[[^\]]*\])\)", source).group(1)
    return [float(v) for v in ast.literal_eval(literal)]


def _sktime_csv(wheel: zipfile.ZipFile, name: str) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(wheel.read(f"sktime/datasets/data/{name}")))


def _write(values, index, path: Path) -> None:
    frame = pd.DataFrame({"time": index, "value": list(values)})
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False, float_format="%.10g")
    print(f"{path.relative_to(DATA)}: {len(frame)} rows")


def dev_series(sktime, pmdarima) -> None:
    airline = _sktime_csv(sktime, "Airline/Airline.csv")
    _write(airline["Passengers"], airline["Date"], DATA / "airline.csv")
    wine = _pmdarima_array(pmdarima, "wineind")
    _write(wine, pd.date_range("1980-01", periods=len(wine), freq="MS"),
           DATA / "wineind.csv")  # fmt: skip
    wool = _pmdarima_array(pmdarima, "woolyrnq")
    _write(wool, pd.date_range("1965-01", periods=len(wool), freq="QS"),
           DATA / "woolyrnq.csv")  # fmt: skip
    taylor = _pmdarima_array(pmdarima, "taylor")
    index = pd.date_range("2000-06-05", periods=len(taylor), freq="30min")
    _write(taylor[-TAYLOR_LENGTH:], index[-TAYLOR_LENGTH:], DATA / "taylor.csv")
    lynx = _sktime_csv(sktime, "Lynx/Lynx.csv")
    _write(lynx.iloc[:, 1], lynx.iloc[:, 0], DATA / "lynx.csv")
    shampoo = _sktime_csv(sktime, "ShampooSales/ShampooSales.csv")
    _write(shampoo["Sales"], shampoo["Time"], DATA / "shampoo.csv")

    from statsmodels.datasets import co2

    weekly = co2.load_pandas().data["co2"]
    # 5 of these weeks are missing; the straight line between neighbours fills them.
    weekly = weekly.interpolate("linear").iloc[-CO2_WEEKS:]
    _write(weekly, weekly.index.strftime("%Y-%m-%d"), DATA / "co2_weekly.csv")


def holdout_series(sktime) -> None:
    from statsmodels.datasets import elec_equip, macrodata, sunspots

    holdout = DATA / "holdout"
    elec = elec_equip.load_pandas().data["STS.M.I7.W.TOVT.NS0016.4.000"]
    _write(elec, elec.index.strftime("%Y-%m-%d"), holdout / "elec_equip.csv")
    spots = sunspots.load_pandas().data
    _write(spots["SUNACTIVITY"], spots["YEAR"].astype(int), holdout / "sunspots.csv")
    macro = macrodata.load_pandas().data
    quarters = pd.PeriodIndex.from_fields(
        year=macro["year"].astype(int), quarter=macro["quarter"].astype(int), freq="Q"
    )
    _write(macro["unemp"], quarters.strftime("%Y-Q%q"), holdout / "us_unemp.csv")
    belts = _sktime_csv(sktime, "seatbelts/seatbelts.csv")
    _write(belts["KSI"], belts.iloc[:, 0], holdout / "seatbelts_ksi.csv")


def main(argv=None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    folder = Path(argv[0])
    sktime, pmdarima = _wheel(folder, "sktime"), _wheel(folder, "pmdarima")
    dev_series(sktime, pmdarima)
    holdout_series(sktime)


if __name__ == "__main__":
    main()
