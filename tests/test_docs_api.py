"""The API reference (docs/api/index.rst) lists every public name.

A name added to ``sklstm.__all__``, ``sklstm.datasets.__all__`` or
``sklstm.metrics.__all__`` without an
entry in the reference fails here, before the site is built.
"""

import re
from pathlib import Path

import sklstm
import sklstm.datasets
import sklstm.metrics

API = Path(__file__).resolve().parents[1] / "docs" / "api" / "index.rst"
TEXT = API.read_text(encoding="utf-8")


def autosummary_entries(text):
    """{current module: [names]} of the autosummary tables of the page."""
    entries, module = {}, None
    in_table = False
    for line in text.splitlines():
        current = re.match(r"\.\. currentmodule:: (\S+)", line)
        if current:
            module = current.group(1)
        if line.startswith(".. autosummary::"):
            in_table = True
            continue
        if in_table:
            if line.startswith("   :") or not line.strip():
                continue
            if line.startswith("   "):
                entries.setdefault(module, []).append(line.strip())
                continue
            in_table = False
    return entries


def test_every_public_name_is_in_the_api_reference():
    entries = autosummary_entries(TEXT)
    top = set(sklstm.__all__) - {"__version__"}
    assert sorted(entries["sklstm"]) == sorted(top)
    assert sorted(entries["sklstm.datasets"]) == sorted(sklstm.datasets.__all__)
    assert sorted(entries["sklstm.metrics"]) == sorted(sklstm.metrics.__all__)
    assert "sklstm.__version__" in TEXT


def test_every_subpackage_has_its_section():
    for name in sklstm.__all__:
        if name == "__version__":
            continue
        module = getattr(sklstm, name).__module__
        subpackage = ".".join(module.split(".")[:2])
        if subpackage == "sklstm.exceptions":
            assert ".. py:module:: sklstm.exceptions" in TEXT
        else:
            assert f".. py:module:: {subpackage}" in TEXT, name
