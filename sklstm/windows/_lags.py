"""Lag matrices (skforecast's ``lag_1 .. lag_k`` columns) read as sequences.

Forecasting libraries that reduce a series to a tabular regression pass the
regressor a 2-D frame of lagged values: skforecast names them ``lag_1`` (the
newest value) to ``lag_k`` (the oldest), followed by exogenous, window and
series-id columns. sklstm reads plain 2-D input as ``(n_samples,
n_timesteps)``, oldest step first, so such a frame would run through the
recurrence backwards, with the exogenous values as extra "timesteps".

When the fitted column names (``feature_names_in_``) hold ``lag_<n>``
columns, the lags become the steps of feature 0, oldest first, and every
other column becomes one more feature, repeated at every step. The layout is
a function of ``feature_names_in_`` alone: nothing else is recorded, model
files keep it, and ``predict`` applies it to arrays without names (skforecast
predicts with plain arrays in the fitted column order).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

_LAG_NAME = re.compile(r"lag_([1-9][0-9]*)")

_OPT_OUT = (
    "To read the columns as plain timesteps (oldest first) instead, rename "
    "them (e.g. X.add_prefix('x_')) or pass X.to_numpy()."
)


@dataclass(frozen=True)
class LagLayout:
    """Where the lags and the other columns of a lag matrix are.

    Parameters
    ----------
    lag_columns : tuple of int
        Column positions of ``lag_k, ..., lag_1``: the steps, oldest first.
    other_columns : tuple of int
        Column positions of the per-sample features (exogenous, window and
        series-id columns), in input order.
    """

    lag_columns: tuple[int, ...]
    other_columns: tuple[int, ...]

    @property
    def n_features(self) -> int:
        """Features per step: the lagged series plus each other column."""
        return 1 + len(self.other_columns)

    def to_sequences(self, X2: np.ndarray) -> np.ndarray:
        """Sequences ``(n_samples, n_lags, n_features)`` of validated 2-D ``X2``.

        Examples
        --------
        >>> layout = lag_layout(("lag_1", "lag_2", "temp"))
        >>> layout.to_sequences(np.array([[20.0, 10.0, 5.0]]))[0].tolist()
        [[10.0, 5.0], [20.0, 5.0]]
        """
        n_samples = X2.shape[0]
        X3 = np.empty((n_samples, len(self.lag_columns), self.n_features), X2.dtype)
        X3[:, :, 0] = X2[:, self.lag_columns]
        X3[:, :, 1:] = X2[:, None, self.other_columns]
        return X3


def lag_layout(feature_names) -> LagLayout | None:
    """The lag layout that ``feature_names`` describe, or None.

    Columns named ``lag_1 .. lag_k`` (exactly, case-sensitive) are lags; the
    others are per-sample features. The lags must be 1..k without gaps and
    appear either newest first (skforecast's order) or oldest first.

    Parameters
    ----------
    feature_names : array-like of str or None
        Column names, e.g. a fitted estimator's ``feature_names_in_``.

    Returns
    -------
    LagLayout or None
        None when no column is a lag (plain ``(n_samples, n_timesteps)``).

    Raises
    ------
    ValueError
        For lag columns that skip a lag, repeat one or are out of order.

    Examples
    --------
    >>> lag_layout(["lag_1", "lag_2", "lag_3", "exog"])
    LagLayout(lag_columns=(2, 1, 0), other_columns=(3,))
    >>> lag_layout(["t0", "t1"]) is None
    True
    """
    if feature_names is None:
        return None
    return _cached_layout(tuple(str(name) for name in feature_names))


@lru_cache(maxsize=64)
def _cached_layout(names: tuple[str, ...]) -> LagLayout | None:
    # Cached: skforecast predicts one step (one predict call) at a time.
    lags, other = [], []
    for position, name in enumerate(names):
        match = _LAG_NAME.fullmatch(name)
        if match is None:
            other.append(position)
        else:
            lags.append((int(match.group(1)), position))
    if not lags:
        return None
    numbers = [number for number, _ in lags]
    shown = ", ".join(f"lag_{number}" for number in numbers)
    if sorted(numbers) != list(range(1, len(numbers) + 1)):
        raise ValueError(
            f"X has lag columns {shown}: sklstm reads lag_1..lag_k as the steps "
            f"of a sequence, so the lags must run from 1 without gaps or "
            f"repeats (in skforecast, lags=k instead of a list). {_OPT_OUT}"
        )
    if numbers == sorted(numbers):
        ordered = lags[::-1]  # newest first in X: reverse to oldest first
    elif numbers == sorted(numbers, reverse=True):
        ordered = lags
    else:
        raise ValueError(
            f"X has lag columns in mixed order ({shown}); put them newest "
            f"first (lag_1, lag_2, ...) or oldest first (..., lag_2, lag_1). "
            f"{_OPT_OUT}"
        )
    return LagLayout(
        tuple(position for _, position in ordered),
        tuple(other),
    )


def estimator_layout(estimator, n_columns: int) -> LagLayout | None:
    """The lag layout of 2-D input to ``estimator``, or None for timesteps.

    ``estimator.input_lags`` decides: ``"auto"`` (also when the estimator has
    no such parameter) detects ``lag_<n>`` names in ``feature_names_in_``;
    an int ``k`` reads the first ``k`` columns as ``lag_1..lag_k`` (newest
    first, names or not) and the rest as per-sample features; None never
    reads a lag matrix.

    Examples
    --------
    >>> class Model:
    ...     input_lags = 2
    >>> estimator_layout(Model(), 3)
    LagLayout(lag_columns=(1, 0), other_columns=(2,))
    """
    input_lags = getattr(estimator, "input_lags", "auto")
    if input_lags is None:
        return None
    if isinstance(input_lags, str):  # "auto"
        return lag_layout(getattr(estimator, "feature_names_in_", None))
    if input_lags > n_columns:
        raise ValueError(
            f"input_lags={input_lags}, but X has only {n_columns} column(s); "
            f"pass the lag matrix with its lag_1..lag_{input_lags} columns first."
        )
    return _leading_lags(input_lags, n_columns)


@lru_cache(maxsize=64)
def _leading_lags(n_lags: int, n_columns: int) -> LagLayout:
    return LagLayout(tuple(range(n_lags - 1, -1, -1)), tuple(range(n_lags, n_columns)))


def as_sequences(estimator, X2: np.ndarray) -> np.ndarray:
    """Validated 2-D input as 3-D sequences, lag matrices reordered.

    Parameters
    ----------
    estimator : estimator instance
        Its ``input_lags`` and ``feature_names_in_`` decide the layout (see
        :func:`estimator_layout`).
    X2 : ndarray of shape (n_samples, n_columns)
        Input that went through ``validate_data``.

    Returns
    -------
    X3 : ndarray of shape (n_samples, n_timesteps, n_features)
        ``X2[:, :, None]`` (a view) unless the columns are a lag matrix.

    Examples
    --------
    >>> class Fitted:
    ...     feature_names_in_ = np.array(["lag_1", "lag_2"], dtype=object)
    >>> as_sequences(Fitted(), np.array([[2.0, 1.0]]))[0, :, 0].tolist()
    [1.0, 2.0]
    """
    layout = estimator_layout(estimator, X2.shape[1])
    return X2[:, :, None] if layout is None else layout.to_sequences(X2)


def features_per_step(estimator) -> int:
    """Features per step the network of a fitted estimator reads.

    ``n_features_in_`` for 3-D input; for 2-D input 1, or the lag layout's
    feature count (what ``x_mean_`` and the network's input size hold).

    Examples
    --------
    >>> class Fitted:
    ...     _n_input_dims, n_features_in_, input_lags = 2, 3, 2
    >>> features_per_step(Fitted())
    2
    """
    if estimator._n_input_dims == 3:
        return estimator.n_features_in_
    layout = estimator_layout(estimator, estimator.n_features_in_)
    return 1 if layout is None else layout.n_features
