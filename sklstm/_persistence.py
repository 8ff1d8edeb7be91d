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

This module is the container; :mod:`sklstm._codec` encodes each value by the
kind its owner declares. Loading never executes code from the file: the
manifest is JSON, class names are looked up in an explicit allow-list, a torch
optimizer class is resolved by attribute lookup in ``torch.optim`` only, and
tensors are read with ``torch.load(..., weights_only=True)``.

Format versions: 2 (current) stores arrays as ``.npy`` members; 1 stored them
inline in the manifest and named the net's members in a separate ``net``
entry. Both are read.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import zipfile

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._classifier import LSTMClassifier
from ._codec import (
    InvalidContent,
    decode_fitted,
    decode_param,
    encode_fitted,
    encode_param,
)
from ._regressor import LSTMRegressor
from ._state import get_fitted_state
from ._window import SlidingWindowTransformer

FORMAT_NAME = "sklstm"
FORMAT_VERSION = 2
MANIFEST = "manifest.json"

# The only classes a model file may name, with the prefix of their members;
# nothing else is ever instantiated.
_ALLOWED_CLASSES = {
    "LSTMRegressor": (LSTMRegressor, "regressor"),
    "LSTMClassifier": (LSTMClassifier, "classifier"),
    "SlidingWindowTransformer": (SlidingWindowTransformer, "window"),
    "Pipeline": (Pipeline, "pipeline"),
}
_SUPPORTED = (
    "a fitted sklstm.LSTMRegressor, LSTMClassifier or SlidingWindowTransformer, "
    "or a fitted sklearn.pipeline.Pipeline whose steps are only these classes"
)
_MAX_MANIFEST_BYTES = 512 * 2**20


def save_model(
    estimator: LSTMRegressor | SlidingWindowTransformer | Pipeline,
    path: str | os.PathLike,
) -> None:
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
    estimator : LSTMRegressor, SlidingWindowTransformer or Pipeline
        A fitted :class:`~sklstm.LSTMRegressor`, a fitted
        :class:`~sklstm.SlidingWindowTransformer`, or a fitted
        :class:`~sklearn.pipeline.Pipeline` whose steps are only these two
        classes.
    path : str or path-like
        Where to write the file (for example ``"model.sklstm"``). An existing
        file is replaced atomically.

    Raises
    ------
    TypeError
        If ``estimator`` is not one of the supported classes.
    sklearn.exceptions.NotFittedError
        If the estimator (or a step of the pipeline) is not fitted.
    ValueError
        If a hyperparameter cannot be stored safely: ``callbacks`` (arbitrary
        code), or an ``optimizer`` class that is not part of ``torch.optim``.
        Use pickle or joblib for such models (and load only trusted files).

    See Also
    --------
    load_model : Read the file back.

    Notes
    -----
    A ``random_state`` given as a ``RandomState`` instance is stored as None
    (recorded in the manifest's notes); the seed drawn from it during ``fit``
    is stored, so predictions and warm-start training are unaffected. The
    per-batch records of ``net_.history`` are not stored; its per-epoch rows
    are.

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
    from . import __version__

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
            name: {"sha256": _sha256(data), "size": len(data)}
            for name, data in writer.members.items()
        },
        "notes": notes,
    }
    manifest_bytes = json.dumps(manifest, indent=1, allow_nan=False).encode("utf-8")

    path = os.fspath(path)
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp_path = tempfile.mkstemp(prefix=".sklstm-", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "wb") as handle:
            with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as zf:
                _write_member(zf, MANIFEST, manifest_bytes)
                for name, data in writer.members.items():
                    _write_member(zf, name, data)
        os.replace(tmp_path, path)
    except BaseException:
        if os.path.exists(tmp_path):
            os.unlink(tmp_path)
        raise


