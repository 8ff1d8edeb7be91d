"""Save and load fitted models in a safe file format (no pickle on load).

A model file is one zip archive:

* ``manifest.json``: the format name and version, the class names, the
  hyperparameters (``get_params()``), the fitted attributes each class
  declares in its ``_fitted_state`` table (scalars and lists inline), the
  epoch-level training history, and the SHA-256 and size of every other
  member;
* one ``.npy`` member per fitted array (read with ``allow_pickle=False``);
* for every :class:`~sklstm.LSTMRegressor`, the module's and the optimizer's
  ``state_dict`` (skorch's ``save_params``; for exact warm-start continuation).

This module is the container; :mod:`sklstm.io._codec` encodes each value by the
kind its owner declares, :mod:`sklstm.io._foreign` declares the fitted state of
the allowed sklearn classes, and :mod:`sklstm.io._file_limits` bounds everything
a file controls before it is used. Loading never executes code from the file:
the manifest is JSON, class names are looked up in an explicit allow-list, a
torch optimizer class is resolved by attribute lookup in ``torch.optim`` only,
functions only in :data:`sklstm.io._codec.UFUNCS`, and tensors are read with
``torch.load(..., weights_only=True)``.

Format versions: 2 (current) stores arrays as ``.npy`` members; 1 stored them
inline in the manifest and named the net's members in a separate ``net``
entry. Both are read.
"""

from __future__ import annotations

import json
import os
import zipfile

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ..estimators._base import BaseSequenceModel
from ..estimators._classifier import LSTMClassifier
from ..estimators._regressor import LSTMRegressor
from ..forecasting._forecaster import SeriesForecaster
from ..windows._flatten import FlattenWindows
from ..windows._transformer import SlidingWindowTransformer
from . import _file_limits as limits
from ._archive import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST,
    Reader,
    check_header,
    corrupted,
    invalid,
    sha256,
    write_member,
)
from ._atomic_file import write_atomically
from ._codec import (
    TYPE_TAG,
    InvalidContent,
    decode_fitted,
    decode_param,
    encode_fitted,
    encode_param,
)
from ._foreign import FITTED_STATE as _FOREIGN_STATE
from ._foreign import check_restored as _check_foreign
from ._foreign import check_role

# The only classes a model file may name, with the prefix of their members;
# nothing else is ever instantiated.
_ALLOWED_CLASSES = {
    "LSTMRegressor": (LSTMRegressor, "regressor"),
    "LSTMClassifier": (LSTMClassifier, "classifier"),
    "SlidingWindowTransformer": (SlidingWindowTransformer, "window"),
    "FlattenWindows": (FlattenWindows, "flatten"),
    "SeriesForecaster": (SeriesForecaster, "forecaster"),
    "Pipeline": (Pipeline, "pipeline"),
    **{cls.__name__: (cls, cls.__name__.lower()) for cls in _FOREIGN_STATE},
}
_SUPPORTED = (
    "fitted sklstm estimators (LSTMRegressor, LSTMClassifier, "
    "SlidingWindowTransformer, FlattenWindows, SeriesForecaster), sklearn's "
    "Pipeline, TransformedTargetRegressor, Ridge and LinearRegression, "
    "FunctionTransformer of an allowed numpy function, and the scalers "
    "StandardScaler, MinMaxScaler, MaxAbsScaler, RobustScaler, nested in any "
    "combination"
)
_MAX_STEPS = 64
# Errors a hostile manifest can still provoke deep inside sklearn, skorch or
# torch; load_model turns them into its ValueError.
_REBUILD_ERRORS = (
    TypeError,
    AttributeError,
    LookupError,
    RuntimeError,
    ArithmeticError,
    RecursionError,
)


