"""sklstm does not choose the OpenMP wait policy: torch's default or the user's.

Each case runs in a fresh interpreter: the policy is read once, when torch's
OpenMP runtime (libgomp) starts. ``OMP_DISPLAY_ENV=VERBOSE`` makes libgomp
print the spin count it actually uses (0 when passive, 300,000 by default),
so the tests read the runtime's own answer.
"""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

FIT = """
import json, os, sys
import numpy as np
{before}
import sklstm
imported_early = "torch" in sys.modules
from sklstm import LSTMRegressor
X = np.random.default_rng(0).normal(size=(20, 3, 1))
LSTMRegressor(hidden_size=4, max_epochs=1, random_state=0).fit(X, X[:, -1, 0])
print(json.dumps({{"imported_early": imported_early,
                  "env": os.environ.get("OMP_WAIT_POLICY")}}))
"""


WAIT_SETTINGS = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "KMP_BLOCKTIME")


def run_fit(before="", **env):
    clean = {k: v for k, v in os.environ.items() if k not in WAIT_SETTINGS}
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(FIT.format(before=before))],
        env={
            **clean,
            # This checkout's sklstm, wherever sklstm is installed.
            "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
            "OMP_DISPLAY_ENV": "VERBOSE",
            "OMP_NUM_THREADS": "1",
            **env,
        },
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1]), result.stderr


def test_sklstm_leaves_the_wait_policy_to_torch_and_the_user():
    # Spinning waits are the fastest on a quiet machine; a busy neighbour
    # is handled by the thread count instead (sklstm.nn._thread_governor).
    out, runtime = run_fit()
    assert not out["imported_early"]
    assert out["env"] is None
    assert "GOMP_SPINCOUNT = '300000'" in runtime


@pytest.mark.parametrize(
    ("name", "value", "spins"),
    [("OMP_WAIT_POLICY", "PASSIVE", "0"), ("GOMP_SPINCOUNT", "1000", "1000")],
)
def test_a_wait_setting_of_the_user_is_kept(name, value, spins):
    out, runtime = run_fit(**{name: value})
    assert out["env"] == (value if name == "OMP_WAIT_POLICY" else None)
    assert f"GOMP_SPINCOUNT = '{spins}'" in runtime
