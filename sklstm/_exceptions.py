"""Warnings and errors raised by sklstm."""


class ExtrapolationWarning(UserWarning):
    """Predictions fall far outside the range of the training targets.

    A recurrent network with bounded activations cannot follow a trend far
    beyond the values it was trained on. When this warning appears, consider
    ``target_mode="delta"`` (learn the change from the last observed value)
    or retraining on more recent data.
    """


class DivergenceError(RuntimeError):
    """Training produced a non-finite loss."""
