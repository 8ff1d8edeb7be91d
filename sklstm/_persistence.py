"""Save and load fitted models in a safe file format (no pickle on load).

A model file is one zip archive:

* ``manifest.json``: the format name and version, the class names, the
  hyperparameters (``get_params()``), every fitted attribute that ``predict``,
  ``transform`` and warm-start training need, the epoch-level training
  history, and the SHA-256 of every other member;
* for every :class:`~sklstm.LSTMRegressor`, two members written with
  ``torch.save``: the module's ``state_dict`` and the optimizer's
  ``state_dict`` (for exact warm-start continuation).

Loading never executes code from the file: the manifest is JSON, class names
are looked up in an explicit allow-list, a torch optimizer class is resolved
by attribute lookup in ``torch.optim`` only, and the tensors are read with
``torch.load(..., weights_only=True)``, which refuses arbitrary objects.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import os
import tempfile
import warnings
import zipfile
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from ._regressor import LSTMRegressor
from ._window import SlidingWindowTransformer

FORMAT_NAME = "sklstm"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"

# The only classes a model file may name; nothing else is ever instantiated.
_ALLOWED_CLASSES = {
    "LSTMRegressor": LSTMRegressor,
    "SlidingWindowTransformer": SlidingWindowTransformer,
    "Pipeline": Pipeline,
}
_SUPPORTED = (
    "a fitted sklstm.LSTMRegressor, a fitted sklstm.SlidingWindowTransformer, "
    "or a fitted sklearn.pipeline.Pipeline whose steps are only these two classes"
)

# Fitted state of LSTMRegressor, by kind (the schema of the manifest).
_REGRESSOR_ARRAYS = (
    "x_mean_",
    "x_scale_",
    "y_mean_",
    "y_scale_",
    "_scaled_target_min",
    "_scaled_target_max",
)
_REGRESSOR_INTS = (
    "n_features_in_",
    "n_outputs_",
    "n_samples_skipped_",
    "best_epoch_",
    "n_iter_",
    "_n_input_dims",
    "_seed_",
)
_REGRESSOR_BOOLS = ("_y_is_1d",)
_REGRESSOR_STRS = ("target_mode_", "device_")
_REGRESSOR_FLOAT_LISTS = ("loss_curve_", "validation_loss_curve_", "validation_scores_")
# Attributes rebuilt on load rather than stored.
_REGRESSOR_DERIVED = (
    "net_",
    "_extrapolation_low",
    "_extrapolation_high",
    "_prediction_floats",
)

_ARRAY_DTYPES = {
    "float16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "bool",
}
_INT_DTYPES = {d for d in _ARRAY_DTYPES if "int" in d}
_TYPE_TAG = "__sklstm_type__"
_MAX_MANIFEST_BYTES = 512 * 2**20


def save_model(
    estimator: LSTMRegressor | SlidingWindowTransformer | Pipeline,
    path: str | os.PathLike,
) -> None:
    """Save a fitted sklstm model to a file that loads without running code.

    The file is a zip archive holding a JSON manifest (hyperparameters,
    fitted attributes, training history, SHA-256 checksums) and, for each
    :class:`~sklstm.LSTMRegressor`, the network's weights and optimizer
    state written with ``torch.save``. Unlike pickle or joblib, loading it
    with :func:`load_model` never executes code stored in the file.

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

    members: dict[str, bytes] = {}
    notes: list[str] = []
    component = _encode_component(estimator, members, notes, where="estimator")
    manifest = {
        "format": FORMAT_NAME,
        "format_version": FORMAT_VERSION,
        "sklstm_version": __version__,
        "library_versions": _library_versions(),
        "estimator_classes": _class_names(component),
        "estimator": component,
        "members": {
            name: {"sha256": _sha256(data), "size": len(data)}
            for name, data in members.items()
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
                for name, data in members.items():
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
    :class:`~sklearn.pipeline.Pipeline` are ever instantiated; weights are
    read with ``torch.load(..., weights_only=True, map_location="cpu")``
    after their SHA-256 has been checked against the manifest.

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
        _check_header(manifest, path)
        members = manifest.get("members")
        if not isinstance(members, dict):
            raise _invalid(path, "the manifest has no 'members' table")
        reader.declared = members
        component = manifest.get("estimator")
        return _decode_component(component, reader, where="estimator")


# ---------------------------------------------------------------- encoding


def _encode_component(estimator, members, notes, *, where):
    kind = type(estimator)
    if kind is Pipeline:
        return _encode_pipeline(estimator, members, notes, where=where)
    if kind is LSTMRegressor:
        return _encode_regressor(estimator, members, notes, where=where)
    if kind is SlidingWindowTransformer:
        return _encode_window(estimator, where=where)
    raise TypeError(
        f"save_model supports {_SUPPORTED}; got {_describe(estimator)}"
        f"{'' if where == 'estimator' else f' at {where}'}. Use pickle or joblib "
        f"for other estimators (and load only files you trust)."
    )


def _encode_pipeline(pipe, members, notes, *, where):
    params = pipe.get_params(deep=False)
    steps = params.pop("steps")
    encoded_steps = []
    for i, (name, step) in enumerate(steps):
        if type(step) not in (LSTMRegressor, SlidingWindowTransformer):
            raise TypeError(
                f"save_model supports {_SUPPORTED}; step {name!r} of the "
                f"Pipeline is {_describe(step)}. Use pickle or joblib for other "
                f"pipelines (and load only files you trust)."
            )
        encoded_steps.append(
            [
                str(name),
                _encode_component(step, members, notes, where=f"{where}.steps[{i}]"),
            ]
        )
    return {
        "class": "Pipeline",
        "params": {
            key: _encode_param(value, key, "Pipeline") for key, value in params.items()
        },
        "steps": encoded_steps,
    }


def _encode_window(est, *, where):
    check_is_fitted(est, "history_")
    attributes = {
        "n_features_in_": int(est.n_features_in_),
        "history_": _encode_array(est.history_),
        "next_index_": _encode_index_label(est.next_index_),
    }
    if hasattr(est, "feature_names_in_"):
        attributes["feature_names_in_"] = [str(n) for n in est.feature_names_in_]
    return {
        "class": "SlidingWindowTransformer",
        "params": _encode_params(est),
        "attributes": attributes,
    }


def _encode_regressor(est, members, notes, *, where):
    check_is_fitted(est, "net_")
    params = est.get_params(deep=False)
    component_notes = []
    optimizer = params["optimizer"]
    if not isinstance(optimizer, str):
        params["optimizer"] = _encode_optimizer_class(optimizer)
    if params["callbacks"]:
        raise ValueError(
            "save_model cannot store callbacks: skorch callbacks are arbitrary "
            "code, which this format never loads. Set callbacks=None before "
            "saving (est.set_params(callbacks=None)), or save with pickle/joblib "
            "if you need them (and load only files you trust)."
        )
    if isinstance(params["random_state"], np.random.RandomState):
        params["random_state"] = None
        message = (
            f"{where}: random_state was a RandomState instance and is stored as "
            f"None; the seed drawn from it during fit is kept in _seed_."
        )
        component_notes.append(message)
        notes.append(message)
    encoded_params = {}
    for key, value in params.items():
        if key == "optimizer" and isinstance(value, dict):
            encoded_params[key] = value
        else:
            encoded_params[key] = _encode_param(value, key, "LSTMRegressor")

    attributes: dict[str, Any] = {}
    for name in _REGRESSOR_ARRAYS:
        attributes[name] = _encode_array(np.asarray(getattr(est, name)))
    for name in _REGRESSOR_INTS:
        attributes[name] = int(getattr(est, name))
    for name in _REGRESSOR_BOOLS:
        attributes[name] = bool(getattr(est, name))
    for name in _REGRESSOR_STRS:
        attributes[name] = str(getattr(est, name))
    for name in _REGRESSOR_FLOAT_LISTS:
        attributes[name] = [_encode_float(v) for v in getattr(est, name)]
    if hasattr(est, "feature_names_in_"):
        attributes["feature_names_in_"] = [str(n) for n in est.feature_names_in_]

    import torch

    net = est.net_
    prefix = f"regressor_{sum(1 for m in members if m.endswith('/module.pt'))}"
    module_state = {k: v.detach().cpu() for k, v in net.module_.state_dict().items()}
    members[f"{prefix}/module.pt"] = _torch_bytes(torch, module_state)
    members[f"{prefix}/optimizer.pt"] = _torch_bytes(torch, net.optimizer_.state_dict())
    return {
        "class": "LSTMRegressor",
        "params": encoded_params,
        "attributes": attributes,
        "net": {
            "module_state": f"{prefix}/module.pt",
            "optimizer_state": f"{prefix}/optimizer.pt",
            "max_chunk_rows": getattr(net, "max_chunk_rows", None),
            "history": [_encode_history_row(row) for row in net.history],
        },
        "notes": component_notes,
    }


def _encode_optimizer_class(optimizer):
    import torch

    name = getattr(optimizer, "__name__", None)
    if (
        isinstance(optimizer, type)
        and isinstance(name, str)
        and getattr(torch.optim, name, None) is optimizer
    ):
        return {_TYPE_TAG: "torch.optim", "name": f"torch.optim.{name}"}
    raise ValueError(
        f"save_model can only store an optimizer given as a string "
        f"('adam', 'adamw', 'sgd', 'rmsprop') or as a class of torch.optim; got "
        f"{optimizer!r}. Use a string optimizer, or save with pickle/joblib (and "
        f"load only files you trust)."
    )


def _encode_params(est):
    name = type(est).__name__
    return {
        key: _encode_param(value, key, name)
        for key, value in est.get_params(deep=False).items()
    }


def _encode_param(value, key, owner):
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        value = float(value)
        if math.isfinite(value):
            return value
        return {_TYPE_TAG: "float", "value": _encode_float(value)}
    if isinstance(value, list | tuple) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ValueError(
        f"save_model cannot store {owner} parameter {key}={value!r}: only "
        f"None, bool, int, float, str (and lists of str) are stored. Set it to "
        f"such a value, or save with pickle/joblib (and load only files you "
        f"trust)."
    )


def _encode_float(value):
    value = float(value)
    if math.isfinite(value):
        return value
    if math.isnan(value):
        return "nan"
    return "inf" if value > 0 else "-inf"


def _encode_array(array):
    array = np.asarray(array)
    dtype = array.dtype.name
    if dtype not in _ARRAY_DTYPES:
        raise ValueError(f"save_model cannot store an array of dtype {dtype}.")
    flat = array.ravel().tolist()
    if array.dtype.kind == "f":
        flat = [_encode_float(v) for v in flat]
    return {
        _TYPE_TAG: "ndarray",
        "dtype": dtype,
        "shape": list(array.shape),
        "data": flat,
    }


def _encode_index_label(label):
    if label is None:
        return None
    if isinstance(label, pd.Timestamp):
        return {
            _TYPE_TAG: "timestamp",
            "value": label.isoformat(),
            "unit": label.unit,
            "tz": None if label.tz is None else str(label.tz),
        }
    if isinstance(label, pd.Period):
        return {
            _TYPE_TAG: "period",
            "value": str(label),
            "ordinal": int(label.ordinal),
            "freq": label.freqstr,
        }
    if isinstance(label, Integral) and not isinstance(label, bool):
        dtype = label.dtype.name if isinstance(label, np.integer) else None
        return {_TYPE_TAG: "int", "value": int(label), "dtype": dtype}
    raise ValueError(
        f"save_model cannot store next_index_={label!r} of type "
        f"{type(label).__name__}; supported index labels are pd.Timestamp, "
        f"pd.Period, int and None."
    )


def _encode_history_row(row):
    encoded = {}
    for key, value in row.items():
        if key == "batches":
            continue
        if isinstance(value, np.generic):
            value = value.item()
        if isinstance(value, bool | str) or value is None:
            encoded[key] = value
        elif isinstance(value, Integral):
            encoded[key] = int(value)
        elif isinstance(value, Real):
            encoded[key] = (
                float(value)
                if math.isfinite(value)
                else {_TYPE_TAG: "float", "value": _encode_float(value)}
            )
        # Anything else (a callback's object) is left out of the file.
    return encoded


def _torch_bytes(torch, obj):
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


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

    versions = {"numpy": np.__version__, "pandas": pd.__version__}
    versions["scikit-learn"] = sklearn.__version__
    import torch

    versions["torch"] = torch.__version__
    try:
        import skorch

        versions["skorch"] = skorch.__version__
    except ImportError:  # pragma: no cover - skorch is a dependency
        pass
    return versions


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


def _decode_component(component, reader, *, where):
    path = reader.path
    if not isinstance(component, dict):
        raise _invalid(path, f"{where} is not a JSON object")
    class_name = component.get("class")
    if class_name not in _ALLOWED_CLASSES:
        raise _invalid(
            path,
            f"{where} names the class {class_name!r}, which is not one of the "
            f"classes a model file may hold ({', '.join(sorted(_ALLOWED_CLASSES))})",
        )
    if class_name == "Pipeline":
        return _decode_pipeline(component, reader, where=where)
    if class_name == "SlidingWindowTransformer":
        return _decode_window(component, reader, where=where)
    return _decode_regressor(component, reader, where=where)


def _construct(cls, params, path, where):
    try:
        est = cls(**params)
    except TypeError as exc:
        raise _invalid(
            path, f"{where} has parameters {cls.__name__} rejects ({exc})"
        ) from exc
    if hasattr(type(est), "_parameter_constraints"):
        try:
            est._validate_params()
        except (TypeError, ValueError) as exc:
            raise _invalid(path, f"{where} has invalid parameters ({exc})") from exc
    return est


def _decode_pipeline(component, reader, *, where):
    path = reader.path
    steps = component.get("steps")
    if not isinstance(steps, list) or not steps:
        raise _invalid(path, f"{where} has no list of steps")
    decoded = []
    for i, item in enumerate(steps):
        if not isinstance(item, list) or len(item) != 2 or not isinstance(item[0], str):
            raise _invalid(path, f"{where}.steps[{i}] is not a [name, estimator] pair")
        step = _decode_component(item[1], reader, where=f"{where}.steps[{i}]")
        if isinstance(step, Pipeline):
            raise _invalid(path, f"{where}.steps[{i}] is a nested Pipeline")
        decoded.append((item[0], step))
    params = _decode_params(component, reader, where=where)
    params.pop("steps", None)
    return _construct(Pipeline, {"steps": decoded, **params}, path, where)


def _decode_window(component, reader, *, where):
    path = reader.path
    params = _decode_params(component, reader, where=where)
    est = _construct(SlidingWindowTransformer, params, path, where)
    attributes = _attributes(component, path, where)
    est.n_features_in_ = _get_int(attributes, "n_features_in_", path, where)
    est.history_ = _decode_array(attributes.get("history_"), path, f"{where}.history_")
    est.next_index_ = _decode_index_label(
        attributes.get("next_index_"), path, f"{where}.next_index_"
    )
    _restore_feature_names(est, attributes, path, where)
    if est.history_.ndim != 2 or est.history_.shape[1] != est.n_features_in_:
        raise _invalid(path, f"{where}.history_ does not match n_features_in_")
    return est


def _decode_regressor(component, reader, *, where):
    path = reader.path
    params = _decode_params(component, reader, where=where)
    est = _construct(LSTMRegressor, params, path, where)
    attributes = _attributes(component, path, where)
    for name in _REGRESSOR_ARRAYS:
        setattr(
            est,
            name,
            _decode_array(attributes.get(name), path, f"{where}.{name}"),
        )
    for name in _REGRESSOR_INTS:
        setattr(est, name, _get_int(attributes, name, path, where))
    for name in _REGRESSOR_BOOLS:
        value = attributes.get(name)
        if not isinstance(value, bool):
            raise _invalid(path, f"{where}.{name} is not a boolean")
        setattr(est, name, value)
    for name in _REGRESSOR_STRS:
        value = attributes.get(name)
        if not isinstance(value, str):
            raise _invalid(path, f"{where}.{name} is not a string")
        setattr(est, name, value)
    for name in _REGRESSOR_FLOAT_LISTS:
        values = attributes.get(name)
        if not isinstance(values, list):
            raise _invalid(path, f"{where}.{name} is not a list")
        setattr(est, name, [_decode_float(v, path, f"{where}.{name}") for v in values])
    _restore_feature_names(est, attributes, path, where)
    if est._n_input_dims not in (2, 3) or est.target_mode_ not in ("level", "delta"):
        raise _invalid(path, f"{where} has inconsistent fitted attributes")
    est._derive_prediction_constants()

    net_info = component.get("net")
    if not isinstance(net_info, dict):
        raise _invalid(path, f"{where} has no 'net' entry")
    module_bytes = reader.member(net_info.get("module_state"))
    optimizer_bytes = reader.member(net_info.get("optimizer_state"))
    history = net_info.get("history", [])
    if not isinstance(history, list) or not all(isinstance(r, dict) for r in history):
        raise _invalid(path, f"{where}.net.history is not a list of objects")
    max_chunk_rows = net_info.get("max_chunk_rows")
    if max_chunk_rows is not None and (
        not isinstance(max_chunk_rows, int) or max_chunk_rows < 1
    ):
        raise _invalid(path, f"{where}.net.max_chunk_rows is not a positive integer")

    import torch
    from skorch.history import History

    module_state = _torch_load(torch, module_bytes, path, "network weights")
    if not isinstance(module_state, dict) or not all(
        isinstance(k, str) and isinstance(v, torch.Tensor)
        for k, v in module_state.items()
    ):
        raise _invalid(path, f"{where}: the network weights are not a state_dict")
    optimizer_state = _torch_load(torch, optimizer_bytes, path, "optimizer state")
    if not isinstance(optimizer_state, dict):
        raise _invalid(path, f"{where}: the optimizer state is not a state_dict")

    _restore_device(est)
    n_features = est.n_features_in_ if est._n_input_dims == 3 else 1
    # Building the module draws random initial weights (overwritten just
    # below); fork_rng keeps the caller's global torch RNG untouched.
    with torch.random.fork_rng(devices=[]):
        net = est._build_net(n_features, est._seed_)
        net.initialize()
    net.max_chunk_rows = max_chunk_rows
    try:
        net.module_.load_state_dict(module_state)
    except RuntimeError as exc:
        raise _invalid(
            path,
            f"{where}: the network weights do not match the architecture its "
            f"parameters describe ({exc})",
        ) from exc
    try:
        net.optimizer_.load_state_dict(optimizer_state)
    except (KeyError, TypeError, ValueError, RuntimeError) as exc:
        raise _invalid(
            path, f"{where}: the optimizer state does not match the network ({exc})"
        ) from exc
    net.module_.eval()
    net.history_ = History(
        {"batches": [], **_decode_history_row(row, path, where)} for row in history
    )
    est.net_ = net
    return est


def _restore_device(est):
    if est.device == "cpu":
        est.device_ = "cpu"
        return
    try:
        est._resolve_device()
    except ValueError:
        warnings.warn(
            "This model was saved with device='cuda', but torch finds no CUDA "
            "device here; it is loaded on the CPU. Use set_params(device='cpu') "
            "or 'auto' before training it further.",
            UserWarning,
            stacklevel=4,
        )
        est.device_ = "cpu"


def _torch_load(torch, data, path, what):
    try:
        return torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    except Exception as exc:
        raise ValueError(
            f"The {what} in {path!r} cannot be loaded safely with "
            f"torch.load(weights_only=True): the member holds something other "
            f"than tensors ({type(exc).__name__}). The file may be malicious or "
            f"was not written by sklstm.save_model; do not load it by other means."
        ) from exc


def _attributes(component, path, where):
    attributes = component.get("attributes")
    if not isinstance(attributes, dict):
        raise _invalid(path, f"{where} has no fitted attributes")
    return attributes


def _restore_feature_names(est, attributes, path, where):
    names = attributes.get("feature_names_in_")
    if names is None:
        return
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        raise _invalid(path, f"{where}.feature_names_in_ is not a list of strings")
    est.feature_names_in_ = np.asarray(names, dtype=object)


def _get_int(attributes, name, path, where):
    value = attributes.get(name)
    if not isinstance(value, int) or isinstance(value, bool):
        raise _invalid(path, f"{where}.{name} is not an integer")
    return value


def _decode_params(component, reader, *, where):
    path = reader.path
    params = component.get("params")
    if not isinstance(params, dict):
        raise _invalid(path, f"{where} has no parameters")
    decoded = {}
    for key, value in params.items():
        decoded[key] = _decode_param(value, path, f"{where}.params.{key}")
    return decoded


def _decode_param(value, path, where):
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    if isinstance(value, dict):
        tag = value.get(_TYPE_TAG)
        if tag == "float":
            return _decode_float(value.get("value"), path, where)
        if tag == "torch.optim":
            return _resolve_optimizer(value.get("name"), path, where)
    raise _invalid(path, f"{where} holds an unsupported value {value!r}")


def _resolve_optimizer(qualname, path, where):
    import torch

    prefix = "torch.optim."
    name = qualname[len(prefix) :] if isinstance(qualname, str) else ""
    if (
        not isinstance(qualname, str)
        or not qualname.startswith(prefix)
        or not name.isidentifier()
        or name.startswith("_")
    ):
        raise _invalid(
            path, f"{where} is {qualname!r}, which names no class of torch.optim"
        )
    # Attribute lookup in torch.optim only: no module is ever imported.
    optimizer = getattr(torch.optim, name, None)
    if not (
        isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer)
    ):
        raise _invalid(
            path,
            f"{where} names torch.optim.{name}, which is not an optimizer class "
            f"of this torch ({torch.__version__})",
        )
    return optimizer


def _decode_float(value, path, where):
    if isinstance(value, bool):
        raise _invalid(path, f"{where} holds a boolean where a number belongs")
    if isinstance(value, int | float):
        return float(value)
    if value in ("nan", "inf", "-inf"):
        return float(value)
    raise _invalid(path, f"{where} holds {value!r} where a number belongs")


def _decode_array(value, path, where):
    if not isinstance(value, dict) or value.get(_TYPE_TAG) != "ndarray":
        raise _invalid(path, f"{where} is not an encoded array")
    dtype, shape, data = value.get("dtype"), value.get("shape"), value.get("data")
    if dtype not in _ARRAY_DTYPES:
        raise _invalid(path, f"{where} has the unsupported dtype {dtype!r}")
    if (
        not isinstance(shape, list)
        or not all(isinstance(n, int) and n >= 0 for n in shape)
        or not isinstance(data, list)
        or math.prod(shape) != len(data)
    ):
        raise _invalid(path, f"{where} has an inconsistent shape")
    if np.dtype(dtype).kind == "f":
        data = [_decode_float(v, path, where) for v in data]
    try:
        return np.asarray(data, dtype=dtype).reshape(shape)
    except (TypeError, ValueError, OverflowError) as exc:
        raise _invalid(path, f"{where} holds values of the wrong type") from exc


def _decode_index_label(value, path, where):
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _invalid(path, f"{where} is not an encoded index label")
    tag = value.get(_TYPE_TAG)
    try:
        if tag == "timestamp":
            label = pd.Timestamp(str(value["value"]))
            tz = value.get("tz")
            if tz is not None and label.tz is not None:
                try:
                    label = label.tz_convert(tz)
                except Exception:  # an unnamed offset: keep the parsed one
                    pass
            unit = value.get("unit")
            if unit in ("s", "ms", "us", "ns"):
                label = label.as_unit(unit)
            return label
        if tag == "period":
            ordinal, freq = value["ordinal"], value["freq"]
            if not isinstance(ordinal, int) or not isinstance(freq, str):
                raise TypeError("ordinal must be an int and freq a str")
            return pd.Period(ordinal=ordinal, freq=freq)
        if tag == "int":
            number, dtype = value["value"], value.get("dtype")
            if not isinstance(number, int) or isinstance(number, bool):
                raise TypeError("value must be an int")
            if dtype is None:
                return number
            if dtype not in _INT_DTYPES:
                raise TypeError(f"unsupported dtype {dtype!r}")
            return np.dtype(dtype).type(number)
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise _invalid(path, f"{where} cannot be decoded ({exc})") from exc
    raise _invalid(path, f"{where} has the unknown label type {tag!r}")


def _decode_history_row(row, path, where):
    decoded = {}
    for key, value in row.items():
        if isinstance(value, dict) and value.get(_TYPE_TAG) == "float":
            value = _decode_float(value.get("value"), path, f"{where}.net.history")
        elif not (value is None or isinstance(value, bool | int | float | str)):
            raise _invalid(path, f"{where}.net.history holds {value!r}")
        decoded[key] = value
    return decoded


__all__ = ["FORMAT_VERSION", "load_model", "save_model"]
