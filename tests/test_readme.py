"""Every Python block of README.md runs as written, in order, in one namespace.

The blocks run in a fresh Python process in a temporary folder that holds only
a copy of README.md, as for a user who installed the package and copied the
blocks (see ``_markdown_blocks.py``). The README has no ```python no-run
block; the guide pages keep theirs listed in ``test_docs_pages.py``.
"""

from pathlib import Path

from _markdown_blocks import NO_RUN, python_blocks, run_page

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
BLOCKS = python_blocks(README.read_text(encoding="utf-8"))


def test_the_fence_parser_finds_python_blocks_only():
    text = (
        "# t\n## A\n```python\nx = 1\n```\n```bash\nls\n```\n"
        "## B\n```python no-run\ny\n```\n"
    )
    assert python_blocks(text) == [
        ("python", "x = 1\n", 3, "A"),
        ("python no-run", "y\n", 10, "B"),
    ]


def test_every_readme_block_runs():
    assert {info for info, *_ in BLOCKS} == {"python"}, NO_RUN
    assert len(BLOCKS) >= 2  # the five-line Pipeline and the forecast


def test_the_readme_stays_short():
    # The README is a few screens; the rest lives in docs/ (make docs).
    assert len(README.read_bytes()) <= 16_000


def test_readme_python_blocks_run_in_order(tmp_path):
    result = run_page(README, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
