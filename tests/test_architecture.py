"""The package's imports run one way (docs/DESIGN.md "Layers"): no import cycle, and no module imports a
layer above its own. Every import counts — at the top, inside functions, and the packages an import
runs (`from .a.b import c` runs a/__init__.py) — and those under `if TYPE_CHECKING:` too: a type that can
only be named by dodging a loop is a loop."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "xlsx_addin"

# bottom → top: each layer is one subpackage of xlsx_addin/ (docs/DESIGN.md "Layers")
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("model", ("model",)),
    ("contracts", ("contracts",)),
    ("engine", ("engine",)),
    ("io", ("io",)),
    ("jobs", ("jobs",)),
    # the stable API's facades (`xlsx_addin`, `xlsx_addin.templates`, `xlsx_addin.demo`) re-export from below
    ("facades", ("templates", "demo")),
    ("shells", ("shells", "__main__")),
]
LOOSE_MODULES_AT_MOST = 8  # modules directly in xlsx_addin/ (the facades and __main__)


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
    assert "xlsx_addin.io.reader" in GRAPH["xlsx_addin.jobs.consolidate.candidates"]
    assert "xlsx_addin.jobs.consolidate" in GRAPH["xlsx_addin.shells.cli.consolidate"] or \
        "xlsx_addin.jobs.consolidate.run" in GRAPH["xlsx_addin.shells.cli.consolidate"]  # function-level imports count


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
XLWINGS_AT_BUILD = {"xlsx_addin.io.books.vba.wrappers"}


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
    monkeypatch.setitem(GRAPH, "xlsx_addin.model.values", GRAPH["xlsx_addin.model.values"] | {"xlsx_addin.engine.inputs"})
    assert any("xlsx_addin.model.values" in c for c in _cycles())


def test_no_function_level_import_of_the_package_outside_the_cli():
    """Imports sit at the top of a module (a function-level one would hide a loop); only the CLI's commands
    import their job when they run, so `xlsx-addin --help` starts fast."""
    late = []
    for module, path in MODULES.items():
        if module.startswith("xlsx_addin.shells.cli"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        typing_only = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If)
                       and "TYPE_CHECKING" in ast.unparse(node.test) for n in ast.walk(node)}
        top = {id(n) for n in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.level or (node.module or "").startswith("xlsx_addin")) \
                    and id(node) not in top and id(node) not in typing_only:
                late.append(f"{module}:{node.lineno}")
    assert late == []


def _job(module: str) -> str | None:
    parts = module.split(".")
    return parts[2] if len(parts) > 2 and parts[1] == "jobs" else None


def test_no_job_imports_another_job():
    """Jobs are composed by the shells: a job never imports a sibling job (docs/DESIGN.md "Jobs")."""
    crossing = sorted(f"{m} → {t}" for m in GRAPH if _job(m) for t in GRAPH[m] if _job(t) and _job(t) != _job(m))
    assert crossing == []


def test_a_sibling_job_import_would_be_found(monkeypatch):
    monkeypatch.setitem(GRAPH, "xlsx_addin.jobs.demo.county",
                        GRAPH["xlsx_addin.jobs.demo.county"] | {"xlsx_addin.jobs.consolidate.job"})
    with pytest.raises(AssertionError):
        test_no_job_imports_another_job()


def test_contracts_need_only_the_model():
    """A workbook's contract is data its builder and its reader both import: it depends on nothing that computes."""
    for module in MODULES:
        if module.startswith("xlsx_addin.contracts"):
            assert all(layer(t) <= layer(module) for t in GRAPH[module]), module


def test_the_top_of_the_package_holds_few_loose_modules():
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert len(loose) <= LOOSE_MODULES_AT_MOST, loose


def _private_imports(module: str, path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_pkg = path.name == "__init__.py"
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        base = node.module or ""
        if node.level:
            parts = module.split(".") if is_pkg else module.split(".")[:-1]
            base = ".".join(parts[:len(parts) - (node.level - 1)] + ([node.module] if node.module else []))
        if not base.startswith("xlsx_addin"):
            continue
        found += [f"{module}:{node.lineno} {base}.{a.name}" for a in node.names
                  if a.name.startswith("_") and not a.name.startswith("__")]
    modules = {a.asname or a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
               and (node.module or "").startswith("xlsx_addin") for a in node.names
               if f"{node.module}.{a.name}" in MODULES}
    found += [f"{module}:{node.lineno} {node.value.id}.{node.attr}" for node in ast.walk(tree)
              if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules
              and node.attr.startswith("_") and not node.attr.startswith("__")]
    return found


def test_no_module_imports_another_modules_private_name():
    """A name another module needs is public (no leading underscore) in the module that defines it."""
    assert [hit for m, p in MODULES.items() for hit in _private_imports(m, p)] == []


MODULE_LINES_AT_MOST = 400


def test_no_module_is_over_400_lines():
    """Small modules with one job: a longer module is split by its jobs."""
    long = {m: n for m, p in MODULES.items() if (n := len(p.read_text(encoding="utf-8").splitlines())) > MODULE_LINES_AT_MOST}
    assert long == {}
