"""Quantile forecasts of :class:`~sklstm.LSTMRegressor` (``loss="quantile"``).

The network predicts, per output, one value per requested quantile level,
trained with the pinball loss on the scaled targets (see
:class:`~sklstm.nn._training.WeightedLoss`). The quantiles cannot cross: the
module predicts the *anchor* quantile (the level closest to 0.5) directly
and every other one as a softplus step from its neighbour
(:func:`~sklstm.nn._module.monotone_quantiles`). This module holds the numpy
side: the check of the ``quantiles`` parameter, the anchor and the start of
the linear path (``predict_quantiles`` is in
:mod:`sklstm.estimators._regressor_outputs`).
"""

from __future__ import annotations

import numpy as np

from ..nn._quantile_levels import quantile_layout

# Smallest starting gap between neighbouring quantiles (scaled units):
# softplus' inverse is finite above 0.
_MIN_GAP = 1e-3


def linear_path_start(dataset, levels) -> tuple[np.ndarray, np.ndarray]:
    """``(weight, bias)`` of the linear path of a fresh fit on ``dataset``.

    The ridge fit on the scaled windows. With ``loss="quantile"`` the anchor
    quantile starts at the ridge forecast plus the anchor's quantile of the
    ridge residuals, and each other quantile at a constant softplus step:
    the gap between the neighbouring residual quantiles. Training then
    starts from a linear quantile forecast with a constant spread.

    Parameters
    ----------
    dataset : SequenceDataset
        The scaled training rows.
    levels : tuple of float or None
        The quantile levels (``loss="quantile"``), or None for one value per
        output.
    """
    from ._linear_path import flat_training_rows, linear_predictions, ridge_start

    windows, targets, weights = flat_training_rows(dataset)
    weight, bias, _ = ridge_start(windows, targets, weights)
    if levels is None:
        return weight, bias
    n_quantiles, anchor = quantile_layout(levels)
    residuals = targets - linear_predictions(windows, weight, bias)
    # (n_outputs, n_quantiles) residual quantiles, then the steps between them.
    offsets = np.quantile(residuals, levels, axis=0).T
    gaps = np.maximum(np.abs(np.diff(offsets, axis=1)), _MIN_GAP)
    raw = np.log(np.expm1(gaps))  # softplus(raw) == gap
    n_outputs, n_inputs = weight.shape
    q_weight = np.zeros((n_outputs, n_quantiles, n_inputs), dtype=np.float32)
    q_weight[:, anchor] = weight
    q_bias = np.zeros((n_outputs, n_quantiles))
    q_bias[:, anchor] = bias + offsets[:, anchor]
    # Quantile j below the anchor steps down by gap j, above it by gap j - 1.
    q_bias[:, :anchor] = raw[:, :anchor]
    q_bias[:, anchor + 1 :] = raw[:, anchor:]
    return (
        q_weight.reshape(n_outputs * n_quantiles, n_inputs),
        q_bias.reshape(-1).astype(np.float32),
    )
