"""The classification benchmark's harness (benchmarks/classification).

Only its pure parts: the development list's name check, the reading of UCR
files, the summary and goal lines. No dataset is loaded and nothing is fitted.
"""

import math
import sys
from pathlib import Path

import numpy as np
import pytest

HERE = Path(__file__).resolve().parents[2] / "benchmarks" / "classification"
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _datasets import DEVELOPMENT, QUICK, check_names, parse_tsv  # noqa: E402
from _report import Fit, Row, summarize, summary_lines, table  # noqa: E402


def test_development_list_is_the_issues_sixteen():
    assert len(DEVELOPMENT) == len(set(DEVELOPMENT)) == 16
    assert set(QUICK) <= set(DEVELOPMENT)


def test_check_names_keeps_order_and_drops_repeats():
    assert check_names(["GunPoint", "BME", "GunPoint"]) == ("GunPoint", "BME")


@pytest.mark.parametrize(
    "names",
    [["NotADataset"], ["GunPoint", "GunPoint2"], ["gunpoint"], ["BME "], []],
)
def test_check_names_refuses_anything_outside_the_development_list(names):
    with pytest.raises(ValueError):
        check_names(names)


def test_parse_tsv_left_pads_variable_length_series_and_labels_as_str():
    text = b"1\t1.0\t2.0\t3.0\n-1\t4.0\t5.0\tNaN\n"
    X, y = parse_tsv(text)
    assert X.shape == (2, 3, 1)
    np.testing.assert_array_equal(X[0, :, 0], [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(X[1, :, 0], [np.nan, 4.0, 5.0])
    assert y.tolist() == ["1", "-1"]


def test_parse_tsv_refuses_a_missing_value_inside_a_series():
    with pytest.raises(ValueError, match="missing value inside"):
        parse_tsv(b"1\t1.0\tNaN\t3.0\n")


def row(name, test, train, ed, dtw, minirocket=None):
    fits = [Fit(test=t, train=train, seconds=1.0, epochs=10) for t in test]
    baselines = {"ed": ed, "dtw": dtw}
    if minirocket is not None:
        baselines["minirocket"] = minirocket
    return Row(name, "100", 10, 10, 2, fits=fits, baselines=baselines)


def test_summary_counts_wins_goals_and_compares_means_like_with_like():
    rows = [
        row("a", [0.9, 1.0], 1.0, 0.9, 0.95, 1.0),  # mean 0.95 = DTW: a win
        row("b", [0.5], 0.6, 0.95, 0.8, 0.9),  # 1-NN reaches 0.9, train 0.6
        row("c", [0.7], 0.97, 0.5, 0.6, 0.8),  # 1-NN below 0.9: no train goal
        row("d", [], 0.0, 0.4, 0.4, 0.5),  # not fitted: out of every mean
    ]
    rows[3].fits = []
    summary = summarize(rows)
    assert summary["n_fitted"] == 3
    assert summary["at_or_above_dtw"] == (2, 3)
    assert summary["train_goal"] == (1, 2)
    assert summary["n_mean_rows"] == 3
    assert summary["means"]["sklstm"] == pytest.approx((0.95 + 0.5 + 0.7) / 3)
    assert summary["means"]["1-NN DTW"] == pytest.approx((0.95 + 0.8 + 0.6) / 3)
    assert summary["means"]["MiniRocket"] == pytest.approx(0.9)
    assert summary["share_goal_met"] is False  # 2 of 3 < 80%
    assert summary["train_goal_met"] is False
    assert summary["moonshot_met"] is False
    text = "\n".join(summary_lines(summary))
    assert "2 of 3 datasets" in text and "3 needed" in text


def test_table_shows_a_dash_where_nothing_was_measured():
    rows = [row("a", [0.9], 1.0, 0.9, math.nan)]
    lines = table(rows, minirocket=False)
    assert len(lines) == 3
    assert lines[2].startswith("| a | 100 | 10/10 | 2 | 0.900 | 1.000 |")
    assert "| 0.900 | – | – |" in lines[2]


def test_compiled_dtw_agrees_with_the_numpy_one():
    pytest.importorskip("numba")  # the baseline environment's worker
    from _nearest import one_nn_dtw
    from baseline_worker import one_nn_dtw as compiled_dtw

    rng = np.random.default_rng(0)
    X_train = rng.normal(size=(12, 15, 2)).cumsum(axis=1)
    X_test = rng.normal(size=(9, 15, 2)).cumsum(axis=1)
    X_train[:4, :5] = np.nan  # variable lengths, left-padded
    X_test[:3, :7] = np.nan
    y_train = np.arange(12).astype(str)
    np.testing.assert_array_equal(
        compiled_dtw(X_train, y_train, X_test), one_nn_dtw(X_train, y_train, X_test)
    )
