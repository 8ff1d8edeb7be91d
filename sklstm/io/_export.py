"""Export a fitted :class:`~sklstm.LSTMRegressor` to ONNX.

The fitted module's forward has a data-dependent branch (skip the NaN test
and the re-alignment when no sequence starts late) and, for bidirectional
models, packs sequences: neither traces into a graph that handles NaN
padding. :class:`_ExportModule` computes the same predictions with tensor
operations only: per-row lengths from the NaN mask, a gather that left-aligns
each sequence, one recurrent pass and a gather at each row's last observed
step. It wraps a copy of the fitted submodules (the recurrent math stays
torch's ``nn.LSTM``/``nn.GRU``, exported as ONNX ``LSTM``/``GRU`` nodes) and
adds the input scaling, the output unscaling and the delta-mode reference.
torch is imported on first use.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import logging
import os
import warnings
from pathlib import Path

from ..windows._lags import features_per_step

INPUT_NAME = "X"
OUTPUT_NAME = "y"


@functools.cache
def _export_module_class():
    """:class:`_ExportModule`, defined on first use (``import sklstm`` stays light)."""
    import torch
    from torch import nn

    def _shift(x: torch.Tensor, offset: torch.Tensor) -> torch.Tensor:
        """Row ``i`` of ``x`` (batch, steps, width) moved ``offset[i]`` steps earlier.

        Steps moved in from beyond either end repeat the edge step; callers only
        read the steps that came from inside.
        """
        steps = torch.arange(x.shape[1], device=x.device)
        source = (steps[None, :] + offset[:, None]).clamp(0, x.shape[1] - 1)
        return torch.gather(x, 1, source[:, :, None].expand(-1, -1, x.shape[2]))

    def _at_step(x: torch.Tensor, step: torch.Tensor) -> torch.Tensor:
        """``x[i, step[i]]`` for each row: (batch, steps, width) -> (batch, width)."""
        index = step[:, None, None].expand(-1, 1, x.shape[2])
        return torch.gather(x, 1, index)[:, 0]

    def _single_layers(rnn: nn.RNNBase) -> nn.ModuleList:
        """One bidirectional single-layer copy of ``rnn`` per layer, same weights."""
        layers = nn.ModuleList()
        for layer in range(rnn.num_layers):
            width = rnn.input_size if layer == 0 else 2 * rnn.hidden_size
            single = type(rnn)(
                width, rnn.hidden_size, batch_first=True, bidirectional=True
            )
            single.load_state_dict(
                {
                    name.replace(f"_l{layer}", "_l0"): value
                    for name, value in rnn.state_dict().items()
                    if f"_l{layer}" in name
                }
            )
            layers.append(single)
        return layers

    class _ExportModule(nn.Module):
        """Raw sequences in, predictions in target units out, without Python branches.

        Parameters
        ----------
        est : LSTMRegressor
            A fitted regressor (``activation="relu"`` with 2-D input only).
        """

        def __init__(self, est):
            super().__init__()
            fitted = copy.deepcopy(est.net_.module_).cpu().eval()
            self.fused = fitted.fused
            self.bidirectional = fitted.num_directions == 2
            if self.bidirectional and self.fused:
                self.layers = _single_layers(fitted.rnn)
                self.hidden_size = fitted.hidden_size
            else:
                self.rnn = fitted.rnn
            self.head = fitted.head
            self.linear = fitted.linear
            self.input_2d = est._n_input_dims == 2
            targets = est._target_encoder
            # The feature read relative to its last value (delta mode), or -1
            # (window scaling is refused by _check_exportable).
            reference = targets.input_reference
            self.reference = -1 if reference is None else int(reference)
            mask = torch.zeros(est.x_mean_.shape[0], dtype=torch.float64)
            if reference is not None:
                mask[reference] = 1.0
            self.register_buffer("reference_mask", mask)
            # One window step per output (seasonal_period), or none: the last.
            steps = targets.reference_steps
            self.seasonal = steps is not None
            if self.seasonal:
                self.register_buffer("steps", torch.as_tensor(steps, dtype=torch.long))
            self.delta = targets.mode == "delta"
            self.target_feature = targets.feature
            self.squeeze = bool(est._y_is_1d)
            for name, value in (
                ("x_mean", est.x_mean_),
                ("x_scale", est.x_scale_),
                ("y_mean", targets.mean),
                ("y_scale", targets.scale),
            ):
                value = torch.as_tensor(value, dtype=torch.float64)
                self.register_buffer(name, value)

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            # One spare row of zeros, dropped at the end: onnxruntime aborts
            # the process (std::terminate) when the recurrent node gets an
            # empty batch, and this way none ever does.
            x = torch.cat([x, x.new_zeros((1, *x.shape[1:]))], dim=0)
            x3 = x[:, :, None] if self.input_2d else x
            # Leading steps with a NaN first feature are padding (as in the module).
            n_missing = torch.isnan(x3[:, :, 0]).sum(dim=1)
            last = x3.shape[1] - 1 - n_missing
            x64 = x3.double()
            if self.reference >= 0:
                # Relative windows: the reference feature minus its last value.
                newest = x64[:, -1:, self.reference : self.reference + 1]
                x64 = x64 - newest * self.reference_mask
            # Scaled in float64, then narrowed: the numbers predict() feeds the net.
            scaled = ((x64 - self.x_mean) / self.x_scale).float()
            padded = torch.nan_to_num(scaled)
            if not self.fused:
                # The unfused loop masks missing steps itself (unrolled on export).
                state = self.rnn(padded, ~torch.isnan(x3[:, :, 0]))
            elif self.bidirectional:
                left = _shift(padded, n_missing)
                state = self._encode_bidirectional(left, padded, n_missing, last)
            else:
                out, _ = self.rnn(_shift(padded, n_missing))
                # A forward recurrence at step length-1 has seen only observed steps.
                state = _at_step(out, last.clamp(min=0))
            out = self.head(state)
            if self.linear is not None:
                out = out + self.linear(padded.flatten(1))
            pred = out.double() * self.y_scale + self.y_mean
            if self.delta:
                last = x3[:, -1, self.target_feature].double()[:, None]
                if self.seasonal:
                    season = x3[:, :, self.target_feature].double()[:, self.steps]
                    last = torch.where(torch.isnan(season), last, season)
                pred = pred + last
            pred = pred[:-1]  # the spare row
            return pred[:, 0] if self.squeeze else pred

        def _encode_bidirectional(self, left, right, n_missing, last):
            # The forward direction is exact on left-aligned input up to each
            # row's last step, the backward one on right-aligned input (the
            # original layout) from each row's end back to its first step; each
            # layer runs both and passes on the exact halves, in both layouts.
            width = self.hidden_size
            for layer in self.layers:
                forward, _ = layer(left)
                backward, _ = layer(right)
                forward, backward = forward[..., :width], backward[..., width:]
                left = torch.cat([forward, _shift(backward, n_missing)], dim=2)
                right = torch.cat([_shift(forward, -n_missing), backward], dim=2)
            # The final states: forward after the last step, backward after the first.
            return torch.cat(
                [_at_step(left[..., :width], last.clamp(min=0)), left[:, 0, width:]],
                dim=1,
            )

    return _ExportModule


def _check_exportable(model) -> None:
    from sklearn.pipeline import Pipeline
    from sklearn.utils.validation import check_is_fitted

    from ..estimators._regressor import LSTMRegressor

    if isinstance(model, Pipeline):
        raise TypeError(
            "export_onnx exports a fitted LSTMRegressor, not a Pipeline: its "
            "other steps (windowing, pandas input) have no ONNX form here. "
            "Export the last step, export_onnx(pipeline[-1], path), and run "
            "the steps before it (pipeline[:-1].transform(X)) ahead of the graph."
        )
    if not isinstance(model, LSTMRegressor):
        raise TypeError(
            f"export_onnx exports a fitted LSTMRegressor, got "
            f"{type(model).__name__}. For a SeriesForecaster export its "
            f"fitted estimator_."
        )
    check_is_fitted(model, "net_")
    n_ensemble = getattr(model, "n_ensemble", 1)
    if n_ensemble > 1 or model.loss == "quantile":
        what = (
            f"n_ensemble={n_ensemble} (several networks averaged)"
            if n_ensemble > 1
            else "loss='quantile' (several quantiles per output)"
        )
        raise NotImplementedError(
            f"export_onnx exports one network with one prediction per output; "
            f"this model has {what}. Refit with n_ensemble=1 and a point loss "
            f"('mse', 'mae' or 'huber') to export it, or serve it with "
            f"sklstm.save_model/load_model."
        )
    if getattr(model, "window_scaling", None) is not None:
        raise NotImplementedError(
            f"export_onnx does not support window_scaling="
            f"{model.window_scaling!r} yet: the graph would skip the per-window "
            f"scaling of the inputs and predictions. Refit with "
            f"window_scaling=None to export, or serve the model with "
            f"sklstm.save_model/load_model."
        )
    if model.activation != "tanh" and model._n_input_dims == 3:
        raise NotImplementedError(
            f"activation={model.activation!r} can be exported to ONNX only for "
            f"a model fitted on 2-D input (n_samples, n_timesteps): its unfused "
            f"cell loop is unrolled over a fixed number of timesteps, which 3-D "
            f"input does not have. Refit with activation='tanh' (torch's fused "
            f"LSTM, an ONNX operator) to export a model of 3-D input."
        )
    if model._n_input_dims == 2 and features_per_step(model) > 1:
        raise NotImplementedError(
            "This LSTMRegressor read its 2-D input as a lag matrix (columns "
            "lag_1 .. lag_k plus per-sample features, see input_lags), a "
            "column reordering the exported graph does not hold. Export a "
            "model fitted on 3-D windows (n_samples, n_timesteps, n_features), "
            "or refit with input_lags=None on plain timestep columns."
        )


@contextlib.contextmanager
def _quiet_exporter():
    """Silence torch.export's notes on its own internals (none is the user's)."""
    logger = logging.getLogger("torch.onnx")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", (DeprecationWarning, FutureWarning))
            warnings.filterwarnings("ignore", "The tensor attributes", UserWarning)
            yield
    finally:
        logger.setLevel(level)


def _fresh_rnn_dispatch() -> None:
    """Forget what torch's operator dispatch cached for LSTM and GRU.

    torch's ONNX exporter (2.13) swaps in a loop form of ``aten.lstm`` and
    ``aten.gru`` that keeps the number of timesteps free, by writing the
    operators' Python kernels directly; the operator's dispatch cache,
    filled during an export, is not cleared when the swap is undone. The
    next export in the process then reaches the unrolled form through the
    stale entry and fixes the timesteps at the sample's, while reporting
    success (a plain ``nn.LSTM`` shows it too). Clearing the caches before
    each export keeps them free; :func:`_check_dynamic_input` catches any
    other way the exporter might fix them.
    """
    import torch

    for name in ("lstm", "gru"):
        packet = getattr(torch.ops.aten, name, None)
        for overload in ("input", "data"):
            cache = getattr(getattr(packet, overload, None), "_dispatch_cache", None)
            if cache is not None:
                cache.clear()


def _check_dynamic_input(program, dims: dict) -> None:
    """Refuse a graph whose input fixed a dimension meant to stay free."""
    shape = list(program.model.graph.inputs[0].shape)
    for axis, dim in dims.items():
        if isinstance(shape[axis], int):
            raise RuntimeError(
                f"torch's ONNX exporter fixed {dim.__name__} at {shape[axis]} "
                f"in the graph's input, which should take any {dim.__name__}; "
                f"no file was written. Export this model in a fresh process "
                f"(a torch version issue: export_onnx clears the cache known "
                f"to cause it)."
            )


# float32 input rounds a value v to about |v| * 6e-8; beyond this many
# times a feature's spread (x_scale_), that rounding reaches 1e-5 of it,
# the agreement export_onnx promises (measured: 1e-5 of y_scale_ at 300x,
# 3e-3 at 1e5x, 0.05 at 1e6x).
_FLOAT32_LEVEL_RATIO = 100.0


def _warn_if_float32_loses_inputs(model) -> None:
    """Warn when the training inputs are too far from zero for float32."""
    import numpy as np

    mean = np.asarray(model.x_mean_, dtype=float)
    scale = np.asarray(model.x_scale_, dtype=float)
    low = getattr(model, "_scaled_input_min", None)
    high = getattr(model, "_scaled_input_max", None)
    if low is not None and high is not None:
        reach = np.maximum(np.abs(low * scale + mean), np.abs(high * scale + mean))
    else:  # a model file of an older version: the mean's distance only
        reach = np.abs(mean)
    reference = model._input_reference()
    if reference is not None:
        # Read relative to its last value: its level was not recorded.
        reach[reference] = 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(scale > 0, reach / scale, 0.0)
    feature = int(np.argmax(ratio))
    if not ratio[feature] > _FLOAT32_LEVEL_RATIO:
        return
    warnings.warn(
        f"Feature {feature} of the training input reaches "
        f"{reach[feature]:.3g}, {ratio[feature]:.3g} times its spread "
        f"(x_scale_={scale[feature]:.3g}): float32 input rounds such values "
        f"by up to {reach[feature] * 2.0**-24:.2g}, and the graph's "
        f"predictions may differ from predict's by about "
        f"{ratio[feature] * 2.0**-24:.1g} of y_scale_ or more. Export with "
        f"input_dtype='float64' (and feed float64 arrays) to keep them.",
        UserWarning,
        stacklevel=3,
    )


def export_onnx(
    model,
    path: str | bytes | os.PathLike,
    *,
    opset: int | None = None,
    input_dtype: str = "float32",
) -> Path:
    """Write a fitted :class:`~sklstm.LSTMRegressor` as an ONNX graph.

    The graph takes what ``predict`` takes, as float32 (or float64, see
    ``input_dtype``): raw (unscaled) sequences ``(batch, n_timesteps,
    n_features)``, or ``(batch, n_timesteps)`` for a model fitted on 2-D
    input, with any batch size, zero included (and,
    for 3-D input with ``linear_path=False``, any number of timesteps; the
    linear path fixes them to ``n_timesteps_in_``). Leading NaN steps mean
    "no history yet", as in ``predict``. It returns float64 predictions in
    target units with the shape ``predict`` returns: the input scaling (of
    the relative windows in ``"delta"`` mode), the linear path, the output
    unscaling and, in ``"delta"`` mode, the last observed value are part of
    the graph. Its input is named ``"X"``, its output ``"y"``.

    The graph does not validate its input: NaN other than leading padding,
    or the wrong number of features, give wrong numbers or a runtime error
    instead of ``predict``'s message, and it does not warn about
    extrapolation. Its predictions match ``predict`` within 1e-5 of the
    target's standard deviation ``y_scale_`` (tested; measured at most
    about 1.5e-6) where float32 holds the input: float32 keeps about 7
    digits, so for values more than about 100 times their spread
    (``x_scale_``) from zero, say a series near 1e6 that moves by tens, the
    rounding of the input alone costs more (measured at 1e6 and 1e7:
    0.003 and 0.05 of ``y_scale_``, 0.03 and 0.5 in ``"delta"`` mode).
    Export such models with ``input_dtype="float64"``: the graph then
    centres and scales the input in float64 before the network's float32.
    The export warns when the training inputs are that far from zero (the
    level of the feature read relative to its last value in ``"delta"``
    mode is not recorded: check that one yourself).
    A batch of zero rows gives an empty prediction (the graph carries a
    spare row, so onnxruntime, which aborts the process on an empty
    recurrent batch, never sees one).

    Parameters
    ----------
    model : LSTMRegressor
        A fitted regressor: any cell, number of layers, direction, head and
        target mode; ``activation="relu"`` only when fitted on 2-D input.
        For a Pipeline export its last step; the steps before it are not
        part of the graph.
    path : str, bytes or path-like
        File to write (one self-contained ``.onnx`` file).
    opset : int or None, default=None
        ONNX opset version; None uses torch's default.
    input_dtype : {"float32", "float64"}, default="float32"
        The type of the graph's input ``"X"``. ``"float64"`` keeps inputs
        far from zero exact (see above); onnxruntime then refuses float32
        arrays, and the other way round.

    Returns
    -------
    path : pathlib.Path
        The written file.

    Raises
    ------
    TypeError
        If ``model`` is not an ``LSTMRegressor`` (a Pipeline included).
    NotImplementedError
        If the model has ``activation="relu"`` and 3-D input: its cell loop
        is unrolled over a fixed number of timesteps. If it has
        ``n_ensemble > 1`` or ``loss="quantile"``.
    ValueError
        If ``input_dtype`` is neither ``"float32"`` nor ``"float64"``.
    RuntimeError
        If torch's exporter fixed the batch size or the number of timesteps
        in the graph's input, which should take any (nothing is written).
    sklearn.exceptions.NotFittedError
        If ``model`` is not fitted.

    Warns
    -----
    UserWarning
        With ``input_dtype="float32"``, when the training inputs reach more
        than about 100 times their spread from zero.

    Notes
    -----
    Needs the ``onnx`` extra (``pip install sklstm[onnx]``: onnx,
    onnxscript for torch's exporter, and onnxruntime to run the graph).

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> import onnxruntime
    >>> from sklstm import LSTMRegressor, export_onnx, frame_windows
    >>> X, y = frame_windows(np.arange(2.0, 202.0, 2.0), window_length=3)
    >>> model = LSTMRegressor(hidden_size=4, max_epochs=2, random_state=0).fit(X, y)
    >>> X_new = np.array([[[196.0], [198.0], [200.0]], [[np.nan], [np.nan], [4.0]]])
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = export_onnx(model, f"{folder}/model.onnx")
    ...     session = onnxruntime.InferenceSession(path)
    ...     (y_onnx,) = session.run(None, {"X": X_new.astype(np.float32)})
    >>> bool(np.allclose(y_onnx, model.predict(X_new), rtol=0, atol=1e-4))
    True
    """
    _check_exportable(model)
    if input_dtype not in ("float32", "float64"):
        raise ValueError(
            f"input_dtype must be 'float32' or 'float64', got {input_dtype!r}."
        )
    # bytes as open() takes them, decoded as the file system encodes names.
    path = Path(os.fsdecode(path))
    import torch

    if input_dtype == "float32":
        _warn_if_float32_loses_inputs(model)
    dtype = torch.float64 if input_dtype == "float64" else torch.float32
    wrapper = _export_module_class()(model).eval()
    n_features = model.n_features_in_
    if wrapper.input_2d:
        sample = torch.zeros(2, n_features, dtype=dtype)
        dims = {0: torch.export.Dim("batch")}
    elif wrapper.linear is not None:
        # The linear path reads a fixed number of timesteps.
        sample = torch.zeros(2, model.n_timesteps_in_, n_features, dtype=dtype)
        dims = {0: torch.export.Dim("batch")}
    else:
        sample = torch.zeros(2, 3, n_features, dtype=dtype)
        dims = {0: torch.export.Dim("batch"), 1: torch.export.Dim("n_timesteps")}
    _fresh_rnn_dispatch()
    with _quiet_exporter():
        program = torch.onnx.export(
            wrapper,
            (sample,),
            dynamo=True,
            input_names=[INPUT_NAME],
            output_names=[OUTPUT_NAME],
            dynamic_shapes={"x": dims},
            opset_version=opset,
            verbose=False,
        )
    _check_dynamic_input(program, dims)
    program.save(str(path), external_data=False)
    return path
