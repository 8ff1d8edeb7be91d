"""LSTMClassifier: labels, probabilities, weights, early stopping, persistence."""

import numpy as np
import pandas as pd
import pytest
from _settings import TINY, tiny

from sklstm import LSTMClassifier, load_model, pad_sequences, save_model
from sklstm.nn._class_training import StratifiedSplit, WeightedLogLoss
from sklstm.nn._training import SequenceDataset


def walks(n=48, steps=8, seed=0):
    """Random walks; the class is whether a walk ends above its start."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, steps)).cumsum(axis=1)
    return X, X[:, -1] > X[:, 0]


@pytest.fixture(scope="module")
def binary():
    X, up = walks()
    return X, np.where(up, "up", "down")


@pytest.fixture(scope="module")
def three_classes():
    """3-D input, 2 features; the class is the sign pattern of the last step."""
    rng = np.random.default_rng(1)
    X = rng.normal(size=(60, 5, 2))
    last = X[:, -1]
    y = np.where(last[:, 0] > 0.5, 2, np.where(last[:, 0] < -0.5, 0, 1))
    return X, y


@pytest.fixture(scope="module")
def fitted_binary(binary):
    X, y = binary
    return LSTMClassifier(**tiny(hidden_size=8, max_epochs=20)).fit(X, y)


def test_learns_a_binary_task(fitted_binary, binary):
    X, y = binary
    assert fitted_binary.score(X, y) > 0.8
    assert fitted_binary.loss_curve_[-1] < fitted_binary.loss_curve_[0]


def test_binary_outputs_follow_sklearn(fitted_binary, binary):
    X, _ = binary
    model = fitted_binary
    assert model.classes_.tolist() == ["down", "up"]
    assert (model.n_classes_, model.n_outputs_) == (2, 1)
    proba = model.predict_proba(X)
    assert proba.dtype == np.float64 and proba.shape == (len(X), 2)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    scores = model.decision_function(X)
    assert scores.shape == (len(X),)
    # The margin is the log-odds of classes_[1]: its sign is the prediction.
    np.testing.assert_array_equal(model.predict(X), np.where(scores > 0, "up", "down"))
    np.testing.assert_allclose(np.log(proba[:, 1] / proba[:, 0]), scores, atol=1e-9)
    np.testing.assert_allclose(model.predict_log_proba(X), np.log(proba), atol=1e-12)


def test_multiclass_3d_input(three_classes):
    X, y = three_classes
    # The class is in the last step alone: the last state reads it directly.
    last = dict(pooling="last", conv_channels=0)
    model = LSTMClassifier(**tiny(hidden_size=8, max_epochs=30, **last)).fit(X, y)
    assert model.classes_.tolist() == [0, 1, 2]
    assert (model.n_classes_, model.n_outputs_, model.n_features_in_) == (3, 3, 2)
    proba = model.predict_proba(X)
    assert proba.shape == (60, 3)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-15)
    logits = model.decision_function(X)
    assert logits.shape == (60, 3)
    np.testing.assert_array_equal(model.predict(X), logits.argmax(axis=1))
    np.testing.assert_array_equal(proba.argmax(axis=1), logits.argmax(axis=1))
    assert model.score(X, y) > 0.7


@pytest.mark.parametrize(
    "labels",
    [
        np.array([False, True]),
        np.array([-1, 7]),
        np.array(["no", "yes"], dtype=object),
        pd.Series(["no", "yes"], dtype="category"),
    ],
    ids=["bool", "int", "object-str", "categorical"],
)
def test_label_types_come_back_as_given(binary, labels):
    X, y = binary
    labels = np.asarray(labels)
    y_typed = labels[(y == "up").astype(int)]
    model = LSTMClassifier(**TINY).fit(X, y_typed)
    np.testing.assert_array_equal(model.classes_, labels)
    assert model.predict(X).dtype == labels.dtype
    assert set(model.predict(X)) <= set(labels)


def test_same_seed_same_probabilities(binary):
    X, y = binary
    first = LSTMClassifier(**TINY).fit(X, y).predict_proba(X)
    second = LSTMClassifier(**TINY).fit(X, y).predict_proba(X)
    other = LSTMClassifier(**tiny(random_state=1)).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, other)


def test_balanced_class_weight_is_a_sample_weight(binary):
    X, y = binary
    y = y.copy()
    y[:12] = "down"  # unbalanced
    counts = {c: (y == c).sum() for c in ("down", "up")}
    weights = np.array([len(y) / (2 * counts[c]) for c in y])
    balanced = LSTMClassifier(**tiny(class_weight="balanced")).fit(X, y)
    weighted = LSTMClassifier(**TINY).fit(X, y, sample_weight=weights)
    np.testing.assert_array_equal(balanced.predict_proba(X), weighted.predict_proba(X))
    plain = LSTMClassifier(**TINY).fit(X, y)
    assert not np.array_equal(plain.predict_proba(X), balanced.predict_proba(X))


def test_class_weight_and_sample_weight_multiply(binary):
    X, y = binary
    sample_weight = np.linspace(0.5, 2.0, len(y))
    both = LSTMClassifier(**tiny(class_weight={"down": 1.0, "up": 3.0})).fit(
        X, y, sample_weight=sample_weight
    )
    product = sample_weight * np.where(y == "up", 3.0, 1.0)
    alone = LSTMClassifier(**TINY).fit(X, y, sample_weight=product)
    np.testing.assert_array_equal(both.predict_proba(X), alone.predict_proba(X))


def test_heavy_class_weight_pulls_probabilities(binary):
    X, y = binary
    params = tiny(hidden_size=8, max_epochs=10)
    up_heavy = LSTMClassifier(**params, class_weight={"down": 1, "up": 20}).fit(X, y)
    down_heavy = LSTMClassifier(**params, class_weight={"down": 20, "up": 1}).fit(X, y)
    assert (
        up_heavy.predict_proba(X)[:, 1].mean()
        > down_heavy.predict_proba(X)[:, 1].mean() + 0.2
    )


def test_log_loss_matches_sklearn():
    from sklearn.metrics import log_loss

    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(6, 3))
    codes = np.array([0, 1, 2, 2, 1, 0])
    weights = rng.uniform(0.5, 2, 6)
    loss = WeightedLogLoss()(
        torch.tensor(logits), (torch.tensor(np.eye(3)[codes]), torch.tensor(weights))
    )
    proba = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    expected = log_loss(codes, proba, sample_weight=weights)
    assert float(loss) == pytest.approx(expected, rel=1e-12)
    binary = WeightedLogLoss()(
        torch.tensor(logits[:, :1]), torch.tensor((codes[:, None] > 0) * 1.0)
    )
    p1 = 1 / (1 + np.exp(-logits[:, 0]))
    expected = log_loss(codes > 0, np.column_stack([1 - p1, p1]))
    assert float(binary) == pytest.approx(expected, rel=1e-12)


def test_stratified_split_keeps_class_shares():
    codes = np.array([0] * 30 + [1] * 10)
    dataset = SequenceDataset(
        np.zeros((40, 2, 1)), np.zeros(1), np.ones(1), y=codes[:, None] * 1.0
    )
    train, valid = StratifiedSplit(0.25, seed=0)(dataset)
    assert len(valid) == 10 and len(train) == 30
    # A quarter of each class, rounded one way or the other: 7.5 and 2.5.
    assert codes[valid.rows].sum() in (2, 3)
    assert set(train.rows) | set(valid.rows) == set(range(40))
    again = StratifiedSplit(0.25, seed=0)(dataset)[1]
    np.testing.assert_array_equal(valid.rows, again.rows)


def test_early_stopping_records_validation_accuracy(three_classes):
    X, y = three_classes
    model = LSTMClassifier(
        **tiny(max_epochs=6, early_stopping=True, validation_fraction=0.25)
    ).fit(X, y)
    assert len(model.validation_scores_) == model.n_iter_
    assert all(0 <= s <= 1 for s in model.validation_scores_)
    # 15 validation samples: each score is a multiple of 1/15.
    assert all(abs(s * 15 - round(s * 15)) < 1e-9 for s in model.validation_scores_)
    assert len(model.validation_loss_curve_) == model.n_iter_
    assert 1 <= model.best_epoch_ <= model.n_iter_


def test_variable_length_sequences(binary):
    X, y = binary
    rng = np.random.default_rng(0)
    ragged = [row[rng.integers(0, 5) :] for row in X]
    X_padded = pad_sequences(ragged)
    assert X_padded.shape == (len(X), 8, 1)
    model = LSTMClassifier(**TINY).fit(X_padded, y)
    # Test sequences may be padded to another length: the recurrence reads
    # the observed steps only.
    shorter = pad_sequences([row[-3:] for row in X])
    longer = np.concatenate([np.full((len(X), 2, 1), np.nan), X_padded], axis=1)
    assert model.predict(shorter).shape == (len(X),)
    np.testing.assert_allclose(
        model.predict_proba(longer), model.predict_proba(X_padded), atol=1e-6
    )


def test_warm_start_and_partial_fit_continue(binary):
    X, y = binary
    model = LSTMClassifier(**tiny(warm_start=True)).fit(X, y)
    model.fit(X, y)
    assert model.n_iter_ == 4
    partial = LSTMClassifier(**TINY)
    partial.partial_fit(X, y, classes=["down", "up"])
    partial.partial_fit(X[:10], y[:10])
    assert partial.n_iter_ == 2
    assert partial.classes_.tolist() == ["down", "up"]


def test_partial_fit_classes_beyond_the_first_batch(binary):
    X, y = binary
    model = LSTMClassifier(**TINY).partial_fit(X, y, classes=["down", "side", "up"])
    assert model.n_outputs_ == 3
    assert model.predict_proba(X).shape == (len(X), 3)


@pytest.mark.parametrize(
    "labels",
    [
        np.array(["down", "up"]),
        np.array(["down", "up"], dtype=object),
        np.array([3, 9]),
        np.array([False, True]),
    ],
    ids=["str", "object", "int", "bool"],
)
def test_save_load_round_trip(tmp_path, binary, labels):
    X, y = binary
    y_typed = labels[(y == "up").astype(int)]
    model = LSTMClassifier(**tiny(class_weight="balanced")).fit(X, y_typed)
    path = tmp_path / "clf.sklstm"
    save_model(model, path)
    loaded = load_model(path)
    assert type(loaded) is LSTMClassifier
    np.testing.assert_array_equal(loaded.classes_, model.classes_)
    assert loaded.classes_.dtype == model.classes_.dtype
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    np.testing.assert_array_equal(loaded.predict(X), model.predict(X))
    assert loaded.get_params() == model.get_params()


def test_save_load_pipeline(tmp_path, binary):
    from sklearn.pipeline import make_pipeline

    from sklstm import SlidingWindowTransformer

    X, y = binary
    series = X[:, 0]
    labels = y[:-1]
    pipe = make_pipeline(
        SlidingWindowTransformer(window_length=3), LSTMClassifier(**TINY)
    ).fit(series[:-1], labels)
    save_model(pipe, tmp_path / "pipe.sklstm")
    loaded = load_model(tmp_path / "pipe.sklstm")
    np.testing.assert_array_equal(
        loaded.predict_proba(series[:-1]), pipe.predict_proba(series[:-1])
    )


# ---------------------------------------------------------- long sequences


def early_difference(n=60, steps=300, seed=0):
    """Two classes of noisy 300-step series that differ only in steps 10-30."""
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, n)
    X = rng.normal(scale=0.5, size=(n, steps))
    X[:, 10:30] += np.where(y, 1.0, -1.0)[:, None]
    return X, y


def test_defaults_learn_a_difference_early_in_long_sequences():
    X, y = early_difference()
    X_test, y_test = early_difference(seed=1)
    model = LSTMClassifier(random_state=0).fit(X, y)
    assert model.conv_stride_ == 5  # ceil(300 / 64)
    assert model.score(X, y) >= 0.95
    assert model.score(X_test, y_test) >= 0.9


def test_sequence_normalisation_ignores_each_sequences_offset_and_scale(binary):
    X, y = binary
    model = LSTMClassifier(**tiny(normalize="sequence", max_epochs=5)).fit(X, y)
    rng = np.random.default_rng(3)
    moved = X * rng.uniform(0.5, 20, size=(len(X), 1)) + rng.normal(size=(len(X), 1))
    np.testing.assert_allclose(
        model.predict_proba(moved), model.predict_proba(X), rtol=0, atol=1e-5
    )


def test_sequence_normalisation_keeps_padding_and_features():
    from sklstm.windows._sequence_norm import normalize_sequences

    rng = np.random.default_rng(0)
    X = pad_sequences([rng.normal(3, 5, size=(n, 2)) for n in (4, 7, 2)])
    Z = normalize_sequences(X)
    np.testing.assert_array_equal(np.isnan(Z), np.isnan(X))
    np.testing.assert_allclose(np.nanmean(Z, axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(np.nanstd(Z, axis=1), 1, atol=1e-12)
    model = LSTMClassifier(**tiny(normalize="sequence")).fit(X, [0, 1, 0])
    assert model.predict_proba(X).shape == (3, 2)


def test_no_front_end_and_last_state_read_the_steps_themselves(binary):
    X, y = binary
    model = LSTMClassifier(**tiny(conv_channels=0, pooling="last")).fit(X, y)
    assert model.conv_stride_ == 1 and model.net_.module_.conv is None
    fixed = LSTMClassifier(**tiny(conv_stride=3)).fit(X, y)
    assert fixed.net_.module_.conv.stride == (3,)
    assert fixed.net_.module_.conv.kernel_size == (6,)


def test_a_classifier_saved_before_the_front_end_loads_as_it_was():
    from pathlib import Path

    data = Path(__file__).parents[1] / "data"
    model = load_model(data / "v2_classifier.sklstm")
    assert (model.pooling, model.conv_channels, model.normalize) == ("last", 0, None)
    X = np.load(data / "v2_classifier_X.npy")
    expected = np.load(data / "v2_classifier_expected.npy")
    np.testing.assert_allclose(model.predict_proba(X), expected, rtol=1e-9)


# ---------------------------------------------------------- stopping, warning


class _Net:
    """What skorch's stopping callbacks read of a net."""

    verbose = 0
    module_ = None

    def __init__(self):
        from skorch.history import History

        self.history = History()


