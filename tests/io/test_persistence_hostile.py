"""Model files that are broken or hostile: every one fails with a ValueError."""

import io
import json
import os
import pickle
import zipfile

import _model_files
import numpy as np
import pandas as pd
import pytest
import torch
from _model_files import (
    TINY,
    _manifest,
    _members,
    _rewrite,
    _sha256,
)
from sklearn.pipeline import Pipeline

from sklstm import LSTMRegressor, SlidingWindowTransformer
from sklstm.io._persistence import load_model, save_model

seq3, univariate = _model_files.seq3, _model_files.univariate
monthly, saved_regressor = _model_files.monthly, _model_files.saved_regressor


# --------------------------------------------------------- load errors


def test_not_a_zip_file(tmp_path):
    path = tmp_path / "model.sklstm"
    path.write_text("hello")
    with pytest.raises(ValueError, match="not a valid sklstm model file"):
        load_model(path)


@pytest.mark.parametrize("keep", [0, 0.3, 0.6, 0.95])
def test_truncated_file(keep, saved_regressor):
    _, path = saved_regressor
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(ValueError, match="truncated or corrupted"):
        load_model(path)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "nothing.sklstm")


def test_wrong_format_name(saved_regressor):
    _, path = saved_regressor
    _rewrite(path, manifest=lambda m: m.update(format="keras"))
    with pytest.raises(ValueError, match="format 'keras'"):
        load_model(path)


def test_newer_format_version(saved_regressor):
    _, path = saved_regressor
    _rewrite(path, manifest=lambda m: m.update(format_version=3, sklstm_version="9.0"))
    with pytest.raises(ValueError, match="newer sklstm.*Upgrade"):
        load_model(path)


@pytest.mark.parametrize("version", ["1", 1.0, 0, None, True])
def test_invalid_format_version(version, saved_regressor):
    _, path = saved_regressor
    _rewrite(path, manifest=lambda m: m.update(format_version=version))
    with pytest.raises(ValueError, match="format_version"):
        load_model(path)


def test_manifest_that_is_not_json(saved_regressor):
    _, path = saved_regressor
    _rewrite(path, replace={"manifest.json": b"{not json"})
    with pytest.raises(ValueError, match="not valid JSON"):
        load_model(path)


