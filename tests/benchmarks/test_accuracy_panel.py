"""The panel mode of the accuracy benchmark (benchmarks/accuracy/panel.py)."""

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.accuracy import cli, panel, panel_report  # noqa: E402


def test_generated_panel_is_seeded_positive_and_spans_the_levels():
    first, again = panel.generated_panel(40), panel.generated_panel(40)
    for a, b in zip(first.series, again.series, strict=True):
        np.testing.assert_array_equal(a, b)
    levels = [np.median(s) for s in first.series]
    assert all((s > 0).all() and len(s) == panel.GENERATED_LENGTH for s in first.series)
    assert min(levels) < 10 and max(levels) > 1000


def test_uschange_is_five_quarterly_series():
    us = panel.uschange_panel()
    assert len(us.series) == 5
    assert all(len(s) == 187 for s in us.series)


def test_test_windows_are_the_last_fifth_one_step_each():
    values = np.arange(50.0)
    X, y, train = panel._windows(values, 6, n_train=40)
    np.testing.assert_array_equal(y[~train], values[40:])
    np.testing.assert_array_equal(X[~train][0, :, 0], values[34:40])
    assert y[train].max() < 40


def test_last_value_forecasts_score_as_naive():
    toy = panel.Panel("toy", (np.arange(50.0) ** 1.5, np.arange(60.0)), 1, "MS", 6)

    class LastValue:
        def fit(self, X, y):
            return self

        def predict(self, X):
            return X[:, -1, 0]

    naive = panel.panel_mase(toy, panel.classical_forecasts(toy, "naive", True))
    windows = panel.panel_mase(toy, panel.per_series_forecasts(toy, LastValue))
    assert windows == pytest.approx(naive)
    one_hot = panel._one_hot(np.zeros((3, 6, 1)), 1, 4)
    assert one_hot.shape == (3, 6, 5) and (one_hot[:, :, 2] == 1).all()


def test_table_gives_ratios_to_the_best_classical_model():
    results = {
        "p": {"naive": [2.0], "ETS": [1.0], "SARIMA": [0.5], "global sklstm": [0.4]}
    }
    text = panel_report.table(results)
    assert "| global sklstm | 0.400 (0.80) |" in text
    assert "| SARIMA | 0.500 (1.00) |" in text
    assert "| global sklstm + id | — |" in text


def test_panel_flag_defaults():
    args = cli.parse_args(["--panel"])
    assert args.seeds == 1 and args.jobs == 2 and args.output.name == "panel.md"
    single = cli.parse_args([])
    assert single.output.name == "accuracy.md" and single.jobs == 1
