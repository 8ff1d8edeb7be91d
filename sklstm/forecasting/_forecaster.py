"""SeriesForecaster: multi-step forecasts of a series, with timestamps and intervals.

The forecaster owns the framing that a Pipeline cannot do: it turns a series
(optionally with known covariates) into windows and future targets, fits any
window regressor (``LSTMRegressor`` by default) with a *direct* (one output
per future step) or *recursive* (one-step model fed its own predictions)
strategy, and returns forecasts indexed by the future timestamps. It is an
sklearn regressor: ``fit(series)`` / ``score(series)`` make it searchable with
``GridSearchCV(..., cv=TimeSeriesSplit(...))``, strategy included, and
``fit(X, y)`` with ``X, y = frame_supervised(series, horizon=horizon)`` lets
any sklearn scorer compare ``predict(X)`` with ``y``.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context, clone
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._state import Fitted, set_fitted_state
from ..windows._panel import continued_tails, is_panel, series_tails, time_like
from ..windows._series import read_series, target_position
from ..windows._sliding import sliding_windows
from . import _seasonal_adjustment as seasonal
from ._paths import (
    calibration_residuals,
    check_columns,
    forecast_paths,
    forecast_table,
    future_covariates_of,
    quantile_frame,
    squeeze,
)
from ._restore import PANEL_STATE, check_restored
from ._scales import naive_errors, warn_scale_spread
from ._seasonal_adjustment import KINDS
from ._series_panel import (
    SeriesEnds,
    SeriesPanel,
    common_step,
    labels_from_codes,
    read_rows,
    step_text,
    step_value,
)
from ._window_estimator import default_padding, for_windows

_SPLITTER_HINT = (
    "If X is a fold of a cross-validation, its splitter is not time-ordered "
    "(KFold and ShuffleSplit train on the future of their test rows): use "
    "sklearn's TimeSeriesSplit, or sklstm.PanelTimeSeriesSplit for a panel."
)


def _checked_coverage(coverage):
    """``coverage`` as a float in (0, 1), or None; a clear error otherwise."""
    if coverage is None:
        return None
    if isinstance(coverage, bool) or not isinstance(coverage, Real):
        raise TypeError(
            f"coverage must be a float in (0, 1), e.g. coverage=0.9; got "
            f"{coverage!r} (a {type(coverage).__name__})."
        )
    if not 0 < coverage < 1:
        raise ValueError(f"coverage must be in (0, 1), e.g. 0.9; got {coverage}.")
    return float(coverage)


@dataclass(frozen=True)
class ScoredRows:
    """The rows a forecaster scores, sorted by series and time.

    Parameters
    ----------
    y_true, y_pred : ndarray of shape (n_scored,) or (n_scored, horizon)
        What followed each scored row, and the forecast made there.
    sample_weight : ndarray of shape (n_scored,) or None
        The caller's weights of those rows.
    series : pd.Index or None
        Each row's series id (None for a single series).
    """

    y_true: np.ndarray
    y_pred: np.ndarray
    sample_weight: np.ndarray | None
    series: pd.Index | None


class SeriesForecaster(RegressorMixin, BaseEstimator):
    """Forecast the next ``horizon`` values of a series from its recent window.

    Parameters
    ----------
    estimator : regressor or None, default=None
        Any sklearn regressor; None means ``LSTMRegressor()``. It is cloned
        in ``fit``. A regressor that reads windows ``(n, window_length,
        n_features)`` (its tags declare ``input_tags.three_d_array``, as
        ``LSTMRegressor``'s do) gets them as they are; any other (``Ridge``,
        ``HistGradientBoostingRegressor``, a Pipeline of 2-D steps) gets each
        window flattened to one row by :class:`~sklstm.FlattenWindows`, and,
        when it predicts a single output and the direct strategy needs
        ``horizon`` of them, one copy per step in sklearn's
        ``MultiOutputRegressor``. The target column is always feature 0 of
        the windows, so ``LSTMRegressor``'s ``target_feature=0`` refers to it.
    window_length : int, default=12
        Observations in each input window.
    horizon : int, default=1
        Number of future steps forecast from each origin.
    strategy : {"direct", "recursive"}, default="direct"
        ``"direct"``: one model with ``horizon`` outputs. ``"recursive"``: a
        one-step model applied ``horizon`` times, each prediction appended to
        the window (covariates for future steps must then be known).
    target : str, int or None, default=None
        Column to forecast: its label for pandas input (a ``pd.Series`` is
        one column labelled by its name), its position in
        ``[-n_features, n_features)`` for an array (negative counts from the
        end, as in :func:`~sklstm.frame_supervised`). None for a single
        series. Other columns are covariates.
    padding : {"auto", "nan", "zero", "edge"}, default="auto"
        Fill for the missing history of the first windows (see
        :func:`~sklstm.sliding_windows`). ``"auto"``: ``"nan"`` for a
        regressor that reads windows (``LSTMRegressor`` reads NaN as "this
        sequence starts later") or flattened windows with NaN
        (``HistGradientBoostingRegressor``), ``"edge"`` for one that cannot
        read NaN (``Ridge``).
    conformal_fraction : float, default=0.0
        When positive, the last fraction of the training origins calibrates
        split-conformal prediction intervals: a copy of the estimator is fitted
        on the earlier origins, its absolute errors on the calibration origins
        give the interval half-widths per horizon step, and the final
        estimator is then refitted on all origins. 0 disables intervals.
    freq : str or None, default=None
        Frequency of a ``DatetimeIndex`` too short to infer it. Irregular
        indexes and gaps are refused in any case.
    seasonal_period : int, "auto" or None, default=None
        Season length handed to an estimator that has a ``seasonal_period``
        parameter left at None (``LSTMRegressor``: in delta mode the change
        of each output is learned from the value one season before its
        target). ``"auto"`` infers it from the index frequency: monthly 12,
        quarterly 4, weekly 52, daily 7, hourly 24, half-hourly 48; other
        frequencies, integer indexes and windows shorter than the season
        give None. An int sets it (windows shorter than it warn). None (the
        default: on the development benchmark it helped airline and hurt
        woolyrnq and taylor, see the README) hands nothing on.
    deseasonalize : {"additive", "multiplicative"} or None, default=None
        Remove a seasonal profile from the target before the windows are
        cut, and put it back on every forecast (interval bounds and
        quantiles too). The profile is the classical decomposition's: at
        each phase of the season, the mean deviation from (additive) or
        ratio to (multiplicative) a centred moving average of one season,
        over all the fitted rows; a window holds only one or two noisy
        copies of it. The season length is ``seasonal_period`` when that is
        an int (which also reaches the estimator), else the index
        frequency's as for ``"auto"``. New rows find their phase from their
        index labels, so ``predict``, ``score`` and ``forecast(X)`` need
        pandas data on the fitted time grid. Not for panels yet. None (the
        default: on the development benchmark it cut wineind's errors by a
        tenth one step and a third direct, but raised airline's, and
        co2_weekly's and taylor's direct errors; see the README) adjusts
        nothing; ``GridSearchCV`` can choose it per series.

    Attributes
    ----------
    estimator_ : regressor
        The fitted regressor; for a regressor of 2-D input, a Pipeline of
        :class:`~sklstm.FlattenWindows` and the regressor (in a
        ``MultiOutputRegressor`` when it was wrapped, see ``estimator``).
    naive_mae_ : ndarray of shape (n_series, 52)
        Column ``m - 1``: the mean absolute error of the seasonal naive
        forecast (the value ``m`` steps before) over each fitted series'
        target, for ``m = 1 .. 52`` (NaN where a series has ``m`` rows or
        fewer); the scale of the mean absolute scaled error that
        :func:`sklstm.metrics.forecast_scorer` computes. One row for a
        single series; a panel's rows follow ``series_ids_``.
    n_features_in_ : int
        Columns of the fitted series (target and covariates).
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Column names, when they are strings.
    target_name_ : object
        Label of the target column; for an array, its position in
        ``[0, n_features_in_)`` (``target=-1`` gives ``n_features_in_ - 1``).
    last_window_ : ndarray of shape (n, n_features_in_)
        The last ``window_length`` observations, target first (one series).
    calibration_residuals_ : ndarray of shape (n_calibration, horizon)
        Absolute calibration errors (only with ``conformal_fraction > 0``;
        in seasonally adjusted units with ``deseasonalize``).
    deseasonalize_ : str
        The seasonal adjustment fitted (only with ``deseasonalize``).
    seasonal_profile_ : ndarray of shape (period,)
        Only with ``deseasonalize``: the seasonal term added to (additive)
        or multiplied into (multiplicative) the forecast of each phase;
        phase ``p`` holds the rows ``p``, ``p + period``, ... steps after
        the first row of ``last_window_``.
    series_ids_ : ndarray of shape (n_series,)
        Panel fit only: the series ids, sorted.
    series_last_window_ : ndarray of shape (n_series, window_length, \
n_features_in_)
        Panel fit only: each series' last rows; NaN before a shorter one.

    See Also
    --------
    sklstm.frame_supervised : Framing for the Pipeline route, and the ``y``
        of ``fit(X, y)`` / ``score(X, y)``.
    sklstm.LSTMRegressor : The default window regressor.

    Notes
    -----
    **Scoring with any sklearn scorer.** ``predict(X)`` returns the forecast
    made at every row of ``X``: shape ``(n_rows,)`` for ``horizon == 1``,
    ``(n_rows, horizon)`` otherwise. ``fit`` and ``score`` accept the matching
    ``y``, the next ``horizon`` target values of every row, which is what
    ``frame_supervised(series, horizon=horizon, target=target)`` returns. So
    the sklearn habit works unchanged::

        X, y = frame_supervised(series, horizon=h)
        cross_val_score(fc, X, y, scoring="neg_mean_absolute_error",
                        cv=TimeSeriesSplit(5, gap=h - 1))

    This design was chosen over a forecaster-specific scorer because every
    sklearn scorer, ``make_scorer`` and ``GridSearchCV(scoring=...,
    refit=...)`` then compares like with like, and the Pipeline route uses
    the same ``X, y``. For the direct strategy, ``fit(X, y)`` trains on
    exactly the origins and targets of ``fit(series)`` (``y`` supplies the
    last ``horizon`` values that ``X`` lacks); ``forecast()`` then continues
    ``X``, so pass the whole series to forecast after its end
    (``forecast(series)``). ``gap=h - 1`` keeps the test targets out of the
    training labels (see :func:`~sklstm.frame_supervised`).

    **Many series (a panel).** ``X`` indexed by ``(series id, time)``
    (rows in any order) fits ONE model on the windows of every series; no
    window or target crosses a series. ``forecast()`` returns each series'
    next values indexed by ``(series id, future time)``, each series on
    its own step; the model never sees the id, so ``forecast(X)`` also
    forecasts series unseen in ``fit`` from their own rows (a cold start:
    a series of fewer than 3 dates takes the step the others share, or
    ``freq``). ``predict`` continues each fitted series it follows on,
    ``score`` pools R^2 over all series' origins (for
    ``GridSearchCV(cv=PanelTimeSeriesSplit(...))``), and conformal
    intervals use the last ``conformal_fraction`` of each series' origins,
    their residuals pooled: one half width per step for every series.
    A single series is read as a panel of one: both run the same code.

    **Scoring without y.** sklearn calls a scorer as ``scorer(estimator,
    X)`` when no ``y`` is given, and its own scorers (every ``scoring``
    string) then fail for want of ``y_true`` before the forecaster is asked
    anything. Wrap the name instead: ``scoring=forecast_scorer(
    "neg_mean_absolute_error")`` (:func:`sklstm.metrics.forecast_scorer`)
    compares the forecasts made at each row of the test series with the
    values that follow it there, as the default ``score(X)`` does (used
    when ``scoring`` is not given); it also offers the mean absolute scaled
    error, scaled by the fitted series.

    **Time order.** A forecaster must be validated on rows that follow its
    training rows: use sklearn's ``TimeSeriesSplit`` (a panel:
    :class:`~sklstm.PanelTimeSeriesSplit`). ``KFold`` and ``ShuffleSplit``
    are refused where pandas labels show it: ``fit`` on rows with a hole
    or out of order, and ``predict`` or ``score`` of a single series on rows
    that all come before the fitted series, say so (an array carries no
    time to check; a panel's unseen series are cold starts, not leaks).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklstm import LSTMRegressor, SeriesForecaster
    >>> index = pd.date_range("2024-01-01", periods=40, freq="D")
    >>> series = pd.Series(np.arange(40.0) * 3, index=index, name="sales")
    >>> model = LSTMRegressor(max_epochs=5, random_state=0)
    >>> fc = SeriesForecaster(model, window_length=4, horizon=3).fit(series)
    >>> fc.forecast().round(2)
                sales
    2024-02-10  120.0
    2024-02-11  123.0
    2024-02-12  126.0

    Any sklearn regressor works; a 2-D one reads flattened windows:

    >>> from sklearn.linear_model import Ridge
    >>> ridge = SeriesForecaster(Ridge(), window_length=4, horizon=3).fit(series)
    >>> ridge.forecast().round(1)["sales"].tolist()
    [120.0, 123.0, 126.0]
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "window_length": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "strategy": [StrOptions({"direct", "recursive"})],
        "target": "no_validation",  # any hashable column label; checked in fit
        "padding": [StrOptions({"auto", "nan", "zero", "edge"})],
        "conformal_fraction": [Interval(Real, 0, 1, closed="left")],
        "freq": [str, None],
        "seasonal_period": [
            Interval(Integral, 2, None, closed="left"),
            StrOptions({"auto"}),
            None,
        ],
        "deseasonalize": [StrOptions(set(KINDS)), None],
    }

    # Every fitted attribute, declared once (see sklstm._state).
    _fitted_state = (
        Fitted("estimator_", "estimator"),
        Fitted("n_features_in_", "int"),
        Fitted("feature_names_in_", "names", optional=True),
        Fitted("target_name_", "label"),
        Fitted("last_window_", "array", optional=True),  # not for a panel
        Fitted("calibration_residuals_", "array", optional=True),
        Fitted("naive_mae_", "array", optional=True),
        Fitted("_target_pos", "int"),
        # The settings fitted, to refuse predicting after set_params changed them.
        Fitted("_fitted_horizon", "int", optional=True),
        Fitted("_fitted_strategy", "str", optional=True),
        Fitted("_fitted_window_length", "int", optional=True),
        Fitted("_index_like", "index_like"),
        Fitted("_index_step", "offset"),
        Fitted("_index_end", "label", optional=True),
        Fitted("_index_start", "label", optional=True),
        # deseasonalize only (see sklstm.forecasting._seasonal_adjustment).
        Fitted("deseasonalize_", "str", optional=True),
        Fitted("seasonal_profile_", "array", optional=True),
        Fitted("_season_anchor", "label", optional=True),
        # A panel fit only (see sklstm.forecasting._series_panel).
        Fitted("series_ids_", "labels", optional=True),
        Fitted("series_last_window_", "array", optional=True),
        Fitted("_series_next_time", "array", optional=True),
        Fitted("_series_steps", "names", optional=True),
        Fitted("_series_time_like", "index_like", optional=True),
        Fitted("_series_id_name", "label", optional=True),
    )

    def _restore_fitted_state(self, state):
        """Become the fitted forecaster ``state`` describes (used by load_model).

        Raises ``ValueError`` naming what does not fit together.
        """
        set_fitted_state(self, state)
        check_restored(self)

    def __init__(
        self,
        estimator=None,
        *,
        window_length=12,
        horizon=1,
        strategy="direct",
        target=None,
        padding="auto",
        conformal_fraction=0.0,
        freq=None,
        seasonal_period=None,
        deseasonalize=None,
    ):
        self.estimator = estimator
        self.window_length = window_length
        self.horizon = horizon
        self.strategy = strategy
        self.target = target
        self.padding = padding
        self.conformal_fraction = conformal_fraction
        self.freq = freq
        self.seasonal_period = seasonal_period
        self.deseasonalize = deseasonalize

    # ----------------------------------------------------------- input

    def _series_values(self, X, *, fitting):
        """Values (n, F) with the target first, plus the pandas index or None."""
        series = read_series(X)
        columns = series.columns
        duplicated = pd.Index(columns).duplicated()
        if duplicated.any():
            names = list(pd.unique(pd.Index(columns)[duplicated]))
            raise ValueError(
                f"X has duplicate column names {names}: each column must be "
                f"one target or covariate. Rename or drop them, e.g. "
                f"X.loc[:, ~X.columns.duplicated()]."
            )
        if fitting:
            self.n_features_in_ = len(columns)
            if series.by_name and all(isinstance(c, str) for c in columns):
                self.feature_names_in_ = np.asarray(columns, dtype=object)
            elif hasattr(self, "feature_names_in_"):
                del self.feature_names_in_
            self._target_pos = target_position(
                columns, self.target, by_name=series.by_name
            )
            self.target_name_ = columns[self._target_pos]
        else:
            check_columns(
                series,
                n_features=self.n_features_in_,
                names=getattr(self, "feature_names_in_", None),
                owner=type(self).__name__,
            )
        values = series.numeric_values(np.float64, min_rows=1, finite=True)
        order = [self._target_pos] + [
            i for i in range(values.shape[1]) if i != self._target_pos
        ]
        return values[:, order], series.index

    def _read(self, X, *, steps=True) -> SeriesPanel:
        """New rows (not fitted on) as a panel, checked against the fit.

        ``steps=False`` reads rows to predict or score: those must not all
        come before the fitted series (see :meth:`_check_not_before_fit`).
        """
        values, index = self._series_values(X, fitting=False)
        if not steps:
            self._check_not_before_fit(index)
        fallback = None
        if steps and is_panel(index) and hasattr(self, "series_ids_"):
            # The step a fitted panel's series share dates short new series.
            like = self._series_time_like
            fallback = common_step([step_value(t, like) for t in self._series_steps])
        return read_rows(values, index, freq=self.freq, steps=steps, fallback=fallback)

    def _check_not_before_fit(self, index) -> None:
        """Refuse to score a single series' rows that all precede the fitted ones.

        Their forecasts would come from a model trained on their future:
        the first fold of ``KFold``. Rows overlapping the fitted series
        (in-sample scores) or after it pass; an array carries no time.
        """
        start = getattr(self, "_index_start", None)
        if (
            start is None
            or index is None
            or is_panel(index)
            or len(index) == 0
            or type(index) is not type(self._index_like)
        ):
            return
        try:
            before = index[-1] < start
        except TypeError:  # labels of another kind: the step check says so
            return
        if before:
            raise ValueError(
                f"X ends at {index[-1]}, before the fitted series begins "
                f"({start}): its forecasts would come from a model trained on "
                f"their future. {_SPLITTER_HINT}"
            )

    # -------------------------------------------------------------- fit

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Fit the window regressor on every origin of the series.

        Parameters
        ----------
        X : pd.Series, pd.DataFrame or array-like of shape (n_steps,) or \
