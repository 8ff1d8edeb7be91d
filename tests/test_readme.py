"""Every Python block of README.md runs as written, in order, in one namespace.

Blocks are the ```python fences of README.md. They run in a fresh Python
process whose working directory is a temporary folder holding only a copy of
README.md, as for a user who installed the package and copied the blocks:
nothing of the repository (examples, data, the source tree) is reachable
from there, only the installed ``sklstm``, and files the README writes land
in that folder. Nothing is substituted: where a block would be slow, the
README itself uses small settings and says so.

A block fenced as ```python no-run is shown but not run. It must be listed
in ``NOT_RUN`` with its reason, so an exception is never silent; today that
is only the sktime/skforecast block, whose calls the integration tests run in
their own environment (the Dask block runs on an in-process ``LocalCluster``).
"""

import json
import re
import subprocess
import sys
from pathlib import Path

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


# Runs in the child: the blocks arrive as JSON on stdin, run in one namespace,
# and the first failure is reported with its line and section.
RUNNER = """
import json, sys, traceback
namespace = {"__name__": "__readme__"}
for line, section, code in json.load(sys.stdin):
    try:
        exec(compile(code, f"README.md:{line}", "exec"), namespace)
    except Exception as exc:
        traceback.print_exc()
        print(f"README.md block at line {line} (section {section!r}) failed: "
              f"{type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)
"""


def test_readme_python_blocks_run_in_order(tmp_path):
    (tmp_path / "README.md").write_text(README.read_text(encoding="utf-8"))
    blocks = [
        (line, section, code) for info, code, line, section in BLOCKS if info != NO_RUN
    ]
    result = subprocess.run(
        [sys.executable, "-c", RUNNER],
        input=json.dumps(blocks),
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-3000:]