def load_model(
    path: str | os.PathLike,
) -> LSTMRegressor | SlidingWindowTransformer | Pipeline:
    """Load a model written by :func:`save_model`, without executing any code.

    Only the classes :class:`~sklstm.LSTMRegressor`,
    :class:`~sklstm.SlidingWindowTransformer` and
    :class:`~sklearn.pipeline.Pipeline` are ever instantiated; arrays are
    read with ``np.load(..., allow_pickle=False)`` and weights with
    ``torch.load(..., weights_only=True, map_location="cpu")``, each after
    its SHA-256 has been checked against the manifest. Files of format
    version 1 (sklstm before the ``.npy`` members) load too.

    Parameters
    ----------
    path : str or path-like
        A file written by :func:`save_model`.

    Returns
    -------
    estimator : LSTMRegressor, SlidingWindowTransformer or Pipeline
        The fitted estimator: same hyperparameters, same fitted attributes
        (``loss_curve_``, ``n_iter_``, ``next_index_``, ...) and bit-identical
        predictions. ``net_.history`` holds the per-epoch rows of the saved
        history (without per-batch records); the optimizer state is
        restored, so ``partial_fit`` and ``fit`` with ``warm_start=True``
        continue training exactly where the saved model stopped, and
        ``n_iter_`` keeps counting the epochs of all calls.

    Raises
    ------
    ValueError
        If the file is not a valid sklstm model file (not a zip archive,
        truncated or corrupted), was written by a newer sklstm, names a class
        that is not allowed, has a member whose SHA-256 does not match the
        manifest (tampered or corrupted), lacks a member, or holds weights
        that cannot be loaded with ``weights_only=True``.

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
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise FileNotFoundError(f"No model file at {path!r}.")
    try:
        zf = zipfile.ZipFile(path, "r")
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise _corrupted(path, exc) from exc
    with zf:
        reader = _Reader(zf, path)
        manifest = reader.manifest()
        reader.version = _check_header(manifest, path)
        members = manifest.get("members")
        if not isinstance(members, dict):
            raise _invalid(path, "the manifest has no 'members' table")
        reader.declared = members
        try:
            return _decode_component(manifest.get("estimator"), reader, "estimator")
        except InvalidContent as exc:
            raise _invalid(path, str(exc)) from exc


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


def _encode_component(estimator, writer, notes, *, where):
    entry = _ALLOWED_CLASSES.get(type(estimator).__name__)
    if entry is None or entry[0] is not type(estimator):
        raise TypeError(
            f"save_model supports {_SUPPORTED}; got {_describe(estimator)}"
            f"{'' if where == 'estimator' else f' at {where}'}. Use pickle or joblib "
            f"for other estimators (and load only files you trust)."
        )
    cls, short = entry
    if cls is Pipeline:
        return _encode_pipeline(estimator, writer, notes, where=where)
    check_is_fitted(estimator, [f.name for f in cls._fitted_state if not f.optional])
    name = cls.__name__
    params = {
        key: encode_param(value, key, name, notes, where)
        for key, value in estimator.get_params(deep=False).items()
    }
    add_member = writer.adder(writer.prefix(short))
    kinds = {f.name: f.kind for f in cls._fitted_state}
    attributes = {
        key: encode_fitted(kinds[key], value, key, add_member)
        for key, value in get_fitted_state(estimator).items()
    }
    return {"class": name, "params": params, "attributes": attributes}


def _encode_pipeline(pipe, writer, notes, *, where):
    params = pipe.get_params(deep=False)
    steps = params.pop("steps")
    encoded_steps = []
    for i, (name, step) in enumerate(steps):
        if type(step) not in (LSTMRegressor, LSTMClassifier, SlidingWindowTransformer):
            raise TypeError(
                f"save_model supports {_SUPPORTED}; step {name!r} of the "
                f"Pipeline is {_describe(step)}. Use pickle or joblib for other "
                f"pipelines (and load only files you trust)."
            )
        step_where = f"{where}.steps[{i}]"
        encoded_steps.append(
            [str(name), _encode_component(step, writer, notes, where=step_where)]
        )
    return {
        "class": "Pipeline",
        "params": {
            key: encode_param(value, key, "Pipeline", notes, where)
            for key, value in params.items()
        },
        "steps": encoded_steps,
    }


def _write_member(zf, name, data):
    # A fixed timestamp: saving the same model twice gives the same bytes.
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _class_names(component):
    names = [component["class"]]
    for _, step in component.get("steps", []):
        names.extend(_class_names(step))
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


def _corrupted(path, exc=None):
    detail = f" ({type(exc).__name__}: {exc})" if exc is not None else ""
    return ValueError(
        f"{path!r} is not a valid sklstm model file: it is not a readable zip "
        f"archive, or it is truncated or corrupted{detail}. Save the model "
        f"again with sklstm.save_model."
    )


def _invalid(path, problem):
    return ValueError(
        f"{path!r} is not a valid sklstm model file: {problem}. Save the model "
        f"again with sklstm.save_model."
    )


class _Reader:
    """Reads members of an open model archive, checking their checksums."""

    def __init__(self, zf, path):
        self.zf = zf
        self.path = path
        self.declared: dict = {}
        self.version = FORMAT_VERSION

    def _raw(self, name, *, max_bytes=None):
        try:
            info = self.zf.getinfo(name)
        except KeyError:
            raise _invalid(
                self.path, f"the member {name!r} is missing from the archive"
            ) from None
        if max_bytes is not None and info.file_size > max_bytes:
            raise _invalid(self.path, f"the member {name!r} is implausibly large")
        try:
            return self.zf.read(info)
        except Exception as exc:  # BadZipFile (CRC), EOFError, zlib.error, ...
            raise _corrupted(self.path, exc) from exc

    def manifest(self):
        data = self._raw(MANIFEST, max_bytes=_MAX_MANIFEST_BYTES)
        try:
            manifest = json.loads(data.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise _invalid(self.path, f"{MANIFEST} is not valid JSON ({exc})") from exc
        if not isinstance(manifest, dict):
            raise _invalid(self.path, f"{MANIFEST} is not a JSON object")
        return manifest

    def member(self, name):
        if not isinstance(name, str):
            raise _invalid(self.path, f"a member name is not a string: {name!r}")
        entry = self.declared.get(name)
        if not isinstance(entry, dict) or not isinstance(entry.get("sha256"), str):
            raise _invalid(
                self.path, f"the member {name!r} has no SHA-256 in the manifest"
            )
        data = self._raw(name)
        if _sha256(data) != entry["sha256"].lower():
            raise ValueError(
                f"The member {name!r} of {self.path!r} does not match the "
                f"SHA-256 recorded in its manifest: the file was tampered with "
                f"or corrupted. Do not use it; save the model again with "
                f"sklstm.save_model."
            )
        return data


def _check_header(manifest, path):
    name = manifest.get("format")
    if name != FORMAT_NAME:
        raise _invalid(
            path, f"the manifest names the format {name!r}, expected {FORMAT_NAME!r}"
        )
    version = manifest.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _invalid(path, f"format_version {version!r} is not a positive integer")
    if version > FORMAT_VERSION:
        from . import __version__

        written_by = manifest.get("sklstm_version", "a newer version")
        raise ValueError(
            f"{path!r} has format_version {version}, written by a newer sklstm "
            f"({written_by}); this sklstm ({__version__}) reads format_version "
            f"{FORMAT_VERSION} and older. Upgrade sklstm to load it."
        )
    return version


def _decode_component(component, reader, where):
    if not isinstance(component, dict):
        raise InvalidContent(f"{where} is not a JSON object")
    class_name = component.get("class")
    if not isinstance(class_name, str) or class_name not in _ALLOWED_CLASSES:
        raise InvalidContent(
            f"{where} names the class {class_name!r}, which is not one of the "
            f"classes a model file may hold ({', '.join(sorted(_ALLOWED_CLASSES))})"
        )
    cls = _ALLOWED_CLASSES[class_name][0]
    if cls is Pipeline:
        return _decode_pipeline(component, reader, where)
    est = _construct(cls, _decode_params(component, where), where)
    attributes = component.get("attributes")
    if not isinstance(attributes, dict):
        raise InvalidContent(f"{where} has no fitted attributes")
    if reader.version == 1 and any(f.kind == "net" for f in cls._fitted_state):
        attributes = _v1_net_as_attribute(component, attributes, where)
    state = {}
    for field in cls._fitted_state:
        if field.name not in attributes:
            if field.optional:
                continue
            raise InvalidContent(f"{where}.{field.name} is missing")
        state[field.name] = decode_fitted(
            field.kind, attributes[field.name], f"{where}.{field.name}", reader.member
        )
    try:
        est._restore_fitted_state(state)
    except ValueError as exc:
        raise InvalidContent(f"{where}: {exc}") from exc
    return est


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
    try:
        est = cls(**params)
    except TypeError as exc:
        raise InvalidContent(
            f"{where} has parameters {cls.__name__} rejects ({exc})"
        ) from exc
    if hasattr(cls, "_parameter_constraints"):
        try:
            est._validate_params()
        except (TypeError, ValueError) as exc:
            raise InvalidContent(f"{where} has invalid parameters ({exc})") from exc
    return est


def _decode_params(component, where):
    params = component.get("params")
    if not isinstance(params, dict):
        raise InvalidContent(f"{where} has no parameters")
    return {
        key: decode_param(value, f"{where}.params.{key}")
        for key, value in params.items()
    }


def _decode_pipeline(component, reader, where):
    steps = component.get("steps")
    if not isinstance(steps, list) or not steps:
        raise InvalidContent(f"{where} has no list of steps")
    decoded = []
    for i, item in enumerate(steps):
        if not isinstance(item, list) or len(item) != 2 or not isinstance(item[0], str):
            raise InvalidContent(f"{where}.steps[{i}] is not a [name, estimator] pair")
        step = _decode_component(item[1], reader, f"{where}.steps[{i}]")
        if isinstance(step, Pipeline):
            raise InvalidContent(f"{where}.steps[{i}] is a nested Pipeline")
        decoded.append((item[0], step))
    params = _decode_params(component, where)
    params.pop("steps", None)
    return _construct(Pipeline, {"steps": decoded, **params}, where)


__all__ = ["FORMAT_VERSION", "load_model", "save_model"]