@pytest.mark.parametrize("member", ["module", "optimizer"])
def test_tampered_member(member, saved_regressor):
    _, path = saved_regressor
    name = f"regressor_0/{member}.pt"
    data = bytearray(_members(path)[name])
    data[len(data) // 2] ^= 0xFF
    _rewrite(path, replace={name: bytes(data)})
    with pytest.raises(ValueError, match="tampered with or corrupted"):
        load_model(path)


@pytest.mark.parametrize(
    "name", ["manifest.json", "regressor_0/module.pt", "regressor_0/optimizer.pt"]
)
def test_missing_member(name, saved_regressor):
    _, path = saved_regressor
    _rewrite(path, drop=[name])
    with pytest.raises(ValueError, match=f"{name}.*missing"):
        load_model(path)


def test_member_without_checksum(saved_regressor):
    _, path = saved_regressor
    _rewrite(path, manifest=lambda m: m["members"].pop("regressor_0/module.pt"))
    with pytest.raises(ValueError, match="no SHA-256"):
        load_model(path)


@pytest.mark.parametrize(
    "class_name", ["Lasso", "os.system", "sklearn.linear_model.Ridge", None]
)
def test_unknown_class_is_never_instantiated(class_name, saved_regressor):
    _, path = saved_regressor
    _rewrite(path, manifest=lambda m: m["estimator"].update({"class": class_name}))
    with pytest.raises(ValueError, match="not one of the classes"):
        load_model(path)


def test_unknown_class_inside_a_pipeline(tmp_path, monthly):
    pipe = Pipeline([("w", SlidingWindowTransformer(window_length=2))]).fit(monthly)
    path = tmp_path / "pipe.sklstm"
    save_model(pipe, path)

    def rename(manifest):
        manifest["estimator"]["steps"][0][1]["class"] = "StandardScaler"

    _rewrite(path, manifest=rename)
    with pytest.raises(ValueError, match="StandardScaler"):
        load_model(path)


@pytest.mark.parametrize(
    "name",
    [
        "torch.optim.lr_scheduler",
        "torch.optim._functional",
        "torch.optim.Optimizer.x",
        "torch.optim.",
        "os.system",
        "SGD",
        3,
        None,
    ],
)
def test_optimizer_name_must_be_a_torch_optim_class(name, tmp_path, seq3):
    X, y, _ = seq3
    model = LSTMRegressor(**TINY, optimizer=torch.optim.SGD).fit(X, y)
    path = tmp_path / "model.sklstm"
    save_model(model, path)
    assert (
        _manifest(path)["estimator"]["params"]["optimizer"]["name"] == "torch.optim.SGD"
    )
    _rewrite(
        path,
        manifest=lambda m: m["estimator"]["params"]["optimizer"].update(name=name),
    )
    with pytest.raises(ValueError, match="torch.optim"):
        load_model(path)


def test_unknown_parameter_is_refused(saved_regressor):
    _, path = saved_regressor
    _rewrite(path, manifest=lambda m: m["estimator"]["params"].update(evil=1))
    with pytest.raises(ValueError, match="evil"):
        load_model(path)


def test_invalid_parameter_value_is_refused(saved_regressor):
    _, path = saved_regressor
    _rewrite(path, manifest=lambda m: m["estimator"]["params"].update(cell="rnn"))
    with pytest.raises(ValueError, match="invalid parameters"):
        load_model(path)


def test_weights_of_another_architecture_are_refused(saved_regressor):
    _, path = saved_regressor
    _rewrite(path, manifest=lambda m: m["estimator"]["params"].update(hidden_size=5))
    with pytest.raises(ValueError, match="do not match the architecture"):
        load_model(path)


class _WriteMarker:
    """Unpickling this object creates a file (a stand-in for any code)."""

    def __init__(self, marker, how):
        self.marker = str(marker)
        self.how = how

    def __reduce__(self):
        if self.how == "os.system":
            return os.system, (f"touch {self.marker}",)
        return open, (self.marker, "w")


def _payload(marker, how):
    buffer = io.BytesIO()
    torch.save(_WriteMarker(marker, how), buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("how", ["open", "os.system"])
@pytest.mark.parametrize("member", ["module", "optimizer"])
def test_malicious_pickle_with_valid_checksum_is_not_executed(
    how, member, saved_regressor, tmp_path
):
    if how == "os.system" and os.name != "posix":
        pytest.skip("the os.system payload uses a POSIX shell")
    _, path = saved_regressor
    # The payload is live: an unrestricted torch.load runs it.
    control = tmp_path / "control_marker"
    torch.load(io.BytesIO(_payload(control, how)), weights_only=False)
    assert control.exists()

    marker = tmp_path / "pwned_marker"
    name = f"regressor_0/{member}.pt"
    payload = _payload(marker, how)

    def fix_checksum(manifest):
        manifest["members"][name] = {"sha256": _sha256(payload), "size": len(payload)}

    _rewrite(path, replace={name: payload}, manifest=fix_checksum)
    with pytest.raises(ValueError, match="weights_only=True"):
        load_model(path)
    assert not marker.exists()


@pytest.mark.filterwarnings("ignore:Detected pickle protocol:UserWarning")
def test_plain_pickle_member_is_refused(saved_regressor, tmp_path):
    """A raw pickle (not torch's zip format) of a harmless-looking object."""
    _, path = saved_regressor
    marker = tmp_path / "pwned_marker"
    payload = pickle.dumps(_WriteMarker(marker, "open"))
    name = "regressor_0/module.pt"

    def fix_checksum(manifest):
        manifest["members"][name] = {"sha256": _sha256(payload), "size": len(payload)}

    _rewrite(path, replace={name: payload}, manifest=fix_checksum)
    with pytest.raises(ValueError, match="cannot be loaded safely"):
        load_model(path)
    assert not marker.exists()


def test_weights_that_are_not_a_state_dict(saved_regressor):
    _, path = saved_regressor
    buffer = io.BytesIO()
    torch.save([torch.zeros(2)], buffer)
    payload = buffer.getvalue()
    name = "regressor_0/module.pt"

    def fix_checksum(manifest):
        manifest["members"][name] = {"sha256": _sha256(payload), "size": len(payload)}

    _rewrite(path, replace={name: payload}, manifest=fix_checksum)
    with pytest.raises(ValueError, match="not a state_dict"):
        load_model(path)


@pytest.mark.parametrize(
    "payload",
    [b"not an npy file", "object", "wrong-shape"],
    ids=["garbage", "object-dtype", "wrong-shape"],
)
def test_corrupted_array_member_is_refused(payload, saved_regressor):
    _, path = saved_regressor
    name = "regressor_0/x_mean_.npy"
    if payload == "object":
        # What np.save(allow_pickle=True) writes for an object array.
        buffer = io.BytesIO()
        np.save(buffer, np.array([{"a": 1}], dtype=object), allow_pickle=True)
        payload = buffer.getvalue()
    elif payload == "wrong-shape":
        buffer = io.BytesIO()
        np.save(buffer, np.zeros(5), allow_pickle=False)
        payload = buffer.getvalue()

    def fix_checksum(manifest):
        manifest["members"][name] = {"sha256": _sha256(payload), "size": len(payload)}

    _rewrite(path, replace={name: payload}, manifest=fix_checksum)
    with pytest.raises(ValueError, match="x_mean_"):
        load_model(path)


def test_arrays_are_npy_members(saved_regressor):
    model, path = saved_regressor
    entry = _manifest(path)["estimator"]["attributes"]["x_mean_"]
    member = _members(path)[entry["member"]]
    assert np.array_equal(
        np.load(io.BytesIO(member), allow_pickle=False), model.x_mean_
    )


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_cuda_model_loads_on_cpu_with_a_warning(saved_regressor, seq3):
    model, path = saved_regressor
    _rewrite(path, manifest=lambda m: m["estimator"]["params"].update(device="cuda"))
    with pytest.warns(UserWarning, match="no CUDA device"):
        loaded = load_model(path)
    assert loaded.device_ == "cpu"
    assert np.array_equal(loaded.predict(seq3[0]), model.predict(seq3[0]))


# ------------------------------------------------ bounds (hostile files)


def _replace_member(path, name, payload):
    """Replace a member and record its true checksum and size (a forger would)."""

    def fix(manifest):
        manifest["members"][name] = {"sha256": _sha256(payload), "size": len(payload)}

    _rewrite(path, replace={name: payload}, manifest=fix)


def _npy(array):
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array), allow_pickle=False)
    return buffer.getvalue()


