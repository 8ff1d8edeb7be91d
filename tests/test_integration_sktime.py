"""LSTMRegressor inside sktime's reduction (make_reduction) and sktime's checks.

sktime's ``make_reduction(..., strategy="recursive")`` passes the regressor
plain windows ``(n_samples, window_length)``, oldest value first: sklstm's
2-D layout, nothing to detect. The airline series ships inside sktime.
"""

import numpy as np
import pytest
from sktime.datasets import load_airline
from sktime.forecasting.compose import make_reduction
from sktime.utils.estimator_checks import check_estimator

from sklstm import LSTMRegressor

SMALL = dict(hidden_size=4, max_epochs=2, random_state=0)

pytestmark = pytest.mark.filterwarnings("ignore:The default of config:FutureWarning")

# Of sktime 1.2.0's 353 checks on the reduced forecaster only this one fails:
# it asks sktime's own RecursiveTabularRegressionForecaster for a doctest in
# its docstring, which is not sklstm's to give.
NOT_OURS = ["test_class_has_doctest_example"]

# The default subset: the fit/predict contract, parameters, persistence and
# determinism (the full run takes about a minute on 2 cores: marked slow).
SUBSET = [
    "test_fit_does_not_overwrite_hyper_params",
    "test_non_state_changing_method_contract",
    "test_fit_idempotent",
    "test_persistence_via_pickle",
    "test_predict_time_index",
    "test_get_params",
    "test_set_params",
    "test_clone",
]


def _reduced(**params):
    return make_reduction(
        LSTMRegressor(**{**SMALL, **params}), window_length=3, strategy="recursive"
    )


def _failures(results):
    return {name: result for name, result in results.items() if result != "PASSED"}


def test_make_reduction_forecasts_airline_with_oldest_first_windows():
    y = load_airline()
    forecaster = _reduced(max_epochs=20).fit(y[:-12])
    prediction = forecaster.predict(fh=np.arange(1, 13))
    assert len(prediction) == 12 and np.isfinite(prediction.to_numpy()).all()
    # The regressor saw the windows as one-feature sequences, oldest first:
    # its first forecast is its prediction for the last three values.
    estimator = forecaster.estimator_
    assert estimator.x_mean_.shape == (1,) and estimator.n_features_in_ == 3
    last_window = y.to_numpy(dtype=float)[-15:-12].reshape(1, -1)
    assert prediction.iloc[0] == pytest.approx(estimator.predict(last_window)[0])


def test_sktime_check_estimator_subset_passes():
    results = check_estimator(
        _reduced(), raise_exceptions=False, tests_to_run=SUBSET, verbose=False
    )
    assert {name.split("[")[0] for name in results} == set(SUBSET)
    assert _failures(results) == {}


@pytest.mark.slow  # about a minute on 2 cores
def test_sktime_check_estimator_passes():
    results = check_estimator(
        _reduced(), raise_exceptions=False, tests_to_exclude=NOT_OURS, verbose=False
    )
    assert len(results) >= 350
    assert _failures(results) == {}
