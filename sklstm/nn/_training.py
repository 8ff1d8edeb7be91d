"""The torch/skorch side of training: datasets, batches, loss, split, callbacks.

Imported lazily by :class:`~sklstm.LSTMRegressor` (``import sklstm`` stays
free of torch). skorch runs the training loop; the pieces here replace the
parts of its default machinery that cost time or are wrong for time series:

* batches are sliced from tensors (or gathered from a strided window view for
  data too large to scale in memory), not collated sample by sample by a
  ``DataLoader``;
* the internal validation split is the *last* part of the rows in time order;
* the loss takes optional per-sample weights;
* a non-finite loss stops training with an explanation.

The classifier's loss, split and score are in :mod:`sklstm.nn._class_training`,
mixed precision in :mod:`sklstm.nn._precision`, what training prints in
:mod:`sklstm.nn._progress`.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from skorch import NeuralNetRegressor
from skorch.callbacks import Callback, EarlyStopping
from skorch.dataset import unpack_data
from torch import nn

from ..exceptions import DivergenceError
from ..windows._window_scaling import reference_windows
from ._precision import autocast

# Scaled inputs up to this size are built once as one tensor; larger inputs
# (a long series with a wide window) are gathered batch by batch from the view.
MATERIALIZE_LIMIT_BYTES = 64 * 2**20


def scale_to_float32(
    X3: np.ndarray,
    mean: np.ndarray,
    scale: np.ndarray,
    reference_feature: int | None = None,
) -> np.ndarray:
    """``(X3 - mean) / scale`` computed in float64, stored as float32.

    Subtracting the mean before narrowing keeps small changes on a large
    level: float32 spaces values around 1e6 by 0.0625, so converting first
    would blur a series that moves by 0.1. Works in row chunks, so the
    float64 temporaries stay small for large inputs.

    Parameters
    ----------
    X3 : ndarray of shape (n_samples, n_timesteps, n_features)
        Sequences (any float dtype; may be a strided view or
        :class:`~sklstm.windows._lazy.LazyWindows`, read one chunk at a time).
    mean, scale : ndarray of shape (n_features,)
        float64 standardisation.
    reference_feature : int, WindowScaler or None, default=None
        Scale this feature's relative windows instead of its levels (each
        step minus the sequence's last value, as
        :func:`~sklstm.windows._window_scaling.relative_windows`), chunk by chunk; a
        :class:`~sklstm.windows._window_scaling.WindowScaler`: the windows it
        normalises (``window_scaling``).

    Returns
    -------
    ndarray of float32, same shape as ``X3``

    Examples
    --------
    >>> import numpy as np
    >>> X3 = np.array([[[1e6], [1e6 + 0.1]]])
    >>> scale_to_float32(X3, np.array([1e6]), np.array([0.1]))[0, :, 0]
    array([0., 1.], dtype=float32)
    """
    if X3.size <= _SCALE_CHUNK_VALUES:
        if not isinstance(X3, np.ndarray):
            X3 = X3[:]  # LazyWindows: a small one is built at once
        centred = _centred(X3, mean, reference_feature)
        return np.divide(centred, scale, out=centred).astype(np.float32)
    out = np.empty(X3.shape, dtype=np.float32)
    n_samples, n_timesteps, n_features = X3.shape
    rows = max(1, _SCALE_CHUNK_VALUES // (n_timesteps * n_features))
    for start in range(0, n_samples, rows):
        centred = _centred(X3[start : start + rows], mean, reference_feature)
        np.divide(centred, scale, out=out[start : start + rows], casting="same_kind")
    return out


def _centred(block, mean, reference_feature):
    if reference_feature is None:
        return np.subtract(block, mean, dtype=np.float64)
    centred = reference_windows(block, reference_feature)
    centred -= mean
    return centred


# Values per float64 temporary of scale_to_float32 (8 MB).
_SCALE_CHUNK_VALUES = 1 << 20


class SequenceDataset(torch.utils.data.Dataset):
    """Scaled sequences, targets and weights, addressable by batches of rows.

    Parameters
    ----------
    X3 : ndarray of shape (n_samples, n_timesteps, n_features)
        Raw sequences (possibly a strided view, or
        :class:`~sklstm.windows._lazy.LazyWindows`); leading NaN steps allowed.
    x_mean, x_scale : ndarray of shape (n_features,)
        Input standardisation.
    y : ndarray of shape (n_samples, n_outputs) or None
        Scaled targets.
    sample_weight : ndarray of shape (n_samples,) or None
    rows : ndarray of int or None
        The rows of ``X3`` this dataset covers (all when None).
    reference_feature : int or None
        Feature fed as relative windows (see :func:`scale_to_float32`).
    """

    def __init__(
        self,
        X3,
        x_mean,
        x_scale,
        y=None,
        sample_weight=None,
        rows=None,
        reference_feature=None,
    ):
        self.X3 = X3
        self.reference_feature = reference_feature
        self.x_mean = np.asarray(x_mean, dtype=np.float64)
        self.x_scale = np.asarray(x_scale, dtype=np.float64)
        self.rows = np.arange(len(X3)) if rows is None else np.asarray(rows)
        self.y = None if y is None else torch.as_tensor(y, dtype=torch.float32)
        self.w = (
            None
            if sample_weight is None
            else torch.as_tensor(sample_weight, dtype=torch.float32)
        )
        n_values = len(self.rows) * X3.shape[1] * X3.shape[2]
        self.X = None
        if n_values * 4 <= MATERIALIZE_LIMIT_BYTES:
            self.X = self._scale(X3[self.rows] if rows is not None else X3)

    def _scale(self, block):
        return torch.from_numpy(
            scale_to_float32(block, self.x_mean, self.x_scale, self.reference_feature)
        )

    def __len__(self):
        return len(self.rows)

    def subset(self, positions):
        """A dataset over ``rows[positions]`` sharing the underlying data."""
        positions = np.asarray(positions)
        sub = SequenceDataset.__new__(SequenceDataset)
        sub.X3, sub.x_mean, sub.x_scale = self.X3, self.x_mean, self.x_scale
        sub.reference_feature = self.reference_feature
        sub.rows = self.rows[positions]
        index = torch.as_tensor(positions)
        sub.y = None if self.y is None else self.y[index]
        sub.w = None if self.w is None else self.w[index]
        sub.X = None if self.X is None else self.X[index]
        return sub

    def take(self, positions):
        """The batch at ``positions`` (a slice or an index tensor) as tensors."""
        if self.X is not None:
            Xb = self.X[positions]
        else:
            if isinstance(positions, torch.Tensor):
                positions = positions.numpy()
            rows = self.rows[positions]
            # Fancy indexing copies only this batch out of the (strided) view.
            Xb = self._scale(self.X3[rows])
        if self.y is None:
            return Xb, None
        yb = self.y[positions]
        if self.w is not None:
            return Xb, (yb, self.w[positions])
        return Xb, yb

    def __getitem__(self, i):
        Xb, yb = self.take(slice(i, i + 1))
        return Xb[0], yb


class BatchIterator:
    """Yield ``(X, y)`` batches sliced from a :class:`SequenceDataset`.

    Stands in for ``torch.utils.data.DataLoader`` (skorch's
    ``iterator_train``/``iterator_valid``): one tensor slice per batch instead
    of one ``__getitem__`` per sample plus collation.
    """

    def __init__(self, dataset, batch_size, shuffle=False, seed=0):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.generator = torch.Generator().manual_seed(int(seed))

    def __len__(self):
        return math.ceil(len(self.dataset) / self.batch_size)

    def __iter__(self):
        n = len(self.dataset)
        order = torch.randperm(n, generator=self.generator) if self.shuffle else None
        for start in range(0, n, self.batch_size):
            stop = min(start + self.batch_size, n)
            positions = slice(start, stop) if order is None else order[start:stop]
            yield self.dataset.take(positions)


class TailSplit:
    """Validate on the last ``fraction`` of the rows, in time order.

    skorch's default ``ValidSplit`` is a (stratified) split that, for series,
    validates on the *earliest* rows; early stopping must look at the most
    recent data instead and never shuffle it into training.
    """

    def __init__(self, fraction):
        self.fraction = fraction

    def __call__(self, dataset, y=None, **fit_params):
        n = len(dataset)
        n_valid = math.ceil(n * self.fraction)
        if n < 2 or n_valid >= n:
            raise ValueError(
                f"early_stopping needs at least one training and one validation "
                f"sample; got {n} usable sample(s) with validation_fraction="
                f"{self.fraction}. Use more data or set early_stopping=False."
            )
        return (
            dataset.subset(np.arange(n - n_valid)),
            dataset.subset(np.arange(n - n_valid, n)),
        )


class WeightedLoss(nn.Module):
    """Mean squared, absolute, Huber or pinball loss with optional per-sample weights.

    ``y_true`` is a tensor, or a pair ``(y, sample_weight)``.

    Parameters
    ----------
    kind : {"mse", "mae", "huber", "quantile"}, default="mse"
        The loss of each prediction.
    quantiles : tuple of float or None, default=None
        Levels of ``kind="quantile"``: ``y_pred`` then holds one column per
        (output, level), output-major, and each costs the pinball loss
        ``max(q * u, (q - 1) * u)`` of its residual ``u = y - y_pred``.
    anchor : int, default=0
        Position of the level that :meth:`point` reads.

    Notes
    -----
    A 3-D ``y_pred`` ``(batch, n_members, columns)`` comes from an ensemble
    (:class:`~sklstm.nn._ensemble.EnsembleModule`): the value is the mean of
    the members' losses, the gradient that of their sum, so each member gets
    exactly the gradient of its own loss, as if it trained alone.
    """

    def __init__(self, kind="mse", quantiles=None, anchor=0):
        super().__init__()
        self.kind = kind
        self.quantiles = quantiles
        self.anchor = anchor
        if kind == "quantile":
            self.register_buffer("levels", torch.tensor(quantiles), persistent=False)

    def point(self, y_pred):
        """The point forecast columns of ``y_pred`` (the anchor quantile)."""
        if self.kind != "quantile":
            return y_pred
        return y_pred.unflatten(-1, (-1, len(self.quantiles)))[..., self.anchor]

    def forward(self, y_pred, y_true):
        if y_pred.ndim == 3 or self.kind == "quantile":
            return self._general(y_pred, y_true)
        if not isinstance(y_true, list | tuple):
            # Unweighted: one fused reduction, as a plain loop would do.
            return _UNWEIGHTED[self.kind](y_pred, y_true)
        y_true, weights = y_true
        if self.kind == "mse":
            loss = nn.functional.mse_loss(y_pred, y_true, reduction="none")
        elif self.kind == "mae":
            loss = nn.functional.l1_loss(y_pred, y_true, reduction="none")
        else:
            loss = nn.functional.huber_loss(y_pred, y_true, reduction="none")
        if weights is None:
            return loss.mean()
        per_sample = loss.mean(dim=1)
        return (per_sample * weights).sum() / weights.sum().clamp_min(1e-12)

    def _general(self, y_pred, y_true):
        """Quantile and ensemble losses: elementwise, then reduced per member."""
        weights = None
        if isinstance(y_true, list | tuple):
            y_true, weights = y_true
        members = y_pred.ndim == 3
        if members:
            y_true = y_true.unsqueeze(1)
        if self.kind == "quantile":
            residual = y_true.unsqueeze(-1) - y_pred.unflatten(
                -1, (-1, len(self.levels))
            )
            loss = torch.maximum(self.levels * residual, (self.levels - 1) * residual)
            loss = loss.flatten(-2)
        else:
            y_true = y_true.expand_as(y_pred)
            loss = _UNWEIGHTED[self.kind](y_pred, y_true, reduction="none")
        per_sample = loss.mean(dim=-1)  # (batch,) or (batch, n_members)
        if weights is None:
            per_member = per_sample.mean(dim=0)
        else:
            w = weights if not members else weights[:, None]
            total = weights.sum().clamp_min(1e-12)
            per_member = (per_sample * w).sum(dim=0) / total
        if not members:
            return per_member
        summed = per_member.sum()
        return per_member.mean().detach() + (summed - summed.detach())


_UNWEIGHTED = {
    "mse": nn.functional.mse_loss,
    "mae": nn.functional.l1_loss,
    "huber": nn.functional.huber_loss,
}


class StopOnDivergence(Callback):
    """Raise when the epoch's training or validation loss is not finite."""

    def on_epoch_end(self, net, **kwargs):
        row = net.history[-1]
        for key in ("train_loss", "valid_loss"):
            if key in row and not math.isfinite(row[key]):
                raise DivergenceError(
                    f"Training diverged: {key} became {row[key]} at epoch "
                    f"{row['epoch']}. Lower the learning rate (lr={net.lr}), "
                    f"keep scale=True, or set clip_grad_norm (e.g. 1.0)."
                )


