"""FlattenWindows: windows as flat rows, for regressors that read 2-D input.

A window ``(window_length, n_features)`` becomes one row of
``window_length * n_features`` numbers, oldest step first and the features
of each step together, so that any sklearn regressor (``Ridge``,
``HistGradientBoostingRegressor``) can be fitted on the windows that
:class:`~sklstm.SeriesForecaster` or :class:`~sklstm.SlidingWindowTransformer`
cut. It holds no code, so model files save it (a ``FunctionTransformer`` of a
lambda they refuse).
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils.validation import check_array, check_is_fitted

from .._state import Fitted, set_fitted_state


def _as_windows(X) -> np.ndarray:
    """``X`` as a 3-D float array, or sklearn's clear error (sparse, complex, empty)."""
    windows = check_array(
        X, allow_nd=True, dtype=np.float64, ensure_all_finite="allow-nan"
    )
    if windows.ndim == 2:  # one feature per step (the tslearn habit)
        windows = windows[:, :, None]
    if windows.ndim != 3:
        raise ValueError(
            f"FlattenWindows needs windows of shape (n_samples, window_length, "
            f"n_features), got an array with {windows.ndim} dimension(s), shape "
            f"{windows.shape}."
        )
    return windows


class FlattenWindows(TransformerMixin, BaseEstimator):
    """Flatten windows ``(n, window_length, n_features)`` to rows, one per window.

    The step a 2-D regressor needs after windowing. :class:`~sklstm.SeriesForecaster`
    puts it in front of any estimator that does not declare 3-D input (its
    tags' ``input_tags.three_d_array``), so ``SeriesForecaster(Ridge())``
    works as it is; use it yourself after
    :class:`~sklstm.SlidingWindowTransformer` in a Pipeline. Missing history
    (NaN padding) stays NaN; regressors that cannot read NaN need
    ``padding="edge"`` or ``"zero"`` where the windows are cut.

    Attributes
    ----------
    n_features_in_ : int
        Features per time step of the fitted windows.
    n_timesteps_in_ : int
        Time steps per fitted window.

    See Also
    --------
    sklstm.SlidingWindowTransformer : Cuts the windows this step flattens.
    sklstm.SeriesForecaster : Adds this step for 2-D regressors.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import FlattenWindows
    >>> windows = np.arange(12.0).reshape(2, 3, 2)  # 2 windows, 3 steps, 2 features
    >>> FlattenWindows().fit_transform(windows)
    array([[ 0.,  1.,  2.,  3.,  4.,  5.],
           [ 6.,  7.,  8.,  9., 10., 11.]])
    """

    _parameter_constraints: dict = {}

    _fitted_state = (
        Fitted("n_features_in_", "int"),
        Fitted("n_timesteps_in_", "int"),
    )

    def __init__(self):
        pass

    def _restore_fitted_state(self, state):
        """Become the fitted step ``state`` describes (used by load_model)."""
        set_fitted_state(self, state)
        for name in ("n_features_in_", "n_timesteps_in_"):
            value = getattr(self, name)
            if not isinstance(value, Integral) or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Remember the window shape.

        Parameters
        ----------
        X : array-like of shape (n_samples, window_length, n_features)
            Windows; 2-D input is read as one feature per step.
        y : None
            Ignored.

        Returns
        -------
        self : FlattenWindows
            The fitted step.
        """
        windows = _as_windows(X)
        self.n_timesteps_in_, self.n_features_in_ = windows.shape[1:]
        return self

    def transform(self, X):
        """Flatten each window to one row, oldest step first.

        Parameters
        ----------
        X : array-like of shape (n_samples, window_length, n_features)
            Windows of the fitted shape.

        Returns
        -------
        rows : ndarray of shape (n_samples, window_length * n_features)
            Row ``i`` holds window ``i``'s steps one after the other.
        """
        check_is_fitted(self, "n_features_in_")
        windows = _as_windows(X)
        expected = (self.n_timesteps_in_, self.n_features_in_)
        if windows.shape[1:] != expected:
            raise ValueError(
                f"X holds windows of shape {windows.shape[1:]} (window_length, "
                f"n_features), but FlattenWindows was fitted on {expected}."
            )
        return windows.reshape(len(windows), -1)

    def get_feature_names_out(self, input_features=None):
        """Names ``x{feature}_t{step}`` of the flat columns (step 0 the oldest).

        Parameters
        ----------
        input_features : None
            Ignored: windows carry no column names.

        Returns
        -------
        feature_names_out : ndarray of str objects
            One name per output column.
        """
        check_is_fitted(self, "n_features_in_")
        return np.asarray(
            [
                f"x{f}_t{t}"
                for t in range(self.n_timesteps_in_)
                for f in range(self.n_features_in_)
            ],
            dtype=object,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True
        tags.input_tags.allow_nan = True  # padding passes through as NaN
        return tags
