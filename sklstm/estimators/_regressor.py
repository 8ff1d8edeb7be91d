"""LSTMRegressor: a recurrent regressor with sklearn's estimator contract.

The estimator holds hyperparameters only; ``fit`` validates and scales the
data, then builds a skorch ``NeuralNetRegressor`` as ``net_`` that runs the
training loop (callbacks, early stopping, history, progress bar).
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.base import RegressorMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._state import Fitted, get_fitted_state
from ..nn._quantile_levels import check_quantiles
from ..windows._lags import features_per_step
from ._base import BaseSequenceModel, _check_vectors
from ._docs import fill_training_docs
from ._linear_path import check_timesteps
from ._regressor_outputs import LOSS_DOC, RegressorOutputsMixin
from ._scaling import input_scaling
from ._target_encoder import TargetEncoder
from ._validation import check_sequences, scan_sequences


@fill_training_docs(
    lr="1e-3",
    lr_schedule="None",
    clip_grad_norm="None",
    max_epochs="100",
    batch_size="32",
    extra_blocks={"loss": LOSS_DOC},
)
class LSTMRegressor(RegressorOutputsMixin, RegressorMixin, BaseSequenceModel):
    """Recurrent neural network regressor (LSTM or GRU) for sequences.

    Takes sequences ``(n_samples, n_timesteps, n_features)`` (or 2-D
    ``(n_samples, n_timesteps)`` for one feature per step), for example the
    windows of :class:`~sklstm.SlidingWindowTransformer`, and predicts one or
    several values per sequence. Leading NaN steps mean "no history yet": the
    recurrence runs over the observed steps only.

    Inputs and targets are standardised internally (fitted on the training
    data only, so nothing leaks across cross-validation folds). For
    univariate input that continues into the target, the network learns, by
    default, the change from the last observed value and reads each window
    relative to that value (``target_mode="auto"``), which lets it continue
    trends beyond the training range: after ``[196, 198, 200]`` it predicts
    202. A linear map of the window (``linear_path``), started at the ridge
    regression on the same inputs, is added to the recurrent output, so the
    network starts from, and learns on top of, a linear autoregression.

    The parameters come in six groups, in this order (the signature's too):
    the network (``hidden_size`` to ``n_ensemble``), what it learns and from
    which input (``target_mode`` to ``input_lags``), the loss (``loss``,
    ``quantiles``), the optimisation (``optimizer`` to ``shuffle``), when
    training stops (``max_epochs`` to ``tol``) and the runtime
    (``random_state`` to ``precision``).

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
        Cell activation. ``"tanh"`` uses torch's fused LSTM/GRU kernels;
        ``"relu"`` (Keras' ``LSTM(activation="relu")``, ``cell="lstm"``
        only) runs an unfused cell loop, about 3-6x slower on CPU.
    head_size : int or None, default=None
        Units of an extra ReLU dense layer between the recurrent stack and
        the linear output; None means a linear output only.
    n_ensemble : int, default=1
        Number of networks trained side by side (a deep ensemble) on the
        same batches, each with its own initial weights (seeds derived from
        ``random_state``) and the same linear-path start; ``predict``
        averages them. Each gets the gradient of its own loss; training
        costs about ``n_ensemble`` times one network.
    target_mode : {"auto", "level", "delta"}, default="auto"
        What the network learns. ``"level"``: the target itself, from the
        windows as given. ``"delta"``: relative windows: the target minus the
        last observed value of feature ``target_feature`` (the prediction adds
        it back), from windows whose ``target_feature`` steps are also minus
        that value (other features, covariates, stay levels). A level-shifted
        series then gives the same windows and shifted predictions, so trends
        extrapolate. ``"auto"``: with one feature per step, ``"delta"`` when
        the training data say the target continues the last step: the last
        value predicts ``y`` better (mean absolute error over the training
        rows and outputs) than the mean of ``y`` does and no worse than the
        step before it does (windows newest-first, such as lag matrices
        ``lag_1, lag_2, ...``, fail this); ``"level"`` otherwise (for example
        a log-transformed target of raw windows) and with several features.
        ``"delta"`` on data that fail this test warns (``UserWarning``).
    target_feature : int, default=0
        The input feature whose last value is the ``"delta"`` reference.
    linear_path : bool, default=True
        Add a linear map of the flattened scaled window (missing steps read
        as the training mean) to the recurrent output, initialised from a
        ridge regression on the scaled training windows (penalty by
        leave-one-out, sample weights honoured) while the recurrent head
        starts at zero: training starts at the ridge forecast. It fixes the
        number of timesteps at ``fit``; ``predict`` refuses other lengths.
        False: the recurrent output only (3-D input of any length).
    seasonal_period : int or None, default=None
        In ``"delta"`` mode with windows of at least this many steps, output
        ``k`` (0-based; ``k`` steps after the first target) learns the change
        from the value one season before its target, window step
        ``n_timesteps - seasonal_period + (k %% seasonal_period)``, instead of
        from the last value (which stands in where that step is padding).
        The inputs stay relative to the last value. Shorter windows warn and
        keep the last value. None: the last value for every output.
    window_scaling : {"mean"} or None, default=None
        ``"mean"`` (DeepAR's ``MeanScaler``), for one global model over
        series of different scale: each window's ``target_feature`` steps
        (relative ones in ``"delta"`` mode; covariates keep their units) and
        its learned target are divided by the window's floored mean absolute
        observed value before the standardisation; predictions are
        multiplied back. None: no per-window scaling.
    scale : bool, default=True
        Standardise inputs (per feature) and targets (per output) with
        statistics of the training data.
    min_observed_steps : int, default=1
        Samples with fewer observed (non-NaN) steps are left out of the
        training loss; their count is ``n_samples_skipped_``.
    input_lags : "auto", int or None, default="auto"
        How 2-D input is read. ``"auto"``: as ``(n_samples, n_timesteps)``,
        oldest step first, unless ``fit`` got a DataFrame with columns named
        ``lag_1 .. lag_k`` (skforecast's lag matrices, newest first): then
        the lags become the steps of feature 0, oldest first, and every
        other column one more feature, repeated at each step. An int ``k``:
        the first ``k`` columns are ``lag_1 .. lag_k`` (newest first, with
        or without names) and the rest per-sample features, as
        skforecast's ``ForecasterRecursive(lags=k)`` passes them. None: 2-D
        columns are always timesteps, oldest first.
    %(loss)s
    %(optimization)s
    shuffle : bool, default=True
        Whether to shuffle the training samples each epoch (windows are
        self-contained, so this does not leak the future).
    %(max_epochs)s
    early_stopping : bool, default=False
        Stop when the loss on the last ``validation_fraction`` of the
        training rows (in time order, never shuffled) has not improved by
        ``tol`` for ``n_iter_no_change`` epochs; the best weights are kept.
    validation_fraction : float, default=0.1
        Fraction of the most recent training rows held out for early
        stopping.
    %(stopping)s
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling and dropout, drawn from the
        fit's own generators. An int makes repeated fits on CPU
        bit-identical, also when they run in parallel threads; the caller's
        global random state (numpy, torch, random) is left untouched.
    warm_start : bool, default=False
        Whether ``fit`` continues from the current weights, optimizer state
        and scaling. A warm fit (and ``partial_fit``) honours new training
        parameters (``max_epochs``, ``lr``, ``batch_size``, ``callbacks``,
        ``device``, ...) and raises ``ValueError`` for a new value of one
        that shapes the weights or targets (the architecture, ``scale``,
        ``optimizer``, ``random_state``, ``target_mode``, ``loss``, ...).
    %(runtime)s

    Attributes
    ----------
    n_features_in_ : int
        Features per step for 3-D input; for 2-D input the number of columns
        (timesteps), as for every sklearn estimator.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names of a DataFrame passed to ``fit`` (2-D input only).
    n_outputs_ : int
        Number of targets.
    n_timesteps_in_ : int
        Timesteps per training sequence (the length ``predict`` requires
        with ``linear_path=True``).
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
    x_mean_ : ndarray of shape (n_features,)
        Mean of each input feature over the observed training steps (zeros
        when ``scale=False``); inputs are fed to the network as
        ``(X - x_mean_) / x_scale_``. In ``"delta"`` mode the entry of
        ``target_feature`` describes the relative windows (each step minus
        the window's last value), which is what the network reads.
    x_scale_ : ndarray of shape (n_features,)
        Standard deviation of each input feature (1 for constant features,
        ones when ``scale=False``), of the relative windows for
        ``target_feature`` in ``"delta"`` mode.
    y_mean_ : ndarray of shape (n_outputs_,)
        Mean of each training target as the network learns it (the change
        from the last observed value in ``"delta"`` mode).
    y_scale_ : ndarray of shape (n_outputs_,)
        Standard deviation of each learned target (1 when constant or
        ``scale=False``).
    device_ : str
        The torch device the network runs on (``device`` resolved).

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

    # The base's constraints, then this estimator's, group by group.
    _parameter_constraints: dict = {
        **BaseSequenceModel._parameter_constraints,
        # architecture
        "n_ensemble": [Interval(Integral, 1, None, closed="left")],
        # what is learned, and from which input
        "target_mode": [StrOptions({"auto", "level", "delta"})],
        "target_feature": [Interval(Integral, 0, None, closed="left")],
        "linear_path": ["boolean"],
        "seasonal_period": [Interval(Integral, 2, None, closed="left"), None],
        "window_scaling": [StrOptions({"mean"}), None],
        "input_lags": [
            StrOptions({"auto"}),
            Interval(Integral, 1, None, closed="left"),
            None,
        ],
        # loss
        "loss": [StrOptions({"mse", "mae", "huber", "quantile"})],
        "quantiles": [tuple, list],
    }

    _warm_start_fixed = BaseSequenceModel._warm_start_fixed + (
        "target_mode",
        "target_feature",
        "loss",
        "quantiles",
        "n_ensemble",
        "linear_path",
        "seasonal_period",
        "input_lags",
        "window_scaling",
    )

    _fitted_state = BaseSequenceModel._fitted_state + (
        Fitted("n_outputs_", "int"),
        Fitted("target_mode_", "str"),
        Fitted("y_mean_", "array"),
        Fitted("y_scale_", "array"),
        Fitted("_y_is_1d", "bool"),
        Fitted("_scaled_target_min", "array"),
        Fitted("_scaled_target_max", "array"),
        # Optional: absent in model files written before relative windows
        # and the linear path (such models have neither).
        Fitted("n_timesteps_in_", "int", optional=True),
        Fitted("_relative_inputs", "bool", optional=True),
        Fitted("_linear_inputs", "int", optional=True),
        Fitted("_scaled_input_min", "array", optional=True),
        Fitted("_scaled_input_max", "array", optional=True),
        Fitted("_reference_steps", "array", optional=True),
        Fitted("_window_scale_floor", "array_or_none", optional=True),
    )

    def __init__(
        self,
        *,
        # architecture
        hidden_size=50,
        num_layers=1,
        cell="lstm",
        bidirectional=False,
        dropout=0.0,
        activation="tanh",
        head_size=None,
        n_ensemble=1,
        # what is learned, and from which input
        target_mode="auto",
        target_feature=0,
        linear_path=True,
        seasonal_period=None,
        window_scaling=None,
        scale=True,
        min_observed_steps=1,
        input_lags="auto",
        # loss
        loss="mse",
        quantiles=(0.1, 0.5, 0.9),
        # optimisation
        optimizer="adam",
        lr=1e-3,
        weight_decay=0.0,
        lr_schedule=None,
        clip_grad_norm=None,
        batch_size=32,
        shuffle=True,
        # stopping
        max_epochs=100,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        # runtime
        random_state=None,
        warm_start=False,
        verbose=0,
        device="cpu",
        callbacks=None,
        n_threads=None,
        precision="float32",
    ):
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.cell = cell
        self.bidirectional = bidirectional
        self.dropout = dropout
        self.activation = activation
        self.head_size = head_size
        self.n_ensemble = n_ensemble
        self.target_mode = target_mode
        self.target_feature = target_feature
        self.linear_path = linear_path
        self.seasonal_period = seasonal_period
        self.window_scaling = window_scaling
        self.scale = scale
        self.min_observed_steps = min_observed_steps
        self.input_lags = input_lags
        self.loss = loss
        self.quantiles = quantiles
        self.optimizer = optimizer
        self.lr = lr
        self.weight_decay = weight_decay
        self.lr_schedule = lr_schedule
        self.clip_grad_norm = clip_grad_norm
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.max_epochs = max_epochs
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
        self.precision = precision

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

    def _learned_targets(self, X3, y, *, used, continuing):
        y2 = np.asarray(y, dtype=np.float64)
        y_is_1d = y2.ndim == 1
        y2 = y2.reshape(len(y2), -1)
        if continuing and y2.shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {y2.shape[1]} output(s), but this estimator was "
                f"fitted with {self.n_outputs_}; refit without warm_start."
            )
        if continuing:
            check_timesteps(X3, self._linear_path_timesteps())
            return self._target_encoder.encode(X3, y2)
        self._y_is_1d = y_is_1d
        self.n_outputs_ = y2.shape[1]
        self.n_timesteps_in_ = X3.shape[1]
        self._linear_inputs = X3.shape[1] * X3.shape[2] if self.linear_path else 0
        encoder, target = TargetEncoder.fit_encode(
            X3,
            y2,
            used,
            target_mode=self.target_mode,
            feature=self.target_feature,
            seasonal_period=self.seasonal_period,
            window_scaling=self.window_scaling,
            scale=self.scale,
        )
        # The encoder's parts are the declared fitted attributes (saved and
        # documented one by one); the encoder is rebuilt from them on load.
        self.__dict__.pop("_reference_steps", None)
        for name, value in encoder.fitted_attributes().items():
            setattr(self, name, value)
        self._target_encoder = encoder
        return target

    def _check_parameter_combinations(self, n_features):
        super()._check_parameter_combinations(n_features)
        check_quantiles(self.quantiles)
        if self.target_feature >= n_features:
            raise ValueError(
                f"target_feature={self.target_feature} but X has only "
                f"{n_features} feature(s) per step."
            )

    def _input_reference(self):
        return self._target_encoder.input_reference

    def _input_scaling(self, X3, stats):
        reference = self._input_reference()
        if reference is not None:
            # One more pass, on the relative windows, one chunk at a time.
            stats = scan_sequences(X3, with_stats=True, reference_feature=reference)
        mean, scale = input_scaling(stats.mean, stats.std, scale=self.scale)
        self._scaled_input_min = (stats.minimum - mean) / scale
        self._scaled_input_max = (stats.maximum - mean) / scale
        return mean, scale

    # The network's extra outputs (see BaseSequenceModel._net_spec).

    def _quantile_levels(self):
        return check_quantiles(self.quantiles) if self.loss == "quantile" else None

    def _ensemble_size(self):
        return self.n_ensemble

    def _linear_path_inputs(self):
        # Absent in models saved before the linear path: they have none.
        return getattr(self, "_linear_inputs", 0)

    def _linear_path_timesteps(self):
        """The window length the linear path reads, or None (any length)."""
        return self.n_timesteps_in_ if self._linear_path_inputs() else None

    def _linear_path_start(self, dataset):
        if not self._linear_inputs:
            return None
        from ._quantiles import linear_path_start

        return linear_path_start(dataset, self._quantile_levels())

    def _make_predictor(self):
        from ._predictor import Predictor

        input_range = None
        if getattr(self, "_scaled_input_min", None) is not None:
            input_range = (self._scaled_input_min, self._scaled_input_max)
        return Predictor(
            self,
            targets=self._target_encoder,
            quantile_levels=self._quantile_levels(),
            input_range=input_range,
        )

    def _check_restored(self):
        super()._check_restored()
        # The restored target attributes, checked as the encoder they make.
        encoder = TargetEncoder.from_fitted_attributes(
            get_fitted_state(self), self.target_feature
        )
        encoder.check(self.n_outputs_, getattr(self, "n_timesteps_in_", None))
        if hasattr(self, "_scaled_input_min"):
            _check_vectors(
                self,
                ("_scaled_input_min", "_scaled_input_max"),
                features_per_step(self),
            )
        if getattr(self, "_linear_inputs", 0) and not hasattr(self, "n_timesteps_in_"):
            raise ValueError("_linear_inputs is set but n_timesteps_in_ is missing")
        self._target_encoder = encoder

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
        check_timesteps(X3, self._linear_path_timesteps())
        predictor = self._predictor
        small = predictor.predict_small(X3, n_threads=self.n_threads)
        if small is not None:
            scaled, pred, in_range = small
        else:
            scaled = predictor.forward(X3, n_threads=self.n_threads)
            pred, in_range = predictor.unscale(scaled, X3)
        if not in_range:
            predictor.check_out_of_range(scaled, pred)
        return pred[:, 0] if self._y_is_1d else pred

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
