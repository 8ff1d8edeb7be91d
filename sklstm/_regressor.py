"""LSTMRegressor: a recurrent regressor with sklearn's estimator contract.

The estimator holds hyperparameters only; ``fit`` validates and scales the
data, then builds a skorch ``NeuralNetRegressor`` as ``net_`` that runs the
training loop (callbacks, early stopping, history, progress bar).
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _check_sample_weight, check_is_fitted

from ._exceptions import ExtrapolationWarning
from ._validation import check_sequences, has_missing_steps, scan_sequences

_OPTIMIZERS = {"adam", "adamw", "sgd", "rmsprop"}
# Predictions (rows x outputs) up to this count are unscaled on Python floats.
_SMALL_OUTPUT = 32


class LSTMRegressor(RegressorMixin, BaseEstimator):
    """Recurrent neural network regressor (LSTM or GRU) for sequences.

    Takes sequences ``(n_samples, n_timesteps, n_features)`` (or 2-D
    ``(n_samples, n_timesteps)`` for one feature per step), for example the
    windows of :class:`~sklstm.SlidingWindowTransformer`, and predicts one or
    several values per sequence. Leading NaN steps mean "no history yet": the
    recurrence runs over the observed steps only.

    Inputs and targets are standardised internally (fitted on the training
    data only, so nothing leaks across cross-validation folds). For
    univariate input the network learns, by default, the change from the last
    observed value (``target_mode="auto"``), which lets it continue trends
    beyond the training range: after ``[196, 198, 200]`` it predicts 202.

    Parameters
    ----------
    hidden_size : int, default=50
        Units in each recurrent layer.
    num_layers : int, default=1
        Number of stacked recurrent layers.
    cell : {"lstm", "gru"}, default="lstm"
        Recurrent cell type.
    bidirectional : bool, default=False
        Whether each sequence is also read backwards.
    dropout : float, default=0.0
        Dropout probability between recurrent layers and before the head.
    activation : {"tanh", "relu"}, default="tanh"
        Cell activation. ``"tanh"`` uses torch's fused LSTM/GRU kernels.
        ``"relu"`` (the Keras habit ``LSTM(activation="relu")``) runs an
        unfused cell loop over timesteps and trains several times slower
        (about 3-6x on CPU); it is only available with ``cell="lstm"``.
    head_size : int or None, default=None
        Units of an extra ReLU dense layer between the recurrent stack and
        the linear output; None means a linear output only.
    target_mode : {"auto", "level", "delta"}, default="auto"
        What the network learns. ``"level"``: the target itself.
        ``"delta"``: the target minus the last observed value of feature
        ``target_feature`` (the prediction adds it back), which extrapolates
        trends and loses no expressiveness. ``"auto"``: ``"delta"`` when each
        step has a single feature, else ``"level"``.
    target_feature : int, default=0
        The input feature whose last value is the reference in ``"delta"``
        mode.
    scale : bool, default=True
        Standardise inputs (per feature) and targets (per output) with
        statistics of the training data.
    min_observed_steps : int, default=1
        Samples with fewer observed (non-NaN) steps are left out of the
        training loss; their count is ``n_samples_skipped_``.
    loss : {"mse", "mae", "huber"}, default="mse"
        Training loss, computed on the scaled targets.
    optimizer : {"adam", "adamw", "sgd", "rmsprop"} or torch optimizer class, \
