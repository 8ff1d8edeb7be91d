"""export_onnx: the ONNX graph predicts what predict() predicts.

Each exported model gets random weights (N(0, 0.7)) after a short fit, so the
recurrent stack and the head shape the predictions strongly: a freshly fitted
tiny model has a near-zero head, and any graph would then match. Agreement is
measured on the standardised target scale: |onnx - predict| <= 1e-5 *
y_scale_ (measured: up to about 1.5e-6 with these weights).
"""

import os
import subprocess
import sys
import warnings

import numpy as np
import onnx
import onnxruntime
import pytest
import torch
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

from sklstm import (
    ExtrapolationWarning,
    LSTMRegressor,
    SlidingWindowTransformer,
    export_onnx,
)

TOLERANCE = 1e-5  # of y_scale_, per output

# One row per model; together they cover cell, layers, target shape, target
# mode, input rank, bidirectional, head and activation.
CONFIGS = {
    "lstm-1layer-1d-delta-3d": dict(
        params=dict(cell="lstm", target_mode="delta"), n_features=1
    ),
    "gru-2layers-2d-level-3d-head-nolinear": dict(
        params=dict(
            cell="gru", num_layers=2, head_size=3, dropout=0.2, linear_path=False
        ),
        n_features=3,
        n_outputs=2,
    ),
    "lstm-2layers-2d-delta-2dinput": dict(
        params=dict(cell="lstm", num_layers=2, target_mode="delta"),
        n_outputs=2,
        input_2d=True,
    ),
    "gru-1layer-1d-level-2dinput": dict(
        params=dict(cell="gru", target_mode="level"), input_2d=True
    ),
    "lstm-bidirectional-2layers-level-3d-nolinear": dict(
        params=dict(cell="lstm", num_layers=2, bidirectional=True, linear_path=False),
        n_features=2,
    ),
    "gru-seasonal-2d-delta-3d": dict(
        params=dict(cell="gru", target_mode="delta", seasonal_period=3), n_outputs=2
    ),
    "lstm-relu-1d-delta-2dinput": dict(
        params=dict(cell="lstm", activation="relu"), input_2d=True
    ),
}
N_TIMESTEPS = 7


def _data(n_features=1, n_outputs=1, input_2d=False):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, N_TIMESTEPS, n_features)).cumsum(axis=1) + 10.0
    y = np.stack([X[:, -1, 0] + (k + 1) * X[:, 0, -1] for k in range(n_outputs)], 1)
    return (X[:, :, 0] if input_2d else X), (y[:, 0] if n_outputs == 1 else y)


def _padded(X, dtype=np.float32):
    """``X`` as float32, row i starting ``i % n_timesteps`` steps late."""
    X = X.astype(dtype)  # a copy
    for row in range(len(X)):
        X[row, : row % X.shape[1]] = np.nan
    return X


@pytest.fixture(scope="module", params=list(CONFIGS))
def exported(request, tmp_path_factory):
    config = CONFIGS[request.param]
    X, y = _data(
        config.get("n_features", 1),
        config.get("n_outputs", 1),
        config.get("input_2d", False),
    )
    model = LSTMRegressor(hidden_size=5, max_epochs=2, random_state=0)
    model.set_params(**config["params"]).fit(X, y)
    generator = torch.Generator().manual_seed(0)
    with torch.no_grad():
        for weight in model.net_.module_.parameters():
            weight.copy_(0.7 * torch.randn(weight.shape, generator=generator))
    path = export_onnx(model, tmp_path_factory.mktemp("onnx") / "model.onnx")
    return model, onnxruntime.InferenceSession(str(path)), X, path


def _predict_quietly(model, X):
    # Random weights may extrapolate; predict's warning is not what is tested.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExtrapolationWarning)
        return model.predict(X)


def _check_matches(model, session, X):
    expected = _predict_quietly(model, X)
    (actual,) = session.run(None, {"X": X})
    assert actual.dtype == np.float64
    assert actual.shape == expected.shape
    error = np.abs(actual - expected).reshape(len(X), -1) / model.y_scale_
    assert error.max() <= TOLERANCE, error.max()
    return expected


def test_full_windows_match_predict(exported):
    model, session, X, _ = exported
    expected = _check_matches(model, session, X[:20].astype(np.float32))
    # The weights make the prediction depend on the input (a real test).
    spread = expected.reshape(20, -1).std(axis=0) / model.y_scale_
    assert spread.min() > 0.05


