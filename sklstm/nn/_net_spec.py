"""What the torch side needs of an estimator to build its net, in one object.

An estimator of :mod:`sklstm.estimators` describes the network it wants, how
to train it and where to run it as a :class:`NetSpec` (built by
``BaseSequenceModel._net_spec``); :mod:`sklstm.nn._net` builds, continues and
restores skorch nets from that description alone. No function of
:mod:`sklstm.nn` reads an estimator: a new setting is one field here, filled
in where the estimator builds the spec. Pure Python (no torch), so that the
estimators may name it without importing torch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, kw_only=True)
class NetSpec:
    """An estimator's network, its training and its runtime, as plain values.

    Built fresh for every fit, warm fit and load (it holds this call's seed,
    data sizes and callback objects); numeric values are Python scalars
    (torch refuses numpy integers as layer sizes). Frozen: the fields are
    never reassigned, though the callback and split objects it carries are
    skorch's own, stateful ones.

    Parameters
    ----------
    n_features : int
        Features per step of the (3-D) input: the module's ``input_size``.
    n_outputs : int
        Outputs per sequence (targets, or class logits).
    hidden_size : int
        Units of each recurrent layer.
    num_layers : int
        Stacked recurrent layers.
    cell : {"lstm", "gru"}
        The recurrent cell.
    bidirectional : bool
        Whether each sequence is also read backwards.
    dropout : float
        Dropout between the recurrent layers and before the head.
    activation : {"tanh", "relu"}
        The cell's activation (``"relu"``: the unfused LSTM loop).
    head_size : int or None
        Units of the ReLU layer before the output, or None.
    pooling : {"last", "mean", "max"}, default="last"
        The sequence summary the head reads (see
        :class:`~sklstm.nn._module.SequenceRegressorModule`).
    conv_channels : int, default=0
        Channels of the strided convolutional front end, 0 without one.
    conv_kernel : int, default=1
        Its kernel width.
    conv_stride : int, default=1
        Its stride.
    n_ensemble : int, default=1
        Networks trained side by side (:class:`~sklstm.nn._ensemble.EnsembleModule`
        above 1).
    n_quantiles : int, default=1
        Values predicted per output (quantile levels; 1 without).
    anchor : int, default=0
        Position of the directly predicted quantile level (the others are
        softplus steps from it).
    linear_inputs : int, default=0
        Inputs of the linear path (steps x features of the flattened
        window), 0 without one.
    linear_init : tuple of (ndarray, ndarray) or None, default=None
        The linear path's starting ``(weight, bias)`` (its ridge start), for
        a fresh fit; None keeps the module's own start (a warm fit or a load
        overwrites the weights anyway).
    criterion : type
        The loss module class (skorch's ``criterion``).
    criterion_kwargs : mapping, default={}
        Its keyword arguments (skorch's ``criterion__*``).
    optimizer : str or type
        ``"adam"``, ``"adamw"``, ``"sgd"``, ``"rmsprop"`` or a
        ``torch.optim`` class.
    lr : float
        Learning rate.
    weight_decay : float
        The optimizer's weight decay.
    lr_schedule : {"plateau", "cosine"} or None
        The learning-rate schedule.
    clip_grad_norm : float or None
        Gradient norm clipping, or None.
    max_epochs : int
        Epochs of one fit call.
    batch_size : int
        Rows per training batch.
    shuffle : bool
        Whether the training rows are shuffled each epoch.
    early_stopping : bool
        Whether a validation split is held out and its loss watched (the
        best weights are kept); otherwise the training loss is watched.
    loss_window : int, default=1
        Without early stopping, the training loss is watched as its mean
        over this many most recent epochs (1: the epoch's own), so that one
        noisy epoch neither sets the best value nor ends the fit.
    min_progress : float, default=0.0
        Without early stopping, epochs whose watched training loss is still
        above ``1 - min_progress`` times the first epoch's do not count
        towards ``n_iter_no_change`` (a fit on its starting plateau goes on).
    n_iter_no_change : int
        Epochs without an improvement of more than ``tol`` before training
        ends (half of it, at least 1, is the plateau schedule's patience).
    tol : float
        The improvement that counts (scaled units).
    train_split : object or None
        skorch's ``train_split`` (the validation rows): None without early
        stopping.
    validation_scorer : tuple of (str, Callback) or None
        The callback that records the validation score, under its name
        (``"valid_r2"`` or ``"valid_acc"``); None without early stopping.
    seed : int
        The fit's seed: initial weights, shuffling, dropout.
    n_timesteps : int, default=1
        Steps per sequence of this call's data (bounds the rows of a
        training chunk).
    device : str
        The ``device`` hyperparameter, unresolved (``"auto"``, ``"cpu"``,
        ``"cuda"``, ``"cuda:N"``).
    n_threads : int or None
        The estimator's ``n_threads``.
    precision : {"float32", "bf16-mixed"}
        The training and inference precision.
    verbose : int
        skorch's verbosity (progress bar and epoch log above 0).
    callbacks : tuple, default=()
        The user's skorch callbacks, run after sklstm's own.

    Examples
    --------
    >>> spec = NetSpec(
    ...     n_features=1, n_outputs=1, hidden_size=8, num_layers=1, cell="lstm",
    ...     bidirectional=False, dropout=0.0, activation="tanh", head_size=None,
    ...     criterion=object, optimizer="adam", lr=1e-3, weight_decay=0.0,
    ...     lr_schedule=None, clip_grad_norm=None, max_epochs=10, batch_size=32,
    ...     shuffle=True, early_stopping=False, n_iter_no_change=10, tol=1e-4,
    ...     train_split=None, validation_scorer=None, seed=0, device="cpu",
    ...     n_threads=None, precision="float32", verbose=0,
    ... )
    >>> spec.n_directions
    1
    """

    # The data
    n_features: int
    n_outputs: int
    # The network
    hidden_size: int
    num_layers: int
    cell: str
    bidirectional: bool
    dropout: float
    activation: str
    head_size: int | None
    pooling: str = "last"
    conv_channels: int = 0
    conv_kernel: int = 1
    conv_stride: int = 1
    n_ensemble: int = 1
    # The learned outputs
    n_quantiles: int = 1
    anchor: int = 0
    linear_inputs: int = 0
    linear_init: tuple[Any, Any] | None = None
    # The loss
    criterion: type
    criterion_kwargs: Mapping[str, Any] = field(default_factory=dict)
    # The optimizer
    optimizer: str | type
    lr: float
    weight_decay: float
    # Schedule, stopping, validation
    lr_schedule: str | None
    clip_grad_norm: float | None
    max_epochs: int
    batch_size: int
    shuffle: bool
    early_stopping: bool
    loss_window: int = 1
    min_progress: float = 0.0
    n_iter_no_change: int
    tol: float
    train_split: Any
    validation_scorer: tuple[str, Any] | None
    # Runtime
    seed: int
    n_timesteps: int = 1
    device: str
    n_threads: int | None
    precision: str
    verbose: int
    callbacks: tuple = ()

    @property
    def n_directions(self) -> int:
        """2 for a bidirectional network, else 1."""
        return 2 if self.bidirectional else 1
