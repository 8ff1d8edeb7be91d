"""Quantile levels: the ``quantiles`` parameter checked, and the anchor level.

The network predicts one value per level; the *anchor* (the level closest to
0.5) directly and the others as softplus steps from it
(:func:`~sklstm.nn._module.monotone_quantiles`), trained with the pinball loss
(:class:`~sklstm.nn._training.WeightedLoss`).
"""

from __future__ import annotations

from numbers import Real

import numpy as np


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


def quantile_layout(levels) -> tuple[int, int]:
    """``(n_quantiles, anchor)`` of a network predicting ``levels``; ``(1, 0)``
    for None (one value per output).

    Examples
    --------
    >>> quantile_layout((0.1, 0.5, 0.9)), quantile_layout(None)
    ((3, 1), (1, 0))
    """
    if levels is None:
        return 1, 0
    return len(levels), anchor_index(levels)
