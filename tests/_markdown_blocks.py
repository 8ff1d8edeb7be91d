"""Find the Python blocks of a markdown page and run them as a reader would.

Shared by ``test_readme.py`` and ``test_docs_pages.py``. Blocks are the
```python fences of a page. They run in order, in one namespace, in a fresh
Python process whose working directory is a temporary folder holding only a
copy of the page: nothing of the repository (examples, data, the source
tree) is reachable from there, only the installed ``sklstm``, and files the
blocks write land in that folder. Nothing is substituted: where a block would
be slow, the page itself uses small settings and says so.

A block fenced as ```python no-run is shown but not run; each test lists such
blocks with their reason, so an exception is never silent.
"""

import json
import re
import subprocess
import sys

FENCE = re.compile(r"^```(?P<info>[^\n`]*)\n(?P<code>.*?)^```[ \t]*$", re.M | re.S)
HEADING = re.compile(r"^#{1,3} (.+)$", re.M)
NO_RUN = "python no-run"


def python_blocks(text):
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


# Runs in the child: the blocks arrive as JSON on stdin, run in one namespace,
# and the first failure is reported with its line and section.
RUNNER = """
import json, sys, traceback
name, blocks = json.load(sys.stdin)
namespace = {"__name__": "__page__"}
for line, section, code in blocks:
    try:
        exec(compile(code, f"{name}:{line}", "exec"), namespace)
    except Exception as exc:
        traceback.print_exc()
        print(f"{name} block at line {line} (section {section!r}) failed: "
              f"{type(exc).__name__}: {exc}", file=sys.stderr)
        sys.exit(1)
"""


def run_page(page, folder, timeout=900):
    """Run every block of ``page`` (a Path) but the no-run ones in ``folder``."""
    text = page.read_text(encoding="utf-8")
    (folder / page.name).write_text(text, encoding="utf-8")
    blocks = [
        (line, section, code)
        for info, code, line, section in python_blocks(text)
        if info != NO_RUN
    ]
    return subprocess.run(
        [sys.executable, "-c", RUNNER],
        input=json.dumps([page.name, blocks]),
        capture_output=True,
        text=True,
        cwd=folder,
        timeout=timeout,
    )
