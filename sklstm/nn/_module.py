"""The torch network: a recurrent stack, a linear head and a linear path.

This module knows nothing of sklearn, scaling or pandas. Input is a float
tensor ``(batch, timesteps, features)`` in which leading all-NaN steps mean
"the sequence starts later": those steps are skipped, so a window with three
observed steps gives exactly the output of the same three steps on their own.

Everything random in a fit draws from generators the module is given, never
from torch's global RNG: initial weights from ``init_seed`` and dropout from
:attr:`SequenceRegressorModule.generator`. Fits in concurrent threads are then
independent and reproducible, and the caller's RNG state is never touched.
"""

from __future__ import annotations

import math

import torch
from torch import _VF, nn
from torch.nn.modules.module import (
    _global_forward_hooks,
    _global_forward_pre_hooks,
)
from torch.nn.utils.rnn import (
    PackedSequence,
    pack_padded_sequence,
    pad_packed_sequence,
)

POOLINGS = ("last", "mean", "max")


def seeded_dropout(x, p, generator):
    """Inverted dropout whose mask is drawn from ``generator``.

    Scales the kept values by ``1 / (1 - p)`` as ``nn.functional.dropout``
    does; with ``generator=None`` it is that function (torch's global RNG).
    """
    if generator is None:
        return nn.functional.dropout(x, p, training=True)
    keep = torch.empty_like(x).bernoulli_(1.0 - p, generator=generator)
    return x * keep / (1.0 - p)


class _ReluLSTM(nn.Module):
    """LSTM whose cell input and output activation is ReLU (Keras' ``activation``).

    The gates keep their sigmoid. Runs a Python loop over timesteps, so it is
    several times slower than the fused ``nn.LSTM`` kernel; the input
    projection of all timesteps is one matrix product.
    """

    def __init__(
        self, input_size, hidden_size, num_layers, bidirectional, dropout, device=None
    ):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.num_directions = 2 if bidirectional else 1
        self.dropout = dropout
        self.generator = None  # set by the owning module (see its docstring)
        self.cells = nn.ModuleList()
        for layer in range(num_layers):
            layer_input = (
                input_size if layer == 0 else hidden_size * self.num_directions
            )
            for _ in range(self.num_directions):
                self.cells.append(nn.LSTMCell(layer_input, hidden_size, device=device))

    def _run(self, cell, x, observed, reverse):
        batch, steps, _ = x.shape
        h = x.new_zeros(batch, self.hidden_size)
        c = x.new_zeros(batch, self.hidden_size)
        projected = x @ cell.weight_ih.T + cell.bias_ih + cell.bias_hh
        outputs = [None] * steps
        order = range(steps - 1, -1, -1) if reverse else range(steps)
        for t in order:
            gates = projected[:, t] + h @ cell.weight_hh.T
            i, f, g, o = gates.chunk(4, dim=1)
            c_new = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.relu(g)
            h_new = torch.sigmoid(o) * torch.relu(c_new)
            keep = observed[:, t : t + 1]
            # Missing leading steps leave the state at zero, as if the
            # sequence started at its first observed step.
            h = torch.where(keep, h_new, h)
            c = torch.where(keep, c_new, c)
            outputs[t] = h
        return torch.stack(outputs, dim=1), h

    def forward(self, x, observed, sequence=False):
        """Final states ``(batch, directions * hidden)``, or with ``sequence``
        the last layer's output at every step ``(batch, steps, directions *
        hidden)`` (zero at leading missing steps)."""
        finals = []
        for layer in range(self.num_layers):
            outs, finals = [], []
            for direction in range(self.num_directions):
                cell = self.cells[layer * self.num_directions + direction]
                out, h = self._run(cell, x, observed, reverse=direction == 1)
                outs.append(out)
                finals.append(h)
            x = torch.cat(outs, dim=2)
            if self.dropout and self.training and layer < self.num_layers - 1:
                x = seeded_dropout(x, self.dropout, self.generator)
        return x if sequence else torch.cat(finals, dim=1)


