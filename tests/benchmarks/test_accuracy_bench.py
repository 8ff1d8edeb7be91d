"""The accuracy benchmark's harness (benchmarks/accuracy): protocol and table."""

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.base import BaseEstimator, RegressorMixin

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.accuracy import classical, cli, data, learned, protocol, report  # noqa: E402
from benchmarks.accuracy.problem import Forecasts, Problem  # noqa: E402


def make_problem(values, season=1, freq="MS"):
    spec = data.SeriesSpec("toy", "toy.csv", freq, season)
    index = pd.date_range("2000-01-01", periods=len(values), freq=freq)
    return Problem(spec, pd.Series(np.asarray(values, dtype=float), index=index))


class LastValue(RegressorMixin, BaseEstimator):
    """A window regressor that repeats the window's last value."""

    def fit(self, X, y):
        self.outputs_ = 1 if np.ndim(y) == 1 else np.shape(y)[1]
        return self

    def predict(self, X):
        last = np.asarray(X)[:, -1, 0]
        return last if self.outputs_ == 1 else np.tile(last[:, None], self.outputs_)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.three_d_array = True  # reads windows, not flat rows
        return tags


def test_split_is_last_fifth_and_horizon_is_season_or_ten_capped_by_test():
    assert make_problem(np.arange(100.0)).n_test == 20
    assert make_problem(np.arange(144.0), season=12).h == 12
    assert make_problem(np.arange(100.0)).h == 10
    assert make_problem(np.arange(36.0)).h == 7  # shampoo: 7 test steps


def test_mase_of_naive_is_one_on_a_straight_line():
    problem = make_problem(np.arange(50.0) * 2)
    scale = protocol.mase_scale(problem.train.to_numpy(), 1)
    result = protocol._run(classical.naive, problem, scale)
    assert scale == 2
    assert result.scores["one_step"] == [1.0]
    # From the train end, step k is k values away: mean of 1..h.
    assert result.scores["direct"] == [pytest.approx(np.mean(np.arange(1, 11)))]


def test_seasonal_naive_is_exact_on_a_pure_season():
    problem = make_problem(np.tile([1.0, 5.0, 3.0, 8.0], 25), season=4)
    forecasts = classical.seasonal_naive(problem)
    np.testing.assert_array_equal(forecasts.one_step, problem.actual("one_step"))
    np.testing.assert_array_equal(forecasts.direct, problem.actual("direct"))


def test_one_step_windows_end_at_each_test_origin_with_true_history():
    values = np.random.default_rng(0).normal(size=60).cumsum()
    problem = make_problem(values)
    forecasts = learned._both_tasks(problem, LastValue, 5, "edge")
    naive = classical.naive(problem)
    np.testing.assert_allclose(forecasts.one_step, naive.one_step)
    np.testing.assert_allclose(forecasts.direct, naive.direct)


def test_window_grid_follows_the_season_and_the_train_length():
    assert learned.window_grid(make_problem(np.arange(144.0), season=12)) == [12, 24]
    assert learned.window_grid(make_problem(np.arange(119.0), season=4)) == [4, 8, 12]
    assert learned.window_grid(make_problem(np.arange(114.0))) == [6, 12]
    assert learned.window_grid(make_problem(np.arange(36.0))) == [6]


def test_a_failing_method_is_a_result_not_a_crash():
    def broken(problem, **_):
        raise RuntimeError("no convergence")

    problem = make_problem(np.arange(30.0))
    failed = protocol._run(broken, problem, 1.0)
    assert failed.failed
    assert failed.note == "failed: RuntimeError: no convergence"
    ok = protocol._run(classical.naive, problem, 1.0)
    result = protocol.SeriesResult("toy", 1, 30, 6, 6, {"naive": ok, "ETS": failed})
    rows = report.table([result]).splitlines()
    assert "| toy | one_step | 1.000 (1.00) | — | failed |" in rows[2]


def test_non_finite_forecasts_are_flagged():
    def nan_method(problem, **_):
        return Forecasts(np.full(problem.n_test, np.nan), np.zeros(problem.h))

    result = protocol._run(nan_method, make_problem(np.arange(30.0)), 1.0)
    assert np.isnan(result.scores["one_step"][0])
    assert "non-finite forecasts (one_step)" in result.note


@pytest.mark.parametrize(
    "text, expected",
    [
        ("hidden_size=64", ("hidden_size", 64)),
        ("early_stopping=True", ("early_stopping", True)),
        ("cell=gru", ("cell", "gru")),
        ("lr=3e-3", ("lr", 0.003)),
    ],
)
def test_set_parses_python_literals_or_words(text, expected):
    assert cli.parse_override(text) == expected


@pytest.mark.parametrize(
    "argv",
    [["--set", "hidden=64"], ["--set", "random_state=1"], ["--series", "nope"]],
)
def test_bad_options_stop_with_a_message(argv, capsys):
    with pytest.raises(SystemExit):
        cli.parse_args(argv)
    assert "error:" in capsys.readouterr().err


def test_vendored_series_are_regular_complete_small_and_documented():
    sources = (data.DATA / "SOURCES.md").read_text()
    for spec in data.DEVELOPMENT + data.HOLDOUT:
        series = data.load(spec)
        assert series.notna().all(), spec.name
        assert series.index.freq is not None, spec.name
        assert f"`{spec.path}`" in sources, spec.name
    sizes = [path.stat().st_size for path in data.DATA.rglob("*.csv")]
    assert sum(sizes) < 200_000
    dev = {s.name for s in data.DEVELOPMENT}
    assert dev.isdisjoint(s.name for s in data.HOLDOUT)


def test_quick_run_prints_one_table_and_writes_it(tmp_path, capsys):
    output = tmp_path / "accuracy.md"
    assert cli.main(["--quick", "--output", str(output)]) == 0
    text = output.read_text()
    assert text in capsys.readouterr().out
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert (
        rows[0] == "| series | task | naive | snaive | ETS | SARIMA | Ridge | sklstm |"
    )
    assert [r.split(" | ")[:2] for r in rows[1:5]] == [
        ["| airline", "one_step"],
        ["| airline", "direct"],
        ["| shampoo", "one_step"],
        ["| shampoo", "direct"],
    ]
    assert rows[5].startswith("| **geo-mean ratio** |")
    assert "failed" not in text
    # Every row's best classical cell has ratio 1.00.
    assert all("(1.00)" in row for row in rows[1:5])