def test_nan_padded_windows_match_predict(exported):
    model, session, X, _ = exported
    full = X[:14].astype(np.float32)
    padded = _padded(full)
    expected = _check_matches(model, session, padded)
    # Padding changes the prediction of the rows that start late.
    late = np.arange(14) % N_TIMESTEPS > 0
    assert not np.allclose(expected[late], _predict_quietly(model, full)[late])


def test_dynamic_batch_size(exported):
    model, session, X, _ = exported
    for rows in (1, 2, 33):
        _check_matches(model, session, _padded(np.resize(X, (rows, *X.shape[1:]))))


def test_dynamic_timesteps_for_3d_input(exported):
    model, session, X, _ = exported
    if X.ndim == 2 or model.linear_path:
        # Fixed: n_features_in_ of 2-D input; what the linear path reads.
        input_shape = session.get_inputs()[0].shape
        assert input_shape[1] == N_TIMESTEPS
        return
    for steps in (1, 12):
        longer = np.concatenate([X[:9]] * 2, axis=1)[:, :steps]
        _check_matches(model, session, _padded(longer))


def test_file_is_self_contained(exported):
    _, _, _, path = exported
    assert [p.name for p in path.parent.iterdir()] == ["model.onnx"]
    graph = onnx.load(str(path)).graph
    assert [i.name for i in graph.input] == ["X"]
    assert [o.name for o in graph.output] == ["y"]


def test_export_leaves_the_model_unchanged_and_passes_the_opset(tmp_path):
    X, y = _data()
    model = LSTMRegressor(hidden_size=3, max_epochs=1, random_state=0).fit(X, y)
    before = model.predict(X)
    module = model.net_.module_
    module.train()
    state = {k: v.clone() for k, v in module.state_dict().items()}
    path = export_onnx(model, tmp_path / "model.onnx", opset=18)
    assert module.training
    assert all(torch.equal(state[k], v) for k, v in module.state_dict().items())
    np.testing.assert_array_equal(model.predict(X), before)
    assert {o.domain: o.version for o in onnx.load(str(path)).opset_import}[""] == 18
    session = onnxruntime.InferenceSession(str(path))
    _check_matches(model, session, _padded(X[:9]))


def test_refuses_a_pipeline(tmp_path):
    X, y = _data(input_2d=True)
    pipe = make_pipeline(SlidingWindowTransformer(window_length=3), LSTMRegressor())
    with pytest.raises(TypeError, match=r"not a Pipeline.*pipeline\[-1\]"):
        export_onnx(pipe, tmp_path / "model.onnx")
    assert not (tmp_path / "model.onnx").exists()


def test_refuses_other_objects_and_unfitted_models(tmp_path):
    with pytest.raises(TypeError, match="exports a fitted LSTMRegressor, got dict"):
        export_onnx({}, tmp_path / "model.onnx")
    with pytest.raises(NotFittedError):
        export_onnx(LSTMRegressor(), tmp_path / "model.onnx")


def test_refuses_relu_with_3d_input(tmp_path):
    X, y = _data(n_features=2)
    model = LSTMRegressor(hidden_size=3, max_epochs=1, activation="relu")
    model.fit(X, y)
    with pytest.raises(NotImplementedError, match="activation='relu'.*2-D input"):
        export_onnx(model, tmp_path / "model.onnx")


@pytest.mark.parametrize(
    "params, message",
    [
        (dict(n_ensemble=2), "n_ensemble=2 .several networks averaged"),
        (dict(loss="quantile"), "loss='quantile' .several quantiles"),
    ],
)
def test_refuses_ensembles_and_quantile_models(tmp_path, params, message):
    X, y = _data(n_features=1)
    model = LSTMRegressor(hidden_size=3, max_epochs=1, **params).fit(X, y)
    with pytest.raises(NotImplementedError, match=message):
        export_onnx(model, tmp_path / "model.onnx")
    assert not (tmp_path / "model.onnx").exists()


def _lstm_3d(linear_path=False, n_features=2, **params):
    X, y = _data(n_features=n_features)
    model = LSTMRegressor(hidden_size=3, max_epochs=1, random_state=0, **params)
    return model.set_params(linear_path=linear_path).fit(X, y), X


def test_a_second_export_keeps_the_timesteps_dynamic(tmp_path):
    # torch's exporter left a stale dispatch entry for aten.lstm after an
    # export, and the next one fixed the timesteps at the sample's (3)
    # while reporting success; a plain nn.LSTM showed the same.
    model, X = _lstm_3d()
    for name in ("first.onnx", "second.onnx"):
        path = export_onnx(model, tmp_path / name)
        dims = onnx.load(str(path)).graph.input[0].type.tensor_type.shape.dim
        assert [d.dim_param or d.dim_value for d in dims][:2] == [
            "batch",
            "n_timesteps",
        ], name
        session = onnxruntime.InferenceSession(str(path))
        longer = np.concatenate([X[:5]] * 2, axis=1).astype(np.float32)
        _check_matches(model, session, longer)


