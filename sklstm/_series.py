"""Series input, read once: shape, target column, future values and index step.

Every entry point that takes a series (the transformer, the framing helpers
and the forecaster) reads it here, so that a rule (which target a user may
name, when an index counts as regular, what an error says) is written once.

The index is extracted only in :func:`as_2d`; a panel input (a pandas object
indexed by ``(series id, time)``) would be one more case there and in
:class:`SeriesInput`, not a change in every caller.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd
from pandas.tseries.frequencies import to_offset
from scipy import sparse


def shape_error(ndim: int) -> ValueError:
    """The error for input that is neither one series nor a table of series.

    Parameters
    ----------
    ndim : int
        Number of dimensions of the input.

    Returns
    -------
    ValueError
        The error to raise.

    Examples
    --------
    >>> from sklstm._series import shape_error
    >>> print(shape_error(3))
    Expected a series of shape (n_steps,) or (n_steps, n_features), got an \
array with 3 dimensions.
    """
    return ValueError(
        f"Expected a series of shape (n_steps,) or (n_steps, n_features), "
        f"got an array with {ndim} dimensions."
    )


def non_numeric_error(bad: list) -> TypeError:
    """The error for columns a model cannot read (strings, categories, dates).

    Parameters
    ----------
    bad : list of (label, dtype)
        The offending columns.

    Returns
    -------
    TypeError
        The error to raise.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm._series import non_numeric_error
    >>> print(non_numeric_error([("b", np.dtype(object))]))
    The series must be numeric, but column(s) ['b'] have dtype ['object']; \
encode categorical or string columns as numbers, or drop them, first.
    """
    return TypeError(
        f"The series must be numeric, but column(s) "
        f"{[label for label, _ in bad]} have dtype "
        f"{sorted({str(d) for _, d in bad})}; encode categorical or "
        f"string columns as numbers, or drop them, first."
    )


def non_numeric_columns(frame: pd.DataFrame) -> list:
    """The ``(label, dtype)`` pairs of a frame's non-numeric columns.

    Parameters
    ----------
    frame : pd.DataFrame
        The series as a table.

    Returns
    -------
    bad : list of (label, dtype)

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm._series import non_numeric_columns
    >>> non_numeric_columns(pd.DataFrame({"a": [1.0], "b": ["x"]}))[0][0]
    'b'
    """
    return [(label, d) for label, d in frame.dtypes.items() if not _is_number(d)]


def non_finite_error() -> ValueError:
    """The error for NaN or infinity inside a series.

    Returns
    -------
    ValueError
        The error to raise.

    Examples
    --------
    >>> from sklstm._series import non_finite_error
    >>> print(non_finite_error())
    The series contains NaN or infinity. Fill or interpolate it first \
