"""The predict path of :class:`~sklstm.LSTMClassifier`: logits to probabilities.

:class:`ClassPredictor` reuses the blocked, scaled forward pass of
:class:`~sklstm.estimators._predictor.Predictor` and replaces the regressor's unscaling
with the softmax of the logits (the logistic function for the one logit of a
binary problem), in float64. Imported on first use (it imports torch).
"""

from __future__ import annotations

import numpy as np
from scipy.special import log_expit, log_softmax

from ._predictor import Predictor


class ClassPredictor(Predictor):
    """Forward pass and class probabilities of a fitted classifier.

    Parameters
    ----------
    est : LSTMClassifier
        A classifier whose input scaling and ``net_`` are fitted.
    """

    def __init__(self, est):
        # Only what Predictor.forward reads: the regressor's target constants
        # do not exist here, and classifier inputs are levels.
        self._init_forward(est)

    def logits(self, X3: np.ndarray, *, n_threads: int | None) -> np.ndarray:
        """The network's logits (float64) for validated ``X3``.

        Shape ``(n_samples, 1)`` for two classes (the log-odds of the second),
        ``(n_samples, n_classes)`` otherwise.
        """
        logits = self.forward(X3, n_threads=n_threads).astype(np.float64)
        if not np.isfinite(logits).all():
            raise ValueError(
                "The network produced non-finite outputs (overflow). Check the "
                "input scale against the training data, or refit with "
                "scale=True and a lower lr."
            )
        return logits

    @staticmethod
    def log_proba(logits: np.ndarray) -> np.ndarray:
        """Log-probabilities ``(n_samples, n_classes)`` from :meth:`logits`."""
        if logits.shape[1] == 1:
            # log(1 - expit(z)) = log_expit(-z), accurate for large |z|.
            return np.column_stack([log_expit(-logits[:, 0]), log_expit(logits[:, 0])])
        return log_softmax(logits, axis=1)

    @classmethod
    def proba(cls, logits: np.ndarray) -> np.ndarray:
        """Probabilities ``(n_samples, n_classes)``; each row sums to 1."""
        proba = np.exp(cls.log_proba(logits))
        # exp rounds each entry on its own; renormalise so rows sum to 1.
        proba /= proba.sum(axis=1, keepdims=True)
        return proba
