"""Windows as the network reads them: relative to their last value, scaled per window.

:func:`relative_windows` is ``target_mode="delta"``'s view of a window: each
step of the target feature minus the window's last value.

Per-window scaling of LSTMRegressor (``window_scaling="mean"``):

A global model trained on windows of many series of different scale (10 next
to 10,000) sees mostly the large series under one global standardisation.
DeepAR's answer (GluonTS' ``MeanScaler``) is to divide each window and its
target by the mean absolute value of that window's observed values, and to
multiply the prediction back: every window then reads on the same scale, and
the model is equivariant to the scale of a series. Here the transform applies
to the ``target_feature`` steps only (covariates, such as one-hot series ids
or calendar features, keep their units) and runs before the global
standardisation, which then standardises the normalised windows.

In ``"delta"`` mode the windows are first made relative (each step minus the
window's last value), then divided by the window's scale, the mean absolute
level; the learned change is divided by the same scale, and the prediction is
``reference + scale * change``.

A window whose values are all (nearly) zero would divide by zero: the scale
has a floor, :data:`FLOOR_FRACTION` of the geometric mean of the positive
training-window scales. It is fitted, so it grows with the data (the
transform stays scale-equivariant), and a geometric mean is not dominated by
the few largest series of a panel. Pure numpy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

#: The floor of the window scale as a fraction of the geometric mean of the
#: positive training-window scales.
FLOOR_FRACTION = 1e-3
# Rows per chunk hold about this many values, so a strided window view of a
# long series is never copied in full.
_CHUNK_VALUES = 1 << 20


def relative_windows(X3: np.ndarray, feature: int) -> np.ndarray:
    """A float64 copy of ``X3`` whose ``feature`` is relative to its last step.

    Each sequence's values of ``feature`` minus that sequence's last value
    (always observed: NaN is only leading padding), so the last step reads 0
    and a level-shifted copy of a series gives the same windows. The other
    features (covariates) keep their levels. Callers pass chunks of rows,
    so a long strided window view is never copied in full.

    Examples
    --------
    >>> relative_windows(np.array([[[196.0, 1.0], [198.0, 2.0], [200.0, 3.0]]]), 0)[0]
    array([[-4.,  1.],
           [-2.,  2.],
           [ 0.,  3.]])
    """
    out = np.array(X3, dtype=np.float64)
    out[:, :, feature] -= out[:, -1:, feature]
    return out


def mean_abs_scales(X3: np.ndarray, feature: int) -> np.ndarray:
    """Mean absolute observed value of ``feature`` in each window, ``(n_samples,)``.

    NaN steps are padding and left out (the last step is always observed).

    Examples
    --------
    >>> mean_abs_scales(np.array([[[np.nan], [-2.0], [4.0]], [[0.0], [0.0], [0.0]]]), 0)
    array([3., 0.])
    """
    n_samples, n_timesteps = X3.shape[:2]
    out = np.empty(n_samples)
    rows = max(1, _CHUNK_VALUES // max(n_timesteps, 1))
    for start in range(0, n_samples, rows):
        values = np.abs(np.asarray(X3[start : start + rows, :, feature], np.float64))
        observed = ~np.isnan(values)
        total = np.where(observed, values, 0.0).sum(axis=1)
        out[start : start + rows] = total / np.maximum(observed.sum(axis=1), 1)
    return out


def scale_floor(scales: np.ndarray) -> float:
    """:data:`FLOOR_FRACTION` of the geometric mean of the positive ``scales``.

    1.0 when no scale is positive (every window is zero: nothing to scale).

    Examples
    --------
    >>> round(scale_floor(np.array([10.0, 1000.0, 0.0])), 12)
    0.1
    >>> scale_floor(np.zeros(3))
    1.0
    """
    positive = scales[scales > 0]
    if not len(positive):
        return 1.0
    return float(FLOOR_FRACTION * np.exp(np.log(positive).mean()))


def fit_window_scaling(
    window_scaling: str | None, X3: np.ndarray, used: np.ndarray, feature: int
) -> np.ndarray | None:
    """The fitted floor (a 0-d float64 array), or None without window scaling.

    Examples
    --------
    >>> X3 = np.array([[[10.0], [10.0]], [[1000.0], [1000.0]]])
    >>> round(float(fit_window_scaling("mean", X3, np.arange(2), 0)), 12)
    0.1
    >>> fit_window_scaling(None, X3, np.arange(2), 0) is None
    True
    """
    if window_scaling is None:
        return None
    return np.float64(scale_floor(mean_abs_scales(X3, feature)[used]))


@dataclass(frozen=True)
class WindowScaler:
    """The fitted per-window transform of feature ``feature``.

    It travels where the delta-mode reference feature travels (the
    ``reference_feature`` of :func:`~sklstm.nn._training.scale_to_float32` and
    :func:`~sklstm.estimators._validation.scan_sequences`), so the dataset and the
    predict path feed the network the same normalised windows.

    Parameters
    ----------
    feature : int
        The feature divided by the window scale (``target_feature``).
    floor : float
        The smallest window scale (:func:`scale_floor` of the training data).
    relative : bool
        Whether the windows are first made relative to their last value
        (``"delta"`` mode).

    Examples
    --------
    >>> scaler = WindowScaler(0, 0.1, relative=True)
    >>> X3 = np.array([[[8.0, 1.0], [12.0, 2.0]]])
    >>> scaler.windows(X3)[0]
    array([[-0.4,  1. ],
           [ 0. ,  2. ]])
    >>> scaler.scales(X3)
    array([[10.]])
    """

    feature: int
    floor: float
    relative: bool

    def scales(self, X3: np.ndarray) -> np.ndarray:
        """Each window's scale, floored, as a column ``(n_samples, 1)``."""
        return np.maximum(mean_abs_scales(X3, self.feature), self.floor)[:, None]

    def windows(self, X3: np.ndarray) -> np.ndarray:
        """A float64 copy of ``X3`` whose ``feature`` is divided by the scale."""
        if self.relative:
            out = relative_windows(X3, self.feature)
        else:
            out = np.array(X3, dtype=np.float64)
        out[:, :, self.feature] /= self.scales(X3)
        return out


