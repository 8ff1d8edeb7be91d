"""Wiring of the skorch net behind the estimators.

Split the way skorch splits ``NeuralNet.initialize()``: the module's
arguments, the optimizer's, the callbacks, then the net that holds them. The
estimator describes its net as a :class:`~sklstm.nn._net_spec.NetSpec`; this
module turns that into a :class:`~sklstm.nn._training.SequenceNet` (fresh,
continued for a warm fit, or restored from a model file) and reads nothing
else of the estimator. Imported on first fit or load, so ``import sklstm``
does not import torch.
"""

from __future__ import annotations

import copy
import re
import warnings

import numpy as np
import torch
from skorch.callbacks import EarlyStopping, GradientNormClipping, LRScheduler
from skorch.history import History

from ._ensemble import EnsembleModule
from ._module import SequenceRegressorModule
from ._net_spec import NetSpec
from ._precision import check_precision
from ._progress import BatchProgress, EpochLog, output_is_interactive
from ._torch_threads import (
    choose_num_threads,
    thread_governor,
    torch_threads,
    unit_work,
)
from ._training import (
    BatchIterator,
    ConvergenceStopping,
    RestoreOnInterrupt,
    SequenceNet,
    SmoothedLoss,
    StopOnDivergence,
    chunk_rows,
)

_OPTIMIZER_CLASSES = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}
_FUSED_SUPPORT: dict[str, bool] = {}
# The validation-score callbacks, by the name each records in the history.
_VALIDATION_SCORES = ("valid_r2", "valid_acc")


_CUDA_INDEX = re.compile(r"cuda:(\d+)")


def resolve_device(device: str) -> str:
    """The torch device for a ``device`` hyperparameter (``"auto"`` resolved).

    ``"cuda"`` and ``"cuda:N"`` must name a CUDA device torch can see.

    Examples
    --------
    >>> resolve_device("cpu")
    'cpu'
    """
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cpu":
        return device
    if not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} but torch finds no CUDA device; use "
            f"device='cpu' or device='auto'."
        )
    match = _CUDA_INDEX.fullmatch(device)
    if match and int(match.group(1)) >= torch.cuda.device_count():
        raise ValueError(
            f"device={device!r} but torch sees {torch.cuda.device_count()} "
            f"CUDA device(s), numbered from 0; use one of those, 'cuda' or "
            f"'auto'."
        )
    return device


def restore_device(device: str) -> str:
    """:func:`resolve_device` for a loaded model: CPU, with a warning, if CUDA is gone.

    Examples
    --------
    >>> restore_device("cpu")
    'cpu'
    """
    try:
        return resolve_device(device)
    except ValueError:
        warnings.warn(
            f"This model was saved with device={device!r}, but torch finds no "
            f"CUDA device here to run it on; it is loaded on the CPU. Use "
            f"set_params(device='cpu') or 'auto' before training it further.",
            UserWarning,
            stacklevel=5,
        )
        return "cpu"


def module_kwargs(spec: NetSpec) -> dict:
    """skorch's ``module__*`` arguments: the recurrent stack and its head.

    ``spec.n_ensemble > 1`` gives an
    :class:`~sklstm.nn._ensemble.EnsembleModule` of that many such networks;
    1 the plain :class:`~sklstm.nn._module.SequenceRegressorModule`.
    """
    ensemble = {}
    if spec.n_ensemble > 1:
        ensemble = dict(module=EnsembleModule, module__n_members=spec.n_ensemble)
    quantiles = {}
    if spec.n_quantiles > 1:
        quantiles = dict(
            module__n_quantiles=spec.n_quantiles, module__anchor=spec.anchor
        )
    front = {}
    if spec.pooling != "last" or spec.conv_channels:
        front = dict(
            module__pooling=spec.pooling,
            module__conv_channels=spec.conv_channels,
            module__conv_kernel=spec.conv_kernel,
            module__conv_stride=spec.conv_stride,
        )
    kwargs = dict(
        module=SequenceRegressorModule,
        module__input_size=spec.n_features,
        module__output_size=spec.n_outputs,
        module__hidden_size=spec.hidden_size,
        module__num_layers=spec.num_layers,
        module__cell=spec.cell,
        module__bidirectional=spec.bidirectional,
        module__dropout=spec.dropout,
        module__activation=spec.activation,
        module__head_size=spec.head_size,
        module__linear_inputs=spec.linear_inputs,
        module__linear_init=spec.linear_init,
        **quantiles,
        **front,
    )
    return {**kwargs, **ensemble}


