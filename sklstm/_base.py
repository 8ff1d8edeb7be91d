"""What every recurrent estimator of sklstm shares: inputs, scaling, training, state.

:class:`BaseSequenceModel` holds the fit machinery that does not depend on
what the network predicts: input validation and the NaN-layout scan, input
standardisation, the seed, the skorch net (built by :mod:`sklstm._net`), the
per-epoch history attributes and the restore order of a loaded model. A
concrete estimator adds its hyperparameters, its targets
(:meth:`_learned_targets`) and its predict path.
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight

from ._scaling import input_scaling
from ._state import Fitted, set_fitted_state
from ._validation import check_sequences, input_ndim, scan_sequences

_OPTIMIZERS = {"adam", "adamw", "sgd", "rmsprop"}


class BaseSequenceModel(BaseEstimator):
    """Shared fit machinery of the recurrent estimators (not for direct use)."""

    # The hyperparameters of the network and its training; estimators extend
    # this dict with their own.
    _parameter_constraints: dict = {
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "cell": [StrOptions({"lstm", "gru"})],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "activation": [StrOptions({"tanh", "relu"})],
        "head_size": [Interval(Integral, 1, None, closed="left"), None],
        "scale": ["boolean"],
        "min_observed_steps": [Interval(Integral, 1, None, closed="left")],
        "optimizer": [StrOptions(_OPTIMIZERS), callable],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "lr_schedule": [StrOptions({"plateau", "cosine"}), None],
        "clip_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "random_state": ["random_state"],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
        "device": [StrOptions({"cpu", "cuda", "auto"})],
        "callbacks": [list, None],
        "n_threads": [Interval(Integral, 1, None, closed="left"), None],
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

    def _learned_targets(self, X3, y, *, continuing):
        """The targets the network is trained on, as float (n_samples, n_outputs).

        Sets the estimator's target attributes on a fresh fit (``continuing``
        False) and checks ``y`` against them otherwise.
        """
        raise NotImplementedError

    def _fit(self, X, y, sample_weight, *, continuing, epochs):
        n_input_dims = input_ndim(X)
        X3, y = check_sequences(self, X, reset=not continuing, y=y)
        self._check_parameter_combinations(X3.shape[2])
        if sample_weight is not None:
            sample_weight = _check_sample_weight(
                sample_weight, X3, ensure_non_negative=True
            )
        stats = scan_sequences(X3, with_stats=not continuing)
        used = np.flatnonzero(stats.n_observed >= self.min_observed_steps)
        if len(used) == 0:
            raise ValueError(
                f"No sample has min_observed_steps={self.min_observed_steps} "
                f"observed steps; lower min_observed_steps or use longer windows."
            )
        targets = self._learned_targets(X3, y, used=used, continuing=continuing)
        if not continuing:
            self._n_input_dims = n_input_dims
            self.x_mean_, self.x_scale_ = input_scaling(
                stats.mean, stats.std, scale=self.scale
            )
        self.n_samples_skipped_ = len(X3) - len(used)

        from ._training import SequenceDataset

        dataset = SequenceDataset(
            X3,
            self.x_mean_,
            self.x_scale_,
            y=targets[used],
            sample_weight=None if sample_weight is None else sample_weight[used],
            rows=None if len(used) == len(X3) else used,
        )
        self._run_training(
            dataset,
            continuing=continuing,
            epochs=epochs,
            has_missing_steps=bool((stats.n_observed[used] < X3.shape[1]).any()),
        )
        return self

    def _check_parameter_combinations(self, n_features):
        """Hyperparameters valid alone but not together, or not for this data."""
        if self.activation == "relu" and self.cell != "lstm":
            raise ValueError(
                "activation='relu' is only implemented for cell='lstm'; use "
                "activation='tanh' with cell='gru'."
            )

    def _run_training(self, dataset, *, continuing, epochs, has_missing_steps):
        from ._net import (
            build_net,
            history_attributes,
            pop_interrupted_epoch,
            resolve_device,
            train,
        )

        if not continuing:
            # One draw per fresh fit: an int random_state always gives the
            # same seed; None or a RandomState instance advance as in sklearn.
            random_state = check_random_state(self.random_state)
            self._seed_ = int(random_state.randint(2**31 - 1))
            self.device_ = resolve_device(self.device)
            n_timesteps, n_features = dataset.X3.shape[1:]
            self.net_ = build_net(
                self,
                n_features,
                self._seed_,
                device=self.device_,
                n_timesteps=n_timesteps,
            )
        try:
            train(
                self.net_,
                dataset,
                seed=self._seed_,
                initialize=not continuing,
                epochs=epochs,
                n_threads=self.n_threads,
                has_missing_steps=has_missing_steps,
            )
        except Exception:
            # A failed fit (e.g. divergence) leaves weights that would
            # predict NaN: the estimator goes back to unfitted.
            del self.net_
            raise
        interrupted = pop_interrupted_epoch(self.net_)
        if interrupted is not None:
            warnings.warn(
                f"Training was interrupted (KeyboardInterrupt) during epoch "
                f"{interrupted}; the model keeps the weights of the last finished "
                f"epoch ({interrupted - 1}) and can be used or trained further.",
                UserWarning,
                stacklevel=5,
            )
        for name, value in history_attributes(self.net_, self.early_stopping).items():
            setattr(self, name, value)
        self._predictor = self._make_predictor()

    def _make_predictor(self):
        """The predict path of a fitted estimator (built after fit and load)."""
        raise NotImplementedError

    def _check_restored(self):
        """Raise ValueError if restored attributes do not fit together."""
        if self._n_input_dims not in (2, 3):
            raise ValueError("_n_input_dims is neither 2 nor 3")
        n_features = self.n_features_in_ if self._n_input_dims == 3 else 1
        _check_vectors(self, ("x_mean_", "x_scale_"), n_features)

    def _restore_fitted_state(self, state):
        """Become the fitted estimator ``state`` describes (used by load_model).

        ``state`` maps every name of ``_fitted_state`` to its value, except
        ``net_``, which is a :class:`~sklstm._state.SavedNet`. The order is
        owned here: attributes, device, net, weights, derived constants.
        Raises ``ValueError`` naming what does not fit together.
        """
        from ._net import restore_net

        set_fitted_state(self, state)
        self._check_restored()
        n_features = self.n_features_in_ if self._n_input_dims == 3 else 1
        self.device_, self.net_ = restore_net(self, n_features, state["net_"])
        self._predictor = self._make_predictor()


def _check_vectors(est, names, length):
    """Restored float vectors must have one value per feature (or output)."""
    for name in names:
        value = getattr(est, name)
        if value.dtype.kind != "f" or value.shape != (length,):
            raise ValueError(
                f"{name} has dtype {value.dtype} and shape {value.shape}, "
                f"expected {length} float(s)"
            )
