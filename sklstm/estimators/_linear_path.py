"""Closed-form start of the linear autoregressive path: a ridge fit.

The linear path of :class:`~sklstm.nn._module.SequenceRegressorModule` maps the
flattened scaled window to the outputs. Starting it at the least-squares
solution (and the recurrent head at zero) means training starts from a ridge
regression on the model's own inputs and can only improve on it.

The fit is ``make_pipeline(StandardScaler(), RidgeCV(alphas=RIDGE_ALPHAS))``
(weighted, the penalty chosen per output by exact leave-one-out), computed
from sums over chunks of rows so that its memory is bounded by one chunk and
the ``n_inputs x n_inputs`` Gram matrix, however many windows there are: a
first pass accumulates the weighted Gram matrix and cross products, its
eigendecomposition gives every penalty's coefficients, and a second pass
reads each row's leave-one-out residual from its projection on the
eigenvectors (sklearn's ``gcv_mode="cov"``, one chunk at a time). Pure numpy.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

# Penalties searched by leave-one-out, on columns standardised to unit
# variance and targets scaled to unit variance.
RIDGE_ALPHAS = np.logspace(-4, 3, 15)
# Rows per chunk of the two passes: 4096 windows of 256 steps are 8 MB.
_CHUNK_ROWS = 4096
# Fewer training rows than this fit a fixed penalty (leave-one-out needs a
# few rows: its residuals divide by 1 - leverage).
_MIN_LEAVE_ONE_OUT = 5


class FlatWindows:
    """The scaled training windows of a dataset, flattened, read in chunks.

    ``dataset`` is a :class:`~sklstm.nn._training.SequenceDataset`; each chunk
    is gathered (and scaled) from it when read, NaN padding as 0, so the
    ``(n_samples, n_timesteps * n_features)`` matrix never exists in full.
    """

    def __init__(self, dataset, rows: int | None = None):
        self.dataset = dataset
        self.rows = _CHUNK_ROWS if rows is None else rows
        n_timesteps, n_features = dataset.X3.shape[1:]
        self.shape = (len(dataset), n_timesteps * n_features)

    def __len__(self):
        return self.shape[0]

    def chunks(self) -> Iterator[np.ndarray]:
        """Consecutive float64 blocks of rows, in order."""
        for start in range(0, len(self), self.rows):
            block = self.dataset.take(slice(start, start + self.rows))[0].numpy()
            yield np.nan_to_num(block.reshape(len(block), -1)).astype(np.float64)


def flat_training_rows(dataset):
    """The scaled training windows flattened (NaN as 0), targets and weights.

    The windows are a :class:`FlatWindows` (read chunk by chunk by
    :func:`ridge_start`), not an array.
    """
    targets = dataset.y.numpy()
    weights = None if dataset.w is None else dataset.w.numpy()
    return FlatWindows(dataset), targets, weights


def linear_predictions(windows, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    """``windows @ weight.T + bias`` in float64, read chunk by chunk.

    ``windows`` is an array or a :class:`FlatWindows`; only the
    ``(n_samples, n_outputs)`` result is held in full.

    Examples
    --------
    >>> import numpy as np
    >>> linear_predictions(np.eye(2), np.array([[1.0, 2.0]]), np.array([0.5]))
    array([[1.5],
           [2.5]])
    """
    weight = np.asarray(weight, dtype=np.float64)
    return np.concatenate([chunk @ weight.T for chunk in _chunks(windows)]) + bias


def _chunks(windows) -> Iterator[np.ndarray]:
    if hasattr(windows, "chunks"):
        yield from windows.chunks()
        return
    for start in range(0, len(windows), _CHUNK_ROWS):
        yield np.asarray(windows[start : start + _CHUNK_ROWS], dtype=np.float64)


def ridge_start(
    windows, targets: np.ndarray, sample_weight: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Weight, bias and penalties of a ridge fit of ``targets`` on ``windows``.

    :func:`ridge_fit` with the weight and bias as float32 (the module's).

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> Z = rng.normal(size=(50, 3))
    >>> weight, bias, alpha = ridge_start(Z, Z @ [[1.0], [2.0], [0.0]] + 0.5)
    >>> np.round(weight, 2), np.round(bias, 2)
    (array([[1., 2., 0.]], dtype=float32), array([0.5], dtype=float32))
    """
    coef, bias, alpha = ridge_fit(windows, targets, sample_weight)
    return coef.astype(np.float32), bias.astype(np.float32), alpha