def save_model(estimator: BaseEstimator, path: str | bytes | os.PathLike) -> None:
    """Save a fitted sklstm model to a file that loads without running code.

    The file is a zip archive holding a JSON manifest (hyperparameters,
    scalar fitted attributes, training history, SHA-256 checksums), every
    fitted array as a ``.npy`` member and, for each
    :class:`~sklstm.LSTMRegressor`, the network's weights and optimizer
    state written with skorch's ``save_params`` (``torch.save``). Unlike
    pickle or joblib, loading it with :func:`load_model` never executes code
    stored in the file.

    Parameters
    ----------
    estimator : estimator instance
        A fitted :class:`~sklstm.LSTMRegressor`,
        :class:`~sklstm.SlidingWindowTransformer` or
        :class:`~sklstm.SeriesForecaster`, or a fitted
        :class:`~sklearn.pipeline.Pipeline` or
        :class:`~sklearn.compose.TransformedTargetRegressor` built only of
        these, ``StandardScaler``, ``MinMaxScaler``, ``MaxAbsScaler``,
        ``RobustScaler`` and ``FunctionTransformer`` whose ``func`` and
        ``inverse_func`` are None or one of ``np.log``, ``np.exp``,
        ``np.log1p``, ``np.expm1``, ``np.sqrt``, ``np.square``.
    path : str, bytes or path-like
        Where to write the file (for example ``"model.sklstm"``). An existing
        file is replaced atomically and keeps its permissions; a new one gets
        the umask's default. A symbolic link is written through (its target
        is replaced, the link stays). The file and then its folder are
        flushed to the disk (``fsync``) before this returns, so a power loss
        after a save cannot leave an empty or partial file.

    Raises
    ------
    TypeError
        If ``estimator`` (or a part of it) is not one of the supported classes.
    sklearn.exceptions.NotFittedError
        If the estimator (or a step of the pipeline) is not fitted.
    ValueError
        If a hyperparameter cannot be stored safely: ``callbacks`` (arbitrary
        code), a function other than the allowed numpy ones, or an
        ``optimizer`` class that is not part of ``torch.optim``. Use pickle
        or joblib for such models (and load only trusted files).
    OSError
        If the file cannot be written; the message names ``path``.

    See Also
    --------
    load_model : Read the file back.

    Notes
    -----
    A ``random_state`` given as a ``RandomState`` instance is stored as None
    (recorded in the manifest's notes); the seed drawn from it during ``fit``
    is stored, so predictions and warm-start training are unaffected. So is
    a ``Pipeline``'s ``memory`` (a cache directory is a path of this machine).
    The per-batch records of ``net_.history`` are not stored; its per-epoch
    rows are. An estimator given as a hyperparameter (the ``regressor`` of a
    ``TransformedTargetRegressor``) is stored unfitted: only its fitted copy
    (``regressor_``) is used for predictions.

    The file is written to ``<path>.<random>.tmp`` next to ``path`` and then
    renamed; the temporary file is removed on every error, Ctrl-C included.
    Only a process killed outright can leave one behind (delete it).

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklstm import LSTMRegressor, frame_windows, load_model, save_model
    >>> X, y = frame_windows(np.arange(2.0, 62.0, 2.0), window_length=3)
    >>> model = LSTMRegressor(hidden_size=4, max_epochs=2, random_state=0).fit(X, y)
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = os.path.join(tmp, "model.sklstm")
    ...     save_model(model, path)
    ...     loaded = load_model(path)
    >>> bool(np.array_equal(loaded.predict(X), model.predict(X)))
    True
    """
    from .._version import __version__

    writer = _Writer()
    notes: list[str] = []
    component = _encode_component(estimator, writer, notes, where="estimator")
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "sklstm_version": __version__,
        "library_versions": _library_versions(),
        "estimator_classes": _class_names(component),
        "estimator": component,
        "members": {
            name: {"sha256": sha256(data), "size": len(data)}
            for name, data in writer.members.items()
        },
        "notes": notes,
    }
    manifest_bytes = json.dumps(manifest, indent=1, allow_nan=False).encode("utf-8")

    def write(handle):
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as zf:
            write_member(zf, MANIFEST, manifest_bytes)
            for name, data in writer.members.items():
                write_member(zf, name, data)

    write_atomically(path, write)


