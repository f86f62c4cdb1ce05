"""The summary workbook (汇总表): layout, text safety, charts, clerk columns, atomicity, the .xlsm.

Consolidations are built by hand from rate_set results: no unit files are needed.
"""
from __future__ import annotations

import ast
from dataclasses import replace
import datetime as dt
import random
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from tests.support.xlsx_parts import differences, vba_modules
from xlsx_addin import load_scheme, rate_set
from xlsx_addin.jobs.consolidate import writer
from xlsx_addin.shells.buttons.consolidate import run_in_book
from xlsx_addin.jobs.consolidate.previous import read_kept, read_previous_levels
from xlsx_addin.io.tables.previous import read_ledger
from xlsx_addin.jobs.consolidate.kinds import kind_of
from xlsx_addin.jobs.consolidate.model import Consolidation, Problem, SetSummary, Settings, UnitRow
from xlsx_addin.jobs.consolidate.sheets import summary_tables
from xlsx_addin.jobs.consolidate.settings_sheet import settings_from_rows, settings_table
from xlsx_addin.contracts.summary import LEDGER_CLERK
from xlsx_addin.jobs.consolidate.writer import backup_path, write_summary
from xlsx_addin.model.versions import XLWINGS_VERSION

ROOT = Path(__file__).resolve().parents[1]
FORMULA_NAME = '=HYPERLINK("http://example.com","点我")'
OVERVIEW_HEADER = ["党组织名称", "党组织代码", "评定组", "上级党组织", "基础得分", "加分", "减分", "综合得分", "参与率",
                   "满意率", "规则定级", "配额调整", "最终星级", "上年度", "晋星/减星", "说明", "整改标记", "自评得分", "来源文件"]
DATA_SHEETS = ["一览表", "统计", "整改台账", "晋星减星", "公示名单", "问题清单"]
WRITTEN_SHEETS = ["一览表", "统计", "整改台账", "晋星减星", "评分定级表", "上级复审", "公示名单", "问题清单"]


# --- a consolidation by hand -----------------------------------------------------------------
def _inputs(scheme, i: int, town: str, rng: random.Random, name: str | None = None) -> dict:
    share = rng.uniform(0.4, 1.0)
    d = {"org_name": name or f"{town}第{i}党支部", "org_code": f"C{i:05d}", "parent_org": town, "member_count": 30,
         "item_scores": [round(it.points * min(1.0, max(0.0, share + rng.uniform(-0.1, 0.1))), 1) for it in scheme.items],
         "members_present": 27, "masses_present": 40}
    for o in scheme.survey.options:
        d[o.input] = rng.randint(5, 20) if o.satisfied else rng.randint(0, 8)
    d[scheme.survey.invalid_input] = rng.randint(0, 2)
    if rng.random() < 0.6:
        d["prev_level"] = scheme.levels[rng.randrange(len(scheme.levels))].name
    return d


def make_consolidation(n: int = 40, scheme_id: str = "five_star", towns: int = 4, mode: str = "enforce",
                       seed: int = 7) -> Consolidation:
    rng = random.Random(seed)
    scheme = load_scheme(scheme_id)
    sets: list[SetSummary] = []
    rows: list[UnitRow] = []
    groups: dict[str, list[dict]] = {}
    for i in range(n):
        town = f"{'甲乙丙丁戊己庚辛'[i % towns]}镇党委"
        groups.setdefault(town, []).append(_inputs(scheme, i, town, rng, FORMULA_NAME if i == 0 else None))
    for town, units in groups.items():
        rs = rate_set(scheme, units, quota_mode=mode)
        before: dict[int, int] = {}
        after: dict[int, int] = {}
        for r in rs:
            before[r.rule_level] = before.get(r.rule_level, 0) + 1
            after[r.level] = after.get(r.level, 0) + 1
        sets.append(SetSummary(town, len(rs), rs.quotas, before, after))
        for r, raw in zip(rs, units):
            rows.append(UnitRow(r, town, f"{town}/{r.org_name}.xlsx", r.org_code or r.org_name, inputs=raw))
    problems = [Problem("甲镇党委/坏文件.xlsx", "自评表", "C5", "=1+1", "不是数字", "错误"),
                Problem("乙镇党委/说明.docx", reason="不是单位填报表", severity="提示")]
    return Consolidation(kind=kind_of(scheme), settings=Settings(input_dir=Path("D:/星级评定/2025"),
                         scheme_source=scheme_id, quota_mode=mode), units=rows, sets=sets, problems=problems,
                         files_seen=n + 2, files_rated=n)


