"""The package's imports run one way (docs/DESIGN.md "Layers"): no import cycle, and no module imports a
layer above its own. Every import counts — at the top, inside functions, and the packages an import
runs (`from .a.b import c` runs a/__init__.py) — and those under `if TYPE_CHECKING:` too: a type that can
only be named by dodging a loop is a loop."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "xlsx_addin"

# bottom → top; a module's layer is that of the longest prefix listed
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("model", ("errors", "names", "textfmt", "versions", "values", "problems", "identity", "choices", "progress")),
    ("engine", ("scheme", "inputs", "survey", "itemsets", "result", "adjust", "stars", "scoring", "quotas", "cells",
                "star_cells", "cell_args")),
    ("io", ("package", "archives", "unitfile", "rawdata", "legacy_reader", "reader", "rules_file", "summary_vba",
            "files", "tables")),
    ("jobs", ("templates", "ledgers", "consolidate", "demo_common", "star_demo", "demo", "bundle_scripts", "bundle")),
    ("shells", ("cli", "gui", "__main__")),
]


def _modules() -> dict[str, Path]:
    out = {}
    for p in PACKAGE.rglob("*.py"):
        parts = list(p.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(parts)] = p
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(tree):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = name.split(".") if is_pkg else name.split(".")[:-1]
                parts = parts[:len(parts) - (node.level - 1)]
                base = ".".join(parts + ([node.module] if node.module else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in node.names]
        for t in targets:
            while t not in MODULES and "." in t:
                t = t.rsplit(".", 1)[0]
            if t not in MODULES:
                continue
            parts = t.split(".")
            for i in range(1, len(parts) + 1):  # the packages the import runs, then the module
                m = ".".join(parts[:i])
                if m in MODULES and m != name and not name.startswith(m + ".") and m != "xlsx_addin":
                    found.add(m)
    return found


GRAPH = {m: _imports(m, p) for m, p in MODULES.items()}


def layer(module: str) -> int:
    rel = module.removeprefix("xlsx_addin.")
    best, depth = None, -1
    for i, (_, names) in enumerate(LAYERS):
        for n in names:
            if (rel == n or rel.startswith(n + ".")) and len(n) > depth:
                best, depth = i, len(n)
    if best is None:
        raise AssertionError(f"{module} has no layer in tests/test_architecture.py LAYERS (and docs/DESIGN.md)")
    return best


def _cycles() -> list[list[str]]:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in GRAPH[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1 or v in GRAPH[v]:
                out.append(sorted(comp))

    for v in sorted(GRAPH):
        if v not in index:
            visit(v)
    return out


def test_the_graph_is_read_from_the_package():
    assert len(MODULES) > 60
    assert "xlsx_addin.reader" in GRAPH["xlsx_addin.consolidate.candidates"]
    assert "xlsx_addin.consolidate" in GRAPH["xlsx_addin.cli.consolidate"] or \
        "xlsx_addin.consolidate.run" in GRAPH["xlsx_addin.cli.consolidate"]  # function-level imports count


def test_no_import_cycle():
    assert _cycles() == []


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_down_the_layers(module):
    if module == "xlsx_addin":  # the stable API's facade re-exports the engine
        return
    mine = layer(module)
    up = sorted(m for m in GRAPH[module] if layer(m) > mine)
    assert up == [], f"{module} ({LAYERS[mine][0]}) imports a higher layer: {up}"


# the one build-time exception: the Python workbook's VBA wrappers come from xlwings' own generator,
# run in a child process while templates are built (never while rating)
XLWINGS_AT_BUILD = {"xlsx_addin.templates.vba_wrappers"}


def test_business_logic_never_imports_xlwings():
    for module, path in MODULES.items():
        if module in XLWINGS_AT_BUILD:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) and node.module else [])
                assert not any(n == "xlwings" or n.startswith("xlwings.") for n in names), module


def test_a_cycle_would_be_found(monkeypatch):
    monkeypatch.setitem(GRAPH, "xlsx_addin.values", GRAPH["xlsx_addin.values"] | {"xlsx_addin.inputs"})
    assert any("xlsx_addin.values" in c for c in _cycles())


def test_no_function_level_import_of_the_package_outside_the_cli():
    """Imports sit at the top of a module (a function-level one would hide a loop); only the CLI's commands
    import their job when they run, so `xlsx-addin --help` starts fast."""
    late = []
    for module, path in MODULES.items():
        if module.startswith("xlsx_addin.cli"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                       and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
        top = {id(n) for n in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.level and id(node) not in top and id(node) not in typing_only:
                late.append(f"{module}:{node.lineno}")
    assert late == []
