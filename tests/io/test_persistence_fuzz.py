"""Fuzzing model files: every mutation fails with a ValueError or changes nothing.

Mutations of a valid file (bytes flipped in the archive or in a member, and
manifest values given another type, huge or negative ints, long strings,
deep nesting, or removed) must either raise ``ValueError`` or load a model
that predicts exactly what the original predicts. The memory bombs run in a
child process that reports its peak resident memory.
"""

import copy
import io
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import warnings
import zipfile

import numpy as np
import pytest
from _model_files import TINY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sklstm import LSTMRegressor
from sklstm.io._persistence import load_model, save_model

_RNG = np.random.default_rng(0)
_X = _RNG.normal(size=(20, 4, 2))
_MODEL = LSTMRegressor(**TINY).fit(_X, _X[:, :, 0].sum(axis=1))
_EXPECTED = _MODEL.predict(_X)


def _saved_bytes():
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.sklstm")
        save_model(_MODEL, path)
        with open(path, "rb") as handle:
            return handle.read()


_FILE = _saved_bytes()
with zipfile.ZipFile(io.BytesIO(_FILE)) as _zf:
    _MEMBERS = {name: _zf.read(name) for name in _zf.namelist()}
_MANIFEST = json.loads(_MEMBERS["manifest.json"])


def _paths(value, prefix=()):
    """Every key path into the manifest (members' checksums left out: a
    changed checksum is the tampering test's business)."""
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return
    for key, item in items:
        path = (*prefix, key)
        if path[:1] != ("members",):
            yield path
        yield from _paths(item, path)


_MANIFEST_PATHS = list(_paths(_MANIFEST))


def _deep(depth):
    value = 0
    for _ in range(depth):
        value = [value]
    return value


_REPLACEMENTS = st.sampled_from(
    [
        "x",
        "a" * 5000,
        "",
        1.5,
        True,
        None,
        [],
        {},
        {"__sklstm_type__": "npy", "member": "manifest.json"},
        -1,
        0,
        -(10**9),
        10**18,
        2**63,
        10**40,
        _deep(60),
        "__removed__",
    ]
)


def _outcome(data: bytes):
    """``"refused"`` (ValueError) or the loaded model's predictions."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "model.sklstm")
        with open(path, "wb") as handle:
            handle.write(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                model = load_model(path)
            except ValueError:
                return "refused"
            return model.predict(_X)


def _zip(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buffer.getvalue()


def _assert_refused_or_identical(data):
    outcome = _outcome(data)
    if not (isinstance(outcome, str) and outcome == "refused"):
        assert np.array_equal(outcome, _EXPECTED)


FUZZ = settings(
    max_examples=40,
    deadline=3000,
    suppress_health_check=[HealthCheck.too_slow],
    derandomize=True,
)


@FUZZ
@given(st.data())
def test_flipped_bytes_anywhere_in_the_file(data):
    position = data.draw(st.integers(0, len(_FILE) - 1))
    mask = data.draw(st.integers(1, 255))
    mutated = bytearray(_FILE)
    mutated[position] ^= mask
    _assert_refused_or_identical(bytes(mutated))


@FUZZ
@given(st.data())
def test_flipped_bytes_in_a_member(data):
    name = data.draw(st.sampled_from(sorted(_MEMBERS)))
    member = bytearray(_MEMBERS[name])
    position = data.draw(st.integers(0, len(member) - 1))
    member[position] ^= data.draw(st.integers(1, 255))
    _assert_refused_or_identical(_zip({**_MEMBERS, name: bytes(member)}))


@FUZZ
@given(path=st.sampled_from(_MANIFEST_PATHS), replacement=_REPLACEMENTS)
def test_edited_manifest_values(path, replacement):
    manifest = copy.deepcopy(_MANIFEST)
    parent = manifest
    for key in path[:-1]:
        parent = parent[key]
    if replacement == "__removed__":
        del parent[path[-1]]
    else:
        parent[path[-1]] = replacement
    members = {**_MEMBERS, "manifest.json": json.dumps(manifest).encode()}
    _assert_refused_or_identical(_zip(members))


# ------------------------------------------------------------ memory bombs


BOMBS = ["hidden-size-20000", "head-size-1e9", "oversized-member", "deep-json"]


def _bomb(tmp_path, case):
    """A small hostile file; each used to allocate gigabytes or recurse."""
    members = dict(_MEMBERS)
    manifest = copy.deepcopy(_MANIFEST)
    params = manifest["estimator"]["params"]
    if case == "hidden-size-20000":
        params["hidden_size"] = 20000
    elif case == "head-size-1e9":
        params["head_size"] = 10**9
    bomb = "regressor_0/module.pt" if case == "oversized-member" else None
    if bomb:
        # 256 MiB of zeros, recorded as such in the zip header and manifest.
        manifest["members"][bomb]["size"] = 2**28
        del members[bomb]
    members["manifest.json"] = json.dumps(manifest).encode()
    if case == "deep-json":
        members["manifest.json"] = b"[" * 170_000 + b"]" * 170_000
    path = tmp_path / f"{case}.sklstm"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        if bomb:
            with zf.open(bomb, "w", force_zip64=True) as handle:
                for _ in range(2**28 // 2**22):
                    handle.write(bytes(2**22))
    assert path.stat().st_size < 2**21
    return path


_CHILD = textwrap.dedent(
    """
    import resource, sys
    from sklstm.io._persistence import load_model
    load_model(sys.argv[1])  # warm-up: torch, skorch and one network built
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    for path in sys.argv[2:]:
        try:
            load_model(path)
        except ValueError as exc:
            message = str(exc)
        else:
            raise SystemExit(f"{path} loaded")
        grown = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
        print(grown // 1024, message[:300].replace(chr(10), " "))
    """
)


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux")
def test_memory_bombs_stay_small(tmp_path):
    """Peak memory of a process loading each bomb, above its warm-up load."""
    valid = tmp_path / "valid.sklstm"
    valid.write_bytes(_FILE)
    paths = [str(_bomb(tmp_path, case)) for case in BOMBS]
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(valid), *paths],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
        cwd=os.path.dirname(
            os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
        ),
    )
    assert result.returncode == 0, result.stderr[-2000:]
    lines = result.stdout.splitlines()
    assert len(lines) == len(BOMBS)
    for case, line in zip(BOMBS, lines, strict=True):
        grown_mib, message = line.split(" ", 1)
        # The peak is cumulative: each line bounds all bombs so far.
        assert int(grown_mib) < 300, (case, line)
        assert "not a valid sklstm model file" in message, (case, line)
