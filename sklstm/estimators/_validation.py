"""Input checks for sequence data, shared by the estimators.

2-D input ``(n_samples, n_timesteps)`` goes through sklearn's ``validate_data``
(so feature names and the common checks behave as everywhere in sklearn);
3-D input ``(n_samples, n_timesteps, n_features)`` gets the equivalent checks
here, since sklearn's helpers only know 2-D data.

Leading NaN steps in a sequence mean "no history yet" (the padding of
:class:`~sklstm.SlidingWindowTransformer`). NaN anywhere else, or inf, is bad
input. The scan over the data runs in chunks of rows, so a strided window view
of a long series is checked without ever being copied in full.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from sklearn.utils.validation import _check_feature_names, validate_data

from ..windows._lags import as_sequences
from ..windows._lazy import LazyWindows

# Rows per chunk are chosen so that one chunk holds about this many values.
_CHUNK_VALUES = 1 << 20
# Input up to this many values is checked for finiteness on Python floats.
_SMALL_VALUES = 64


@dataclass
class SequenceStats:
    """What one pass over the sequences learned."""

    n_observed: np.ndarray  # observed (non-NaN) steps per sample
    mean: np.ndarray | None  # per-feature mean of the observed values
    std: np.ndarray | None  # per-feature standard deviation
    minimum: np.ndarray | None = None  # per-feature smallest observed value
    maximum: np.ndarray | None = None  # per-feature largest observed value


def check_sequences(estimator, X, *, reset: bool, y="no_validation", **y_params):
    """Validate sequence input and return it as a float 3-D array (no copy if possible).

    Parameters
    ----------
    estimator : estimator instance
        Receives ``n_features_in_`` / ``feature_names_in_`` when ``reset``.
    X : array-like of shape (n_samples, n_timesteps) or \
