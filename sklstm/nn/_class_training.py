"""The classifier's training pieces: cross-entropy, a stratified split, accuracy.

What :class:`~sklstm.LSTMClassifier` puts in place of the regressor's loss,
time-ordered validation split and R^2 score (see :mod:`sklstm.nn._training`).
Imported lazily, on the first fit or load.
"""

from __future__ import annotations

import numpy as np
import torch
from skorch.callbacks import Callback
from torch import nn

# The pieces LSTMClassifier puts in place of the regressor's loss, split and
# validation score. Its targets are one column of 0/1 (binary: one logit) or
# one-hot rows (one logit per class).


class WeightedLogLoss(nn.Module):
    """Cross-entropy on logits, with optional per-sample weights.

    One output: binary cross-entropy of the logit against a 0/1 target.
    Several: cross-entropy of the softmax against one-hot targets. Class
    weights arrive folded into the per-sample weights, so the weighted mean
    is ``sum(w * loss) / sum(w)``, as torch's ``cross_entropy(weight=...)``.
    ``y_true`` is a tensor, or a pair ``(y, sample_weight)``.
    """

    def forward(self, y_pred, y_true):
        weights = None
        if isinstance(y_true, list | tuple):
            y_true, weights = y_true
        if y_pred.shape[1] == 1:
            loss = nn.functional.binary_cross_entropy_with_logits(
                y_pred[:, 0], y_true[:, 0], reduction="none"
            )
        else:
            loss = -(y_true * nn.functional.log_softmax(y_pred, dim=1)).sum(dim=1)
        if weights is None:
            return loss.mean()
        return (loss * weights).sum() / weights.sum().clamp_min(1e-12)


def class_codes(y: torch.Tensor) -> np.ndarray:
    """The class index of each row of classifier targets (0/1 or one-hot)."""
    codes = y[:, 0] if y.shape[1] == 1 else y.argmax(dim=1)
    return codes.to(torch.int64).numpy()


class StratifiedSplit:
    """Validate on a random, class-stratified ``fraction`` of the samples.

    For classification the sequences are independent samples (unlike the
    windows of one series, which :class:`TailSplit` keeps in time order), so
    the held-out part is drawn at random with every class in proportion.
    """

    def __init__(self, fraction, seed):
        self.fraction = fraction
        self.seed = seed

    def __call__(self, dataset, y=None, **fit_params):
        from sklearn.model_selection import StratifiedShuffleSplit

        codes = class_codes(dataset.y)
        splitter = StratifiedShuffleSplit(
            n_splits=1, test_size=self.fraction, random_state=self.seed
        )
        try:
            train, valid = next(splitter.split(codes, codes))
        except ValueError as exc:
            raise ValueError(
                f"early_stopping holds out a stratified validation_fraction="
                f"{self.fraction} of the {len(codes)} usable sample(s), which "
                f"needs at least 2 samples of every class and one validation "
                f"sample per class ({exc}). Use more data, a larger "
                f"validation_fraction, or early_stopping=False."
            ) from exc
        return dataset.subset(np.sort(train)), dataset.subset(np.sort(valid))


class ValidationAccuracy(Callback):
    """Record the (sample-weighted) accuracy on the validation samples.

    Counted from the validation batches skorch already predicts, at no extra
    forward pass. Stored in the history as ``valid_acc``.
    """

    def on_epoch_begin(self, net, **kwargs):
        self._correct = self._weight = 0.0

    def on_batch_end(self, net, batch=None, training=False, y_pred=None, **kwargs):
        if training or y_pred is None:
            return
        y, w = batch[1], None
        if isinstance(y, list | tuple):
            y, w = y
        y = y.to(y_pred.device)
        if y.shape[1] == 1:
            hit = (y_pred[:, 0] > 0) == (y[:, 0] > 0.5)
        else:
            hit = y_pred.argmax(dim=1) == y.argmax(dim=1)
        w = torch.ones(len(y), device=y.device) if w is None else w.to(y.device)
        self._correct += float((w * hit).sum())
        self._weight += float(w.sum())

    def on_epoch_end(self, net, **kwargs):
        if self._weight:
            net.history.record("valid_acc", self._correct / self._weight)