def _rows(path: Path, sheet: str) -> list[list]:
    from python_calamine import CalamineWorkbook

    return [list(r) for r in CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()]


def _sheet_xml(path: Path, sheet: str) -> str:
    """The worksheet XML of a sheet by its name."""
    with zipfile.ZipFile(path) as z:
        wb = z.read("xl/workbook.xml").decode()
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        rid = re.search(rf'<sheet name="{re.escape(sheet)}"[^>]*? r:id="(rId\d+)"', wb).group(1)
        target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels) or re.search(rf'Target="([^"]+)"[^>]*Id="{rid}"', rels)
        return z.read("xl/" + target.group(1).lstrip("/").removeprefix("xl/")).decode()


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> tuple[Consolidation, Path]:
    c = make_consolidation()
    out = tmp_path_factory.mktemp("summary") / "汇总表.xlsx"
    write_summary(c, out)
    return c, out


# --- layout ----------------------------------------------------------------------------------
def test_sheet_names_and_verbatim_headers(written):
    c, out = written
    import openpyxl

    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == WRITTEN_SHEETS + ["原始数据", "设置", "规则", "汇总记录"]
    assert wb["汇总记录"].sheet_state == "hidden"
    assert wb["原始数据"].sheet_state == "hidden"  # the machine's sheet is not printed (issue 22)
    for ws in wb:
        assert ws.freeze_panes in (("A4",) if ws.title == "原始数据" else ("A2", "A3")), ws.title
    header = [cell.value for cell in wb["一览表"][1]]
    assert header == OVERVIEW_HEADER
    assert [cell.value for cell in wb["整改台账"][1]] == ["党组织名称", "党组织代码", "评定组", "最终星级", "问题",
                                                      *LEDGER_CLERK]
    assert [cell.value for cell in wb["问题清单"][1]] == ["文件", "工作表", "单元格", "值", "原因", "严重程度"]
    assert "审批意见" in [cell.value for cell in wb["晋星减星"][1]]


def test_rows_match_the_consolidation(written):
    c, out = written
    rows = _rows(out, "一览表")
    assert len(rows) == 1 + len(c.units)
    by_name = {r[0]: r for r in rows[1:]}
    for u in c.units:
        row = by_name[u.result.org_name]
        assert row[1] == u.result.org_code
        assert row[7] == pytest.approx(u.result.final_score)
        assert row[12] == u.result.level_name
        assert row[16] == ("是" if u.result.rectify else "否")
    flagged = [u for u in c.units if u.result.rectify]
    assert flagged and len(_rows(out, "整改台账")) == 1 + len(flagged)
    changed = [u for u in c.units if u.result.prev_level is not None and u.result.prev_level != u.result.level]
    assert changed and len(_rows(out, "晋星减星")) == 1 + len(changed)
    problems = _rows(out, "问题清单")
    assert problems[1][:3] == ["甲镇党委/坏文件.xlsx", "自评表", "C5"] and problems[1][3] == "=1+1"
    publicity = _rows(out, "公示名单")
    listed = [r for r in publicity[1:] if isinstance(r[0], (int, float)) and r[0]]
    assert len(listed) == len(c.units)
    assert publicity[1][0].startswith("五星级(共")


