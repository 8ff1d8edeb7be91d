"""JSON and ``.npy`` encodings of hyperparameters and fitted values, by kind.

The model file format (:mod:`sklstm.io._persistence`) is a container; this module
says how each value goes in and comes back out. Fitted values are encoded by
the kind their owner declares (see :mod:`sklstm._state`), never by guessing
from the value; nothing decoded here can execute code: arrays are ``.npy``
members read with ``allow_pickle=False``, labels and floats are plain JSON.
"""

from __future__ import annotations

import inspect
import io
import math
from numbers import Integral, Real
from typing import Any

import numpy as np
import pandas as pd

TYPE_TAG = "__sklstm_type__"
_ARRAY_KINDS = "biuf"  # bool, int, uint, float: what np.load reads without pickle

# The functions a FunctionTransformer or TransformedTargetRegressor may name:
# numpy ufuncs looked up here by name, never imported or unpickled.
UFUNCS = {
    f.__name__: f for f in (np.log, np.exp, np.log1p, np.expm1, np.sqrt, np.square)
}


class InvalidContent(ValueError):
    """A value in a model file is not what its declaration says (no path yet)."""


# ------------------------------------------------------------- parameters


def encode_param(value, key: str, owner: str, notes: list[str], where: str):
    """A hyperparameter as JSON: None, bool, int, float, str, list of str."""
    if isinstance(value, np.random.RandomState):
        notes.append(
            f"{where}: {key} was a RandomState instance and is stored as None; "
            f"the seed drawn from it during fit is kept in _seed_."
        )
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, Integral):
        return int(value)
    if isinstance(value, Real):
        value = float(value)
        return value if math.isfinite(value) else _tag_float(value)
    if key == "callbacks" and isinstance(value, list | tuple):
        raise ValueError(
            "save_model cannot store callbacks: skorch callbacks are arbitrary "
            "code, which this format never loads. Set callbacks=None before "
            "saving (est.set_params(callbacks=None)), or save with pickle/joblib "
            "if you need them (and load only files you trust)."
        )
    if key == "optimizer":
        return _encode_optimizer_class(value)
    if isinstance(value, np.ufunc):
        return _encode_ufunc(value, key, owner)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    if isinstance(value, tuple) and all(
        isinstance(v, str | Real) and not isinstance(v, bool) for v in value
    ):
        # feature_range=(0, 1), quantile_range=(25.0, 75.0): a tuple comes
        # back as a tuple, ints as ints.
        items = [v.item() if isinstance(v, np.generic) else v for v in value]
        return {TYPE_TAG: "tuple", "items": [_plain_scalar(v) for v in items]}
    if callable(value):
        raise ValueError(
            f"save_model cannot store {owner} parameter {key}={value!r}: a "
            f"function is code, which this format never loads. Only the numpy "
            f"functions {', '.join(f'np.{n}' for n in UFUNCS)} are stored. Save "
            f"with pickle/joblib instead (and load only files you trust)."
        )
    raise ValueError(
        f"save_model cannot store {owner} parameter {key}={value!r}: only "
        f"None, bool, int, float, str (and lists of str) are stored. Set it to "
        f"such a value, or save with pickle/joblib (and load only files you "
        f"trust)."
    )


