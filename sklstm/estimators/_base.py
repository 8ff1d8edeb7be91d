"""What every recurrent estimator of sklstm shares: inputs, scaling, training, state.

:class:`BaseSequenceModel` holds the fit machinery that does not depend on
what the network predicts: input validation and the NaN-layout scan, input
standardisation, the seed, the skorch net, the per-epoch history attributes
and the restore order of a loaded model. The net is described to
:mod:`sklstm.nn._net` as one :class:`~sklstm.nn._net_spec.NetSpec`
(:meth:`BaseSequenceModel._net_spec`), whose estimator-specific parts are
methods declared here with the regressor's defaults. A concrete estimator
adds its hyperparameters, its targets (:meth:`_learned_targets`), the
overrides of those methods and its predict path.

A fit is a transaction: the estimator's attributes are snapshotted when it
starts and put back if it raises or is interrupted before its first epoch
ends, and a warm fit trains a copy of the net (see
:func:`sklstm.nn._net.continued_net`), so a failed call leaves the estimator
exactly as it was, fitted or not.
"""

from __future__ import annotations

import os
import re
import signal
import sys
import threading
import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight

from .._state import Fitted, set_fitted_state
from ..nn._quantile_levels import quantile_layout
from ..windows._lags import features_per_step
from ._scaling import input_scaling
from ._validation import (
    check_sequences,
    input_ndim,
    scan_sequences,
    unit_mean_weights,
)

_OPTIMIZERS = {"adam", "adamw", "sgd", "rmsprop"}
# A 3-D input with one step and at least this many features is most likely
# (n_samples, n_timesteps, 1) with its last two axes swapped.
_AXIS_SWAP_FEATURES = 8


class _DeviceOptions(StrOptions):
    """``StrOptions`` that also accepts ``"cuda:N"`` (a CUDA device index)."""

    def is_satisfied_by(self, val):
        return super().is_satisfied_by(val) or (
            isinstance(val, str) and re.fullmatch(r"cuda:\d+", val) is not None
        )

    def __str__(self):
        return f"{super().__str__()} or 'cuda:N' (a CUDA device index)"


def load_torch() -> None:
    """Import torch, skorch and sklstm's modules on them, safe from Ctrl-C.

    torch is imported on the first fit or load (``import sklstm`` stays
    light). A ``KeyboardInterrupt`` raised in the middle of torch's import
    leaves it half-initialised for the rest of the process, so during the
    import SIGINT is blocked (POSIX, main thread) and a Ctrl-C that reaches
    Python meanwhile (e.g. through another thread) is held back; either is
    delivered as the usual ``KeyboardInterrupt`` once the import is done.
    """
    if (
        "sklstm.nn._net" in sys.modules
        and "sklstm.estimators._predictor" in sys.modules
    ):
        return
    if threading.current_thread() is not threading.main_thread():
        # Signals are only handled in the main thread.
        _import_torch_modules()
        return
    held = []
    previous = signal.getsignal(signal.SIGINT)
    if previous is not None:  # None: a handler set outside Python, kept as is
        signal.signal(signal.SIGINT, lambda signum, frame: held.append(signum))
    blocks = hasattr(signal, "pthread_sigmask")
    if blocks:
        mask = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        _import_torch_modules()
    finally:
        if blocks:
            # A blocked Ctrl-C is delivered here, to the holding handler.
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    if held:
        signal.raise_signal(signal.SIGINT)  # now handled as the caller set up


def _import_torch_modules():
    import skorch  # noqa: F401
    import torch  # noqa: F401

    from ..nn import _net  # noqa: F401
    from . import _predictor  # noqa: F401


