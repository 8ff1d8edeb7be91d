"""Per-window scaling (``window_scaling="mean"``): one global model over series
of different scale, scale equivariance, the unchanged default, persistence."""

import warnings

import numpy as np
import pytest
from _settings import TINY, tiny
from sklearn.exceptions import ConvergenceWarning

from sklstm import LSTMRegressor, frame_windows, load_model, save_model
from sklstm.windows._window_scaling import (
    WindowScaler,
    input_reference,
    mean_abs_scales,
    scale_targets,
)

WINDOW = 16


def _two_scale_panel():
    """One sine at level 10 (amplitude 1), one at 10,000 (amplitude 1,000)."""
    rng = np.random.default_rng(0)
    t = np.arange(300)
    series = [
        10 + np.sin(2 * np.pi * t / 16) + 0.05 * rng.normal(size=300),
        10000 + 1000 * np.sin(2 * np.pi * t / 16 + 1.0) + 50 * rng.normal(size=300),
    ]
    parts = [frame_windows(s, window_length=WINDOW) for s in series]
    cuts = [int(0.8 * len(X)) for X, _ in parts]
    X = np.concatenate([X[:c] for (X, _), c in zip(parts, cuts, strict=True)])
    y = np.concatenate([y[:c] for (_, y), c in zip(parts, cuts, strict=True)])
    return series, parts, cuts, X, y


def _fit(X, y, **params):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # few epochs by design
        return LSTMRegressor(**params).fit(X, y)


def _relative_mse(model, series, parts, cuts):
    """Held-out MSE of each series divided by that series' variance."""
    return [
        float(np.mean((model.predict(X[c:]) - y[c:]) ** 2) / np.var(s))
        for s, (X, y), c in zip(series, parts, cuts, strict=True)
    ]


def test_global_fit_over_two_scales_beats_global_standardisation():
    series, parts, cuts, X, y = _two_scale_panel()
    params = dict(hidden_size=16, max_epochs=20, random_state=0)
    plain = _relative_mse(_fit(X, y, **params), series, parts, cuts)
    scaled = _relative_mse(
        _fit(X, y, window_scaling="mean", **params), series, parts, cuts
    )
    # The small series is the one a global standardisation neglects.
    assert scaled[0] < 0.5 * plain[0]
    assert np.mean(scaled) < 0.5 * np.mean(plain)
    assert max(scaled) < 0.05


@pytest.mark.parametrize(
    "params",
    [
        dict(target_mode="level"),
        dict(target_mode="delta"),
        dict(target_mode="delta", seasonal_period=4, linear_path=False),
    ],
    ids=["level", "delta", "delta-seasonal-recurrent"],
)
def test_predictions_scale_with_the_data(params):
    rng = np.random.default_rng(1)
    s = 50 + np.cumsum(rng.normal(size=120))
    X, y = frame_windows(s, window_length=8)
    y2 = np.column_stack([y, y + rng.normal(size=len(y))])
    small = _fit(X, y2, window_scaling="mean", **tiny(**params))
    large = _fit(1000 * X, 1000 * y2, window_scaling="mean", **tiny(**params))
    np.testing.assert_allclose(
        large.predict(1000 * X[-10:]), 1000 * small.predict(X[-10:]), rtol=1e-4
    )
    assert float(large._window_scale_floor) == pytest.approx(
        1000 * float(small._window_scale_floor)
    )


def test_default_keeps_the_old_path():
    rng = np.random.default_rng(2)
    X, y = frame_windows(np.cumsum(rng.normal(size=80)), window_length=6)
    model = _fit(X, y, target_mode="delta", **TINY)
    assert model._window_scale_floor is None
    # The delta-mode reference feature, exactly as before window scaling.
    assert model._input_reference() == 0
    assert model._predictor.targets.window_scaler is None
    target = np.ones((3, 1))
    assert scale_targets(target, X[:3], model._input_reference()) is target


def test_all_zero_windows_are_safe():
    rng = np.random.default_rng(3)
    s = np.concatenate([np.zeros(30), 5 + rng.normal(size=60)])
    X, y = frame_windows(s, window_length=6)
    model = _fit(X, y, window_scaling="mean", **TINY)
    floor = float(model._window_scale_floor)
    assert 0 < floor < 0.01
    pred = model.predict(X[:5])  # windows of zeros only
    assert np.isfinite(pred).all()


def test_covariates_keep_their_units():
    X3 = np.array([[[10.0, 1.0], [30.0, 0.0]]])
    out = WindowScaler(0, 1e-3, relative=False).windows(X3)
    np.testing.assert_array_equal(out[0, :, 0], [0.5, 1.5])
    np.testing.assert_array_equal(out[0, :, 1], X3[0, :, 1])


def test_padding_is_left_out_of_the_scale():
    X3 = np.array([[[np.nan], [2.0], [4.0]]])
    np.testing.assert_array_equal(mean_abs_scales(X3, 0), [3.0])
    assert input_reference(None, np.float64(0.1), 0).scales(X3)[0, 0] == 3.0


def test_save_load_round_trip(tmp_path):
    rng = np.random.default_rng(4)
    X, y = frame_windows(100 + np.cumsum(rng.normal(size=80)), window_length=6)
    model = _fit(X, y, window_scaling="mean", **TINY)
    save_model(model, tmp_path / "model.sklstm")
    loaded = load_model(tmp_path / "model.sklstm")
    assert loaded.window_scaling == "mean"
    assert loaded._window_scale_floor == model._window_scale_floor
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))


def test_warm_start_cannot_change_window_scaling():
    rng = np.random.default_rng(5)
    X, y = frame_windows(np.cumsum(rng.normal(size=60)), window_length=6)
    model = _fit(X, y, window_scaling="mean", **tiny(warm_start=True))
    model.set_params(window_scaling=None)
    with pytest.raises(ValueError, match="cannot change window_scaling"):
        model.fit(X, y)


def test_export_refuses_window_scaling(tmp_path):
    from sklstm import export_onnx

    rng = np.random.default_rng(6)
    X, y = frame_windows(np.cumsum(rng.normal(size=60)), window_length=6)
    model = _fit(X, y, window_scaling="mean", **TINY)
    with pytest.raises(NotImplementedError, match="window_scaling=None"):
        export_onnx(model, tmp_path / "model.onnx")
