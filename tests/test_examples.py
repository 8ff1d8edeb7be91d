"""Run every example as a user would and check what it prints."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run_example(name, *args):
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / name), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout, result.stderr


def test_even_numbers_predicts_202():
    out, err = run_example("even_numbers.py")
    assert "Prediction after [196, 198, 200]:" in out
    assert re.search(r"-> 202$", out, re.MULTILINE), out
    mae = float(re.search(r"TimeSeriesSplit MAE: ([\d.]+)", out).group(1))
    assert mae < 0.5
    assert "Best parameters: {" in out
    assert "slidingwindowtransformer__window_length" in out
    assert "Warning" not in err


def test_keras_two_features():
    out, _ = run_example("keras_two_features.py")
    assert "X shape: (5, 1, 2)" in out
    error = float(re.search(r"max abs error: ([\d.]+)", out).group(1))
    assert error < 0.05


@pytest.mark.parametrize("name", ["keras_sequence_to_vector.py"])
def test_keras_sequence_to_vector(name):
    out, _ = run_example(name)
    assert "X shape: (1, 5, 1), y shape: (1, 5)" in out
    predicted = re.search(r"predicted: \[([^\]]+)\]", out).group(1).split()
    assert [round(float(v), 1) for v in predicted] == [0.6, 0.7, 0.8, 0.9, 1.0]


def test_airline_forecast_beats_seasonal_naive(tmp_path):
    png = tmp_path / "airline.png"
    out, _ = run_example("airline_forecast.py", str(png))
    mase = {
        m.group(1).strip(): float(m.group(2))
        for m in re.finditer(
            r"^([^\d\n]+?)[ \t]+[\d.]+[ \t]+[\d.]+[ \t]+([\d.]+)$", out, re.M
        )
    }
    assert mase["sklstm GRU"] < mase["seasonal naive"]
    assert "Ridge (same windows)" in mase
    months = re.findall(r"^1961-(\d\d)-01\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$", out, re.M)
    assert [m[0] for m in months] == [f"{k:02d}" for k in range(1, 13)]
    for _, point, lower, upper in months:
        assert float(lower) < float(point) < float(upper)
    assert png.stat().st_size > 10_000


def test_ucr_classification_beats_chance(tmp_path):
    png = tmp_path / "confusion.png"
    out, err = run_example("ucr_classification.py", str(png))
    assert "train (67, 24, 1), test (1029, 24, 1)" in out
    accuracy = float(re.search(r"LSTMClassifier test accuracy: ([\d.]+)", out).group(1))
    baseline = float(re.search(r"1-NN Euclidean test accuracy: ([\d.]+)", out).group(1))
    assert accuracy > 0.9 and baseline > 0.9
    matrix = re.findall(r"^ ?\[+ *(\d+) +(\d+)\]", out, re.MULTILINE)
    assert sum(int(a) + int(b) for a, b in matrix) == 1029
    assert png.stat().st_size > 10_000
    assert "Warning" not in err


def test_panel_forecast_forecasts_every_series(tmp_path):
    png = tmp_path / "panel.png"
    out, err = run_example("panel_forecast.py", str(png), "--quick")
    assert "panel: 748 rows, 4 series of 187 quarters" in out
    table = re.findall(r"^(\w+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)$", out, re.M)
    assert [row[0] for row in table] == [
        "consumption", "income", "production", "unemployment"
    ]  # fmt: skip
    rows = re.findall(
        r"^(\w+)?\s+(2016Q4|2017Q[1-3])\s+(-?[\d.]+)\s+(-?[\d.]+)\s+(-?[\d.]+)$",
        out,
        re.M,
    )
    assert len(rows) == 4 * 4  # every series, the next 4 quarters
    for *_, point, lower, upper in rows:
        assert float(lower) < float(point) < float(upper)
    assert png.stat().st_size > 10_000
    assert "Warning" not in err


def test_seasonal_adjustment_beats_the_plain_network_on_wine_sales():
    out, _ = run_example("seasonal_adjustment.py")
    mae = {
        name: float(value)
        for name, value in re.findall(r"^(\S.*?)\s+(\d+)$", out, re.MULTILINE)
    }
    assert set(mae) == {
        "seasonal naive",
        "deseasonalize=None",
        "deseasonalize=additive",
        "deseasonalize=multiplicative",
    }
    assert mae["deseasonalize=multiplicative"] < mae["deseasonalize=None"] * 0.9
    assert mae["deseasonalize=multiplicative"] < mae["seasonal naive"]
