"""Model files that are broken or hostile: every one fails with a ValueError."""

import io
import os
import pickle

import _model_files
import numpy as np
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
from sklstm._persistence import load_model, save_model

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
    "class_name", ["Ridge", "os.system", "sklearn.linear_model.Ridge", None]
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
