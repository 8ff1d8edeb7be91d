"""
Classify the days of ItalyPowerDemand (UCR archive) with LSTMClassifier
=======================================================================

Each sample is one day of Italian electricity demand, 24 hourly values; the
class says whether the day falls in October to March (1) or April to
September (2). The official train/test split (67/1029 days) is vendored in
``benchmarks/data/ucr`` (see SOURCES.md there).

The script prints the test accuracy next to a 1-nearest-neighbour baseline
and saves a confusion matrix as PNG (needs matplotlib: the ``examples``
extra; without it the plot is skipped). No display is needed.

Run with ``python examples/ucr_classification.py [output.png]``; the default
output is ``examples/output/ucr_confusion.png``.
"""

import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import confusion_matrix
from sklearn.neighbors import KNeighborsClassifier

from sklstm import LSTMClassifier
from sklstm.datasets import load_italy_power_demand

X_train, y_train, X_test, y_test = load_italy_power_demand()
print(f"train {X_train.shape}, test {X_test.shape}, classes {np.unique(y_train)}")

# 3-D (days, 24 hours, 1 feature) in, str labels "1"/"2" in and out.
model = LSTMClassifier(random_state=0).fit(X_train, y_train)
print(f"LSTMClassifier test accuracy: {model.score(X_test, y_test):.3f}")

nearest = KNeighborsClassifier(n_neighbors=1).fit(X_train[:, :, 0], y_train)
print(f"1-NN Euclidean test accuracy: {nearest.score(X_test[:, :, 0], y_test):.3f}")

proba = model.predict_proba(X_test[:3])
print("P(class) of the first 3 test days:")
for label, row in zip(y_test[:3], proba, strict=True):
    print(f"  true {label}: " + ", ".join(f"{p:.2f}" for p in row))

y_pred = model.predict(X_test)
print("confusion matrix (rows: true class, columns: predicted):")
print(confusion_matrix(y_test, y_pred, labels=model.classes_))

try:
    import matplotlib

    matplotlib.use("Agg")  # no display needed
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay
except ImportError:
    print("matplotlib is not installed; skipping the plot")
else:
    if len(sys.argv) > 1:
        out = Path(sys.argv[1])
    else:
        out = Path(__file__).resolve().parent / "output" / "ucr_confusion.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    display = ConfusionMatrixDisplay.from_predictions(
        y_test, y_pred, labels=model.classes_, display_labels=["Oct-Mar", "Apr-Sep"]
    )
    display.ax_.set_title("ItalyPowerDemand, LSTMClassifier (test set)")
    display.figure_.savefig(out, dpi=100, bbox_inches="tight")
    plt.close(display.figure_)
    print(f"saved {out}")