def _params(**values):
    return lambda m: m["estimator"]["params"].update(values)


def _attributes(**values):
    return lambda m: m["estimator"]["attributes"].update(values)


HOSTILE_MANIFESTS = {
    # name: (manifest edit, message)
    "hidden-size-20000": (_params(hidden_size=20000), "do not match the architecture"),
    "head-size-1e9": (_params(head_size=10**9), "do not match the architecture"),
    "num-layers-1e9": (_params(num_layers=10**9), "do not match the architecture"),
    "bidirectional": (_params(bidirectional=True), "do not match the architecture"),
    "n-outputs-huge": (_attributes(n_outputs_=10**12), "n_outputs_"),
    "n-outputs-negative": (_attributes(n_outputs_=-1), "n_outputs_"),
    "n-features-negative": (_attributes(n_features_in_=-3), "n_features_in_"),
    "input-dims": (_attributes(_n_input_dims=4), "_n_input_dims"),
    "feature-names-too-many": (
        _attributes(feature_names_in_=["a", "b", "c"]),
        "feature_names_in_",
    ),
    "target-feature-out-of-range": (
        _params(target_feature=7),
        "target_feature=7",
    ),
    "n-threads-huge": (_params(n_threads=10**6), "n_threads"),
    "callbacks-os-system": (_params(callbacks=["os.system"]), "callbacks.*None"),
    "optimizer-base-class": (
        _params(
            optimizer={
                "__sklstm_type__": "torch.optim",
                "name": "torch.optim.Optimizer",
            }
        ),
        "torch.optim.Optimizer",
    ),
    "optimizer-lbfgs": (
        _params(
            optimizer={"__sklstm_type__": "torch.optim", "name": "torch.optim.LBFGS"}
        ),
        "LBFGS.*weight_decay",
    ),
    "long-string": (_params(cell="lstm" * 250_000), "string of 1000000 characters"),
    "long-list": (_attributes(loss_curve_=[0.0] * (2**20 + 1)), "list of"),
    "ufunc-outside-allow-list": (
        _params(cell={"__sklstm_type__": "numpy.ufunc", "name": "sin"}),
        "allowed numpy functions",
    ),
}


@pytest.mark.parametrize("case", HOSTILE_MANIFESTS, ids=list(HOSTILE_MANIFESTS))
def test_hostile_manifest_values_are_refused_before_building(case, saved_regressor):
    _, path = saved_regressor
    edit, message = HOSTILE_MANIFESTS[case]
    _rewrite(path, manifest=edit)
    with pytest.raises(ValueError, match=message):
        load_model(path)


