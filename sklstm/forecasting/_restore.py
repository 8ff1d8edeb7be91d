"""The checks ``load_model`` runs on a restored SeriesForecaster's state."""

from __future__ import annotations

import numpy as np

from ..windows._panel import NO_TIME
from ._seasonal_adjustment import check_profile
from ._series_panel import step_value

#: The fitted attributes of a panel fit (declared in SeriesForecaster._fitted_state).
PANEL_STATE = (
    "series_ids_",
    "series_last_window_",
    "_series_next_time",
    "_series_steps",
    "_series_time_like",
    "_series_id_name",
)


def check_restored(est) -> None:
    """Refuse a restored state whose parts do not fit together (load_model)."""
    n_features = est.n_features_in_
    if not 0 <= est._target_pos < n_features:
        raise ValueError(f"_target_pos is outside [0, {n_features})")
    if hasattr(est, "series_ids_") == hasattr(est, "last_window_"):
        raise ValueError("a forecaster holds last_window_ or series_ids_, not both")
    check_profile(
        getattr(est, "deseasonalize_", None), getattr(est, "seasonal_profile_", None)
    )
    if hasattr(est, "series_ids_"):
        _check_panel(est)
        window = np.ones((1, n_features))
    else:
        window = est.last_window_
    if (
        window.dtype.kind != "f"
        or window.ndim != 2
        or window.shape[1] != n_features
        or not 1 <= len(window) <= est.window_length
    ):
        raise ValueError(
            f"last_window_ of shape {window.shape} does not hold up to "
            f"window_length={est.window_length} rows of {n_features} floats"
        )
    residuals = getattr(est, "calibration_residuals_", None)
    if residuals is not None and (
        residuals.ndim != 2 or residuals.shape[1] != est.horizon
    ):
        raise ValueError("calibration_residuals_ does not have horizon columns")
    indexed = est._index_like is not None
    if indexed != (est._index_step is not None) or (
        indexed and not hasattr(est, "_index_end")
    ):
        raise ValueError("_index_like, _index_step and _index_end disagree")
    outputs = getattr(est.estimator_, "n_outputs_", None)
    expected = est.horizon if est.strategy == "direct" else 1
    if outputs is not None and outputs != expected:
        raise ValueError(
            f"estimator_ has {outputs} outputs; strategy={est.strategy!r} "
            f"with horizon={est.horizon} needs {expected}"
        )


def _check_panel(est) -> None:
    """Refuse a restored panel state whose parts do not fit together."""
    missing = [name for name in PANEL_STATE if not hasattr(est, name)]
    if missing:
        raise ValueError(f"the panel state lacks {missing}")
    n_series = len(est.series_ids_)
    expected = (n_series, est.window_length, est.n_features_in_)
    if est.series_last_window_.shape != expected:
        raise ValueError(f"series_last_window_ is not of shape {expected}")
    codes = est._series_next_time
    if codes.shape != (n_series,) or codes.dtype.kind != "i":
        raise ValueError("_series_next_time does not hold one code per series")
    if len(est._series_steps) != n_series or est._series_time_like is None:
        raise ValueError("_series_steps and _series_time_like do not fit the series")
    if any(len(text) > 64 for text in est._series_steps):
        raise ValueError("_series_steps holds a string of over 64 characters")
    try:
        steps = [step_value(text, est._series_time_like) for text in est._series_steps]
    except ValueError as exc:
        raise ValueError(f"_series_steps holds a step that is none ({exc})") from None
    if any((s is None) != (c == NO_TIME) for s, c in zip(steps, codes, strict=True)):
        raise ValueError("_series_steps and _series_next_time disagree")