(e.g. series.interpolate()).
    """
    return ValueError(
        "The series contains NaN or infinity. Fill or interpolate it "
        "first (e.g. series.interpolate())."
    )


def as_2d(X: Any) -> tuple[Any, pd.Index | None]:
    """One column per series, and the pandas index when there is one.

    A ``pd.Series`` becomes a one-column frame and 1-D array-likes a column
    vector. Anything else is returned as it is: the transformer hands it to
    sklearn's ``validate_data``, whose wording of shape and sparse-input
    errors sklearn's estimator checks expect.

    Parameters
    ----------
    X : object
        Series input: ``pd.Series``, ``pd.DataFrame``, array or list.

    Returns
    -------
    data : pd.DataFrame, ndarray or object
        ``X`` with one column per series.
    index : pd.Index or None
        The index of pandas input, None otherwise.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm._series import as_2d
    >>> data, index = as_2d(pd.Series([1.0, 2.0], name="a"))
    >>> data.shape, list(data.columns), list(index)
    ((2, 1), ['a'], [0, 1])
    >>> as_2d([1.0, 2.0])[0].shape
    (2, 1)
    """
    if isinstance(X, pd.Series):
        return X.to_frame(), X.index
    if isinstance(X, pd.DataFrame):
        return X, X.index
    if hasattr(X, "__array__") or isinstance(X, list | tuple):
        arr = np.asarray(X)
        return (arr.reshape(-1, 1) if arr.ndim == 1 else arr), None
    return X, None


def _is_number(dtype) -> bool:
    return pd.api.types.is_numeric_dtype(dtype) and not (
        pd.api.types.is_complex_dtype(dtype)
    )


@dataclass(frozen=True, eq=False)
class SeriesInput:
    """A series as the user gave it, plus its canonical 2-D form.

    Build it with :func:`read_series`.

    Parameters
    ----------
    kind : {"series", "frame", "array"}
        What the user passed: ``pd.Series``, ``pd.DataFrame`` or an
        array-like (list, numpy array).
    original : pd.Series, pd.DataFrame or ndarray
        The input; array-likes as a 1-D or 2-D numpy array.
    data : pd.DataFrame or ndarray of shape (n_steps, n_columns)
        One column per series.
    index : pd.Index or None
        The pandas index, None for array-likes.
    columns : list
        Column labels; positions ``0 .. n_columns - 1`` for array-likes.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm._series import read_series
    >>> series = read_series(np.arange(6.0).reshape(3, 2))
    >>> series.kind, series.columns, len(series), series.by_name
    ('array', [0, 1], 3, False)
    """

    kind: str
    original: pd.Series | pd.DataFrame | np.ndarray
    data: pd.DataFrame | np.ndarray
    index: pd.Index | None
    columns: list

    def __len__(self) -> int:
        return len(self.data)

    @property
    def ndim(self) -> int:
        """Dimensions of the input: 1 for a single series given as 1-D."""
        return self.original.ndim

    @property
    def by_name(self) -> bool:
        """Whether columns (and so the target) are named rather than numbered."""
        return self.kind != "array"

    def head(self, n: int) -> pd.Series | pd.DataFrame | np.ndarray:
        """The first ``n`` rows, of the same kind as the input.

        Parameters
        ----------
        n : int
            Number of rows.

        Returns
        -------
        head : pd.Series, pd.DataFrame or ndarray
            The pandas index is kept.

        Examples
        --------
        >>> import pandas as pd
        >>> from sklstm._series import read_series
        >>> read_series(pd.Series([1, 2, 3], index=[10, 20, 30])).head(2)
        10    1
        20    2
        dtype: int64
        """
        if self.kind == "array":
            return self.original[:n]
        return self.original.iloc[:n]

    def column(self, position: int) -> np.ndarray:
        """The values of one column, in their own dtype.

        Parameters
        ----------
        position : int
            Column position (see :func:`target_position`).

        Returns
        -------
        values : ndarray of shape (n_steps,)

        Examples
        --------
        >>> import pandas as pd
        >>> from sklstm._series import read_series
        >>> read_series(pd.DataFrame({"a": [1, 2], "b": [3, 4]})).column(1)
        array([3, 4])
        """
        if self.kind == "array":
            return self.data[:, position]
        return self.data.iloc[:, position].to_numpy()

    def numeric_values(
        self, dtype=None, *, min_rows: int = 0, finite: bool = False
    ) -> np.ndarray:
        """The 2-D values as floats, refusing what a model cannot read.

        Parameters
        ----------
        dtype : numpy dtype or None, default=None
            Float dtype of the result. None keeps float32 data in float32 and
            turns integers, booleans and mixed columns into float64.
        min_rows : int, default=0
            Fewest rows accepted.
        finite : bool, default=False
            Whether to refuse NaN and infinity.

        Returns
        -------
        values : ndarray of shape (n_steps, n_columns)
            May share memory with the input.

        Raises
        ------
        TypeError
            When a column is not numeric (strings, categories, dates).
        ValueError
            When there are fewer than ``min_rows`` rows, or a NaN or an
            infinite value with ``finite=True``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklstm._series import read_series
        >>> read_series(np.arange(3, dtype=np.int64)).numeric_values().dtype
        dtype('float64')
        >>> read_series([1.0, np.nan]).numeric_values(finite=True)
        Traceback (most recent call last):
        ...
        ValueError: The series contains NaN or infinity. Fill or interpolate \