(n_samples, n_timesteps, n_features)
        Sequences; 2-D means one feature per step (unless its columns are
        named lags: see ``_lags``).
    reset : bool
        True in ``fit`` (record the input layout), False afterwards (compare).
    y : array-like or "no_validation"
        Validated together with ``X`` (same length, finite, numeric).

    Returns
    -------
    X3 : ndarray of shape (n_samples, n_timesteps, n_features)
    y : ndarray, only when ``y`` was given
    """
    ndim = getattr(X, "ndim", None)
    if ndim is None:
        X = np.asarray(X)
        ndim = X.ndim
    if ndim == 3:
        X3 = _check_3d(estimator, X, reset=reset)
        if isinstance(y, str) and y == "no_validation":
            return X3
        from sklearn.utils.validation import _check_y, check_consistent_length

        y = _check_y(y, multi_output=True, y_numeric=True, estimator=estimator)
        check_consistent_length(X3, y)
        return X3, y
    if ndim != 2:
        raise ValueError(
            f"Expected sequences of shape (n_samples, n_timesteps) or "
            f"(n_samples, n_timesteps, n_features), got an array with {ndim} "
            f"dimension(s). Reshape your data: a single series must be windowed "
            f"first (SlidingWindowTransformer in a Pipeline, or frame_windows()); "
            f"one sequence is X.reshape(1, -1)."
        )
    if not reset and getattr(estimator, "_n_input_dims", 2) == 3:
        raise ValueError(
            "This estimator was fitted on 3-D input (n_samples, n_timesteps, "
            "n_features); pass 3-D input to predict as well."
        )
    if not (isinstance(y, str) and y == "no_validation"):
        y_params = {"multi_output": True, "y_numeric": True, **y_params}
    out = validate_data(
        estimator,
        X,
        y,
        reset=reset,
        dtype=(np.float64, np.float32),
        ensure_all_finite="allow-nan",
        **y_params,
    )
    # Named lag matrices (skforecast's lag_1..lag_k) become oldest-first steps.
    if isinstance(y, str) and y == "no_validation":
        return as_sequences(estimator, out)
    X2, y = out
    return as_sequences(estimator, X2), y


def input_ndim(X) -> int:
    """Dimensions of array-like ``X`` (2 or 3 for sequences), without a copy.

    The estimator records it in ``fit`` to refuse the other layout later.

    Examples
    --------
    >>> input_ndim([[1.0, 2.0]])
    2
    """
    ndim = getattr(X, "ndim", None)
    return np.asarray(X).ndim if ndim is None else ndim


def _check_3d(estimator, X, *, reset):
    # sklearn's feature-name lookup is a large share of a one-window predict;
    # a plain ndarray has no names, so only the bookkeeping is needed.
    if type(X) is not np.ndarray or hasattr(estimator, "feature_names_in_"):
        _check_feature_names(estimator, X, reset=reset)
    if isinstance(X, LazyWindows):
        # Kept lazy: every later pass reads it in chunks or batches.
        if X.dtype.itemsize < 4:
            X = LazyWindows(
                X.values.astype(np.float32), X.ends, X.window_length, X.starts
            )
    else:
        X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise TypeError(
            f"X must hold numbers, got dtype {X.dtype}. Encode categorical or "
            f"string features as numbers before windowing."
        )
    if X.dtype.kind != "f":
        X = X.astype(np.float64)
    elif X.dtype.itemsize < 4:
        X = X.astype(np.float32)
    n_samples, n_timesteps, n_features = X.shape
    if n_samples == 0 or n_timesteps == 0 or n_features == 0:
        raise ValueError(
            f"Found array with shape {X.shape}: at least one sample, one "
            f"timestep and one feature are required."
        )
    if reset:
        estimator.n_features_in_ = n_features
    else:
        if getattr(estimator, "_n_input_dims", 3) != 3:
            raise ValueError(
                "This estimator was fitted on 2-D input (n_samples, n_timesteps); "
                "pass 2-D input to predict as well."
            )
        if n_features != estimator.n_features_in_:
            raise ValueError(
                f"X has {n_features} features, but {type(estimator).__name__} is "
                f"expecting {estimator.n_features_in_} features as input."
            )
    return X


def has_missing_steps(X3: np.ndarray) -> bool:
    """Validate the NaN layout of ``X3``; True if any sequence has leading NaN.

    All-finite input up to a chunk (the usual ``predict`` call) costs one
    pass; the rest goes through :func:`scan_sequences`, chunk by chunk.

    Parameters
    ----------
    X3 : ndarray of shape (n_samples, n_timesteps, n_features)
        Sequences; may be a strided view or :class:`~sklstm.windows._lazy.LazyWindows`.

    Returns
    -------
    bool

    Examples
    --------
    >>> import numpy as np
    >>> has_missing_steps(np.array([[[1.0], [2.0]]]))
    False
    >>> has_missing_steps(np.array([[[np.nan], [2.0]]]))
    True
    """
    if not isinstance(X3, np.ndarray):
        pass  # LazyWindows: built chunk by chunk in the scan
    elif X3.size <= _SMALL_VALUES:
        # A few values (one window in predict): Python floats beat a numpy
        # call on cold caches right after a torch forward pass (W3).
        if all(map(math.isfinite, X3.ravel().tolist())):
            return False
    elif X3.size <= _CHUNK_VALUES and np.isfinite(X3).all():
        return False
    n_observed = scan_sequences(X3, with_stats=False).n_observed
    return bool((n_observed < X3.shape[1]).any())


def _check_missing_layout(
    chunk: np.ndarray, start: int
) -> tuple[np.ndarray, np.ndarray]:
    """NaN mask and observed steps per sample of a chunk with non-finite values.

    Raises ``ValueError`` for NaN in some but not all features of a step, NaN
    after an observed step, a sample with no observed step, and infinity.
    ``start`` is the chunk's first sample index (for the messages).
    """
    n_features = chunk.shape[2]
    missing_values = np.isnan(chunk)
    step_missing = missing_values.any(axis=2)
    if n_features > 1 and not np.array_equal(step_missing, missing_values.all(axis=2)):
        row, step = np.argwhere(step_missing & ~missing_values.all(axis=2))[0]
        raise ValueError(
            f"Sample {start + row} has NaN in some but not all features at "
            f"step {step}. Only whole missing steps at the start of a "
            f"sequence (missing history) are allowed; impute the others."
        )
    # A missing step after an observed one is a gap, not missing history.
    gaps = step_missing[:, 1:] & ~step_missing[:, :-1]
    if gaps.any():
        row, step = np.argwhere(gaps)[0]
        raise ValueError(
            f"Sample {start + row} has NaN at step {step + 1} after observed "
            f"steps. NaN is only allowed as leading padding (missing "
            f"history); impute or interpolate gaps in the series first."
        )
    observed = chunk.shape[1] - step_missing.sum(axis=1)
    if (observed == 0).any():
        row = int(np.flatnonzero(observed == 0)[0])
        raise ValueError(
            f"Sample {start + row} has no observed step (all NaN). Drop it "
            f"or give it at least one value."
        )
    if np.isinf(chunk).any():
        raise ValueError(
            "X contains infinity. Replace inf values (e.g. with "
            "np.nan_to_num or by clipping) before fitting or predicting."
        )
    return missing_values, observed


def scan_sequences(
    X3: np.ndarray, *, with_stats: bool, reference_feature: int | None = None
) -> SequenceStats:
    """Check the NaN layout of every sequence and (optionally) feature stats.

    Parameters
    ----------
    X3 : ndarray of shape (n_samples, n_timesteps, n_features)
        Sequences; may be a strided view or :class:`~sklstm.windows._lazy.LazyWindows`
        (indexed one chunk of rows at a time, never in full).
    with_stats : bool
        Whether to compute the per-feature mean, standard deviation, minimum
        and maximum of the observed values (for internal scaling).
    reference_feature : int, WindowScaler or None, default=None
        Compute the statistics of feature ``reference_feature`` on the
        relative windows (each step minus the sequence's last value, see
        :func:`~sklstm.windows._window_scaling.relative_windows`), one chunk
        at a time; a :class:`~sklstm.windows._window_scaling.WindowScaler`: on
        the windows it normalises.

    Returns
    -------
    SequenceStats

    Examples
    --------
    >>> X3 = np.array([[[1.0], [2.0]], [[5.0], [7.0]]])
    >>> scan_sequences(X3, with_stats=True, reference_feature=0).minimum
    array([-2.])
    """
    from ..windows._window_scaling import reference_windows

    n_samples, n_timesteps, n_features = X3.shape
    rows = max(1, _CHUNK_VALUES // (n_timesteps * n_features))
    n_observed = np.empty(n_samples, dtype=np.int64)
    total = np.zeros(n_features)
    total_sq = np.zeros(n_features)
    count = 0
    shift = None
    low, high = np.full(n_features, np.inf), np.full(n_features, -np.inf)
    for start in range(0, n_samples, rows):
        chunk = X3[start : start + rows]
        if with_stats and reference_feature is not None:
            chunk = reference_windows(chunk, reference_feature)
        if np.isfinite(chunk).all():
            # The common case (no padding, no inf): one pass, no layout checks.
            n_observed[start : start + len(chunk)] = n_timesteps
            missing_values = None
            observed_count = chunk.shape[0] * n_timesteps
        else:
            missing_values, observed = _check_missing_layout(chunk, start)
            n_observed[start : start + len(chunk)] = observed
            observed_count = int(observed.sum())
        if with_stats:
            # Shifted sums keep the variance accurate for large offsets
            # (e.g. a series around 1e6 with small changes).
            if shift is None:
                if missing_values is None:
                    first_step = chunk[0, 0]
                else:
                    first_step = chunk[~missing_values[:, :, 0]][0]
                shift = first_step.astype(np.float64)
            # One contiguous row per feature: numpy's reductions over the
            # last axis are vectorised (over the first two axes of a
            # (rows, steps, 3) chunk they ran 5-10x slower).
            columns = np.ascontiguousarray(chunk.reshape(-1, n_features).T)
            centred = columns - shift[:, None]  # float64
            if missing_values is not None:
                centred[missing_values.reshape(-1, n_features).T] = 0.0
            with np.errstate(over="ignore"):  # too large values: see below
                total += centred.sum(axis=1)
                total_sq += np.einsum("ij,ij->i", centred, centred)
            count += observed_count
            # fmin/fmax skip the NaN of missing steps.
            low = np.fmin(low, np.fmin.reduce(columns, axis=1))
            high = np.fmax(high, np.fmax.reduce(columns, axis=1))
    if not with_stats:
        return SequenceStats(n_observed, None, None)
    if not (np.isfinite(total).all() and np.isfinite(total_sq).all()):
        raise too_large_error("X", X3)
    mean_shifted = total / count
    var = np.maximum(total_sq / count - mean_shifted**2, 0.0)
    return SequenceStats(
        n_observed,
        mean_shifted + shift,
        np.sqrt(var),
        low.astype(np.float64),
        high.astype(np.float64),
    )


def too_large_error(name: str, values: np.ndarray) -> ValueError:
    """The error for finite data whose sums of squares overflow float64.

    Squares of values beyond about 1.3e154 are infinite: the scaling
    statistics (and any loss) would be inf or NaN, so training would diverge
    for a reason no learning rate can fix.

    Examples
    --------
    >>> error = too_large_error("y", np.array([3e200, 1.0]))
    >>> "values up to 3e+200" in str(error), "divide it by 1e+197" in str(error)
    (True, True)
    """
    largest = float(np.nanmax(np.abs(values)))
    divisor = 10.0 ** max(0, math.floor(math.log10(largest)) - 3)
    return ValueError(
        f"{name} has values up to {largest:.3g} in magnitude, too large for "
        f"float64 statistics (their squares overflow). Rescale the data, e.g. "
        f"divide it by {divisor:.0e}, and scale predictions back."
    )


def unit_mean_weights(sample_weight: np.ndarray, min_observed_steps: int) -> np.ndarray:
    """Sample weights of the samples a fit uses, rescaled to a mean of 1.

    Only the ratios of weights mean anything: the losses weigh each batch by
    its weights' sum. Rescaled here, weights of any scale train the same
    model (uniform weights of 1e-15 or 1e50 as uniform ones), and the
    float32 copies the network reads neither underflow nor overflow (all
    are at most the number of samples). Division by the largest weight
    first keeps the mean finite near float64's limits.

    Parameters
    ----------
    sample_weight : ndarray of shape (n_samples,)
        Finite, non-negative weights (``_check_sample_weight``'s output) of
        the samples used.
    min_observed_steps : int
        The estimator's setting, named in the error.

    Returns
    -------
    ndarray of shape (n_samples,)

    Raises
    ------
    ValueError
        If every weight is zero.

    Examples
    --------
    >>> unit_mean_weights(np.array([1e-300, 3e-300, 0.0]), 1)
    array([0.75, 2.25, 0.  ])
    """
    w = np.asarray(sample_weight, dtype=np.float64)
    top = w.max() if len(w) else 0.0
    if not top > 0:
        raise ValueError(
            "sample_weight is 0 for every sample with at least "
            f"min_observed_steps={min_observed_steps} observed steps: there "
            "is nothing to learn from. Give some of them a positive weight."
        )
    w = w / top
    return w / w.mean()
