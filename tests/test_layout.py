"""The shape of the code: stage packages, small modules, no import cycles, a thin CLI."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import hashsearch
from conftest import REPO

PACKAGE = REPO / "src" / "hashsearch"
MAX_LINES = 300


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The hashsearch modules ``path`` imports at module level or inside functions."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("hashsearch"):
                found.add(target)
                found.update(
                    f"{target}.{alias.name}"
                    for alias in node.names
                    if (PACKAGE.parent / f"{target}.{alias.name}".replace(".", "/")).exists()
                    or (PACKAGE.parent / f"{target}.{alias.name}.py".replace(".", "/")).exists()
                )
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("hashsearch"))
    found.discard(name)
    return found


MODULES = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_module_is_small() -> None:
    sizes = {name: len(p.read_text(encoding="utf-8").splitlines()) for name, p in MODULES.items()}
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def test_the_tree_shows_the_stages() -> None:
    for stage in ("discover", "decode", "hash", "index", "match", "run", "report"):
        assert importlib.import_module(f"hashsearch.{stage}")


def test_no_import_cycles() -> None:
    graph = {name: _imports(path) & set(MODULES) for name, path in MODULES.items()}
    # a package imports its own modules only through the modules themselves
    state: dict[str, int] = {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if nxt == "hashsearch":  # the public face re-exports; nothing inside imports it
                continue
            assert state.get(nxt) != 1, " -> ".join([*trail, node, nxt])
            if nxt not in state:
                visit(nxt, [*trail, node])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_only_the_cli_uses_the_public_face_and_it_uses_nothing_else_but_report() -> None:
    for name, path in MODULES.items():
        imported = _imports(path)
        if name.startswith("hashsearch.cli"):
            outside = {
                m
                for m in imported
                if m != "hashsearch" and not m.startswith(("hashsearch.report", "hashsearch.cli"))
            }
            assert outside == set(), name
        elif name != "hashsearch":
            assert "hashsearch" not in imported, f"{name} imports the public face"


def test_all_is_exactly_the_public_face() -> None:
    assert sorted(hashsearch.__all__) == sorted(set(hashsearch.__all__))
    for name in hashsearch.__all__:
        assert hasattr(hashsearch, name), name
    public = {
        name
        for name, value in vars(hashsearch).items()
        if not name.startswith("_")
        and not isinstance(value, type(hashsearch))
        and name != "annotations"
    }
    assert public == set(hashsearch.__all__) - {"__version__"}


def test_the_core_never_imports_a_progress_bar() -> None:
    for name, path in MODULES.items():
        if not name.startswith("hashsearch.cli"):
            assert "tqdm" not in path.read_text(encoding="utf-8"), name
