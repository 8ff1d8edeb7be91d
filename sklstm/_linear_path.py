"""Closed-form start of the linear autoregressive path: a ridge fit.

The linear path of :class:`~sklstm._module.SequenceRegressorModule` maps the
flattened scaled window to the outputs. Starting it at the least-squares
solution (and the recurrent head at zero) means training starts from a ridge
regression on the model's own inputs and can only improve on it. Pure numpy
and sklearn: the regularisation is chosen by sklearn's efficient
leave-one-out (GCV) ``RidgeCV``, per output.
"""

from __future__ import annotations

import numpy as np

# Penalties searched by leave-one-out, on columns standardised to unit
# variance and targets scaled to unit variance.
RIDGE_ALPHAS = np.logspace(-4, 3, 15)


def ridge_start(
    windows: np.ndarray, targets: np.ndarray, sample_weight: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weight, bias and penalties of a ridge fit of ``targets`` on ``windows``.

    Each column is standardised (weighted, constant columns kept as they
    are) before the fit, as ``make_pipeline(StandardScaler(), RidgeCV())``
    does; the returned weight and bias act on the unstandardised columns.

    Parameters
    ----------
    windows : ndarray of shape (n_samples, n_inputs)
        Flattened scaled windows, missing steps as 0.
    targets : ndarray of shape (n_samples, n_outputs)
        Scaled targets.
    sample_weight : ndarray of shape (n_samples,) or None
        Weights of the squared errors.

    Returns
    -------
    weight : ndarray of shape (n_outputs, n_inputs), float32
    bias : ndarray of shape (n_outputs,), float32
    alpha : ndarray of shape (n_outputs,)
        The penalty leave-one-out chose for each output.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> Z = rng.normal(size=(50, 3))
    >>> weight, bias, alpha = ridge_start(Z, Z @ [[1.0], [2.0], [0.0]] + 0.5)
    >>> np.round(weight, 2), np.round(bias, 2)
    (array([[1., 2., 0.]], dtype=float32), array([0.5], dtype=float32))
    """
    from sklearn.linear_model import Ridge, RidgeCV

    Z = np.asarray(windows, dtype=np.float64)
    T = np.asarray(targets, dtype=np.float64)
    w = np.ones(len(Z)) if sample_weight is None else np.asarray(sample_weight, float)
    if not (w > 0).any():
        w = np.ones(len(Z))
    # The penalty is chosen for weights of mean 1: scaling every weight by
    # a constant then gives the same fit (sklearn's would change alpha).
    w = w / w.mean()
    mean = np.average(Z, axis=0, weights=w)
    std = np.sqrt(np.average((Z - mean) ** 2, axis=0, weights=w))
    std = np.where(std > 1e-12, std, 1.0)
    if len(Z) < _MIN_LEAVE_ONE_OUT:
        # Leave-one-out needs a few rows (its residuals divide by 1 - leverage).
        ridge = Ridge(alpha=1.0).fit((Z - mean) / std, T, sample_weight=w)
        ridge.alpha_ = 1.0
    else:
        ridge = RidgeCV(alphas=RIDGE_ALPHAS, alpha_per_target=T.shape[1] > 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            ridge.fit((Z - mean) / std, T, sample_weight=w)
    coef = np.atleast_2d(ridge.coef_) / std
    bias = np.atleast_1d(ridge.intercept_) - coef @ mean
    alpha = np.broadcast_to(np.asarray(ridge.alpha_, float), (T.shape[1],)).copy()
    if not (np.isfinite(coef).all() and np.isfinite(bias).all()):
        # Degenerate data: start the path at the mean target instead.
        coef, bias = np.zeros_like(coef), np.average(T, axis=0, weights=w)
    return coef.astype(np.float32), bias.astype(np.float32), alpha


# Fewer training rows than this fit a fixed penalty.
_MIN_LEAVE_ONE_OUT = 5


def flat_training_rows(dataset):
    """The scaled training windows flattened (NaN as 0), targets and weights.

    ``dataset`` is a :class:`~sklstm._training.SequenceDataset`; its windows
    are read 4096 rows at a time (it may gather them from a strided view).
    """
    rows = 4096
    windows = np.concatenate(
        [
            np.nan_to_num(dataset.take(slice(start, start + rows))[0].numpy()).reshape(
                min(rows, len(dataset) - start), -1
            )
            for start in range(0, len(dataset), rows)
        ]
    )
    targets = dataset.y.numpy()
    weights = None if dataset.w is None else dataset.w.numpy()
    return windows, targets, weights


def check_timesteps(est, X3: np.ndarray) -> None:
    """Refuse windows of another length than ``est``'s linear path reads.

    Models fitted with ``linear_path=False`` accept any length.
    """
    if getattr(est, "_linear_inputs", 0) and X3.shape[1] != est.n_timesteps_in_:
        raise ValueError(
            f"X has {X3.shape[1]} timesteps, but this LSTMRegressor was "
            f"fitted on {est.n_timesteps_in_} and its linear path "
            f"(linear_path=True) reads exactly that many. Pass windows of "
            f"{est.n_timesteps_in_} steps (pad shorter histories with "
            f"leading NaN), or refit with linear_path=False to accept any "
            f"length."
        )
