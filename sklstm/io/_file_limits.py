"""Bounds on what a model file may ask of the loader, checked before building.

A hostile model file should cost the loader milliseconds and a few megabytes,
then fail with a ``ValueError``. Every number the file controls is bounded
here before anything is allocated from it: the manifest's size, JSON nesting
depth, string and list lengths; each member's size (the manifest, the zip
header and the bytes actually inflated must agree, read in a stream that stops
at the recorded size); and the fitted values that predictions divide or shift
by (finite, scales > 0). The network the hyperparameters describe is compared
with the weights the file really holds in ``sklstm.io._persistence``.
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


# ---------------------------------------------------------- fitted state


def check_state(state, where):
    """Checks that hold for every class: values, feature names, roles."""
    check_fitted_values(state, where)
    n_features = state.get("n_features_in_")
    if n_features is not None:
        check_dimension(n_features, "n_features_in_", where)
    names = state.get("feature_names_in_")
    if names is not None and len(names) != n_features:
        raise LimitExceeded(
            f"{where}.feature_names_in_ has {len(names)} names for "
            f"n_features_in_={n_features}"
        )
    if "n_outputs_" in state:
        check_dimension(state["n_outputs_"], "n_outputs_", where)
    if state.get("_n_input_dims", 3) not in (2, 3):
        raise LimitExceeded(f"{where}._n_input_dims is neither 2 nor 3")


def check_network(est, state, where):
    """The hyperparameters must describe exactly the weights in the file.

    Runs after the members are read (bounded by their recorded sizes) and
    before any network is built: a file that claims ``hidden_size=20000``
    next to a few KB of weights fails here (the expected shapes come from a
    module built on torch's storage-free "meta" device), not in a 6 GB
    allocation.
    """
    from ._saved_net import _load_tensors, expected_weight_shapes

    try:
        n_features = _features_per_step(est, state)
        est._check_parameter_combinations(n_features)
        weights = _load_tensors(state["net_"].module, "network weights")
    except ValueError as exc:
        raise LimitExceeded(f"{where}: {exc}") from exc
    if not isinstance(weights, dict) or not all(
        isinstance(k, str) and hasattr(v, "shape") for k, v in weights.items()
    ):
        raise LimitExceeded(f"{where}: the network weights are not a state_dict")
    # Every layer holds at least one tensor: bounds the loop that builds them.
    if est.num_layers > len(weights):
        raise LimitExceeded(
            f"{where}: the network weights do not match the architecture its "
            f"hyperparameters describe (num_layers={est.num_layers}, but the "
            f"weights hold {len(weights)} tensors)"
        )
    expected = expected_weight_shapes(est, n_features, state)
    found = {name: tuple(tensor.shape) for name, tensor in weights.items()}
    if expected != found:
        differing = sorted(set(expected) ^ set(found)) or [
            name for name in expected if expected[name] != found[name]
        ]
        raise LimitExceeded(
            f"{where}: the network weights do not match the architecture its "
            f"hyperparameters describe (first difference: {differing[0]!r}, "
            f"expected {expected.get(differing[0])}, found {found.get(differing[0])})"
        )


def _features_per_step(est, state) -> int:
    """What the network of the described estimator reads per step.

    :func:`sklstm.windows._lags.features_per_step` on the file's own state: 2-D input
    that was a lag matrix (``lag_1 .. lag_k`` plus per-sample columns) has
    more than one feature per step.
    """
    from types import SimpleNamespace

    from ..windows._lags import features_per_step

    described = SimpleNamespace(
        _n_input_dims=state["_n_input_dims"],
        n_features_in_=state["n_features_in_"],
        feature_names_in_=state.get("feature_names_in_"),
        input_lags=getattr(est, "input_lags", "auto"),
    )
    return features_per_step(described)
