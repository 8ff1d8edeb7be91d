"""Model files of SeriesForecaster and of the allowed sklearn classes."""

import os

import _model_files
import numpy as np
import pandas as pd
import pytest
from _model_files import TINY, _manifest, _rewrite, _round_trip
from sklearn.base import is_regressor
from sklearn.compose import TransformedTargetRegressor
from sklearn.linear_model import LinearRegression, Ridge
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import (
    FunctionTransformer,
    MaxAbsScaler,
    MinMaxScaler,
    RobustScaler,
    StandardScaler,
)

from sklstm import (
    LSTMRegressor,
    SeriesForecaster,
    SlidingWindowTransformer,
    frame_supervised,
)
from sklstm.io._foreign import FITTED_STATE
from sklstm.io._persistence import load_model, save_model

seq3 = _model_files.seq3


@pytest.fixture(scope="module")
def airline():
    """A multiplicative monthly series like the airline passengers."""
    months = np.arange(72.0)
    values = 100 * np.exp(0.01 * months) * (1 + 0.1 * np.sin(months * np.pi / 6))
    index = pd.date_range("1949-01-01", periods=72, freq="MS")
    return pd.Series(values, index=index, name="passengers")


def test_the_readme_airline_recipe_round_trips_bit_identically(tmp_path, airline):
    """FunctionTransformer(np.log) + TransformedTargetRegressor around a Pipeline
    (examples/airline_forecast.py)."""
    X, y = frame_supervised(airline)
    lstm = make_pipeline(
        FunctionTransformer(np.log),
        SlidingWindowTransformer(window_length=13),
        LSTMRegressor(**TINY, cell="gru"),
    )
    model = TransformedTargetRegressor(lstm, func=np.log, inverse_func=np.exp)
    model.fit(X.iloc[:60], y.iloc[:60])
    loaded = _round_trip(model, tmp_path)
    assert type(loaded) is TransformedTargetRegressor
    assert loaded.func is np.log and loaded.inverse_func is np.exp
    assert loaded.regressor_[0].func is np.log
    # The template stays unfitted; the fitted copy predicts.
    assert not hasattr(loaded.regressor[-1], "net_")
    for rows in (slice(60, None), slice(0, 60)):
        expected = model.predict(X.iloc[rows])
        assert np.array_equal(loaded.predict(X.iloc[rows]), expected)


def _forecast_inputs(series):
    values = series.to_numpy()
    return {
        "datetime": series,
        "numpy": values,
        "period": pd.Series(values, index=pd.period_range("2000-01", periods=72)),
        "range": pd.Series(values, index=pd.RangeIndex(10, 82)),
        "covariates": pd.DataFrame(
            {"y": values, "x": np.cos(np.arange(72.0))}, index=series.index
        ),
    }


@pytest.mark.parametrize("strategy", ["direct", "recursive"])
@pytest.mark.parametrize("kind", ["datetime", "numpy", "period", "range", "covariates"])
def test_series_forecaster_round_trip(kind, strategy, tmp_path, airline):
    data = _forecast_inputs(airline)[kind]
    forecaster = SeriesForecaster(
        LSTMRegressor(**TINY),
        window_length=4,
        horizon=3,
        strategy=strategy,
        conformal_fraction=0.3 if strategy == "direct" else 0.0,
        target="y" if kind == "covariates" else None,
    ).fit(data[:60])
    loaded = _round_trip(forecaster, tmp_path)
    assert repr(loaded) == repr(forecaster)
    if not (kind == "covariates" and strategy == "recursive"):
        # (predict of that pair needs covariates beyond the data: NaN steps)
        test = data[60:]
        assert np.array_equal(loaded.predict(test), forecaster.predict(test))
    kwargs = {}
    if kind == "covariates" and strategy == "recursive":
        kwargs["future_covariates"] = np.zeros((3, 1))
    if strategy == "direct":
        kwargs["coverage"] = 0.5
    expected = forecaster.forecast(**kwargs)
    got = loaded.forecast(**kwargs)
    pd.testing.assert_frame_equal(
        got.to_frame() if got.ndim == 1 else got,
        expected.to_frame() if expected.ndim == 1 else expected,
    )
    assert type(got.index) is type(expected.index)


def test_forecaster_with_inconsistent_horizon_is_refused(tmp_path, airline):
    forecaster = SeriesForecaster(LSTMRegressor(**TINY), window_length=4, horizon=3)
    path = tmp_path / "fc.sklstm"
    save_model(forecaster.fit(airline), path)
    _rewrite(path, manifest=lambda m: m["estimator"]["params"].update(horizon=5))
    with pytest.raises(ValueError, match="estimator_ has 3 outputs"):
        load_model(path)