class SequenceRegressorModule(nn.Module):
    """Recurrent stack (LSTM or GRU), an optional dense layer and a linear head.

    Parameters
    ----------
    input_size : int
        Features per timestep.
    output_size : int
        Number of regression outputs.
    hidden_size : int
        Units of each recurrent layer.
    num_layers : int
        Stacked recurrent layers.
    cell : {"lstm", "gru"}
        Recurrent cell.
    bidirectional : bool
        Also read each sequence backwards.
    dropout : float
        Dropout between recurrent layers (and before the head).
    activation : {"tanh", "relu"}
        Cell activation; ``"relu"`` uses a slower unfused LSTM.
    head_size : int or None
        Units of an extra ReLU dense layer before the output, or None.
    zero_init_head : bool
        Start the output layer at zero, so an untrained network predicts the
        (scaled) mean target exactly.
    init_seed : int or None
        Seed of the initial weights, drawn with torch's default distributions
        from a private generator. None draws them from torch's global RNG, as
        every ``nn.Module`` does.
    linear_inputs : int, default=0
        Width of the flattened input window (timesteps x features) of a
        linear autoregressive path added to the output (LSTNet's "highway");
        0 means no such path. Missing (NaN) steps enter it as 0.
    linear_init : tuple of array-like or None, default=None
        ``(weight, bias)`` of the linear path, shapes ``(output_size *
        n_quantiles, linear_inputs)`` and ``(output_size * n_quantiles,)``,
        e.g. a ridge fit; None keeps the seeded draw (a restore overwrites
        it anyway).
    n_quantiles : int, default=1
        Quantiles predicted per output. Above 1, the module has
        ``output_size * n_quantiles`` outputs (output-major: the quantiles
        of output 0 first) made non-decreasing by
        :func:`monotone_quantiles`.
    anchor : int, default=0
        Position of the quantile that the network predicts directly (see
        :func:`monotone_quantiles`); the others are offsets from it.
    pooling : {"last", "mean", "max"}, default="last"
        The summary of a sequence the head reads: the last layer's final
        hidden state, or the mean or maximum of its outputs over every
        observed step.
    conv_channels : int, default=0
        Channels of a strided 1-D convolution with ReLU before the recurrence
        (a front end that shortens long sequences); 0 means none.
    conv_kernel : int, default=1
        Its kernel width (steps).
    conv_stride : int, default=1
        Its stride: the recurrence reads about ``timesteps / conv_stride``
        steps. The windows are aligned on the last step, so a sequence's
        convolved steps do not depend on the NaN padding before it.

    Attributes
    ----------
    generator : torch.Generator or None
        Source of the dropout masks during training; None uses torch's global
        RNG. The estimator sets it for the length of a fit.
    missing_steps_hint : bool or None
        Default of ``has_missing_steps`` (see :meth:`encode`) when a call does
        not pass it; the estimator sets it for the length of a fit, since
        skorch would route an extra ``forward`` argument as a fit parameter.
    """

    def __init__(
        self,
        input_size: int,
        output_size: int,
        hidden_size: int = 50,
        num_layers: int = 1,
        cell: str = "lstm",
        bidirectional: bool = False,
        dropout: float = 0.0,
        activation: str = "tanh",
        head_size: int | None = None,
        zero_init_head: bool = True,
        init_seed: int | None = None,
        linear_inputs: int = 0,
        linear_init: tuple | None = None,
        n_quantiles: int = 1,
        anchor: int = 0,
        pooling: str = "last",
        conv_channels: int = 0,
        conv_kernel: int = 1,
        conv_stride: int = 1,
    ):
        super().__init__()
        if pooling not in POOLINGS:
            raise ValueError(f"pooling must be one of {POOLINGS}, not {pooling!r}.")
        self.pooling = pooling
        self.conv_kernel, self.conv_stride = conv_kernel, conv_stride
        recurrent_input = conv_channels or input_size
        self.n_quantiles, self.anchor = n_quantiles, anchor
        output_size = output_size * n_quantiles
        # With a seed, the layers are built without storage ("meta": no draw
        # from the global RNG) and then filled from the seed's generator.
        device = None if init_seed is None else "meta"
        self.fused = activation == "tanh"
        if self.fused:
            rnn_class = nn.LSTM if cell == "lstm" else nn.GRU
            self.rnn = rnn_class(
                recurrent_input,
                hidden_size,
                num_layers=num_layers,
                batch_first=True,
                bidirectional=bidirectional,
                dropout=0.0,  # applied here, from the module's generator
                device=device,
            )
        elif cell == "lstm":
            self.rnn = _ReluLSTM(
                recurrent_input, hidden_size, num_layers, bidirectional, dropout, device
            )
        else:
            raise ValueError("activation='relu' is only available with cell='lstm'.")
        self.cell = cell
        self.dropout = dropout
        self.num_layers = num_layers
        self.num_directions = 2 if bidirectional else 1
        self.hidden_size = hidden_size
        self.generator = None
        self.missing_steps_hint = None
        features = hidden_size * self.num_directions
        layers: list[nn.Module] = []
        if dropout:
            # A placeholder that keeps the state_dict keys of earlier
            # versions; forward draws the mask from the module's generator.
            layers.append(nn.Dropout(dropout))
        if head_size:
            layers += [nn.Linear(features, head_size, device=device), nn.ReLU()]
            features = head_size
        output = nn.Linear(features, output_size, device=device)
        layers.append(output)
        self.head = nn.Sequential(*layers)
        # Registered after the head, so the seeded draws of the layers above
        # are those of a module without it.
        self.linear = (
            nn.Linear(linear_inputs, output_size, device=device)
            if linear_inputs
            else None
        )
        # Registered last, for the same reason.
        self.conv = (
            nn.Conv1d(
                input_size, conv_channels, conv_kernel, conv_stride, device=device
            )
            if conv_channels
            else None
        )
        if init_seed is not None:
            self.to_empty(device="cpu")
            self._draw_initial_weights(torch.Generator().manual_seed(int(init_seed)))
        if zero_init_head:
            nn.init.zeros_(output.weight)
            nn.init.zeros_(output.bias)
        if self.linear is not None and linear_init is not None:
            weight, bias = linear_init
            with torch.no_grad():
                self.linear.weight.copy_(torch.as_tensor(weight))
                self.linear.bias.copy_(torch.as_tensor(bias))

    @torch.no_grad()
    def _draw_initial_weights(self, generator):
        # torch's defaults: recurrent weights (RNNBase, RNNCellBase) are
        # uniform(-1/sqrt(hidden), 1/sqrt(hidden)); Linear's kaiming-uniform
        # with a=sqrt(5) and its bias are uniform(-1/sqrt(fan_in), ...).
        for module in self.modules():
            if isinstance(module, nn.RNNBase | nn.RNNCellBase):
                bound = 1.0 / math.sqrt(module.hidden_size)
                for param in module.parameters(recurse=False):
                    param.uniform_(-bound, bound, generator=generator)
            elif isinstance(module, nn.Linear | nn.Conv1d):
                # Conv1d's default is Linear's with fan_in = channels x kernel.
                bound = 1.0 / math.sqrt(module.weight[0].numel())
                module.weight.uniform_(-bound, bound, generator=generator)
                module.bias.uniform_(-bound, bound, generator=generator)

    def _dropout(self, x):
        if not (self.training and self.dropout):
            return x
        return seeded_dropout(x, self.dropout, self.generator)

    def _recur(self, inputs):
        """Output of the last layer and its final state ``(directions, batch, hidden)``.

        Between stacked layers in training, dropout draws from the module's
        generator: the layers then run one at a time (nn.LSTM's own dropout
        would draw from the global RNG). An LSTM with one input feature also
        runs them so in training (see :meth:`_pads_one_feature`).
        """
        by_layer = self.dropout and self.num_layers > 1
        data = inputs.data if isinstance(inputs, PackedSequence) else inputs
        if not (self.training and (by_layer or self._pads_one_feature(data))):
            out, state = self.rnn(inputs)
            h_n = state[0] if isinstance(state, tuple) else state
            return out, h_n[-self.num_directions :]
        return self._recur_by_layer(inputs)

    def _pads_one_feature(self, data: torch.Tensor) -> bool:
        """Whether training feeds the first layer a zero second feature.

        torch's CPU LSTM (oneDNN) computes the input weights' gradient with
        one input feature as a matrix-vector product whose sum over all
        rows and timesteps is split across threads: the last bits then
        depend on the thread count (about 1e-7 of a gradient), and a fit's
        weights on how many threads ran it. With a second input column of
        zeros (and a zero weight column that gets no gradient) it takes
        the matrix-matrix path, which splits no sum; the outputs are the
        same, since the added products are exact zeros. CPU only: CUDA
        makes no bit-for-bit promise to keep.
        """
        return (
            self.fused
            and self.cell == "lstm"
            and self.rnn.input_size == 1
            and data.device.type == "cpu"
        )

    def _layer_weights(self, layer):
        suffixes = ("", "_reverse")[: self.num_directions]
        return [
            getattr(self.rnn, f"{kind}_l{layer}{suffix}")
            for suffix in suffixes
            for kind in ("weight_ih", "weight_hh", "bias_ih", "bias_hh")
        ]

    def _recur_by_layer(self, inputs):
        packed = isinstance(inputs, PackedSequence)
        data = inputs.data if packed else inputs
        batch = int(inputs.batch_sizes[0]) if packed else data.shape[0]
        bidirectional = self.num_directions == 2
        run = _VF.lstm if self.cell == "lstm" else _VF.gru
        for layer in range(self.num_layers):
            h0 = data.new_zeros(self.num_directions, batch, self.hidden_size)
            hx = (h0, h0) if self.cell == "lstm" else h0
            # torch's own per-call entry points (what nn.LSTM/nn.GRU.forward
            # call), for one layer: (input, [batch_sizes,] hx, weights, bias,
            # num_layers, dropout, train, bidirectional[, batch_first]).
            weights = self._layer_weights(layer)
            if layer == 0 and self._pads_one_feature(data):
                data, weights = _with_zero_feature(data, weights)
            if packed:
                result = run(
                    data, inputs.batch_sizes, hx, weights, True, 1, 0.0, True,
                    bidirectional,
                )  # fmt: skip
            else:
                result = run(
                    data, hx, weights, True, 1, 0.0, True, bidirectional, True
                )  # fmt: skip
            data, h_n = result[0], result[1]
            if layer < self.num_layers - 1:
                data = self._dropout(data)
        if packed:
            # Final states come in the packing's sorted order.
            h_n = h_n.index_select(1, inputs.unsorted_indices)
            data = PackedSequence(
                data, inputs.batch_sizes, inputs.sorted_indices, inputs.unsorted_indices
            )
        return data, h_n

    def _last_layer_state(self, h_n):
        # h_n: (num_directions, batch, hidden) -> (batch, directions * hidden)
        if self.num_directions == 1:
            return h_n[0]
        return h_n.transpose(0, 1).reshape(h_n.shape[1], -1)

    def encode(
        self, x: torch.Tensor, has_missing_steps: bool | None = None
    ) -> torch.Tensor:
        """The summary of each sequence, ``(batch, directions * hidden)``.

        The final hidden state of the last layer, or the mean or maximum of
        its outputs over the observed steps (``pooling``), after the
        convolutional front end if there is one.

        ``has_missing_steps=False`` promises that no sequence starts with NaN
        steps (the caller has scanned the data) and skips the NaN test, a
        device synchronisation per call; True tests the batch; None uses
        :attr:`missing_steps_hint` (None there too: test the batch).
        """
        if has_missing_steps is None:
            has_missing_steps = self.missing_steps_hint
        if self.conv is not None:
            x = self.downsample(x, has_missing_steps)
        if self.pooling != "last":
            out, valid = self._outputs(x, has_missing_steps)
            return pool_steps(out, valid, self.pooling)
        if not self.fused:
            missing = torch.isnan(x[:, :, 0])
            self.rnn.generator = self.generator
            return self.rnn(torch.nan_to_num(x), ~missing)
        if has_missing_steps is not False:
            missing = torch.isnan(x[:, :, 0])
            has_missing_steps = bool(missing.any())
        if not has_missing_steps:
            _, h_n = self._recur(x)
        else:
            # Left-align each sequence on its first observed step.
            n_missing = missing.sum(dim=1)
            lengths = x.shape[1] - n_missing
            steps = torch.arange(x.shape[1], device=x.device)
            source = (steps[None, :] + n_missing[:, None]).clamp(max=x.shape[1] - 1)
            aligned = torch.gather(
                torch.nan_to_num(x), 1, source[:, :, None].expand(-1, -1, x.shape[2])
            )
            if self.num_directions == 1:
                # A forward recurrence at step length-1 has only seen the
                # observed steps, so one fused pass over the aligned batch and
                # a gather replace packing (much slower on CPU for long inputs).
                out, _ = self._recur(aligned)
                rows = torch.arange(x.shape[0], device=x.device)
                return out[rows, lengths - 1]
            # The backward direction must start at each sequence's own end:
            # pack (slower, but exact).
            packed = pack_padded_sequence(
                aligned, lengths.cpu(), batch_first=True, enforce_sorted=False
            )
            _, h_n = self._recur(packed)
        return self._last_layer_state(h_n)

    def downsample(
        self, x: torch.Tensor, has_missing_steps: bool | None = None
    ) -> torch.Tensor:
        """The convolutional front end: ``(batch, steps', conv_channels)``.

        One window ends on the last step and every ``conv_stride`` steps
        before it, down to the first step (padded with zeros on the left
        where a window reaches before it): a sequence's convolved steps are
        then the same alone or behind NaN padding. A convolved step whose
        window ends before a sequence's first observed step is NaN
        (missing), for the recurrence to skip; missing inputs enter the
        windows as 0.
        """
        steps = x.shape[1]
        k, s = self.conv_kernel, self.conv_stride
        first_end = (steps - 1) % s
        left = k - 1 - first_end
        z = torch.nan_to_num(x).transpose(1, 2)
        z = nn.functional.pad(z, (left, 0)) if left >= 0 else z[:, :, -left:]
        z = torch.relu(self.conv(z)).transpose(1, 2)
        if has_missing_steps is not False:
            observed = ~torch.isnan(x[:, :, 0])
            ends = torch.arange(z.shape[1], device=x.device) * s + first_end
            z = torch.where(observed[:, ends, None], z, torch.nan)
        return z

    def _outputs(self, x, has_missing_steps):
        """The last layer's output at every step, and which steps are observed.

        ``(batch, steps, directions * hidden)`` and a boolean ``(batch,
        steps)`` mask, or None when every step is observed.
        """
        if not self.fused:
            observed = ~torch.isnan(x[:, :, 0])
            self.rnn.generator = self.generator
            return self.rnn(torch.nan_to_num(x), observed, sequence=True), observed
        if has_missing_steps is not False:
            missing = torch.isnan(x[:, :, 0])
            has_missing_steps = bool(missing.any())
        if not has_missing_steps:
            return self._recur(x)[0], None
        # Left-aligned on the first observed step, as in encode: the first
        # ``length`` outputs of each row are its observed steps'.
        n_missing = missing.sum(dim=1)
        lengths = x.shape[1] - n_missing
        steps = torch.arange(x.shape[1], device=x.device)
        source = (steps[None, :] + n_missing[:, None]).clamp(max=x.shape[1] - 1)
        aligned = torch.gather(
            torch.nan_to_num(x), 1, source[:, :, None].expand(-1, -1, x.shape[2])
        )
        valid = steps[None, :] < lengths[:, None]
        if self.num_directions == 1:
            return self._recur(aligned)[0], valid
        packed = pack_padded_sequence(
            aligned, lengths.cpu(), batch_first=True, enforce_sorted=False
        )
        out, _ = pad_packed_sequence(
            self._recur(packed)[0], batch_first=True, total_length=x.shape[1]
        )
        return out, valid

    def forward(
        self, x: torch.Tensor, has_missing_steps: bool | None = None
    ) -> torch.Tensor:
        """Predict ``(batch, output_size)`` from ``(batch, timesteps, features)``.

        ``has_missing_steps``: see :meth:`encode`.
        """
        if has_missing_steps is None:
            has_missing_steps = self.missing_steps_hint
        if (
            has_missing_steps is False
            and not self.training
            and self.direct_inference_ok(x.device.type)
        ):
            return self._infer(x)
        z = self.encode(x, has_missing_steps)
        for layer in self.head:
            z = self._dropout(z) if isinstance(layer, nn.Dropout) else layer(z)
        if self.linear is not None:
            z = z + self.linear(torch.nan_to_num(x).flatten(1))
        if self.n_quantiles > 1:
            z = monotone_quantiles(z, self.n_quantiles, self.anchor)
        return z

    def direct_inference_ok(self, device: str) -> bool:
        """Whether :meth:`_infer` may stand in for :meth:`forward` in eval
        mode on sequences without missing steps on ``device``: a fused cell,
        on the CPU (CUDA wants nn.LSTM's flat weights), the last state as
        the summary without a front end, and no forward hook that the direct
        calls would miss."""
        return (
            self.fused
            and self.pooling == "last"
            and self.conv is None
            and device == "cpu"
            and not self._hooked()
        )

    def _hooked(self) -> bool:
        """Whether a forward hook is registered on the module, a part of it,
        or globally."""
        if _global_forward_hooks or _global_forward_pre_hooks:
            return True
        modules = self._modules  # plain dict lookups: nn.Module's are slow
        parts = (self, modules["rnn"], *modules["head"]._modules.values())
        for part in parts:
            if part._forward_hooks or part._forward_pre_hooks:
                return True
        linear = modules.get("linear")
        return linear is not None and bool(
            linear._forward_hooks or linear._forward_pre_hooks
        )

    def _infer(self, x: torch.Tensor, h0: torch.Tensor | None = None) -> torch.Tensor:
        """:meth:`forward` in eval mode on sequences without missing steps.

        The same torch operations in the same order (bit-identical, tested),
        called directly instead of through each submodule's ``__call__`` and
        nn.LSTM's argument checks: for one window, the module's calls cost
        more than its arithmetic. Not used while a forward hook is
        registered on a submodule (or globally), so hooks always fire.
        ``h0``: the zero initial state ``(layers x directions, batch,
        hidden)``, if the caller holds one (read only).
        """
        modules = self._modules  # plain dict lookups: nn.Module's are slow
        rnn = modules["rnn"]
        # The parameters themselves, in nn.LSTM's order: never stale, and
        # cheaper than nn.LSTM's check of its cached list.
        params = rnn._parameters
        weights = [params[name] for name in rnn._flat_weights_names]
        if h0 is None:
            n_states = self.num_layers * self.num_directions
            h0 = x.new_zeros(n_states, x.shape[0], self.hidden_size)
        if self.cell == "lstm":
            state = _VF.lstm(
                x, (h0, h0), weights, True, self.num_layers, 0.0,
                False, self.num_directions == 2, True,
            )[1]  # fmt: skip
        else:
            state = _VF.gru(
                x, h0, weights, True, self.num_layers, 0.0, False,
                self.num_directions == 2, True,
            )[1]  # fmt: skip
        if self.num_directions == 1:
            z = state[-1]
        else:
            z = self._last_layer_state(state[-self.num_directions :])
        linear = nn.functional.linear
        for layer in modules["head"]._modules.values():
            if isinstance(layer, nn.Linear):
                p = layer._parameters
                z = linear(z, p["weight"], p["bias"])
            elif isinstance(layer, nn.ReLU):
                z = torch.relu(z)
            # nn.Dropout: the identity in eval mode
        path = modules.get("linear")
        if path is not None:
            p = path._parameters
            z = z + linear(x.flatten(1), p["weight"], p["bias"])
        if self.n_quantiles > 1:
            z = monotone_quantiles(z, self.n_quantiles, self.anchor)
        return z


