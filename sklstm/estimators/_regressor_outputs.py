"""What :class:`~sklstm.LSTMRegressor` predicts, beyond ``predict``.

The loss parameters (``loss``, ``quantiles``) are documented here, for the
class docstring's ``%(loss)s``; ``predict_quantiles`` and the input-length
check that both predict methods run live in :class:`RegressorOutputsMixin`.
Kept out of the class so that it stays readable (the issue's size rule).
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._linear_path import check_timesteps
from ._validation import check_sequences

LOSS_DOC = """\
loss : {"mse", "mae", "huber", "quantile"}, default="mse"
        Training loss, computed on the scaled targets. ``"quantile"``: the
        pinball loss of every level of ``quantiles``; ``predict`` then
        returns the level closest to 0.5 and ``predict_quantiles`` all.
    quantiles : tuple of float, default=(0.1, 0.5, 0.9)
        Quantile levels of ``loss="quantile"``, increasing, in (0, 1). The
        network predicts one value per (output, level); the level closest to
        0.5 is a direct output (its linear path starts at the ridge fit), the
        others softplus steps from their neighbours, so quantiles never
        cross. Checked but unused with another loss."""


class RegressorOutputsMixin:
    """``predict_quantiles`` and the input-length check of the predict methods."""

    def predict_quantiles(self, X):
        """Predict the quantiles of a model fitted with ``loss="quantile"``.

        Every quantile is unscaled like ``predict`` (multiplied back by its
        window's scale with ``window_scaling``, and, in ``"delta"`` mode,
        given the reference value back); they never cross. ``predict``
        returns the column of the level closest to 0.5 (the median when
        0.5 is among ``quantiles``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_timesteps, n_features) or \
(n_samples, n_timesteps)
            Sequences, as for ``predict``.

        Returns
        -------
        y_quantiles : ndarray of shape (n_samples, n_quantiles) or \
(n_samples, n_outputs, n_quantiles)
            The levels of ``quantiles`` on the last axis; 2-D when ``fit``
            got a 1-D ``y``.

        Examples
        --------
        >>> import numpy as np
        >>> from sklstm import LSTMRegressor, frame_windows
        >>> rng = np.random.default_rng(0)
        >>> X, y = frame_windows(rng.normal(size=80).cumsum(), window_length=4)
        >>> model = LSTMRegressor(loss="quantile", hidden_size=4, max_epochs=3,
        ...                       random_state=0).fit(X, y)
        >>> q = model.predict_quantiles(X[:5])
        >>> q.shape, bool((np.diff(q, axis=1) >= 0).all())
        ((5, 3), True)
        """
        if not hasattr(self, "net_"):
            check_is_fitted(self, "net_")
        if self.loss != "quantile":
            raise ValueError(
                f"predict_quantiles needs a model fitted with loss='quantile'; "
                f"this one was fitted with loss={self.loss!r}. Refit with "
                f"loss='quantile' (and quantiles=(0.1, 0.5, 0.9), say)."
            )
        X3 = check_sequences(self, X, reset=False)
        check_timesteps(X3, self._linear_path_timesteps())
        predictor = self._predictor
        scaled = predictor.forward(X3, n_threads=self.n_threads, quantiles=True)
        levels = scaled.reshape(len(X3), self.n_outputs_, -1)
        pred = self._target_encoder.decode(levels, X3)
        if not np.isfinite(pred).all():
            predictor.check_out_of_range(levels[:, :, 0], pred)
        return pred[:, 0] if self._y_is_1d else pred
