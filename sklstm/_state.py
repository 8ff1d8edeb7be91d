"""Fitted state declared once, by the estimator that owns it.

sklearn keeps fitted state in trailing-underscore attributes. An estimator of
sklstm lists its fitted attributes in one table, ``_fitted_state``, of
:class:`Fitted` rows: the name and the kind of value. Everything that needs
the list (saving, loading, the tests) iterates that table, so adding a fitted
attribute is one row where the attribute is defined.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

#: The kinds of fitted value a model file can hold.
#:
#: ``"int"``, ``"bool"``, ``"str"``: a Python scalar; ``"floats"``: a list of
#: floats (a loss curve); ``"array"``: a numeric ndarray (or numpy scalar);
#: ``"array_or_none"``: the same or None (``StandardScaler.mean_``);
#: ``"names"``: an object ndarray of str (``feature_names_in_``); ``"label"``:
#: one pandas index label, str or None (``next_index_``); ``"net"``: a skorch
#: net (weights, optimizer state and per-epoch history); ``"estimator"``: a
#: fitted estimator of an allowed class (``SeriesForecaster.estimator_``);
#: ``"index_like"``: an empty pandas index standing for the type and name of
#: the fitted index, or None; ``"offset"``: an index step (pandas offset, int
#: or None); ``"labels"``: class labels, an ndarray of bool, int, float or
#: str, or an object ndarray of str (``LSTMClassifier.classes_``).
KINDS = (
    "int",
    "bool",
    "str",
    "floats",
    "array",
    "array_or_none",
    "names",
    "label",
    "net",
    "estimator",
    "index_like",
    "offset",
    "labels",
)


@dataclass(frozen=True)
class Fitted:
    """One fitted attribute of an estimator.

    Parameters
    ----------
    name : str
        The attribute name.
    kind : str
        One of :data:`KINDS`.
    optional : bool, default=False
        Whether a fitted estimator may lack it (``feature_names_in_`` exists
        only after fitting on named columns).

    Examples
    --------
    >>> Fitted("n_iter_", "int")
    Fitted(name='n_iter_', kind='int', optional=False)
    """

    name: str
    kind: str
    optional: bool = False

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}, got {self.kind!r}.")


def get_fitted_state(estimator) -> dict[str, Any]:
    """The values of ``estimator``'s declared fitted attributes, by name.

    Optional attributes the estimator lacks are left out; a missing required
    one raises ``AttributeError`` (the estimator is not fitted).

    Parameters
    ----------
    estimator : estimator instance
        A fitted estimator whose class declares ``_fitted_state``.

    Returns
    -------
    dict

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import SlidingWindowTransformer
    >>> t = SlidingWindowTransformer(window_length=2).fit(np.arange(3.0))
    >>> sorted(get_fitted_state(t))
    ['history_', 'n_features_in_', 'next_index_']
    """
    state = {}
    for field in type(estimator)._fitted_state:
        if hasattr(estimator, field.name):
            state[field.name] = getattr(estimator, field.name)
        elif not field.optional:
            raise AttributeError(
                f"{type(estimator).__name__} has no fitted attribute "
                f"{field.name!r}: fit it first."
            )
    return state


def set_fitted_state(estimator, state: dict[str, Any]) -> None:
    """Set the declared fitted attributes of ``estimator`` from ``state``.

    Only names the class declares are set; optional attributes absent from
    ``state`` are removed, so a refit without them cannot keep stale ones.

    Parameters
    ----------
    estimator : estimator instance
        Its class declares ``_fitted_state``.
    state : dict
        Values by attribute name (see :func:`get_fitted_state`).

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import SlidingWindowTransformer
    >>> t = SlidingWindowTransformer(window_length=2)
    >>> set_fitted_state(
    ...     t, {"n_features_in_": 1, "history_": np.ones((1, 1)), "next_index_": None}
    ... )
    >>> t.n_features_in_
    1
    """
    for field in type(estimator)._fitted_state:
        if field.name in state:
            setattr(estimator, field.name, state[field.name])
        elif field.optional:
            estimator.__dict__.pop(field.name, None)
        else:
            raise KeyError(f"The fitted state lacks {field.name!r}.")