class BaseSequenceModel(BaseEstimator):
    """Shared fit machinery of the recurrent estimators (not for direct use)."""

    # The hyperparameters of the network and its training, in the groups and
    # order of the estimators' signatures; estimators extend this dict with
    # their own.
    _parameter_constraints: dict = {
        # architecture
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "cell": [StrOptions({"lstm", "gru"})],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "activation": [StrOptions({"tanh", "relu"})],
        "head_size": [Interval(Integral, 1, None, closed="left"), None],
        # what is learned, and from which input
        "scale": ["boolean"],
        "min_observed_steps": [Interval(Integral, 1, None, closed="left")],
        # optimisation
        "optimizer": [StrOptions(_OPTIMIZERS), callable],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "lr_schedule": [StrOptions({"plateau", "cosine"}), None],
        "clip_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        # stopping
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        # runtime
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
        "device": [_DeviceOptions({"cpu", "cuda", "auto"})],
        "callbacks": [list, None],
        "n_threads": [Interval(Integral, 1, None, closed="left"), None],
        "precision": [StrOptions({"float32", "bf16-mixed"})],
    }

    # The fitted attributes every recurrent estimator has (see sklstm._state);
    # estimators append their own.
    _fitted_state = (
        Fitted("n_features_in_", "int"),
        Fitted("feature_names_in_", "names", optional=True),
        Fitted("x_mean_", "array"),
        Fitted("x_scale_", "array"),
        Fitted("device_", "str"),
        Fitted("loss_curve_", "floats"),
        Fitted("validation_loss_curve_", "floats"),
        Fitted("validation_scores_", "floats"),
        Fitted("best_epoch_", "int"),
        Fitted("n_iter_", "int"),
        Fitted("n_samples_skipped_", "int"),
        Fitted("_n_input_dims", "int"),
        Fitted("_seed_", "int"),
        Fitted("net_", "net"),
    )

    # Hyperparameters a warm fit (warm_start=True, partial_fit) cannot change:
    # they shape the network's weights, its optimizer state or the seed. All
    # others take effect in the next warm fit; estimators extend this tuple.
    _warm_start_fixed = (
        "hidden_size",
        "num_layers",
        "cell",
        "bidirectional",
        "dropout",
        "activation",
        "head_size",
        "scale",
        "optimizer",
        "random_state",
    )

    def _learned_targets(self, X3, y, *, continuing):
        """The targets the network is trained on, as float (n_samples, n_outputs).

        Sets the estimator's target attributes on a fresh fit (``continuing``
        False) and checks ``y`` against them otherwise.
        """
        raise NotImplementedError

    def _input_scaling(self, X3, stats):
        """``(x_mean_, x_scale_)`` of a fresh fit, from the scan of ``X3``."""
        return input_scaling(stats.mean, stats.std, scale=self.scale)

    def _transform_inputs(self, X3):
        """Validated sequences as the network's input scaling sees them (as is)."""
        return X3

    def _input_reference(self):
        """The feature fed as relative windows (see SequenceDataset), or None."""
        return None

    def _fit(self, X, y, sample_weight, *, continuing, epochs):
        load_torch()
        from ..nn._precision import training_context

        before = dict(vars(self))
        try:
            with training_context():
                self._fit_transaction(
                    X, y, sample_weight, continuing=continuing, epochs=epochs
                )
        except BaseException:
            # Nothing of a failed or interrupted call stays: the attributes
            # (fitted or not) go back to what they were; the net they name
            # was not trained (a warm fit trains a copy).
            vars(self).clear()
            vars(self).update(before)
            raise
        return self

    def _fit_transaction(self, X, y, sample_weight, *, continuing, epochs):
        if continuing:
            # sklearn skips parameter validation in partial_fit once fitted;
            # a warm call honours most parameters, so they are checked here.
            self._validate_params()
            self._check_warm_start_params()
        n_input_dims = input_ndim(X)
        X3, y = check_sequences(self, X, reset=not continuing, y=y)
        X3 = self._transform_inputs(X3)
        self._check_parameter_combinations(X3.shape[2])
        if not continuing and n_input_dims == 3:
            _warn_if_axes_look_swapped(X3.shape)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X3, ensure_non_negative=True
            )
        # Statistics on every call: a warm fit must refuse values too large
        # for them as a fresh fit does (one more pass, cheap next to an epoch).
        stats = scan_sequences(X3, with_stats=True)
        used = np.flatnonzero(stats.n_observed >= self.min_observed_steps)
        if len(used) == 0:
            raise ValueError(
                f"No sample has min_observed_steps={self.min_observed_steps} "
                f"observed steps; lower min_observed_steps or use longer windows."
            )
        if sample_weight is not None:
            sample_weight = unit_mean_weights(
                sample_weight[used], self.min_observed_steps
            )
        targets = self._learned_targets(X3, y, used=used, continuing=continuing)
        if not continuing:
            self._n_input_dims = n_input_dims
            self.x_mean_, self.x_scale_ = self._input_scaling(X3, stats)
        self.n_samples_skipped_ = len(X3) - len(used)

        from ..nn._training import SequenceDataset

        dataset = SequenceDataset(
            X3,
            self.x_mean_,
            self.x_scale_,
            y=targets[used],
            sample_weight=sample_weight,
            rows=None if len(used) == len(X3) else used,
            reference_feature=self._input_reference(),
        )
        self._run_training(
            dataset,
            continuing=continuing,
            epochs=epochs,
            has_missing_steps=bool((stats.n_observed[used] < X3.shape[1]).any()),
        )

    def _check_warm_start_params(self):
        """Refuse a warm fit whose fixed hyperparameters changed since the last fit."""
        fitted_with = getattr(self.net_, "sklstm_fixed_params", None)
        if fitted_with is None:  # pickled by a version that did not record them
            return
        for name in self._warm_start_fixed:
            if name not in fitted_with:
                continue
            old, new = fitted_with[name], getattr(self, name)
            if not _same_value(old, new):
                raise ValueError(
                    f"{name}={new!r}, but the network was fitted with "
                    f"{name}={old!r}; a warm start (warm_start=True or "
                    f"partial_fit) cannot change {name}. Set it back to "
                    f"{old!r}, or fit from scratch with warm_start=False."
                )

    # ------------------------------------------------ the contract with nn
    # What sklstm.nn needs of an estimator is one NetSpec, built here. The
    # methods below say what differs between estimators; each has the
    # regressor's answer as its default, and LSTMClassifier (or
    # LSTMRegressor, for its extra outputs) overrides it.

    def _net_spec(self, n_features, *, seed, n_timesteps=1, linear_init=None):
        """The :class:`~sklstm.nn._net_spec.NetSpec` of this estimator's net.

        Built from the hyperparameters (numpy scalars as Python ones: sklearn
        validates ``np.int64(8)`` as an int, but torch refuses it as a layer
        size; the user's values stay as set), ``n_outputs_`` and the hooks
        below.

        Parameters
        ----------
        n_features : int
            Features per step of the 3-D input.
        seed : int
            The fit's seed (``_seed_``).
        n_timesteps : int, default=1
            Steps per sequence of this call's data.
        linear_init : tuple of (ndarray, ndarray) or None, default=None
            The linear path's start, for a fresh fit.
        """
        from ..nn._net_spec import NetSpec

        params = {
            name: value.item() if isinstance(value, np.generic) else value
            for name, value in self.get_params(deep=False).items()
        }
        n_quantiles, anchor = quantile_layout(self._quantile_levels())
        criterion, criterion_kwargs = self._criterion()
        validating = bool(params["early_stopping"])
        return NetSpec(
            n_features=n_features,
            n_outputs=self.n_outputs_,
            hidden_size=params["hidden_size"],
            num_layers=params["num_layers"],
            cell=params["cell"],
            bidirectional=params["bidirectional"],
            dropout=params["dropout"],
            activation=params["activation"],
            head_size=params["head_size"],
            **self._spec_extras(),
            n_ensemble=int(self._ensemble_size()),
            n_quantiles=n_quantiles,
            anchor=anchor,
            linear_inputs=self._linear_path_inputs(),
            linear_init=linear_init,
            criterion=criterion,
            criterion_kwargs=criterion_kwargs,
            optimizer=params["optimizer"],
            lr=params["lr"],
            weight_decay=params["weight_decay"],
            lr_schedule=params["lr_schedule"],
            clip_grad_norm=params["clip_grad_norm"],
            max_epochs=params["max_epochs"],
            batch_size=params["batch_size"],
            shuffle=params["shuffle"],
            early_stopping=params["early_stopping"],
            n_iter_no_change=params["n_iter_no_change"],
            tol=params["tol"],
            train_split=self._validation_split(seed) if validating else None,
            validation_scorer=self._validation_scorer() if validating else None,
            seed=seed,
            n_timesteps=n_timesteps,
            device=params["device"],
            n_threads=params["n_threads"],
            precision=params["precision"],
            verbose=params["verbose"],
            callbacks=tuple(params["callbacks"] or ()),
        )

    def _criterion(self):
        """``(loss module class, kwargs)`` of the training loss.

        The regression loss ``loss`` (with its quantile levels for
        ``"quantile"``) on the scaled targets.
        """
        from ..nn._quantile_levels import anchor_index
        from ..nn._training import WeightedLoss

        kwargs = {"kind": self.loss}
        levels = self._quantile_levels()
        if levels is not None:
            kwargs.update(quantiles=levels, anchor=anchor_index(levels))
        return WeightedLoss, kwargs

    def _validation_split(self, seed):
        """skorch's ``train_split`` for early stopping: the most recent rows."""
        from ..nn._training import TailSplit

        return TailSplit(self.validation_fraction)

    def _validation_scorer(self):
        """``(name, callback)`` recording the validation score: R^2."""
        from ..nn._training import ValidationR2

        return "valid_r2", ValidationR2()

    def _quantile_levels(self):
        """The quantile levels the network predicts per output, or None (one value)."""
        return None

    def _spec_extras(self):
        """NetSpec fields that only some estimators set (none: their defaults)."""
        return {}

    def _ensemble_size(self):
        """Networks trained side by side (1: one network)."""
        return 1

    def _linear_path_inputs(self):
        """Inputs of the network's linear path (0: none)."""
        return 0

    def _linear_path_start(self, dataset):
        """``(weight, bias)`` the linear path of a fresh fit starts at, or None."""
        return None

    def _check_parameter_combinations(self, n_features):
        """Hyperparameters valid alone but not together, or not for this data."""
        if self.activation == "relu" and self.cell != "lstm":
            raise ValueError(
                "activation='relu' is only implemented for cell='lstm'; use "
                "activation='tanh' with cell='gru'."
            )

    def _run_training(self, dataset, *, continuing, epochs, has_missing_steps):
        from ..nn._net import (
            build_net,
            continued_net,
            history_attributes,
            pop_interrupted_epoch,
            resolve_device,
            stopped_at_convergence,
            train,
        )

        n_timesteps, n_features = dataset.X3.shape[1:]
        if continuing:
            spec = self._net_spec(n_features, seed=self._seed_, n_timesteps=n_timesteps)
            n_before = len(self.net_.history)
            device, net = continued_net(spec, self.net_)
        else:
            # One draw per fresh fit: an int random_state always gives the
            # same seed; None or a RandomState instance advance as in sklearn.
            random_state = check_random_state(self.random_state)
            self._seed_ = int(random_state.randint(2**31 - 1))
            spec = self._net_spec(
                n_features,
                seed=self._seed_,
                n_timesteps=n_timesteps,
                linear_init=self._linear_path_start(dataset),
            )
            n_before = 0
            device = resolve_device(spec.device)
            net = build_net(spec, device=device)
        train(
            net,
            dataset,
            seed=self._seed_,
            initialize=not continuing,
            epochs=epochs,
            n_threads=spec.n_threads,
            has_missing_steps=has_missing_steps,
        )
        interrupted = pop_interrupted_epoch(net)
        if interrupted is not None and len(net.history) == n_before:
            # Not one epoch finished: the call did nothing; _fit rolls back.
            raise KeyboardInterrupt
        if interrupted is not None:
            warnings.warn(
                f"Training was interrupted (KeyboardInterrupt) during epoch "
                f"{interrupted}; the model keeps the weights of the last finished "
                f"epoch ({interrupted - 1}) and can be used or trained further.",
                UserWarning,
                stacklevel=6,
            )
        # Commit: every attribute of the new state, then the derived predictor.
        self.device_ = device
        self.net_ = net
        self._record_fixed_params()
        for name, value in history_attributes(net, self.early_stopping).items():
            setattr(self, name, value)
        self._predictor = self._make_predictor()
        # Only max_epochs itself (not a user's callback, nor partial_fit's one
        # epoch) ends a fit that was still improving.
        ran_all = len(net.history) - n_before >= self.max_epochs
        if epochs is None and ran_all and not stopped_at_convergence(net):
            self._warn_not_converged()

    def _warn_not_converged(self):
        """MLPRegressor's ConvergenceWarning: max_epochs ended a fit still improving."""
        watched = "validation" if self.early_stopping else "training"
        warnings.warn(
            f"max_epochs={self.max_epochs} reached while the {watched} loss was "
            f"still improving by more than tol={self.tol} within "
            f"n_iter_no_change={self.n_iter_no_change} epochs; the model may "
            f"fit better with a larger max_epochs (or stop sooner with a "
            f"larger tol).",
            ConvergenceWarning,
            stacklevel=_user_stacklevel(),
        )

    def _record_fixed_params(self):
        """Remember, on the net, the hyperparameters a warm fit must keep."""
        self.net_.sklstm_fixed_params = {
            name: getattr(self, name) for name in self._warm_start_fixed
        }

    def _make_predictor(self):
        """The predict path of a fitted estimator (built after fit and load)."""
        raise NotImplementedError

    def _check_restored(self):
        """Raise ValueError if restored attributes do not fit together."""
        if self._n_input_dims not in (2, 3):
            raise ValueError("_n_input_dims is neither 2 nor 3")
        _check_vectors(self, ("x_mean_", "x_scale_"), features_per_step(self))

    def _restore_fitted_state(self, state):
        """Become the fitted estimator ``state`` describes (used by load_model).

        ``state`` maps every name of ``_fitted_state`` to its value, except
        ``net_``, which is a :class:`~sklstm.io._saved_net.SavedNet`. The order is
        owned here: attributes, device, net, weights, derived constants.
        Raises ``ValueError`` naming what does not fit together.
        """
        load_torch()
        from ..nn._net import restore_net

        set_fitted_state(self, state)
        self._check_restored()
        spec = self._net_spec(features_per_step(self), seed=self._seed_)
        self.device_, self.net_ = restore_net(spec, state["net_"])
        self._record_fixed_params()
        self._predictor = self._make_predictor()


