"""The forward pass of a few windows on Python floats (one-window latency).

For one window, each numpy call right after a torch forward costs 5-20 us on
a cold cache, more than the arithmetic: the scaling, the relative transform
and the input-range check of a handful of values run here on Python floats,
with the same IEEE float64 operations in the same order as
:func:`~sklstm._training.scale_to_float32` (so the network reads the same
float32 values, tested bit for bit), and the module runs its direct
inference path.
"""

from __future__ import annotations

from contextlib import nullcontext

import numpy as np
import torch

from ._torch_threads import choose_num_threads, torch_threads

# Inputs of at most this many values (rows x steps x features) take this path.
SMALL_INPUT_VALUES = 64


def forward_small(predictor, X3: np.ndarray, n_threads: int | None):
    """The network's scaled float32 outputs for ``X3``, or None.

    None where this path does not apply (the caller then runs the block
    path): a GPU or bfloat16 model, window scaling, a model whose
    :meth:`~sklstm._module.SequenceRegressorModule.direct_inference_ok` says
    no (an unfused cell, a forward hook anywhere: the block path calls the
    module, so hooks fire), more than :data:`SMALL_INPUT_VALUES` values, or
    a missing (NaN) step.
    Otherwise the outputs (all columns, output-major), and a warning where
    a scaled input leaves the training range, as the block path does (the
    bounds are compared with the float64 values, before the rounding to
    float32 that the block path compares).
    """
    module = predictor.net.module_
    reference = predictor.reference_feature
    if (
        X3.size > SMALL_INPUT_VALUES
        or predictor.device != "cpu"
        or predictor.precision != "float32"
        or not (reference is None or isinstance(reference, int))
        or not module.direct_inference_ok(predictor.device)
    ):
        return None
    floats = _constants(predictor)
    mean, scale = floats["mean"], floats["scale"]
    scaled = []
    total = 0.0
    for window in X3.tolist():
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
    if total != total:  # a NaN (leading padding): the block path handles it
        return None
    if predictor.input_low is not None:
        _check_inputs(predictor, scaled, floats["low"], floats["high"])
    if module.training:
        module.eval()
    n_samples, n_timesteps, n_features = X3.shape
    threads = choose_num_threads(
        n_threads, n_samples, n_timesteps, predictor.hidden_size, n_features
    )
    x = torch.from_numpy(np.array(scaled, dtype=np.float32))
    same = threads == torch.get_num_threads()
    with torch.inference_mode(), nullcontext() if same else torch_threads(threads):
        return module._infer(x).numpy()


def _constants(predictor) -> dict:
    """The predictor's scaling and input bounds as tuples of Python floats."""
    floats = predictor.__dict__.get("_small_floats")
    if floats is None:
        floats = {
            "mean": tuple(np.asarray(predictor.x_mean, dtype=float).tolist()),
            "scale": tuple(np.asarray(predictor.x_scale, dtype=float).tolist()),
        }
        if predictor.input_low is not None:
            floats["low"] = tuple(predictor.input_low.tolist())
            floats["high"] = tuple(predictor.input_high.tolist())
        predictor._small_floats = floats
    return floats


def _check_inputs(predictor, scaled, low, high) -> None:
    outside = [
        f
        for f in range(len(low))
        if any(not low[f] <= step[f] <= high[f] for w in scaled for step in w)
    ]
    if outside:
        predictor._warn_inputs_outside(np.array(outside))