def test_stats_counts_and_quota_status(written):
    c, out = written
    rows = _rows(out, "统计")
    assert rows[0][:3] == ["评定组", "单位数", "五星级(个)"]
    for st, row in zip(c.sets, rows[1:]):
        assert row[0] == st.name and row[1] == st.size
        assert row[2] == st.counts_after.get(5, 0)
    total = next(r for r in rows if r[0] == "合计")
    assert total[1] == len(c.units)
    head = next(i for i, r in enumerate(rows) if r[:2] == ["评定组", "配额"])
    quota_rows = [r for r in rows[head + 1:] if r and r[0] and r[1]]
    assert len(quota_rows) == sum(len(st.quotas) for st in c.sets)
    assert {r[7] for r in quota_rows} <= {"符合", "不符合"}


def test_cap_of_zero_is_said_plainly(tmp_path):
    c = make_consolidation(n=8, towns=1)  # 8 units: 10 % cap = 0
    out = write_summary(c, tmp_path / "小.xlsx").path
    text = "\n".join(str(v) for r in _rows(out, "统计") for v in r if v)
    assert "名额为0个" in text


def test_four_grade_says_zuizhong_dengci(tmp_path):
    c = make_consolidation(scheme_id="four_grade", n=20, towns=2)
    out = write_summary(c, tmp_path / "分类定级.xlsx").path
    header = _rows(out, "一览表")[0]
    assert "最终等次" in header and "最终星级" not in header
    assert "最终等次" in _rows(out, "整改台账")[0] and "最终等次" in _rows(out, "公示名单")[0]
    assert read_previous_levels(out)  # the 等次 header is read back as well


def test_formula_looking_name_is_text(written):
    c, out = written
    import openpyxl

    ws = openpyxl.load_workbook(out)["一览表"]
    cell = ws["A2"]
    assert cell.value == FORMULA_NAME and cell.data_type == "s"
    xml = _sheet_xml(out, "一览表")
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere in 一览表
    for sheet in ("整改台账", "公示名单", "问题清单", "原始数据"):
        assert "<f>" not in _sheet_xml(out, sheet), sheet


