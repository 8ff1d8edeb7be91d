"""Quantile forecasts of :class:`~sklstm.LSTMRegressor` (``loss="quantile"``).

The network predicts, per output, one value per requested quantile level,
trained with the pinball loss on the scaled targets (see
:class:`~sklstm._training.WeightedLoss`). The quantiles cannot cross: the
module predicts the *anchor* quantile (the level closest to 0.5) directly
and every other one as a softplus step from its neighbour
(:func:`~sklstm._module.monotone_quantiles`). This module holds the numpy
side: the check of the ``quantiles`` parameter, the anchor and the start of
the linear path (``predict_quantiles`` is in :mod:`sklstm._regressor_outputs`).
"""

from __future__ import annotations

from numbers import Real

import numpy as np

# Smallest starting gap between neighbouring quantiles (scaled units):
# softplus' inverse is finite above 0.
_MIN_GAP = 1e-3


def check_quantiles(quantiles) -> tuple[float, ...]:
    """The quantile levels as a tuple of floats, or a clear ``ValueError``.

    Examples
    --------
    >>> check_quantiles([0.1, 0.5, 0.9])
    (0.1, 0.5, 0.9)
    >>> check_quantiles((0.9, 0.1))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: quantiles must be sorted in increasing order without repeats, ...
    """
    levels = tuple(quantiles)
    if not levels or not all(
        isinstance(q, Real) and not isinstance(q, bool) and 0 < q < 1 for q in levels
    ):
        raise ValueError(
            f"quantiles must be a non-empty tuple of floats strictly between 0 "
            f"and 1, got {quantiles!r}; pass e.g. (0.1, 0.5, 0.9)."
        )
    levels = tuple(float(q) for q in levels)
    if any(b <= a for a, b in zip(levels[:-1], levels[1:], strict=True)):
        raise ValueError(
            f"quantiles must be sorted in increasing order without repeats, "
            f"got {tuple(quantiles)!r}; pass e.g. (0.1, 0.5, 0.9)."
        )
    return levels


def anchor_index(levels) -> int:
    """Position of the point-forecast quantile: the level closest to 0.5.

    Ties go to the lower level.

    Examples
    --------
    >>> anchor_index((0.1, 0.5, 0.9)), anchor_index((0.25, 0.75)), anchor_index((0.9,))
    (1, 0, 0)
    """
    distance = np.abs(np.asarray(levels) - 0.5)
    return int(np.flatnonzero(np.isclose(distance, distance.min()))[0])


def quantile_layout(est) -> tuple[int, int]:
    """``(n_quantiles, anchor)`` of the network of ``est``, ``(1, 0)`` without."""
    if getattr(est, "loss", None) != "quantile":
        return 1, 0
    levels = check_quantiles(est.quantiles)
    return len(levels), anchor_index(levels)


def linear_path_start(est, dataset) -> tuple[np.ndarray, np.ndarray]:
    """``(weight, bias)`` of the linear path of a fresh fit of ``est``.

    The ridge fit on the scaled windows. With ``loss="quantile"`` the anchor
    quantile starts at the ridge forecast plus the anchor's quantile of the
    ridge residuals, and each other quantile at a constant softplus step:
    the gap between the neighbouring residual quantiles. Training then
    starts from a linear quantile forecast with a constant spread.
    """
    from ._linear_path import flat_training_rows, linear_predictions, ridge_start

    windows, targets, weights = flat_training_rows(dataset)
    weight, bias, _ = ridge_start(windows, targets, weights)
    if est.loss != "quantile":
        return weight, bias
    n_quantiles, anchor = quantile_layout(est)
    levels = check_quantiles(est.quantiles)
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
