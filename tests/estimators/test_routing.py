"""sample_weight through sklearn's meta-estimators, with metadata routing on and off.

skorch hands fit parameters to sklearn's router, so no internal hint may
travel as one (the module receives them as attributes instead).
"""

import numpy as np
import pytest
import sklearn
from _settings import tiny
from sklearn.model_selection import GridSearchCV, KFold, cross_validate
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer

from sklstm import LSTMRegressor

RNG = np.random.default_rng(0)
X = RNG.normal(size=(24, 4, 2))
Y = X[:, :, 0].sum(axis=1)
W = RNG.uniform(0.1, 3.0, size=len(X))
PARAMS = tiny(max_epochs=3)


def lstm(routing):
    """The estimator, asking for sample_weight in fit (not in score) if routing."""
    model = LSTMRegressor(**PARAMS)
    if not routing:
        return model
    return model.set_fit_request(sample_weight=True).set_score_request(
        sample_weight=False
    )


@pytest.fixture(params=[False, True], ids=["routing-off", "routing-on"])
def routing(request):
    with sklearn.config_context(enable_metadata_routing=request.param):
        yield request.param


def test_fit_with_routing_enabled_passes_no_internal_fit_parameter(routing):
    padded = X.copy()
    padded[:3, :2] = np.nan  # the hint the module used to receive as one
    model = LSTMRegressor(**PARAMS).fit(padded, Y)
    assert model.n_iter_ == 3


def test_pipeline_routes_sample_weight(routing):
    pipe = Pipeline([("identity", FunctionTransformer()), ("lstm", lstm(routing))])
    if routing:
        pipe.fit(X, Y, sample_weight=W)
    else:
        pipe.fit(X, Y, lstm__sample_weight=W)
    reference = LSTMRegressor(**PARAMS).fit(X, Y, sample_weight=W)
    unweighted = LSTMRegressor(**PARAMS).fit(X, Y)
    np.testing.assert_array_equal(pipe.predict(X), reference.predict(X))
    assert not np.array_equal(pipe.predict(X), unweighted.predict(X))


def test_cross_validate_routes_sample_weight(routing):
    cv = KFold(3)
    scores = cross_validate(lstm(routing), X, Y, cv=cv, params={"sample_weight": W})
    expected = [
        LSTMRegressor(**PARAMS)
        .fit(X[train], Y[train], sample_weight=W[train])
        .score(X[test], Y[test])
        for train, test in cv.split(X)
    ]
    np.testing.assert_array_equal(scores["test_score"], expected)


def test_grid_search_routes_sample_weight(routing):
    search = GridSearchCV(lstm(routing), {"hidden_size": [3, 4]}, cv=KFold(2))
    search.fit(X, Y, sample_weight=W)
    best = LSTMRegressor(**{**PARAMS, **search.best_params_})
    np.testing.assert_array_equal(
        search.predict(X), best.fit(X, Y, sample_weight=W).predict(X)
    )