it first (e.g. series.interpolate()).
        """
        pandas = self.kind != "array"
        if pandas:
            dtypes = list(self.data.dtypes)
        else:
            dtypes = [self.data.dtype] * len(self.columns)
        pairs = zip(self.columns, dtypes, strict=True)
        if any(pd.api.types.is_complex_dtype(d) for d in dtypes):
            raise ValueError(
                "Complex data not supported: the series must hold real numbers "
                "(take .real or abs() first)."
            )
        bad = [(label, d) for label, d in pairs if not _is_number(d)]
        if bad:
            raise non_numeric_error(bad)
        if dtype is None:
            common = self.data.iloc[:0].to_numpy().dtype if pandas else dtypes[0]
            # Promoting with float32 keeps float32 (and small integers) small;
            # a frame mixing bools and floats has a common dtype of object.
            dtype = (
                np.result_type(common, np.float32)
                if common.kind in "biuf"
                else np.float64
            )
        if pandas:
            values = self.data.to_numpy(dtype=dtype)
        else:
            values = self.data.astype(dtype, copy=False)
        if len(values) < min_rows:
            raise ValueError(
                f"The series has {len(values)} rows; it needs at least {min_rows}."
            )
        if finite and not np.isfinite(values).all():
            raise non_finite_error()
        return values


def _numbers_from_objects(array: np.ndarray) -> np.ndarray:
    # An object array of numbers is numbers (sklearn's habit); anything else
    # in it is refused with numpy's reason and our fix.
    try:
        return array.astype(np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(
            f"The series must be numeric, but the array holds other objects "
            f"({exc}); encode them as numbers first."
        ) from None


def read_series(X: Any) -> SeriesInput:
    """Read series input into its canonical form, or refuse its shape.

    Parameters
    ----------
    X : pd.Series, pd.DataFrame or array-like of shape (n_steps,) or \
(n_steps, n_columns)
        The series, oldest observation first.

    Returns
    -------
    series : SeriesInput
        The input, its 2-D form, index and column labels. Values are not
        checked: see :meth:`SeriesInput.numeric_values`.

    Raises
    ------
    ValueError
        When the input is not 1-D or 2-D, or has no columns.
    TypeError
        For sparse input, or an object array holding something other than
        numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm._series import read_series
    >>> series = read_series(pd.Series([1.0, 2.0, 3.0], name="sales"))
    >>> series.kind, series.columns, series.ndim, series.data.shape
    ('series', ['sales'], 1, (3, 1))
    >>> read_series([[[1.0]]])
    Traceback (most recent call last):
    ...
    ValueError: Expected a series of shape (n_steps,) or (n_steps, n_features), \