class RestoreOnInterrupt(Callback):
    """Keep the weights of the last finished epoch; restore them on interrupt.

    skorch swallows ``KeyboardInterrupt`` in ``partial_fit`` and ends training
    mid-epoch. This callback snapshots the module after every epoch (cheap
    next to the epoch itself) and puts that snapshot back when training ends
    inside an epoch, so an interrupted model holds consistent weights.
    """

    def on_train_begin(self, net, **kwargs):
        self.interrupted_epoch_ = None
        self._in_epoch = False
        # The live tensors, and copies refreshed in place after every epoch
        # (one pass over preallocated buffers, no state_dict per epoch).
        state = net.module_.state_dict(keep_vars=True)
        self._live = [tensor.detach() for tensor in state.values()]
        self._snapshot = dict(
            zip(state, (tensor.clone() for tensor in self._live), strict=True)
        )

    def on_epoch_begin(self, net, **kwargs):
        self._in_epoch = True

    def on_epoch_end(self, net, **kwargs):
        with torch.no_grad():
            for copy, live in zip(self._snapshot.values(), self._live, strict=True):
                copy.copy_(live)
        self._in_epoch = False

    def on_train_end(self, net, **kwargs):
        if self._in_epoch:
            self.interrupted_epoch_ = len(net.history)
            net.module_.load_state_dict(self._snapshot)
        del self._live  # no references to the module's tensors are kept


