"""The recurrent estimators: sklearn's contract on top of the torch side.

An estimator validates and scales its input, builds the network through
:mod:`sklstm.nn` at fit time, and owns its fitted state (target mode,
references, scaling, the linear path's ridge start, the predict path).
``import sklstm.estimators`` does not import torch: the torch side is
imported on the first fit or load.
"""

from ._classifier import LSTMClassifier
from ._regressor import LSTMRegressor

__all__ = ["LSTMClassifier", "LSTMRegressor"]
