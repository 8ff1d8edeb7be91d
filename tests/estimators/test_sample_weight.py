"""Sample weights: only their ratios matter, and weights that say nothing are refused.

A weight's scale is arbitrary (counts, probabilities, inverse variances): a
constant factor, however large or small, must give the same model, and
weights that cannot weigh anything (every used sample at zero) are refused
with a message, not trained on.
"""

import numpy as np
import pytest
from _settings import tiny

from sklstm import LSTMClassifier, LSTMRegressor

RNG = np.random.default_rng(0)
X = RNG.normal(size=(40, 4, 2))
Y = X[:, :, 0].sum(axis=1)
LABELS = np.where(Y > 0, "up", "down")
PARAMS = tiny(max_epochs=3)
# From below float32's smallest number to near float64's largest.
SCALES = [1e-300, 1e-46, 1e-15, 1e-5, 3.0, 1e50, 1e300]


def predictions(model, X):
    if isinstance(model, LSTMClassifier):
        return model.predict_proba(X)
    return model.predict(X)


@pytest.fixture(scope="module", params=["regressor", "classifier"])
def problem(request):
    if request.param == "regressor":
        return LSTMRegressor, Y
    return LSTMClassifier, LABELS


@pytest.mark.parametrize("scale", SCALES)
def test_uniform_weights_of_any_scale_give_the_same_model(problem, scale):
    estimator, y = problem
    ones = estimator(**PARAMS).fit(X, y, sample_weight=np.ones(len(X)))
    scaled = estimator(**PARAMS).fit(X, y, sample_weight=np.full(len(X), scale))
    np.testing.assert_array_equal(predictions(scaled, X), predictions(ones, X))


@pytest.mark.parametrize("scale", [1e-30, 1e30])
def test_the_scale_of_uneven_weights_does_not_matter(problem, scale):
    estimator, y = problem
    weights = RNG.uniform(0.1, 10.0, size=len(X))
    weights[::7] = 0.0  # zero weights stay zero
    plain = estimator(**PARAMS).fit(X, y, sample_weight=weights)
    scaled = estimator(**PARAMS).fit(X, y, sample_weight=weights * scale)
    # Equal up to the rounding of weights * scale / scale.
    np.testing.assert_allclose(
        predictions(scaled, X), predictions(plain, X), rtol=1e-4, atol=1e-6
    )


def test_weights_only_on_skipped_samples_are_refused():
    # Every sample with enough observed steps weighs zero: nothing to learn.
    X_missing = X.copy()
    X_missing[:10, :3] = np.nan  # one observed step: skipped below
    weights = np.zeros(len(X))
    weights[:10] = 1.0
    model = LSTMRegressor(**tiny(min_observed_steps=2, max_epochs=1))
    with pytest.raises(ValueError, match="sample_weight is 0 for every sample"):
        model.fit(X_missing, Y, sample_weight=weights)
    assert not hasattr(model, "net_")
