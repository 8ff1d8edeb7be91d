"""What LSTMRegressor learns: the target mode and the reference of each output.

In ``"delta"`` mode the network learns the change of each target from a
reference value of the window: the last observed value of ``target_feature``,
or, with a ``seasonal_period``, the value one season before the target.
``"auto"`` picks the mode from the training data. Pure numpy; the fitted
:class:`~sklstm.estimators._target_encoder.TargetEncoder` holds what these
functions decide (``target_mode_``, ``_reference_steps``).
"""

from __future__ import annotations

import warnings

import numpy as np


def resolve_target_mode(
    target_mode: str, X3: np.ndarray, y2: np.ndarray, used, feature: int
) -> str:
    """The fitted ``target_mode_`` ("level" or "delta") for ``target_mode``.

    ``"auto"`` is ``"delta"`` for one feature per step when ``y`` continues
    the last step (:func:`continues_last_step`), ``"level"`` otherwise;
    ``"delta"`` on data that fail that test warns.

    Examples
    --------
    >>> import numpy as np
    >>> X3 = np.arange(12.0).reshape(4, 3, 1)
    >>> resolve_target_mode("auto", X3, X3[:, -1] + 1, slice(None), 0)
    'delta'
    >>> resolve_target_mode("auto", X3, np.log(X3[:, -1] + 1), slice(None), 0)
    'level'
    """
    if target_mode == "level":
        return "level"
    continues, reason = continues_last_step(X3, y2, used, feature)
    if target_mode == "delta":
        if not continues:
            warnings.warn(
                f"target_mode='delta', but {reason}: y does not look like "
                f"the continuation of the last input step (a transformed "
                f"target such as log(y) of raw windows, or windows whose "
                f"newest value is not last, e.g. lag_1, lag_2, ...). The "
                f"prediction adds the last value of feature "
                f"{feature} back; use target_mode='level' (or "
                f"'auto', which decides from the data) unless that is "
                f"meant.",
                UserWarning,
                stacklevel=6,
            )
        return "delta"
    if X3.shape[2] > 1:
        return "level"
    return "delta" if continues else "level"


def seasonal_reference_steps(
    seasonal_period: int | None, target_mode: str, n_timesteps: int, n_outputs: int
) -> np.ndarray | None:
    """Window steps one season before each target, or None (the last value).

    Output ``k`` refers to step ``n_timesteps - m + (k % m)``; windows shorter
    than the period warn and keep the last value.

    Examples
    --------
    >>> seasonal_reference_steps(4, "delta", 6, 3)
    array([2, 3, 4])
    >>> seasonal_reference_steps(4, "level", 6, 3) is None
    True
    """
    m = seasonal_period
    if m is None or target_mode != "delta":
        return None
    if n_timesteps < m:
        warnings.warn(
            f"seasonal_period={m}, but the windows have {n_timesteps} "
            f"steps: none holds the value one season before the target, "
            f"so the change is learned from the last value. Use windows "
            f"of at least {m} steps (window_length >= seasonal_period).",
            UserWarning,
            stacklevel=6,
        )
        return None
    return n_timesteps - m + np.arange(n_outputs) % m


def check_reference_steps(
    steps: np.ndarray | None, n_outputs: int, n_timesteps: int | None
) -> None:
    """Refuse restored ``_reference_steps`` that are not one window step per output.

    Examples
    --------
    >>> import numpy as np
    >>> check_reference_steps(np.array([2, 3]), 2, 4)
    >>> check_reference_steps(np.array([2, 9]), 2, 4)
    Traceback (most recent call last):
    ...
    ValueError: _reference_steps are not window steps, one per output
    """
    if steps is not None and (
        steps.shape != (n_outputs,)
        or steps.dtype.kind not in "iu"
        or n_timesteps is None
        or not ((steps >= 0) & (steps < n_timesteps)).all()
    ):
        raise ValueError("_reference_steps are not window steps, one per output")


def continues_last_step(X3, y2, used, feature) -> tuple[bool, str]:
    """Whether ``y`` continues the last step of ``feature``, and why not.

    True when the last value predicts ``y`` (mean absolute error over the
    used rows and all outputs) better than the mean of ``y`` and no worse
    than the step before it; the second test catches newest-first windows.
    """
    y = y2[used]
    last = np.asarray(X3[used, -1, feature], dtype=np.float64)[:, None]
    error_last = float(np.abs(y - last).mean())
    error_mean = float(np.abs(y - y.mean(axis=0)).mean())
    if not error_last < error_mean:
        return False, (
            f"the last value of feature {feature} predicts y worse than the "
            f"mean of y does (mean absolute error {error_last:.4g} against "
            f"{error_mean:.4g})"
        )
    if X3.shape[1] > 1:
        before = np.asarray(X3[used, -2, feature], dtype=np.float64)[:, None]
        error_before = float(np.nanmean(np.abs(y - before)))
        if error_last > error_before:
            return False, (
                f"the step before the last predicts y better than the last "
                f"does (mean absolute error {error_before:.4g} against "
                f"{error_last:.4g})"
            )
    return True, ""
