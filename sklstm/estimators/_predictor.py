"""The predict path of :class:`~sklstm.LSTMRegressor` behind one seam.

A :class:`Predictor` is built from the fitted state at the end of ``fit`` and
when a model is loaded. It holds what every ``predict`` call needs: the net,
the device, the rows per block, the scaling and the output-range constants,
so that ``LSTMRegressor.predict`` reads as validate, predict, warn, shape.
Imported on first use (it imports torch).
"""

from __future__ import annotations

import warnings
from contextlib import nullcontext

import numpy as np
import torch

from ..exceptions import ExtrapolationWarning
from ..nn._precision import autocast
from ..nn._quantile_levels import quantile_layout
from ..nn._small_predict import (
    SMALL_INPUT_VALUES,
    SmallInputs,
    forward_small,
    infer_small,
    outside_small,
    scale_small,
)
from ..nn._torch_threads import (
    choose_num_threads,
    predict_block_rows,
    thread_governor,
    torch_threads,
    unit_work,
)
from ..nn._training import scale_to_float32
from ._validation import has_missing_steps

# Predictions (rows x outputs) up to this count are unscaled on Python floats:
# right after a forward pass numpy calls are slow on cold caches (measured in
# benchmarks/README.md, "W3").
_SMALL_OUTPUT = 32


# Predicts of at least this many blocks are measured block by block; shorter
# ones use what the last measured ones chose.
_GOVERNED_BLOCKS = 4