def _v2_frame():
    """The monthly sales and price of the v2_forecaster_* files (tests/data)."""
    months = np.arange(72.0)
    sales = 100 * np.exp(0.01 * months) * (1 + 0.1 * np.sin(months * np.pi / 6))
    index = pd.date_range("2015-01-01", periods=72, freq="MS")
    return pd.DataFrame({"sales": sales, "price": np.cos(months)}, index=index)


@pytest.mark.parametrize("name", ["single", "panel"])
def test_forecaster_files_saved_before_one_data_path_still_forecast(name):
    """Files written before the single series became a panel of one (see
    tests/data/README.md): deseasonalize and intervals, covariates and a panel."""
    data = os.path.join(os.path.dirname(os.path.dirname(__file__)), "data")
    model = load_model(os.path.join(data, f"v2_forecaster_{name}.sklstm"))
    expected = np.load(os.path.join(data, f"v2_forecaster_{name}_expected.npy"))
    table = model.forecast(coverage=0.5)
    assert list(table.columns) == ["sales", "lower", "upper"]
    if name == "single":
        assert model.deseasonalize_ == "multiplicative"
        assert table.index.equals(pd.date_range("2020-01-01", periods=3, freq="MS"))
        assert table.index.freq == "MS"
    else:
        assert list(model.series_ids_) == ["a", "b"]
        assert table.index.names == ["store", "month"]
        assert list(table.index) == [
            ("a", pd.Timestamp("2018-05-01")),
            ("a", pd.Timestamp("2018-06-01")),
            ("b", pd.Timestamp("2019-03-01")),
            ("b", pd.Timestamp("2019-04-01")),
        ]
    # As for the v1 files: the weights load bit for bit, numpy's per-CPU
    # SIMD kernels may move the float64 unscaling in the last bits.
    np.testing.assert_allclose(table.to_numpy(), expected, rtol=1e-9, atol=0)
    frame = _v2_frame()
    history = frame["sales"][:60] if name == "single" else None
    if history is not None:
        np.testing.assert_allclose(
            model.forecast(history, coverage=0.5).to_numpy(), expected, rtol=1e-9
        )


SCALERS = {
    "standard": StandardScaler(),
    "standard-no-mean-std": StandardScaler(with_mean=False, with_std=False),
    "minmax": MinMaxScaler(feature_range=(-1, 2), clip=True),
    "maxabs": MaxAbsScaler(),
    "robust": RobustScaler(quantile_range=(10.0, 90.0)),
    "robust-no-centering": RobustScaler(with_centering=False),
    "function": FunctionTransformer(np.log1p, np.expm1, validate=True),
}


@pytest.mark.parametrize("name", SCALERS, ids=list(SCALERS))
def test_sklearn_transformers_round_trip(name, tmp_path):
    rng = np.random.default_rng(1)
    X = pd.DataFrame(rng.uniform(1, 5, size=(12, 3)), columns=["a", "b", "c"])
    original = SCALERS[name].fit(X)
    loaded = _round_trip(original, tmp_path)
    assert type(loaded) is type(original)
    assert loaded.get_params() == original.get_params()
    for field in FITTED_STATE[type(original)]:
        if hasattr(original, field.name):
            a, b = getattr(original, field.name), getattr(loaded, field.name)
            assert type(a) is type(b), field.name
            assert np.array_equal(a, b), field.name
    assert np.array_equal(loaded.transform(X), original.transform(X))
    if hasattr(original, "get_feature_names_out"):
        assert list(loaded.get_feature_names_out()) == list(
            original.get_feature_names_out()
        )


@pytest.mark.parametrize("cls", FITTED_STATE, ids=lambda c: c.__name__)
def test_foreign_table_covers_every_fitted_attribute(cls, seq3):
    """The table in sklstm.io._foreign lists what this sklearn's fit creates."""
    X = pd.DataFrame(np.abs(seq3[0][:, 0, :]) + 1, columns=["a", "b"])
    if cls is TransformedTargetRegressor:
        est = cls(StandardScaler(), func=np.log, inverse_func=np.exp)
        est.regressor = make_pipeline(FunctionTransformer(), LSTMRegressor(**TINY))
        est.fit(X.to_numpy()[:, :, None], seq3[1] ** 2 + 1)
    elif is_regressor(cls()):
        est = cls().fit(X, seq3[1])
    else:
        est = cls().fit(X)
    fitted = {k for k in vars(est) if k.endswith("_") and not k.startswith("__")}
    fitted |= {"_training_dim"} & set(vars(est))
    declared = {f.name for f in FITTED_STATE[cls]}
    assert fitted <= declared, fitted - declared
    assert {f.name for f in FITTED_STATE[cls] if not f.optional} <= fitted


