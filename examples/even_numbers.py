"""
Given three consecutive even numbers, predict the next one
==========================================================

The classic Keras notebook reshapes arrays by hand, forgets to scale and
predicts 198 after [196, 198, 200]. Here the same task is a standard sklearn
Pipeline: windows are made inside the pipeline, validated with
TimeSeriesSplit (no future leaks into training) and tuned with GridSearchCV,
window length included.

Run with ``make demo`` (or ``python examples/even_numbers.py``).
"""

import numpy as np
import pandas as pd
from sklearn.model_selection import GridSearchCV, TimeSeriesSplit, cross_val_score
from sklearn.pipeline import make_pipeline

from sklstm import LSTMRegressor, SlidingWindowTransformer, frame_supervised

series = pd.Series(np.arange(2, 202, 2), name="even")  # 2, 4, ..., 200
X, y = frame_supervised(series)  # X: 2..198, y: the next value, 4..200

pipe = make_pipeline(
    SlidingWindowTransformer(window_length=3),
    LSTMRegressor(random_state=0),
)
scores = cross_val_score(
    pipe, X, y, cv=TimeSeriesSplit(n_splits=5), scoring="neg_mean_absolute_error"
)
print(f"TimeSeriesSplit MAE: {abs(scores.mean()):.3f} (+/- {scores.std():.3f})")

search = GridSearchCV(
    pipe,
    {
        "slidingwindowtransformer__window_length": [3, 6],
        "lstmregressor__hidden_size": [16, 50],
    },
    cv=TimeSeriesSplit(n_splits=3),
    scoring="neg_mean_absolute_error",
)
search.fit(X, y)
print(f"Best parameters: {search.best_params_}")

window = pd.Series([196, 198, 200], name="even")
prediction = search.predict(window)[-1]  # the row whose window ends at 200
print(f"Prediction after [196, 198, 200]: {prediction:.2f} -> {round(prediction)}")
