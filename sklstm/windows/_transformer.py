"""SlidingWindowTransformer: one window per row of a series, inside a Pipeline.

Row ``i`` of the output is the window that *ends* at observation ``i``, so the
transformer returns exactly one row per input row and keeps ``X`` aligned with
``y`` inside a :class:`~sklearn.pipeline.Pipeline`. The first
``window_length - 1`` rows have no full history; by default their missing steps
are NaN, which :class:`~sklstm.LSTMRegressor` reads as "this sequence starts
later" instead of inventing values.
"""

from __future__ import annotations

import warnings
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import (
    _check_feature_names_in,
    check_is_fitted,
    validate_data,
)

from .._state import Fitted, set_fitted_state
from ._index import checked_step
from ._panel import (
    NO_TIME,
    continued_tails,
    read_panel,
    series_tails,
    time_like,
)
from ._series import (
    as_2d,
    non_finite_error,
    non_numeric_columns,
    non_numeric_error,
    shape_error,
)
from ._sliding import _PADDINGS, sliding_windows

# The fitted attributes of a panel fit (declared in _fitted_state).
_PANEL_STATE = (
    "series_ids_",
    "series_history_",
    "series_next_time_",
    "series_time_like_",
)


# auto_wrap_output_keys=None: the output is 3-D, which no DataFrame can hold,
# so sklearn's set_output machinery must not wrap it (as for its own sparse
# TfidfTransformer); set_output below says so instead of failing later.
class SlidingWindowTransformer(
    TransformerMixin, BaseEstimator, auto_wrap_output_keys=None
):
    """Turn a series into one window per row: ``(n_steps, window_length, n_features)``.

    Row ``i`` of the output is the window that ends at observation ``i``
    (inclusive), so the transformer keeps one output row per input row and the
    rows of ``X`` and ``y`` stay aligned inside a
    :class:`~sklearn.pipeline.Pipeline`. The first ``window_length - 1`` rows
    lack a full history: by default their missing steps are NaN, which
    :class:`~sklstm.LSTMRegressor` treats as a shorter sequence.

    After ``fit``, the transformer remembers the last ``window_length - 1``
    observations and the index label that follows them. When ``transform``
    receives pandas data whose index continues right after the fitted data
    (the test fold of :class:`~sklearn.model_selection.TimeSeriesSplit` does),
    those real observations are used as history instead of padding.

    Many series at once (a panel) are a ``pd.Series`` or ``pd.DataFrame``
    indexed by a 2-level :class:`pandas.MultiIndex` ``(series id, time)``,
    rows in any order; a long table with id and time columns becomes one
    with ``df.set_index(["store", "date"])``. Each series is windowed on its
    own, oldest first, and row ``i`` of the output is still the window
    ending at row ``i`` of ``X``: no window reaches into another series,
    and each series starts with its own padding. ``fit`` remembers the last
    ``window_length - 1`` rows of every series; ``transform`` continues a
    series when its first time label is the fitted last label plus that
    series' step, and pads series it has not seen in ``fit``.

    Parameters
    ----------
    window_length : int, default=10
        Number of consecutive observations in each window.
    padding : {"nan", "zero", "edge"}, default="nan"
        Fill for the steps before the start of the series: ``"nan"`` marks
        them as missing (nothing is invented), ``"zero"`` and ``"edge"``
        (repeat the first value) give the classic fixed-length behaviour.
    use_fit_history : bool, default=True
        Whether ``transform`` continues from the observations seen in ``fit``
        when the pandas index of its input follows on from the fitted index.
        Numpy input has no index and is always padded.
    lazy : bool, default=False
        For a panel: return a :class:`~sklstm.LazyWindows`, which holds the
        rows once and builds windows only when indexed, instead of a dense
        array of ``n_rows * window_length * n_features`` values.
        :class:`~sklstm.LSTMRegressor` reads it in batches, so fit and
        predict memory stays bounded by a batch (``padding="nan"`` only).
        A single series is always a zero-copy strided view.

    Attributes
    ----------
    n_features_in_ : int
        Number of series (columns) seen during ``fit``.
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names seen during ``fit``; defined only when they are strings.
    history_ : ndarray of shape (n_history, n_features_in_)
        The last ``window_length - 1`` observations seen during ``fit``.
    next_index_ : object or None
        The index label that would follow the fitted data, or None when the
        input had no regular pandas index (and for a panel).
    series_ids_ : ndarray of shape (n_series,)
        Panel fit only: the series ids seen during ``fit``, sorted.
    series_history_ : ndarray of shape (n_series, window_length - 1, \
n_features_in_)
        Panel fit only: the last ``window_length - 1`` rows of each series;
        rows of NaN before the start of a shorter series.
    series_next_time_ : ndarray of int64 of shape (n_series,)
        Panel fit only: the time label that would continue each series, as
        an integer code (nanoseconds since the epoch for dates, the ordinal
        for periods, the label for integers); the smallest int64 where the
        series gives no regular step.
    series_time_like_ : pd.Index or None
        Panel fit only: an empty index of the time level's type, so that
        codes of another type of time label never match.
    n_padded_windows_ : pd.Series of int
        Set by ``transform`` (and ``fit_transform``) of a panel: for each
        series of that call, the number of its windows that hold padded
        steps (0 when ``transform`` continued it from the fitted rows). It
        describes the last call, not the fit, so it is not saved by
        :func:`~sklstm.save_model`; a transform of a single series
        removes it.

    See Also
    --------
    sklstm.LSTMRegressor : Recurrent regressor that consumes the windows.
    sklstm.sliding_windows : The pure function behind this transformer.
    sklstm.frame_supervised : Pair a series with its next value(s) as ``y``.

    Notes
    -----
    The windows are a read-only strided view of a padded copy of the series:
    transforming a series of ``n`` steps costs memory for ``n + window_length``
    rows, never ``n * window_length``. Copy the result (``np.array(Xt)``) only
    if you need to modify it. For a panel the windows come back in the
    caller's row order, which no strided view can express: the output is a
    new (read-only) array of ``n_rows * window_length * n_features`` values.

    In a panel, a series shorter than ``window_length`` is fine: each of
    its windows ends at one of its own rows, so no window is all padding;
    ``n_padded_windows_`` counts them. Every series must have a regular
    time axis (duplicate ``(series id, time)`` labels and gaps within a
    series raise ``ValueError`` naming the series); its step is found per
    series with the rules above, so a series of fewer than three dates is
    not continued (``fit`` warns with its id).

    The index of pandas input is checked as a time axis (the same rules and
    messages as :class:`~sklstm.SeriesForecaster`): unsorted or duplicated
    labels, and gaps in a ``DatetimeIndex``, ``PeriodIndex`` or integer
    index, raise ``ValueError`` with the fix (``X.asfreq(...)`` for the
    index's most likely frequency), because a window spanning a gap would
    silently mix steps that are not adjacent. When ``fit`` gets an index
    without a provable step (floats, strings, two dates without a
    frequency), continuation cannot apply and a ``UserWarning`` says so.

    The output is 3-D, so it cannot be a DataFrame: under
    ``sklearn.set_config(transform_output="pandas")`` and
    ``Pipeline.set_output(transform="pandas")`` the windows stay a numpy
    array (the other steps of the Pipeline follow the setting), and
    :meth:`set_output` with ``"pandas"`` or ``"polars"`` warns.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm import SlidingWindowTransformer
    >>> X = np.arange(2.0, 12.0, 2.0)
    >>> Xt = SlidingWindowTransformer(window_length=2).fit_transform(X)
    >>> Xt.shape
    (5, 2, 1)
    >>> Xt[-1, :, 0]
    array([ 8., 10.])

    Two series in a panel, each with its own first window:

    >>> import pandas as pd
    >>> index = pd.MultiIndex.from_product([["a", "b"], [1, 2, 3]])
    >>> panel = pd.Series([1.0, 2.0, 3.0, 10.0, 20.0, 30.0], index=index)
    >>> window = SlidingWindowTransformer(window_length=2)
    >>> window.fit_transform(panel)[:, :, 0]
    array([[nan,  1.],
           [ 1.,  2.],
           [ 2.,  3.],
           [nan, 10.],
           [10., 20.],
           [20., 30.]])
    >>> window.n_padded_windows_.tolist()
    [1, 1]
    """

    _parameter_constraints: dict = {
        "window_length": [Interval(Integral, 1, None, closed="left")],
        "padding": [StrOptions(set(_PADDINGS))],
        "use_fit_history": ["boolean"],
        "lazy": ["boolean"],
    }

    # Every fitted attribute, declared once (see sklstm._state).
    _fitted_state = (
        Fitted("n_features_in_", "int"),
        Fitted("feature_names_in_", "names", optional=True),
        Fitted("history_", "array"),
        Fitted("next_index_", "label"),
        # Panel input only (a (series id, time) MultiIndex).
        Fitted("series_ids_", "labels", optional=True),
        Fitted("series_history_", "array", optional=True),
        Fitted("series_next_time_", "array", optional=True),
        Fitted("series_time_like_", "index_like", optional=True),
    )

    def __init__(
        self, *, window_length=10, padding="nan", use_fit_history=True, lazy=False
    ):
        self.window_length = window_length
        self.padding = padding
        self.use_fit_history = use_fit_history
        self.lazy = lazy

    def _validate_series(self, X, *, reset):
        if not reset and getattr(X, "ndim", None) == 1 and self.n_features_in_ != 1:
            raise ValueError(
                f"X is 1-D (one series), but {type(self).__name__} was fitted on "
                f"{self.n_features_in_} series. Reshape your data to "
                f"(n_steps, {self.n_features_in_})."
            )
        data, index = as_2d(X)
        # sklstm's own messages for what a series must be; sparse input and
        # zero columns are left to validate_data, whose wording sklearn's
        # estimator checks expect.
        if getattr(data, "ndim", 2) > 2:
            raise shape_error(data.ndim)
        # The index first: a long table of many series indexed by date has an
        # id column too, and its fix (index by (series id, time)) is both.
        panel = read_panel(index)
        step = None if panel is not None else checked_step(index)
        if isinstance(data, pd.DataFrame) and non_numeric_columns(data):
            raise non_numeric_error(non_numeric_columns(data))
        if getattr(data, "shape", (1,))[0] == 0:
            raise ValueError(
                "The series has 0 rows; it needs at least 1 to make a window."
            )
        values = validate_data(
            self,
            data,
            reset=reset,
            dtype=(np.float64, np.float32),
            ensure_all_finite=False,
            ensure_min_samples=1,
        )
        # NaN or inf inside a series would become NaN in the middle of a
        # window, which no model can read; refuse it here where the fix
        # (impute or interpolate the series) is obvious.
        if not np.isfinite(values).all():
            raise non_finite_error()
        return values, index, step, panel

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Remember the feature layout and the end of the series.

        Parameters
        ----------
        X : array-like of shape (n_steps,) or (n_steps, n_features)
            The series, oldest first: numpy array, ``pd.Series`` or
            ``pd.DataFrame``; or a panel, indexed by ``(series id, time)``.
        y : None
            Ignored; present for Pipeline compatibility.

        Returns
        -------
        self : SlidingWindowTransformer
            The fitted transformer.
        """
        values, index, step, panel = self._validate_series(X, reset=True)
        for name in _PANEL_STATE:
            self.__dict__.pop(name, None)
        if panel is not None:
            return self._fit_panel(values, panel)
        keep = self.window_length - 1
        self.history_ = np.array(values[len(values) - min(len(values), keep) :])
        self.next_index_ = None if step is None else index[-1] + step
        if index is not None and step is None and self.use_fit_history and keep:
            warnings.warn(
                f"The {type(index).__name__} of X gives no regular step, so "
                f"transform cannot recognise data that continues it: later "
                f"data gets padded first windows instead of the end of the "
                f"fitted series. Use a DatetimeIndex with a frequency, a "
                f"PeriodIndex or an integer index, or pass "
                f"use_fit_history=False.",
                UserWarning,
                stacklevel=2,
            )
        return self

    def transform(self, X):
        """Return the window ending at each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_steps,) or (n_steps, n_features)
            The series to window, with the columns seen in ``fit``; or a
            panel, indexed by ``(series id, time)``.

        Returns
        -------
        windows : ndarray of shape (n_steps, window_length, n_features)
            Read-only view; row ``i`` ends at observation ``i``.
        """
        check_is_fitted(self)
        values, index, _, panel = self._validate_series(X, reset=False)
        if panel is not None:
            return self._transform_panel(values, panel)
        # The count describes the last call only: it must not outlive it.
        self.__dict__.pop("n_padded_windows_", None)
        history = None
        if (
            self.use_fit_history
            and index is not None
            and len(index)
            and self.next_index_ is not None
            and index[0] == self.next_index_
        ):
            history = self.history_.astype(values.dtype, copy=False)
        return sliding_windows(
            values, self.window_length, padding=self.padding, history=history
        )

    def _fit_panel(self, values, panel):
        keep = self.window_length - 1
        # The single-series continuation does not apply to a panel.
        self.history_ = values[:0].copy()
        self.next_index_ = None
        self.series_ids_ = panel.ids.to_numpy()
        self.series_history_ = series_tails(values, panel, keep)
        self.series_next_time_ = panel.next_codes()
        self.series_time_like_ = time_like(panel.times)
        stepless = panel.ids[self.series_next_time_ == NO_TIME]
        if len(stepless) and self.use_fit_history and keep:
            warnings.warn(
                f"The time labels of series {list(stepless[:5])} "
                f"({len(stepless)} of {len(panel.ids)}) give no regular step, so "
                f"transform cannot recognise rows that continue them: later "
                f"rows of those series get padded first windows instead of "
                f"the end of the fitted series. Use dates with a regular "
                f"frequency (at least 3 per series), periods or integers as "
                f"the time level, or pass use_fit_history=False.",
                UserWarning,
                stacklevel=3,
            )
        return self

    def _transform_panel(self, values, panel):
        histories = [None] * len(panel.ids)
        if self.use_fit_history and hasattr(self, "series_ids_"):
            histories = continued_tails(
                panel,
                self.series_ids_,
                self.series_history_.astype(values.dtype, copy=False),
                self.series_next_time_,
                self.series_time_like_,
            )
        from ._panel_windows import panel_windows

        windows, n_padded = panel_windows(
            values,
            panel,
            self.window_length,
            padding=self.padding,
            histories=histories,
            lazy=self.lazy,
        )
        self.n_padded_windows_ = pd.Series(
            n_padded, index=panel.ids, name="n_padded_windows"
        )
        if not self.lazy:
            windows.flags.writeable = False
        return windows

    def _restore_fitted_state(self, state):
        """Become the fitted transformer ``state`` describes (used by load_model)."""
        set_fitted_state(self, state)
        if self.history_.ndim != 2 or self.history_.shape[1] != self.n_features_in_:
            raise ValueError("history_ does not match n_features_in_")
        panel = [hasattr(self, name) for name in _PANEL_STATE]
        if any(panel) and not all(panel):
            raise ValueError(f"the panel state needs all of {_PANEL_STATE}")
        if all(panel):
            n_series = len(self.series_ids_)
            expected = (n_series, self.window_length - 1, self.n_features_in_)
            if self.series_history_.shape != expected:
                raise ValueError("series_history_ does not match the series")
            if self.series_next_time_.shape != (n_series,):
                raise ValueError("series_next_time_ does not match the series")

    def get_feature_names_out(self, input_features=None):
        """Names of the features at each step of a window.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Input feature names; defaults to ``feature_names_in_`` or
            ``x0, x1, ...``.

        Returns
        -------
        feature_names_out : ndarray of str
            One name per feature of the last axis of the output.
        """
        check_is_fitted(self)
        return _check_feature_names_in(self, input_features)

    def set_output(self, *, transform=None):
        """Accept an output container setting; the windows stay a numpy array.

        ``Pipeline.set_output`` and ``ColumnTransformer.set_output`` call this
        on every step, so it must not fail: other steps of the Pipeline
        follow the setting. A window array is 3-D ``(n_steps, window_length,
        n_features)``, which no DataFrame can hold, so ``"pandas"`` and
        ``"polars"`` leave this step's output as it is, with a
        ``UserWarning``.

        Parameters
        ----------
        transform : {"default", "pandas", "polars"} or None, default=None
            The container requested for ``transform`` and
            ``fit_transform``.

        Returns
        -------
        self : SlidingWindowTransformer
            The transformer, unchanged.

        Examples
        --------
        >>> import warnings
        >>> from sklstm import SlidingWindowTransformer
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     _ = SlidingWindowTransformer().set_output(transform="pandas")
        >>> "3-D" in str(caught[0].message)
        True
        """
        if transform not in (None, "default", "pandas", "polars"):
            raise ValueError(
                f"transform must be 'default', 'pandas', 'polars' or None, got "
                f"{transform!r}."
            )
        if transform in ("pandas", "polars"):
            warnings.warn(
                f"{type(self).__name__} returns 3-D windows (n_steps, "
                f"window_length, n_features), which a {transform} DataFrame "
                f"cannot hold: its output stays a numpy array. In a Pipeline, "
                f"set_output(transform={transform!r}) still applies to the "
                f"other steps.",
                UserWarning,
                stacklevel=2,
            )
        return self

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags
