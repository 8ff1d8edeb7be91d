"""Any sklearn regressor on windows: flattened for those that read 2-D input.

:class:`~sklstm.SeriesForecaster` cuts windows ``(n, window_length,
n_features)``. A regressor that declares 3-D input (its tags'
``input_tags.three_d_array``, as ``LSTMRegressor`` does) gets them as they
are; any other gets them through :class:`~sklstm.FlattenWindows`, and one
model per horizon step (``MultiOutputRegressor``) when it predicts one output
only and the direct strategy needs several. Every step here is an sklearn
estimator that model files can hold, so the result saves like the rest.
"""

from __future__ import annotations

from sklearn.compose import TransformedTargetRegressor
from sklearn.multioutput import MultiOutputRegressor
from sklearn.pipeline import Pipeline
from sklearn.utils import get_tags

from ..windows._flatten import FlattenWindows

#: The name of the flattening step in the Pipeline built around a 2-D regressor.
FLATTEN = "flattenwindows"


def reads_windows(estimator) -> bool:
    """Whether ``estimator`` reads 3-D windows (else they are flattened for it).

    A Pipeline reads what its first step reads, a TransformedTargetRegressor
    what its regressor reads; anything else says so in its tags.

    Examples
    --------
    >>> from sklearn.linear_model import Ridge
    >>> from sklearn.pipeline import make_pipeline
    >>> from sklstm import FlattenWindows, LSTMRegressor
    >>> reads_windows(Ridge()), reads_windows(LSTMRegressor())
    (False, True)
    >>> reads_windows(make_pipeline(FlattenWindows(), Ridge()))
    True
    """
    if isinstance(estimator, Pipeline):
        steps = [s for _, s in estimator.steps if s not in (None, "passthrough")]
        return bool(steps) and reads_windows(steps[0])
    if isinstance(estimator, TransformedTargetRegressor):
        return estimator.regressor is None or reads_windows(estimator.regressor)
    return bool(get_tags(estimator).input_tags.three_d_array)


def for_windows(estimator, n_outputs: int):
    """``estimator`` ready for windows and ``n_outputs`` targets per window.

    Examples
    --------
    >>> from sklearn.ensemble import HistGradientBoostingRegressor
    >>> model = for_windows(HistGradientBoostingRegressor(), n_outputs=3)
    >>> [type(step).__name__ for step in model.named_steps.values()]
    ['FlattenWindows', 'MultiOutputRegressor']
    """
    if reads_windows(estimator):
        return estimator
    if n_outputs > 1 and not get_tags(estimator).target_tags.multi_output:
        estimator = MultiOutputRegressor(estimator)
    return Pipeline([(FLATTEN, FlattenWindows()), ("regressor", estimator)])


def default_padding(estimator) -> str:
    """The padding ``padding="auto"`` means for a fitted window ``estimator``.

    ``"nan"`` (missing history, which ``LSTMRegressor`` reads as "this
    sequence starts later") unless the windows are flattened for a regressor
    that cannot read NaN: then ``"edge"`` (the first value repeated).
    """
    if not (isinstance(estimator, Pipeline) and estimator.steps[0][0] == FLATTEN):
        return "nan"
    regressor = estimator.steps[-1][1]
    if isinstance(regressor, MultiOutputRegressor):
        regressor = regressor.estimator
    return "nan" if get_tags(regressor).input_tags.allow_nan else "edge"
