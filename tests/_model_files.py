"""Shared fixtures and helpers of the model-file tests (tests/io/)."""

import hashlib
import json
import zipfile

import numpy as np
import pandas as pd
import pytest
import torch

from sklstm import LSTMRegressor, SlidingWindowTransformer
from sklstm._state import get_fitted_state
from sklstm.io._persistence import load_model, save_model

TINY = dict(hidden_size=4, max_epochs=2, random_state=0)


# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def seq3():
    """30 sequences of 4 steps and 2 features, a 1-D and a 2-D target."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(30, 4, 2))
    y = X[:, :, 0].sum(axis=1) + 0.5 * X[:, -1, 1]
    return X, y, np.column_stack([y, -y])


@pytest.fixture(scope="module")
def univariate():
    """Windows of a rising series with a leading NaN pad: (30, 3, 1)."""
    series = np.arange(2.0, 64.0, 2.0)
    windows = SlidingWindowTransformer(window_length=3).fit_transform(series[:-1])
    return np.array(windows), series[1:]


@pytest.fixture(scope="module")
def monthly():
    index = pd.date_range("2020-01-01", periods=40, freq="MS")
    return pd.Series(np.linspace(10.0, 50.0, 40), index=index, name="sales")


@pytest.fixture
def saved_regressor(tmp_path, seq3):
    X, y, _ = seq3
    model = LSTMRegressor(**TINY).fit(X, y)
    path = tmp_path / "model.sklstm"
    save_model(model, path)
    return model, path


def _round_trip(estimator, tmp_path, name="model.sklstm"):
    path = tmp_path / name
    save_model(estimator, path)
    return load_model(path)


def _members(path):
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _rewrite(path, *, replace=None, manifest=None, drop=()):
    """Rewrite a model file: replace members, edit the manifest, drop members."""
    members = _members(path)
    for name in drop:
        members.pop(name)
    members.update(replace or {})
    if manifest is not None:
        data = json.loads(members["manifest.json"])
        manifest(data)
        members["manifest.json"] = json.dumps(data).encode()
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(name, data)


def _manifest(path):
    return json.loads(_members(path)["manifest.json"])


def _sha256(data):
    return hashlib.sha256(data).hexdigest()


def _assert_same_fitted_state(a, b):
    """Every declared fitted attribute of ``a`` and ``b`` is equal (arrays:
    values and dtype; the net: weights, history length, chunk rows)."""
    assert type(a) is type(b)
    state_a, state_b = get_fitted_state(a), get_fitted_state(b)
    assert state_a.keys() == state_b.keys()
    for field in type(a)._fitted_state:
        if field.name not in state_a:
            continue
        va, vb = state_a[field.name], state_b[field.name]
        if field.kind in ("array", "names"):
            assert np.array_equal(va, vb), field.name
            assert va.dtype == vb.dtype, field.name
        elif field.kind == "net":
            assert vb.max_chunk_rows == va.max_chunk_rows
            assert len(vb.history) == len(va.history)
            wa, wb = va.module_.state_dict(), vb.module_.state_dict()
            assert wa.keys() == wb.keys()
            assert all(torch.equal(wa[k], wb[k]) for k in wa)
        elif field.kind == "floats":
            np.testing.assert_array_equal(va, vb, err_msg=field.name)
        else:
            assert va == vb, field.name
            assert type(va) is type(vb), field.name


def _assert_same_regressor(a, b):
    assert type(b) is LSTMRegressor
    params_a, params_b = a.get_params(), b.get_params()
    if isinstance(params_a["random_state"], np.random.RandomState):
        params_a["random_state"] = None
    assert params_a == params_b
    _assert_same_fitted_state(a, b)
