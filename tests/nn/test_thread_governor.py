"""Thread counts chosen by timing (sklstm.nn._thread_governor, _torch_threads).

The governor's decisions are tested against a scripted cost model (seconds
per row at each count, changing when a "neighbour" arrives or leaves), so the
tests are exact and independent of this machine's load; the wiring into fit
and predict is tested for what it installs, restores and leaves unchanged.
"""

import numpy as np
import pytest
import torch

from sklstm import LSTMRegressor
from sklstm.nn import _torch_threads
from sklstm.nn._thread_governor import ThreadGovernor, thread_candidates


class Clock:
    """Seconds that pass only as the scripted units say."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def governor_of(max_threads, schedule=None):
    return ThreadGovernor(
        max_threads, set_threads=lambda n: None, schedule=schedule, clock=Clock()
    )


def run_units(governor, cost, n_units, rows=32):
    """Run ``n_units`` units; ``cost(unit, threads)`` is 10 us per row."""
    used = []
    for unit in range(n_units):
        threads = governor.next_threads()
        seconds = cost(unit, threads) * rows / 1e5
        governor.clock.now += seconds
        governor.record(seconds, rows)
        used.append(threads)
    return used


def quiet(unit, threads):
    return 1.0 / threads**0.6  # two threads 1.5x faster than one


def busy(unit, threads):
    return 1.0 if threads == 1 else 8.0  # the team stalls on a shared core


def test_candidates_halve_down_to_one_thread():
    assert thread_candidates(16) == (16, 8, 4, 2, 1)
    assert thread_candidates(3) == (3, 1)
    assert thread_candidates(1) == (1,)


def test_quiet_cores_keep_the_full_team():
    governor = governor_of(2)
    used = run_units(governor, quiet, 300)
    assert governor.choice == 2
    # Only the measurement rounds run one thread: a warm-up, the first
    # round, then one unit per round at doubling intervals (64, 128, ...).
    assert used.count(1) <= 4
    assert used[-50:] == [2] * 50


def test_a_busy_neighbour_gets_one_thread_after_one_costly_unit():
    governor = governor_of(2)
    used = run_units(governor, busy, 300)
    assert governor.choice == 1
    assert used[:3] == [1, 1, 2]  # warm-up at the cheaper count, then both
    # Later rounds each try the team once, at growing intervals.
    assert used.count(2) <= 3


def test_a_neighbour_arriving_mid_fit_is_seen_within_a_few_units():
    def cost(unit, threads):
        return busy(unit, threads) if unit >= 100 else quiet(unit, threads)

    governor = governor_of(2)
    used = run_units(governor, cost, 200)
    # Two stalled units, then a round (one unit at each count), then one
    # thread until the next round 64 units later.
    assert used[99:104] == [2, 2, 2, 1, 2]
    assert used[104:160] == [1] * 56
    assert used[104:].count(2) <= 1


def test_the_team_comes_back_when_the_neighbour_leaves():
    governor = governor_of(2)
    used = run_units(governor, lambda u, t: quiet(u, t) if u >= 50 else busy(u, t), 400)
    assert used[40] == 1
    assert used[-100:] == [2] * 100


def test_the_next_call_continues_from_what_the_last_one_measured():
    first = governor_of(2)
    run_units(first, busy, 20)
    assert first.choice == 1
    second = governor_of(2, schedule=first.schedule)
    used = run_units(second, busy, 40)
    assert used == [1] * 40  # no new round: the schedule's wait is not over
    assert second.n_rounds == 1


def test_rounds_are_at_most_two_seconds_apart():
    governor = governor_of(2)
    # 10,000 x 10 us per row x 32 rows: 3.2 s a unit at one thread.
    used = run_units(governor, lambda u, t: 10_000 * busy(u, t), 20)
    assert governor.choice == 1
    assert used.count(2) >= 5  # a round at least every other unit


def test_a_tie_goes_to_fewer_threads():
    governor = governor_of(2)
    run_units(governor, lambda u, t: 1.0, 50)
    assert governor.choice == 1


def test_many_cores_step_down_one_halving_at_a_time():
    def cost(unit, threads):  # six threads have a free core each, 12 don't
        return 1.0 / threads if threads <= 6 else 5.0

    governor = governor_of(12)
    used = run_units(governor, cost, 200)
    assert governor.choice == 6
    assert used.count(12) <= 4


def test_a_short_last_batch_is_not_taken_for_a_count_s_speed():
    governor = governor_of(2)
    for rows in (64, 64):  # the warm-up, then the one-thread unit
        governor.next_threads()
        governor.record(1.0 * rows, rows)
    assert governor.next_threads() == 2
    governor.record(0.01, 4)  # a 4-row batch, very fast per row: ignored
    assert governor.next_threads() == 2  # still to be measured
    governor.record(2.0 * 64, 64)
    assert governor.choice == 1


def test_the_count_is_set_only_when_it_changes():
    seen = []
    governor = governor_of(2)
    governor.set_threads = seen.append
    run_units(governor, busy, 60)
    assert seen == [1, 2, 1]


def test_the_governor_is_only_for_counts_sklstm_chooses(monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    governor = _torch_threads.thread_governor
    assert governor(None, 2, "train", 1e8, "cpu").candidates == (2, 1)
    assert governor(None, 1, "train", 1e8, "cpu") is None
    assert governor(2, 2, "train", 1e8, "cpu") is None  # n_threads set
    assert governor(None, 2, "train", 1e8, "cuda") is None  # asynchronous
    # Units of about the same work share a schedule; others get their own.
    assert (
        governor(None, 2, "train", 1.2e8, "cpu").schedule
        is governor(None, 2, "train", 1e8, "cpu").schedule
    )
    assert (
        governor(None, 2, "train", 4e8, "cpu").schedule
        is not governor(None, 2, "train", 1e8, "cpu").schedule
    )
    assert (
        governor(None, 2, "predict", 1e8, "cpu").schedule
        is not governor(None, 2, "train", 1e8, "cpu").schedule
    )
    monkeypatch.setenv("OMP_NUM_THREADS", "2")  # a user's or joblib's choice
    assert governor(None, 2, "train", 1e8, "cpu") is None


def test_concurrent_calls_keep_to_one_thread_each(monkeypatch):
    before = torch.get_num_threads()
    with _torch_threads.torch_threads(2), _torch_threads.torch_threads(2):
        assert _torch_threads.torch_threads.concurrent()
        _torch_threads._set_governed_threads(2)
        assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == before


@pytest.fixture
def two_threads(monkeypatch):
    monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    yield
    torch.set_num_threads(before)


def windows(n=600):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(n, 24, 3)).astype(np.float32)
    return X, X[:, -1, 0] + 0.1 * X[:, 0, 1]


# Large enough a batch for two threads (choose_num_threads), small enough to
# train in a fraction of a second.
WIDE = dict(hidden_size=48, batch_size=32, max_epochs=2, random_state=0)


@pytest.fixture
def recorded_units(monkeypatch):
    """The rows of every unit a governor records, in order."""
    units = []
    real = ThreadGovernor.record

    def record(self, seconds, rows):
        units.append(rows)
        real(self, seconds, rows)

    monkeypatch.setattr(ThreadGovernor, "record", record)
    return units


def test_a_fit_runs_its_batches_as_governed_units(two_threads, recorded_units):
    units = recorded_units
    X, y = windows()
    model = LSTMRegressor(**WIDE).fit(X, y)
    n_train = len(X) - len(X) // 10 if model.early_stopping else len(X)
    assert sum(units) == 2 * n_train  # every training row of both epochs
    assert model.net_.thread_governor is None  # not kept after the fit
    assert torch.get_num_threads() == 2  # the caller's count restored
    units.clear()
    LSTMRegressor(**{**WIDE, "max_epochs": 1}, n_threads=2).fit(X[:64], y[:64])
    assert units == []  # the user's count is not second-guessed


def assert_same_weights(a, b):
    ours, theirs = a.net_.module_.state_dict(), b.net_.module_.state_dict()
    for name, value in ours.items():
        assert torch.equal(value, theirs[name]), name


@pytest.fixture
def alternating_governor(monkeypatch):
    """A governor that runs its units at two threads and one in turn."""

    def next_threads(self):
        self._turn = getattr(self, "_turn", 0) + 1
        threads = 2 if self._turn % 2 else 1
        _torch_threads._set_governed_threads(threads)
        return threads

    monkeypatch.setattr(ThreadGovernor, "next_threads", next_threads)
    # Every batch is worth two threads, so every fit below is governed.
    monkeypatch.setattr(_torch_threads, "_SINGLE_THREAD_WORK", 1)


# One input feature took a different path (oneDNN's LSTM reduces its input
# weights' gradient over all rows and steps in a thread-split sum); several
# features, the other cells and packed sequences (missing leading steps in
# a bidirectional net) are checked alongside.
THREAD_CASES = {
    "lstm": {},
    "gru": dict(cell="gru"),
    "relu": dict(activation="relu"),
    "stacked-dropout": dict(num_layers=2, dropout=0.2),
    "bidirectional-missing": dict(bidirectional=True),
}


@pytest.mark.parametrize("n_features", [1, 3])
@pytest.mark.parametrize("case", THREAD_CASES)
def test_thread_counts_do_not_change_the_results(
    two_threads, alternating_governor, n_features, case
):
    # The premise of choosing counts by timing: a fit gives the same bits
    # at one thread, at two, and switching between them batch by batch.
    X, y = windows()
    X = X[:, :, :n_features]
    if case == "bidirectional-missing":
        X = X.copy()
        X[::3, :5] = np.nan
    settings = {**WIDE, **THREAD_CASES[case]}
    if case != "lstm":
        settings.update(max_epochs=1, hidden_size=16)  # keep the case cheap
    one = LSTMRegressor(**settings, n_threads=1).fit(X, y)
    two = LSTMRegressor(**settings, n_threads=2).fit(X, y)
    assert_same_weights(one, two)
    turns = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ThreadGovernor, "record", lambda self, s, r: turns.append(r))
        governed = LSTMRegressor(**settings).fit(X, y)
    assert len(turns) > 2  # the governor did switch counts
    assert_same_weights(one, governed)
    np.testing.assert_array_equal(governed.predict(X), one.predict(X))


def test_a_long_predict_is_governed_block_by_block(
    two_threads, monkeypatch, recorded_units
):
    X, y = windows()
    model = LSTMRegressor(**WIDE).fit(X, y)
    expected = model.predict(X)  # fewer than 4 blocks: not measured
    predictor = model._predictor
    recorded_units.clear()  # the fit's batches
    blocks = recorded_units
    monkeypatch.setattr(predictor, "block_rows", 100)
    # choose_num_threads sees 100-row blocks of this network: two threads.
    monkeypatch.setattr(_torch_threads, "_SINGLE_THREAD_WORK", 1)
    np.testing.assert_array_equal(model.predict(X), expected)
    assert blocks == [100] * 6
    assert any(key[0] == "predict" for key in _torch_threads._SCHEDULES)


def test_a_cold_first_unit_of_the_team_gets_a_second_chance():
    # The first unit at two threads after one-thread work pays for waking
    # the idle core: 1.7x a one-thread unit; warm, two threads are faster.
    cold = {"pending": True}

    def cost(unit, threads):
        if threads == 2 and cold.pop("pending", False):
            return 1.7
        return quiet(unit, threads)

    governor = governor_of(2)
    used = run_units(governor, cost, 10)
    assert used[:4] == [1, 1, 2, 2]  # warm-up, one thread, the team twice
    assert governor.choice == 2
    assert used[4:] == [2] * 6


def test_a_clearly_slower_team_is_not_measured_twice():
    governor = governor_of(2)
    used = run_units(governor, lambda u, t: 1.0 if t == 1 else 2.5, 10)
    assert used[:4] == [1, 1, 2, 1]
    assert governor.choice == 1