def test_native_charts(written):
    _, out = written
    with zipfile.ZipFile(out) as z:
        charts = sorted(n for n in z.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        assert len(charts) == 3  # levels per set + one per quota (five_star: cap and floor)
        xml = [z.read(n).decode() for n in charts]
    assert any('<c:grouping val="stacked"/>' in x for x in xml)
    assert all("统计" in x for x in xml)


def test_print_setup(written):
    _, out = written
    xml = _sheet_xml(out, "一览表")
    assert 'paperSize="9"' in xml and 'orientation="landscape"' in xml and 'fitToHeight="0"' in xml
    assert "<oddHeader>" in xml and "<oddFooter>" in xml
    with zipfile.ZipFile(out) as z:
        wb = z.read("xl/workbook.xml").decode()
    assert "_xlnm.Print_Titles" in wb


# --- the clerk's columns ---------------------------------------------------------------------
@pytest.mark.slow
def test_ledger_clerk_columns_survive_a_rerun(tmp_path):
    import openpyxl

    c = make_consolidation()
    out = write_summary(c, tmp_path / "汇总表.xlsx").path
    edited = tmp_path / "edited.xlsx"
    shutil.copy(out, edited)
    wb = openpyxl.load_workbook(edited)
    ws = wb["整改台账"]
    header = [cell.value for cell in ws[1]]
    row = 3
    name, code = ws.cell(row, 1).value, ws.cell(row, 2).value
    entries = {"整改措施": "每月开展组织生活会", "责任人": "张三", "时限": dt.datetime(2026, 6, 30),
               "进度": "进行中", "销号日期": dt.datetime(2026, 7, 15)}
    for col, value in entries.items():
        ws.cell(row, header.index(col) + 1).value = value
    wb["晋星减星"].cell(2, 9).value = "同意"
    approved = wb["晋星减星"].cell(2, 1).value
    wb.save(edited)

    c.units.reverse()  # another order of files: the key finds the row
    write_summary(c, out, keep_from=edited)
    ledger = read_ledger(out)
    rec = ledger[code]
    assert rec["党组织名称"] == name
    assert rec["整改措施"] == "每月开展组织生活会" and rec["责任人"] == "张三" and rec["进度"] == "进行中"
    assert _day(rec["时限"]) == dt.date(2026, 6, 30) and _day(rec["销号日期"]) == dt.date(2026, 7, 15)
    assert read_kept(out).get("晋星减星").find(None, approved)["审批意见"] == "同意"
    others = [r for k, r in ledger.items() if k != code]
    assert all(not r.get("责任人") for r in others)
    # the clerk's cells are unlocked and tinted
    wb = openpyxl.load_workbook(out)
    cell = wb["整改台账"].cell(2, header.index("责任人") + 1)
    assert cell.protection.locked is False and cell.fill.fgColor.rgb.endswith("FFF2CC")


def _day(value):
    return value.date() if isinstance(value, dt.datetime) else value


@pytest.mark.slow
def test_ledger_keeps_rows_of_units_no_longer_flagged(tmp_path):
    import openpyxl

    c = make_consolidation()
    out = write_summary(c, tmp_path / "汇总表.xlsx").path
    wb = openpyxl.load_workbook(out)
    ws = wb["整改台账"]
    code = ws.cell(2, 2).value
    ws.cell(2, 11).value = "2026-07-01"  # 销号日期 (after 争星目标)
    wb.save(out)
    import dataclasses

    for u in c.units:
        if u.result.org_code == code:
            u.result = dataclasses.replace(u.result, rectify=False)
    write_summary(c, out)  # keep_from defaults to the output itself
    rec = read_ledger(out)[code]
    assert rec["销号日期"] == "2026-07-01" and rec["问题"].startswith("【本次汇总未标记整改")


def test_keys_fall_back_to_the_name(tmp_path):
    from xlsx_addin.io.tables.table import Records

    recs = Records([("C1", {"党组织名称": "甲", "党组织代码": "C1"}), ("乙", {"党组织名称": "乙", "党组织代码": ""})])
    assert recs.find("C1", "whatever")["党组织名称"] == "甲"
    assert recs.find("", "乙")["党组织名称"] == "乙"
    assert recs.find("C9", "乙")["党组织名称"] == "乙"  # gained a code this year
    assert recs.find("C9", "甲") is None  # same name, another code: another unit


# --- atomic output ---------------------------------------------------------------------------
def test_failed_write_leaves_the_previous_output(tmp_path, monkeypatch):
    c = make_consolidation(n=12, towns=2)
    out = write_summary(c, tmp_path / "汇总表.xlsx").path
    first = out.read_bytes()

    def broken(path, *args, **kwargs):
        Path(path).write_bytes(b"PK half a file")
        raise RuntimeError("disk full")

    monkeypatch.setattr(writer, "render", broken)
    with pytest.raises(RuntimeError):
        write_summary(c, out)
    assert out.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["汇总表.xlsx"]  # no temporary file left
    monkeypatch.undo()

    c.units[1].result.reasons.append("第二次汇总")
    write_summary(c, out)
    assert backup_path(out).read_bytes() == first
    assert out.read_bytes() != first
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)  # not mkstemp's private mode


# --- last year ------------------------------------------------------------------------------
def test_read_previous_levels_by_header_names(tmp_path, written):
    c, out = written
    levels = read_previous_levels(out)
    for u in c.units:
        assert levels[u.key] == u.result.level_name
        assert levels[u.result.org_name] == u.result.level_name
    import openpyxl

    moved = tmp_path / "乱序.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "一览表"
    ws.append(["备注", "最终星级", "党组织名称", "党组织代码"])
    ws.append(["", "四星级", "某村党支部", 1001])
    ws.append(["", "一星级", "无代码党支部", None])
    wb.save(moved)
    assert read_previous_levels(moved) == {"1001": "四星级", "某村党支部": "四星级", "无代码党支部": "一星级"}


