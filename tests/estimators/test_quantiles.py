"""loss="quantile": pinball loss, non-crossing quantiles, predict_quantiles."""

import warnings

import numpy as np
import pytest
import torch
from _settings import tiny
from sklearn.exceptions import ConvergenceWarning

from sklstm import LSTMRegressor, frame_windows, load_model, save_model
from sklstm.nn._module import monotone_quantiles
from sklstm.nn._quantile_levels import anchor_index, check_quantiles
from sklstm.nn._training import WeightedLoss


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _noisy(n=400, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return np.sin(t / 5.0) * 3 + rng.normal(size=n)


def test_pinball_loss_equals_a_hand_computation():
    levels = (0.1, 0.5, 0.9)
    y_pred = torch.tensor([[0.0, 1.0, 2.0], [-1.0, 0.0, 3.0]])
    y_true = torch.tensor([[1.5], [-2.0]])
    expected = np.mean(
        [
            [0.1 * 1.5, 0.5 * 0.5, (0.9 - 1) * -0.5],
            [(0.1 - 1) * -1.0, (0.5 - 1) * -2.0, (0.9 - 1) * -5.0],
        ]
    )
    loss = WeightedLoss("quantile", quantiles=levels, anchor=1)
    assert float(loss(y_pred, y_true)) == pytest.approx(expected)
    weighted = loss(y_pred, (y_true, torch.tensor([1.0, 0.0])))
    assert float(weighted) == pytest.approx(np.mean([0.15, 0.25, 0.05]))


def test_quantiles_never_cross_on_random_inputs():
    generator = torch.Generator().manual_seed(0)
    z = torch.randn(200, 2 * 5, generator=generator) * 20
    for anchor in range(5):
        q = monotone_quantiles(z, 5, anchor).unflatten(-1, (2, 5))
        assert (q.diff(dim=-1) >= 0).all()
        torch.testing.assert_close(q[..., anchor], z.unflatten(-1, (2, 5))[..., anchor])


def test_fitted_model_quantiles_never_cross_on_random_windows():
    X, y = frame_windows(_noisy(100), window_length=5)
    model = LSTMRegressor(**tiny(loss="quantile", quantiles=[0.05, 0.3, 0.7]))
    model.fit(X, y)
    rng = np.random.default_rng(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # far inputs extrapolate
        q = model.predict_quantiles(rng.normal(scale=30, size=(300, 5, 1)))
    assert (np.diff(q, axis=1) >= 0).all()


def test_coverage_of_the_outer_quantiles_is_about_80_percent():
    X, y = frame_windows(_noisy(), window_length=10)
    model = LSTMRegressor(
        loss="quantile", hidden_size=8, max_epochs=30, random_state=0
    ).fit(X[:300], y[:300])
    q = model.predict_quantiles(X[300:])
    inside = np.mean((y[300:] >= q[:, 0]) & (y[300:] <= q[:, 2]))
    below_median = np.mean(y[300:] <= q[:, 1])
    assert 0.65 <= inside <= 0.92
    assert 0.35 <= below_median <= 0.65


def test_shapes_and_predict_is_the_median():
    X, y = frame_windows(_noisy(60), window_length=4)
    model = LSTMRegressor(**tiny(loss="quantile")).fit(X, y)
    q = model.predict_quantiles(X)
    assert q.shape == (len(X), 3)
    np.testing.assert_allclose(model.predict(X), q[:, 1], rtol=1e-12)
    Y = np.column_stack([y, -y])
    model = LSTMRegressor(**tiny(loss="quantile", quantiles=(0.25, 0.75))).fit(X, Y)
    q = model.predict_quantiles(X)
    assert q.shape == (len(X), 2, 2) and model.predict(X).shape == (len(X), 2)
    np.testing.assert_allclose(model.predict(X), q[:, :, 0], rtol=1e-12)


@pytest.mark.parametrize("target_mode", ["delta", "level"])
def test_predict_is_the_median_with_window_scaling(target_mode):
    series = 50.0 + np.arange(80.0) + _noisy(80)
    X, y = frame_windows(series, window_length=4)
    params = tiny(loss="quantile", window_scaling="mean", target_mode=target_mode)
    model = LSTMRegressor(**params).fit(X, y)
    np.testing.assert_allclose(model.predict(X), model.predict_quantiles(X)[:, 1])
    # Scale-equivariant like predict: ten times the windows, ten times the levels.
    np.testing.assert_allclose(
        model.predict_quantiles(10.0 * X), 10.0 * model.predict_quantiles(X), rtol=1e-5
    )


def test_delta_mode_adds_the_reference_to_every_quantile():
    X, y = frame_windows(np.arange(80.0) + _noisy(80) * 0.1, window_length=4)
    model = LSTMRegressor(**tiny(loss="quantile", target_mode="delta")).fit(X, y)
    q, shifted = model.predict_quantiles(X), model.predict_quantiles(X + 100.0)
    np.testing.assert_allclose(shifted - q, 100.0, atol=1e-6)


def test_linear_path_starts_at_ridge_plus_residual_quantiles():
    X, y = frame_windows(_noisy(200), window_length=6)
    model = LSTMRegressor(
        **tiny(loss="quantile", max_epochs=1, lr=1e-12, hidden_size=2)
    ).fit(X, y)
    q = model.predict_quantiles(X)
    # A ridge start with constant residual quantiles already covers ~80%.
    inside = np.mean((y >= q[:, 0]) & (y <= q[:, 2]))
    assert 0.7 <= inside <= 0.9


def test_save_load_keeps_quantile_predictions(tmp_path):
    X, y = frame_windows(_noisy(60), window_length=4)
    model = LSTMRegressor(**tiny(loss="quantile", n_ensemble=2)).fit(X, y)
    save_model(model, tmp_path / "q.sklstm")
    loaded = load_model(tmp_path / "q.sklstm")
    assert loaded.quantiles == (0.1, 0.5, 0.9)
    assert np.array_equal(loaded.predict_quantiles(X), model.predict_quantiles(X))


def test_early_stopping_scores_the_median():
    X, y = frame_windows(_noisy(100), window_length=4)
    model = LSTMRegressor(**tiny(loss="quantile", early_stopping=True)).fit(X, y)
    assert len(model.validation_scores_) == model.n_iter_


@pytest.mark.parametrize(
    "quantiles, message",
    [
        ((), "non-empty tuple of floats strictly between 0 and 1"),
        ((0.0, 0.5), "strictly between 0 and 1"),
        ((0.5, 1.0), "strictly between 0 and 1"),
        (("a",), "strictly between 0 and 1"),
        ((0.9, 0.1), "sorted in increasing order without repeats"),
        ((0.5, 0.5), "sorted in increasing order without repeats"),
    ],
)
def test_bad_quantiles(quantiles, message):
    with pytest.raises(ValueError, match=message):
        check_quantiles(quantiles)
    X, y = frame_windows(_noisy(30), window_length=3)
    with pytest.raises(ValueError, match=message):
        LSTMRegressor(**tiny(loss="quantile", quantiles=quantiles)).fit(X, y)


def test_quantiles_must_be_a_tuple_or_list():
    X, y = frame_windows(_noisy(30), window_length=3)
    with pytest.raises(ValueError, match="quantiles"):
        LSTMRegressor(**tiny(quantiles=0.5)).fit(X, y)


def test_predict_quantiles_needs_a_quantile_model():
    X, y = frame_windows(_noisy(30), window_length=3)
    model = LSTMRegressor(**tiny()).fit(X, y)
    with pytest.raises(ValueError, match="fitted with loss='quantile'"):
        model.predict_quantiles(X)


def test_anchor_is_the_level_closest_to_one_half():
    assert anchor_index((0.1, 0.5, 0.9)) == 1
    assert anchor_index((0.05, 0.4, 0.7)) == 1
    assert anchor_index((0.2, 0.8)) == 0
