"""Bounds on what a model file may ask of the loader, checked before building.

A hostile model file should cost the loader milliseconds and a few megabytes,
then fail with a ``ValueError``. Every number the file controls is bounded
here before anything is allocated from it: the manifest's size, JSON nesting
depth, string and list lengths; each member's size (the manifest, the zip
header and the bytes actually inflated must agree, read in a stream that stops
at the recorded size); the network the hyperparameters describe (its
parameter count must equal the weights the file really holds); and the fitted
values that predictions divide or shift by (finite, scales > 0).
"""

from __future__ import annotations

import json
import re
import zipfile

import numpy as np

# A v2 manifest holds hyperparameters, scalars and per-epoch history rows
# (about 200 bytes an epoch); v1 also inlined the arrays. 16 MiB is ample.
MAX_MANIFEST_BYTES = 16 * 2**20
MAX_JSON_DEPTH = 48  # a forecaster around a Pipeline needs about 20
MAX_STRING_CHARS = 4096  # feature names, labels, checksums, member names
MAX_LIST_ITEMS = 2**20  # history rows, feature names, steps, v1 inline data
# Deflate reaches about 1000:1 on constant data; weights and history compress
# by 1.1-10x. Only members above 1 MiB are held to the ratio.
MAX_COMPRESS_RATIO = 100
RATIO_FREE_BYTES = 2**20
_CHUNK = 2**20

# Hyperparameters whose value sizes an allocation or a thread pool at predict
# time, beyond what the weights already bound.
MAX_INT_PARAMS = {
    "n_threads": 4096,
    "window_length": 2**24,
    "horizon": 2**20,
}
MAX_FEATURES = 2**24  # n_features_in_, n_outputs_ of any estimator

# Fitted arrays that predictions shift or divide by, whatever the class.
VALUE_RULES = {
    "x_mean_": "finite",
    "x_scale_": "positive",
    "y_mean_": "finite",
    "y_scale_": "positive",
    "_scaled_target_min": "finite",
    "_scaled_target_max": "finite",
    "history_": "finite",
    "last_window_": "finite",
    "calibration_residuals_": "finite",
    "mean_": "finite",
    "var_": "finite",
    "scale_": "positive",
    "min_": "finite",
    "center_": "finite",
    "max_abs_": "finite",
    "data_min_": "finite",
    "data_max_": "finite",
    "data_range_": "finite",
}

_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')


class LimitExceeded(ValueError):
    """A model file asks for more than the loader grants (no path yet)."""


# ------------------------------------------------------------------ JSON


