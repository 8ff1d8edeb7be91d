"""Model files: round trips of sklstm's estimators and refusals at save time."""

import gc
import json
import os
import pickle
import subprocess
import sys
import textwrap
import warnings

import _model_files
import joblib
import numpy as np
import pandas as pd
import pytest
import torch
from _model_files import (
    TINY,
    _assert_same_regressor,
    _manifest,
    _members,
    _round_trip,
    _sha256,
)
from sklearn.ensemble import HistGradientBoostingRegressor
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

import sklstm
from sklstm import LSTMRegressor, SlidingWindowTransformer, frame_supervised
from sklstm._state import Fitted
from sklstm.io import _codec as codec
from sklstm.io._persistence import load_model, save_model

seq3, univariate = _model_files.seq3, _model_files.univariate
monthly, saved_regressor = _model_files.monthly, _model_files.saved_regressor

# ------------------------------------------------------- LSTMRegressor


REGRESSOR_CASES = {
    "3d-1d-y": dict(y="1d"),
    "3d-2d-y": dict(y="2d"),
    "delta": dict(data="univariate", target_mode="delta"),
    "level": dict(data="univariate", target_mode="level"),
    "gru-bidirectional": dict(
        cell="gru", bidirectional=True, num_layers=2, dropout=0.1, head_size=3
    ),
    "early-stopping-plateau": dict(
        early_stopping=True, lr_schedule="plateau", max_epochs=4, y="2d"
    ),
    "torch-optim-class-no-scale": dict(optimizer=torch.optim.RMSprop, scale=False),
    "random-state-instance": dict(random_state=np.random.RandomState(1)),
}


@pytest.mark.parametrize("case", REGRESSOR_CASES, ids=list(REGRESSOR_CASES))
def test_regressor_round_trip_predicts_identically(case, tmp_path, seq3, univariate):
    options = dict(REGRESSOR_CASES[case])
    which_y = options.pop("y", "1d")
    if options.pop("data", None) == "univariate":
        X, y = univariate
    else:
        X, y1, y2 = seq3
        y = y2 if which_y == "2d" else y1
    model = LSTMRegressor(**{**TINY, **options}).fit(X, y)
    loaded = _round_trip(model, tmp_path)
    _assert_same_regressor(model, loaded)
    expected = model.predict(X)
    got = loaded.predict(X)
    assert got.shape == expected.shape
    assert got.dtype == expected.dtype
    # The weights are read bit for bit; numpy picks its SIMD kernels per CPU,
    # and the float64 unscaling after the network differs in the last bits
    # between the CPU that wrote the files and an AMX Xeon (up to 4e-10
    # relative, far below float32 rounding).
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=0)


def test_regressor_2d_dataframe_input_keeps_feature_names(tmp_path, seq3):
    X, y, _ = seq3
    frame = pd.DataFrame(X[:, :, 0], columns=[f"lag{i}" for i in range(4)])
    model = LSTMRegressor(**TINY).fit(frame, y)
    loaded = _round_trip(model, tmp_path)
    _assert_same_regressor(model, loaded)
    assert loaded._n_input_dims == 2
    assert list(loaded.feature_names_in_) == ["lag0", "lag1", "lag2", "lag3"]
    assert np.array_equal(loaded.predict(frame), model.predict(frame))
    with pytest.raises(ValueError, match="feature names"):
        loaded.predict(frame.rename(columns={"lag0": "other"}))
    with pytest.raises(ValueError, match="fitted on 2-D input"):
        # 2-D fitted models still refuse 3-D input after loading.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # no feature names
            loaded.predict(X)


