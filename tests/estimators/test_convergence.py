"""Convergence stopping without early stopping: MLPRegressor's tol and n_iter_no_change,
ConvergenceWarning, and what n_iter_ and loss_curve_ report.
"""

import warnings

import numpy as np
import pytest
from _settings import tiny
from sklearn.exceptions import ConvergenceWarning
from skorch.callbacks import Callback

from sklstm import LSTMRegressor


def test_the_seed_task_stops_at_convergence_and_predicts_202(even_data):
    # In delta mode the even numbers' change is constant: the scaled target
    # is 0 and so is the loss from the first epoch on.
    X, y = even_data
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a converged fit does not warn
        model = LSTMRegressor(random_state=0).fit(X, y)
    assert model.n_iter_ == model.n_iter_no_change + 1  # one best, ten misses
    assert len(model.loss_curve_) == model.n_iter_
    assert model.best_epoch_ == model.n_iter_  # the last weights are kept
    assert (
        round(float(model.predict(np.array([[[196.0], [198.0], [200.0]]]))[0])) == 202
    )


def test_a_fit_still_improving_runs_max_epochs_and_warns(multi_data):
    X, y = multi_data
    with pytest.warns(ConvergenceWarning, match=r"max_epochs=3 reached") as record:
        # Recurrent only: the linear path starts at least squares already.
        model = LSTMRegressor(**tiny(max_epochs=3, lr=0.01, linear_path=False))
        model.fit(X, y)
    assert record[0].filename == __file__  # points at the caller's fit
    assert model.n_iter_ == len(model.loss_curve_) == 3
    assert model.loss_curve_[-1] < model.loss_curve_[0] - model.tol


def test_tol_is_an_absolute_improvement_of_the_scaled_training_loss(multi_data):
    X, y = multi_data
    # No epoch improves on the first by more than a tol this large ...
    model = LSTMRegressor(
        **tiny(max_epochs=50, tol=10.0, n_iter_no_change=3, linear_path=False)
    )
    model.fit(X, y)
    assert model.n_iter_ == 4
    # ... while with tol=0 every decrease counts, as long as the loss falls.
    with pytest.warns(ConvergenceWarning, match="training loss"):
        model.set_params(tol=0.0, max_epochs=6, lr=0.01).fit(X, y)
    assert model.n_iter_ == 6
    assert (np.diff(model.loss_curve_) < 0).all()
    # The same rule on the validation loss with early stopping.
    model.set_params(early_stopping=True, tol=10.0, max_epochs=50).fit(X, y)
    assert model.n_iter_ == 4


def test_warm_fits_count_convergence_from_their_own_start(even_data):
    X, y = even_data
    model = LSTMRegressor(warm_start=True, **tiny(max_epochs=50, n_iter_no_change=2))
    model.fit(X, y)
    assert model.n_iter_ == 3
    model.fit(X, y)  # its first epoch sets its own best, then two misses
    assert model.n_iter_ == 6


def test_partial_fit_never_stops_early_nor_warns(even_data):
    X, y = even_data
    model = LSTMRegressor(**tiny(max_epochs=1, n_iter_no_change=1))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for _ in range(4):
            model.partial_fit(X, y)
    assert model.n_iter_ == 4


def test_a_user_callback_that_ends_training_is_no_convergence_failure(multi_data):
    class StopAfterTwo(Callback):
        def on_epoch_end(self, net, **kwargs):
            if len(net.history) == 2:
                raise KeyboardInterrupt  # skorch's way to end training

    X, y = multi_data
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model = LSTMRegressor(**tiny(max_epochs=5, callbacks=[StopAfterTwo()]))
        model.fit(X, y)
    assert model.n_iter_ == 2
