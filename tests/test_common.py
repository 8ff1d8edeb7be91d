"""sklearn's estimator checks for both estimators.

2-D input is read as univariate sequences ``(n_samples, n_timesteps)``, so the
2-D checks exercise the real code paths. Checks that cannot apply to
sequence data are listed below with the reason; nothing is skipped silently.
"""

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.linear_model import Ridge
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

from sklstm import LSTMRegressor, SeriesForecaster, SlidingWindowTransformer


class Flatten(TransformerMixin, BaseEstimator):
    """Windows (n, T, F) -> rows (n, T * F); a class, so test ids stay stable."""

    def fit(self, X, y=None):
        return self

    def transform(self, X):
        return X.reshape(len(X), -1)


ESTIMATORS = [
    SlidingWindowTransformer(window_length=3),
    # Small but able to learn: check_regressors_train asks for R^2 > 0.5.
    LSTMRegressor(hidden_size=8, max_epochs=100, lr=0.01, random_state=0),
    # The checks' 2-D X is read as a series with covariates (target column 0)
    # and their y as the next value of every row. A linear window regressor
    # keeps ~50 checks fast and exact; the LSTM itself is checked above.
    SeriesForecaster(
        make_pipeline(Flatten(), Ridge(alpha=1e-3)),
        window_length=2,
        target=0,
        padding="edge",
    ),
]

WINDOW_EXPECTED_FAILURES = {
    "check_fit1d": (
        "A 1-D array is one univariate series (the pd.Series habit), so the "
        "transformer accepts it by design instead of raising."
    ),
    "check_methods_sample_order_invariance": (
        "Row i is the window ending at observation i; its content is the rows "
        "before it, so the output depends on row order by design."
    ),
    "check_methods_subset_invariance": (
        "A window holds the rows that precede it; transforming a subset gives "
        "windows over that subset (NaN-padded at its start) by design."
    ),
}

REGRESSOR_EXPECTED_FAILURES = {
    "check_sample_weight_equivalence_on_dense_data": (
        "Mini-batch training: repeating a sample changes the number and "
        "composition of the batches of every epoch, so a weight of 2 equals "
        "repetition only in expectation, not to 1e-7 (as for other SGD-trained "
        "models). Weighted loss is tested in tests/test_regressor.py."
    ),
    "check_methods_subset_invariance": (
        "float32 matrix products in torch round differently for different "
        "batch sizes (about 1e-7 relative), and the check compares predictions "
        "on subsets to atol=1e-7. Row-wise results are otherwise independent."
    ),
    "check_estimators_nan_inf": (
        "The check puts NaN at X[0, 0], the first step of a 2-D sequence, which "
        "is documented leading padding (missing history) and accepted. NaN "
        "after an observed step and inf are rejected (tests/test_bad_input.py)."
    ),
}


FORECASTER_EXPECTED_FAILURES = {
    "check_fit1d": (
        "A 1-D array is one series (the pd.Series habit): the forecaster "
        "forecasts it instead of raising."
    ),
    "check_methods_sample_order_invariance": (
        "The forecast at row i is made from the window of rows ending at i, "
        "so it depends on row order by design."
    ),
    "check_methods_subset_invariance": (
        "The forecast at a row uses the rows before it; a subset gives other "
        "windows (padded at its start) by design."
    ),
}


def expected_failed_checks(estimator):
    if isinstance(estimator, SlidingWindowTransformer):
        return WINDOW_EXPECTED_FAILURES
    if isinstance(estimator, SeriesForecaster):
        return FORECASTER_EXPECTED_FAILURES
    return REGRESSOR_EXPECTED_FAILURES


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)