def test_fitted_state_declaration_covers_every_attribute(seq3, univariate):
    """Every attribute fit creates is declared in _fitted_state (and so saved),
    or is derived from it (the predict path, the target encoder)."""
    X, y, y2 = seq3
    declared = {f.name for f in LSTMRegressor._fitted_state}
    derived = {"_predictor", "_target_encoder"}
    fits = [
        LSTMRegressor(**TINY).fit(X, y),
        LSTMRegressor(**TINY, early_stopping=True, lr_schedule="cosine").fit(X, y2),
        LSTMRegressor(**TINY).fit(pd.DataFrame(X[:, :, 0]).add_prefix("c"), y),
        LSTMRegressor(**TINY).partial_fit(*univariate),
    ]
    for model in fits:
        fitted = set(vars(model)) - set(model.get_params(deep=False))
        # Optional attributes exist only for some data or settings.
        absent = {
            f.name
            for f in LSTMRegressor._fitted_state
            if f.optional and not hasattr(model, f.name)
        }
        assert absent <= {"feature_names_in_", "_reference_steps"}
        assert fitted == (declared | derived) - absent, sorted(fitted ^ declared)
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0]})
    panel = frame.set_index(pd.MultiIndex.from_tuples([("s", 0), ("s", 1), ("t", 0)]))
    declared = {f.name for f in SlidingWindowTransformer._fitted_state}
    # The per-series state exists only after fitting a (series id, time) panel.
    panel_only = {"series_ids_", "series_history_", "series_next_time_"}
    panel_only.add("series_time_like_")
    for data, expected in ((frame, declared - panel_only), (panel, declared)):
        window = SlidingWindowTransformer(window_length=2).fit(data)
        fitted = set(vars(window)) - set(window.get_params(deep=False))
        assert fitted == expected


def test_a_newly_declared_attribute_is_saved_without_codec_changes(
    tmp_path, seq3, monkeypatch
):
    """Adding a fitted attribute is one row in the declaration."""
    X, y, _ = seq3
    model = LSTMRegressor(**TINY).fit(X, y)
    monkeypatch.setattr(
        LSTMRegressor,
        "_fitted_state",
        LSTMRegressor._fitted_state + (Fitted("extra_curve_", "floats"),),
    )
    model.extra_curve_ = [1.5, float("nan")]
    loaded = _round_trip(model, tmp_path)
    assert loaded.extra_curve_[0] == 1.5 and np.isnan(loaded.extra_curve_[1])
    del model.extra_curve_
    with pytest.raises(NotFittedError):
        save_model(model, tmp_path / "again.sklstm")


@pytest.mark.parametrize("name", ["pipeline", "regressor"])
def test_format_version_1_files_still_load_to_the_same_predictions(name):
    """Files written by sklstm before the .npy members (tests/data/README.md)."""
    data = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
    model = load_model(os.path.join(data, f"v1_{name}.sklstm"))
    expected = np.load(os.path.join(data, f"v1_{name}_expected.npy"))
    if name == "pipeline":
        index = pd.date_range("2020-01-01", periods=40, freq="MS")
        series = pd.Series(
            np.linspace(10.0, 50.0, 40) + np.sin(np.arange(40.0)),
            index=index,
            name="sales",
        )
        X, _ = frame_supervised(series)
        got = model.predict(X[30:])
        assert model["lstmregressor"].best_epoch_ >= 1
    else:
        X = pd.DataFrame(
            np.load(os.path.join(data, "v1_regressor_X.npy")),
            columns=["a", "b", "c", "d"],
        )
        got = model.predict(X)
        assert model.optimizer is torch.optim.SGD
    assert got.dtype == expected.dtype
    # The weights are read bit for bit; numpy picks its SIMD kernels per CPU,
    # and the float64 unscaling after the network differs in the last bits
    # between the CPU that wrote the files and an AMX Xeon (up to 4e-10
    # relative, far below float32 rounding).
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=0)


@pytest.mark.parametrize("method", ["fit", "partial_fit"])
def test_loaded_regressor_continues_training_exactly(method, tmp_path, seq3):
    """Optimizer state, seed and epoch count come back: continuing after a
    save/load gives the same weights as continuing without one."""
    X, y, _ = seq3
    original = LSTMRegressor(**TINY, warm_start=True, lr_schedule="cosine").fit(X, y)
    loaded = _round_trip(original, tmp_path)
    getattr(original, method)(X, y)
    getattr(loaded, method)(X, y)
    expected_epochs = 4 if method == "fit" else 3
    assert loaded.n_iter_ == original.n_iter_ == expected_epochs
    assert loaded.loss_curve_ == original.loss_curve_
    assert len(loaded.loss_curve_) == expected_epochs
    assert np.array_equal(loaded.predict(X), original.predict(X))


def test_loaded_regressor_refits_from_scratch(tmp_path, seq3):
    X, y, _ = seq3
    model = LSTMRegressor(**TINY).fit(X[:20], y[:20])
    loaded = _round_trip(model, tmp_path)
    loaded.fit(X, y)  # warm_start=False: a fresh fit on new data
    fresh = LSTMRegressor(**TINY).fit(X, y)
    assert loaded.n_iter_ == 2
    assert np.array_equal(loaded.predict(X), fresh.predict(X))


