"""Variable-length sequences as one NaN-padded 3-D array (pure numpy).

The estimators of sklstm read leading NaN steps as "nothing observed yet":
the recurrence starts at the first observed step. A list of sequences of
different lengths therefore becomes one array by padding each sequence with
NaN at its *start*, so that every sequence ends at the last step.
"""

from __future__ import annotations

import numpy as np


def pad_sequences(sequences, *, dtype=float) -> np.ndarray:
    """Left-pad sequences of different lengths with NaN into one 3-D array.

    The habit of Keras' ``pad_sequences``, with the padding sklstm reads: NaN
    (not 0, which is a value) and at the start of each sequence (so that the
    last step, which the prediction is made from, is always observed).

    Parameters
    ----------
    sequences : sequence of array-like of shape (n_timesteps_i,) or \
(n_timesteps_i, n_features)
        One array per sample, oldest step first. 1-D arrays are sequences of
        one feature; 2-D arrays must all have the same number of features.
    dtype : float dtype, default=float
        The dtype of the result; it must hold NaN.

    Returns
    -------
    X : ndarray of shape (n_samples, max n_timesteps_i, n_features)
        Sequence ``i`` fills the last ``n_timesteps_i`` steps of ``X[i]``;
        the steps before it are NaN.

    Examples
    --------
    >>> from sklstm import pad_sequences
    >>> pad_sequences([[1.0, 2.0, 3.0], [4.0]])[:, :, 0]
    array([[ 1.,  2.,  3.],
           [nan, nan,  4.]])
    """
    dtype = np.dtype(dtype)
    if dtype.kind != "f":
        raise TypeError(
            f"dtype must be a float dtype (the padding is NaN), got {dtype}; "
            f"use dtype=float or np.float32."
        )
    if isinstance(sequences, np.ndarray) and sequences.dtype != object:
        sequences = list(sequences)
    if not isinstance(sequences, list | tuple) or not len(sequences):
        raise ValueError(
            "pad_sequences takes a non-empty list of arrays, one per sequence, "
            f"got {type(sequences).__name__}."
        )
    arrays = []
    for i, sequence in enumerate(sequences):
        array = np.asarray(sequence)
        if array.dtype.kind not in "biuf":
            raise TypeError(
                f"Sequence {i} has dtype {array.dtype}; sequences must hold numbers."
            )
        if array.ndim == 1:
            array = array[:, None]
        if array.ndim != 2 or len(array) == 0:
            raise ValueError(
                f"Sequence {i} has shape {array.shape}; each sequence must be a "
                f"non-empty array of shape (n_timesteps,) or (n_timesteps, "
                f"n_features)."
            )
        if arrays and array.shape[1] != arrays[0].shape[1]:
            raise ValueError(
                f"Sequence {i} has {array.shape[1]} feature(s), but sequence 0 "
                f"has {arrays[0].shape[1]}; all sequences need the same features."
            )
        arrays.append(array)
    n_timesteps = max(len(array) for array in arrays)
    out = np.full((len(arrays), n_timesteps, arrays[0].shape[1]), np.nan, dtype)
    for row, array in zip(out, arrays, strict=True):
        row[n_timesteps - len(array) :] = array
    return out


def check_not_ragged(X) -> None:
    """Refuse a list of sequences of different lengths, naming pad_sequences.

    numpy's own message for such a list ("inhomogeneous shape") does not say
    what to do; this check runs before the conversion.
    """
    if isinstance(X, np.ndarray) and X.dtype == object and X.ndim == 1:
        items = list(X)
    elif isinstance(X, list | tuple):
        items = X
    else:
        return
    lengths = {len(item) for item in items if hasattr(item, "__len__")}
    if len(lengths) > 1:
        raise ValueError(
            f"X holds sequences of different lengths ({min(lengths)} to "
            f"{max(lengths)} steps). Pad them into one array first: "
            f"X = sklstm.pad_sequences(list_of_sequences) pads each sequence "
            f"with NaN at its start, which the model reads as missing history."
        )