def test_a_graph_with_fixed_timesteps_is_refused(tmp_path):
    # Should the exporter fix a dimension meant to stay free, export_onnx
    # says so instead of writing a graph that refuses other lengths.
    from sklstm.io import _export

    model, X = _lstm_3d()
    wrapper = _export._export_module_class()(model).eval()
    with _export._quiet_exporter():
        program = torch.onnx.export(
            wrapper,
            (torch.zeros(2, 3, 2),),
            dynamo=True,
            dynamic_shapes={"x": {0: torch.export.Dim("batch")}},
        )
    wanted = {0: torch.export.Dim("batch"), 1: torch.export.Dim("n_timesteps")}
    with pytest.raises(RuntimeError, match=r"fixed n_timesteps at 3.*fresh process"):
        _export._check_dynamic_input(program, wanted)


@pytest.mark.parametrize("target_mode", ["level", "delta"])
@pytest.mark.parametrize("level", [1e6, 1e7])
def test_float64_input_keeps_the_precision_far_from_zero(tmp_path, level, target_mode):
    # float32 holds about 7 digits: a series near 1e7 moving by about 1 per
    # step loses its steps in the input (errors of 0.05-0.5 y_scale_ seen).
    rng = np.random.default_rng(0)
    X = level + rng.normal(size=(80, N_TIMESTEPS, 1)).cumsum(axis=1)
    y = X[:, -1, 0] + 0.5 * (X[:, -1, 0] - X[:, -2, 0])
    model = LSTMRegressor(
        hidden_size=5, max_epochs=3, random_state=0, target_mode=target_mode
    ).fit(X, y)
    path = export_onnx(model, tmp_path / "model.onnx", input_dtype="float64")
    session = onnxruntime.InferenceSession(str(path))
    assert session.get_inputs()[0].type == "tensor(double)"
    _check_matches(model, session, _padded(X[:14], dtype=np.float64))
    if target_mode == "level":
        # The training range says float32 input cannot serve this model.
        with pytest.warns(UserWarning, match=r"input_dtype='float64'"):
            export_onnx(model, tmp_path / "float32.onnx")


def test_float32_export_of_an_ordinary_range_does_not_warn(tmp_path):
    model, _ = _lstm_3d(linear_path=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        export_onnx(model, tmp_path / "model.onnx")


def test_refuses_an_unknown_input_dtype(tmp_path):
    model, _ = _lstm_3d()
    with pytest.raises(ValueError, match="input_dtype must be 'float32' or 'float64'"):
        export_onnx(model, tmp_path / "model.onnx", input_dtype="float16")


@pytest.mark.parametrize(
    "config",
    [
        "lstm-1layer-1d-delta-3d",
        "gru-1layer-1d-level-2dinput",
        "lstm-bidirectional-2layers-level-3d-nolinear",
    ],
)
def test_an_empty_batch_gives_an_empty_prediction(tmp_path, config):
    # onnxruntime aborted the whole process (std::terminate) on a batch of
    # zero rows; run in a child process so that a regression fails, not
    # kills, the test run.
    spec = CONFIGS[config]
    X, y = _data(
        spec.get("n_features", 1), spec.get("n_outputs", 1), spec.get("input_2d", False)
    )
    model = LSTMRegressor(hidden_size=3, max_epochs=1, random_state=0)
    model.set_params(**spec["params"]).fit(X, y)
    path = export_onnx(model, tmp_path / "model.onnx")
    empty = X[:0].astype(np.float32)
    np.save(tmp_path / "empty.npy", empty)
    code = (
        "import sys, numpy as np, onnxruntime\n"
        "session = onnxruntime.InferenceSession(sys.argv[1])\n"
        "(y,) = session.run(None, {'X': np.load(sys.argv[2])})\n"
        "print(y.shape, y.dtype)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path), str(tmp_path / "empty.npy")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    expected = _predict_quietly(model, X[:1]).shape[1:]
    assert done.stdout.strip() == f"{(0, *expected)} float64"


def test_a_bytes_path_exports(tmp_path):
    model, X = _lstm_3d()
    path = export_onnx(model, os.fsencode(tmp_path / "model.onnx"))
    assert path == tmp_path / "model.onnx"
    _check_matches(
        model, onnxruntime.InferenceSession(str(path)), X[:4].astype(np.float32)
    )