def test_random_state_instance_is_noted_in_manifest(tmp_path, seq3):
    X, y, _ = seq3
    model = LSTMRegressor(**{**TINY, "random_state": np.random.RandomState(0)})
    model.fit(X, y)
    path = tmp_path / "model.sklstm"
    save_model(model, path)
    manifest = _manifest(path)
    assert manifest["estimator"]["params"]["random_state"] is None
    assert any("random_state" in note for note in manifest["notes"])
    loaded = load_model(path)
    assert loaded.random_state is None
    assert loaded._seed_ == model._seed_
    assert np.array_equal(loaded.predict(X), model.predict(X))


def test_non_finite_values_survive_the_round_trip(tmp_path, seq3):
    X, y, _ = seq3
    model = LSTMRegressor(**TINY).fit(X, y)
    model.validation_scores_ = [float("nan"), float("-inf"), 0.5]
    loaded = _round_trip(model, tmp_path)
    assert np.isnan(loaded.validation_scores_[0])
    assert loaded.validation_scores_[1:] == [float("-inf"), 0.5]
    # Non-finite parameters are tagged, so they never read as strings.
    encoded = codec.encode_param(float("inf"), "tol", "LSTMRegressor", [], "e")
    assert codec.decode_param(encoded, "tol") == float("inf")
    assert codec.decode_param("inf", "x") == "inf"


def test_loading_leaves_global_torch_rng_untouched(saved_regressor):
    _, path = saved_regressor
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    load_model(path)
    assert torch.equal(torch.rand(3), expected)


def test_manifest_contents(saved_regressor):
    model, path = saved_regressor
    members = _members(path)
    manifest = json.loads(members["manifest.json"])  # strict JSON
    assert manifest["format"] == "sklstm"
    assert manifest["format_version"] == 2
    assert manifest["sklstm_version"] == sklstm.__version__
    assert manifest["estimator_classes"] == ["LSTMRegressor"]
    assert manifest["estimator"]["params"]["hidden_size"] == 4
    assert manifest["estimator"]["attributes"]["loss_curve_"] == model.loss_curve_
    assert set(manifest["members"]) == set(members) - {"manifest.json"}
    for name, entry in manifest["members"].items():
        assert entry["sha256"] == _sha256(members[name])
        assert entry["size"] == len(members[name])


def test_loaded_file_needs_nothing_but_itself(tmp_path):
    """The file alone reproduces the predictions: model and data are gone."""
    rng = np.random.default_rng(5)
    X, y = rng.normal(size=(20, 3, 2)), rng.normal(size=20)
    model = LSTMRegressor(**TINY).fit(X, y)
    X_new = rng.normal(size=(6, 3, 2))
    expected = model.predict(X_new)
    path = tmp_path / "model.sklstm"
    save_model(model, path)
    del model, X, y
    gc.collect()
    assert np.array_equal(load_model(path).predict(X_new), expected)