def ridge_fit(
    windows, targets: np.ndarray, sample_weight: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Float64 weight, bias and penalties of a ridge fit of ``targets`` on ``windows``.

    Each column is standardised (weighted, constant columns kept as they
    are) before the fit, as ``make_pipeline(StandardScaler(), RidgeCV())``
    does, with the same penalty per output; the returned weight and bias act
    on the unstandardised columns. Memory is bounded by one chunk of rows and
    a few ``n_inputs x n_inputs`` matrices.

    Parameters
    ----------
    windows : ndarray of shape (n_samples, n_inputs) or FlatWindows
        Flattened scaled windows, missing steps as 0.
    targets : ndarray of shape (n_samples, n_outputs)
        Scaled targets.
    sample_weight : ndarray of shape (n_samples,) or None
        Weights of the squared errors.

    Returns
    -------
    weight : ndarray of shape (n_outputs, n_inputs)
    bias : ndarray of shape (n_outputs,)
    alpha : ndarray of shape (n_outputs,)
        The penalty leave-one-out chose for each output.

    Examples
    --------
    >>> Z = np.arange(12.0).reshape(6, 2) ** 0.5
    >>> ridge_fit(Z, Z @ [[1.0], [-1.0]])[2]
    array([0.0001])
    """
    T = np.asarray(targets, dtype=np.float64)
    n = len(T)
    w = np.ones(n) if sample_weight is None else np.asarray(sample_weight, float)
    if not (w > 0).any():
        w = np.ones(n)
    # The penalty is chosen for weights of mean 1: scaling every weight by
    # a constant then gives the same fit (sklearn's would change alpha).
    w = w / w.mean()
    moments = _weighted_moments(windows, T, w)
    mean, std, gram, cross = moments
    eigvals, eigvecs = np.linalg.eigh(gram)
    rotated = eigvecs.T @ cross  # (n_inputs, n_outputs)
    if n < _MIN_LEAVE_ONE_OUT:
        alpha = np.ones(T.shape[1])
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            errors = _leave_one_out_errors(windows, T, w, moments, eigvals, eigvecs)
        alpha = _first_best(errors)
    # Coefficients on the standardised columns, per output's own penalty.
    shrink = 1.0 / (eigvals[:, None] + alpha[None, :])
    coef_std = (eigvecs @ (shrink * rotated)).T  # (n_outputs, n_inputs)
    coef = coef_std / std
    bias = np.average(T, axis=0, weights=w) - coef @ mean
    if not (np.isfinite(coef).all() and np.isfinite(bias).all()):
        # Degenerate data: start the path at the mean target instead.
        coef, bias = np.zeros_like(coef), np.average(T, axis=0, weights=w)
    return coef, bias, alpha


def _weighted_moments(windows, T, w):
    """Weighted column means and scales, Gram and cross products of the
    standardised columns: ``Xs' W Xs`` and ``Xs' W (T - mean T)``.

    Sums are taken around the first chunk's mean, so that a column far from
    zero keeps its variance (no cancellation of large squares).
    """
    total_w = w.sum()
    t_mean = (w @ T) / total_w
    shift = sums = gram = cross = None
    start = 0
    for chunk in _chunks(windows):
        wc = w[start : start + len(chunk)]
        tc = T[start : start + len(chunk)] - t_mean
        start += len(chunk)
        if shift is None:
            shift = chunk.mean(axis=0)
            sums = np.zeros(chunk.shape[1])
            gram = np.zeros((chunk.shape[1], chunk.shape[1]))
            cross = np.zeros((chunk.shape[1], T.shape[1]))
        centred = chunk - shift
        weighted = centred * wc[:, None]
        sums += weighted.sum(axis=0)
        gram += weighted.T @ centred
        cross += weighted.T @ tc
    offset = sums / total_w  # weighted mean minus shift
    gram -= total_w * np.outer(offset, offset)
    # Cross products of T - mean T, whose weighted sum is zero, need no
    # correction for the shift.
    std = np.sqrt(np.maximum(np.diag(gram), 0.0) / total_w)
    std = np.where(std > 1e-12, std, 1.0)
    gram = gram / np.outer(std, std)
    cross = cross / std[:, None]
    return shift + offset, std, gram, cross


def _leave_one_out_errors(windows, T, w, moments, eigvals, eigvecs):
    """Sum of squared leave-one-out residuals, ``(n_alphas, n_outputs)``.

    The residual of row i for penalty a is ``r_i / (1 - h_i)`` with the
    weighted standardised row ``x_i``: ``r_i = sqrt(w_i) (t_i - x_i' b_a)``
    and leverage ``h_i = x_i' (G + a I)^-1 x_i + w_i / sum(w)`` (the last
    term is the unpenalised intercept), as sklearn's ``_RidgeGCV``.
    """
    mean, std, _, cross = moments
    total_w = w.sum()
    t_mean = (w @ T) / total_w
    shrink = 1.0 / (eigvals[:, None] + RIDGE_ALPHAS[None, :])  # (p, n_alphas)
    rotated = eigvecs.T @ cross  # (p, n_outputs)
    # Fitted values of every (alpha, output) pair from one product per chunk.
    n_outputs = T.shape[1]
    fit_map = (shrink[:, :, None] * rotated[:, None, :]).reshape(len(eigvals), -1)
    errors = np.zeros((len(RIDGE_ALPHAS), n_outputs))
    start = 0
    for chunk in _chunks(windows):
        sqrt_w = np.sqrt(w[start : start + len(chunk)])
        tc = (T[start : start + len(chunk)] - t_mean) * sqrt_w[:, None]
        start += len(chunk)
        projected = ((chunk - mean) / std * sqrt_w[:, None]) @ eigvecs
        leverage = np.square(projected) @ shrink
        leverage += (np.square(sqrt_w) / total_w)[:, None]
        fitted = (projected @ fit_map).reshape(len(chunk), len(RIDGE_ALPHAS), -1)
        residual = (tc[:, None, :] - fitted) / (1.0 - leverage)[:, :, None]
        errors += np.square(residual).sum(axis=0)
    return errors


def _first_best(errors: np.ndarray) -> np.ndarray:
    """Per output, the first penalty with the smallest error, as RidgeCV.

    RidgeCV keeps the first alpha and replaces it only by a strictly better
    score, so a NaN score of the first alpha is never replaced.
    """
    best = errors[0].copy()
    alpha = np.full(errors.shape[1], RIDGE_ALPHAS[0])
    for a, error in zip(RIDGE_ALPHAS[1:], errors[1:], strict=True):
        better = -error > -best
        best[better] = error[better]
        alpha[better] = a
    return alpha


def check_timesteps(X3: np.ndarray, n_timesteps: int | None) -> None:
    """Refuse windows of another length than a linear path of ``n_timesteps`` reads.

    ``n_timesteps`` None (a model fitted with ``linear_path=False``) accepts
    any length.

    Examples
    --------
    >>> check_timesteps(np.zeros((2, 3, 1)), None)
    >>> check_timesteps(np.zeros((2, 3, 1)), 4)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: X has 3 timesteps, but this LSTMRegressor was fitted on 4 ...
    """
    if n_timesteps is not None and X3.shape[1] != n_timesteps:
        raise ValueError(
            f"X has {X3.shape[1]} timesteps, but this LSTMRegressor was "
            f"fitted on {n_timesteps} and its linear path "
            f"(linear_path=True) reads exactly that many. Pass windows of "
            f"{n_timesteps} steps (pad shorter histories with "
            f"leading NaN), or refit with linear_path=False to accept any "
            f"length."
        )