def input_reference(
    relative_feature: int | None, floor: np.ndarray | None, feature: int
) -> int | WindowScaler | None:
    """What the network's inputs are read relative to or scaled by.

    Without window scaling (``floor`` None) the delta-mode reference feature
    (or None), as before; otherwise a :class:`WindowScaler`.

    Examples
    --------
    >>> input_reference(0, None, 0)
    0
    >>> input_reference(None, np.float64(0.5), 0)
    WindowScaler(feature=0, floor=0.5, relative=False)
    """
    if floor is None:
        return relative_feature
    return WindowScaler(feature, float(floor), relative=relative_feature is not None)


def reference_windows(X3: np.ndarray, reference: int | WindowScaler) -> np.ndarray:
    """A float64 copy of ``X3`` as the network reads it, before standardising.

    Examples
    --------
    >>> reference_windows(np.array([[[1.0], [3.0]]]), 0)[0, :, 0]
    array([-2.,  0.])
    """
    if isinstance(reference, WindowScaler):
        return reference.windows(X3)
    return relative_windows(X3, reference)


def scale_targets(
    target: np.ndarray, X3: np.ndarray, reference: int | WindowScaler | None
) -> np.ndarray:
    """``target`` divided by the window scales (unchanged without a scaler).

    Examples
    --------
    >>> scaler = WindowScaler(0, 1.0, relative=False)
    >>> scale_targets(np.array([[20.0]]), np.array([[[10.0]]]), scaler)
    array([[2.]])
    """
    if isinstance(reference, WindowScaler):
        return target / reference.scales(X3)
    return target


def check_window_scale_floor(floor) -> None:
    """Refuse a restored floor that is not one positive finite float.

    Examples
    --------
    >>> check_window_scale_floor(np.float64(0.1))
    >>> check_window_scale_floor(np.float64(-1.0))
    Traceback (most recent call last):
    ...
    ValueError: _window_scale_floor is not a positive finite float
    """
    if floor is None:
        return
    value = np.asarray(floor)
    if not (
        value.shape == () and value.dtype.kind == "f" and np.isfinite(value)
    ) or not (value > 0):
        raise ValueError("_window_scale_floor is not a positive finite float")
