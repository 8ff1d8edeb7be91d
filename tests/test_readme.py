"""Every Python block of README.md runs as written, in order, in one namespace.

Blocks are the ```python fences of README.md. They run from a temporary
directory that holds a link to ``examples/`` (the README reads the airline
data from there, as a user in a checkout's root would), so files the README
writes land in the temporary directory. Nothing is substituted: where a
block would be slow, the README itself uses small settings and says so.

A block fenced as ```python no-run is shown but not run. It must be listed
in ``NOT_RUN`` with its reason, so an exception is never silent; today that
is only the sktime/skforecast block, whose calls the integration tests run in
their own environment (the Dask block runs on an in-process ``LocalCluster``).
"""

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<code>.*?)^```[ \t]*$", re.M | re.S)
HEADING = re.compile(r"^#{2,3} (.+)$", re.M)
NO_RUN = "python no-run"
# (section heading, reason) of each block fenced as ```python no-run.
NOT_RUN: list[tuple[str, str]] = [
    (
        "Inside sktime and skforecast",
        "sktime and skforecast cap pandas below 3 and live in the second test "
        "environment; tests/test_integration_*.py run the same calls there",
    ),
]


def readme_blocks(text):
    """(info string, code, line number, section heading) of each Python block."""
    blocks = []
    for match in FENCE.finditer(text):
        info = match.group("info").strip()
        if not info.startswith("python"):
            continue
        headings = HEADING.findall(text, 0, match.start())
        section = headings[-1] if headings else ""
        line = text.count("\n", 0, match.start()) + 1
        blocks.append((info, match.group("code"), line, section))
    return blocks


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))


def test_the_fence_parser_finds_python_blocks_only():
    text = (
        "# t\n## A\n```python\nx = 1\n```\n```bash\nls\n```\n"
        "## B\n```python no-run\ny\n```\n"
    )
    assert readme_blocks(text) == [
        ("python", "x = 1\n", 3, "A"),
        ("python no-run", "y\n", 10, "B"),
    ]


def test_every_readme_block_runs_or_is_listed_as_not_run():
    assert {info for info, *_ in BLOCKS} <= {"python", NO_RUN}
    not_run = [section for info, _, _, section in BLOCKS if info == NO_RUN]
    assert not_run == [section for section, _ in NOT_RUN]
    assert len(BLOCKS) - len(not_run) >= 6  # the README's examples are real


def test_readme_python_blocks_run_in_order(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").symlink_to(ROOT / "examples", target_is_directory=True)
    namespace = {"__name__": "__readme__"}
    for info, code, line, section in BLOCKS:
        if info == NO_RUN:
            continue
        try:
            exec(compile(code, f"README.md:{line}", "exec"), namespace)  # noqa: S102
        except Exception as exc:  # report which block, then fail
            pytest.fail(
                f"README.md block at line {line} (section {section!r}) failed: "
                f"{type(exc).__name__}: {exc}"
            )
