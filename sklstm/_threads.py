"""How torch's OpenMP threads wait: sleep, not spin, unless the user chose.

torch's CPU kernels run on an OpenMP team (libgomp in the Linux wheels).
By default its idle threads spin for a while before sleeping, which is
fastest on an idle machine and ruinous on a busy one: when another process
holds a core, the thread that has to run there gets it only between the
spinning of the others, and a 4,096 x 48 x 3 one-epoch fit took 12-26 s
instead of about 1 s (benchmarks/README.md, "Threads under contention").
``OMP_WAIT_POLICY=PASSIVE`` makes idle threads sleep at once; on an idle
machine it costs no measurable time for sklstm's batches.

The policy is read once, when the OpenMP runtime starts (libgomp: when torch
is imported), so it can only be chosen before torch's import. sklstm imports
torch lazily on the first fit or load; this module is torch-free so that it
can act just before.
"""

from __future__ import annotations

import os
import sys

# Variables with which a user (or a launcher) already chose how OpenMP
# threads wait: libgomp's and the LLVM/Intel runtimes' own spellings.
_USER_WAIT_SETTINGS = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "KMP_BLOCKTIME")


def prefer_passive_waits() -> bool:
    """Set ``OMP_WAIT_POLICY=PASSIVE`` for the torch about to be imported.

    Nothing changes when torch is already imported (the runtime has read its
    policy; setting the variable would only mislead), or when the user set
    any wait setting. The variable stays in ``os.environ``: runtimes that
    read it lazily (LLVM's libomp) and worker processes started later (e.g.
    joblib's) see the same policy.

    Returns
    -------
    bool
        Whether the variable was set here.

    Examples
    --------
    >>> import torch  # its runtime has started: too late to choose
    >>> prefer_passive_waits()
    False
    """
    if "torch" in sys.modules or any(
        name in os.environ for name in _USER_WAIT_SETTINGS
    ):
        return False
    os.environ["OMP_WAIT_POLICY"] = "PASSIVE"
    return True
