"""Deep ensembles: several networks trained side by side in one torch module.

:class:`EnsembleModule` holds ``n_members`` copies of
:class:`~sklstm.nn._module.SequenceRegressorModule`, each drawn from its own
seed, and runs them on the same batches. In training it returns every
member's prediction ``(batch, n_members, outputs)``: the loss
(:class:`~sklstm.nn._training.WeightedLoss`) gives each member the gradient of
its own loss, so each trains as it would alone. In evaluation (validation,
predict) it returns the members' mean. One skorch net, one training loop,
one state_dict: saving, loading and warm starts work as for one network.
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from ._module import SequenceRegressorModule


def member_seeds(seed: int | None, n_members: int) -> list:
    """Initial-weight seeds of the members: ``seed`` first, then spawned ones.

    The first member starts exactly where a single network with ``seed``
    starts; the others from numpy ``SeedSequence(seed).spawn`` children, so
    the seeds are independent streams and reproducible. None (torch's
    global RNG) stays None for every member.

    Examples
    --------
    >>> member_seeds(7, 3)[0], len(set(member_seeds(7, 3)))
    (7, 3)
    >>> member_seeds(None, 2)
    [None, None]
    """
    if seed is None:
        return [None] * n_members
    children = np.random.SeedSequence(seed).spawn(n_members - 1)
    return [seed] + [int(child.generate_state(1)[0]) for child in children]


class EnsembleModule(nn.Module):
    """``n_members`` recurrent networks whose predictions are averaged.

    Parameters
    ----------
    n_members : int
        Number of networks.
    init_seed : int or None, default=None
        Seed from which the members' seeds are derived (:func:`member_seeds`).
    **member_kwargs
        Arguments of every :class:`~sklstm.nn._module.SequenceRegressorModule`
        (the same linear-path start for all: members differ in their
        recurrent weights only).

    Attributes
    ----------
    members : torch.nn.ModuleList
        The networks.
    generator, missing_steps_hint
        As for :class:`~sklstm.nn._module.SequenceRegressorModule`; setting one
        sets it on every member (the members draw their dropout masks from
        the one generator, in turn).
    """

    def __init__(self, n_members: int, init_seed: int | None = None, **member_kwargs):
        super().__init__()
        self.members = nn.ModuleList(
            SequenceRegressorModule(init_seed=seed, **member_kwargs)
            for seed in member_seeds(init_seed, n_members)
        )

    @property
    def generator(self):
        return self.members[0].generator

    @generator.setter
    def generator(self, value):
        for member in self.members:
            member.generator = value

    @property
    def missing_steps_hint(self):
        return self.members[0].missing_steps_hint

    @missing_steps_hint.setter
    def missing_steps_hint(self, value):
        for member in self.members:
            member.missing_steps_hint = value

    def direct_inference_ok(self, device: str) -> bool:
        """Never: the one-window path runs a single member's cells directly
        (:meth:`~sklstm.nn._module.SequenceRegressorModule.direct_inference_ok`),
        so an ensemble predicts through :meth:`forward`, as for a block."""
        return False

    def forward(
        self, x: torch.Tensor, has_missing_steps: bool | None = None
    ) -> torch.Tensor:
        """Every member's prediction in training, their mean otherwise.

        Training: ``(batch, n_members, outputs)``; evaluation: ``(batch,
        outputs)``. ``has_missing_steps``: see
        :meth:`~sklstm.nn._module.SequenceRegressorModule.encode`; the NaN test
        runs once for all members.
        """
        if has_missing_steps is None:
            has_missing_steps = self.missing_steps_hint
        if has_missing_steps is None:
            has_missing_steps = bool(torch.isnan(x[:, :, 0]).any())
        outputs = torch.stack(
            [member(x, has_missing_steps) for member in self.members], dim=1
        )
        return outputs if self.training else outputs.mean(dim=1)
