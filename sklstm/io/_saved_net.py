"""A fitted skorch net as a model file holds it, and the checks before restoring it.

:class:`SavedNet` is the net's part of a model file (weights and optimizer
state as skorch's ``save_params`` bytes, the per-epoch history);
:func:`expected_weight_shapes` says, without allocating, which weights the
hyperparameters describe, so that a hostile file is refused before any
network is built. Imported lazily (it imports torch).
"""

from __future__ import annotations

import copy
import io
from dataclasses import dataclass

import torch
from skorch.history import History

from ..nn._net import module_kwargs
from ..nn._training import SequenceNet


@dataclass(frozen=True)
class SavedNet:
    """A fitted net as a model file holds it.

    Parameters
    ----------
    module, optimizer : bytes
        The module's and the optimizer's ``state_dict``, as written by skorch's
        ``save_params`` (``torch.save``).
    history : list of dict
        The per-epoch rows of ``net.history`` (no per-batch records).
    max_chunk_rows : int or None
        Rows per forward/backward chunk of a training batch.
    """

    module: bytes
    optimizer: bytes
    history: list
    max_chunk_rows: int | None

    def load_into(self, net: SequenceNet) -> None:
        """Put the saved weights, optimizer state and history into ``net``.

        skorch's ``load_params`` does the same in one call; the steps are
        spelled out here so that each failure gets its own message. Tensors
        are read with ``weights_only=True``: nothing but tensors and plain
        containers is ever unpickled.
        """
        module_state = _load_tensors(self.module, "network weights")
        if not isinstance(module_state, dict) or not all(
            isinstance(k, str) and isinstance(v, torch.Tensor)
            for k, v in module_state.items()
        ):
            raise ValueError("the network weights are not a state_dict")
        optimizer_state = _load_tensors(self.optimizer, "optimizer state")
        if not isinstance(optimizer_state, dict):
            raise ValueError("the optimizer state is not a state_dict")
        # Built under torch's default dtype, which may be float64 in this
        # process (torch.set_default_dtype); the network is float32 (the
        # parameters keep their identity, so the optimizer still holds them).
        net.module_.float()
        try:
            net.module_.load_state_dict(module_state)
        except RuntimeError as exc:
            raise ValueError(
                f"the network weights do not match the architecture its "
                f"parameters describe ({exc})"
            ) from exc
        try:
            net.optimizer_.load_state_dict(optimizer_state)
        except (KeyError, TypeError, ValueError, RuntimeError) as exc:
            raise ValueError(
                f"the optimizer state does not match the network ({exc})"
            ) from exc
        net.history_ = History({"batches": [], **row} for row in self.history)


def saved_net(net: SequenceNet) -> SavedNet:
    """The :class:`SavedNet` of a fitted net (skorch's save_params, to bytes)."""
    module, optimizer = io.BytesIO(), io.BytesIO()
    net.save_params(f_params=module, f_optimizer=optimizer)
    history = [
        {k: v for k, v in row.items() if k != "batches"}
        for row in net.history.to_list()
    ]
    return SavedNet(
        module.getvalue(),
        optimizer.getvalue(),
        history,
        getattr(net, "max_chunk_rows", None),
    )


def _load_tensors(data: bytes, what: str):
    try:
        return torch.load(io.BytesIO(data), weights_only=True, map_location="cpu")
    except Exception as exc:
        raise ValueError(
            f"the {what} cannot be loaded safely with torch.load(weights_only=True): "
            f"the member holds something other than tensors ({type(exc).__name__}). "
            f"The file may be malicious or was not written by sklstm.save_model; "
            f"do not load it by other means"
        ) from exc


def expected_weight_shapes(est, n_features: int, state: dict) -> dict:
    """Name -> shape of the weights the hyperparameters of ``est`` describe.

    The module is built on torch's "meta" device: no storage is allocated,
    so a file claiming ``hidden_size=20000`` costs nothing to check. ``state``
    holds the fitted attributes read from the file (``n_outputs_``, ...),
    which the module's arguments may need before ``est`` is restored.
    """
    shim = copy.copy(est)
    shim.__dict__.update({k: v for k, v in state.items() if k != "net_"})
    # The seed draws the initial weights, not their shapes.
    kwargs = module_kwargs(shim._net_spec(n_features, seed=0))
    module_class = kwargs.pop("module")
    arguments = {k[len("module__") :]: v for k, v in kwargs.items()}
    with torch.device("meta"):
        module = module_class(**arguments)
    return {name: tuple(t.shape) for name, t in module.state_dict().items()}
