"""Internal standardisation of inputs and targets, fitted on training data only.

Pure numpy: the statistics come from the training rows of one fit, so
nothing leaks across cross-validation folds.
"""

from __future__ import annotations

import numpy as np

from ._validation import too_large_error


def input_scaling(
    mean: np.ndarray, std: np.ndarray, *, scale: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Per-feature ``(x_mean_, x_scale_)`` from the observed-value statistics.

    sklearn's StandardScaler convention: constant features keep scale 1.
    With ``scale=False``, the identity (zeros and ones).

    Examples
    --------
    >>> input_scaling(np.array([2.0, 5.0]), np.array([0.5, 0.0]), scale=True)
    (array([2., 5.]), array([0.5, 1. ]))
    """
    if not scale:
        return np.zeros(len(mean)), np.ones(len(mean))
    return mean, np.where(std > 0, std, 1.0)


def target_scaling(
    target: np.ndarray, *, scale: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(y_mean_, y_scale_, scaled_min, scaled_max)`` of 2-D training targets.

    The range of the scaled targets bounds what predict accepts without an
    :class:`~sklstm.ExtrapolationWarning`. Targets whose squares overflow
    float64 (beyond about 1.3e154) raise ``ValueError``.

    Examples
    --------
    >>> target_scaling(np.array([[1.0], [3.0]]), scale=True)
    (array([2.]), array([1.]), array([-1.]), array([1.]))
    """
    check_target_magnitude(target)
    if scale:
        mean = target.mean(axis=0)
        std = target.std(axis=0)
        std = np.where(std > 0, std, 1.0)
    else:
        mean, std = np.zeros(target.shape[1]), np.ones(target.shape[1])
    scaled = (target - mean) / std
    return mean, std, scaled.min(axis=0), scaled.max(axis=0)


def check_target_magnitude(target: np.ndarray) -> None:
    """Raise ``ValueError`` for targets whose squares overflow float64.

    Examples
    --------
    >>> check_target_magnitude(np.array([[1e150]]))
    """
    with np.errstate(over="ignore"):
        overflows = not np.isfinite(np.square(target).sum())
    if overflows:
        raise too_large_error("y", target)
