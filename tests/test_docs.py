"""The documentation matches the tree and cites only the repository's own documents.

- docs/DESIGN.md "Modules" names every file of xlsx_addin/ once, names nothing that does not exist, and
  puts each module under the layer tests/test_architecture.py gives it.
- A rule is cited as docs/RULES.md "<section>", an API or contract matter as docs/DESIGN.md "<section>":
  no file cites a document outside the repository (the digest and the API notes kept beside the project),
  and every cited section exists. This file spells those names in parts, so that it passes its own check.
"""
from __future__ import annotations

import fnmatch
import re
import subprocess
from pathlib import Path

import pytest

from tests.test_architecture import LAYERS, layer

ROOT = Path(__file__).resolve().parent.parent
DESIGN = ROOT / "docs" / "DESIGN.md"
PACKAGE = "xlsx_addin"
SUBSECTION_LAYER = {"Model": "model", "Contracts": "contracts", "Engine": "engine", "IO": "io", "Jobs": "jobs",
                    "Stable API facades": "facades", "Shells": "shells"}
_PATH_CELL = re.compile(r"`([^`]+)`")


# --- the module table ---------------------------------------------------------------------------
def module_table(text: str) -> list[tuple[str, str]]:
    """(path, subsection) for every path named in the first column of the tables under "## Modules"."""
    m = re.search(r"^## Modules\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert m, 'docs/DESIGN.md has no "## Modules" section'
    rows, sub = [], ""
    for line in m.group(1).splitlines():
        if line.startswith("### "):
            sub = line[4:].strip()
        elif line.startswith("| `"):
            first = line.split("|")[1]
            rows += [(p, sub) for p in _PATH_CELL.findall(first)]
    return rows


def _package_files(root: Path) -> list[str]:
    base = root / PACKAGE
    return sorted(p.relative_to(root).as_posix() for p in base.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def _covers(entry: str, rel: str) -> bool:
    if entry.endswith("/"):  # a package's row stands for its __init__.py
        return rel == entry + "__init__.py"
    return fnmatch.fnmatchcase(rel, entry) if "*" in entry else rel == entry


def table_problems(text: str, root: Path) -> list[str]:
    """What is wrong with the module table against the tree under root (empty when it matches)."""
    rows = module_table(text)
    out = []
    seen: dict[str, int] = {}
    for path, _ in rows:
        seen[path] = seen.get(path, 0) + 1
        if path.endswith("/"):
            ok = (root / path / "__init__.py").is_file() if path.startswith(PACKAGE + "/") else (root / path).is_dir()
        elif "*" in path:
            ok = bool(list(root.glob(path)))
        else:
            ok = (root / path).is_file()
        if not ok:
            out.append(f"named in the module table but not in the tree: {path}")
    out += [f"named {n} times in the module table: {p}" for p, n in seen.items() if n > 1]
    entries = [p for p, _ in rows]
    for rel in _package_files(root):
        hits = [e for e in entries if _covers(e, rel)]
        if not hits:
            out.append(f"missing from the module table: {rel}")
        elif len(hits) > 1:
            out.append(f"listed more than once ({', '.join(hits)}): {rel}")
    return out


def _module_name(path: str) -> str | None:
    if not path.startswith(PACKAGE + "/") or "*" in path:
        return None
    if path.endswith("/"):
        return path.rstrip("/").replace("/", ".")
    if not path.endswith(".py"):
        return None
    name = path[:-3].replace("/", ".")
    return name.removesuffix(".__init__")


def test_every_path_of_the_module_table_exists_and_every_module_is_listed_once():
    assert table_problems(DESIGN.read_text(encoding="utf-8"), ROOT) == []


def test_each_module_is_under_its_layer():
    wrong = []
    for path, sub in module_table(DESIGN.read_text(encoding="utf-8")):
        name = _module_name(path)
        if name is None or name == PACKAGE:  # data files, shells outside the package, the API facade
            continue
        assert sub in SUBSECTION_LAYER, f'{path} is not under a layer\'s subsection ("### Model" …)'
        actual = LAYERS[layer(name)][0]
        if SUBSECTION_LAYER[sub] != actual:
            wrong.append(f"{path}: listed under {sub}, its layer is {actual}")
    assert wrong == []


def test_the_table_check_can_fail(tmp_path):
    (tmp_path / PACKAGE / "sub").mkdir(parents=True)
    for f in ("__init__.py", "a.py", "b.py", "sub/__init__.py", "sub/c.py"):
        (tmp_path / PACKAGE / f).write_text("", encoding="utf-8")
    doc = "\n".join([
        "## Modules", "### Model", "| module | job |", "|---|---|",
        "| `xlsx_addin/__init__.py` | api |", "| `xlsx_addin/a.py` | a |", "| `xlsx_addin/a.py` | again |",
        "| `xlsx_addin/gone.py` | stale |", "| `xlsx_addin/sub/` | package |", "## Next", "| `xlsx_addin/b.py` | not here |",
    ])
    assert table_problems(doc, tmp_path) == [
        "named in the module table but not in the tree: xlsx_addin/gone.py",
        "named 2 times in the module table: xlsx_addin/a.py",
        "listed more than once (xlsx_addin/a.py, xlsx_addin/a.py): xlsx_addin/a.py",
        "missing from the module table: xlsx_addin/b.py",
        "missing from the module table: xlsx_addin/sub/c.py",
    ]


# --- citations ----------------------------------------------------------------------------------
R, P = "RULES" + ".md", "PRODUCT" + ".md"
_DOC = re.compile(r"([\w./\\-]*)\b((?:RULES|PRODUCT)\.md)")
_CITED = re.compile(r'docs/(RULES|DESIGN)\.md\s+((?:"\w[^"\n]*"(?:,\s*|\s+and\s+)?)+)')
_HEADING = re.compile(r"^#{2,4} (.+?)\s*$", re.M)


def stale_citations(text: str) -> list[str]:
    """Mentions of the rules digest or the product notes other than as docs/RULES.md (the product notes are
    not in the repository: their contracts are docs/DESIGN.md's)."""
    return [m.group(0) for m in _DOC.finditer(text) if m.group(1) + m.group(2) != "docs/" + R]


def _headings(doc: Path) -> set[str]:
    out = set()
    for h in _HEADING.findall(doc.read_text(encoding="utf-8")):
        out.add(h)
        out.add(re.sub(r"\s*\(.*\)$", "", h))  # "Half-year ledgers (`xlsx_addin/ledgers/`, issue 15)"
    return out


def cited_sections(text: str) -> list[tuple[str, str]]:
    return [(doc, s) for doc, quoted in _CITED.findall(text) for s in re.findall(r'"([^"\n]+)"', quoted)]


def _repository_files() -> list[Path]:
    try:
        out = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                             capture_output=True, check=True, timeout=60).stdout.decode("utf-8")
        names = [n for n in out.split("\0") if n]
    except (OSError, subprocess.SubprocessError):  # not a git checkout: every file but the usual clutter
        skip = {".git", ".venv", "__pycache__", ".pytest_cache"}
        names = [p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*")
                 if p.is_file() and not skip & set(p.parts) and not any(x.endswith(".egg-info") for x in p.parts)]
    return [ROOT / n for n in names if (ROOT / n).is_file()]


def _text(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data[:8192]:  # workbooks, images: binary
        return None
    return data.decode("utf-8", "replace")


TEXTS = {p.relative_to(ROOT).as_posix(): t for p in _repository_files() if (t := _text(p)) is not None}


def test_the_files_are_found():
    assert "README.md" in TEXTS and "xlsx_addin/engine/quotas.py" in TEXTS and "tests/test_docs.py" in TEXTS


def test_no_file_cites_a_document_outside_the_repository():
    found = {rel: hits for rel, text in TEXTS.items() if (hits := stale_citations(text))}
    assert found == {}


def test_every_cited_section_exists():
    headings = {"RULES": _headings(ROOT / "docs/RULES.md"), "DESIGN": _headings(DESIGN)}
    missing = [f'{rel}: docs/{doc}.md "{s}"' for rel, text in TEXTS.items()
               for doc, s in cited_sections(text) if s not in headings[doc] and "<" not in s]
    assert missing == []


@pytest.mark.parametrize("text, hits", [
    (f'see {R} "Survey"', [R]),
    (f"`../shared/spec/{R}`", [f"../shared/spec/{R}"]),
    (f"({P})", [P]),
    (f"docs/{P}", [f"docs/{P}"]),
    (f"(spec/{R})", [f"spec/{R}"]),
    (f'docs/{R} "Survey"; [rules](docs/{R})', []),
])
def test_the_citation_check_can_fail(text, hits):
    assert stale_citations(text) == hits


def test_cited_sections_are_read_from_the_citation():
    assert cited_sections('docs/RULES.md "Scheme four_grade", "Scheme ten_star" and docs/DESIGN.md "Layers"') == [
        ("RULES", "Scheme four_grade"), ("RULES", "Scheme ten_star"), ("DESIGN", "Layers")]
