"""The package map of docs/architecture.md, enforced: who may import whom, no import cycles,
Qt and pygame only where the map says.

Every ``import`` of the project is counted, at module level or inside a function (a cycle
hidden in a function is still a cycle to a reader), except those under ``TYPE_CHECKING``,
which never run. The map itself is ``ALLOWED``; docs/architecture.md prints the same one
(``test_the_architecture_doc_shows_this_map``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "session_player"

# Package -> the project packages it may import ("" is session_player/__init__: the version).
# Lower layers first; each may import only what is listed, never a layer above it.
ALLOWED: dict[str, set[str]] = {
    "media": set(),
    "playlist": {"media"},
    "session": {"", "playlist"},
    "audio": {"media", "playlist", "session"},
    "output": {"", "media", "audio"},
    "record": {"", "media", "playlist", "session", "audio"},
    "studio": {"", "media", "playlist", "session", "audio"},
    "engine": {"", "media", "playlist", "session", "audio", "record", "output"},
    "launch": {"", "playlist", "session"},
    "report": {"", "playlist", "session", "record"},
    "ui": {"", "media", "playlist", "session", "audio", "record", "studio", "engine"}
    | {"launch", "report"},
    "app": set(),  # filled below: everything but cli
    "cli": set(),  # everything
}
PACKAGES = tuple(ALLOWED)
ALLOWED["app"] = {"", *PACKAGES} - {"app", "cli"}
ALLOWED["cli"] = {"", *PACKAGES} - {"cli"}
QT_ALLOWED = {"ui", "report", "app"}
PYGAME_ALLOWED = {"output"}


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


MODULES = _modules()


def _imports(path: Path) -> set[str]:
    """Every module name this file imports (project or not), outside TYPE_CHECKING."""
    found: set[str] = set()

    class Visitor(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:  # noqa: N802 - ast's name
            test = ast.unparse(node.test)
            if test in ("TYPE_CHECKING", "typing.TYPE_CHECKING"):
                for child in node.orelse:
                    self.visit(child)
                return
            self.generic_visit(node)

        def visit_Import(self, node: ast.Import) -> None:  # noqa: N802
            found.update(alias.name for alias in node.names)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:  # noqa: N802
            if node.module is None or node.level:
                return
            found.add(node.module)
            for alias in node.names:
                if f"{node.module}.{alias.name}" in MODULES:
                    found.add(f"{node.module}.{alias.name}")

    Visitor().visit(ast.parse(path.read_text(encoding="utf-8")))
    return found


GRAPH = {
    name: {m for m in _imports(path) if m in MODULES and m != name}
    for name, path in MODULES.items()
}


def _package(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def test_every_module_lives_in_a_package_that_names_it():
    loose = sorted(
        p.name for p in PACKAGE.glob("*.py") if p.name not in ("__init__.py", "__main__.py")
    )
    assert loose == [], "modules at the package root: give them a package (architecture.md)"
    packages = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file()}
    assert packages == set(PACKAGES), "a package missing from ALLOWED and the doc's map"


def test_no_package_imports_one_it_may_not():
    wrong = []
    for module, imported in GRAPH.items():
        package = _package(module)
        if module == "session_player.__main__":
            continue
        for target in imported:
            other = _package(target)
            if other != package and other not in ALLOWED[package]:
                wrong.append(f"{module} -> {target}")
    assert sorted(wrong) == []


def test_qt_and_pygame_only_where_the_map_says():
    wrong = []
    for module, path in MODULES.items():
        package = _package(module)
        for name in _imports(path):
            top = name.split(".")[0]
            if top == "PySide6" and package not in QT_ALLOWED:
                wrong.append(f"{module} imports {name}")
            if top == "pygame" and package not in PYGAME_ALLOWED:
                wrong.append(f"{module} imports {name}")
    assert wrong == []


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
    return found


def test_no_import_cycles_among_the_project_modules():
    assert _cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_writes_another_objects_private_attributes():
    """``other._field = …`` across objects (``self._x`` and ``cls._x`` are a class's own)."""
    wrong = []
    for module, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets = []
            if isinstance(node, ast.Assign):
                targets = node.targets
            elif isinstance(node, ast.AugAssign | ast.AnnAssign):
                targets = [node.target]
            for target in targets:
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr.startswith("_")
                    and not target.attr.startswith("__")
                    and not (
                        isinstance(target.value, ast.Name) and target.value.id in ("self", "cls")
                    )
                ):
                    wrong.append(f"{module}:{node.lineno}: {ast.unparse(target)}")
    assert wrong == []


def test_the_architecture_doc_shows_this_map():
    """Each package's line in docs/architecture.md names what it may import, as above."""
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for package, allowed in ALLOWED.items():
        match = re.search(rf"^\| `{package}/` \|.*\| (.*) \|$", doc, re.M)
        assert match, f"docs/architecture.md: no line for {package}/ in the package map"
        written = {name.strip(" `/") for name in match.group(1).split(",") if name.strip()}
        written.discard("nothing")
        expected = {name for name in allowed if name} if package not in ("app", "cli") else set()
        if package == "app":
            assert "all but cli" in match.group(1), package
        elif package == "cli":
            assert "all" in match.group(1), package
        else:
            assert written == expected, f"{package}: the doc says {sorted(written)}"