default="adam"
        Optimizer.
    lr : float, default=1e-3
        Learning rate.
    weight_decay : float, default=0.0
        L2 penalty passed to the optimizer.
    lr_schedule : {"plateau", "cosine"} or None, default=None
        Learning-rate schedule: reduce on a plateau of the monitored loss, or
        cosine annealing over ``max_epochs``.
    clip_grad_norm : float or None, default=None
        Clip the gradient norm to this value.
    max_epochs : int, default=100
        Maximum number of passes over the training data.
    batch_size : int, default=32
        Samples per gradient step.
    shuffle : bool, default=True
        Whether to shuffle the training samples each epoch (windows are
        self-contained, so this does not leak the future).
    early_stopping : bool, default=False
        Stop when the loss on the last ``validation_fraction`` of the
        training rows (in time order, never shuffled) has not improved by
        ``tol`` for ``n_iter_no_change`` epochs; the best weights are kept.
    validation_fraction : float, default=0.1
        Fraction of the most recent training rows held out for early
        stopping.
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.
    tol : float, default=1e-4
        Minimum improvement of the validation loss that counts.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling and dropout. An int makes
        repeated fits on CPU bit-identical; the caller's global random state
        (numpy, torch, random) is left untouched.
    warm_start : bool, default=False
        Whether ``fit`` continues from the current weights and scaling.
    verbose : int, default=0
        0 is silent; 1 or more shows a progress bar and a table of the
        training and validation loss per epoch (skorch's ``ProgressBar`` and
        ``PrintLog``).
    device : {"cpu", "cuda", "auto"}, default="cpu"
        Where the network runs; ``"auto"`` picks CUDA when available.
        Predictions are always numpy arrays on the CPU.
    callbacks : list of skorch callbacks or None, default=None
        Extra skorch callbacks (for example checkpointing), added to the
        ones this estimator sets up.
    n_threads : int or None, default=None
        torch intra-op threads during ``fit`` and ``predict`` (restored
        afterwards). None picks one thread when a batch's forward pass is
        small (under about 4 million multiply-adds: batch rows x timesteps x
        4 x hidden_size x (hidden_size + n_features)), where threading costs
        more than it saves, and torch's current setting otherwise. Under
        ``GridSearchCV(n_jobs=k)`` joblib already limits each worker's
        threads to ``cores // k``.

    Attributes
    ----------
    n_features_in_ : int
        Features per step for 3-D input; for 2-D input the number of columns
        (timesteps), as for every sklearn estimator.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of a DataFrame passed to ``fit`` (2-D input only).
    n_outputs_ : int
        Number of targets.
    target_mode_ : str
        The resolved ``target_mode`` ("level" or "delta").
    net_ : skorch.NeuralNetRegressor
        The fitted skorch net; ``net_.module_`` is the torch module and
        ``net_.history`` the training history.
    loss_curve_ : list of float
        Training loss per epoch (scaled units).
    validation_loss_curve_ : list of float
        Validation loss per epoch, when ``early_stopping``.
    validation_scores_ : list of float
        R^2 on the validation rows per epoch, when ``early_stopping``. It
        scores what the network predicts: the change in ``"delta"`` mode.
    best_epoch_ : int
        The (1-based) epoch whose weights the model holds.
    n_iter_ : int
        Number of epochs run (over all calls to ``fit`` with warm start).
    n_samples_skipped_ : int
        Training samples left out by ``min_observed_steps``.

    See Also
    --------
    sklstm.SlidingWindowTransformer : Windows a series for this model.
    sklearn.neural_network.MLPRegressor : The vocabulary these parameters follow.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import LSTMRegressor, frame_windows
    >>> X, y = frame_windows(np.arange(2.0, 202.0, 2.0), window_length=3)
    >>> model = LSTMRegressor(max_epochs=20, random_state=0).fit(X, y)
    >>> round(float(model.predict(np.array([[[196.0], [198.0], [200.0]]]))[0]))
    202
    """

    _parameter_constraints: dict = {
        "hidden_size": [Interval(Integral, 1, None, closed="left")],
        "num_layers": [Interval(Integral, 1, None, closed="left")],
        "cell": [StrOptions({"lstm", "gru"})],
        "bidirectional": ["boolean"],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "activation": [StrOptions({"tanh", "relu"})],
        "head_size": [Interval(Integral, 1, None, closed="left"), None],
        "target_mode": [StrOptions({"auto", "level", "delta"})],
        "target_feature": [Interval(Integral, 0, None, closed="left")],
        "scale": ["boolean"],
        "min_observed_steps": [Interval(Integral, 1, None, closed="left")],
        "loss": [StrOptions({"mse", "mae", "huber"})],
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

    def __init__(
        self,
        *,
        hidden_size=50,
        num_layers=1,
        cell="lstm",
        bidirectional=False,
        dropout=0.0,
        activation="tanh",
        head_size=None,
        target_mode="auto",
        target_feature=0,
        scale=True,
        min_observed_steps=1,
        loss="mse",
        optimizer="adam",
        lr=1e-3,
        weight_decay=0.0,
        lr_schedule=None,
        clip_grad_norm=None,
        max_epochs=100,
        batch_size=32,
        shuffle=True,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        random_state=None,
        warm_start=False,
        verbose=0,
        device="cpu",
        callbacks=None,
        n_threads=None,
    ):
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.cell = cell
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.activation = activation
        self.head_size = head_size
        self.target_mode = target_mode
        self.target_feature = target_feature
        self.scale = scale
        self.min_observed_steps = min_observed_steps
        self.loss = loss
        self.optimizer = optimizer
        self.lr = lr
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.clip_grad_norm = clip_grad_norm
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.random_state = random_state
        self.warm_start = warm_start
        self.verbose = verbose
        self.device = device
        self.callbacks = callbacks
        self.n_threads = n_threads

    # ------------------------------------------------------------------ fit

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the network to sequences ``X`` and targets ``y``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
(n_samples, n_timesteps)
            Training sequences, oldest step first. Leading NaN steps mark
            missing history.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights of the training loss.

        Returns
        -------
        self : LSTMRegressor
            The fitted estimator.
        """
        continuing = self.warm_start and hasattr(self, "net_")
        return self._fit(X, y, sample_weight, continuing=continuing, epochs=None)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, sample_weight=None):
        """Train for one more epoch on ``X``, ``y``.

        The first call fits the scaling on this data; later calls keep it.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
(n_samples, n_timesteps)
            Training sequences.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets.
        sample_weight : array-like of shape (n_samples,), default=None
            Per-sample weights.

        Returns
        -------
        self : LSTMRegressor
            The updated estimator.
        """
        continuing = hasattr(self, "net_")
        return self._fit(X, y, sample_weight, continuing=continuing, epochs=1)

    def _fit(self, X, y, sample_weight, *, continuing, epochs):
        X3, y = check_sequences(self, X, reset=not continuing, y=y)
        y2 = np.asarray(y, dtype=np.float64)
        y_is_1d = y2.ndim == 1
        y2 = y2.reshape(len(y2), -1)
        if continuing:
            if y2.shape[1] != self.n_outputs_:
                raise ValueError(
                    f"y has {y2.shape[1]} output(s), but this estimator was "
                    f"fitted with {self.n_outputs_}; refit without warm_start."
                )
        sample_weight = (
            None
            if sample_weight is None
            else _check_sample_weight(sample_weight, X3, ensure_non_negative=True)
        )
        stats = scan_sequences(X3, with_stats=not continuing)
        used = np.flatnonzero(stats.n_observed >= self.min_observed_steps)
        if len(used) == 0:
            raise ValueError(
                f"No sample has min_observed_steps={self.min_observed_steps} "
                f"observed steps; lower min_observed_steps or use longer windows."
            )

        if not continuing:
            self._y_is_1d = y_is_1d
            self.n_outputs_ = y2.shape[1]
            self.target_mode_ = self._resolve_target_mode(X3.shape[2])
            self._set_input_scaling(stats)
        reference = self._reference(X3)
        target = y2 - reference[:, None] if reference is not None else y2
        if not continuing:
            self._set_target_scaling(target[used])
        scaled_target = (target - self.y_mean_) / self.y_scale_
        self.n_samples_skipped_ = len(X3) - len(used)

        from ._training import SequenceDataset

        dataset = SequenceDataset(
            X3,
            self.x_mean_,
            self.x_scale_,
            y=scaled_target[used],
            sample_weight=None if sample_weight is None else sample_weight[used],
            rows=None if len(used) == len(X3) else used,
        )
        has_missing_steps = bool((stats.n_observed[used] < X3.shape[1]).any())
        self._run_training(
            dataset,
            continuing=continuing,
            epochs=epochs,
            has_missing_steps=has_missing_steps,
        )
        return self

    def _resolve_target_mode(self, n_features):
        if self.target_feature >= n_features:
            raise ValueError(
                f"target_feature={self.target_feature} but X has only "
                f"{n_features} feature(s) per step."
            )
        if self.target_mode == "auto":
            return "delta" if n_features == 1 else "level"
        return self.target_mode

    def _reference(self, X3):
        if self.target_mode_ != "delta":
            return None
        # The last step is always observed (NaN is only allowed as leading
        # padding), so this is the most recent value of the target feature.
        return np.asarray(X3[:, -1, self.target_feature], dtype=np.float64)

    def _set_input_scaling(self, stats):
        n_features = len(stats.mean)
        if self.scale:
            self.x_mean_ = stats.mean
            # sklearn's StandardScaler convention: constant features keep scale 1.
            self.x_scale_ = np.where(stats.std > 0, stats.std, 1.0)
        else:
            self.x_mean_ = np.zeros(n_features)
            self.x_scale_ = np.ones(n_features)

    def _set_target_scaling(self, target):
        if self.scale:
            self.y_mean_ = target.mean(axis=0)
            std = target.std(axis=0)
            self.y_scale_ = np.where(std > 0, std, 1.0)
        else:
            self.y_mean_ = np.zeros(target.shape[1])
            self.y_scale_ = np.ones(target.shape[1])
        scaled = (target - self.y_mean_) / self.y_scale_
        self._scaled_target_min = scaled.min(axis=0)
        self._scaled_target_max = scaled.max(axis=0)
        self._derive_prediction_constants()

    def _derive_prediction_constants(self):
        """Arrays predict needs on every call, derived once from fitted state."""
        # Predictions of the scaled target beyond half the training range on
        # either side count as extrapolation.
        low, high = self._scaled_target_min, self._scaled_target_max
        margin = 0.5 * np.maximum(high - low, 1.0)
        self._extrapolation_low = low - margin
        self._extrapolation_high = high + margin
        # The same numbers as Python floats, per output, for small predictions.
        self._prediction_floats = tuple(
            zip(
                self._extrapolation_low.tolist(),
                self._extrapolation_high.tolist(),
                np.broadcast_to(self.y_scale_, low.shape).tolist(),
                np.broadcast_to(self.y_mean_, low.shape).tolist(),
                strict=True,
            )
        )

    def _draw_seed(self):
        # One draw per fresh fit: an int random_state always gives the same
        # seed; None or a RandomState instance advance as in sklearn.
        self._seed_ = int(check_random_state(self.random_state).randint(2**31 - 1))
        return self._seed_

    def _build_net(self, n_features, seed, n_timesteps=1):
        import torch
        from skorch.callbacks import (
            EarlyStopping,
            GradientNormClipping,
            LRScheduler,
            ProgressBar,
        )

        from ._module import SequenceRegressorModule
        from ._training import (
            BatchIterator,
            RestoreOnInterrupt,
            SequenceNet,
            StopOnDivergence,
            TailSplit,
            ValidationR2,
            WeightedLoss,
            chunk_rows,
        )

        if self.activation == "relu" and self.cell != "lstm":
            raise ValueError(
                "activation='relu' is only implemented for cell='lstm'; use "
                "activation='tanh' with cell='gru'."
            )
        optimizer = self.optimizer
        optimizer_kwargs = {"optimizer__weight_decay": self.weight_decay}
        if isinstance(optimizer, str):
            optimizer = {
                "adam": torch.optim.Adam,
                "adamw": torch.optim.AdamW,
                "sgd": torch.optim.SGD,
                "rmsprop": torch.optim.RMSprop,
            }[optimizer]
            if self.optimizer in ("adam", "adamw") and _fused_adam_supported(
                self.device_
            ):
                # One fused kernel per step instead of ~6 ops per parameter:
                # the same update, 25-30% less time on small networks.
                optimizer_kwargs["optimizer__fused"] = True
        device = self.device_

        monitor = "valid_loss" if self.early_stopping else "train_loss"
        callbacks = [
            ("restore_on_interrupt", RestoreOnInterrupt()),
            ("stop_on_divergence", StopOnDivergence()),
        ]
        if self.early_stopping:
            callbacks.append(("valid_r2", ValidationR2()))
            callbacks.append(
                (
                    "early_stopping",
                    EarlyStopping(
                        monitor="valid_loss",
                        patience=self.n_iter_no_change,
                        threshold=self.tol,
                        threshold_mode="abs",
                        load_best=True,
                        sink=print if self.verbose else _silent,
                    ),
                )
            )
        if self.lr_schedule == "plateau":
            callbacks.append(
                (
                    "lr_schedule",
                    LRScheduler(
                        policy="ReduceLROnPlateau",
                        monitor=monitor,
                        patience=max(1, self.n_iter_no_change // 2),
                        factor=0.5,
                    ),
                )
            )
        elif self.lr_schedule == "cosine":
            callbacks.append(
                (
                    "lr_schedule",
                    LRScheduler(policy="CosineAnnealingLR", T_max=self.max_epochs),
                )
            )
        if self.clip_grad_norm is not None:
            callbacks.append(
                ("clip_grad_norm", GradientNormClipping(self.clip_grad_norm))
            )
        if self.verbose:
            callbacks.append(("progress_bar", ProgressBar()))
        for i, callback in enumerate(self.callbacks or []):
            callbacks.append((f"user_{i}", callback))

        net = _make_net(
            SequenceNet,
            dict(
                module=SequenceRegressorModule,
                module__input_size=n_features,
                module__output_size=self.n_outputs_,
                module__hidden_size=self.hidden_size,
                module__num_layers=self.num_layers,
                module__cell=self.cell,
                module__bidirectional=self.bidirectional,
                module__dropout=self.dropout,
                module__activation=self.activation,
                module__head_size=self.head_size,
                criterion=WeightedLoss,
                criterion__kind=self.loss,
                optimizer=optimizer,
                **optimizer_kwargs,
                lr=self.lr,
                max_epochs=self.max_epochs,
                batch_size=self.batch_size,
                iterator_train=BatchIterator,
                iterator_train__shuffle=self.shuffle,
                iterator_train__seed=seed,
                iterator_valid=BatchIterator,
                train_split=TailSplit(self.validation_fraction)
                if self.early_stopping
                else None,
                callbacks=callbacks,
                device=device,
                verbose=self.verbose,
            ),
            verbose=self.verbose,
            validating=self.early_stopping,
        )
        # An instance attribute (not a constructor argument): skorch would
        # otherwise route it to the module.
        net.max_chunk_rows = chunk_rows(
            n_timesteps,
            self.hidden_size,
            self.num_layers,
            2 if self.bidirectional else 1,
        )
        return net

    def _num_threads(self, X3, rows_per_batch):
        _, training = _torch_and_training()
        n_samples, n_timesteps, n_features = X3.shape
        return training.choose_num_threads(
            self.n_threads,
            min(n_samples, rows_per_batch),
            n_timesteps,
            self.hidden_size,
            n_features,
        )

    def _resolve_device(self):
        import torch

        device = self.device
        if device == "auto":
            device = "cuda" if torch.cuda.is_available() else "cpu"
        elif device == "cuda" and not torch.cuda.is_available():
            raise ValueError(
                "device='cuda' but torch finds no CUDA device; use device='cpu' "
                "or device='auto'."
            )
        self.device_ = device

    def _run_training(self, dataset, *, continuing, epochs, has_missing_steps):
        import torch

        from ._training import torch_threads

        seed = self._seed_ if continuing else self._draw_seed()
        if not continuing:
            self._resolve_device()
        on_cuda = self.device_.startswith("cuda")
        cuda_devices = [torch.cuda.current_device()] if on_cuda else []
        with (
            torch.random.fork_rng(devices=cuda_devices),
            torch_threads(self._num_threads(dataset.X3, self.batch_size)),
        ):
            # Seeding inside fork_rng keeps the caller's torch RNGs untouched
            # (CPU, and the CUDA device in use); the epoch counter makes each
            # warm-start/partial_fit call draw fresh but reproducible dropout
            # and shuffling.
            n_done = len(self.net_.history) if continuing else 0
            torch.random.default_generator.manual_seed(seed + n_done)
            if on_cuda:
                torch.cuda.manual_seed(seed + n_done)
            if not continuing:
                self.net_ = self._build_net(
                    dataset.X3.shape[2], seed, n_timesteps=dataset.X3.shape[1]
                )
                self.net_.initialize()
            else:
                # skorch stores iterator arguments as plain attributes; its
                # set_params refuses to change them on an initialized net.
                self.net_.iterator_train__seed = seed + n_done
            try:
                # skorch hands fit params to every module call: with no
                # leading NaN anywhere, the module skips its per-batch test.
                self.net_.partial_fit(
                    dataset,
                    None,
                    epochs=epochs,
                    has_missing_steps=None if has_missing_steps else False,
                )
            except Exception:
                # A failed fit (e.g. divergence) leaves weights that would
                # predict NaN: the estimator goes back to unfitted.
                del self.net_
                raise
            self._finish_interrupted_epoch()
            self._collect_history()

    def _finish_interrupted_epoch(self):
        restorer = dict(self.net_.callbacks_)["restore_on_interrupt"]
        epoch = restorer.interrupted_epoch_
        if epoch is None:
            return
        history = self.net_.history
        if len(history) and "train_loss" not in history[-1]:
            history.pop()
        warnings.warn(
            f"Training was interrupted (KeyboardInterrupt) during epoch {epoch}; "
            f"the model keeps the weights of the last finished epoch "
            f"({epoch - 1}) and can be used or trained further.",
            UserWarning,
            stacklevel=4,
        )

    def _collect_history(self):
        history = self.net_.history
        self.loss_curve_ = (
            [float(v) for v in history[:, "train_loss"]] if len(history) else []
        )
        self.n_iter_ = len(history)
        if self.early_stopping and len(history):
            self.validation_loss_curve_ = [float(v) for v in history[:, "valid_loss"]]
            self.validation_scores_ = [
                float(row.get("valid_r2", np.nan)) for row in history
            ]
            # skorch's EarlyStopping restores the last epoch that improved by
            # more than tol, which is not always the argmin of the curve.
            stopper = dict(self.net_.callbacks_)["early_stopping"]
            best = getattr(stopper, "best_epoch_", None)
            self.best_epoch_ = int(best) if best is not None else self.n_iter_
        else:
            self.validation_loss_curve_ = []
            self.validation_scores_ = []
            self.best_epoch_ = self.n_iter_

    # -------------------------------------------------------------- predict

    def predict(self, X):
        """Predict targets for sequences ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
(n_samples, n_timesteps)
            Sequences with the features (and, for 2-D input, the number of
            timesteps) seen in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            1-D when ``fit`` got a 1-D ``y``.

        Warns
        -----
        ExtrapolationWarning
            When the network's prediction lies far outside the range of its
            training targets (more than half that range beyond it).
        """
        if not hasattr(self, "net_"):
            check_is_fitted(self, "net_")  # raises sklearn's NotFittedError
        X3 = check_sequences(self, X, reset=False)
        scaled = self._forward(X3, has_missing_steps=has_missing_steps(X3))
        if scaled.size <= _SMALL_OUTPUT:
            pred, in_range = self._unscale_small(scaled, X3)
        else:
            pred, in_range = self._unscale(scaled, X3)
        if not in_range:
            self._warn_if_extrapolating(scaled)
            if not np.isfinite(pred).all():
                raise ValueError(
                    "The network produced non-finite predictions (overflow). "
                    "Check the input scale against the training data, or "
                    "refit with scale=True and a lower lr."
                )
        return pred[:, 0] if self._y_is_1d else pred

    def _unscale(self, scaled, X3):
        """Predictions in target units (float64) and whether all are in range.

        In range means within the extrapolation bounds of the training
        targets, which also means finite (NaN fails both comparisons).
        """
        low, high = self._extrapolation_low, self._extrapolation_high
        if len(low) == 1:  # two reductions, no temporaries
            in_range = scaled.min() >= low[0] and scaled.max() <= high[0]
        else:
            in_range = ((scaled >= low) & (scaled <= high)).all()
        pred = scaled * self.y_scale_ + self.y_mean_  # float64 from here on
        reference = self._reference(X3)
        if reference is not None:
            pred += reference[:, None]
        return pred, bool(in_range)

    def _unscale_small(self, scaled, X3):
        """:meth:`_unscale` on Python floats, for a handful of predictions.

        Right after a forward pass each numpy call costs 5-20 us (cold
        caches), several times the arithmetic on a few floats; this path
        does the same IEEE float64 operations in the same order, so its
        results are bit-identical (tested).
        """
        rows = scaled.tolist()
        constants = self._prediction_floats
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
        if self.target_mode_ == "delta":
            last = X3[:, -1, self.target_feature].tolist()
            pred = [[p + ref for p in row] for row, ref in zip(pred, last, strict=True)]
        return np.array(pred, dtype=np.float64), in_range

    def _forward(self, X3, has_missing_steps=None):
        torch, training = _torch_and_training()
        module = self.net_.module_
        if module.training:
            module.eval()
        n_samples = len(X3)
        block_rows = training.predict_block_rows(
            self.hidden_size, 2 if self.bidirectional else 1
        )
        hint = None if has_missing_steps else False
        outputs = []
        with (
            torch.inference_mode(),
            training.torch_threads(self._num_threads(X3, block_rows)),
        ):
            # Batches are scaled one at a time, so a long strided window view
            # is never materialised in full.
            for start in range(0, n_samples, block_rows):
                block = training.scale_to_float32(
                    X3[start : start + block_rows], self.x_mean_, self.x_scale_
                )
                Xb = torch.from_numpy(block)
                if self.device_ != "cpu":
                    Xb = Xb.to(self.device_)
                outputs.append(module(Xb, has_missing_steps=hint).cpu())
        out = outputs[0] if len(outputs) == 1 else torch.cat(outputs)
        return out.numpy()  # float32; the caller's arithmetic widens it

    def _warn_if_extrapolating(self, scaled):
        low, high = self._extrapolation_low, self._extrapolation_high
        outside = (scaled < low) | (scaled > high)
        if not outside.any():
            return
        what = "change" if self.target_mode_ == "delta" else "level"
        warnings.warn(
            f"{int(outside.any(axis=1).sum())} of {len(scaled)} predictions "
            f"lie far outside the range of the training targets (the "
            f"{what} the network learned). Recurrent networks do not "
            f"extrapolate reliably; consider target_mode='delta' or "
            f"training on data that covers this range.",
            ExtrapolationWarning,
            stacklevel=3,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        # NaN is accepted only as leading padding (missing history), not
        # anywhere, so the tag that promises general NaN support stays False.
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        # Deterministic given random_state (bit-identical on CPU).
        tags.non_deterministic = False
        return tags


_FUSED_SUPPORT: dict = {}


_TORCH_MODULES: list = []


def _torch_and_training():
    """torch and sklstm._training, imported on first use (import sklstm stays light)."""
    if not _TORCH_MODULES:
        import torch

        from . import _training

        _TORCH_MODULES.extend((torch, _training))
    return _TORCH_MODULES


def _fused_adam_supported(device):
    """Whether this torch build has a fused Adam kernel for ``device``."""
    kind = device.split(":")[0]
    if kind not in _FUSED_SUPPORT:
        import torch

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


def _make_net(net_class, kwargs, *, verbose, validating):
    # skorch adds epoch_timer/train_loss/valid_loss/print_log by default and
    # calls every callback on every batch; drop the ones that do no work here
    # (the timer and printed table when silent, valid_loss without a split).
    kwargs = dict(kwargs)
    if not verbose:
        kwargs.update(callbacks__print_log=None, callbacks__epoch_timer=None)
    if not validating:
        kwargs.update(callbacks__valid_loss=None)
    return net_class(**kwargs)
