"""The forward pass of a few windows on Python floats (one-window latency).

For one window, each numpy call right after a torch forward costs 5-20 us on
a cold cache, more than the arithmetic: the scaling, the relative transform
and the input-range check of a handful of values run here on Python floats,
with the same IEEE float64 operations in the same order as
:func:`~sklstm.nn._training.scale_to_float32` (so the network reads the same
float32 values, tested bit for bit), and the module runs its direct
inference path.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch._C import _InferenceMode

from ._torch_threads import choose_num_threads, torch_threads

# Inputs of at most this many values (rows x steps x features) take this path.
SMALL_INPUT_VALUES = 64


@dataclass(frozen=True)
class SmallInputs:
    """A fitted model's input side as this path reads it: Python floats.

    Parameters
    ----------
    mean, scale : tuple of float
        The input standardisation per feature (``x_mean_``, ``x_scale_``).
    reference : int or None
        The feature read relative to its window's last value (delta mode),
        or None.
    low, high : tuple of float or None, default=None
        Per feature, the bounds of the scaled inputs beyond which a warning
        is due; None: not checked.

    Examples
    --------
    >>> SmallInputs.from_arrays(np.array([1.0]), np.array([2.0]), None)
    SmallInputs(mean=(1.0,), scale=(2.0,), reference=None, low=None, high=None)
    """

    mean: tuple[float, ...]
    scale: tuple[float, ...]
    reference: int | None
    low: tuple[float, ...] | None = None
    high: tuple[float, ...] | None = None

    @classmethod
    def from_arrays(cls, mean, scale, reference, low=None, high=None):
        """From the float64 arrays of the fitted model (bounds may be None)."""
        return cls(
            tuple(np.asarray(mean, dtype=float).tolist()),
            tuple(np.asarray(scale, dtype=float).tolist()),
            reference,
            None if low is None else tuple(low.tolist()),
            None if high is None else tuple(high.tolist()),
        )


def forward_small(
    module,
    inputs: SmallInputs | None,
    X3: np.ndarray,
    n_threads: int | None,
    *,
    device: str,
    precision: str,
    warn,
):
    """The network's scaled float32 outputs for ``X3``, or None.

    None where this path does not apply (the caller then runs the block
    path): a GPU or bfloat16 model, no ``inputs`` (window scaling), a model
    whose :meth:`~sklstm.nn._module.SequenceRegressorModule.direct_inference_ok`
    says no (an unfused cell, a forward hook anywhere: the block path calls
    the module, so hooks fire), more than :data:`SMALL_INPUT_VALUES` values,
    or a missing (NaN) step.
    Otherwise the outputs (all columns, output-major); where a scaled input
    leaves the training range, ``warn`` is called first with the features
    (an int array), as the block path does (the bounds are compared with
    the float64 values, before the rounding to float32 that the block path
    compares).
    """
    if small_module(module, inputs, X3, device=device, precision=precision) is None:
        return None
    scaled = scale_small(inputs, X3.tolist())
    if scaled is None:
        return None
    outside = outside_small(inputs, scaled)
    if outside:
        warn(np.array(outside))
    return infer_small(module, scaled, X3.shape, n_threads).numpy()


def small_module(
    module, inputs: SmallInputs | None, X3: np.ndarray, *, device: str, precision: str
):
    """``module`` where ``X3`` may take this path, else None
    (the checks of :func:`forward_small` before the scan of the values)."""
    if (
        X3.size > SMALL_INPUT_VALUES
        or device != "cpu"
        or precision != "float32"
        or inputs is None
        or not module.direct_inference_ok(device)
    ):
        return None
    return module


def scale_small(inputs: SmallInputs, windows: list) -> list | None:
    """``windows`` (``X3.tolist()``) scaled on Python floats, or None where
    one is NaN (leading padding: the block path handles it)."""
    mean, scale = inputs.mean, inputs.scale
    reference = inputs.reference
    scaled = []
    total = 0.0
    if len(mean) == 1 and (reference is None or reference == 0):
        # One feature: the same operations without the loop over features.
        m, s = mean[0], scale[0]
        for window in windows:
            if reference is None:
                rows = [[(v - m) / s] for (v,) in window]
            else:
                last = window[-1][0]
                rows = [[((v - last) - m) / s] for (v,) in window]
            total += sum(map(sum, rows))
            scaled.append(rows)
        return None if total != total else scaled  # None: a NaN
    for window in windows:
        last = window[-1][reference] if reference is not None else 0.0
        rows = [
            [
                ((v - last) - mean[f]) / scale[f]
                if f == reference
                else (v - mean[f]) / scale[f]
                for f, v in enumerate(step)
            ]
            for step in window
        ]
        total += sum(map(sum, rows))
        scaled.append(rows)
    if total != total:  # a NaN
        return None
    return scaled


def outside_small(inputs: SmallInputs, scaled: list) -> list:
    """The features of which a value of ``scaled`` (no NaN) leaves the
    training range, in order; empty where ``inputs`` has no bounds."""
    if inputs.low is None:
        return []
    low, high = inputs.low, inputs.high
    steps = scaled[0] if len(scaled) == 1 else [s for w in scaled for s in w]
    return [
        f
        for f, values in enumerate(zip(*steps, strict=True))
        if min(values) < low[f] or max(values) > high[f]
    ]


def infer_small(module, scaled: list, shape, n_threads) -> torch.Tensor:
    """The module's direct inference on ``scaled`` (float32, eval mode)."""
    if module.training:
        module.eval()
    threads = choose_num_threads(n_threads, *shape[:2], module.hidden_size, shape[2])
    x = torch.from_numpy(np.array(scaled, dtype=np.float32))
    h0 = _zero_state(module, len(scaled))
    # The guard torch.inference_mode() enters, without its Python wrapper.
    if threads == torch.get_num_threads():
        with _InferenceMode(True):
            return module._infer(x, h0)
    with _InferenceMode(True), torch_threads(threads):
        return module._infer(x, h0)


# Zero initial states by shape, shared (the recurrent kernels only read them).
_ZERO_STATES: dict[tuple[int, int, int], torch.Tensor] = {}


def _zero_state(module, n_samples: int) -> torch.Tensor:
    """A float32 CPU zero state ``(layers x directions, n_samples, hidden)``:
    the one :meth:`~sklstm.nn._module.SequenceRegressorModule._infer` makes."""
    shape = (module.num_layers * module.num_directions, n_samples, module.hidden_size)
    h0 = _ZERO_STATES.get(shape)
    if h0 is None:
        if len(_ZERO_STATES) >= 64:  # bounded: models of many sizes
            _ZERO_STATES.clear()
        # x.new_zeros in _infer: the input's dtype and device, not torch's
        # defaults. Read under inference mode only (infer_small).
        h0 = _ZERO_STATES[shape] = torch.zeros(shape, dtype=torch.float32, device="cpu")
    return h0