def parse_manifest(data: bytes):
    """The manifest's JSON, refused before parsing when too deep or too big."""
    if len(data) > MAX_MANIFEST_BYTES:
        raise LimitExceeded(f"the manifest is larger than {MAX_MANIFEST_BYTES} bytes")
    depth = json_depth(data)
    if depth > MAX_JSON_DEPTH:
        raise LimitExceeded(
            f"the manifest nests {depth} levels deep (at most {MAX_JSON_DEPTH})"
        )
    try:
        value = json.loads(data.decode("utf-8"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise LimitExceeded(f"manifest.json is not valid JSON ({exc})") from exc
    check_json_bounds(value)
    return value


def json_depth(data: bytes) -> int:
    """The deepest nesting of ``[``/``{`` in raw JSON, strings left out."""
    text = np.frombuffer(_STRING.sub(b'""', data), dtype=np.uint8)
    if text.size == 0:
        return 0
    steps = np.isin(text, (ord("["), ord("{"))).astype(np.int32)
    steps -= np.isin(text, (ord("]"), ord("}")))
    return int(np.cumsum(steps).max(initial=0))


def check_json_bounds(value) -> None:
    """Every string and list of parsed JSON within its length bound."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if len(item) > MAX_STRING_CHARS:
                raise LimitExceeded(
                    f"the manifest holds a string of {len(item)} characters "
                    f"(at most {MAX_STRING_CHARS}): {item[:40]!r}..."
                )
        elif isinstance(item, list):
            if len(item) > MAX_LIST_ITEMS:
                raise LimitExceeded(
                    f"the manifest holds a list of {len(item)} items "
                    f"(at most {MAX_LIST_ITEMS})"
                )
            stack.extend(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())


def _refuse_constant(name):
    raise ValueError(f"{name} is not JSON (save_model never writes it)")


# --------------------------------------------------------------- members


def read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, size: int) -> bytes:
    """A member's bytes, never inflating more than its recorded ``size``.

    The zip header's sizes must agree with ``size`` and inflate at a plausible
    ratio; the stream stops one byte past ``size``, so a member that inflates
    beyond what the manifest and header say costs at most ``size`` bytes.
    """
    if info.file_size != size:
        raise LimitExceeded(
            f"the member {info.filename!r} is {info.file_size} bytes in the zip "
            f"header but {size} in the manifest"
        )
    if size > RATIO_FREE_BYTES and size > MAX_COMPRESS_RATIO * info.compress_size:
        raise LimitExceeded(
            f"the member {info.filename!r} inflates {info.compress_size} bytes "
            f"to {size} (more than {MAX_COMPRESS_RATIO}:1, a zip bomb)"
        )
    chunks, total = [], 0
    with zf.open(info) as handle:
        while total <= size:
            chunk = handle.read(min(_CHUNK, size + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    if total != size:
        raise LimitExceeded(
            f"the member {info.filename!r} holds {'more' if total > size else 'fewer'}"
            f" bytes than the {size} recorded for it"
        )
    return b"".join(chunks)


def check_int_param(key: str, value, where: str) -> None:
    """Integer hyperparameters that size allocations at predict time."""
    bound = MAX_INT_PARAMS.get(key)
    if bound is not None and isinstance(value, int) and value > bound:
        raise LimitExceeded(f"{where}.params.{key}={value} exceeds {bound}")


# --------------------------------------------------------------- network


def parameter_count(
    *,
    cell: str,
    hidden_size: int,
    num_layers: int,
    bidirectional: bool,
    head_size: int | None,
    n_features: int,
    n_outputs: int,
) -> tuple[int, int]:
    """Weights and tensors of :class:`~sklstm._module.SequenceRegressorModule`.

    Closed form (no loop over layers: ``num_layers`` comes from the file).
    An LSTM layer has 4 gates, a GRU layer 3, each with an input and a
    recurrent matrix and two biases, per direction.

    Examples
    --------
    >>> parameter_count(cell="lstm", hidden_size=4, num_layers=1,
    ...                 bidirectional=False, head_size=None, n_features=2,
    ...                 n_outputs=1)
    (133, 6)
    """
    gates = 4 if cell == "lstm" else 3
    dirs = 2 if bidirectional else 1

    def per_direction(inputs):
        return gates * hidden_size * (inputs + hidden_size + 2)

    count = dirs * per_direction(n_features)
    count += (num_layers - 1) * dirs * per_direction(dirs * hidden_size)
    tensors = 4 * num_layers * dirs + 2
    features = dirs * hidden_size
    if head_size:
        count += features * head_size + head_size
        features = head_size
        tensors += 2
    count += features * n_outputs + n_outputs
    return count, tensors


def check_weight_count(n_weights: int, **architecture) -> None:
    """The hyperparameters must describe exactly the weights the file holds.

    ``n_weights`` is counted from the tensors of the (safely loaded) weights
    member, before any network is built: a file that claims
    ``hidden_size=20000`` next to 4 KB of weights is refused here, in
    milliseconds, instead of allocating 6 GB for a network to load them into.
    """
    count, _ = parameter_count(**architecture)
    if count != n_weights:
        described = ", ".join(f"{k}={v}" for k, v in architecture.items())
        raise LimitExceeded(
            f"the network weights do not match the architecture its "
            f"hyperparameters describe ({described}: {count} weights; the "
            f"weights member holds {n_weights})"
        )


# ---------------------------------------------------------------- values


def check_fitted_values(state: dict, where: str) -> None:
    """Fitted arrays that predictions use: finite, scales strictly positive."""
    for name, rule in VALUE_RULES.items():
        value = state.get(name)
        if not isinstance(value, np.ndarray):
            continue
        if value.dtype.kind not in "biuf":
            raise LimitExceeded(f"{where}.{name} is not numeric")
        if not np.isfinite(value).all():
            raise LimitExceeded(f"{where}.{name} holds NaN or infinite values")
        if rule == "positive" and not (value > 0).all():
            raise LimitExceeded(f"{where}.{name} holds values <= 0 (a scale)")


def check_dimension(value, name: str, where: str) -> int:
    """A feature or output count from the file: an int in [1, MAX_FEATURES]."""
    if (
        not isinstance(value, int)
        or isinstance(value, bool)
        or not 1 <= value <= MAX_FEATURES
    ):
        raise LimitExceeded(
            f"{where}.{name} is {value!r}, not an integer in [1, {MAX_FEATURES}]"
        )
    return value


def plausible_size(value) -> bool:
    """A member size from the manifest: an int in [0, 1 TiB)."""
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**40
