"""How many torch threads a batch gets, and the predict block size.

torch's intra-op thread count is process-wide; :class:`torch_threads` sets it
for the duration of a fit or predict call and restores it afterwards, also
when several fits run in parallel threads. :func:`choose_num_threads` picks
one thread for small batches, where threading costs more than it saves, and
:func:`thread_governor` lets the timings of larger ones choose between
torch's team and fewer threads (:mod:`sklstm.nn._thread_governor`). Imported
lazily, on the first fit or load (it imports torch).
"""

from __future__ import annotations

import math
import os
import threading

import torch

from ._thread_governor import ThreadGovernor, ThreadSchedule

# Below about this many multiply-adds in one batch's forward pass (all
# timesteps), splitting work across threads costs more in synchronisation
# than it saves (benchmarks/README.md, "Constants and their measurements").
_SINGLE_THREAD_WORK = 4_000_000


def choose_num_threads(
    n_threads: int | None,
    n_rows: int,
    n_timesteps: int,
    hidden_size: int,
    n_features: int,
) -> int:
    """The torch intra-op thread count for one fit or predict call.

    Parameters
    ----------
    n_threads : int or None
        The user's setting; returned as is unless None.
    n_rows : int
        Rows per batch (a training batch, or a predict block).
    n_timesteps, hidden_size, n_features : int
        Shape of the recurrence.

    Returns
    -------
    int
        1 for batches too small to share, torch's current setting otherwise.
    """
    if n_threads is not None:
        return n_threads
    if unit_work(n_rows, n_timesteps, hidden_size, n_features) < _SINGLE_THREAD_WORK:
        return 1
    return torch.get_num_threads()


def thread_governor(
    n_threads: int | None, threads: int, kind: str, work: float, device: str
) -> ThreadGovernor | None:
    """A governor for a call that starts at ``threads`` threads, or None.

    None where the count is not sklstm's to change: the estimator's
    ``n_threads`` was set, ``OMP_NUM_THREADS`` is in the environment (a
    user's or a launcher's choice, e.g. joblib's workers), or there is one
    thread to begin with; and off the CPU, where kernels run asynchronously
    and a unit's wall time says nothing of its threads. Calls of one
    ``kind`` ("train" batches, "predict" blocks) whose units have about the
    same ``work`` (multiply-adds, within a factor of two) share what their
    governors measured.

    Examples
    --------
    >>> thread_governor(1, 2, "train", 1e8, "cpu") is None  # n_threads is set
    True
    """
    if (
        n_threads is not None
        or threads <= 1
        or str(device) != "cpu"
        or "OMP_NUM_THREADS" in os.environ
    ):
        return None
    key = (kind, threads, round(math.log2(max(work, 1.0))))
    with _SCHEDULES_LOCK:
        schedule = _SCHEDULES.get(key)
        governor = ThreadGovernor(
            threads, set_threads=_set_governed_threads, schedule=schedule
        )
        _SCHEDULES[key] = governor.schedule
    return governor


# What governors measured, by (kind, thread count, log2 of a unit's work).
_SCHEDULES: dict[tuple, ThreadSchedule] = {}
_SCHEDULES_LOCK = threading.Lock()


def unit_work(n_rows: int, n_timesteps: int, hidden_size: int, n_features: int):
    """Multiply-adds of one unit's forward pass over all its timesteps.

    Examples
    --------
    >>> unit_work(32, 3, 50, 1)
    979200
    """
    return n_rows * n_timesteps * 4 * hidden_size * (hidden_size + n_features)


def _set_governed_threads(n: int) -> None:
    # While other fits or predicts run in this process's threads, their
    # teams already share the cores: each keeps to one thread.
    n = 1 if torch_threads.concurrent() else n
    if n != torch.get_num_threads():
        torch.set_num_threads(n)


def predict_block_rows(hidden_size: int, num_directions: int = 1) -> int:
    """Rows per predict block: about 512 KB of gate activations per step.

    Blocks that fit the cache are faster than large ones, and bound memory
    (measured by block rows in benchmarks/README.md, "Constants and their
    measurements").

    Examples
    --------
    >>> predict_block_rows(64), predict_block_rows(4), predict_block_rows(512)
    (512, 4096, 256)
    """
    units = hidden_size * num_directions
    return max(_MIN_BLOCK_ROWS, min(_MAX_BLOCK_ROWS, _BLOCK_GATE_VALUES // units))


_BLOCK_GATE_VALUES = 32768  # rows x hidden units; x 4 gates x 4 bytes = 512 KB
_MIN_BLOCK_ROWS, _MAX_BLOCK_ROWS = 256, 4096


class torch_threads:
    """Context manager: set torch's intra-op threads, restore them on exit.

    The setting is process-wide: while fits or predictions run in several
    Python threads, the caller's setting is saved by the first to enter and
    restored by the last to leave (a thread that interleaved its own
    save/restore could otherwise leave another thread's count behind).
    """

    _lock = threading.Lock()
    _active = 0
    _saved = None

    def __init__(self, n_threads):
        self.n_threads = int(n_threads)

    def __enter__(self):
        cls = type(self)
        with cls._lock:
            if cls._active == 0:
                cls._saved = torch.get_num_threads()
            cls._active += 1
            if self.n_threads != torch.get_num_threads():
                torch.set_num_threads(self.n_threads)
        return self

    @classmethod
    def concurrent(cls) -> bool:
        """Whether more than one call holds the setting now."""
        return cls._active > 1

    def __exit__(self, *exc_info):
        cls = type(self)
        with cls._lock:
            cls._active -= 1
            if cls._active == 0 and torch.get_num_threads() != cls._saved:
                torch.set_num_threads(cls._saved)
