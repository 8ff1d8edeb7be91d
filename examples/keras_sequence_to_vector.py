"""
Port of a Keras seed example: one sequence mapped to the next five values
=========================================================================

The Keras version reshapes ``[0.1 .. 0.5]`` to (1, 5, 1) and fits
``LSTM(...)`` + ``Dense(5)`` to predict ``[0.6 .. 1.0]`` in one shot (a direct
multi-step forecast). With sklstm, a 2-D ``y`` of shape (n_samples, 5) is all
it takes; ``frame_windows`` does the framing.
"""

import numpy as np

from sklstm import LSTMRegressor, frame_windows

series = np.round(np.arange(0.1, 1.05, 0.1), 1)  # 0.1, 0.2, ..., 1.0
X, y = frame_windows(series, window_length=5, horizon=5)
print(f"X shape: {X.shape}, y shape: {y.shape}")  # (1, 5, 1) and (1, 5)

model = LSTMRegressor(random_state=0).fit(X, y)
prediction = model.predict(X)[0]
print(f"input:     {X[0, :, 0]}")
print(f"predicted: {np.round(prediction, 3)}")
print(f"expected:  {y[0]}")