def optimizer_kwargs(spec: NetSpec, device: str) -> dict:
    """skorch's ``optimizer`` and ``optimizer__*`` arguments."""
    kwargs = {"optimizer__weight_decay": spec.weight_decay}
    optimizer = spec.optimizer
    if isinstance(optimizer, str):
        if optimizer in ("adam", "adamw") and fused_adam_supported(device):
            # One fused kernel per step instead of ~6 ops per parameter: the
            # same update (see benchmarks/README.md for the time it saves).
            kwargs["optimizer__fused"] = True
        optimizer = _OPTIMIZER_CLASSES[optimizer]
    return {"optimizer": optimizer, "lr": spec.lr, **kwargs}


def callbacks(spec: NetSpec) -> list:
    """The callbacks of a fit, as ``(name, callback)`` pairs, user's last.

    At the end of an epoch they run in this order: the weights are
    snapshotted, the epoch's numbers completed and printed, then the
    callbacks that may end training (divergence, then early stopping or
    convergence) run, so the
    last epoch's row is always printed.
    """
    monitor = "valid_loss" if spec.early_stopping else "train_loss"
    result = [("restore_on_interrupt", RestoreOnInterrupt())]
    if spec.early_stopping:
        result.append(spec.validation_scorer)
    if spec.lr_schedule == "plateau":
        scheduler = LRScheduler(
            policy="ReduceLROnPlateau",
            monitor=monitor,
            patience=max(1, spec.n_iter_no_change // 2),
            factor=0.5,
        )
        result.append(("lr_schedule", scheduler))
    elif spec.lr_schedule == "cosine":
        scheduler = LRScheduler(policy="CosineAnnealingLR", T_max=spec.max_epochs)
        result.append(("lr_schedule", scheduler))
    if spec.clip_grad_norm is not None:
        result.append(("clip_grad_norm", GradientNormClipping(spec.clip_grad_norm)))
    if spec.verbose:
        terminal = output_is_interactive()
        if terminal.progress:
            result.append(("progress_bar", BatchProgress()))
        result.append(("epoch_log", EpochLog(colour=terminal.colour)))
    result.append(("stop_on_divergence", StopOnDivergence()))
    if not spec.early_stopping and spec.loss_window > 1:
        result.append(("smoothed_loss", SmoothedLoss(spec.loss_window)))
    result.append(stopping_callback(spec))
    for i, callback in enumerate(spec.callbacks):
        result.append((f"user_{i}", callback))
    return result


def stopping_callback(spec: NetSpec) -> tuple[str, EarlyStopping]:
    """The callback that ends a fit once its monitored loss stops improving.

    ``MLPRegressor``'s rule: with ``early_stopping`` the validation loss is
    watched and the best weights are restored; without it the training loss
    is, and the fit keeps its last weights. Both times the loss (scaled
    units) must fall by more than ``tol`` below the best value so far within
    ``n_iter_no_change`` consecutive epochs, or training ends. With
    ``spec.loss_window`` above 1 the training loss watched is its running
    mean (:class:`~sklstm.nn._training.SmoothedLoss`); with
    ``spec.min_progress`` the epochs before it falls that far below the
    first epoch's do not count
    (:class:`~sklstm.nn._training.ConvergenceStopping`).
    """
    validating = bool(spec.early_stopping)
    monitor = "valid_loss" if validating else "train_loss"
    if not validating and spec.loss_window > 1:
        monitor = SmoothedLoss.key
    kwargs = dict(
        monitor=monitor,
        patience=spec.n_iter_no_change,
        threshold=spec.tol,
        threshold_mode="abs",
        load_best=validating,
        sink=print if spec.verbose else _silent,
    )
    if not validating and spec.min_progress:
        stopper = ConvergenceStopping(min_progress=spec.min_progress, **kwargs)
    else:
        stopper = EarlyStopping(**kwargs)
    return ("early_stopping" if validating else "convergence", stopper)


def stopped_at_convergence(net) -> bool:
    """Whether the stopping callback (not ``max_epochs``) ended the last fit call.

    skorch's ``EarlyStopping`` ends training once ``misses_`` reaches its
    patience.
    """
    callbacks = dict(net.callbacks_)
    stopper = callbacks.get("early_stopping", callbacks.get("convergence"))
    return stopper is not None and stopper.misses_ >= stopper.patience


def default_callback_overrides(*, verbose: bool, validating: bool) -> dict:
    """skorch's default callbacks that do no work here, switched off.

    skorch adds epoch_timer/train_loss/valid_loss/print_log by default and
    calls every callback on every batch: the timer is dropped when silent,
    valid_loss without a validation split. skorch's table always runs last,
    after early stopping has ended training, so :class:`EpochLog` prints it
    instead (see :func:`callbacks`).
    """
    overrides = {"callbacks__print_log": None}
    if not verbose:
        overrides.update(callbacks__epoch_timer=None)
    if not validating:
        overrides.update(callbacks__valid_loss=None)
    return overrides


def criterion_kwargs(spec: NetSpec) -> dict:
    """skorch's ``criterion`` and ``criterion__*`` arguments."""
    return {
        "criterion": spec.criterion,
        **{f"criterion__{key}": value for key, value in spec.criterion_kwargs.items()},
    }


def build_net(spec: NetSpec, *, device: str) -> SequenceNet:
    """An uninitialised :class:`SequenceNet` as ``spec`` describes it.

    Parameters
    ----------
    spec : NetSpec
        The network, its training and its runtime.
    device : str
        A resolved torch device (see :func:`resolve_device`).

    Returns
    -------
    SequenceNet
    """
    net = SequenceNet(
        **module_kwargs(spec),
        module__init_seed=spec.seed,
        **optimizer_kwargs(spec, device),
        **criterion_kwargs(spec),
        max_epochs=spec.max_epochs,
        batch_size=spec.batch_size,
        iterator_train=BatchIterator,
        iterator_train__shuffle=spec.shuffle,
        iterator_train__seed=spec.seed,
        iterator_valid=BatchIterator,
        train_split=spec.train_split,
        callbacks=callbacks(spec),
        device=device,
        verbose=spec.verbose,
        # Model files are read without unpickling anything but tensors.
        torch_load_kwargs={"weights_only": True},
        **default_callback_overrides(
            verbose=bool(spec.verbose), validating=spec.early_stopping
        ),
    )
    # An instance attribute (not a constructor argument): skorch would
    # otherwise route it to the module.
    net.max_chunk_rows = chunk_rows(
        spec.n_timesteps, spec.hidden_size, spec.num_layers, spec.n_directions
    )
    net.precision = spec.precision
    check_precision(net.precision, device)
    return net


def fused_adam_supported(device: str) -> bool:
    """Whether this torch build has a fused Adam kernel for ``device``.

    Examples
    --------
    >>> isinstance(fused_adam_supported("cpu"), bool)
    True
    """
    kind = device.split(":")[0]
    if kind not in _FUSED_SUPPORT:
        try:
            param = torch.zeros(1, device=device, requires_grad=True)
            param.grad = torch.zeros_like(param)
            torch.optim.Adam([param], fused=True).step()
            _FUSED_SUPPORT[kind] = True
        except (RuntimeError, TypeError, ValueError):
            _FUSED_SUPPORT[kind] = False
    return _FUSED_SUPPORT[kind]


def _silent(*args, **kwargs):
    """A sink that drops skorch's messages when verbose=0."""


def pop_interrupted_epoch(net) -> int | None:
    """The epoch a KeyboardInterrupt cut short, or None; its partial row is removed.

    skorch swallows the interrupt; :class:`RestoreOnInterrupt` has put the
    weights of the last finished epoch back, so the history must end there too.
    """
    epoch = dict(net.callbacks_)["restore_on_interrupt"].interrupted_epoch_
    if epoch is not None and len(net.history) and "train_loss" not in net.history[-1]:
        net.history.pop()
    return epoch


def history_attributes(net, early_stopping: bool) -> dict:
    """The estimator's curve attributes, read from the net's per-epoch history."""
    history = net.history
    n_iter = len(history)
    result = {
        "loss_curve_": [float(v) for v in history[:, "train_loss"]] if n_iter else [],
        "n_iter_": n_iter,
        "validation_loss_curve_": [],
        "validation_scores_": [],
        "best_epoch_": n_iter,
    }
    if early_stopping and n_iter:
        # A warm fit may switch early stopping on: earlier rows have no
        # validation loss.
        result["validation_loss_curve_"] = [
            float(row.get("valid_loss", float("nan"))) for row in history
        ]
        names = dict(net.callbacks_)
        key = next((k for k in _VALIDATION_SCORES if k in names), "valid_r2")
        result["validation_scores_"] = [
            float(row.get(key, float("nan"))) for row in history
        ]
        # skorch's EarlyStopping restores the last epoch that improved by more
        # than tol, which is not always the argmin of the curve.
        best = getattr(dict(net.callbacks_)["early_stopping"], "best_epoch_", None)
        if best is not None:
            result["best_epoch_"] = int(best)
    return result


def train(
    net: SequenceNet,
    dataset,
    *,
    seed: int,
    initialize: bool,
    epochs: int | None,
    n_threads: int | None,
    has_missing_steps: bool,
) -> None:
    """Run skorch's training loop, seeded, without touching the caller's RNGs.

    Every random draw comes from the fit's own generators (the initial
    weights from ``module__init_seed``, the shuffling from
    :class:`BatchIterator`'s, dropout from the module's), never from torch's
    global RNG: fits in concurrent threads are independent and each is
    reproducible, and the caller's RNG state is never read or changed.

    Parameters
    ----------
    net : SequenceNet
        Built by :func:`build_net`; initialised here when ``initialize``.
    dataset : SequenceDataset
        The scaled training rows.
    seed : int
        The fit's seed. Each call seeds with ``seed`` and the epochs already
        run, so warm-start and partial_fit calls draw fresh but reproducible
        dropout and shuffling.
    initialize : bool
        True for a fresh fit (initial weights are drawn from the seed).
    epochs : int or None
        Epochs to run; None means ``max_epochs``.
    n_threads : int or None
        The estimator's ``n_threads`` (see :func:`choose_num_threads`).
    has_missing_steps : bool
        Whether any training sequence has leading NaN steps.
    """
    n_samples, n_timesteps, n_features = dataset.X3.shape
    shape = (
        min(n_samples, net.batch_size),
        n_timesteps,
        net.module__hidden_size,
        n_features,
    )
    threads = choose_num_threads(n_threads, *shape)
    with torch_threads(threads):
        if initialize:
            net.initialize()
        n_done = len(net.history)
        # skorch stores iterator arguments as plain attributes; its
        # set_params refuses to change them on an initialized net.
        net.iterator_train__seed = seed + n_done
        module = net.module_
        module.generator = torch.Generator(device=net.device).manual_seed(
            dropout_seed(seed, n_done)
        )
        # A module attribute, not a fit parameter: skorch would hand fit
        # parameters to sklearn's metadata routing, which refuses unknown
        # ones. With no leading NaN anywhere the module skips its test.
        module.missing_steps_hint = None if has_missing_steps else False
        net.thread_governor = thread_governor(
            n_threads, threads, "train", unit_work(*shape), net.device
        )
        try:
            net.partial_fit(dataset, None, epochs=epochs)
        finally:
            # The generator is per fit; leaving none keeps the net picklable
            # and predict independent of training.
            module.generator = None
            module.missing_steps_hint = None
            net.thread_governor = None


def dropout_seed(seed: int, n_done: int) -> int:
    """Seed of the dropout masks of a fit call, a stream apart from the shuffling.

    Examples
    --------
    >>> dropout_seed(0, 0) == dropout_seed(0, 0) != dropout_seed(0, 1)
    True
    """
    return int(np.random.SeedSequence([seed, n_done, 1]).generate_state(1)[0])


def continued_net(spec: NetSpec, old: SequenceNet) -> tuple[str, SequenceNet]:
    """A new net for a warm fit: ``old``'s weights and state, ``spec``'s settings.

    ``old`` is not changed, so a warm fit that fails keeps the estimator as it
    was. The settings a warm fit honours (epochs, batches, early stopping,
    callbacks, verbosity, device, ...) come from ``spec``; ``lr`` and
    ``weight_decay`` update the optimizer's param_groups when they changed,
    while its moment estimates (and a schedule's current lr) carry on.

    Parameters
    ----------
    spec : NetSpec
        The current hyperparameters, this call's data sizes and the fit's
        seed.
    old : SequenceNet
        The fitted net.

    Returns
    -------
    device : str
    net : SequenceNet
        Initialised, holding copies of ``old``'s weights, optimizer state and
        history.
    """
    device = resolve_device(spec.device)
    net = build_net(spec, device=device)
    net.initialize()
    net.module_.load_state_dict(old.module_.state_dict())
    # torch's load_state_dict keeps tensors that need no conversion: a deep
    # copy keeps the old optimizer's moments out of this fit's updates.
    net.optimizer_.load_state_dict(copy.deepcopy(old.optimizer_.state_dict()))
    for group in net.optimizer_.param_groups:
        if spec.lr != old.lr:
            group["lr"] = group["initial_lr"] = spec.lr
        if spec.weight_decay != old.optimizer__weight_decay:
            group["weight_decay"] = spec.weight_decay
        # A schedule switched on by this fit starts from the current lr.
        group.setdefault("initial_lr", group["lr"])
    net.history_ = History(dict(row) for row in old.history)
    return device, net


def restore_net(spec: NetSpec, saved) -> tuple[str, SequenceNet]:
    """The device and the net of a loaded estimator, with its saved weights.

    Parameters
    ----------
    spec : NetSpec
        Built from the loaded hyperparameters and fitted attributes.
    saved : SavedNet
        Weights, optimizer state, history and chunk size read from the file.

    Returns
    -------
    device : str
    net : SequenceNet
    """
    device = restore_device(spec.device)
    # The initial weights are drawn from the seed's own generator (and
    # overwritten just below): the global torch RNG is untouched.
    net = build_net(spec, device=device)
    net.initialize()
    net.max_chunk_rows = saved.max_chunk_rows
    saved.load_into(net)
    net.module_.eval()
    return device, net