def _with_zero_feature(data, weights):
    """A layer's input with a column of zeros appended, and its weights
    (``weight_ih, weight_hh, bias_ih, bias_hh`` per direction) with a zero
    input-weight column to match; the added column is a constant, so the
    gradient reaches the original weights only."""
    data = torch.cat([data, data.new_zeros(*data.shape[:-1], 1)], dim=-1)
    weights = list(weights)
    for i in range(0, len(weights), 4):
        w = weights[i]
        weights[i] = torch.cat([w, w.new_zeros(w.shape[0], 1)], dim=1)
    return data, weights


def pool_steps(out: torch.Tensor, valid: torch.Tensor | None, how: str) -> torch.Tensor:
    """Mean or maximum of ``out`` ``(batch, steps, width)`` over its valid steps.

    ``valid``: boolean ``(batch, steps)``, or None when every step counts.

    Examples
    --------
    >>> out = torch.tensor([[[1.0], [3.0], [8.0]]])
    >>> valid = torch.tensor([[False, True, True]])
    >>> float(pool_steps(out, valid, "mean")), float(pool_steps(out, None, "max"))
    (5.5, 8.0)
    """
    if how == "mean":
        if valid is None:
            return out.mean(dim=1)
        weights = valid[:, :, None].to(out.dtype)
        return (out * weights).sum(dim=1) / weights.sum(dim=1).clamp_min(1.0)
    if valid is not None:
        out = out.masked_fill(~valid[:, :, None], -torch.inf)
    return out.amax(dim=1)