got an array with 3 dimensions.
    """
    if isinstance(X, pd.Series):
        kind, original = "series", X
    elif isinstance(X, pd.DataFrame):
        kind, original = "frame", X
    else:
        if sparse.issparse(X):
            raise TypeError(
                "Sparse input is not supported: a series is dense. Convert it "
                "with X.toarray()."
            )
        kind, original = "array", np.asarray(X)
        if original.dtype == object:
            original = _numbers_from_objects(original)
        if original.ndim not in (1, 2):
            raise shape_error(original.ndim)
    data, index = as_2d(original)
    if data.shape[1] == 0:
        raise ValueError(
            f"The series has no columns: 0 feature(s) (shape={data.shape}) "
            f"while a minimum of 1 is required."
        )
    columns = list(data.columns) if kind != "array" else list(range(data.shape[1]))
    return SeriesInput(kind, original, data, index, columns)


def target_position(columns: list, target: Any, *, by_name: bool) -> int:
    """The position of the target column: one rule for every entry point.

    Parameters
    ----------
    columns : list
        Column labels of the series.
    target : object
        The column to predict: a label when ``by_name``, otherwise an int
        position in ``[-n_columns, n_columns)`` (negative counts from the
        end). None is accepted only for a single column.
    by_name : bool
        Whether columns are named (pandas input) or numbered (arrays).

    Returns
    -------
    position : int
        In ``[0, n_columns)``.

    Examples
    --------
    >>> from sklstm._series import target_position
    >>> target_position(["sales", "price"], "price", by_name=True)
    1
    >>> target_position([0, 1, 2], -1, by_name=False)
    2
    >>> target_position([0], None, by_name=False)
    0
    """
    n = len(columns)
    if target is None:
        if n == 1:
            return 0
        if by_name:
            raise ValueError(
                f"The series has {n} columns; name the one to predict with "
                f"target=<column name> (one of {columns})."
            )
        raise ValueError(
            f"The array has {n} columns; give the position of the one to "
            f"predict with target=<int> in [{-n}, {n})."
        )
    if by_name:
        if target not in columns:
            raise ValueError(
                f"target={target!r} is not a column; columns are {columns}."
            )
        return columns.index(target)
    # bool is an Integral, but target=True is a mistake, not column 1.
    if not isinstance(target, Integral) or isinstance(target, bool):
        valid = False
    else:
        valid = -n <= target < n
    if not valid:
        raise ValueError(
            f"target must be a column position in [{-n}, {n}) for an array "
            f"input, got {target!r}."
        )
    return int(target) % n


def future_values(
    values: np.ndarray, horizon: int, n_rows: int | None = None, *, fill=None
) -> np.ndarray:
    """The next ``horizon`` values after each row: column ``k`` is ``k + 1`` ahead.

    Parameters
    ----------
    values : array-like of shape (n_steps,)
        One series.
    horizon : int
        Number of future values per row (``>= 1``).
    n_rows : int or None, default=None
        Number of rows; None means ``n_steps - horizon``, the rows whose
        whole horizon is observed.
    fill : scalar or None, default=None
        Value for the steps after the end of ``values``; None refuses rows
        whose horizon runs past the end.

    Returns
    -------
    future : ndarray of shape (n_rows, horizon)
        ``future[i, k] == values[i + k + 1]``. A new array, never a view.

    Examples
    --------
    >>> import numpy as np
    >>> from sklstm._series import future_values
    >>> future_values(np.array([1, 2, 3, 4]), 2)
    array([[2, 3],
           [3, 4]])
    >>> future_values(np.array([1.0, 2.0, 3.0]), 2, 3, fill=np.nan)
    array([[ 2.,  3.],
           [ 3., nan],
           [nan, nan]])
    """
    if horizon < 1:
        raise ValueError(f"horizon must be >= 1, got {horizon}.")
    values = np.asarray(values)
    if n_rows is None:
        n_rows = len(values) - horizon
    if fill is not None:
        values = np.concatenate([values, np.full(horizon, fill)])
    if n_rows < 0 or n_rows + horizon > len(values):
        raise ValueError(
            f"{n_rows} rows with horizon={horizon} need {n_rows + horizon} "
            f"values, got {len(values)}; pass fill=... to pad the end."
        )
    return np.stack([values[k + 1 : k + 1 + n_rows] for k in range(horizon)], axis=1)


def _time_order_error(index: pd.Index, name: str) -> ValueError:
    problem = (
        "has duplicate labels"
        if index.is_monotonic_increasing
        else "is not sorted in time order"
    )
    return ValueError(
        f"The index of {name} {problem}; it must be strictly increasing, or "
        f"windows would mix unrelated rows. Sort it ({name}.sort_index()) and "
        f"drop duplicate labels first."
    )


def _is_time_like(index: pd.Index) -> bool:
    return isinstance(index, pd.DatetimeIndex | pd.PeriodIndex) or (
        pd.api.types.is_numeric_dtype(index.dtype)
    )


def check_time_order(index: pd.Index | None, *, name: str = "X") -> None:
    """Refuse a time-like index (dates, periods, numbers) not strictly increasing.

    Other indexes (strings, for example) carry no order and pass.

    Parameters
    ----------
    index : pd.Index or None
        The index of the series; None (array input) passes.
    name : str, default="X"
        How the data is called in the error message.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm._series import check_time_order
    >>> check_time_order(pd.Index(["b", "a"]))  # strings carry no order
    >>> check_time_order(pd.Index([1, 2, 2]))
    Traceback (most recent call last):
    ...
    ValueError: The index of X has duplicate labels; it must be strictly \
