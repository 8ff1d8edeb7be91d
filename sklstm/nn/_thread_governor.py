"""Thread count by measurement: torch's team, or fewer threads when they stall.

torch's OpenMP threads spin while they wait for each other. On a quiet
machine that is the fastest way to run a batch; when another process holds
a core, the thread that has to run there gets it only in time slices, every
parallel region waits for it, and a fit can run 3-40x slower
(benchmarks/README.md, "Threads under contention"). Sleeping waits
(``OMP_WAIT_POLICY=PASSIVE``) avoid that, but cost 30% to 4x on a quiet
machine, because waking a sleeping thread is slow.

:class:`ThreadGovernor` keeps torch's spinning team and instead measures:
a fit's training batches (and a long predict's blocks) are units of equal
work, and the governor runs a few of them at each candidate thread count
(torch's count, then halvings down to one), keeps the fastest per row, and
measures again when a unit takes much longer than the chosen count's units
did, and at growing intervals otherwise. A busy neighbour thus costs about
what losing its core costs, not a stalled team.

Only the thread count changes, never the arithmetic's results: the kernels
a fit runs split work across threads without changing the order of any sum
(``tests/nn/test_thread_governor.py`` checks fits at one thread, at two, and
switching between them batch by batch for bit-identical weights, with one and
several features and each cell). The one exception found, oneDNN's LSTM
gradient for one input feature, is avoided by the module
(``SequenceRegressorModule._pads_one_feature``). torch's reductions of more
than 32,768 values to one number can depend on the thread count; in a fit
that is the loss value of a batch with that many terms, and the weight sum
of a weighted batch of that many rows (README, "Reliability").
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

# A unit this many times slower per row than the chosen count's units were
# suggests a new neighbour: after two such units in a row, measure again.
_STALL_FACTOR = 2.5
_STALL_UNITS = 2
# More threads must beat fewer by this much to be chosen: a tie goes to
# fewer threads, which leaves cores to the neighbours.
_MARGIN = 1.03
# A larger count measured less than this many times slower than the smaller
# one gets a second unit before it loses: the first unit after a switch to
# more threads can pay for waking an idle core (1.3-1.7x a unit, seen on a
# VM after a second of one-thread work), which a real stall exceeds.
_RETRY_FACTOR = 2.0
# Units between measurements: the first wait, doubling while the choice
# stands, up to the cap; and at most this many seconds between them.
_FIRST_WAIT, _MAX_WAIT = 64, 4096
_MAX_GAP_S = 2.0


def thread_candidates(max_threads: int) -> tuple[int, ...]:
    """The counts a governor compares: ``max_threads``, then halvings to 1.

    Examples
    --------
    >>> thread_candidates(2), thread_candidates(6), thread_candidates(1)
    ((2, 1), (6, 3, 1), (1,))
    """
    counts = [max(1, int(max_threads))]
    while counts[-1] > 1:
        counts.append(max(1, counts[-1] // 2))
    return tuple(dict.fromkeys(counts))


@dataclass
class ThreadSchedule:
    """What a governor concluded, kept for the next call of the same kind.

    Fits and predicts of one process share it (per kind of unit, see
    ``sklstm.nn._torch_threads.thread_governor``), so a short fit does not
    measure again what the last one just measured.
    """

    choice: int
    n_rounds: int = 0
    wait: int = _FIRST_WAIT
    since: int = 0
    last_round: float = field(default=-math.inf)


class ThreadGovernor:
    """Choose a thread count for each unit of work from the units' timings.

    A measurement round runs one unit at the chosen count and one at a
    neighbouring candidate (the next smaller count, and every other round
    the next larger one), and keeps the faster per row; the larger count,
    measured right after a switch that may have woken an idle core, gets a
    second unit when it lost by less than 2x. Between rounds the chosen
    count runs alone. A round thus costs one unit at a worse count, two
    when the counts are close: under a busy neighbour a unit of torch's
    full team can take ten times one of a single thread, so the governor
    never measures more than it has to. The first unit of each call builds
    caches and optimizer state: it runs, but is not counted.

    Parameters
    ----------
    max_threads : int
        The most threads to use (torch's count when the call started).
    set_threads : callable
        Called with a thread count before a unit that needs a different one
        (``torch.set_num_threads``).
    schedule : ThreadSchedule or None, default=None
        The conclusions of earlier calls, updated in place; None starts
        afresh.
    clock : callable, default=time.perf_counter
        Seconds, for the timings.

    Attributes
    ----------
    choice : int
        The count used between measurements.
    n_rounds : int
        Measurement rounds so far (over the calls sharing the schedule).

    Examples
    --------
    A neighbour that makes two threads slower than one:

    >>> seen = []
    >>> governor = ThreadGovernor(2, set_threads=seen.append)
    >>> cost = {2: 3.0, 1: 1.0}  # seconds per row at each count
    >>> for _ in range(6):
    ...     threads = governor.next_threads()
    ...     governor.record(cost[threads] * 10, rows=10)
    >>> governor.choice, seen  # a warm-up at 1, then 1 and 2 measured
    (1, [1, 2, 1])
    """

    def __init__(
        self,
        max_threads: int,
        *,
        set_threads: Callable[[int], object],
        schedule: ThreadSchedule | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self.candidates = thread_candidates(max_threads)
        self.set_threads = set_threads
        self.clock = clock
        if schedule is None or schedule.choice not in self.candidates:
            schedule = ThreadSchedule(self.candidates[0])
        self.schedule = schedule
        self._current: int | None = None
        self._baseline: float | None = None
        self._stalls = 0
        self._typical_rows = 0
        # Counts still to run before the round is judged (negative: run,
        # don't count), and what the round measured, seconds per row.
        self._plan: list[int] = []
        self._rates: dict[int, float] = {}
        self._retried = False
        if schedule.n_rounds == 0 or self._due():
            self._start_round(warm_up=True)
        else:
            self._plan = [-schedule.choice]

    @property
    def choice(self) -> int:
        return self.schedule.choice

    @property
    def n_rounds(self) -> int:
        return self.schedule.n_rounds

    def _due(self) -> bool:
        s = self.schedule
        return s.since >= s.wait or self.clock() - s.last_round >= _MAX_GAP_S

    def _start_round(self, *, warm_up: bool = False, step: int = 0) -> None:
        """Queue a round: the choice against its neighbour ``step`` along the
        candidates (+1 fewer threads, -1 more; 0 alternates)."""
        i = self.candidates.index(self.choice)
        if step == 0:
            step = -1 if self.n_rounds % 2 == 1 and i > 0 else 1
            if i + step >= len(self.candidates):
                step = -1
        other = self.candidates[i + step]
        pair = sorted({self.choice, other})  # fewer threads first
        # A warm-up runs at the cheaper count of the pair.
        self._plan = ([-pair[0]] if warm_up else []) + pair
        self._rates = {}
        self._retried = False
        self._stalls = 0
        self.schedule.since = 0

    def next_threads(self) -> int:
        """The count for the next unit; set through ``set_threads`` if new."""
        threads = abs(self._plan[0]) if self._plan else self.choice
        if threads != self._current:
            self.set_threads(threads)
            self._current = threads
        return threads

    def record(self, seconds: float, rows: int) -> None:
        """Account the unit just run at :meth:`next_threads`' count."""
        if len(self.candidates) == 1 or rows <= 0:
            return
        self._typical_rows = max(self._typical_rows, rows)
        short = rows * 2 < self._typical_rows  # a short last batch says little
        if self._plan:
            if short and self._plan[0] > 0:
                return  # measure that count on the next unit instead
            step = self._plan.pop(0)
            if step > 0:  # a retried count keeps its faster unit
                self._rates[step] = min(self._rates.get(step, math.inf), seconds / rows)
            if self._rates and not self._plan:
                self._finish_round()
            return
        if short:
            return
        self.schedule.since += 1
        per_row = seconds / rows
        if self._baseline is None:
            self._baseline = per_row
        elif per_row > _STALL_FACTOR * self._baseline:
            self._stalls += 1
        else:
            self._stalls = 0
        if self._stalls >= _STALL_UNITS:
            self.schedule.wait = _FIRST_WAIT
            self._start_round()
        elif self._due():
            self._start_round()

    def _finish_round(self) -> None:
        fewer, more = sorted(self._rates)
        wins = self._rates[more] * _MARGIN < self._rates[fewer]
        if not wins and not self._retried:
            if self._rates[more] < _RETRY_FACTOR * self._rates[fewer]:
                self._retried = True
                self._plan = [more]  # no switch before it: a warm unit
                return
        choice = more if wins else fewer
        s = self.schedule
        s.n_rounds += 1
        s.last_round = self.clock()
        step = 0 if choice == s.choice else (1 if choice == fewer else -1)
        s.choice = choice
        self._baseline = self._rates[choice]
        i = self.candidates.index(choice)
        if step and 0 <= i + step < len(self.candidates):
            s.wait = _FIRST_WAIT  # moved: see at once whether the next
            self._start_round(step=step)  # count that way helps too
        elif step:
            s.wait = _FIRST_WAIT
        else:
            s.wait = min(_MAX_WAIT, s.wait * 2)

    @contextmanager
    def unit(self, rows: int):
        """Run one unit of ``rows`` rows at the governor's count, timed."""
        self.next_threads()
        start = self.clock()
        yield
        self.record(self.clock() - start, rows)
