"""Time-ordered cross-validation for panels: many series, one clock.

sklearn's :class:`~sklearn.model_selection.TimeSeriesSplit` splits *rows* in
order, which is right for one series and wrong for several stacked together:
the test fold of a long DataFrame of stores x dates would hold the last
stores, not the last dates. :class:`PanelTimeSeriesSplit` splits the *time
labels* instead, the way TimeSeriesSplit splits rows, and puts every row of a
time label on the same side, so that no series is trained on a date that
another series is tested on.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.model_selection import BaseCrossValidator, TimeSeriesSplit
from sklearn.utils._param_validation import Interval, validate_parameter_constraints


class PanelTimeSeriesSplit(BaseCrossValidator):
    """Expanding-window cross-validation over the time labels of a panel.

    The unique time labels are split as :class:`~sklearn.model_selection.
    TimeSeriesSplit` splits rows (``n_splits`` folds, each test block later
    than its training block, optionally ``gap`` labels apart); then every row
    goes to the side of its time label. Series may have different lengths
    and start dates: a series with no row in a fold's test labels simply has
    no test rows in that fold.

    Fold layout over the time labels (``n_splits=3``, ``gap=1``; ``=`` train,
    ``.`` gap, ``#`` test)::

        time labels  t0 t1 t2 t3 t4 t5 t6 t7 t8 t9
        fold 0        =  =  =  .  #  #
        fold 1        =  =  =  =  =  .  #  #
        fold 2        =  =  =  =  =  =  =  .  #  #

    Every series present at a label contributes its row at that label to the
    same side, whichever series it is.

    Parameters
    ----------
    n_splits : int, default=5
        Number of folds (at least 2).
    test_size : int or None, default=None
        Time labels per test fold; None means
        ``n_time_labels // (n_splits + 1)``.
    gap : int, default=0
        Time labels left out between the end of training and the start of
        each test fold. Use ``horizon - 1`` when each row's target lies
        ``horizon`` steps ahead, so no test target is also a training label.
    max_train_size : int or None, default=None
        Most time labels in a training fold (a sliding instead of an
        expanding window).

    See Also
    --------
    sklearn.model_selection.TimeSeriesSplit : The same split for one series.

    Notes
    -----
    The time label of each row is read from, in this order: the second
    level of a 2-level ``(series id, time)`` :class:`pandas.MultiIndex` of
    ``X``; the ``groups`` argument of :meth:`split` (a time vector, one label
    per row, for plain arrays: pass it as ``groups=`` to ``cross_val_score``
    or ``GridSearchCV.fit``); the index of a pandas ``X`` (a long table
    indexed by date, several rows per date).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> from sklstm import PanelTimeSeriesSplit
    >>> index = pd.MultiIndex.from_product(
    ...     [["a", "b"], pd.date_range("2024-01-01", periods=4, freq="D")],
    ...     names=["series", "time"],
    ... )
    >>> X = pd.DataFrame({"value": np.arange(8.0)}, index=index)
    >>> for train, test in PanelTimeSeriesSplit(n_splits=2).split(X):
    ...     print(train, test)
    [0 1 4 5] [2 6]
    [0 1 2 4 5 6] [3 7]
    """

    _parameter_constraints: dict = {
        "n_splits": [Interval(Integral, 2, None, closed="left")],
        "test_size": [Interval(Integral, 1, None, closed="left"), None],
        "gap": [Interval(Integral, 0, None, closed="left")],
        "max_train_size": [Interval(Integral, 1, None, closed="left"), None],
    }
    # cross_val_score and GridSearchCV route ``groups`` (the time vector) to
    # split, also with metadata routing enabled.
    __metadata_request__split = {"groups": True}

    def __init__(self, n_splits=5, *, test_size=None, gap=0, max_train_size=None):
        self.n_splits = n_splits
        self.test_size = test_size
        self.gap = gap
        self.max_train_size = max_train_size

    def get_n_splits(self, X=None, y=None, groups=None) -> int:
        """The number of folds.

        Parameters
        ----------
        X, y, groups : object
            Ignored; present for sklearn's splitter API.

        Returns
        -------
        n_splits : int
        """
        return self.n_splits

    def split(self, X, y=None, groups=None):
        """Yield ``(train, test)`` row positions, fold by fold.

        Parameters
        ----------
        X : array-like, pd.Series or pd.DataFrame of shape (n_rows, ...)
            The panel (see Notes of the class for where time labels come from).
        y : object
            Ignored.
        groups : array-like of shape (n_rows,), default=None
            The time label of each row, for input without a time index.

        Yields
        ------
        train : ndarray of int
            Positions of the training rows, ascending.
        test : ndarray of int
            Positions of the test rows, ascending.
        """
        params = {name: getattr(self, name) for name in self._parameter_constraints}
        # Stored unchecked in __init__, checked here (sklearn's convention).
        validate_parameter_constraints(
            self._parameter_constraints, params, caller_name=type(self).__name__
        )
        codes, n_times = _time_codes(X, groups)
        test_size = self.test_size or n_times // (self.n_splits + 1)
        if test_size < 1 or n_times - self.gap - test_size * self.n_splits < 1:
            raise ValueError(
                f"The panel has {n_times} distinct time labels, too few for "
                f"n_splits={self.n_splits} test folds of {max(test_size, 1)} "
                f"label(s) after gap={self.gap} and at least one training label. "
                f"Lower n_splits, test_size or gap, or use a longer panel."
            )
        splitter = TimeSeriesSplit(
            n_splits=self.n_splits,
            test_size=test_size,
            gap=self.gap,
            max_train_size=self.max_train_size,
        )
        for train_times, test_times in splitter.split(np.empty((n_times, 1))):
            yield (
                np.flatnonzero(np.isin(codes, train_times)),
                np.flatnonzero(np.isin(codes, test_times)),
            )

    def _iter_test_indices(self, X=None, y=None, groups=None):  # pragma: no cover
        # BaseCrossValidator's split is replaced: training folds are not the
        # complement of the test folds.
        raise NotImplementedError


def _time_codes(X, groups) -> tuple[np.ndarray, int]:
    """Each row's position among the sorted unique time labels, and their count."""
    index = getattr(X, "index", None)
    if isinstance(index, pd.MultiIndex):
        if index.nlevels != 2:
            raise ValueError(
                f"The index of X has {index.nlevels} levels; a panel is indexed "
                f"by 2 levels, (series id, time). Combine the id levels first, "
                f"e.g. X.index = pd.MultiIndex.from_arrays([ids, times])."
            )
        times = index.get_level_values(1)
    elif groups is not None:
        times = pd.Index(np.asarray(groups).ravel())
        n_rows = len(X) if hasattr(X, "__len__") else None
        if n_rows is not None and len(times) != n_rows:
            raise ValueError(
                f"groups has {len(times)} time labels for {n_rows} rows of X; "
                f"pass one time label per row."
            )
    elif isinstance(index, pd.Index):
        times = index
    else:
        raise ValueError(
            "PanelTimeSeriesSplit needs each row's time label: pass X with a "
            "(series id, time) MultiIndex or a time index, or give the time "
            "vector as groups=... (cross_val_score(..., groups=times))."
        )
    if times.hasnans:
        raise ValueError(
            "Some time labels are missing (NaN/NaT); every row needs a time label."
        )
    codes, uniques = pd.factorize(times, sort=True)
    return codes, len(uniques)