@pytest.mark.slow
def test_loaded_file_works_in_a_fresh_process(saved_regressor, seq3):
    """A fresh process with only the file predicts identically; importing the
    persistence module does not import torch."""
    model, path = saved_regressor
    X = seq3[0]
    np.save(path.parent / "X.npy", X)
    script = textwrap.dedent(
        f"""
        import sys
        import numpy as np
        import sklstm.io._persistence as persistence
        assert "torch" not in sys.modules
        model = persistence.load_model({str(path)!r})
        np.save({str(path.parent / "pred.npy")!r},
                model.predict(np.load({str(path.parent / "X.npy")!r})))
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    assert np.array_equal(np.load(path.parent / "pred.npy"), model.predict(X))


# -------------------------------------------- SlidingWindowTransformer


def _window_inputs():
    values = np.arange(1.0, 13.0)
    return {
        "numpy": values,
        "range-index": pd.Series(values),
        "int64-index": pd.Series(values, index=pd.Index(np.arange(100, 112))),
        "datetime-index": pd.Series(
            values, index=pd.date_range("2021-01-01", periods=12, freq="D")
        ),
        "tz-datetime-index": pd.Series(
            values,
            index=pd.date_range("2021-03-20", periods=12, freq="h", tz="Europe/Paris"),
        ),
        "period-index": pd.Series(
            values, index=pd.period_range("2020-01", periods=12, freq="M")
        ),
        "weekly-period-index": pd.Series(
            values, index=pd.period_range("2020-01-06", periods=12, freq="W")
        ),
        "dataframe": pd.DataFrame(
            {"a": values, "b": -values.astype(np.float32)},
            index=pd.date_range("2021-01-01", periods=12, freq="MS"),
        ),
        "float32": values.astype(np.float32),
    }


WINDOW_INPUTS = _window_inputs()


@pytest.mark.parametrize("kind", WINDOW_INPUTS, ids=list(WINDOW_INPUTS))
def test_window_transformer_round_trip(kind, tmp_path):
    data = WINDOW_INPUTS[kind]
    train, test = data[:8], data[8:]
    original = SlidingWindowTransformer(window_length=3, padding="zero").fit(train)
    loaded = _round_trip(original, tmp_path)
    assert type(loaded) is SlidingWindowTransformer
    assert loaded.get_params() == original.get_params()
    assert loaded.n_features_in_ == original.n_features_in_
    assert np.array_equal(loaded.history_, original.history_)
    assert loaded.history_.dtype == original.history_.dtype
    assert type(loaded.next_index_) is type(original.next_index_)
    assert loaded.next_index_ == original.next_index_
    if original.next_index_ is not None:
        assert str(loaded.next_index_) == str(original.next_index_)
    if hasattr(original, "feature_names_in_"):
        assert list(loaded.feature_names_in_) == list(original.feature_names_in_)
    else:
        assert not hasattr(loaded, "feature_names_in_")
    assert np.array_equal(loaded.transform(test), original.transform(test))
    assert np.array_equal(loaded.transform(train), original.transform(train))


def test_window_transformer_datetime_continuation_after_load(tmp_path, monthly):
    train, test = monthly[:30], monthly[30:]
    original = SlidingWindowTransformer(window_length=4).fit(train)
    loaded = _round_trip(original, tmp_path)
    assert loaded.next_index_ == pd.Timestamp("2022-07-01") == test.index[0]
    windows = loaded.transform(test)
    # The first test window continues the training data: no NaN padding.
    assert not np.isnan(windows[0]).any()
    assert np.array_equal(windows[0, :, 0], monthly.iloc[27:31].to_numpy())
    assert np.array_equal(windows, original.transform(test))


def test_window_transformer_unsupported_next_index_is_refused(tmp_path):
    window = SlidingWindowTransformer(window_length=2).fit(np.arange(3.0))
    window.next_index_ = 1.5
    with pytest.raises(ValueError, match="next_index_"):
        save_model(window, tmp_path / "w.sklstm")


# ------------------------------------------------------------ Pipeline


def test_pipeline_round_trip(tmp_path, monthly):
    X, y = frame_supervised(monthly)
    train, test = slice(0, 28), slice(28, None)
    pipe = Pipeline(
        [
            ("windows", SlidingWindowTransformer(window_length=3)),
            ("rnn", LSTMRegressor(**TINY, cell="gru")),
        ]
    ).fit(X[train], y[train])
    path = tmp_path / "pipe.sklstm"
    save_model(pipe, path)
    assert _manifest(path)["estimator_classes"] == [
        "Pipeline",
        "SlidingWindowTransformer",
        "LSTMRegressor",
    ]
    loaded = load_model(path)
    assert type(loaded) is Pipeline
    assert list(loaded.named_steps) == ["windows", "rnn"]
    assert loaded.get_params(deep=False)["verbose"] is False
    assert loaded["windows"].next_index_ == X.index[28]
    _assert_same_regressor(pipe["rnn"], loaded["rnn"])
    assert np.array_equal(loaded.predict(X[test]), pipe.predict(X[test]))
    assert np.array_equal(loaded.predict(X[train]), pipe.predict(X[train]))


def test_pipeline_of_windows_only(tmp_path, monthly):
    pipe = Pipeline([("w", SlidingWindowTransformer(window_length=2))]).fit(monthly)
    loaded = _round_trip(pipe, tmp_path)
    assert np.array_equal(
        loaded.transform(monthly), pipe.transform(monthly), equal_nan=True
    )


def test_pipeline_with_two_regressors_keeps_weights_apart(tmp_path, seq3):
    """Each regressor gets its own members (weights are not shared by name)."""
    X, y, _ = seq3
    pipe = Pipeline(
        [
            ("a", SlidingWindowTransformer(window_length=2)),
            ("b", LSTMRegressor(**TINY)),
        ]
    ).fit(X[:, :, 0], y)
    other = Pipeline(
        [
            ("a", SlidingWindowTransformer(window_length=2)),
            ("b", LSTMRegressor(**{**TINY, "hidden_size": 6})),
        ]
    ).fit(X[:, :, 0], y)
    for name, model in (("one", pipe), ("two", other)):
        loaded = _round_trip(model, tmp_path, f"{name}.sklstm")
        assert np.array_equal(loaded.predict(X[:, :, 0]), model.predict(X[:, :, 0]))


# ------------------------------------------------------ pickle, joblib


def test_pickle_and_joblib_round_trips_are_identical(tmp_path, seq3):
    X, y, _ = seq3
    model = LSTMRegressor(**TINY).fit(X, y)
    expected = model.predict(X)
    assert np.array_equal(pickle.loads(pickle.dumps(model)).predict(X), expected)
    joblib.dump(model, tmp_path / "model.joblib")
    assert np.array_equal(joblib.load(tmp_path / "model.joblib").predict(X), expected)
    # A model read from the safe format pickles too.
    loaded = _round_trip(model, tmp_path)
    assert np.array_equal(pickle.loads(pickle.dumps(loaded)).predict(X), expected)


# --------------------------------------------------------- save errors


@pytest.mark.parametrize(
    "estimator",
    [
        HistGradientBoostingRegressor(),
        "not an estimator",
        Pipeline(
            [("hgb", HistGradientBoostingRegressor()), ("scale", StandardScaler())]
        ),
        sklstm.SeriesForecaster(HistGradientBoostingRegressor()),
    ],
    ids=["boosting", "str", "pipeline-with-boosting", "series-forecaster-of-boosting"],
)
def test_unsupported_estimators_are_refused(estimator, tmp_path):
    with pytest.raises(TypeError, match="LSTMRegressor.*SlidingWindowTransformer"):
        save_model(estimator, tmp_path / "x.sklstm")
    assert not (tmp_path / "x.sklstm").exists()


def test_subclasses_are_refused(tmp_path, seq3):
    class MyRegressor(LSTMRegressor):
        pass

    X, y, _ = seq3
    with pytest.raises(TypeError, match="supports"):
        save_model(MyRegressor(**TINY).fit(X, y), tmp_path / "x.sklstm")


@pytest.mark.parametrize(
    "estimator",
    [
        LSTMRegressor(),
        SlidingWindowTransformer(),
        Pipeline([("w", SlidingWindowTransformer()), ("r", LSTMRegressor())]),
        StandardScaler(),
        sklstm.SeriesForecaster(),
    ],
    ids=["regressor", "transformer", "pipeline", "scaler", "series-forecaster"],
)
def test_unfitted_estimators_are_refused(estimator, tmp_path):
    with pytest.raises(NotFittedError):
        save_model(estimator, tmp_path / "x.sklstm")
    assert not (tmp_path / "x.sklstm").exists()


def test_callbacks_are_refused(tmp_path, seq3):
    from skorch.callbacks import Callback

    X, y, _ = seq3
    model = LSTMRegressor(**TINY, callbacks=[Callback()]).fit(X, y)
    with pytest.raises(ValueError, match="callbacks.*pickle"):
        save_model(model, tmp_path / "x.sklstm")
    model.set_params(callbacks=None)
    assert np.array_equal(_round_trip(model, tmp_path).predict(X), model.predict(X))


def test_optimizer_outside_torch_optim_is_refused(tmp_path, seq3):
    class MyAdam(torch.optim.Adam):
        pass

    X, y, _ = seq3
    model = LSTMRegressor(**TINY, optimizer=MyAdam).fit(X, y)
    with pytest.raises(ValueError, match="string optimizer"):
        save_model(model, tmp_path / "x.sklstm")


def test_failed_save_keeps_the_existing_file(tmp_path, saved_regressor, seq3):
    _, path = saved_regressor
    before = path.read_bytes()
    with pytest.raises(NotFittedError):
        save_model(LSTMRegressor(), path)
    assert path.read_bytes() == before
    assert os.listdir(path.parent) == [path.name]
