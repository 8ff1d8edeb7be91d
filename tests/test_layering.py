"""The package's import direction (ARCHITECTURE.md), read from the source.

Every ``import`` in ``sklstm/`` counts, those inside functions included: a
function-level import is still a dependency, only a deferred one. Two rules:

* a subpackage imports only from itself and from the layers below it
  (:data:`MAY_IMPORT`); in particular :mod:`sklstm.nn` (torch) imports nothing
  from the estimators, forecasting or model files;
* no module imports another that imports it back, directly or through others.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import sklstm

PACKAGE = Path(sklstm.__file__).resolve().parent

#: What each part of the package may import besides itself. ``core`` is the
#: top-level private modules and :mod:`sklstm.exceptions`; ``sklstm`` is the
#: package's ``__init__``, which re-exports the public names.
MAY_IMPORT = {
    "core": set(),
    "windows": {"core"},
    "model_selection": {"core", "windows"},
    "nn": {"core", "windows"},
    "estimators": {"core", "windows", "nn"},
    "forecasting": {"core", "windows", "estimators"},
    "metrics": {"core"},
    "io": {"core", "windows", "nn", "estimators", "forecasting"},
    "plotting": {"core", "windows"},
    "datasets": set(),
    "sklstm": {
        "core",
        "windows",
        "model_selection",
        "nn",
        "estimators",
        "forecasting",
        "metrics",
        "io",
        "plotting",
        "datasets",
    },
}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def part_of(module: str) -> str:
    """The layer a module belongs to: its subpackage, ``core`` or ``sklstm``."""
    parts = module.split(".")
    if len(parts) == 1:
        return "sklstm"
    if (PACKAGE / parts[1]).is_dir():
        return parts[1]
    return "core"


def imported_modules(path: Path, source: str | None = None) -> set[str]:
    """The sklstm modules that the file at ``path`` imports, anywhere in it."""
    module = module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    tree = ast.parse(path.read_text() if source is None else source)
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(base + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            # ``from . import _x`` names a module; ``from ._x import f`` a name.
            names = [base] + [f"{base}.{alias.name}" for alias in node.names]
        else:
            continue
        found.update(name for name in names if _is_module(name))
    found.discard(module)
    return found


def _is_module(name: str) -> bool:
    if name != "sklstm" and not name.startswith("sklstm."):
        return False
    path = PACKAGE.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def import_graph(overrides: dict[Path, str] | None = None) -> dict[str, set[str]]:
    """``{module: modules it imports}`` over the package (``overrides``: sources)."""
    overrides = overrides or {}
    return {
        module_name(path): imported_modules(path, overrides.get(path))
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    return sorted(
        f"{module} -> {target}"
        for module, targets in graph.items()
        for target in targets
        if part_of(target) != part_of(module)
        and part_of(target) not in MAY_IMPORT[part_of(module)]
    )


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected group of modules (Tarjan's algorithm)."""
    index, low, stack, on_stack, groups = {}, {}, [], set(), []

    def visit(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return groups


def package_modules(graph):
    """Imports of a package ``__init__`` are how it lists its offer, not a use."""
    return {
        module: {t for t in targets if not _is_package(t)}
        for module, targets in graph.items()
        if not _is_package(module)
    }


def _is_package(name: str) -> bool:
    return (PACKAGE.parent.joinpath(*name.split(".")) / "__init__.py").is_file()


def test_every_module_belongs_to_a_known_layer():
    assert {part_of(module) for module in import_graph()} <= set(MAY_IMPORT)


def test_no_upward_imports():
    assert upward_imports(import_graph()) == []


def test_no_import_cycles():
    assert cycles(package_modules(import_graph())) == []


def test_nn_imports_nothing_above_it():
    graph = import_graph()
    above = {"estimators", "forecasting", "io", "model_selection", "plotting"}
    assert not [
        (module, target)
        for module, targets in graph.items()
        if part_of(module) == "nn"
        for target in targets
        if part_of(target) in above or target == "sklstm"
    ]


@pytest.mark.parametrize(
    ("where", "added", "rule"),
    [
        # A function-level import from the torch side into an estimator.
        ("nn/_module.py", "def f():\n    from ..estimators import _base\n", "up"),
        # windows importing the forecaster at module level.
        ("windows/_index.py", "from ..forecasting import _paths\n", "up"),
        # Two windows modules importing each other, one inside a function.
        ("windows/_series.py", "def f():\n    from . import _sliding\n", "cycle"),
    ],
)
def test_rules_catch_a_new_violation(where, added, rule):
    path = PACKAGE / where
    graph = import_graph({path: path.read_text() + "\n\n" + added})
    if rule == "up":
        assert upward_imports(graph)
    else:
        assert cycles(package_modules(graph))