def monotone_quantiles(z: torch.Tensor, n_quantiles: int, anchor: int) -> torch.Tensor:
    """Non-decreasing quantiles per output from unconstrained network outputs.

    ``z`` holds ``n_quantiles`` values per output (output-major). The value
    at ``anchor`` is that quantile itself; each quantile above it adds the
    softplus of its own value to the one below, each quantile under it
    subtracts the softplus of its value from the one above. Softplus is never
    negative, so the quantiles cannot cross, whatever the weights, and the
    anchor quantile (the median) is a plain linear output, which the linear
    path can start at a ridge fit.

    Examples
    --------
    >>> z = torch.tensor([[0.0, -30.0, 1.0, 5.0, 2.0, -1.0]])
    >>> q = monotone_quantiles(z, 3, 1)
    >>> bool((q.unflatten(-1, (2, 3)).diff(dim=-1) >= 0).all()), float(q[0, 1])
    (True, -30.0)
    """
    r = z.unflatten(-1, (-1, n_quantiles))
    steps = nn.functional.softplus(r)
    centre = r[..., anchor : anchor + 1]
    below = centre - steps[..., :anchor].flip(-1).cumsum(-1).flip(-1)
    above = centre + steps[..., anchor + 1 :].cumsum(-1)
    return torch.cat([below, centre, above], dim=-1).flatten(-2)
