"""Every Python block of the user guide runs, page by page, as a reader would.

Each page of ``docs/user_guide`` (and the site's front and install pages) runs
in a fresh process in an empty folder holding only a copy of the page (see
``_markdown_blocks.py``): a page may reuse names from its own earlier blocks,
never from another page. The pages use small settings where a block would be
slow, so the whole set runs in the default test run.
"""

from pathlib import Path

import pytest
from _markdown_blocks import NO_RUN, python_blocks, run_page

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
PAGES = sorted(
    [DOCS / "index.md", DOCS / "install.md", *(DOCS / "user_guide").glob("*.md")]
)
# (page, section heading, reason) of each block fenced as ```python no-run.
NOT_RUN = [
    (
        "coming_from.md",
        "Inside sktime and skforecast",
        "sktime and skforecast cap pandas below 3 and live in the second test "
        "environment; tests/test_integration_*.py run the same calls there",
    ),
]


def test_no_run_blocks_are_listed_with_a_reason():
    found = [
        (page.name, section)
        for page in PAGES
        for info, _, _, section in python_blocks(page.read_text(encoding="utf-8"))
        if info == NO_RUN
    ]
    assert found == [(page, section) for page, section, _ in NOT_RUN]
    for page in PAGES:
        infos = {info for info, *_ in python_blocks(page.read_text(encoding="utf-8"))}
        assert infos <= {"python", NO_RUN}, page.name


def test_the_guide_has_runnable_blocks():
    runnable = [
        page.name
        for page in PAGES
        if any(i == "python" for i, *_ in python_blocks(page.read_text("utf-8")))
    ]
    assert len(runnable) >= 8, runnable


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_page_blocks_run_in_order(page, tmp_path):
    if not any(info == "python" for info, *_ in python_blocks(page.read_text("utf-8"))):
        pytest.skip(f"{page.name} has no Python block")
    result = run_page(page, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