class Predictor:
    """Forward pass, unscaling and range check of a fitted regressor.

    Parameters
    ----------
    est : LSTMRegressor
        A fitted regressor: its net, device and input scaling (public
        fitted attributes and hyperparameters) are read.
    targets : TargetEncoder
        The regressor's fitted target encoder: predictions are decoded
        through it.
    quantile_levels : tuple of float or None
        The quantile levels the network predicts per output, or None.
    input_range : tuple of (ndarray, ndarray) or None
        The range of the scaled training inputs per feature (after the
        relative transform), or None (models saved before it): inputs are
        then not checked.
    """

    def __init__(self, est, *, targets, quantile_levels, input_range):
        self._init_forward(est)
        self.targets = targets
        self.target_mode = targets.mode
        self.reference_feature = targets.input_reference
        self.n_quantiles, self.anchor = quantile_layout(quantile_levels)
        # Scaled inputs beyond half the training range on either side (of a
        # feature, after the relative transform) count as extrapolation.
        if input_range is not None:
            low, high = input_range
            margin = 0.5 * np.maximum(high - low, 1.0)
            self.input_low, self.input_high = low - margin, high + margin
        self.low, self.high = targets.extrapolation_bounds()
        # Whether predict_small may apply (the settings it reads are fixed).
        self.small_path = (
            self.n_quantiles == 1
            and targets.window_scaler is None
            and self.device == "cpu"
            and self.precision == "float32"
            and (
                self.reference_feature is None
                or isinstance(self.reference_feature, int)
            )
        )
        # The same numbers as Python floats, per output, for small predictions.
        self.floats = tuple(
            zip(
                self.low.tolist(),
                self.high.tolist(),
                np.broadcast_to(targets.scale, self.low.shape).tolist(),
                np.broadcast_to(targets.mean, self.low.shape).tolist(),
                strict=True,
            )
        )

    def _init_forward(self, est):
        """What :meth:`forward` reads: the net, its device, the block rows and
        the input scaling (levels, range unchecked until a subclass says)."""
        self.net = est.net_
        self.device = est.device_
        self.hidden_size = est.hidden_size
        self.block_rows = predict_block_rows(
            est.hidden_size, 2 if est.bidirectional else 1
        )
        self.x_mean, self.x_scale = est.x_mean_, est.x_scale_
        # "bf16-mixed" predicts under the same autocast as training computed.
        self.precision = est.precision
        self.reference_feature = None
        self.input_low = self.input_high = None

    def forward(
        self, X3: np.ndarray, *, n_threads: int | None, quantiles: bool = False
    ) -> np.ndarray:
        """The network's scaled predictions (float32) for validated ``X3``.

        A quantile model gives its point forecast (the anchor quantile), or
        with ``quantiles=True`` every column (output-major).
        """
        if X3.size <= SMALL_INPUT_VALUES:
            out = forward_small(
                self.net.module_,
                self.small_inputs(),
                X3,
                n_threads,
                device=self.device,
                precision=self.precision,
                warn=self._warn_inputs_outside,  # attributed to predict's caller
            )
            if out is not None:
                return self._outputs(out, quantiles)
        module = self.net.module_
        if module.training:
            module.eval()
        hint = None if has_missing_steps(X3) else False
        n_samples, n_timesteps, n_features = X3.shape
        shape = (min(n_samples, self.block_rows), n_timesteps, self.hidden_size)
        threads = choose_num_threads(n_threads, *shape, n_features)
        governor = thread_governor(
            n_threads, threads, "predict", unit_work(*shape, n_features), self.device
        )
        if governor is not None and n_samples < _GOVERNED_BLOCKS * self.block_rows:
            threads, governor = governor.choice, None  # too short to measure
        outputs = []
        outside = np.zeros(n_features, dtype=bool)
        with (
            torch.inference_mode(),
            torch_threads(threads),
            autocast(self.device, self.precision),
        ):
            # Blocks are scaled one at a time, so a long strided window view
            # is never materialised in full.
            for start in range(0, n_samples, self.block_rows):
                block = scale_to_float32(
                    X3[start : start + self.block_rows],
                    self.x_mean,
                    self.x_scale,
                    self.reference_feature,
                )
                if self.input_low is not None:
                    outside |= self._outside_inputs(block)
                Xb = torch.from_numpy(block)
                if self.device != "cpu":
                    Xb = Xb.to(self.device)
                with governor.unit(len(block)) if governor else nullcontext():
                    outputs.append(module(Xb, has_missing_steps=hint).float().cpu())
        out = outputs[0] if len(outputs) == 1 else torch.cat(outputs)
        if outside.any():
            self._warn_inputs_outside(np.flatnonzero(outside))
        return self._outputs(out.numpy(), quantiles)  # the caller widens it

    def small_inputs(self) -> SmallInputs | None:
        """The input side as the one-window path reads it (built on first use),
        or None where that path never applies (window scaling)."""
        inputs = self.__dict__.get("_small_inputs", False)
        if inputs is False:
            reference = self.reference_feature
            inputs = None
            if reference is None or isinstance(reference, int):
                bounds = (self.input_low, self.input_high)
                inputs = SmallInputs.from_arrays(
                    self.x_mean, self.x_scale, reference, *bounds
                )
            self._small_inputs = inputs
        return inputs

    def predict_small(self, X3: np.ndarray, *, n_threads: int | None):
        """:meth:`forward` and :meth:`unscale` of a few windows in one pass.

        For one window the numpy calls between the two (and the second
        ``tolist`` of ``X3`` for delta mode) cost more than the arithmetic,
        so this runs on the Python floats of one ``X3.tolist()``, with the
        operations of :func:`~sklstm.nn._small_predict.forward_small` and
        :meth:`unscale_small` in the same order (bit-identical, tested).
        Returns ``(scaled, pred, in_range)`` as :meth:`forward` and
        :meth:`unscale` would (``scaled`` only where not ``in_range``, else
        None), or None where this path does not apply: a quantile or window
        scaling model, or where :func:`forward_small` would not apply.
        """
        if X3.size > SMALL_INPUT_VALUES or not self.small_path:
            return None
        module = self.net.module_
        if not module.direct_inference_ok("cpu"):
            return None
        inputs = self.small_inputs()
        windows = X3.tolist()
        scaled = scale_small(inputs, windows)
        if scaled is None:
            return None
        outside = outside_small(inputs, scaled)
        if outside:
            self._warn_inputs_outside(np.array(outside))
        out = infer_small(module, scaled, X3.shape, n_threads)
        if (
            out.numel() > _SMALL_OUTPUT
            or len(self.floats) != 1
            or (
                self.target_mode == "delta" and self.targets.reference_steps is not None
            )
        ):
            scaled_out = out.numpy()
            return (scaled_out, *self.unscale(scaled_out, X3))
        # One output: unscale_small's operations without the zips.
        rows = out.tolist()
        ((low, high, scale, mean),) = self.floats
        in_range = all(low <= v <= high for (v,) in rows)
        if self.target_mode == "delta":
            feature = self.targets.feature
            pred = [
                [v * scale + mean + window[-1][feature]]
                for (v,), window in zip(rows, windows, strict=True)
            ]
        else:
            pred = [[v * scale + mean] for (v,) in rows]
        pred = np.array(pred, dtype=np.float64)
        scaled = None if in_range else np.array(rows, dtype=np.float32)
        return scaled, pred, in_range

    def _outputs(self, out: np.ndarray, quantiles: bool) -> np.ndarray:
        """Every column of a quantile model, or its point forecast."""
        if quantiles or getattr(self, "n_quantiles", 1) == 1:
            return out
        return out.reshape(len(out), -1, self.n_quantiles)[:, :, self.anchor]

    def _outside_inputs(self, block: np.ndarray) -> np.ndarray:
        """Per feature: whether a scaled input of ``block`` leaves the bounds."""
        # fmin/fmax skip the NaN of missing steps.
        low = np.fmin.reduce(block, axis=(0, 1))
        high = np.fmax.reduce(block, axis=(0, 1))
        return (low < self.input_low) | (high > self.input_high)

    def _warn_inputs_outside(self, features: np.ndarray) -> None:
        names = ", ".join(str(f) for f in features.tolist())
        relative = self.reference_feature is not None and (
            self.reference_feature in features.tolist()
        )
        if relative:
            what = (
                f"the windows move further from their last value (feature "
                f"{self.reference_feature}, read relative to it in delta mode) "
                f"than any training window did"
            )
            advice = "train on data whose windows cover such moves"
        else:
            what = "the input levels lie far outside the training range"
            advice = (
                "consider target_mode='delta' (relative windows) for a trending "
                "series, or training on data that covers this range"
                if self.target_mode == "level"
                else "train on data that covers this range"
            )
        warnings.warn(
            f"Input feature(s) {names}: {what} (more than half the training "
            f"range beyond it, after scaling). The model is extrapolating; "
            f"{advice}.",
            ExtrapolationWarning,
            stacklevel=4,  # the caller of LSTMRegressor.predict
        )

    def unscale(self, scaled: np.ndarray, X3: np.ndarray) -> tuple[np.ndarray, bool]:
        """Predictions in target units (float64) and whether all are in range.

        In range means within the extrapolation bounds of the training
        targets, which also means finite (NaN fails both comparisons).
        """
        if scaled.size <= _SMALL_OUTPUT and self.targets.window_scaler is None:
            return self.unscale_small(scaled, X3)
        return self.unscale_array(scaled, X3)

    def unscale_array(
        self, scaled: np.ndarray, X3: np.ndarray
    ) -> tuple[np.ndarray, bool]:
        """:meth:`unscale` with numpy operations (any number of predictions)."""
        low, high = self.low, self.high
        if len(low) == 1:  # two reductions, no temporaries
            in_range = scaled.min() >= low[0] and scaled.max() <= high[0]
        else:
            in_range = ((scaled >= low) & (scaled <= high)).all()
        return self.targets.decode(scaled, X3), bool(in_range)

    def unscale_small(
        self, scaled: np.ndarray, X3: np.ndarray
    ) -> tuple[np.ndarray, bool]:
        """:meth:`unscale_array` on Python floats, for a handful of predictions.

        The same IEEE float64 operations in the same order as the numpy path
        (:meth:`~sklstm.estimators._target_encoder.TargetEncoder.decode`
        without window scaling), so the results are bit-identical (tested).
        """
        rows = scaled.tolist()
        constants = self.floats
        in_range = all(
            low <= v <= high
            for row in rows
            for v, (low, high, _, _) in zip(row, constants, strict=True)
        )
        pred = [
            [
                v * scale + mean
                for v, (_, _, scale, mean) in zip(row, constants, strict=True)
            ]
            for row in rows
        ]
        if self.target_mode == "delta" and self.targets.reference_steps is None:
            last = X3[:, -1, self.targets.feature].tolist()
            pred = [[p + ref for p in row] for row, ref in zip(pred, last, strict=True)]
        elif self.target_mode == "delta":
            shape = (len(rows), len(constants))
            references = np.broadcast_to(self.targets.reference(X3), shape).tolist()
            pred = [
                [p + ref for p, ref in zip(row, refs, strict=True)]
                for row, refs in zip(pred, references, strict=True)
            ]
        return np.array(pred, dtype=np.float64), in_range

    def check_out_of_range(self, scaled: np.ndarray, pred: np.ndarray) -> None:
        """Warn about extrapolated predictions; refuse non-finite ones."""
        outside = (scaled < self.low) | (scaled > self.high)
        if outside.any():
            if self.target_mode == "delta":
                what = "change"
                advice = "training on data that covers such changes"
            else:
                what = "level"
                advice = "target_mode='delta' or training on data that covers it"
            warnings.warn(
                f"{int(outside.any(axis=1).sum())} of {len(scaled)} predictions "
                f"lie far outside the range of the training targets (the "
                f"{what} the network learned). Recurrent networks do not "
                f"extrapolate reliably; consider {advice}.",
                ExtrapolationWarning,
                stacklevel=3,
            )
        if not np.isfinite(pred).all():
            raise ValueError(
                "The network produced non-finite predictions (overflow). "
                "Check the input scale against the training data, or "
                "refit with scale=True and a lower lr."
            )