def _epochs_until_stop(losses, callbacks):
    net = _Net()
    for cb in callbacks:
        cb.initialize()
        cb.on_train_begin(net)
    for epoch, loss in enumerate(losses, 1):
        net.history.new_epoch()
        net.history.record("epoch", epoch)
        net.history.record("train_loss", loss)
        try:
            for cb in callbacks:
                cb.on_epoch_end(net)
        except KeyboardInterrupt:
            return epoch
    return None


def test_one_lucky_epoch_no_longer_ends_a_fit():
    from skorch.callbacks import EarlyStopping

    from sklstm.nn._training import SmoothedLoss

    # One low epoch, then a loss that keeps falling slowly above it.
    losses = [1.0, 0.8, 0.6, 0.1] + list(np.linspace(0.5, 0.2, 30))
    raw = EarlyStopping(
        monitor="train_loss",
        patience=10,
        threshold=1e-4,
        threshold_mode="abs",
        sink=lambda *a, **k: None,
    )
    assert _epochs_until_stop(losses, [raw]) == 14
    smoothed = EarlyStopping(
        monitor=SmoothedLoss.key,
        patience=10,
        threshold=1e-4,
        threshold_mode="abs",
        sink=lambda *a, **k: None,
    )
    assert _epochs_until_stop(losses, [SmoothedLoss(10), smoothed]) is None


def test_the_starting_plateau_does_not_count_towards_patience():
    from sklstm.nn._training import ConvergenceStopping

    losses = [0.693] * 40 + list(np.linspace(0.6, 0.01, 20))
    stopper = ConvergenceStopping(
        monitor="train_loss",
        patience=10,
        threshold=1e-4,
        threshold_mode="abs",
        min_progress=0.1,
        sink=lambda *a, **k: None,
    )
    assert _epochs_until_stop(losses, [stopper]) is None
    assert _epochs_until_stop(losses + [0.01] * 15, [stopper]) == 70


def test_underfit_warns_on_an_unlearnable_set_and_not_on_a_learnable_one(binary):
    from sklearn.exceptions import ConvergenceWarning

    from sklstm import UnderfitWarning

    X, y = binary
    noise = np.random.default_rng(0).permutation(y)
    with pytest.warns(UnderfitWarning, match="on its own training sequences"):
        LSTMClassifier(**tiny(max_epochs=3)).fit(X, noise)
    assert issubclass(UnderfitWarning, ConvergenceWarning)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error", UnderfitWarning)
        LSTMClassifier(hidden_size=8, max_epochs=60, random_state=0).fit(X, y)
