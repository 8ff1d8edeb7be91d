"""The checks ``load_model`` runs on a restored SeriesForecaster's state."""

from __future__ import annotations

import numpy as np

from . import _panel as panel
from . import _seasonal_adjustment as seasonal


def check_restored(est) -> None:
    """Refuse a restored state whose parts do not fit together (load_model)."""
    n_features = est.n_features_in_
    if not 0 <= est._target_pos < n_features:
        raise ValueError(f"_target_pos is outside [0, {n_features})")
    if hasattr(est, "series_ids_") == hasattr(est, "last_window_"):
        raise ValueError("a forecaster holds last_window_ or series_ids_, not both")
    seasonal.check_restored(est)
    if hasattr(est, "series_ids_"):
        panel.check_restored(est)
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
