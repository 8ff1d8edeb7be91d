"""LSTMRegressor's target modes and output range: what "auto" resolves to, what
an untrained delta model predicts, and when ExtrapolationWarning fires.
"""

import warnings

import numpy as np
import pytest
from _settings import TINY, tiny

from sklstm import (
    ExtrapolationWarning,
    LSTMRegressor,
    frame_windows,
)

# ----------------------------------------------------------- target_mode


def test_target_mode_auto_resolution(even_data, multi_data):
    X, y = even_data
    assert LSTMRegressor(**TINY).fit(X, y).target_mode_ == "delta"
    Xm, ym = multi_data
    assert LSTMRegressor(**TINY).fit(Xm, ym).target_mode_ == "level"
    level = LSTMRegressor(target_mode="level", **TINY).fit(X, y)
    assert level.target_mode_ == "level"
    assert np.isfinite(level.predict(X)).all()
    delta = LSTMRegressor(target_mode="delta", target_feature=1, **TINY).fit(Xm, ym)
    assert delta.target_mode_ == "delta"
    assert np.isfinite(delta.predict(Xm)).all()


def test_delta_mode_untrained_predicts_last_value_plus_mean_change():
    # With the zero-initialised head, one epoch at a tiny lr leaves the
    # network output at ~0: predictions are the reference plus the mean delta.
    X, y = frame_windows(np.array([1.0, 2.0, 4.0, 7.0, 11.0, 16.0, 22.0]), 2)
    model = LSTMRegressor(**tiny(max_epochs=1, lr=1e-9, linear_path=False))
    model.fit(X, y)
    mean_change = np.mean(y - X[:, -1, 0])
    np.testing.assert_allclose(model.predict(X), X[:, -1, 0] + mean_change, atol=1e-5)


# --------------------------------------------------------- extrapolation


def test_extrapolation_warning_in_level_mode(even_data):
    X, y = even_data
    model = LSTMRegressor(
        target_mode="level",
        activation="relu",
        hidden_size=8,
        max_epochs=30,
        lr=0.01,
        random_state=0,
    ).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ExtrapolationWarning)
        in_range = model.predict(np.array(X))
    assert np.isfinite(in_range).all()
    far = np.array([[[1996.0], [1998.0], [2000.0]]])
    with pytest.warns(ExtrapolationWarning, match="far outside"):
        pred = model.predict(far)
    assert pred[0] > 400


def _fit_skewed_outputs(multi_data, n_outputs, target_mode):
    """A one-epoch model on y and, for two outputs, exp(y) as well.

    exp(y) is skewed: its scaled range reaches much further up than y's, so
    the two outputs have different extrapolation bounds.
    """
    X, y = multi_data
    Y = np.column_stack([y, np.exp(y)])[:, :n_outputs]
    return LSTMRegressor(**tiny(max_epochs=1, target_mode=target_mode)).fit(X, Y)


@pytest.mark.parametrize("n_outputs", [1, 2])
def test_extrapolation_check_uses_each_outputs_own_range(
    multi_data, monkeypatch, n_outputs
):
    X, _ = multi_data
    model = _fit_skewed_outputs(multi_data, n_outputs, "level")
    low, high = model._predictor.low, model._predictor.high
    assert low.shape == high.shape == (n_outputs,)
    if n_outputs == 2:
        assert high[0] + 1.0 < high[1]

    def predict_with(scaled):
        # The network's outputs replaced: the one pass of a few windows
        # (predict_small) stands aside for forward.
        predictor = model._predictor
        monkeypatch.setattr(predictor, "predict_small", lambda X3, n_threads: None)
        monkeypatch.setattr(predictor, "forward", lambda X3, n_threads: scaled)
        return model.predict(X[:2])

    # Just inside the bounds (standardised targets: low < 0 < high).
    inside = np.vstack([0.99 * low, 0.99 * high]).astype(np.float32)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ExtrapolationWarning)
        assert np.isfinite(predict_with(inside)).all()
    outside = inside.copy()
    # Only the first output leaves its range (still inside the second's).
    outside[1, 0] = high[0] + 1.0
    with pytest.warns(ExtrapolationWarning, match="1 of 2 predictions"):
        predict_with(outside)
    overflow = inside.copy()
    overflow[0, 0] = np.nan
    with pytest.raises(ValueError, match="non-finite predictions"):
        predict_with(overflow)


@pytest.mark.parametrize(
    "target_mode, n_outputs", [("delta", 1), ("level", 1), ("level", 2)]
)
def test_small_predictions_unscale_bit_identically(multi_data, target_mode, n_outputs):
    # predict unscales up to _SMALL_OUTPUT values on Python floats; the
    # result must equal the numpy path exactly, including the range verdict.
    X, _ = multi_data
    model = _fit_skewed_outputs(multi_data, n_outputs, target_mode)
    rng = np.random.default_rng(5)
    X3 = X[:6]
    for spread in (0.5, 10.0):  # inside the range, and partly far outside
        scaled = (spread * rng.standard_normal((6, n_outputs))).astype(np.float32)
        small, small_in_range = model._predictor.unscale_small(scaled, X3)
        full, full_in_range = model._predictor.unscale_array(scaled, X3)
        assert small.dtype == full.dtype == np.float64
        np.testing.assert_array_equal(small, full)
        assert small_in_range == full_in_range == (spread < 1)
    scaled[0, 0] = np.nan
    assert model._predictor.unscale_small(scaled, X3)[1] is False