def test_settings_round_trip():
    scheme = load_scheme("four_grade")
    s = Settings(input_dir=Path("D:/2025"), scheme_source="four_grade", quota_mode="flag", set_by="all",
                 previous=Path("D:/2024/汇总表.xlsx"))
    t = settings_table(scheme, s)
    back = settings_from_rows([t.header] + t.rows)
    assert (back.input_dir, back.scheme_source, back.quota_mode, back.set_by, back.previous) == \
        (s.input_dir, s.scheme_source, s.quota_mode, s.set_by, s.previous)
    with pytest.raises(ValueError, match="单位填报表文件夹"):
        settings_from_rows([["单位填报表文件夹", None]])


# --- the .xlsm ------------------------------------------------------------------------------
def _macros(path: Path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        vml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/drawings/vmlDrawing"))
    return re.findall(r"<x:FmlaMacro>\[0\]!(\w+)</x:FmlaMacro>", vml)


def test_xlsm_output_carries_the_xlwings_project(tmp_path):
    from oletools.olevba import VBA_Parser

    c = make_consolidation(n=12, towns=2)
    out = write_summary(c, tmp_path / "huizong.xlsm").path
    with zipfile.ZipFile(out) as z:
        assert "xl/vbaProject.bin" in z.namelist()
        wbxml = z.read("xl/workbook.xml").decode()
    assert 'codeName="ThisWorkbook"' in wbxml
    assert '<sheet name="xlwings.conf"' in wbxml
    parser = VBA_Parser(str(out))
    try:
        code = "\n".join(src for *_, src in parser.extract_macros())
    finally:
        parser.close()
    assert "Sub SampleCall()" in code and "Sub ImportPythonUDFs()" in code
    assert _macros(out) == ["SampleCall", "ImportPythonUDFs", "LedgerCall", "RegisterCall"]
    assert 'codeName="Sheet1"' in _sheet_xml(out, "设置")
    assert 'codeName="Sheet2"' in _sheet_xml(out, "xlwings.conf")


def test_committed_template_is_a_fresh_build(tmp_path):
    from xlsx_addin.jobs.consolidate.template import build_summary_workbook

    fresh = build_summary_workbook(tmp_path / "huizong.xlsm", load_scheme("five_star"))
    committed = ROOT / "workbooks" / "huizong.xlsm"
    # every sheet and part byte for byte; the VBA project by its modules and their code (olevba)
    assert not differences(fresh, committed), \
        ("workbooks/huizong.xlsm is stale: rebuild it with xlsx_addin.jobs.consolidate.template.build_summary_workbook",
         differences(fresh, committed))
    modules = vba_modules(committed)
    assert list(modules) == ["VBA/ThisWorkbook", "VBA/Sheet1", "VBA/Sheet2", "VBA/Module1", "VBA/xlwings"]
    assert "Sub SampleCall()" in modules["VBA/Module1"] and "RunPython" in modules["VBA/Module1"]  # the button
    assert "Sub LedgerCall()" in modules["VBA/Module1"] and ".ledgers()" in modules["VBA/Module1"]  # 台账汇总
    assert "Sub ImportPythonUDFs()" in modules["VBA/xlwings"]
    assert f'XLWINGS_VERSION As String = "{XLWINGS_VERSION}"' in modules["VBA/xlwings"]  # the pinned runtime
    assert (tmp_path / "huizong.py").read_text(encoding="utf-8") == \
        (ROOT / "workbooks" / "huizong.py").read_text(encoding="utf-8")
    assert _macros(fresh) == ["SampleCall", "ImportPythonUDFs", "LedgerCall", "RegisterCall"]
    rows = _rows(fresh, "设置")
    assert [r[0] for r in rows[1:6]] == ["单位填报表文件夹", "评定组", "配额模式", "评定方案", "上年度汇总表"]
    conf = _rows(fresh, "xlwings.conf")
    assert conf[0][:2] == ["Interpreter_Win", "python"] and ["UDF Modules", "udfs.star_rating"] == conf[1][:2]
    rules = _rows(fresh, "规则")
    assert rules[0] == ["参数", "key", "值", "说明"] and rules[1][1:3] == ["scheme", "five_star"]
    with zipfile.ZipFile(fresh) as z:
        vals = z.read("xl/worksheets/sheet1.xml").decode()
    assert "<dataValidation" in vals and "按上级党组织" in vals


def test_sidecar_and_engine_import_xlwings_only_inside_main():
    tree = ast.parse((ROOT / "workbooks" / "huizong.py").read_text(encoding="utf-8"))
    top = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert not any("xlwings" in ast.dump(n) for n in top)
    main = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == "main")
    assert "xlwings" in ast.dump(main) and "Book" in ast.dump(main)
    assert "set_mock_caller" in (ROOT / "workbooks" / "huizong.py").read_text(encoding="utf-8")
    for path in (ROOT / "xlsx_addin" / "consolidate").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                assert "xlwings" not in ast.dump(node), path


