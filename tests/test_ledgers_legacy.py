"""Half-year ledgers handed in as .xls or .ods (LibreOffice copies) are tallied exactly like the .xlsx."""
from __future__ import annotations

import datetime as dt
import random
import subprocess
import sys
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from tests.test_legacy_formats import SOFFICE, convert
from xlsx_addin.contracts.ledger import Period
from xlsx_addin.io.books.ledger.book import build_ledger_workbook
from xlsx_addin.jobs.ledgers.demo import half_year

PERIOD = Period(2026, 1)
AS_OF = PERIOD.due() + dt.timedelta(days=5)
BRANCHES = [{"org_name": "城关镇东街社区党支部", "org_code": "C101", "parent_org": "城关镇党委"},
            {"org_name": "城关镇西村党支部", "org_code": "C102", "parent_org": "城关镇党委"}]
OPEN_ITEM = {"问题": "党务公开不及时", "来源": "群众评议", "时限": dt.date(2026, 3, 31)}


def summary_of(folder: Path, out: Path) -> dict[str, list[list]]:
    """`xlsx-addin ledgers` over folder: the 汇总 and 逾期事项 rows, the file names (which carry the extension) left out."""
    r = subprocess.run([sys.executable, "-m", "xlsx_addin", "ledgers", str(folder), "--out", str(out),
                        "--period", PERIOD.code, "--as-of", AS_OF.isoformat()],
                       capture_output=True, text=True, encoding="utf-8", timeout=300)
    assert r.returncode == 0, r.stderr
    wb = CalamineWorkbook.from_path(str(out))
    try:
        sheets = {name: wb.get_sheet_by_name(name).to_python() for name in ("汇总", "逾期事项")}
    finally:
        wb.close()
    kept = {}
    for name, rows in sheets.items():
        drop = {i for i, h in enumerate(rows[0]) if "文件" in str(h)}
        kept[name] = [[v for i, v in enumerate(row) if i not in drop] for row in rows]
    return kept


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory):
    """Two filled ledgers (.xlsx, built like the demo's), and their .xls and .ods copies by LibreOffice."""
    if SOFFICE is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    root = tmp_path_factory.mktemp("ledger_legacy")
    rng = random.Random("ledgers-as-xls-and-ods")
    files = []
    for branch in BRANCHES:
        values = half_year(branch, [OPEN_ITEM], PERIOD, AS_OF, rng)
        files.append(build_ledger_workbook(root / "xlsx" / f"{branch['org_code']}.xlsx", values))
    profile = root / "lo_profile"
    return root, {fmt: convert(files, fmt, root / fmt, profile) for fmt in ("xls", "ods")}


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["xls", "ods"])
def test_a_legacy_ledger_is_tallied_like_the_xlsx(ledgers, fmt):
    root, copies = ledgers
    assert len(copies[fmt]) == len(BRANCHES)
    original = summary_of(root / "xlsx", root / f"from_xlsx_{fmt}.xlsx")
    copy = summary_of(root / fmt, root / f"from_{fmt}.xlsx")
    header = original["汇总"][0]
    rows = [dict(zip(header, row)) for row in original["汇总"][1:]]
    tallied = {r["党组织名称"]: r["承诺数"] for r in rows if r["党组织名称"] in {b["org_name"] for b in BRANCHES}}
    assert len(tallied) == len(BRANCHES) and all(n > 0 for n in tallied.values())  # the .xlsx is tallied
    assert copy["汇总"] == original["汇总"]
    assert copy["逾期事项"] == original["逾期事项"]