def _check_vectors(est, names, length):
    """Restored float vectors must have one value per feature (or output)."""
    for name in names:
        _check_vector(name, getattr(est, name), length)


def _check_vector(name, value, length):
    """Refuse a restored ``value`` that is not ``length`` floats (named ``name``)."""
    if value.dtype.kind != "f" or value.shape != (length,):
        raise ValueError(
            f"{name} has dtype {value.dtype} and shape {value.shape}, "
            f"expected {length} float(s)"
        )


def _same_value(old, new) -> bool:
    """Whether a hyperparameter kept its value (``8 == np.int64(8)``).

    Objects without value equality (a RandomState, a callable) must be the
    same object.
    """
    if old is new:
        return True
    try:
        return bool(old == new)
    except (TypeError, ValueError):
        return False


def _warn_if_axes_look_swapped(shape):
    n_samples, n_timesteps, n_features = shape
    if n_timesteps == 1 and n_features >= _AXIS_SWAP_FEATURES:
        warnings.warn(
            f"X has shape {shape}: one timestep of {n_features} features per "
            f"sample. If these are {n_features} timesteps of one feature (data "
            f"of shape (n_samples, {n_features}, 1) with its last two axes "
            f"swapped), pass X.transpose(0, 2, 1) instead. One-step sequences "
            f"are otherwise fine.",
            UserWarning,
            stacklevel=6,
        )


def _user_stacklevel() -> int:
    """The ``stacklevel`` of the first frame outside sklstm and sklearn's
    fit wrapper, for a warning raised by the function that calls this: the
    warning then points at the user's ``fit`` whatever the depth of the
    estimator's own calls."""
    package = os.path.dirname(os.path.abspath(__file__))
    wrapper = os.path.join("sklearn", "base.py")
    frame, level = sys._getframe(1), 1
    while frame is not None and (
        frame.f_code.co_filename.startswith(package)
        or frame.f_code.co_filename.endswith(wrapper)
    ):
        frame, level = frame.f_back, level + 1
    return level