# --- the button, on a fake xlwings book -------------------------------------------------------
class _Range:
    def __init__(self, sheet, r1, c1, r2, c2):
        self.sheet, self.r1, self.c1, self.r2, self.c2 = sheet, r1, c1, r2, c2
        self.number_format = "General"
        self.top = 0.0

    @property
    def value(self):
        g = self.sheet.grid
        rows = [[g.get((r, c)) for c in range(self.c1, self.c2 + 1)] for r in range(self.r1, self.r2 + 1)]
        return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows

    @value.setter
    def value(self, rows):
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if v is None:
                    self.sheet.grid.pop((self.r1 + i, self.c1 + j), None)
                    continue
                self.sheet.typed.append(v)
                if isinstance(v, str) and v.startswith("'"):  # Excel's text prefix: stored as text, not shown
                    v = v[1:]
                elif isinstance(v, str) and v.startswith("="):
                    raise AssertionError(f"a formula was written: {v}")
                self.sheet.grid[(self.r1 + i, self.c1 + j)] = v

    def clear_contents(self):
        for key in [k for k in self.sheet.grid if self.r1 <= k[0] <= self.r2 and self.c1 <= k[1] <= self.c2]:
            del self.sheet.grid[key]


def _cell(a1: str) -> tuple[int, int]:
    letters, digits = re.fullmatch(r"([A-Z]+)(\d+)", a1).groups()
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return int(digits), col


class _Sheet:
    def __init__(self, name, rows):
        self.name = name
        self.grid = {(r + 1, c + 1): v for r, row in enumerate(rows) for c, v in enumerate(row) if v not in (None, "")}
        self.charts = []
        self.typed: list = []  # every value assigned, as the button sent it

    def range(self, a, b=None):
        if isinstance(a, tuple):
            b = b or a
            return _Range(self, a[0], a[1], b[0], b[1])
        first, _, last = a.partition(":")
        (r1, c1), (r2, c2) = _cell(first), _cell(last or first)
        return _Range(self, r1, c1, r2, c2)

    @property
    def used_range(self):
        if not self.grid:
            return _Range(self, 1, 1, 1, 1)
        return _Range(self, 1, 1, max(r for r, _ in self.grid), max(c for _, c in self.grid))

    def activate(self):
        pass


class _App:
    def __init__(self):
        self.status = []
        self.screen_updating = True

    @property
    def status_bar(self):
        return self.status[-1] if self.status else False

    @status_bar.setter
    def status_bar(self, text):
        self.status.append(text)


class _Sheets(dict):
    def add(self, name, after=None):
        self[name] = _Sheet(name, [])
        return self[name]


class _Book:
    def __init__(self, path: Path):
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
        self.sheets = _Sheets({n: _Sheet(n, wb.get_sheet_by_name(n).to_python()) for n in wb.sheet_names})
        self.fullname = str(path)
        self.app = _App()


