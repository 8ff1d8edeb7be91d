"""Each sequence z-normalised on its own: ``LSTMClassifier(normalize="sequence")``.

The UCR archive's convention: a series' class is in its shape, not in its
offset or amplitude, so each series is shifted and scaled to mean 0 and
standard deviation 1 before it is compared. Here per feature, over the
sequence's observed steps only (leading NaN padding stays NaN), so a
variable-length or multivariate panel keeps its layout. Pure numpy.
"""

from __future__ import annotations

import numpy as np

# A sequence whose feature varies less than this (in its own units, relative
# to its magnitude) is constant: it is centred but not divided by ~0.
_CONSTANT = 1e-8


def normalize_sequences(X3: np.ndarray) -> np.ndarray:
    """Sequences ``(n, steps, features)`` z-normalised per sequence and feature.

    Every feature of every sequence gets mean 0 and standard deviation 1
    over its observed (non-NaN) steps; a constant one becomes 0. NaN steps
    stay NaN. Returns a new float64 array.

    Examples
    --------
    >>> X = np.array([[[np.nan], [1.0], [3.0]], [[10.0], [10.0], [10.0]]])
    >>> normalize_sequences(X)[:, :, 0]
    array([[nan, -1.,  1.],
           [ 0.,  0.,  0.]])
    """
    X3 = np.asarray(X3, dtype=np.float64)
    if X3.shape[1] == 0:
        return X3.copy()
    observed = ~np.isnan(X3)
    count = observed.sum(axis=1, keepdims=True)
    filled = np.where(observed, X3, 0.0)
    mean = filled.sum(axis=1, keepdims=True) / np.maximum(count, 1)
    centred = np.where(observed, X3 - mean, 0.0)
    std = np.sqrt((centred**2).sum(axis=1, keepdims=True) / np.maximum(count, 1))
    constant = std <= _CONSTANT * np.maximum(np.abs(mean), 1.0)
    out = (X3 - mean) / np.where(constant, 1.0, std)
    return np.where(constant & observed, 0.0, out)
