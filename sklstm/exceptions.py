"""Warnings and errors raised by sklstm."""

from sklearn.exceptions import ConvergenceWarning


class ExtrapolationWarning(UserWarning):
    """Inputs or predictions fall far outside what the model saw in training.

    Raised by ``predict`` when a scaled input feature (the relative window
    in ``"delta"`` mode) or a prediction of the learned target lies more than
    half the training range beyond it. A recurrent network with bounded
    activations cannot follow a trend far beyond the values it was trained
    on. In ``"level"`` mode, consider ``target_mode="delta"`` (relative
    windows, the change from the last observed value); in either mode,
    retraining on data that covers the new range.
    """


class UnderfitWarning(ConvergenceWarning):
    """A fitted classifier does not fit its own training set.

    Raised by :class:`LSTMClassifier`'s ``fit`` when its accuracy on the
    training sequences ends below 0.9, or near the share of the most
    frequent class (chance), whichever way the fit ended (``max_epochs`` or
    the stopping rule). The message says how the fit ended and what to
    change: more epochs or patience (``max_epochs``, ``n_iter_no_change``),
    another ``lr``, ``normalize="sequence"`` when the classes differ in
    shape rather than level, a larger ``conv_stride`` for long sequences. A
    subclass of sklearn's ``ConvergenceWarning``, so filters on that catch
    it too.
    """


class DivergenceError(RuntimeError):
    """Training produced a non-finite loss.

    Raised by ``fit`` and ``partial_fit`` of :class:`LSTMRegressor` (and so
    by :class:`SeriesForecaster`'s ``fit``) at the end of the epoch whose
    training or validation loss became NaN or infinite. The regressor is then
    left unfitted, because weights that produced a non-finite loss would only
    predict NaN. The message names the loss, the epoch and the learning rate.

    What to do: lower ``lr`` (e.g. by a factor of 10); keep ``scale=True``
    (unscaled inputs or targets in the thousands make the first gradients
    huge); or set ``clip_grad_norm`` (e.g. ``1.0``) to bound every step. It
    subclasses ``RuntimeError``, so code that catches that still does.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import DivergenceError, LSTMRegressor
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(40, 3, 1)) * 1e6, rng.normal(size=40) * 1e6
    >>> model = LSTMRegressor(lr=1e8, scale=False, optimizer="sgd",
    ...                       target_mode="level", max_epochs=3, random_state=0)
    >>> try:
    ...     model.fit(X, y)
    ... except DivergenceError:
    ...     model.set_params(lr=1e-3, scale=True).fit(X, y).n_iter_
    3
    """