def test_button_writes_the_same_rows_into_the_book(tmp_path):
    shutil.copy(ROOT / "workbooks" / "huizong.xlsm", tmp_path / "huizong.xlsm")
    book = _Book(tmp_path / "huizong.xlsm")
    settings = book.sheets["设置"]
    settings.range("B2").value = [["单位"]]  # relative to the workbook's folder
    settings.range("B4").value = [["仅标记"]]
    c = make_consolidation(n=20, towns=2, mode="flag")
    seen: dict = {}

    def fake_consolidate(s: Settings, progress=None):
        seen["settings"] = s
        progress(3, 10)
        seen["result"] = replace(c, settings=s)
        return seen["result"]

    messages = []
    result = run_in_book(book, consolidate=fake_consolidate, message_box=lambda b, t, m: messages.append(m))
    assert result is seen["result"]
    s = seen["settings"]
    assert s.input_dir == tmp_path / "单位" and s.quota_mode == "flag" and s.set_by == "parent_org"
    assert s.scheme_source == "five_star" and s.overrides and s.overrides["scheme"] == "five_star"
    assert s.exclude == (tmp_path / "huizong.xlsm",)
    overview = book.sheets["一览表"].used_range.value
    assert overview[0] == OVERVIEW_HEADER and len(overview) == 1 + len(c.units)
    assert FORMULA_NAME in [r[0] for r in overview]
    assert "'" + FORMULA_NAME in book.sheets["一览表"].typed  # sent with Excel's text prefix: never a formula
    tables = summary_tables(c)
    assert len(book.sheets["整改台账"].used_range.value) == 1 + len(tables["整改台账"].rows)
    assert book.sheets["设置"].range("B9").value == c.files_seen
    assert messages and messages[0].startswith("汇总完成") and book.app.status[-1] is False
    assert any("3/10" in str(x) for x in book.app.status)

    # the clerk writes into the ledger; the next click keeps it
    ledger = book.sheets["整改台账"]
    ledger.range("H2").value = [["李四"]]  # 责任人 (after 争星目标 and 整改措施)
    name = ledger.range("A2").value
    run_in_book(book, consolidate=fake_consolidate)
    rows = ledger.used_range.value
    row = next(r for r in rows if r[0] == name)
    assert row[rows[0].index("责任人")] == "李四"


def test_button_reports_a_missing_folder(tmp_path):
    shutil.copy(ROOT / "workbooks" / "huizong.xlsm", tmp_path / "huizong.xlsm")
    book = _Book(tmp_path / "huizong.xlsm")
    messages = []
    assert run_in_book(book, consolidate=lambda *a, **k: None, message_box=lambda b, t, m: messages.append(m)) is None
    assert "单位填报表文件夹" in messages[0]


# --- speed ----------------------------------------------------------------------------------
@pytest.mark.slow
def test_four_thousand_units_are_written_whole(tmp_path):
    """A county of 4,000 units is written with a row each (its speed is measured in benchmarks/)."""
    c = make_consolidation(n=4000, towns=8)
    for u in c.units:
        u.inputs = None
    out = write_summary(c, tmp_path / "大.xlsx").path
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(out or tmp_path / "大.xlsx")).get_sheet_by_name("一览表").to_python()
    assert len(rows) == 4001 and {r[1] for r in rows[1:]} == {u.result.org_code for u in c.units}


# --- LibreOffice renders both ---------------------------------------------------------------
@pytest.mark.slow
def test_libreoffice_converts_to_pdf(libreoffice, tmp_path, written):
    _, out = written
    for src in (ROOT / "workbooks" / "huizong.xlsm", out):
        pdf = libreoffice.convert(src, tmp_path / "pdf" / (src.stem + ".pdf"), recalc=False)  # as opened
        assert pdf.stat().st_size > 10_000 and pdf.read_bytes().startswith(b"%PDF")