def load_model(path: str | bytes | os.PathLike) -> BaseEstimator:
    """Load a model written by :func:`save_model`, without executing any code.

    Only the classes :func:`save_model` accepts are ever instantiated; arrays
    are read with ``np.load(..., allow_pickle=False)`` and weights with
    ``torch.load(..., weights_only=True, map_location="cpu")``, each after
    its SHA-256 has been checked against the manifest. Files of format
    version 1 (sklstm before the ``.npy`` members) load too.

    The whole manifest is checked before anything is built from it, so that
    a hostile file fails in milliseconds: its size, JSON depth, string and
    list lengths; every member's size (manifest, zip header and inflated
    bytes must agree; members are inflated in a stream that stops at the
    recorded size); hyperparameters (sklearn's parameter validation, plus the
    network they describe must fit the weights in the file); fitted values
    (scales and means finite, scales positive; NaN in loss curves and
    ``validation_scores_`` is legitimate and kept); and consistency (array
    shapes against ``n_features_in_`` and ``n_outputs_``, nested estimators
    able to do their part).

    Hyperparameters that would configure code or this machine are refused:
    ``callbacks`` must be None (skorch callbacks are code) and a
    ``Pipeline``'s ``memory`` must be None (a cache directory is a file
    path). ``verbose`` is kept.

    Parameters
    ----------
    path : str, bytes or path-like
        A file written by :func:`save_model`.

    Returns
    -------
    estimator : estimator instance
        The fitted estimator: same hyperparameters, same fitted attributes
        (``loss_curve_``, ``n_iter_``, ``next_index_``, ...) and bit-identical
        predictions. ``net_.history`` holds the per-epoch rows of the saved
        history (without per-batch records); the optimizer state is
        restored, so ``partial_fit`` and ``fit`` with ``warm_start=True``
        continue training exactly where the saved model stopped, and
        ``n_iter_`` keeps counting the epochs of all calls.

    Raises
    ------
    FileNotFoundError
        If there is no file at ``path``.
    ValueError
        For every problem with the file, naming it: not a zip archive,
        truncated or corrupted, written by a newer sklstm, a class that is not
        allowed, a member whose SHA-256 or size does not match the manifest
        (tampered or corrupted), a missing member, weights that cannot be
        loaded with ``weights_only=True``, sizes beyond the bounds above, or
        values that do not fit together.

    Warns
    -----
    UserWarning
        When the model was saved with ``device="cuda"`` and torch finds no
        CUDA device here: the model is loaded on the CPU.

    See Also
    --------
    save_model : Write the file.

    Examples
    --------
    >>> import os, tempfile
    >>> import numpy as np
    >>> from sklstm import SlidingWindowTransformer, load_model, save_model
    >>> windows = SlidingWindowTransformer(window_length=3).fit(np.arange(5.0))
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     save_model(windows, os.path.join(tmp, "windows.sklstm"))
    ...     loaded = load_model(os.path.join(tmp, "windows.sklstm"))
    >>> loaded.history_[:, 0]
    array([3., 4.])
    """
    # bytes as open() takes them, decoded as the file system encodes names.
    path = os.fsdecode(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No model file at {path!r}.")
    try:
        zf = zipfile.ZipFile(path, "r")
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise corrupted(path, exc) from exc
    with zf:
        reader = Reader(zf, path)
        manifest = reader.manifest()
        reader.version = check_header(manifest, path)
        members = manifest.get("members")
        if not isinstance(members, dict):
            raise invalid(path, "the manifest has no 'members' table")
        reader.declared = members
        try:
            return _decode_component(manifest.get("estimator"), reader, "estimator")
        except (InvalidContent, limits.LimitExceeded) as exc:
            raise invalid(path, str(exc)) from exc
        except _REBUILD_ERRORS as exc:
            raise invalid(
                path,
                f"its contents cannot be rebuilt into an estimator "
                f"({type(exc).__name__}: {str(exc)[:200]})",
            ) from exc


# ---------------------------------------------------------------- encoding


class _Writer:
    """Collects the archive's members under a prefix per component."""

    def __init__(self):
        self.members: dict[str, bytes] = {}
        self._counts: dict[str, int] = {}

    def prefix(self, short):
        count = self._counts.get(short, 0)
        self._counts[short] = count + 1
        return f"{short}_{count}"

    def adder(self, prefix):
        def add(name, data):
            member = f"{prefix}/{name}"
            self.members[member] = data
            return member

        return add


def _fitted_rows(cls):
    return _FOREIGN_STATE.get(cls) or cls._fitted_state


def _encode_component(estimator, writer, notes, *, where, fitted=True):
    entry = _ALLOWED_CLASSES.get(type(estimator).__name__)
    if entry is None or entry[0] is not type(estimator):
        raise TypeError(
            f"save_model supports {_SUPPORTED}; got {_describe(estimator)}"
            f"{'' if where == 'estimator' else f' at {where}'}. Use pickle or joblib "
            f"for other estimators (and load only files you trust)."
        )
    cls, short = entry
    name = cls.__name__
    params = estimator.get_params(deep=False)
    component = {"class": name}
    if cls is Pipeline:
        component["steps"] = [
            [
                str(step_name),
                _encode_component(
                    step, writer, notes, where=f"{where}.steps[{i}]", fitted=fitted
                ),
            ]
            for i, (step_name, step) in enumerate(params.pop("steps"))
        ]
        if params.get("memory") is not None:
            notes.append(f"{where}: memory (a cache location) is stored as None.")
            params["memory"] = None
    component["params"] = {
        key: _encode_param(value, key, name, writer, notes, where)
        for key, value in params.items()
    }
    if cls is Pipeline or not fitted:
        return component
    rows = _fitted_rows(cls)
    required = [f.name for f in rows if not f.optional]
    check_is_fitted(estimator, required or None)
    add_member = writer.adder(writer.prefix(short))
    attributes = {}
    for field in rows:
        if not hasattr(estimator, field.name):
            continue
        value = getattr(estimator, field.name)
        if field.kind == "estimator":
            attributes[field.name] = _encode_component(
                value, writer, notes, where=f"{where}.{field.name}"
            )
        else:
            attributes[field.name] = encode_fitted(
                field.kind, value, field.name, add_member
            )
    component["attributes"] = attributes
    return component


def _encode_param(value, key, owner, writer, notes, where):
    if isinstance(value, BaseEstimator):
        # A template (TransformedTargetRegressor.regressor): its fitted copy
        # is an attribute; the template itself is stored unfitted.
        nested = _encode_component(
            value, writer, notes, where=f"{where}.params.{key}", fitted=False
        )
        return {TYPE_TAG: "estimator", "component": nested}
    return encode_param(value, key, owner, notes, where)


def _class_names(component):
    names = [component["class"]]
    for _, step in component.get("steps", []):
        names.extend(_class_names(step))
    for value in component.get("attributes", {}).values():
        if isinstance(value, dict) and "class" in value:
            names.extend(_class_names(value))
    return names


def _library_versions():
    import sklearn
    import skorch
    import torch

    return {
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scikit-learn": sklearn.__version__,
        "torch": torch.__version__,
        "skorch": skorch.__version__,
    }


def _describe(obj):
    kind = type(obj)
    return f"{kind.__module__}.{kind.__qualname__}"


# ---------------------------------------------------------------- decoding


def _decode_component(component, reader, where, *, fitted=True):
    if not isinstance(component, dict):
        raise InvalidContent(f"{where} is not a JSON object")
    class_name = component.get("class")
    if not isinstance(class_name, str) or class_name not in _ALLOWED_CLASSES:
        raise InvalidContent(
            f"{where} names the class {class_name!r:.80}, which is not one of the "
            f"classes a model file may hold ({', '.join(sorted(_ALLOWED_CLASSES))})"
        )
    cls = _ALLOWED_CLASSES[class_name][0]
    if cls is Pipeline:
        return _decode_pipeline(component, reader, where, fitted=fitted)
    est = _construct(cls, _decode_params(component, reader, where), where)
    if not fitted:
        return est
    attributes = component.get("attributes")
    if not isinstance(attributes, dict):
        raise InvalidContent(f"{where} has no fitted attributes")
    rows = _fitted_rows(cls)
    if reader.version == 1 and any(f.kind == "net" for f in rows):
        attributes = _v1_net_as_attribute(component, attributes, where)
    state = {}
    for field in rows:
        if field.name not in attributes:
            if field.optional:
                continue
            raise InvalidContent(f"{where}.{field.name} is missing")
        value, field_where = attributes[field.name], f"{where}.{field.name}"
        if field.kind == "estimator":
            state[field.name] = _decode_component(value, reader, field_where)
        else:
            state[field.name] = decode_fitted(
                field.kind, value, field_where, reader.member
            )
    limits.check_state(state, where)
    if issubclass(cls, BaseSequenceModel):
        limits.check_network(est, state, where)
    try:
        _restore(est, state)
    except ValueError as exc:
        raise InvalidContent(f"{where}: {exc}") from exc
    return est


def _restore(est, state):
    if type(est) in _FOREIGN_STATE:
        for name, value in state.items():
            setattr(est, name, value)
        _check_foreign(est)
        return
    for name, value in state.items():
        if isinstance(value, BaseEstimator):
            check_role(type(est).__name__, name, value)
    est._restore_fitted_state(state)


def _v1_net_as_attribute(component, attributes, where):
    """Format version 1 kept the net's members in a separate ``net`` entry."""
    net = component.get("net")
    if not isinstance(net, dict):
        raise InvalidContent(f"{where} has no 'net' entry")
    entry = {
        "module": net.get("module_state"),
        "optimizer": net.get("optimizer_state"),
        "history": net.get("history", []),
        "max_chunk_rows": net.get("max_chunk_rows"),
    }
    return {**attributes, "net_": entry}


def _construct(cls, params, where):
    # A hyperparameter added after a file was saved takes the value that
    # reproduces the saved model, not the new default.
    params = {**getattr(cls, "_params_before_added", {}), **params}
    try:
        est = cls(**params)
    except TypeError as exc:
        raise InvalidContent(
            f"{where} has parameters {cls.__name__} rejects ({exc})"
        ) from exc
    try:
        est._validate_params()
    except (TypeError, ValueError) as exc:
        raise InvalidContent(f"{where} has invalid parameters ({exc})") from exc
    return est


# Hyperparameters that configure code or this machine: never from a file.
_REFUSED_PARAMS = {
    "callbacks": "skorch callbacks are code",
    "memory": "a cache directory is a file path of the machine that saved it",
}


def _decode_params(component, reader, where):
    params = component.get("params")
    if not isinstance(params, dict):
        raise InvalidContent(f"{where} has no parameters")
    decoded = {}
    for key, value in params.items():
        key_where = f"{where}.params.{key}"
        if isinstance(value, dict) and value.get(TYPE_TAG) == "estimator":
            decoded[key] = _decode_component(
                value.get("component"), reader, key_where, fitted=False
            )
            continue
        decoded[key] = decode_param(value, key_where)
        if key in _REFUSED_PARAMS and decoded[key] is not None:
            raise InvalidContent(
                f"{key_where} is {value!r:.80}, but a model file never sets it "
                f"({_REFUSED_PARAMS[key]}); it must be None"
            )
        limits.check_int_param(key, decoded[key], where)
    return decoded


def _decode_pipeline(component, reader, where, *, fitted):
    steps = component.get("steps")
    if not isinstance(steps, list) or not 1 <= len(steps) <= _MAX_STEPS:
        raise InvalidContent(f"{where} has no list of 1 to {_MAX_STEPS} steps")
    decoded = []
    for i, item in enumerate(steps):
        step_where = f"{where}.steps[{i}]"
        if not isinstance(item, list) or len(item) != 2 or not isinstance(item[0], str):
            raise InvalidContent(f"{step_where} is not a [name, estimator] pair")
        step = _decode_component(item[1], reader, step_where, fitted=fitted)
        if isinstance(step, Pipeline):
            raise InvalidContent(f"{step_where} is a nested Pipeline")
        if i < len(steps) - 1 and not hasattr(step, "transform"):
            raise InvalidContent(f"{step_where} is not a transformer")
        decoded.append((item[0], step))
    params = _decode_params(component, reader, where)
    params.pop("steps", None)
    return _construct(Pipeline, {"steps": decoded, **params}, where)


__all__ = ["FORMAT_VERSION", "load_model", "save_model"]
