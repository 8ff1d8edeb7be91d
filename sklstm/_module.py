"""The torch network: a recurrent stack and a linear head, nothing else.

This module knows nothing of sklearn, scaling or pandas. Input is a float
tensor ``(batch, timesteps, features)`` in which leading all-NaN steps mean
"the sequence starts later": those steps are skipped, so a window with three
observed steps gives exactly the output of the same three steps on their own.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence


class _ReluLSTM(nn.Module):
    """LSTM whose cell input and output activation is ReLU (Keras' ``activation``).

    The gates keep their sigmoid. Runs a Python loop over timesteps, so it is
    several times slower than the fused ``nn.LSTM`` kernel; the input
    projection of all timesteps is one matrix product.
    """

    def __init__(self, input_size, hidden_size, num_layers, bidirectional, dropout):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.num_directions = 2 if bidirectional else 1
        self.dropout = dropout
        self.cells = nn.ModuleList()
        for layer in range(num_layers):
            layer_input = (
                input_size if layer == 0 else hidden_size * self.num_directions
            )
            for _ in range(self.num_directions):
                self.cells.append(nn.LSTMCell(layer_input, hidden_size))

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

    def forward(self, x, observed):
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
                x = nn.functional.dropout(x, self.dropout, training=True)
        return torch.cat(finals, dim=1)


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
    ):
        super().__init__()
        self.fused = activation == "tanh"
        if self.fused:
            rnn_class = nn.LSTM if cell == "lstm" else nn.GRU
            self.rnn = rnn_class(
                input_size,
                hidden_size,
                num_layers=num_layers,
                batch_first=True,
                bidirectional=bidirectional,
                dropout=dropout if num_layers > 1 else 0.0,
            )
        elif cell == "lstm":
            self.rnn = _ReluLSTM(
                input_size, hidden_size, num_layers, bidirectional, dropout
            )
        else:
            raise ValueError("activation='relu' is only available with cell='lstm'.")
        self.num_layers = num_layers
        self.num_directions = 2 if bidirectional else 1
        self.hidden_size = hidden_size
        features = hidden_size * self.num_directions
        layers: list[nn.Module] = []
        if dropout:
            layers.append(nn.Dropout(dropout))
        if head_size:
            layers += [nn.Linear(features, head_size), nn.ReLU()]
            features = head_size
        output = nn.Linear(features, output_size)
        if zero_init_head:
            nn.init.zeros_(output.weight)
            nn.init.zeros_(output.bias)
        layers.append(output)
        self.head = nn.Sequential(*layers)

    def _last_layer_state(self, h_n):
        # h_n: (num_layers * num_directions, batch, hidden) -> (batch, dirs * hidden)
        if self.num_directions == 1:
            return h_n[-1]
        h_n = h_n.view(self.num_layers, self.num_directions, -1, self.hidden_size)[-1]
        return h_n.transpose(0, 1).reshape(h_n.shape[1], -1)

    def encode(
        self, x: torch.Tensor, has_missing_steps: bool | None = None
    ) -> torch.Tensor:
        """Final hidden state of the last layer, ``(batch, directions * hidden)``.

        ``has_missing_steps=False`` promises that no sequence starts with NaN
        steps (the caller has scanned the data) and skips the NaN test, a
        device synchronisation per call; None or True test the batch.
        """
        if not self.fused:
            missing = torch.isnan(x[:, :, 0])
            return self.rnn(torch.nan_to_num(x), ~missing)
        if has_missing_steps is not False:
            missing = torch.isnan(x[:, :, 0])
            has_missing_steps = bool(missing.any())
        if not has_missing_steps:
            _, state = self.rnn(x)
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
                out, _ = self.rnn(aligned)
                rows = torch.arange(x.shape[0], device=x.device)
                return out[rows, lengths - 1]
            # The backward direction must start at each sequence's own end:
            # pack (slower, but exact).
            packed = pack_padded_sequence(
                aligned, lengths.cpu(), batch_first=True, enforce_sorted=False
            )
            _, state = self.rnn(packed)
        h_n = state[0] if isinstance(state, tuple) else state
        return self._last_layer_state(h_n)

    def forward(
        self, x: torch.Tensor, has_missing_steps: bool | None = None
    ) -> torch.Tensor:
        """Predict ``(batch, output_size)`` from ``(batch, timesteps, features)``.

        ``has_missing_steps``: see :meth:`encode`.
        """
        return self.head(self.encode(x, has_missing_steps))