increasing, or windows would mix unrelated rows. Sort it (X.sort_index()) and \
drop duplicate labels first.
    """
    if index is None or not _is_time_like(index):
        return
    if not (index.is_monotonic_increasing and index.is_unique):
        raise _time_order_error(index, name)


def _infer_freq(index: pd.DatetimeIndex):
    with warnings.catch_warnings():
        # pandas 3 announces that infer_freq will return an offset; we
        # convert explicitly either way.
        warnings.filterwarnings("ignore", message=".*infer_freq.*")
        try:
            inferred = pd.infer_freq(index)
        except (TypeError, ValueError):
            return None
    return None if inferred is None else to_offset(inferred)


def infer_offset(index: pd.DatetimeIndex):
    """The index's frequency as a pandas offset, or None when irregular.

    Parameters
    ----------
    index : pd.DatetimeIndex
        The index.

    Returns
    -------
    offset : pandas offset or None

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm._series import infer_offset
    >>> infer_offset(pd.DatetimeIndex(["2024-01-01", "2024-01-02", "2024-01-03"]))
    <Day>
    """
    if index.freq is not None:
        return index.freq
    if len(index) < 3:
        return None
    return _infer_freq(index)


def suggest_offset(index: pd.DatetimeIndex):
    """The most likely frequency of a sorted ``DatetimeIndex`` with gaps.

    ``pd.infer_freq`` gives up on a whole index with one missing month; runs
    of consecutive labels still show the frequency. Among the frequencies
    inferred on short runs, the coarsest whose grid holds every label wins
    (business days over calendar days for weekday data); failing that, the
    most common difference between labels.

    Parameters
    ----------
    index : pd.DatetimeIndex
        Sorted, unique labels.

    Returns
    -------
    offset : pandas offset or None
        None for fewer than three labels.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm._series import suggest_offset
    >>> months = pd.date_range("2020-01-01", periods=24, freq="MS").delete(5)
    >>> suggest_offset(months)
    <MonthBegin>
    """
    offset = infer_offset(index)
    if offset is not None or len(index) < 3:  # two labels prove no frequency
        return offset
    run, n = 3, len(index)
    # At most about 200 runs: this only shapes an error message.
    starts = range(0, max(n - run + 1, 1), max(1, (n - run) // 200 + 1))
    counts: dict = {}
    for start in starts:
        found = _infer_freq(index[start : start + run])
        if found is not None:
            counts[found] = counts.get(found, 0) + 1
    covering = []
    for candidate in sorted(counts, key=counts.get, reverse=True):
        grid = pd.date_range(index[0], index[-1], freq=candidate)
        if index.isin(grid).all():
            covering.append((len(grid), candidate))
    if covering:
        return min(covering, key=lambda pair: pair[0])[1]
    if counts:
        return max(counts, key=counts.get)
    # index.values keeps the index's own time unit (pandas 3 may use "s" or "us").
    steps, times = np.unique(np.diff(index.values), return_counts=True)
    common = pd.Timedelta(steps[np.argmax(times)])
    if common % pd.Timedelta(days=1) == pd.Timedelta(0):
        return to_offset(f"{common.days}D")
    return to_offset(common)


def _datetime_step(index: pd.DatetimeIndex, freq, name: str):
    """Strict step of a DatetimeIndex: the frequency, or an error with the fix."""
    step = freq if freq is not None else suggest_offset(index)
    if step is None:
        raise ValueError(
            f"The DatetimeIndex of {name} has {len(index)} label(s) and no "
            f"frequency, too few to infer one: pass freq=... or give it one "
            f"(e.g. pd.date_range(..., freq='D'))."
        )
    step = to_offset(step)
    if pd.date_range(index[0], periods=len(index), freq=step).equals(index):
        return step
    grid = pd.date_range(index[0], index[-1], freq=step)
    if index.isin(grid).all():
        missing = grid.difference(index)
        raise ValueError(
            f"The DatetimeIndex of {name} has gaps for frequency "
            f"{step.freqstr!r} (first missing: {missing[:3].tolist()}). "
            f"Reindex with {name}.asfreq({step.freqstr!r}) and fill or "
            f"interpolate the missing values."
        )
    off_grid = index.difference(grid)
    raise ValueError(
        f"The DatetimeIndex of {name} has no regular frequency (irregular "
        f"timestamps, e.g. {off_grid[:3].tolist()} are off the "
        f"{step.freqstr!r} grid). Make it regular first, e.g. "
        f"{name}.resample({step.freqstr!r}).mean() or "
        f"{name}.asfreq({step.freqstr!r}), and fill the gaps; pass freq=... "
        f"if another frequency is meant."
    )


def index_step(index: pd.Index, *, strict: bool, freq=None, name: str = "X"):
    """The step between consecutive labels of an index, strictly or leniently.

    Strict mode (the forecaster, and the transformer through
    :func:`checked_step`) proves the index regular or raises. Lenient mode
    never raises and trusts the labels it looks at: the end of an integer
    index, the frequency of a ``DatetimeIndex``, and one period for a
    ``PeriodIndex``.

    Parameters
    ----------
    index : pd.Index
        A ``DatetimeIndex``, ``PeriodIndex``, ``RangeIndex`` or integer index.
    strict : bool
        Whether to raise when the step is not constant (True) or return None
        (False).
    freq : str or pandas offset, default=None
        Frequency to use for a ``DatetimeIndex`` whose frequency cannot be
        inferred (for example fewer than three rows).
    name : str, default="X"
        How the data is called in error messages.

    Returns
    -------
    step : pandas offset, int or None
        None only in lenient mode: no regular step was found.

    Raises
    ------
    ValueError
        Strict mode: the index is unsorted or has duplicates, a
        ``DatetimeIndex`` has gaps (the first missing labels and the
        ``asfreq`` call for its most likely frequency are named) or
        irregular timestamps, integer steps are uneven, or a ``PeriodIndex``
        has gaps.
    TypeError
        Strict mode: the index is of another type.

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm._series import index_step
    >>> index_step(pd.Index([0, 1, 2, 4]), strict=False)  # the last two labels
    2
    >>> index_step(pd.Index([0, 1, 2, 4]), strict=True)
    Traceback (most recent call last):
    ...
    ValueError: The integer index of X has uneven steps (gaps, first missing: \
[3]). Reindex it to a constant step, e.g. X.reindex(range(0, 5, 1)), and fill \
the missing rows.
    >>> index_step(pd.date_range("2024-01-01", periods=4, freq="MS"), strict=True)
    <MonthBegin>
    """
    if not index.is_monotonic_increasing or (strict and not index.is_unique):
        if strict:
            raise _time_order_error(index, name)
        return None
    if isinstance(index, pd.DatetimeIndex):
        if strict:
            return _datetime_step(index, freq, name)
        step = freq if freq is not None else infer_offset(index)
        return None if step is None else to_offset(step)
    if isinstance(index, pd.PeriodIndex):
        if strict and len(index) > 1 and not (np.diff(index.asi8) == 1).all():
            full = pd.period_range(index[0], index[-1], freq=index.freq)
            raise ValueError(
                f"The PeriodIndex of {name} has gaps (first missing: "
                f"{[str(p) for p in full.difference(index)[:3]]}); fill them "
                f"first, e.g. {name}.reindex(pd.period_range({str(index[0])!r}, "
                f"{str(index[-1])!r}, freq={index.freqstr!r}))."
            )
        return 1
    if pd.api.types.is_integer_dtype(index.dtype):
        if not strict:
            if len(index) < 2:
                return None
            step = index[-1] - index[-2]
            return int(step) if step > 0 else None
        if len(index) < 2:
            return 1
        labels = np.asarray(index, dtype=np.int64)
        steps = np.diff(labels)
        if not (steps == steps[0]).all():
            smallest = int(steps.min())
            full = range(int(labels[0]), int(labels[-1]) + 1, smallest)
            missing = sorted(set(full).difference(labels.tolist()))[:3]
            raise ValueError(
                f"The integer index of {name} has uneven steps (gaps, first "
                f"missing: {missing}). Reindex it to a constant step, e.g. "
                f"{name}.reindex(range({full.start}, {full.stop}, {smallest})), "
                f"and fill the missing rows."
            )
        return int(steps[0])
    if not strict:
        return None
    raise TypeError(
        f"The index of {name} is a {type(index).__name__}; use a "
        f"DatetimeIndex, PeriodIndex, RangeIndex or integer index."
    )


def checked_step(index: pd.Index | None, *, name: str = "X"):
    """The Pipeline route's index policy: refuse a broken time axis, else its step.

    The transformer and :func:`~sklstm.frame_supervised` apply the same
    rules as the forecaster wherever the index is a time axis they can
    check: unsorted or duplicated labels, gaps in a ``DatetimeIndex``,
    ``PeriodIndex`` or integer index, and irregular timestamps are refused
    with the fix, because a window spanning a gap silently mixes steps that
    are not adjacent. Where no step can be established (no index, a float or
    string index, a ``DatetimeIndex`` of fewer than three labels without a
    frequency), None is returned and nothing is refused.

    Parameters
    ----------
    index : pd.Index or None
        The index of the series; None for array input.
    name : str, default="X"
        How the data is called in error messages.

    Returns
    -------
    step : pandas offset, int or None

    Examples
    --------
    >>> import pandas as pd
    >>> from sklstm._series import checked_step
    >>> checked_step(pd.RangeIndex(5)), checked_step(pd.Index(["a", "b"]))
    (1, None)
    >>> checked_step(pd.date_range("2020-01-01", periods=6, freq="MS").delete(2))
    Traceback (most recent call last):
    ...
    ValueError: The DatetimeIndex of X has gaps for frequency 'MS' (first \
missing: [Timestamp('2020-03-01 00:00:00')]). Reindex with X.asfreq('MS') \
and fill or interpolate the missing values.
    """
    if index is None:
        return None
    check_time_order(index, name=name)
    short_dates = (
        isinstance(index, pd.DatetimeIndex) and index.freq is None and len(index) < 3
    )
    checkable = isinstance(index, pd.DatetimeIndex | pd.PeriodIndex) or (
        pd.api.types.is_integer_dtype(index.dtype)
    )
    if short_dates or not checkable:
        return None
    return index_step(index, strict=True, name=name)