(n_steps, n_features)
            The series, oldest first; a DataFrame may carry covariates. A
            pandas ``X`` indexed by ``(series id, time)`` is a panel.
        y : array-like of shape (n_steps,) or (n_steps, horizon), default=None
            The next ``horizon`` target values of every row of ``X``, as
            ``frame_supervised(series, horizon=horizon)`` returns them (see
            Notes). None takes the targets from ``X`` itself: its last
            ``horizon`` rows are then inputs only.

        Returns
        -------
        self : SeriesForecaster
            The fitted forecaster.
        """
        values, index = self._series_values(X, fitting=True)
        base = LSTMRegressorDefault() if self.estimator is None else self.estimator
        if self.deseasonalize is not None and is_panel(index):
            raise ValueError(
                "deseasonalize is not available for a panel yet: each "
                "series would need its own profile. Use deseasonalize=None."
            )
        data = self._read_fitted_rows(values, index)
        targets = data.targets(y, self.horizon)
        steps_ahead = self.horizon if self.strategy == "direct" else 1
        sizes = data.panel.sizes
        train = data.per_series(sizes - steps_ahead if y is None else sizes)
        self._remember_ends(data)
        ordered = data.ordered
        self.naive_mae_ = naive_errors(ordered[:, 0], data.panel.bounds)
        adjustment = self._fit_adjustment(data)
        if adjustment is not None:
            phases = data.positions - (len(values) - len(self.last_window_))
            ordered, _ = seasonal.without_season(adjustment, ordered, phases)
            targets = adjustment.remove(
                targets, seasonal.target_phases(phases, self.horizon)
            )
        if data.count(train) < 2:
            raise self._too_few_origins(data, steps_ahead, data.count(train))
        base = for_windows(
            seasonal.with_season(
                base,
                data.common_step(),
                seasonal_period=self.seasonal_period,
                window_length=self.window_length,
            ),
            n_outputs=steps_ahead,
        )
        padding = self._padding(base)
        if not data.single:
            warn_scale_spread(ordered[:, 0], data.panel, base)
        self._fit_estimator(
            base,
            ordered,
            data.windows(ordered, self.window_length, padding),
            targets,
            data.n_scored(self.horizon, self.strategy, y),
            train,
            data.panel.bounds,
        )
        self._fitted_horizon = self.horizon
        self._fitted_strategy = self.strategy
        self._fitted_window_length = self.window_length
        return self

    def _read_fitted_rows(self, values, index) -> SeriesPanel:
        """``read_rows`` for ``fit``; rows cut by a splitter get the splitter's fix.

        A hole in the time labels or rows out of time order is what ``KFold``
        and ``ShuffleSplit`` make of a series, so the message names the
        time-ordered splitters beside the data fix.
        """
        try:
            return read_rows(values, index, freq=self.freq)
        except ValueError as exc:
            if index is None or index.has_duplicates:  # no splitter makes those
                raise
            raise ValueError(f"{exc} {_SPLITTER_HINT}") from exc

    def _padding(self, estimator) -> str:
        """The padding of the windows ``estimator`` reads (``"auto"`` resolved)."""
        return default_padding(estimator) if self.padding == "auto" else self.padding

    def _check_fitted(self) -> None:
        """Refuse to predict with settings that differ from the fitted ones."""
        check_is_fitted(self, "estimator_")
        for name in ("horizon", "strategy", "window_length"):
            fitted = getattr(self, f"_fitted_{name}", None)
            now = getattr(self, name)
            if fitted is not None and fitted != now:
                raise ValueError(
                    f"{name}={now!r} was set after fit, which used "
                    f"{name}={fitted!r}: the fitted model cannot serve it. "
                    f"Call fit again (fc.fit(series)) or set_params({name}="
                    f"{fitted!r})."
                )

    def _too_few_origins(self, data, steps_ahead, n_train) -> ValueError:
        n = len(data.values)
        if data.single:
            return ValueError(
                f"The series has {n} rows (n_samples={n}); it needs at least "
                f"{steps_ahead + 2} for horizon={self.horizon} with "
                f"strategy={self.strategy!r}."
            )
        sizes = data.panel.sizes
        return ValueError(
            f"The panel has {n} rows in {len(sizes)} series "
            f"(longest {sizes.max()}), leaving {n_train} training origins "
            f"for horizon={self.horizon} with strategy={self.strategy!r}: a series "
            f"gives an origin per row beyond the first {steps_ahead}. Pass "
            f"longer series (at least 2 origins in all)."
        )

    def _remember_ends(self, data: SeriesPanel) -> None:
        """Keep where the fitted series end: what predict and forecast continue.

        A single series keeps its index type, step and last label as they
        are (a RangeIndex forecast stays a RangeIndex, any pandas offset
        works in memory); a panel keeps time codes and step texts per
        series, its ids and each series' last rows NaN-padded to one shape.
        """
        for name in (*PANEL_STATE, "last_window_", "_index_end", "_index_start"):
            self.__dict__.pop(name, None)
        if data.single:
            index, values = data.index, data.values
            keep = min(len(values), self.window_length)
            self.last_window_ = values[len(values) - keep :].copy()
            self._index_like = None if index is None else index[:0]
            self._index_step = data.steps[0]
            if index is not None:
                self._index_end = index[-1]
                self._index_start = index[0]
            return
        panel = data.panel
        self._index_like = self._index_step = None
        self.series_ids_ = panel.ids.to_numpy()
        self.series_last_window_ = series_tails(data.values, panel, self.window_length)
        self._series_next_time = panel.next_codes(data.steps)
        self._series_steps = np.array([step_text(s) for s in data.steps], dtype=object)
        self._series_time_like = time_like(panel.times)
        self._series_id_name = data.index.names[0]

    def _fit_adjustment(self, data: SeriesPanel):
        """Fit ``deseasonalize``'s profile (a single series only), or forget one.

        Phase 0 is the first row of ``last_window_``; its label is
        ``_season_anchor`` (None for an array).
        """
        for name in ("deseasonalize_", "seasonal_profile_", "_season_anchor"):
            self.__dict__.pop(name, None)
        if self.deseasonalize is None:
            return None
        profile = seasonal.fitted_profile(
            self.deseasonalize, self.seasonal_period, data.values[:, 0], data.steps[0]
        )
        origin = len(data.values) - len(self.last_window_)
        self.seasonal_profile_ = np.roll(profile, -origin)  # [p] = profile[p + origin]
        self.deseasonalize_ = self.deseasonalize
        self._season_anchor = None if data.index is None else data.index[origin]
        return self._adjustment()

    def _adjustment(self):
        """The fitted seasonal adjustment, or None."""
        if not hasattr(self, "deseasonalize_"):
            return None
        return seasonal.SeasonalAdjustment(self.deseasonalize_, self.seasonal_profile_)

    def _row_phases(self, index, n_rows):
        return seasonal.row_phases(
            self._season_anchor, self._index_step, self.deseasonalize_, index, n_rows
        )

    def _fit_estimator(self, base, values, windows, targets, n_full, train, bounds):
        """Calibrate (with ``conformal_fraction``), then fit on the ``train`` origins.

        ``train`` selects sorted rows (see ``SeriesPanel.per_series``);
        ``bounds`` delimit the series (see ``calibration_residuals``).
        """
        if self.conformal_fraction > 0:
            self.calibration_residuals_ = calibration_residuals(
                base,
                windows,
                values,
                targets,
                n_full,
                bounds,
                fraction=self.conformal_fraction,
                horizon=self.horizon,
                strategy=self.strategy,
            )
        else:
            self.__dict__.pop("calibration_residuals_", None)
        steps_ahead = self.horizon if self.strategy == "direct" else 1
        self.estimator_ = clone(base).fit(
            windows[train], squeeze(targets[train, :steps_ahead])
        )

    # ---------------------------------------------------------- predict

    def predict(self, X):
        """Forecast the next ``horizon`` target values from every row of ``X``.

        Row ``i`` is the forecast origin: its window ends at row ``i``. When
        ``X`` is pandas data that continues right after the fitted series,
        the fitted observations serve as history for the first windows.

        Parameters
        ----------
        X : pd.Series, pd.DataFrame or array-like
            A series with the columns seen in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_steps,) or (n_steps, horizon)
            1-D when ``horizon == 1``. With covariates and the recursive
            strategy, steps whose covariates lie beyond ``X`` are NaN.
        """
        self._check_fitted()
        paths = self._paths_of(self._read(X, steps=False))
        return paths[:, 0] if self.horizon == 1 else paths

    def _paths_of(self, data: SeriesPanel) -> np.ndarray:
        """(n_rows, horizon) forecasts made at every row, in the caller's order."""
        ordered, histories = data.ordered, self._histories(data)
        # A fit with deseasonalize was a single series; only a single
        # series has its phases (a panel X after it is read as it is).
        adjustment = self._adjustment() if data.single else None
        if adjustment is not None:
            phases = self._row_phases(data.index, len(ordered))
            ordered, history = seasonal.without_season(
                adjustment, ordered, phases, histories[0]
            )
            histories = [history]
        padding = self._padding(self.estimator_)
        windows = data.windows(ordered, self.window_length, padding, histories)
        paths = forecast_paths(
            self.estimator_,
            windows,
            ordered,
            np.arange(len(ordered)),
            horizon=self.horizon,
            strategy=self.strategy,
            ends=data.ends,
        )
        if adjustment is not None:
            paths = adjustment.restore(
                paths, seasonal.target_phases(phases, self.horizon)
            )
        return data.in_caller_order(paths)

    def _histories(self, data: SeriesPanel) -> list:
        """The fitted last rows of each series ``data`` continues, else None.

        A single series continues a single-series fit when its index is of
        the fitted type and starts one step after the fitted end; a panel's
        series continue the fitted series of the same id (see
        ``continued_tails``). Neither continues the other kind of fit.
        """
        if data.single:
            index = data.index
            continues = (
                index is not None
                and self._index_step is not None
                and len(index) > 0
                and type(index) is type(self._index_like)
                and index[0] == self._index_end + self._index_step
            )
            return [self.last_window_[1:] if continues else None]
        if not hasattr(self, "series_ids_"):
            return [None] * len(data.panel.ids)
        return continued_tails(
            data.panel,
            self.series_ids_,
            self.series_last_window_[:, 1:],
            self._series_next_time,
            self._series_time_like,
        )

    # --------------------------------------------------------- forecast

    def forecast(
        self, X=None, *, future_covariates=None, coverage=None, quantiles=None
    ):
        """Forecast the ``horizon`` steps after the end of a series.

        Parameters
        ----------
        X : pd.Series, pd.DataFrame, array-like or None, default=None
            Recent history (at least one row; a panel: of every series to
            forecast); None forecasts after the end of the fitted series.
        future_covariates : array-like of shape (horizon, n_features_in_ - 1), \
default=None
            Known future values of the covariates; required for the recursive
            strategy when the series has covariates. A pandas table is
            matched by time: its index must be the forecast's future labels
            (for a panel, ``(series id, future time)`` of every series, rows
            in any order); rows late, reversed, missing or of another index
            type are refused. Its columns are matched by name (any order;
            the target column may be there and is ignored; other columns
            are refused). An array is read by position: row ``k`` is step
            ``k + 1``, columns in the fitted order, target left out.
        coverage : float or None, default=None
            Also return split-conformal prediction intervals with this
            coverage (for example 0.9); needs ``conformal_fraction > 0``.
        quantiles : True, sequence of float or None, default=None
            Quantile forecasts instead, of all the estimator's levels (True)
            or the listed ones: needs ``LSTMRegressor(loss="quantile")`` and
            the direct strategy (or ``horizon=1``); not with ``coverage``.

        Returns
        -------
        forecast : pd.DataFrame
            One row per future step, indexed by the future labels
            (timestamps inferred from the index frequency) or by ``0 ..
            horizon - 1`` after the end for numpy input; for a panel by
            ``(series id, future time)``. Always a DataFrame: the point
            forecast in a column named after the target (``"forecast"``
            when the target has no string name), plus ``lower`` and
            ``upper`` with ``coverage`` (a target named ``lower`` or
            ``upper`` is refused there: rename it); with ``quantiles``,
            one column per level instead, labelled by the level.

        Raises
        ------
        ValueError
            When ``horizon``, ``strategy`` or ``window_length`` changed
            since ``fit`` (fit again), or ``future_covariates`` is not
            aligned with the forecast (see above).
        TypeError
            When ``coverage`` is not a number.

        Examples
        --------
        A panel's forecasts are indexed by ``(series id, future time)``:

        >>> import numpy as np
        >>> import pandas as pd
        >>> from sklearn.linear_model import LinearRegression
        >>> from sklstm import SeriesForecaster
        >>> days = pd.date_range("2024-01-01", periods=10, freq="D")
        >>> index = pd.MultiIndex.from_product([["a", "b"], days], names=["id", "day"])
        >>> panel = pd.Series(np.r_[np.arange(10.0), np.arange(5.0, 15.0)], index=index,
        ...                   name="sales")
        >>> fc = SeriesForecaster(LinearRegression(), window_length=2, horizon=2)
        >>> forecast = fc.fit(panel).forecast()
        >>> forecast["sales"].round(6).tolist()
        [10.0, 11.0, 15.0, 16.0]
        >>> forecast.index[2], forecast.index.names
        (('b', Timestamp('2024-01-11 00:00:00')), FrozenList(['id', 'day']))
        """
        self._check_fitted()
        coverage = _checked_coverage(coverage)
        if X is None:
            ends = self._fitted_ends()
        else:
            data = self._read(X)
            ends = data.last_rows()
        blocks = ends.blocks
        # As in predict: only a single series has the fitted phases.
        adjustment = self._adjustment() if ends.single else None
        if adjustment is not None:
            if X is None:  # last_window_: its first row is phase 0
                phases = np.arange(len(blocks[0]))
            else:
                phases = self._row_phases(data.index, len(blocks[0]))
            blocks = [seasonal.without_season(adjustment, blocks[0], phases)[0]]
        labels = ends.future_labels(self.horizon)
        windows = np.stack(
            [
                sliding_windows(
                    b, self.window_length, padding=self._padding(self.estimator_)
                )[-1]
                for b in blocks
            ]
        )
        if quantiles is not None:
            table = quantile_frame(
                self.estimator_,
                windows,
                labels,
                quantiles,
                coverage,
                horizon=self.horizon,
                strategy=self.strategy,
            )
        else:
            table = self._forecast_table(
                windows, blocks, labels, ends.single, future_covariates, coverage
            )
        if adjustment is not None:  # forecasts, bounds, quantiles alike
            table = seasonal.restore_table(adjustment, table, phases[-1])
        return table

    def _forecast_table(self, windows, blocks, labels, single, future, coverage):
        """Point forecasts (and intervals) of the window after each block."""
        lengths = np.array([len(b) for b in blocks])
        if self.n_features_in_ > 1 and self.strategy == "recursive":
            futures = future_covariates_of(
                future,
                labels,
                single=single,
                horizon=self.horizon,
                n_covariates=self.n_features_in_ - 1,
                names=getattr(self, "feature_names_in_", None),
                target_name=self.target_name_,
            )
            blocks = [
                np.vstack([b, np.column_stack([np.full(self.horizon, np.nan), f])])
                for b, f in zip(blocks, futures, strict=True)
            ]
        ends = np.cumsum([len(b) for b in blocks])
        paths = forecast_paths(
            self.estimator_,
            windows,
            np.concatenate(blocks),
            ends - np.array([len(b) for b in blocks]) + lengths - 1,
            horizon=self.horizon,
            strategy=self.strategy,
            ends=ends,
        )
        residuals = getattr(self, "calibration_residuals_", None)
        return forecast_table(paths, labels, self.target_name_, residuals, coverage)

    def _fitted_ends(self) -> SeriesEnds:
        """Where the fitted series end, as new rows would give it."""
        if not hasattr(self, "series_ids_"):  # a single series
            return SeriesEnds(
                pd.Index([0]),
                [self.last_window_],
                [self._index_end if self._index_like is not None else None],
                [self._index_step],
                self._index_like,
                None,
                "the fitted series",
                True,
            )
        like = self._series_time_like
        steps = [step_value(text, like) for text in self._series_steps]
        nexts = labels_from_codes(self._series_next_time, like)
        lasts = [
            n - s if s is not None else None for n, s in zip(nexts, steps, strict=True)
        ]
        return SeriesEnds(
            pd.Index(self.series_ids_),
            # NaN rows stand for a fitted series shorter than the window.
            [w[~np.isnan(w).any(axis=1)] for w in self.series_last_window_],
            lasts,
            steps,
            like,
            [self._series_id_name, like.name],
            "the fitted panel",
            False,
        )

    # ------------------------------------------------------------ score

    def score(self, X, y=None, sample_weight=None):
        """R^2 of the forecasts made at each row of ``X`` against what followed.

        Used by ``GridSearchCV`` when ``scoring`` is not given: with
        ``TimeSeriesSplit``, the test fold continues the training fold, so
        its first windows use real history.

        Parameters
        ----------
        X : pd.Series, pd.DataFrame or array-like
            A series with the columns seen in ``fit``.
        y : array-like of shape (n_steps,) or (n_steps, horizon), default=None
            The next ``horizon`` target values of every row of ``X`` (as
            ``frame_supervised`` returns them); every row is then scored.
            None scores the rows whose horizon lies in ``X``.
        sample_weight : array-like of shape (n_steps,), default=None
            Weights of the scored rows, as for any sklearn regressor.

        Returns
        -------
        score : float
            R^2 over all origins and horizon steps (uniform average of the
            per-step R^2); a panel's origins of all series pooled.
        """
        from sklearn.metrics import r2_score

        scored = self._scored(X, y, sample_weight)
        return float(
            r2_score(scored.y_true, scored.y_pred, sample_weight=scored.sample_weight)
        )

    def _scored(self, X, y=None, sample_weight=None) -> ScoredRows:
        """The scored rows of ``X``: forecasts, what followed, and their series.

        What ``score`` compares, and :func:`sklstm.metrics.forecast_scorer`
        with any metric: the rows of ``X`` (sorted by series and time) whose
        horizon is observed in ``X`` (or every row, given ``y``).
        """
        self._check_fitted()
        data = self._read(X, steps=False)
        paths = data.in_order(self._paths_of(data))
        actual = data.targets(y, self.horizon)
        scored = data.per_series(data.n_scored(self.horizon, self.strategy, y))
        if data.count(scored) < 2:
            n = len(data.values)
            where = (
                f"X has {n} rows"
                if data.single
                else f"the panel X has {n} rows in {len(data.panel.ids)} series"
            )
            fix = "a longer X" if data.single else "longer series"
            raise ValueError(
                f"Scoring needs at least 2 rows whose horizon is observed; "
                f"{where} with horizon={self.horizon}: pass y or {fix}."
            )
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight)[data.panel.order[scored]]
        codes = np.repeat(np.arange(len(data.panel.ids)), data.panel.sizes)
        return ScoredRows(
            squeeze(actual[scored]),
            squeeze(paths[scored]),
            sample_weight,
            data.panel.ids[codes[scored]] if not data.single else None,
        )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()  # regressor tags from RegressorMixin
        # y is optional: without it the targets come from the series itself.
        tags.target_tags.required = False
        tags.target_tags.single_output = True
        tags.target_tags.multi_output = self.horizon > 1  # y is (n, horizon)
        return tags


def LSTMRegressorDefault():
    """The default window regressor (imported late to keep imports light)."""
    from ..estimators._regressor import LSTMRegressor

    return LSTMRegressor()