@pytest.mark.parametrize(
    ("func", "message"),
    [
        (lambda x: x, "a function is code"),
        (np.sin, "np.sin: only the numpy functions"),
        (np.add, "np.add: only the numpy functions"),
    ],
    ids=["lambda", "np.sin", "np.add"],
)
def test_functions_outside_the_allow_list_are_refused(func, message, tmp_path):
    transformer = FunctionTransformer(func).fit(np.ones((3, 1)))
    with pytest.raises(ValueError, match=message):
        save_model(transformer, tmp_path / "f.sklstm")
    assert not (tmp_path / "f.sklstm").exists()


def test_function_keyword_arguments_are_refused(tmp_path):
    transformer = FunctionTransformer(np.log, kw_args={"out": None}).fit(
        np.ones((3, 1))
    )
    with pytest.raises(ValueError, match="kw_args"):
        save_model(transformer, tmp_path / "f.sklstm")


def test_a_zero_scale_of_a_scaler_is_refused(tmp_path):
    from _model_files import _members, _sha256

    scaler = StandardScaler().fit(np.arange(6.0).reshape(3, 2))
    path = tmp_path / "s.sklstm"
    save_model(scaler, path)
    name = _manifest(path)["estimator"]["attributes"]["scale_"]["member"]
    payload = bytearray(_members(path)[name])
    payload[-8:] = np.zeros(1).tobytes()

    def fix(manifest):
        manifest["members"][name] = {"sha256": _sha256(payload), "size": len(payload)}

    _rewrite(path, replace={name: bytes(payload)}, manifest=fix)
    with pytest.raises(ValueError, match=r"scale_ holds values <= 0"):
        load_model(path)


def test_a_nested_estimator_must_be_able_to_do_its_part(tmp_path, seq3):
    X, y, _ = seq3
    model = TransformedTargetRegressor(
        LSTMRegressor(**TINY), func=np.log1p, inverse_func=np.expm1
    ).fit(X, np.abs(y))
    path = tmp_path / "t.sklstm"
    save_model(model, path)

    def swap(manifest):
        attributes = manifest["estimator"]["attributes"]
        attributes["transformer_"] = attributes["regressor_"]

    _rewrite(path, manifest=swap)
    with pytest.raises(ValueError, match="transformer_.*no inverse_transform"):
        load_model(path)


@pytest.mark.parametrize("cls", [Ridge, LinearRegression])
@pytest.mark.parametrize("outputs", [1, 3])
def test_linear_regressors_round_trip(cls, outputs, tmp_path):
    rng = np.random.default_rng(2)
    X = pd.DataFrame(rng.normal(size=(20, 3)), columns=["a", "b", "c"])
    y = rng.normal(size=(20, outputs)) if outputs > 1 else rng.normal(size=20)
    original = cls().fit(X, y)
    loaded = _round_trip(original, tmp_path)
    assert type(loaded) is cls and loaded.get_params() == original.get_params()
    assert np.array_equal(loaded.predict(X), original.predict(X))
    assert list(loaded.feature_names_in_) == ["a", "b", "c"]


def test_linear_coefficients_of_the_wrong_shape_are_refused(tmp_path):
    path = tmp_path / "ridge.sklstm"
    save_model(Ridge().fit(np.ones((4, 2)) + np.eye(4, 2), np.arange(4.0)), path)
    _rewrite(
        path, manifest=lambda m: m["estimator"]["attributes"].update(n_features_in_=3)
    )
    with pytest.raises(ValueError, match="coef_ does not hold one float per feature"):
        load_model(path)


def test_a_forecaster_of_flattened_windows_round_trips(tmp_path, airline):
    forecaster = SeriesForecaster(
        LinearRegression(), window_length=12, horizon=3, conformal_fraction=0.3
    ).fit(airline)
    loaded = _round_trip(forecaster, tmp_path)
    assert [type(s).__name__ for s in loaded.estimator_] == [
        "FlattenWindows",
        "LinearRegression",
    ]
    pd.testing.assert_frame_equal(
        loaded.forecast(coverage=0.8), forecaster.forecast(coverage=0.8)
    )
