"""n_ensemble: several networks in one module, each trained on its own loss."""

import warnings

import numpy as np
import pytest
import torch
from _settings import tiny
from sklearn.exceptions import ConvergenceWarning

from sklstm import LSTMRegressor, frame_windows, load_model, save_model
from sklstm.nn._ensemble import EnsembleModule, member_seeds
from sklstm.nn._module import SequenceRegressorModule

# Predictions of LSTMRegressor(hidden_size=5, max_epochs=4, random_state=3)
# on _series() windows, computed with the code before n_ensemble existed
# (n_ensemble=1 must keep that path). Bit-identical on the machine that
# computed them; the tolerance allows other CPUs' kernels.
SNAPSHOT = [11.135667687890852, 12.889346172744675, 12.294834694369184]


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        yield


def _series():
    rng = np.random.default_rng(0)
    t = np.arange(120)
    return np.sin(t / 4.0) * 10 + rng.normal(size=120) + t * 0.1


def _data():
    return frame_windows(_series(), window_length=6)


def test_one_member_is_the_plain_module_with_the_old_predictions():
    X, y = _data()
    model = LSTMRegressor(hidden_size=5, max_epochs=4, random_state=3).fit(X, y)
    assert type(model.net_.module_) is SequenceRegressorModule
    np.testing.assert_allclose(model.predict(X[:3]), SNAPSHOT, rtol=1e-6)


def test_members_are_seeded_apart_and_reproducibly():
    assert member_seeds(5, 4) == member_seeds(5, 4)
    assert member_seeds(5, 4)[0] == 5 and len(set(member_seeds(5, 4))) == 4
    X, y = _data()
    a = LSTMRegressor(**tiny(n_ensemble=3, dropout=0.2)).fit(X, y)
    b = LSTMRegressor(**tiny(n_ensemble=3, dropout=0.2)).fit(X, y)
    assert isinstance(a.net_.module_, EnsembleModule)
    assert np.array_equal(a.predict(X), b.predict(X))
    rnn = [m.rnn.weight_hh_l0 for m in a.net_.module_.members]
    assert not torch.equal(rnn[0], rnn[1])


def test_each_member_trains_as_it_would_alone():
    # Same seed, same batches, the gradient of its own loss: the first
    # member ends where a single network ends.
    X, y = _data()
    params = dict(hidden_size=4, max_epochs=3, random_state=1, n_iter_no_change=50)
    alone = LSTMRegressor(**params).fit(X, y)
    ensemble = LSTMRegressor(**params, n_ensemble=3).fit(X, y)
    first = ensemble.net_.module_.members[0].state_dict()
    for name, value in alone.net_.module_.state_dict().items():
        torch.testing.assert_close(first[name], value, rtol=1e-5, atol=1e-6)


def test_predict_averages_the_members():
    X, y = _data()
    params = tiny(n_ensemble=3, linear_path=False, target_mode="level")
    model = LSTMRegressor(**params).fit(X, y)
    module = model.net_.module_.eval()
    scaled = torch.from_numpy(((X - model.x_mean_) / model.x_scale_).astype("f4"))
    with torch.no_grad():
        each = torch.stack([m(scaled) for m in module.members]).mean(0)
    expected = each.numpy()[:, 0] * model.y_scale_[0] + model.y_mean_[0]
    np.testing.assert_allclose(model.predict(X), expected, rtol=1e-5)


def test_one_window_predicts_as_in_a_block():
    # A window small enough for the one-window path (Predictor.predict_small).
    X, y = _data()
    model = LSTMRegressor(**tiny(n_ensemble=2)).fit(X, y)
    block = model.predict(X[-8:])
    one = np.array([model.predict(X[i : i + 1])[0] for i in range(len(X) - 8, len(X))])
    np.testing.assert_allclose(one, block, rtol=1e-6)


def test_members_share_the_ridge_start_of_the_linear_path():
    X, y = _data()
    model = LSTMRegressor(**tiny(n_ensemble=2, max_epochs=1, lr=1e-12)).fit(X, y)
    first, second = (m.linear.weight for m in model.net_.module_.members)
    torch.testing.assert_close(first, second)


def test_save_load_round_trip(tmp_path):
    X, y = _data()
    model = LSTMRegressor(**tiny(n_ensemble=2)).fit(X, y)
    save_model(model, tmp_path / "m.sklstm")
    loaded = load_model(tmp_path / "m.sklstm")
    assert loaded.n_ensemble == 2
    assert np.array_equal(loaded.predict(X), model.predict(X))


def test_warm_start_refuses_a_new_n_ensemble():
    X, y = _data()
    model = LSTMRegressor(**tiny(n_ensemble=2, warm_start=True)).fit(X, y)
    model.set_params(n_ensemble=3)
    with pytest.raises(ValueError, match="cannot change n_ensemble"):
        model.fit(X, y)
    model.set_params(n_ensemble=2).fit(X, y)  # continues
    assert model.n_iter_ == 4


@pytest.mark.parametrize("value", [0, -1, 1.5])
def test_bad_n_ensemble(value):
    X, y = _data()
    with pytest.raises(ValueError, match="n_ensemble"):
        LSTMRegressor(**tiny(n_ensemble=value)).fit(X, y)


def test_training_output_has_a_member_axis():
    module = EnsembleModule(3, init_seed=0, input_size=1, output_size=2)
    x = torch.randn(5, 4, 1)
    assert module.train()(x).shape == (5, 3, 2)
    assert module.eval()(x).shape == (5, 2)
    module.generator = torch.Generator()
    assert all(m.generator is module.generator for m in module.members)