class ValidationR2(Callback):
    """Record R^2 of the network's (scaled) target on the validation rows.

    Accumulated from the validation batches skorch already predicts, so it
    costs no extra forward pass. Stored in the history as ``valid_r2``.
    """

    def on_epoch_begin(self, net, **kwargs):
        self._sse = self._sum = self._sum_sq = self._weight = 0.0

    def on_batch_end(self, net, batch=None, training=False, y_pred=None, **kwargs):
        if training or y_pred is None:
            return
        y = batch[1]
        w = None
        if isinstance(y, list | tuple):
            y, w = y
        y = y.to(y_pred.device)
        # A quantile model is scored on its point forecast.
        y_pred = getattr(net.criterion_, "point", lambda pred: pred)(y_pred)
        w = torch.ones(len(y), device=y.device) if w is None else w.to(y.device)
        w = w[:, None]
        self._sse = self._sse + (w * (y_pred - y) ** 2).sum(0)
        self._sum = self._sum + (w * y).sum(0)
        self._sum_sq = self._sum_sq + (w * y**2).sum(0)
        self._weight += float(w.sum())

    def on_epoch_end(self, net, **kwargs):
        if not self._weight:
            return
        sst = self._sum_sq - self._sum**2 / self._weight
        sse = self._sse
        sst = torch.as_tensor(sst, dtype=torch.float64)
        sse = torch.as_tensor(sse, dtype=torch.float64)
        # sklearn's r2_score: a constant target scores 1 when predicted exactly.
        r2 = torch.where(sst > 0, 1 - sse / sst.clamp_min(1e-300), (sse == 0).double())
        net.history.record("valid_r2", float(r2.mean()))


