"""The contenders sklstm is measured against, written as a user would.

Same math everywhere: one ``nn.LSTM`` layer (batch first), a linear head on
the last hidden state, Adam (lr 1e-3), mean squared error, shuffled
mini-batches, float32. Inputs (per feature) and the target are standardised
with the training statistics, as sklstm does internally (``scale=True``);
that step is part of every timed fit.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn


class PlainLSTM(nn.Module):
    """``nn.LSTM`` + ``nn.Linear`` on the final hidden state."""

    def __init__(self, n_features: int = 1, hidden: int = 50):
        super().__init__()
        self.lstm = nn.LSTM(n_features, hidden, batch_first=True)
        self.head = nn.Linear(hidden, 1)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.head(h[-1])


class Standardised:
    """Scaled float32 tensors and the statistics to undo the target scaling."""

    def __init__(self, X: np.ndarray, y: np.ndarray):
        X = np.asarray(X)
        y = np.asarray(y, dtype=np.float64).reshape(len(y), -1)
        self.x_mean = X.mean(axis=(0, 1)).astype(np.float32)
        self.x_std = X.std(axis=(0, 1)).astype(np.float32)
        self.y_mean = y.mean(axis=0)
        self.y_std = y.std(axis=0)
        self.X_np = self.transform(X)
        self.y_np = ((y - self.y_mean) / self.y_std).astype(np.float32)
        self.X = torch.from_numpy(self.X_np)
        self.y = torch.from_numpy(self.y_np)

    def transform(self, X: np.ndarray) -> np.ndarray:
        return (np.asarray(X, dtype=np.float32) - self.x_mean) / self.x_std


def fit_plain_loop(X, y, *, hidden, epochs, batch_size, seed=0):
    """Hand-written loop: tensors built once, randperm per epoch, slicing."""
    torch.manual_seed(seed)
    data = Standardised(X, y)
    model = PlainLSTM(data.X.shape[2], hidden)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    model.train()
    n = len(data.X)
    for _ in range(epochs):
        order = torch.randperm(n)
        for start in range(0, n, batch_size):
            idx = order[start : start + batch_size]
            optimizer.zero_grad()
            loss = loss_fn(model(data.X[idx]), data.y[idx])
            loss.backward()
            optimizer.step()
    return model, data


def fit_dataloader(X, y, *, hidden, epochs, batch_size, seed=0):
    """The tutorial loop: ``DataLoader(TensorDataset(...), shuffle=True)``."""
    torch.manual_seed(seed)
    data = Standardised(X, y)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(data.X, data.y),
        batch_size=batch_size,
        shuffle=True,
    )
    model = PlainLSTM(data.X.shape[2], hidden)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    model.train()
    for _ in range(epochs):
        for xb, yb in loader:
            optimizer.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            optimizer.step()
    return model, data


def fit_skorch(X, y, *, hidden, epochs, batch_size, seed=0):
    """Plain skorch: ``NeuralNetRegressor`` around the same small module."""
    from skorch import NeuralNetRegressor

    torch.manual_seed(seed)
    data = Standardised(X, y)
    net = NeuralNetRegressor(
        PlainLSTM,
        module__n_features=data.X.shape[2],
        module__hidden=hidden,
        optimizer=torch.optim.Adam,
        lr=1e-3,
        max_epochs=epochs,
        batch_size=batch_size,
        iterator_train__shuffle=True,
        train_split=None,
        verbose=0,
    )
    net.fit(data.X_np, data.y_np)
    return net, data


def keras_available() -> tuple[bool, str]:
    try:
        import keras  # noqa: F401
    except Exception as exc:  # ImportError, or a backend that fails to load
        return False, f"{type(exc).__name__}: {exc}"
    return True, ""


def fit_keras(X, y, *, hidden, epochs, batch_size, seed=0):
    """Keras ``Sequential([LSTM(hidden), Dense(1)])``; only if keras imports."""
    import keras

    keras.utils.set_random_seed(seed)
    data = Standardised(X, y)
    model = keras.Sequential(
        [
            keras.Input(shape=data.X_np.shape[1:]),
            keras.layers.LSTM(hidden),
            keras.layers.Dense(1),
        ]
    )
    model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="mse")
    model.fit(
        data.X_np,
        data.y_np,
        epochs=epochs,
        batch_size=batch_size,
        shuffle=True,
        verbose=0,
    )
    return model, data


def predict_plain(model, data: Standardised, X, chunk=4096) -> np.ndarray:
    """Scale, then forward in chunks under ``inference_mode``."""
    Xs = torch.from_numpy(data.transform(X))
    model.eval()
    outs = []
    with torch.inference_mode():
        for start in range(0, len(Xs), chunk):
            outs.append(model(Xs[start : start + chunk]))
    pred = torch.cat(outs).double().numpy()
    return pred * data.y_std + data.y_mean