def test_a_huge_index_label_is_refused(tmp_path):
    window = SlidingWindowTransformer(window_length=2).fit(
        pd.Series([1.0, 2.0, 3.0], index=pd.date_range("2020", periods=3, freq="D"))
    )
    path = tmp_path / "w.sklstm"
    save_model(window, path)
    label = {"__sklstm_type__": "timestamp", "value": "2" * 3000, "unit": "s"}
    _rewrite(path, manifest=_attributes(next_index_=label))
    with pytest.raises(ValueError, match="next_index_.*64 characters"):
        load_model(path)


def test_deeply_nested_json_is_refused_before_parsing(saved_regressor):
    _, path = saved_regressor
    depth = 170_000  # about 510 KB of "[[[...]]]": json.loads would recurse
    manifest = b'{"format": "sklstm", "x": ' + b"[" * depth + b"]" * depth + b"}"
    _rewrite(path, replace={"manifest.json": manifest})
    with pytest.raises(ValueError, match="nests 170001 levels deep"):
        load_model(path)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "1" + "0" * 5000])
def test_manifest_numbers_beyond_json_are_refused(literal, saved_regressor):
    _, path = saved_regressor
    data = json.loads(_members(path)["manifest.json"])
    data["estimator"]["params"]["lr"] = "@"
    text = json.dumps(data).replace('"@"', literal)
    _rewrite(path, replace={"manifest.json": text.encode()})
    with pytest.raises(ValueError, match="not valid JSON"):
        load_model(path)


def _zip_bomb(path, name, size):
    """Replace a member by ``size`` zero bytes (deflate: about 1000:1)."""
    members = _members(path)
    del members[name]
    manifest = json.loads(members.pop("manifest.json"))
    manifest["members"][name]["size"] = size
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest))
        for other, data in members.items():
            zf.writestr(other, data)
        with zf.open(name, "w") as handle:
            chunk = bytes(2**20)
            for _ in range(size // len(chunk)):
                handle.write(chunk)


def test_a_zip_bomb_member_is_refused_unread(saved_regressor):
    _, path = saved_regressor
    _zip_bomb(path, "regressor_0/module.pt", 64 * 2**20)
    assert path.stat().st_size < 2**20
    with pytest.raises(ValueError, match="zip bomb"):
        load_model(path)


def test_member_size_must_match_the_zip_header(saved_regressor):
    _, path = saved_regressor

    def grow(manifest):
        manifest["members"]["regressor_0/module.pt"]["size"] += 1

    _rewrite(path, manifest=grow)
    with pytest.raises(ValueError, match="module.pt.*another size"):
        load_model(path)


@pytest.mark.parametrize("size", [-1, "12", None, 2**50])
def test_member_size_must_be_a_plausible_integer(size, saved_regressor):
    _, path = saved_regressor

    def edit(manifest):
        manifest["members"]["regressor_0/x_mean_.npy"]["size"] = size

    _rewrite(path, manifest=edit)
    with pytest.raises(ValueError, match="x_mean_.npy.*no valid size"):
        load_model(path)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("x_mean_", [np.nan, 0.0]),
        ("x_scale_", [1.0, np.inf]),
        ("x_scale_", [1.0, 0.0]),
        ("y_scale_", [-1.0]),
        ("y_mean_", [np.nan]),
        ("_scaled_target_min", [-np.inf]),
    ],
)
def test_non_finite_or_non_positive_scaling_is_refused(name, value, saved_regressor):
    _, path = saved_regressor
    _replace_member(path, f"regressor_0/{name}.npy", _npy(value))
    with pytest.raises(ValueError, match=f"estimator.{name} holds"):
        load_model(path)


def test_pipeline_memory_is_refused(tmp_path, monthly):
    pipe = Pipeline([("w", SlidingWindowTransformer(window_length=2))]).fit(monthly)
    path = tmp_path / "pipe.sklstm"
    save_model(pipe, path)
    _rewrite(path, manifest=_params(memory=str(tmp_path / "cache")))
    with pytest.raises(ValueError, match="memory.*file path.*must be None"):
        load_model(path)


def test_a_pipeline_whose_inner_step_cannot_transform_is_refused(tmp_path, seq3):
    X, y, _ = seq3
    pipe = Pipeline(
        [("w", SlidingWindowTransformer(window_length=2)), ("r", LSTMRegressor(**TINY))]
    ).fit(X[:, :, 0], y)
    path = tmp_path / "pipe.sklstm"
    save_model(pipe, path)

    def swap(manifest):
        steps = manifest["estimator"]["steps"]
        steps.append(steps.pop(0))

    _rewrite(path, manifest=swap)
    with pytest.raises(ValueError, match=r"steps\[0\] is not a transformer"):
        load_model(path)
