"""The plain sklearn classes a model file may hold, and their fitted state.

sklearn's estimators do not declare their fitted attributes the way sklstm's
do (:mod:`sklstm._state`), so this module declares them, once, for the few
classes that are rebuilt from numbers alone: the usual scalers, a
``FunctionTransformer`` of an allow-listed numpy function (see
:data:`sklstm.io._codec.UFUNCS`), ``TransformedTargetRegressor``, and the
linear regressors ``Ridge`` and ``LinearRegression`` (their coefficients are
numbers, so ``SeriesForecaster(Ridge())`` saves). A class that holds code (a
``FunctionTransformer`` of a lambda) or objects beyond numbers (the trees of
``HistGradientBoostingRegressor``) is simply absent. The table is checked against each
sklearn release by ``tests/io/test_persistence_foreign.py``, which fits every
class and compares its attributes with the rows here.
"""

from __future__ import annotations

import numpy as np
from sklearn.compose import TransformedTargetRegressor
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.preprocessing import (
    FunctionTransformer,
    MaxAbsScaler,
    MinMaxScaler,
    RobustScaler,
    StandardScaler,
)

from .._state import Fitted

_INPUT = (
    Fitted("n_features_in_", "int"),
    Fitted("feature_names_in_", "names", optional=True),
)

#: Every foreign class a model file may name, with its fitted attributes.
FITTED_STATE = {
    StandardScaler: _INPUT
    + (
        # An int or float count, or one count per feature when X had NaN.
        Fitted("n_samples_seen_", "array"),
        Fitted("mean_", "array_or_none"),
        Fitted("var_", "array_or_none"),
        Fitted("scale_", "array_or_none"),
    ),
    MinMaxScaler: _INPUT
    + (
        Fitted("n_samples_seen_", "int"),
        Fitted("scale_", "array"),
        Fitted("min_", "array"),
        Fitted("data_min_", "array"),
        Fitted("data_max_", "array"),
        Fitted("data_range_", "array"),
    ),
    MaxAbsScaler: _INPUT
    + (
        Fitted("n_samples_seen_", "int"),
        Fitted("max_abs_", "array"),
        Fitted("scale_", "array"),
    ),
    RobustScaler: _INPUT
    + (
        Fitted("center_", "array_or_none"),
        Fitted("scale_", "array_or_none"),
    ),
    FunctionTransformer: (
        Fitted("n_features_in_", "int", optional=True),
        Fitted("feature_names_in_", "names", optional=True),
    ),
    Ridge: _INPUT
    + (
        Fitted("coef_", "array"),
        Fitted("intercept_", "array"),  # a float for 1-D y
        Fitted("n_iter_", "array_or_none", optional=True),
        Fitted("solver_", "str", optional=True),
    ),
    LinearRegression: _INPUT
    + (
        Fitted("coef_", "array"),
        Fitted("intercept_", "array"),
        Fitted("rank_", "int", optional=True),
        Fitted("singular_", "array", optional=True),
    ),
    TransformedTargetRegressor: (
        Fitted("regressor_", "estimator"),
        Fitted("transformer_", "estimator"),
        Fitted("_training_dim", "int"),
        Fitted("feature_names_in_", "names", optional=True),
    ),
}

# The per-feature vectors of the scalers: one float per input column.
_PER_FEATURE = frozenset(
    {"mean_", "var_", "scale_", "min_", "data_min_", "data_max_", "data_range_"}
    | {"max_abs_", "center_"}
)

# What a nested estimator must be able to do where it sits.
ROLES = {
    "regressor_": "predict",
    "estimator_": "predict",
    "transformer_": "inverse_transform",
}


def check_role(owner: str, name: str, value) -> None:
    """A nested fitted estimator must have the method its place calls."""
    method = ROLES.get(name)
    if method is not None and not hasattr(value, method):
        raise ValueError(
            f"{owner}.{name} is a {type(value).__name__}, which has no {method}()"
        )


def check_restored(est) -> None:
    """Raise ValueError if restored attributes of a foreign estimator disagree."""
    n_features = getattr(est, "n_features_in_", None)
    for field in FITTED_STATE[type(est)]:
        value = getattr(est, field.name, None)
        if field.name in _PER_FEATURE and value is not None:
            if (
                not isinstance(value, np.ndarray)
                or value.dtype.kind != "f"
                or value.shape != (n_features,)
            ):
                raise ValueError(
                    f"{field.name} does not hold one float per feature "
                    f"(n_features_in_={n_features})"
                )
        if field.kind == "estimator":
            check_role(type(est).__name__, field.name, value)
    if isinstance(est, Ridge | LinearRegression):
        _check_linear(est, n_features)
    if isinstance(est, TransformedTargetRegressor) and est._training_dim not in (1, 2):
        raise ValueError(f"_training_dim is {est._training_dim}, not 1 or 2")


def _check_linear(est, n_features) -> None:
    """Coefficients of one float per feature (per output), and an intercept each."""
    coef, intercept = est.coef_, np.asarray(est.intercept_)
    if (
        not isinstance(coef, np.ndarray)
        or coef.dtype.kind != "f"
        or coef.ndim not in (1, 2)
        or coef.shape[-1] != n_features
    ):
        raise ValueError(
            f"coef_ does not hold one float per feature (n_features_in_={n_features})"
        )
    outputs = () if coef.ndim == 1 else coef.shape[:1]
    if intercept.dtype.kind != "f" or intercept.shape not in (outputs, ()):
        raise ValueError("intercept_ does not hold one float per output")
