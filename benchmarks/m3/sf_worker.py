"""Runs statsforecast's models on one M3 frequency; called as a subprocess.

statsforecast caps pandas below 3, so this runs in its own environment
(``.venv-m3-baselines``, made by ``make bench-m3``) as::

    .venv-m3-baselines/bin/python -m benchmarks.m3.sf_worker \\
        --freq monthly --models Theta,AutoETS --out forecasts.npz --jobs 1

and writes, for every series of the frequency in M3 order, each model's
forecasts of the test part and each model's fit-and-forecast seconds to an
``.npz`` file that :mod:`benchmarks.m3.baselines` reads. It imports only
numpy, pandas, statsforecast and :mod:`benchmarks.m3.data`.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from .data import FREQUENCIES, HORIZON, SEASON, load_m3

#: The statsforecast models run, by row name of the table.
MODELS = ("Theta", "AutoETS", "AutoTheta", "AutoARIMA")


def make_model(name: str, season: int):
    """One statsforecast model with ``season_length=season``."""
    import statsforecast.models as models

    return getattr(models, name)(season_length=season)


def _by_series(forecast, column: str, ids: list[str], horizon: int) -> np.ndarray:
    """A long forecast frame -> array (n_series, horizon) in the order of ``ids``.

    Each series' future ``ds`` continue its own time index, so rows are
    matched by id and ordered by ``ds`` within each series.
    """
    ordered = forecast.sort_values(["unique_id", "ds"], kind="stable")
    values = ordered.set_index("unique_id")[column]
    return np.stack([values.loc[i].to_numpy(np.float64).reshape(horizon) for i in ids])


def run(freq: str, out: Path, models=MODELS, jobs: int = 1) -> None:
    """Forecast every series of ``freq`` with each of ``models``."""
    import pandas as pd
    from statsforecast import StatsForecast

    series = load_m3([freq])
    frame = pd.DataFrame(
        {
            "unique_id": np.concatenate(
                [np.repeat(s.id, len(s.train)) for s in series]
            ),
            "ds": np.concatenate([np.arange(1, len(s.train) + 1) for s in series]),
            "y": np.concatenate([s.train for s in series]),
        }
    )
    ids = [s.id for s in series]
    result = {"ids": np.asarray(ids)}
    for name in models:
        start = time.perf_counter()
        engine = StatsForecast(
            models=[make_model(name, SEASON[freq])], freq=1, n_jobs=jobs
        )
        forecast = engine.forecast(df=frame, h=HORIZON[freq])
        seconds = time.perf_counter() - start
        forecast = forecast.reset_index() if "unique_id" not in forecast else forecast
        result[f"forecast_{name}"] = _by_series(forecast, name, ids, HORIZON[freq])
        result[f"seconds_{name}"] = np.float64(seconds)
        print(f"{freq} {name}: {seconds:.1f}s", flush=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_suffix(".partial.npz")
    np.savez(partial, **result)
    partial.replace(out)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.m3.sf_worker")
    parser.add_argument("--freq", choices=FREQUENCIES, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args(argv)
    models = [m for m in args.models.split(",") if m]
    unknown = sorted(set(models) - set(MODELS))
    if unknown:
        parser.error(f"unknown models {unknown}; choose from {MODELS}")
    run(args.freq, args.out, models, args.jobs)


if __name__ == "__main__":
    main()
