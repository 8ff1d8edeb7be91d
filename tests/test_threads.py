"""The OpenMP wait policy sklstm chooses before torch's import (sklstm._threads).

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

from sklstm import _threads

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


# scikit-learn's wheels bring their own libgomp (started by `import sklearn`,
# spinning by default); only torch's runtime can show a spin count of 0.
SLEEPS = "GOMP_SPINCOUNT = '0'"


def run_fit(before="", **env):
    clean = {
        k: v for k, v in os.environ.items() if k not in _threads._USER_WAIT_SETTINGS
    }
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(FIT.format(before=before))],
        env={
            **clean,
            # This checkout's sklstm, wherever sklstm is installed.
            "PYTHONPATH": str(Path(__file__).resolve().parents[1]),
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


def test_the_first_fit_makes_idle_openmp_threads_sleep():
    out, runtime = run_fit()
    assert not out["imported_early"]  # import sklstm alone chose nothing
    assert out["env"] == "PASSIVE"
    assert SLEEPS in runtime


@pytest.mark.parametrize(
    ("name", "value"), [("OMP_WAIT_POLICY", "ACTIVE"), ("GOMP_SPINCOUNT", "1000")]
)
def test_a_wait_setting_of_the_user_is_kept(name, value):
    out, runtime = run_fit(**{name: value})
    assert out["env"] == (value if name == "OMP_WAIT_POLICY" else None)
    spins = "30000000000" if name == "OMP_WAIT_POLICY" else value
    assert f"GOMP_SPINCOUNT = '{spins}'" in runtime


def test_nothing_is_set_once_torch_was_imported_first():
    out, runtime = run_fit(before="import torch")
    assert out["imported_early"]
    assert out["env"] is None  # too late to matter: not pretended
    assert SLEEPS not in runtime


def test_the_policy_is_chosen_only_without_torch_and_user_settings(monkeypatch):
    # A copy of the environment, without wait settings, stands in for it.
    environ = {
        k: v for k, v in os.environ.items() if k not in _threads._USER_WAIT_SETTINGS
    }
    monkeypatch.setattr(os, "environ", environ)
    monkeypatch.setitem(sys.modules, "torch", sys.modules.get("torch", object()))
    assert _threads.prefer_passive_waits() is False
    assert "OMP_WAIT_POLICY" not in os.environ
    monkeypatch.delitem(sys.modules, "torch")
    environ["KMP_BLOCKTIME"] = "0"
    assert _threads.prefer_passive_waits() is False
    del environ["KMP_BLOCKTIME"]
    assert _threads.prefer_passive_waits() is True
    assert os.environ["OMP_WAIT_POLICY"] == "PASSIVE"
