"""The layers of ``src/subtier`` and the imports allowed between them (docs/architecture.md).

A module may import from its own package and from any layer below its own; nothing imports
from a layer above, and no modules import each other in a circle. The check reads the code's
import statements, including those inside functions, so a late import cannot hide an arrow.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"

# Lowest first. A package's rank is the first entry its dotted name starts with.
LAYERS: list[tuple[str, ...]] = [
    ("subtier.errors", "subtier.version"),
    # the core, in layers of its own
    ("subtier.core.immutable", "subtier.core.severity", "subtier.core.gcpause"),
    ("subtier.core.model", "subtier.core.normalize"),
    ("subtier.core.screen", "subtier.core.wages"),
    ("subtier.core.policy",),
    ("subtier.core.review", "subtier.core.disclosure"),
    ("subtier.core.check", "subtier.core"),
    ("subtier.output", "subtier.extras", "subtier.environment", "subtier.data"),
    ("subtier.formats",),
    ("subtier.parallel",),
    ("subtier.lists",),
    ("subtier.store", "subtier.report"),
    ("subtier.fec",),
    ("subtier.spark",),
    ("subtier.app",),
    ("subtier.web",),
    ("subtier.cli",),
    ("subtier.__main__", "subtier"),
]


def rank(module: str) -> int:
    for level, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if prefix == "subtier" and module != "subtier":
                continue
            if module == prefix or module.startswith(prefix + "."):
                return level
    raise AssertionError(f"{module} is in no layer: add it to LAYERS and docs/architecture.md")


def package(module: str) -> str:
    """The unit whose modules may import each other freely: a core package, or a top package."""
    parts = module.split(".")
    depth = 3 if len(parts) > 2 and parts[1] == "core" else 2
    return ".".join(parts[:depth])


def modules() -> dict[str, Path]:
    found = {}
    for path in (SRC / "subtier").rglob("*.py"):
        if "migrations" in path.parts:
            continue  # alembic loads these by file; they import only the store's tables
        name = ".".join(path.relative_to(SRC).with_suffix("").parts)
        found[name.removesuffix(".__init__")] = path
    return found


def imports(path: Path, known: dict[str, Path]) -> Iterator[tuple[int, str]]:
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] != "subtier":
                continue
            for alias in node.names:
                sub = f"{node.module}.{alias.name}"
                yield node.lineno, sub if sub in known else node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "subtier":
                    yield node.lineno, alias.name


def graph() -> dict[str, set[str]]:
    known = modules()
    edges: dict[str, set[str]] = {name: set() for name in known}
    for name, path in known.items():
        for _, target in imports(path, known):
            if target != name and target in known:
                edges[name].add(target)
    return edges


def test_no_module_imports_from_a_layer_above_its_own() -> None:
    known = modules()
    wrong = []
    for name, path in sorted(known.items()):
        for line, target in sorted(set(imports(path, known))):
            if package(target) == package(name) or target == "subtier.version":
                continue
            if rank(target) >= rank(name) and not (name == "subtier" or name == "subtier.__main__"):
                wrong.append(f"{path.relative_to(SRC)}:{line}: {name} imports {target}")
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_the_core_imports_nothing_of_subtier_but_the_core_and_the_errors() -> None:
    known = modules()
    wrong = [
        f"{path.relative_to(SRC)}:{line}: {target}"
        for name, path in known.items()
        if name.startswith("subtier.core")
        for line, target in imports(path, known)
        if not (target.startswith("subtier.core") or target == "subtier.errors")
    ]
    assert not wrong, "the core reaches outside itself:\n" + "\n".join(wrong)


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges[node]:
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            part = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                part.append(top)
                if top == node:
                    break
            if len(part) > 1:
                found.append(sorted(part))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


def test_no_modules_import_each_other_in_a_circle() -> None:
    edges = graph()
    # A package's __init__ re-exports its modules: an arrow from a module to its own package's
    # __init__ is a circle in name only when the __init__ holds nothing but imports.
    assert not circles(edges), circles(edges)


def test_the_check_catches_an_arrow_up_and_a_circle() -> None:
    assert rank("subtier.core.screen.index") < rank("subtier.lists.prepared")
    assert rank("subtier.cli") > rank("subtier.app.check")
    assert circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert circles({"a": {"b"}, "b": set()}) == []


LONG = 450  # lines; "about 400" with room for a docstring and a few functions more
REASON = "One file because"


def test_a_long_module_says_at_its_top_why_it_is_one_file() -> None:
    unexplained = []
    for path in sorted(modules().values()):
        text = path.read_text("utf-8")
        if text.count("\n") > LONG and REASON not in (ast.get_docstring(ast.parse(text)) or ""):
            unexplained.append(f"{path.relative_to(SRC)}: {text.count(chr(10))} lines")
    assert not unexplained, f"over {LONG} lines without '{REASON} ...' at the top:\n" + "\n".join(
        unexplained
    )


def test_the_command_line_files_are_declarations() -> None:
    """A cli/ file declares commands; what they do is a call into ``subtier.app``."""
    long = [
        f"{path.relative_to(SRC)}: {path.read_text('utf-8').count(chr(10))} lines"
        for name, path in modules().items()
        if name.startswith("subtier.cli") and path.read_text("utf-8").count("\n") > 220
    ]
    assert not long, long


def test_the_architecture_page_names_every_package() -> None:
    """docs/architecture.md draws the layers: a package it does not name is one it does not draw."""
    text = (SRC.parent / "docs" / "architecture.md").read_text("utf-8")
    packages = {path.parent.name for path in (SRC / "subtier").glob("*/__init__.py")} | {
        path.stem for path in (SRC / "subtier").glob("*.py") if not path.stem.startswith("_")
    }
    missing = sorted(name for name in packages if name not in text)
    assert not missing, f"docs/architecture.md does not name {missing}"
