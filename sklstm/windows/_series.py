"""Series input, read once: shape, dtype, target column and future values.

Every entry point that takes a series (the transformer, the framing helpers
and the forecaster) reads it here, so that a rule (which target a user may
name, what an error says) is written once; the rules of its time index
(order, regular step, gaps) live beside it in :mod:`sklstm.windows._index`.

The index is extracted only in :func:`as_2d`. A panel input (a pandas object
indexed by ``(series id, time)``) keeps its MultiIndex there; its rules
(levels, order, per-series steps) are read once by
:func:`sklstm.windows._panel.read_panel`.
"""

from __future__ import annotations

from dataclasses import dataclass
from numbers import Integral
from typing import Any

import numpy as np
import pandas as pd
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
    >>> from sklstm.windows._series import shape_error
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
    >>> from sklstm.windows._series import non_numeric_error
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
    >>> from sklstm.windows._series import non_numeric_columns
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
    >>> from sklstm.windows._series import non_finite_error
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
    >>> from sklstm.windows._series import as_2d
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
    >>> from sklstm.windows._series import read_series
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
        >>> from sklstm.windows._series import read_series
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
        >>> from sklstm.windows._series import read_series
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
        >>> from sklstm.windows._series import read_series
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
    >>> from sklstm.windows._series import read_series
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
    >>> from sklstm.windows._series import target_position
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
    >>> from sklstm.windows._series import future_values
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
