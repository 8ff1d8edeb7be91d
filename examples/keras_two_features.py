"""
Port of a Keras seed example: 5 samples of 1 timestep and 2 features
====================================================================

The Keras version builds ``X`` of shape (5, 1, 2) by hand and fits
``LSTM(...)`` + ``Dense(1)``. ``LSTMRegressor`` takes the same 3-D array
directly; scaling of inputs and target happens inside the estimator.
"""

import numpy as np

from sklstm import LSTMRegressor

# Each sample is one step of two features; the target is their sum.
X = np.array(
    [
        [[0.1, 1.0]],
        [[0.2, 0.9]],
        [[0.3, 0.7]],
        [[0.4, 0.4]],
        [[0.5, 0.0]],
    ]
)
y = X[:, 0, :].sum(axis=1)  # 1.1, 1.1, 1.0, 0.8, 0.5

model = LSTMRegressor(hidden_size=16, max_epochs=300, lr=0.01, random_state=0)
model.fit(X, y)  # 3-D (samples, timesteps, features) in, as in Keras

print(f"X shape: {X.shape}, target mode: {model.target_mode_}")
for sample, target, pred in zip(X[:, 0, :], y, model.predict(X), strict=True):
    print(f"{sample} -> predicted {pred:.3f}, expected {target:.1f}")
print(f"max abs error: {np.abs(model.predict(X) - y).max():.3f}")