# Peak bytes of autograd state per (sample, timestep) of one recurrent layer
# during forward + backward on CPU (float32; measured in benchmarks/README.md,
# "Constants and their measurements").
_BYTES_PER_UNIT_STEP = 60
_BYTES_PER_STEP = 160
# Batches whose recurrent state would exceed this run as chunks whose
# gradients are accumulated: the same update, bounded memory.
CHUNK_BUDGET_BYTES = 64 * 2**20


def chunk_rows(
    n_timesteps: int, hidden_size: int, num_layers: int, num_directions: int
) -> int:
    """Most rows per forward/backward chunk that keep autograd state in budget.

    Examples
    --------
    >>> chunk_rows(48, 64, 1, 1)  # a batch of 256 is one chunk
    349
    >>> chunk_rows(256, 4, 1, 1)  # a batch of 4096 runs as 7 chunks
    655
    """
    per_row = (
        n_timesteps
        * num_layers
        * num_directions
        * (_BYTES_PER_UNIT_STEP * hidden_size + _BYTES_PER_STEP)
    )
    return max(1, CHUNK_BUDGET_BYTES // per_row)


def _slice_target(y, start, stop):
    if isinstance(y, list | tuple):
        return type(y)(part[start:stop] for part in y)
    return y[start:stop]


def _chunk_weight(y, start, stop, n):
    if isinstance(y, list | tuple):
        weights = y[1]
        return weights[start:stop].sum() / weights.sum().clamp_min(1e-12)
    return (stop - start) / n


# Events skorch sends on every batch; most callbacks ignore them.
_PER_BATCH_EVENTS = ("on_batch_begin", "on_batch_end", "on_grad_computed")


def _listens(callback, event):
    """Whether ``callback`` does anything on ``event`` (overrides the no-op)."""
    if not isinstance(callback, Callback):
        return True
    return getattr(type(callback), event) is not getattr(Callback, event)


class SequenceNet(NeuralNetRegressor):
    """skorch's NeuralNetRegressor, lean per batch, with chunked large batches.

    Per batch, skorch calls every callback's ``on_batch_begin``,
    ``on_batch_end`` and ``on_grad_computed`` and resets the train/eval mode
    of every module. Here, during an epoch, only the callbacks that override
    those methods are called, and the mode is only set when it changes: the
    same results for less per-batch work (see benchmarks/README.md).

    The loss is a (weighted) mean over the batch, so the sum of the chunk
    gradients, each scaled by its share of the batch, is the batch gradient:
    one optimizer step per batch, as before, with bounded autograd memory.
    """

    max_chunk_rows = None
    # Set by _net.train for a CPU fit whose thread count is sklstm's to
    # choose: each training batch runs as one of its timed units.
    thread_governor = None
    # "bf16-mixed" runs the forward in bfloat16 under autocast; weights,
    # gradients, optimizer state and the loss stay float32.
    precision = "float32"

    def infer(self, x, **fit_params):
        if self.precision == "float32":
            return super().infer(x, **fit_params)
        with autocast(str(self.device), self.precision):
            y_pred = super().infer(x, **fit_params)
        return y_pred.float()  # the loss is computed in float32

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        # The listeners are looked up once per epoch, so callbacks replaced
        # between epochs (set_params, initialize) are always honoured.
        self._batch_listeners = {
            event: [
                getattr(cb, event) for _, cb in self.callbacks_ if _listens(cb, event)
            ]
            for event in _PER_BATCH_EVENTS
        }
        try:
            super().run_single_epoch(iterator, training, prefix, step_fn, **fit_params)
        finally:
            del self._batch_listeners

    def notify(self, method_name, **cb_kwargs):
        listeners = self.__dict__.get("_batch_listeners")
        if listeners is None or method_name not in listeners:
            return super().notify(method_name, **cb_kwargs)
        getattr(self, method_name)(self, **cb_kwargs)  # the net's own hook
        for listener in listeners[method_name]:
            listener(self, **cb_kwargs)
        return None

    def _set_training(self, training=True):
        # module.train() walks every submodule; skip it when nothing changes.
        if self.module_.training is training and self.criterion_.training is training:
            return
        super()._set_training(training)

    def train_step(self, batch, **fit_params):
        governor = self.thread_governor
        if governor is None:
            return super().train_step(batch, **fit_params)
        with governor.unit(len(unpack_data(batch)[0])):
            return super().train_step(batch, **fit_params)

    def train_step_single(self, batch, **fit_params):
        Xi, yi = unpack_data(batch)
        n = len(Xi)
        rows = self.max_chunk_rows
        if rows is None or n <= rows:
            return super().train_step_single(batch, **fit_params)
        self._set_training(True)
        total = 0.0
        predictions = []
        # Equal chunks: 256 rows at most 218 a chunk run as 128 + 128, not
        # 218 + 38 (a small chunk costs nearly a full pass per timestep).
        n_chunks = math.ceil(n / rows)
        rows = math.ceil(n / n_chunks)
        for start in range(0, n, rows):
            stop = min(start + rows, n)
            Xc, yc = Xi[start:stop], _slice_target(yi, start, stop)
            y_pred = self.infer(Xc, **fit_params)
            loss = self.get_loss(y_pred, yc, X=Xc, training=True)
            share = _chunk_weight(yi, start, stop, n)
            (loss * share).backward()
            total = total + loss.detach() * share
            predictions.append(y_pred.detach())
        return {"loss": total, "y_pred": torch.cat(predictions)}


class SmoothedLoss(Callback):
    """Record the mean training loss of the last ``window`` epochs.

    Stored in the history as ``train_loss_smoothed``, for the stopping rule
    to watch instead of the epoch's own loss: with a small training set and
    a high learning rate the loss of one epoch is noisy, and one low epoch
    before a spike would otherwise end the fit ``n_iter_no_change`` epochs
    later. Over a warm fit the window reaches back into earlier calls.
    """

    key = "train_loss_smoothed"

    def __init__(self, window):
        self.window = window

    def on_epoch_end(self, net, **kwargs):
        recent = net.history[-self.window :, "train_loss"]
        net.history.record(self.key, float(np.mean(recent)))


class ConvergenceStopping(EarlyStopping):
    """skorch's ``EarlyStopping`` on the training loss, idle on the starting plateau.

    A classifier's loss often stays at its starting value (``ln 2`` for two
    classes) for tens of epochs before the network finds the signal; a
    patience counted from the first epoch would end such a fit before it
    learned anything. Epochs whose monitored loss is still above ``1 -
    min_progress`` times the first epoch's training loss do not count
    towards the patience; ``min_progress=0`` is ``EarlyStopping`` itself.
    Without progress, the fit runs ``max_epochs``.
    """

    def __init__(self, *args, min_progress=0.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.min_progress = min_progress

    def on_epoch_end(self, net, **kwargs):
        start = net.history[0, "train_loss"]
        if net.history[-1, self.monitor] > (1.0 - self.min_progress) * start:
            self.misses_ = 0
            return
        super().on_epoch_end(net, **kwargs)
