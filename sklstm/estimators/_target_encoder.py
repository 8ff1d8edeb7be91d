"""What LSTMRegressor's network learns, and back: one fitted target encoder.

The network of :class:`~sklstm.LSTMRegressor` does not learn ``y`` itself.
In ``"delta"`` mode it learns the change from a reference value of the
window (the last observed value of ``target_feature``, or one season before
the target with a ``seasonal_period``), read from windows relative to their
last value; with ``window_scaling`` the change (or level) is divided by the
window's scale; and the result is standardised. :class:`TargetEncoder` holds
all of that, fitted: :meth:`~TargetEncoder.encode` turns ``y`` into what the
network learns, :meth:`~TargetEncoder.decode` turns the network's outputs
back into ``y``, and :attr:`~TargetEncoder.input_reference` is the matching
transform of the input windows (for the datasets of :mod:`sklstm.nn` and the
statistics of :func:`~sklstm.estimators._validation.scan_sequences`).

The decisions it is fitted from are pure functions elsewhere: the mode and
the seasonal reference steps in :mod:`sklstm.estimators._targets`, the
standardisation in :mod:`sklstm.estimators._scaling`, the per-window scale in
:mod:`sklstm.windows._window_scaling`.

Persistence: the estimator keeps the encoder's parts as its declared fitted
attributes (``target_mode_``, ``y_mean_``, ``y_scale_``, ``_scaled_target_min``,
``_scaled_target_max``, ``_reference_steps``, ``_relative_inputs``,
``_window_scale_floor``; see :meth:`TargetEncoder.fitted_attributes`) and
builds the encoder from them after fit and load
(:meth:`TargetEncoder.from_fitted_attributes`). So the public attributes
stay plain documented arrays, model files keep the fields the loader bounds
one by one (``y_scale_ > 0``, ...), and files saved before the encoder
existed load unchanged, without a step in the format decoder.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..windows._window_scaling import (
    WindowScaler,
    check_window_scale_floor,
    fit_window_scaling,
    input_reference,
    scale_targets,
)
from ._base import _check_vector
from ._scaling import check_target_magnitude, target_scaling
from ._targets import (
    check_reference_steps,
    resolve_target_mode,
    seasonal_reference_steps,
)


def target_reference(
    X3: np.ndarray, feature: int, steps: np.ndarray | None
) -> np.ndarray:
    """The value each output's delta is taken from, float64 ``(n_samples, k)``.

    ``steps`` None: the last value of ``feature`` (always observed), one
    column. Otherwise one window step per output (one season before its
    target); where that step is missing padding, the last value stands in.

    Examples
    --------
    >>> X3 = np.array([[[1.0], [2.0], [3.0]], [[np.nan], [5.0], [6.0]]])
    >>> target_reference(X3, 0, np.array([0, 1]))
    array([[1., 2.],
           [6., 5.]])
    """
    last = np.asarray(X3[:, -1, feature], dtype=np.float64)[:, None]
    if steps is None:
        return last
    values = np.asarray(X3[:, steps, feature], dtype=np.float64)
    return np.where(np.isnan(values), last, values)


@dataclass(frozen=True, eq=False)
class TargetEncoder:
    """The fitted map between ``y`` and what the network learns.

    Built by :meth:`fit_encode` on a fresh fit, or from the estimator's
    fitted attributes after a load (:meth:`from_fitted_attributes`).

    Parameters
    ----------
    mode : {"level", "delta"}
        ``target_mode_``: the target itself, or its change from the
        reference value.
    feature : int
        ``target_feature``: the input feature the reference is read from,
        and the one relative or scaled windows transform.
    reference_steps : ndarray of int or None
        ``_reference_steps``: the window step of each output's reference
        (``seasonal_period``), or None for the last value.
    relative_inputs : bool
        ``_relative_inputs``: whether the network reads ``feature`` relative
        to the window's last value (delta mode; False for models saved
        before relative windows).
    window_scale_floor : 0-d ndarray or None
        ``_window_scale_floor``: the floor of the per-window scale
        (``window_scaling="mean"``), or None without window scaling.
    mean, scale : ndarray of shape (n_outputs,)
        ``y_mean_``, ``y_scale_``: the standardisation of the learned target.
    scaled_min, scaled_max : ndarray of shape (n_outputs,)
        ``_scaled_target_min``, ``_scaled_target_max``: the range of the
        standardised training targets (the extrapolation bounds' centre).

    Examples
    --------
    >>> X3 = np.array([[[1.0], [2.0]], [[3.0], [5.0]]])
    >>> y = np.array([[3.0], [8.0]])
    >>> encoder, learned = TargetEncoder.fit_encode(
    ...     X3, y, np.arange(2), target_mode="delta", feature=0,
    ...     seasonal_period=None, window_scaling=None, scale=True)
    >>> encoder.mode, learned[:, 0]
    ('delta', array([-1.,  1.]))
    >>> encoder.decode(learned, X3)[:, 0]
    array([3., 8.])
    >>> encoder.input_reference
    0
    """

    mode: str
    feature: int
    reference_steps: np.ndarray | None
    relative_inputs: bool
    window_scale_floor: np.ndarray | None
    mean: np.ndarray | None = None
    scale: np.ndarray | None = None
    scaled_min: np.ndarray | None = None
    scaled_max: np.ndarray | None = None

    # ------------------------------------------------------------ fitting

    @classmethod
    def fit_encode(
        cls,
        X3: np.ndarray,
        y2: np.ndarray,
        used: np.ndarray,
        *,
        target_mode: str,
        feature: int,
        seasonal_period: int | None,
        window_scaling: str | None,
        scale: bool,
    ) -> tuple[TargetEncoder, np.ndarray]:
        """The encoder fitted on the rows ``used``, and the encoded ``y2``.

        Parameters
        ----------
        X3 : ndarray of shape (n_samples, n_timesteps, n_features)
            The training windows.
        y2 : ndarray of shape (n_samples, n_outputs)
            The float64 targets.
        used : ndarray of int
            The training rows (those with enough observed steps): the
            statistics come from them; every row is encoded.
        target_mode, feature, seasonal_period, window_scaling, scale
            The estimator's ``target_mode``, ``target_feature``,
            ``seasonal_period``, ``window_scaling`` and ``scale``.

        Returns
        -------
        encoder : TargetEncoder
        encoded : ndarray of shape (n_samples, n_outputs)
            What the network learns, float64.

        Raises
        ------
        ValueError
            For targets whose squares overflow float64.
        """
        mode = resolve_target_mode(target_mode, X3, y2, used, feature)
        floor = fit_window_scaling(window_scaling, X3, used, feature)
        steps = seasonal_reference_steps(
            seasonal_period, mode, X3.shape[1], y2.shape[1]
        )
        unscaled = cls(mode, feature, steps, mode == "delta", floor)
        target = unscaled.learned(X3, y2)
        mean, std, low, high = target_scaling(target[used], scale=scale)
        encoder = replace(
            unscaled, mean=mean, scale=std, scaled_min=low, scaled_max=high
        )
        return encoder, (target - mean) / std

    @classmethod
    def from_fitted_attributes(cls, attributes: dict, feature: int) -> TargetEncoder:
        """The encoder of a fitted estimator, from its fitted attributes.

        ``attributes`` maps the names of :meth:`fitted_attributes`; the
        optional ones may be absent (models saved before them): no
        reference steps, levels as inputs, no window scaling.
        """
        return cls(
            mode=attributes["target_mode_"],
            feature=feature,
            reference_steps=attributes.get("_reference_steps"),
            relative_inputs=attributes.get("_relative_inputs", False),
            window_scale_floor=attributes.get("_window_scale_floor"),
            mean=attributes["y_mean_"],
            scale=attributes["y_scale_"],
            scaled_min=attributes["_scaled_target_min"],
            scaled_max=attributes["_scaled_target_max"],
        )

    def fitted_attributes(self) -> dict:
        """The estimator's fitted attributes that hold this encoder.

        ``_reference_steps`` is left out when there are none (the attribute
        is absent then, as in files saved before it).
        """
        attributes = {
            "target_mode_": self.mode,
            "y_mean_": self.mean,
            "y_scale_": self.scale,
            "_scaled_target_min": self.scaled_min,
            "_scaled_target_max": self.scaled_max,
            "_relative_inputs": self.relative_inputs,
            "_window_scale_floor": self.window_scale_floor,
        }
        if self.reference_steps is not None:
            attributes["_reference_steps"] = self.reference_steps
        return attributes

    def check(self, n_outputs: int, n_timesteps: int | None) -> None:
        """Raise ValueError if a restored encoder's parts do not fit together."""
        if self.mode not in ("level", "delta"):
            raise ValueError(f"target_mode_ is {self.mode!r}")
        for name, value in (
            ("y_mean_", self.mean),
            ("y_scale_", self.scale),
            ("_scaled_target_min", self.scaled_min),
            ("_scaled_target_max", self.scaled_max),
        ):
            _check_vector(name, value, n_outputs)
        check_reference_steps(self.reference_steps, n_outputs, n_timesteps)
        check_window_scale_floor(self.window_scale_floor)

    # ------------------------------------------------------------ inputs

    @property
    def input_reference(self) -> int | WindowScaler | None:
        """What the network's input windows are read relative to or scaled by.

        The ``reference_feature`` of :class:`~sklstm.nn._training.SequenceDataset`,
        :func:`~sklstm.nn._training.scale_to_float32` and
        :func:`~sklstm.estimators._validation.scan_sequences`: ``feature`` in
        delta mode, a :class:`~sklstm.windows._window_scaling.WindowScaler`
        with window scaling, else None.
        """
        return input_reference(
            self.feature if self.relative_inputs else None,
            self.window_scale_floor,
            self.feature,
        )

    @property
    def window_scaler(self) -> WindowScaler | None:
        """The per-window scaling of inputs and targets, or None."""
        reference = self.input_reference
        return reference if isinstance(reference, WindowScaler) else None

    # ------------------------------------------------------------ targets

    def reference(self, X3: np.ndarray) -> np.ndarray:
        """What delta mode takes away and adds back, ``(n_samples, 1 or n_outputs)``."""
        return target_reference(X3, self.feature, self.reference_steps)

    def learned(self, X3: np.ndarray, y2: np.ndarray) -> np.ndarray:
        """``y2`` as the network learns it, before the standardisation."""
        target = y2
        if self.mode == "delta":
            target = y2 - self.reference(X3)
        return scale_targets(target, X3, self.input_reference)

    def encode(self, X3: np.ndarray, y2: np.ndarray) -> np.ndarray:
        """The standardised learned targets of ``y2`` (a warm fit's data).

        Raises ``ValueError`` for targets whose squares overflow float64.
        """
        target = self.learned(X3, y2)
        check_target_magnitude(target)
        return (target - self.mean) / self.scale

    def decode(self, scaled: np.ndarray, X3: np.ndarray) -> np.ndarray:
        """Predictions in target units, float64, from the network's outputs.

        ``scaled`` is ``(n_samples, n_outputs)``, or ``(n_samples, n_outputs,
        n_quantiles)`` for every level of a quantile model (each decoded as a
        point forecast is); the inverse of :meth:`encode` on the windows ``X3``
        the outputs were predicted from.
        """
        levels = scaled.ndim == 3
        if levels:
            # Per-output constants and per-window columns broadcast over the
            # trailing quantile axis.
            pred = scaled * self.scale[:, None] + self.mean[:, None]
        else:
            pred = scaled * self.scale + self.mean  # float64 from here on
        scaler = self.window_scaler
        if scaler is not None:
            scales = scaler.scales(X3)
            pred *= scales[:, :, None] if levels else scales
        if self.mode == "delta":
            reference = self.reference(X3)
            pred += reference[:, :, None] if levels else reference
        return pred

    def extrapolation_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """Scaled outputs beyond half the training range on either side of it
        count as extrapolation: ``(low, high)`` per output."""
        low, high = self.scaled_min, self.scaled_max
        margin = 0.5 * np.maximum(high - low, 1.0)
        return low - margin, high + margin