def decode_param(value, where: str):
    """The inverse of :func:`encode_param`."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return value
    if isinstance(value, dict):
        tag = value.get(TYPE_TAG)
        if tag == "float":
            return decode_float(value.get("value"), where)
        if tag == "torch.optim":
            return _resolve_optimizer(value.get("name"), where)
        if tag == "numpy.ufunc":
            name = value.get("name")
            if not isinstance(name, str) or name not in UFUNCS:
                raise InvalidContent(
                    f"{where} names the function {name!r}, which is not one of "
                    f"the allowed numpy functions ({', '.join(UFUNCS)})"
                )
            return UFUNCS[name]
        if tag == "tuple":
            items = value.get("items")
            if not isinstance(items, list) or not all(
                isinstance(v, int | float | str) and not isinstance(v, bool)
                for v in items
            ):
                raise InvalidContent(f"{where} is not a tuple of numbers")
            return tuple(items)
    raise InvalidContent(f"{where} holds an unsupported value {value!r:.80}")


def _plain_scalar(value):
    if isinstance(value, str):
        return value
    if isinstance(value, Integral):
        return int(value)
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"save_model cannot store the non-finite tuple item {value}.")
    return value


def _encode_ufunc(ufunc, key, owner):
    name = getattr(ufunc, "__name__", None)
    if UFUNCS.get(name) is not ufunc:
        raise ValueError(
            f"save_model cannot store {owner} parameter {key}=np.{name}: only the "
            f"numpy functions {', '.join(f'np.{n}' for n in UFUNCS)} are stored. "
            f"Save with pickle/joblib instead (and load only files you trust)."
        )
    return {TYPE_TAG: "numpy.ufunc", "name": name}


def _encode_optimizer_class(optimizer):
    import torch

    name = getattr(optimizer, "__name__", None)
    if (
        isinstance(optimizer, type)
        and isinstance(name, str)
        and getattr(torch.optim, name, None) is optimizer
    ):
        return {TYPE_TAG: "torch.optim", "name": f"torch.optim.{name}"}
    raise ValueError(
        f"save_model can only store an optimizer given as a string "
        f"('adam', 'adamw', 'sgd', 'rmsprop') or as a class of torch.optim; got "
        f"{optimizer!r}. Use a string optimizer, or save with pickle/joblib (and "
        f"load only files you trust)."
    )


def _resolve_optimizer(qualname, where):
    import torch

    prefix = "torch.optim."
    name = qualname[len(prefix) :] if isinstance(qualname, str) else ""
    if (
        not isinstance(qualname, str)
        or not qualname.startswith(prefix)
        or not name.isidentifier()
        or name.startswith("_")
    ):
        raise InvalidContent(
            f"{where} is {qualname!r}, which names no class of torch.optim"
        )
    # Attribute lookup in torch.optim only: no module is ever imported.
    optimizer = getattr(torch.optim, name, None)
    if not (
        isinstance(optimizer, type)
        and issubclass(optimizer, torch.optim.Optimizer)
        and optimizer is not torch.optim.Optimizer
    ):
        raise InvalidContent(
            f"{where} names torch.optim.{name}, which is not an optimizer class "
            f"of this torch ({torch.__version__})"
        )
    try:
        accepted = inspect.signature(optimizer).parameters
    except (TypeError, ValueError):  # pragma: no cover - torch classes have one
        accepted = {}
    if "lr" not in accepted or "weight_decay" not in accepted:
        # LSTMRegressor passes both; LBFGS and Rprop cannot take them.
        raise InvalidContent(
            f"{where} names torch.optim.{name}, which LSTMRegressor cannot use "
            f"(it takes no lr and weight_decay)"
        )
    return optimizer


# ----------------------------------------------------------------- floats


def encode_float(value) -> float | str:
    """A float as JSON: finite as is, non-finite as ``"nan"``, ``"inf"``, ``"-inf"``."""
    value = float(value)
    if math.isfinite(value):
        return value
    if math.isnan(value):
        return "nan"
    return "inf" if value > 0 else "-inf"


def decode_float(value, where: str) -> float:
    """The inverse of :func:`encode_float` (ints are accepted as floats)."""
    if isinstance(value, bool):
        raise InvalidContent(f"{where} holds a boolean where a number belongs")
    if isinstance(value, int | float):
        return float(value)
    if value in ("nan", "inf", "-inf"):
        return float(value)
    raise InvalidContent(f"{where} holds {value!r} where a number belongs")


def _tag_float(value):
    return {TYPE_TAG: "float", "value": encode_float(value)}


# ---------------------------------------------------------- fitted values


def encode_fitted(kind: str, value, name: str, add_member) -> Any:
    """A fitted value of a declared ``kind`` as JSON.

    ``add_member(name, data)`` stores bytes in the archive and returns the
    member's name; arrays become ``.npy`` members.
    """
    if kind == "int":
        return int(value)
    if kind == "bool":
        return bool(value)
    if kind == "str":
        return str(value)
    if kind == "floats":
        return [encode_float(v) for v in value]
    if kind == "names":
        return [str(v) for v in value]
    if kind == "label":
        return encode_label(value, name)
    if kind == "index_like":
        return encode_index_like(value, name)
    if kind == "offset":
        return encode_offset(value, name)
    if kind == "array_or_none" and value is None:
        return None
    if kind == "labels" and np.asarray(value).dtype == object:
        if all(type(v) is str for v in value):
            return {TYPE_TAG: "str_labels", "values": list(value)}
        # Mixed labels (series ids "a" and 3, Timestamps): each keeps its
        # type; a str copy would no longer equal the label it stands for.
        return {
            TYPE_TAG: "mixed_labels",
            "values": [encode_label(v, f"a label of {name}") for v in value],
        }
    if kind in ("array", "array_or_none", "labels"):
        array = np.asarray(value)
        allowed = _ARRAY_KINDS + ("U" if kind == "labels" else "")
        if array.dtype.kind not in allowed:
            raise ValueError(
                f"save_model cannot store an array of dtype {array.dtype}."
            )
        buffer = io.BytesIO()
        np.save(buffer, array, allow_pickle=False)
        return {TYPE_TAG: "npy", "member": add_member(f"{name}.npy", buffer.getvalue())}
    if kind == "net":
        from ._saved_net import saved_net

        saved = saved_net(value)
        return {
            "module": add_member("module.pt", saved.module),
            "optimizer": add_member("optimizer.pt", saved.optimizer),
            "history": [encode_history_row(row) for row in saved.history],
            "max_chunk_rows": saved.max_chunk_rows,
        }
    raise ValueError(f"Unknown kind {kind!r}.")  # pragma: no cover - declared kinds


def decode_fitted(kind: str, value, where: str, read_member) -> Any:
    """The inverse of :func:`encode_fitted`; ``read_member(name)`` gives bytes."""
    if kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise InvalidContent(f"{where} is not an integer")
        return value
    if kind == "bool":
        if not isinstance(value, bool):
            raise InvalidContent(f"{where} is not a boolean")
        return value
    if kind == "str":
        if not isinstance(value, str):
            raise InvalidContent(f"{where} is not a string")
        return value
    if kind == "floats":
        if not isinstance(value, list):
            raise InvalidContent(f"{where} is not a list")
        return [decode_float(v, where) for v in value]
    if kind == "names":
        if not isinstance(value, list) or not all(isinstance(n, str) for n in value):
            raise InvalidContent(f"{where} is not a list of strings")
        return np.asarray(value, dtype=object)
    if kind == "label":
        return decode_label(value, where)
    if kind == "index_like":
        return decode_index_like(value, where)
    if kind == "offset":
        return decode_offset(value, where)
    if kind == "array_or_none" and value is None:
        return None
    if kind in ("array", "array_or_none"):
        array = _decode_array(value, where, read_member)
        # A 0-d array was a numpy scalar (StandardScaler.n_samples_seen_).
        return array[()] if array.ndim == 0 else array
    if kind == "labels":
        return _decode_labels(value, where, read_member)
    if kind == "net":
        return _decode_net(value, where, read_member)
    raise InvalidContent(f"{where} has the unknown kind {kind!r}")


def _decode_labels(value, where, read_member):
    """Labels: those of an object array inline (str, or each with its type),
    others as .npy."""
    if isinstance(value, dict) and value.get(TYPE_TAG) == "str_labels":
        labels = value.get("values")
        if not isinstance(labels, list) or not all(isinstance(v, str) for v in labels):
            raise InvalidContent(f"{where} is not a list of string labels")
        return np.asarray(labels, dtype=object)
    if isinstance(value, dict) and value.get(TYPE_TAG) == "mixed_labels":
        labels = value.get("values")
        if not isinstance(labels, list):
            raise InvalidContent(f"{where} is not a list of labels")
        out = np.empty(len(labels), dtype=object)
        out[:] = [decode_label(v, where) for v in labels]
        return out
    return _decode_array(value, where, read_member, kinds=_ARRAY_KINDS + "U")


def _decode_array(value, where, read_member, kinds=_ARRAY_KINDS):
    if not isinstance(value, dict):
        raise InvalidContent(f"{where} is not an encoded array")
    tag = value.get(TYPE_TAG)
    if tag == "ndarray":  # format version 1: inline JSON values
        return decode_inline_array(value, where)
    if tag != "npy":
        raise InvalidContent(f"{where} is not an encoded array")
    data = read_member(value.get("member"))
    try:
        array = np.load(io.BytesIO(data), allow_pickle=False)
    except (ValueError, OSError, EOFError) as exc:
        raise InvalidContent(f"{where} is not a readable .npy array ({exc})") from exc
    if not isinstance(array, np.ndarray) or array.dtype.kind not in kinds:
        raise InvalidContent(f"{where} has an unsupported dtype")
    return array


def decode_inline_array(value, where):
    """An array written inline by format version 1 (dtype, shape, flat data)."""
    dtype, shape, data = value.get("dtype"), value.get("shape"), value.get("data")
    if not isinstance(dtype, str) or dtype == "object" or dtype[:1] in ("<", ">", "|"):
        raise InvalidContent(f"{where} has the unsupported dtype {dtype!r}")
    try:
        kind = np.dtype(dtype).kind
    except (TypeError, ValueError) as exc:
        raise InvalidContent(f"{where} has the unsupported dtype {dtype!r}") from exc
    if kind not in _ARRAY_KINDS:
        raise InvalidContent(f"{where} has the unsupported dtype {dtype!r}")
    if (
        not isinstance(shape, list)
        or not all(isinstance(n, int) and n >= 0 for n in shape)
        or not isinstance(data, list)
        or math.prod(shape) != len(data)
    ):
        raise InvalidContent(f"{where} has an inconsistent shape")
    if kind == "f":
        data = [decode_float(v, where) for v in data]
    try:
        return np.asarray(data, dtype=dtype).reshape(shape)
    except (TypeError, ValueError, OverflowError) as exc:
        raise InvalidContent(f"{where} holds values of the wrong type") from exc


def _decode_net(value, where, read_member):
    from ._saved_net import SavedNet

    if not isinstance(value, dict):
        raise InvalidContent(f"{where} has no 'net' entry")
    module = read_member(value.get("module"))
    optimizer = read_member(value.get("optimizer"))
    history = value.get("history", [])
    if not isinstance(history, list) or not all(isinstance(r, dict) for r in history):
        raise InvalidContent(f"{where}.history is not a list of objects")
    max_chunk_rows = value.get("max_chunk_rows")
    if max_chunk_rows is not None and (
        not isinstance(max_chunk_rows, int)
        or isinstance(max_chunk_rows, bool)
        or max_chunk_rows < 1
    ):
        raise InvalidContent(f"{where}.max_chunk_rows is not a positive integer")
    rows = [decode_history_row(row, f"{where}.history") for row in history]
    return SavedNet(module, optimizer, rows, max_chunk_rows)


# ---------------------------------------------------------- index labels


def encode_label(label, name: str = "next_index_"):
    """A pandas index label (Timestamp, Period, int) or None as JSON."""
    if label is None or type(label) is str:
        return label
    if isinstance(label, pd.Timestamp):
        return {
            TYPE_TAG: "timestamp",
            "value": label.isoformat(),
            "unit": label.unit,
            "tz": None if label.tz is None else str(label.tz),
        }
    if isinstance(label, pd.Period):
        return {
            TYPE_TAG: "period",
            "value": str(label),
            "ordinal": int(label.ordinal),
            "freq": label.freqstr,
        }
    if isinstance(label, Integral) and not isinstance(label, bool):
        dtype = label.dtype.name if isinstance(label, np.integer) else None
        return {TYPE_TAG: "int", "value": int(label), "dtype": dtype}
    raise ValueError(
        f"save_model cannot store {name}={label!r} of type "
        f"{type(label).__name__}; supported index labels are pd.Timestamp, "
        f"pd.Period, int, str and None."
    )


def decode_label(value, where: str):
    """The inverse of :func:`encode_label`."""
    if value is None or isinstance(value, str):
        return value
    if not isinstance(value, dict):
        raise InvalidContent(f"{where} is not an encoded index label")
    tag = value.get(TYPE_TAG)
    if any(isinstance(v, str) and len(v) > 64 for v in value.values()):
        # No label or zone name is that long; pandas parses long ones slowly.
        raise InvalidContent(f"{where} holds a string of over 64 characters")
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
            if not isinstance(dtype, str) or np.dtype(dtype).kind not in "iu":
                raise TypeError(f"unsupported dtype {dtype!r}")
            return np.dtype(dtype).type(number)
    except (KeyError, TypeError, ValueError, OverflowError) as exc:
        raise InvalidContent(f"{where} cannot be decoded ({exc})") from exc
    raise InvalidContent(f"{where} has the unknown label type {tag!r}")


# ------------------------------------------------ index types and steps


def encode_index_like(index, name: str = "_index_like"):
    """An empty index standing for a type of index (its dtype and name), or None."""
    if index is None:
        return None
    kinds = {pd.RangeIndex: "range", pd.DatetimeIndex: "datetime"}
    kinds[pd.PeriodIndex] = "period"
    kind = kinds.get(type(index))
    if kind is None and type(index) is pd.Index and index.dtype.kind in "iu":
        kind = "integer"
    if kind is None:
        raise ValueError(
            f"save_model cannot store {name}: a {type(index).__name__} of dtype "
            f"{index.dtype} (supported: RangeIndex, integer Index, "
            f"DatetimeIndex, PeriodIndex)."
        )
    return {
        TYPE_TAG: "index",
        "type": kind,
        "dtype": str(index.dtype),
        "name": encode_label(index.name, f"{name}.name"),
    }


def decode_index_like(value, where: str):
    """The inverse of :func:`encode_index_like`."""
    if value is None:
        return None
    if not isinstance(value, dict) or value.get(TYPE_TAG) != "index":
        raise InvalidContent(f"{where} is not an encoded index type")
    kind, dtype = value.get("type"), value.get("dtype")
    name = decode_label(value.get("name"), f"{where}.name")
    if not isinstance(dtype, str):
        raise InvalidContent(f"{where}.dtype is not a string")
    try:
        if kind == "range":
            return pd.RangeIndex(0, name=name)
        parsed = pd.api.types.pandas_dtype(dtype)
        expected = {"integer": "iu", "datetime": "M", "period": "O"}.get(kind)
        if expected is None or parsed.kind not in expected:
            raise TypeError(f"index type {kind!r} with dtype {dtype!r}")
        index = pd.Index([], dtype=parsed, name=name)
    except (TypeError, ValueError) as exc:
        raise InvalidContent(f"{where} cannot be decoded ({exc})") from exc
    if kind == "period" and not isinstance(index, pd.PeriodIndex):
        raise InvalidContent(f"{where} is not a period index type")
    return index


def encode_offset(step, name: str = "_index_step"):
    """The step of an index: None, an int, or a pandas offset (by freqstr)."""
    if step is None:
        return None
    if isinstance(step, Integral) and not isinstance(step, bool):
        return int(step)
    from pandas.tseries.frequencies import to_offset

    freqstr = getattr(step, "freqstr", None)
    if isinstance(freqstr, str) and to_offset(freqstr) == step:
        return {TYPE_TAG: "offset", "freqstr": freqstr}
    raise ValueError(f"save_model cannot store {name}={step!r}.")


def decode_offset(value, where: str):
    """The inverse of :func:`encode_offset`."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if not isinstance(value, dict) or value.get(TYPE_TAG) != "offset":
        raise InvalidContent(f"{where} is not an encoded index step")
    from pandas.tseries.frequencies import to_offset

    freqstr = value.get("freqstr")
    if not isinstance(freqstr, str) or len(freqstr) > 64:
        raise InvalidContent(f"{where}.freqstr is not a short string")
    try:
        return to_offset(freqstr)
    except (TypeError, ValueError) as exc:
        raise InvalidContent(f"{where} names no pandas frequency ({exc})") from exc


# ---------------------------------------------------------------- history


def encode_history_row(row: dict) -> dict:
    """One epoch of skorch's history as JSON (per-batch records left out)."""
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
            value = float(value)
            encoded[key] = value if math.isfinite(value) else _tag_float(value)
        # Anything else (a callback's object) is left out of the file.
    return encoded


def decode_history_row(row: dict, where: str) -> dict:
    """The inverse of :func:`encode_history_row`."""
    decoded = {}
    for key, value in row.items():
        if isinstance(value, dict) and value.get(TYPE_TAG) == "float":
            value = decode_float(value.get("value"), where)
        elif not (value is None or isinstance(value, bool | int | float | str)):
            raise InvalidContent(f"{where} holds {value!r}")
        decoded[key] = value
    return decoded
