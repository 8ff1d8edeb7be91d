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

from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, RegressorMixin, _fit_context, clone
from sklearn.utils._param_validation import HasMethods, Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .._state import Fitted, set_fitted_state
from ..windows._index import future_index, index_step
from ..windows._panel import is_panel
from ..windows._series import read_series, target_position
from ..windows._sliding import sliding_windows
from . import _panel as panel
from . import _seasonal_adjustment as seasonal
from ._paths import (
    calibration_residuals,
    check_columns,
    forecast_paths,
    forecast_table,
    future_targets,
    quantile_frame,
    squeeze,
    with_future_covariates,
)
from ._restore import check_restored


class SeriesForecaster(RegressorMixin, BaseEstimator):
    """Forecast the next ``horizon`` values of a series from its recent window.

    Parameters
    ----------
    estimator : regressor or None, default=None
        Regressor fitted on windows ``(n, window_length, n_features)``; None
        means ``LSTMRegressor()``. It is cloned in ``fit``. The target column
        is always feature 0 of the windows, so ``LSTMRegressor``'s
        ``target_feature=0`` refers to it.
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
    padding : {"nan", "zero", "edge"}, default="nan"
        Fill for the missing history of the first windows (see
        :func:`~sklstm.sliding_windows`); use ``"edge"`` for estimators that
        cannot read NaN.
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
        The fitted regressor.
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
    See ``sklstm.forecasting._panel``.

    Without ``y`` a scorer has nothing to compare with: sklearn then warns
    ``"Scoring failed"`` and records NaN. The default ``score(X)`` (used when
    ``scoring`` is not given) needs no ``y``: it compares the forecasts with
    the values of ``X`` that follow each row.

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
    2024-02-10    120.0
    2024-02-11    123.0
    2024-02-12    126.0
    Freq: D, Name: sales, dtype: float64
    """

    _parameter_constraints: dict = {
        "estimator": [HasMethods(["fit", "predict"]), None],
        "window_length": [Interval(Integral, 1, None, closed="left")],
        "horizon": [Interval(Integral, 1, None, closed="left")],
        "strategy": [StrOptions({"direct", "recursive"})],
        "target": "no_validation",  # any hashable column label; checked in fit
        "padding": [StrOptions({"nan", "zero", "edge"})],
        "conformal_fraction": [Interval(Real, 0, 1, closed="left")],
        "freq": [str, None],
        "seasonal_period": [
            Interval(Integral, 2, None, closed="left"),
            StrOptions({"auto"}),
            None,
        ],
        "deseasonalize": [StrOptions(set(seasonal.KINDS)), None],
    }

    # Every fitted attribute, declared once (see sklstm._state).
    _fitted_state = (
        Fitted("estimator_", "estimator"),
        Fitted("n_features_in_", "int"),
        Fitted("feature_names_in_", "names", optional=True),
        Fitted("target_name_", "label"),
        Fitted("last_window_", "array", optional=True),  # not for a panel
        Fitted("calibration_residuals_", "array", optional=True),
        Fitted("_target_pos", "int"),
        Fitted("_index_like", "index_like"),
        Fitted("_index_step", "offset"),
        Fitted("_index_end", "label", optional=True),
        # deseasonalize only (see sklstm.forecasting._seasonal_adjustment).
        Fitted("deseasonalize_", "str", optional=True),
        Fitted("seasonal_profile_", "array", optional=True),
        Fitted("_season_anchor", "label", optional=True),
        # A panel fit only (see sklstm.forecasting._panel).
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
        padding="nan",
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
            check_columns(self, series)
        values = series.numeric_values(np.float64, min_rows=1, finite=True)
        order = [self._target_pos] + [
            i for i in range(values.shape[1]) if i != self._target_pos
        ]
        return values[:, order], series.index

    # -------------------------------------------------------------- fit

    def _n_scored(self, values, y):
        """Rows of X whose whole horizon is observed (and whose path is defined)."""
        n = len(values) - self.horizon if y is None else len(values)
        if self.strategy == "recursive" and values.shape[1] > 1:
            # A recursive path needs the covariates of its next horizon - 1 steps.
            n = min(n, len(values) - self.horizon + 1)
        return n

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
        for name in panel.PANEL_STATE:
            self.__dict__.pop(name, None)
        base = LSTMRegressorDefault() if self.estimator is None else self.estimator
        if is_panel(index):
            if self.deseasonalize is not None:
                raise ValueError(
                    "deseasonalize is not available for a panel yet: each "
                    "series would need its own profile. Use deseasonalize=None."
                )
            seasonal.fit_adjustment(self, None, None, None, 0)  # forget one
            return panel.fit(self, values, index, y, base)
        targets = future_targets(values, index, y, self.horizon)
        self._index_like = None if index is None else index[:0]
        self._index_step = None
        if index is not None:
            self._index_step = index_step(index, strict=True, freq=self.freq)
            self._index_end = index[-1]
        keep = min(len(values), self.window_length)
        self.last_window_ = values[len(values) - keep :].copy()
        origin = len(values) - keep  # phase 0: the first row of last_window_
        seasonal.fit_adjustment(self, values[:, 0], index, self._index_step, origin)
        adjustment = seasonal.adjustment_of(self)
        if adjustment is not None:
            phases = np.arange(len(values)) - origin
            values, _ = seasonal.without_season(adjustment, values, phases)
            targets = adjustment.remove(
                targets, seasonal.target_phases(phases, self.horizon)
            )
        steps_ahead = self.horizon if self.strategy == "direct" else 1
        n_origins = len(values) - steps_ahead if y is None else len(values)
        if n_origins < 2:
            raise ValueError(
                f"The series has {len(values)} rows (n_samples={len(values)}); "
                f"it needs at least {steps_ahead + 2} for horizon={self.horizon} "
                f"with strategy={self.strategy!r}."
            )
        windows = sliding_windows(values, self.window_length, padding=self.padding)
        base = seasonal.with_season(self, base, self._index_step)
        self._fit_estimator(
            base, values, windows, targets, [self._n_scored(values, y)], n_origins
        )
        return self

    def _fit_estimator(
        self, base, values, windows, targets, n_full, train, bounds=None
    ):
        """Calibrate (with ``conformal_fraction``), then fit on the ``train`` origins.

        ``train`` is a count of leading rows, or a mask; ``bounds`` delimit
        the series of a panel (see ``calibration_residuals``).
        """
        bounds = [0, len(values)] if bounds is None else bounds
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
        rows = slice(train) if np.ndim(train) == 0 else train
        self.estimator_ = clone(base).fit(
            windows[rows], squeeze(targets[rows, :steps_ahead])
        )

    # ---------------------------------------------------------- predict

    def _paths(self, model, windows, values, first_origin):
        return forecast_paths(
            model,
            windows,
            values,
            first_origin,
            horizon=self.horizon,
            strategy=self.strategy,
        )

    def _continues(self, index):
        return (
            index is not None
            and self._index_step is not None
            and len(index) > 0
            and type(index) is type(self._index_like)
            and index[0] == self._index_end + self._index_step
        )

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
        check_is_fitted(self, "estimator_")
        values, index = self._series_values(X, fitting=False)
        if is_panel(index):
            return panel.predict(self, values, index)
        if index is not None:
            index_step(index, strict=True, freq=self.freq)
        history = self.last_window_[1:] if self._continues(index) else None
        adjustment = seasonal.adjustment_of(self)
        if adjustment is not None:
            phases = seasonal.row_phases(self, index, len(values))
            values, history = seasonal.without_season(
                adjustment, values, phases, history
            )
        windows = sliding_windows(
            values, self.window_length, padding=self.padding, history=history
        )
        paths = self._paths(self.estimator_, windows, values, 0)
        if adjustment is not None:
            paths = adjustment.restore(
                paths, seasonal.target_phases(phases, self.horizon)
            )
        return paths[:, 0] if self.horizon == 1 else paths

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
            strategy when the series has covariates. For a panel, a
            DataFrame indexed by ``(series id, future time)``.
        coverage : float or None, default=None
            Also return split-conformal prediction intervals with this
            coverage (for example 0.9); needs ``conformal_fraction > 0``.
        quantiles : True, sequence of float or None, default=None
            Quantile forecasts instead, of all the estimator's levels (True)
            or the listed ones: needs ``LSTMRegressor(loss="quantile")`` and
            the direct strategy (or ``horizon=1``); not with ``coverage``.

        Returns
        -------
        forecast : pd.Series or pd.DataFrame
            Indexed by the future labels (timestamps inferred from the index
            frequency) or by ``0 .. horizon - 1`` after the end for numpy
            input; for a panel by ``(series id, future time)``. A DataFrame
            with ``lower`` and ``upper`` columns when ``coverage`` is given;
            with ``quantiles``, one column per level, labelled by the level.
        """
        check_is_fitted(self, "estimator_")
        if (
            X is None
            and hasattr(self, "series_ids_")
            or is_panel(getattr(X, "index", None))
        ):
            return panel.forecast(self, X, future_covariates, coverage, quantiles)
        if X is None:
            values, index = self.last_window_, None
            end, step, like = (
                getattr(self, "_index_end", None),
                self._index_step,
                self._index_like,
            )
        else:
            values, index = self._series_values(X, fitting=False)
            end = step = like = None
            if index is not None:
                step = index_step(index, strict=True, freq=self.freq)
                end, like = index[-1], index[:0]
        adjustment = seasonal.adjustment_of(self)
        if adjustment is not None:
            phases = seasonal.row_phases(self, index, len(values), fitted=X is None)
            values, _ = seasonal.without_season(adjustment, values, phases)
        window = sliding_windows(values, self.window_length, padding=self.padding)[-1:]
        extended = values
        if self.n_features_in_ > 1 and self.strategy == "recursive":
            extended = with_future_covariates(self, values, future_covariates)
        if like is not None:
            labels = future_index(end, step, self.horizon, like)
        else:
            labels = pd.RangeIndex(self.horizon)
        if quantiles is not None:
            table = quantile_frame(self, window, labels, quantiles, coverage)
        else:
            path = self._paths(self.estimator_, window, extended, len(values) - 1)
            residuals = getattr(self, "calibration_residuals_", None)
            table = forecast_table(path, labels, self.target_name_, residuals, coverage)
        if adjustment is not None:  # forecasts, bounds, quantiles alike
            table = seasonal.restore_table(adjustment, table, phases[-1])
        return table

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
            per-step R^2).
        """
        from sklearn.metrics import r2_score

        paths = self.predict(X)
        paths = paths.reshape(len(paths), -1)
        values, index = self._series_values(X, fitting=False)
        if is_panel(index):
            return panel.score(self, values, index, y, paths, sample_weight)
        actual = future_targets(values, index, y, self.horizon)
        n_full = self._n_scored(values, y)
        if n_full < 2:
            raise ValueError(
                f"Scoring needs at least 2 rows whose horizon is observed; X "
                f"has {len(values)} rows with horizon={self.horizon}: pass y or "
                f"a longer X."
            )
        if sample_weight is not None:
            sample_weight = np.asarray(sample_weight)[:n_full]
        return float(
            r2_score(actual[:n_full], paths[:n_full], sample_weight=sample_weight)
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
