"""The half-year ledgers (issue 15): real 半年台账 workbooks filled through their defined names (openpyxl),
then the CLI `xlsx-addin ledgers`; overdue edges, members, due dates, missing and refused branches, re-runs."""
from __future__ import annotations

import os
import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

from xlsx_addin.contracts.ledger import Period, parse_period
from xlsx_addin.io.books.ledger.book import build_ledger_workbook

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "workbooks" / "半年台账.xlsx"
D = dt.date


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "xlsx_addin", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", timeout=180)


def fill(path: Path, values: dict, template: Path = TEMPLATE) -> Path:
    """Fill a copy of the ledger template through its workbook-level defined names, as a clerk's Excel would."""
    wb = load_workbook(template)
    for name, value in values.items():
        (sheet, ref), = wb.defined_names[name].destinations
        block = wb[sheet][ref.replace("$", "")]
        if not isinstance(block, tuple):  # one cell
            block.value = value
            continue
        header = [c.value for c in block[0]]
        for i, row in enumerate(value, 1):
            if isinstance(row, dict):
                for h, v in row.items():
                    block[i][header.index(h)].value = v
            else:
                for j, v in enumerate(row):
                    block[i][j].value = v
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def commitment(item, who, due, state="进行中", done_on=None, kind="服务承诺"):
    return {"承诺事项": item, "承诺类别": kind, "承诺单位或承诺人": who, "践诺措施": "按计划推进", "完成时限": due,
            "完成情况": state, "完成日期": done_on}


def review(who, on, way="个别点评"):
    return {"点评人": "王书记", "被点评党员": who, "点评日期": on, "点评方式": way, "点评意见": "工作积极", "努力方向": "加强学习"}


def rect(problem, due, closed=None, source="群众评议"):
    return {"问题": problem, "来源": source, "整改措施": "制定措施", "责任人": "王书记", "时限": due,
            "进度": "已整改" if closed else "整改中", "复验情况": "复验合格" if closed else None, "销号日期": closed}


BRANCH = dict(
    org_name="城关镇第一村党支部", org_code="C001", parent_org="城关镇党委", period="2026H1",
    report_date=D(2026, 7, 10),
    members=[["张三"], ["李四"], ["王五"]],
    commitments=[
        commitment("帮助困难户申请低保", "张三", D(2026, 6, 29)),  # one day overdue at 06-30
        commitment("修缮村文化广场", "张三", D(2026, 6, 30)),  # due today: not overdue
        commitment("开展义诊两次", "李四", D(2026, 5, 31), "已完成", D(2026, 6, 5)),  # done late
        commitment("每月走访群众", "城关镇第一村党支部", D(2026, 6, 30), "已完成", D(2026, 6, 20)),
    ],
    member_reviews=[review("张三", D(2026, 6, 1)), review("李四", D(2025, 12, 20))],  # 李四's is last half year's
    org_reviews=[{"点评人": "刘主任", "被点评党组织/书记": "城关镇第一村党支部", "点评日期": D(2026, 6, 10),
                  "点评方式": "现场点评", "点评意见": "承诺落实较好", "努力方向": "加快进度"}],
    mass_review=[[None, 30, 6, 4, 42], [None, 25, 10, 5, 42]],
    rectification=[rect("活动阵地设施陈旧", D(2026, 6, 29)), rect("三会一课记录不全", D(2026, 6, 30)),
                   rect("党务公开不及时", D(2026, 5, 1), closed=D(2026, 5, 20))],
)
AS_OF = "2026-06-30"


def sheet_rows(path: Path, sheet: str) -> list[list]:
    wb = CalamineWorkbook.from_path(str(path))
    try:
        return wb.get_sheet_by_name(sheet).to_python()
    finally:
        wb.close()


def records(path: Path, sheet: str) -> list[dict]:
    rows = sheet_rows(path, sheet)
    return [dict(zip(rows[0], r)) for r in rows[1:] if r and r[0] not in ("", "合计")]


@pytest.fixture(scope="module")
def county_files(tmp_path_factory):
    """The two branch ledgers, filled once (openpyxl takes about 0.3 s per ledger)."""
    d = tmp_path_factory.mktemp("ledgers") / "台账"
    fill(d / "城关镇" / "第一村.xlsx", BRANCH)
    second = dict(BRANCH, org_name="城关镇第二村党支部", org_code="C002", members=None, member_reviews=None,
                  mass_review=None, rectification=None,
                  commitments=[commitment("修路", "赵六", D(2026, 6, 1), "已完成", D(2026, 5, 30)),
                               commitment("办夜校", "赵六", D(2026, 6, 15), "已完成", D(2026, 6, 10))])
    fill(d / "城关镇" / "第二村.xlsx", {k: v for k, v in second.items() if v is not None})
    return d


@pytest.fixture
def county(county_files, tmp_path):
    """A private copy per test: tests add, remove and re-run on it."""
    return Path(shutil.copytree(county_files, tmp_path / "台账", copy_function=shutil.copy2))


def test_template_names_and_headers_are_the_contract():
    wb = load_workbook(TEMPLATE)
    names = set(wb.defined_names)
    assert {"org_name", "org_code", "parent_org", "period", "commitments", "org_reviews", "member_reviews",
            "mass_review", "rectification", "members"} <= names
    heads = {}
    for n in ("commitments", "org_reviews", "member_reviews", "mass_review", "rectification", "members"):
        (sheet, ref), = wb.defined_names[n].destinations
        heads[n] = [c.value for c in wb[sheet][ref.replace("$", "")][0]]
    assert heads["commitments"] == ["承诺事项", "承诺类别", "承诺单位或承诺人", "践诺措施", "完成时限", "完成情况", "完成日期", "群众评价"]
    assert heads["org_reviews"] == ["点评人", "被点评党组织/书记", "点评日期", "点评方式", "点评意见", "努力方向"]
    assert heads["member_reviews"] == ["点评人", "被点评党员", "点评日期", "点评方式", "点评意见", "努力方向"]
    assert heads["mass_review"] == ["评议内容", "满意", "基本满意", "不满意", "参加人数"]
    assert heads["rectification"] == ["问题", "来源", "整改措施", "责任人", "时限", "进度", "复验情况", "销号日期"]
    ws = wb["承诺践诺台账"]
    assert "tbl_commitments" in ws.tables and ws.tables["tbl_commitments"].ref.startswith("A5:H205")
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert "已完成" in lists["F6"] and "实事承诺" in lists["B6"]
    kinds = {str(dv.sqref).split(":")[0]: dv.type for dv in ws.data_validations.dataValidation}
    assert kinds["E6"] == "date" and kinds["G6"] == "date"
    assert ws.conditional_formatting and ws.print_title_rows == "$5:$5" and ws.page_setup.paperSize == 9


def test_committed_template_is_a_fresh_build(tmp_path):
    fresh = build_ledger_workbook(tmp_path / "半年台账.xlsx")
    assert fresh.read_bytes() == TEMPLATE.read_bytes(), "rebuild: xlsx-addin templates --out workbooks"


def test_no_future_or_array_functions_in_the_template():
    import zipfile

    with zipfile.ZipFile(TEMPLATE) as z:
        xml = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "_xlfn" not in xml and 't="array"' not in xml
    assert "SUMPRODUCT" in xml and "COUNTIFS" in xml and xml.count("TODAY()") == 1  # as_of on 基本信息 only


def test_periods_and_due_dates():
    assert parse_period("2026H1") == Period(2026, 1) and parse_period("2026年下半年") == Period(2026, 2)
    assert parse_period("2026") is None and parse_period("2026H3") is None
    assert Period(2026, 1).due() == D(2026, 7, 15)  # mid-July
    assert Period(2026, 2).due() == D(2027, 1, 15)  # mid-January of the next year


@pytest.mark.slow
def test_overdue_edges_members_and_rectification(county, tmp_path):
    out = tmp_path / "台账汇总.xlsx"
    r = run_cli("ledgers", county, "--out", out, "--period", "2026H1", "--as-of", AS_OF)
    assert r.returncode == 0, r.stderr
    rows = {x["党组织名称"]: x for x in records(out, "汇总")}
    one = rows["城关镇第一村党支部"]
    assert (one["承诺数"], one["已完成"], one["其中逾期完成"], one["逾期未完成"]) == (4, 2, 1, 1)
    assert one["承诺完成率"] == pytest.approx(0.5)
    # 张三 two commitments, 李四 one, 王五 none; 李四's comment is from 2025H2
    assert one["未作承诺党员数"] == 1 and one["未作承诺党员"] == "王五"
    assert one["本期未点评党员数"] == 2 and one["本期未点评党员"] == "李四、王五"
    assert one["群众评议"] == "已开展" and one["评议参加人数"] == 42
    assert one["群众满意率"] == pytest.approx(71 / 80, abs=1e-6)  # (30+6+25+10) / (40+40)
    assert (one["整改事项"], one["未销号"], one["其中逾期"], one["已销号"]) == (3, 2, 1, 1)
    two = rows["城关镇第二村党支部"]
    assert two["群众评议"] == "未开展" and two["党员名单"].startswith("未填") and two["未作承诺党员数"] == 0
    assert two["本期未点评党员"] == "赵六"  # no list: the members the ledger names
    items = records(out, "逾期事项")
    assert [(x["类别"], x["事项"], x["逾期天数"]) for x in items] == [("承诺", "帮助困难户申请低保", 1),
                                                                     ("整改", "活动阵地设施陈旧", 1)]
    assert items[0]["时限"] == D(2026, 6, 29) and items[0]["位置"] == "承诺践诺台账!A6"
    grid = sheet_rows(out, "汇总")
    total = dict(zip(grid[0], [x for x in grid if x[0] == "合计"][0]))
    assert total["承诺数"] == 6 and total["逾期未完成"] == 1 and one["按时报送"] == "是"  # 4 + 2; reported 07-10


@pytest.mark.slow
def test_next_day_everything_due_today_is_overdue(county, tmp_path):
    out = tmp_path / "s.xlsx"
    assert run_cli("ledgers", county, "--out", out, "--period", "2026H1", "--as-of", "2026-07-01").returncode == 0
    one = {x["党组织名称"]: x for x in records(out, "汇总")}["城关镇第一村党支部"]
    assert one["逾期未完成"] == 2 and one["其中逾期"] == 2
    days = sorted((x["事项"], x["逾期天数"]) for x in records(out, "逾期事项"))
    assert ("修缮村文化广场", 1) in days and ("帮助困难户申请低保", 2) in days


@pytest.mark.slow
def test_due_dates_late_and_missing_branches(county, tmp_path):
    expect = tmp_path / "名单.txt"
    expect.write_text("城关镇第一村党支部\n城关镇第二村党支部\n城关镇第三村党支部\n", encoding="utf-8")
    late = fill(county / "城关镇" / "第四村.xlsx", dict(BRANCH, org_name="城关镇第四村党支部", org_code="C004",
                                                     report_date=D(2026, 7, 16)))
    assert late.exists()
    out = tmp_path / "s.xlsx"
    r = run_cli("ledgers", county, "--out", out, "--period", "2026H1", "--as-of", "2026-07-20", "--expect", expect)
    assert r.returncode == 0, r.stderr
    rows = {x["党组织名称"]: x for x in records(out, "未按时报送")}
    assert rows["城关镇第四村党支部"]["情况"] == "逾期报送" and rows["城关镇第四村党支部"]["逾期天数"] == 1
    assert rows["城关镇第三村党支部"]["情况"] == "逾期未报送"  # sent nothing, past 07-15
    assert "城关镇第一村党支部" not in rows  # reported 07-10
    # the same ledgers as a second half year: due mid-January of the next year
    h2 = tmp_path / "h2"
    fill(h2 / "a.xlsx", dict(BRANCH, period="2026H2", report_date=D(2027, 1, 15)))
    fill(h2 / "b.xlsx", dict(BRANCH, org_name="乙支部", org_code="C009", period="2026H2", report_date=D(2027, 1, 16)))
    out2 = tmp_path / "h2.xlsx"
    assert run_cli("ledgers", h2, "--out", out2, "--period", "2026H2", "--as-of", "2027-01-20").returncode == 0
    late2 = records(out2, "未按时报送")
    assert [(x["党组织名称"], x["应报送日期"]) for x in late2] == [("乙支部", D(2027, 1, 15))]
    # before the due date a missing branch is only pending; --due moves the deadline
    out3 = tmp_path / "early.xlsx"
    assert run_cli("ledgers", county, "--out", out3, "--period", "2026H1", "--as-of", "2026-07-05",
                   "--expect", expect, "--due", "2026-07-31").returncode == 0
    rows3 = {x["党组织名称"]: x for x in records(out3, "未按时报送")}
    assert rows3["城关镇第三村党支部"]["情况"].startswith("尚未报送") and "城关镇第四村党支部" not in rows3


@pytest.mark.slow
def test_expected_from_previous_summary(county, tmp_path):
    first = tmp_path / "h1.xlsx"
    assert run_cli("ledgers", county, "--out", first, "--period", "2026H1", "--as-of", AS_OF).returncode == 0
    (county / "城关镇" / "第二村.xlsx").unlink()
    out = tmp_path / "again.xlsx"
    assert run_cli("ledgers", county, "--out", out, "--period", "2026H1", "--as-of", "2026-07-20",
                   "--expect", first).returncode == 0
    assert [(x["党组织名称"], x["党组织代码"], x["情况"]) for x in records(out, "未按时报送")] == [
        ("城关镇第二村党支部", "C002", "逾期未报送")]


@pytest.mark.slow
def test_ledger_of_another_period_is_refused_with_a_reason(county, tmp_path):
    fill(county / "旧.xlsx", dict(BRANCH, org_name="城关镇第五村党支部", org_code="C005", period="2025H2"))
    out = tmp_path / "s.xlsx"
    assert run_cli("ledgers", county, "--out", out, "--period", "2026H1", "--as-of", AS_OF).returncode == 0
    assert "城关镇第五村党支部" not in {x["党组织名称"] for x in records(out, "汇总")}
    why = [p for p in records(out, "问题清单") if p["文件"] == "旧.xlsx"]
    assert len(why) == 1 and why[0]["严重程度"] == "错误" and why[0]["单元格"] == "B6" and why[0]["工作表"] == "基本信息"
    assert "2025H2" in why[0]["原因"] and "2026H1" in why[0]["原因"] and why[0]["值"] == "2025H2"
    late = {x["党组织名称"]: x for x in records(out, "未按时报送")}
    assert late["城关镇第五村党支部"]["情况"].startswith("台账期间不符")


@pytest.mark.slow
def test_bad_values_name_file_sheet_cell_value(county, tmp_path):
    fill(county / "坏.xlsx", dict(BRANCH, org_name="坏支部", org_code="C007",
                                 commitments=[commitment("建图书角", "张三", "下月底"),
                                              commitment("清理河道", "李四", D(2026, 6, 1), "完成了")],
                                 mass_review=[[None, 30, "十", 4, 20]]))
    out = tmp_path / "s.xlsx"
    assert run_cli("ledgers", county, "--out", out, "--period", "2026H1", "--as-of", AS_OF).returncode == 0
    probs = {(p["工作表"], p["单元格"]): p for p in records(out, "问题清单") if p["文件"] == "坏.xlsx"}
    assert probs[("承诺践诺台账", "E6")]["值"] == "下月底" and "不是日期" in probs[("承诺践诺台账", "E6")]["原因"]
    assert "不在列表中" in probs[("承诺践诺台账", "F7")]["原因"]
    assert "不是0或正整数" in probs[("群众评议", "C6")]["原因"]
    assert "超过参加人数" in probs[("群众评议", "E6")]["原因"]
    bad = {x["党组织名称"]: x for x in records(out, "汇总")}["坏支部"]
    assert bad["承诺数"] == 2 and bad["逾期未完成"] == 1  # the unreadable deadline cannot be overdue; 完成了 ≠ 已完成


@pytest.mark.slow
def test_rerun_keeps_what_the_upper_level_typed(county, tmp_path):
    out = tmp_path / "台账汇总.xlsx"
    assert run_cli("ledgers", county, "--out", out, "--period", "2026H1", "--as-of", AS_OF).returncode == 0
    wb = load_workbook(out)
    ws = wb["汇总"]
    head = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "城关镇第一村党支部":
            row[head.index("督查情况")].value = "7月3日抽查,台账规范"
    ws.cell(1, len(head) + 1, "联系人")  # a column the upper level added
    ws.cell(2, len(head) + 1, "小李")
    od = wb["逾期事项"]
    ohead = [c.value for c in od[1]]
    od.cell(2, ohead.index("督办情况") + 1, "已电话督办")
    key_item = od.cell(2, ohead.index("事项") + 1).value
    wb.save(out)
    first_name = ws.cell(2, 1).value
    assert run_cli("ledgers", county, "--out", out, "--period", "2026H1", "--as-of", AS_OF).returncode == 0
    rows = {x["党组织名称"]: x for x in records(out, "汇总")}
    assert rows["城关镇第一村党支部"]["督查情况"] == "7月3日抽查,台账规范"
    assert rows[first_name]["联系人"] == "小李"
    kept = {x["事项"]: x for x in records(out, "逾期事项")}
    assert kept[key_item]["督办情况"] == "已电话督办"
    from xlsx_addin.io.files.backups import existing

    assert existing(out)  # the previous summary kept as a dated backup
    # the branch's ledger goes away: its row stays while the upper level has written in it
    (county / "城关镇" / "第一村.xlsx").unlink()
    assert run_cli("ledgers", county, "--out", out, "--period", "2026H1", "--as-of", AS_OF).returncode == 0
    rows = {x["党组织名称"]: x for x in records(out, "汇总")}
    assert rows["城关镇第一村党支部"]["督查情况"] == "7月3日抽查,台账规范"
    assert rows["城关镇第一村党支部"]["来源文件"].startswith("【本次汇总中已无此项")


def test_output_is_whole_or_nothing_and_inputs_untouched(county, tmp_path):
    before = {p: p.read_bytes() for p in county.rglob("*.xlsx")}
    out = tmp_path / "s.xlsx"
    out.write_bytes(b"previous")
    from xlsx_addin.jobs.ledgers import writer

    def boom(*a, **k):
        raise RuntimeError("disk full")

    from xlsx_addin.contracts.ledger import Period as P
    from xlsx_addin.jobs.ledgers.job import run_ledgers, settings_for

    run = run_ledgers(settings_for(county, P(2026, 1), D(2026, 6, 30)))
    original = writer._render
    writer._render = boom
    try:
        with pytest.raises(RuntimeError):
            writer.write_ledger_summary(run, out)
    finally:
        writer._render = original
    assert out.read_bytes() == b"previous" and not list(tmp_path.glob(".~*"))
    assert {p: p.read_bytes() for p in county.rglob("*.xlsx")} == before


@pytest.mark.slow
def test_cli_refuses_bad_arguments(county, tmp_path):
    r = run_cli("ledgers", county, "--out", tmp_path / "s.xlsx", "--period", "2026H3")
    assert r.returncode == 2 and "台账期间" in r.stderr
    r = run_cli("ledgers", county, "--out", tmp_path / "s.xlsx", "--period", "2026H1", "--as-of", "昨天")
    assert r.returncode == 2 and "不是日期" in r.stderr
    r = run_cli("ledgers", tmp_path / "无", "--out", tmp_path / "s.xlsx", "--period", "2026H1")
    assert r.returncode == 2 and "不存在" in r.stderr


# --- LibreOffice: opens, recalculates (UNO calculateAll) and prints both workbooks ----------------
LIVE_NAMES = ("live_commitments", "live_done", "live_done_late", "live_overdue", "live_members", "live_no_commitment",
              "live_not_reviewed", "live_mass_present", "live_mass_satisfaction", "live_rect_total", "live_rect_open",
              "live_rect_overdue", "live_rect_closed")


@pytest.mark.slow
def test_libreoffice_recalculates_live_counts_equal_to_the_job(libreoffice, county, tmp_path):
    from xlsx_addin.jobs.ledgers.job import run_ledgers, settings_for
    from xlsx_addin.jobs.ledgers.writer import write_ledger_summary

    # the same ledger with its 统计截止日期 set to the job's --as-of (the template's default is =TODAY())
    ledger = fill(county / "城关镇" / "第一村.xlsx", dict(BRANCH, as_of=D(2026, 6, 30)))
    run = run_ledgers(settings_for(county, Period(2026, 1), D(2026, 6, 30)))
    out = write_ledger_summary(run, tmp_path / "台账汇总.xlsx")
    b = next(x for x in run.branches if x.org_code == "C001")
    pdf1, pdf2 = tmp_path / "ledger.pdf", tmp_path / "summary.pdf"
    live = libreoffice.recalc(ledger, LIVE_NAMES)
    assert libreoffice.formula_errors(ledger) == {} and libreoffice.formula_errors(out) == {}
    libreoffice.convert(ledger, pdf1)
    libreoffice.convert(out, pdf2)
    assert {k: live[k] for k in LIVE_NAMES if k != "live_mass_satisfaction"} == {
        "live_commitments": b.commitments, "live_done": b.done, "live_done_late": b.done_late,
        "live_overdue": b.overdue, "live_members": b.members_listed, "live_no_commitment": len(b.no_commitment),
        "live_not_reviewed": len(b.not_reviewed), "live_mass_present": b.mass_present,
        "live_rect_total": b.rect_total, "live_rect_open": b.rect_open, "live_rect_overdue": b.rect_overdue,
        "live_rect_closed": b.rect_closed}
    assert live["live_mass_satisfaction"] == pytest.approx(b.satisfaction)
    # printed: A4, Chinese titles and the filled rows, both files
    for pdf, words in ((pdf1, ("承诺、践诺台账", "帮助困难户申请低保", "群众评议情况统计表", "整改台账")),
                       (pdf2, ("城关镇第一村党支部", "合计", "逾期事项", "问题清单"))):
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
        for w in words:
            assert w in text, (pdf.name, w)
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        assert "(A4)" in info


@pytest.mark.slow
def test_libreoffice_recalculates_summary_totals(libreoffice, county, tmp_path):
    from xlsx_addin.jobs.ledgers.job import run_ledgers, settings_for
    from xlsx_addin.jobs.ledgers.writer import write_ledger_summary

    run = run_ledgers(settings_for(county, Period(2026, 1), D(2026, 6, 30)))
    out = write_ledger_summary(run, tmp_path / "台账汇总.xlsx")
    wb = load_workbook(out)
    ws = wb["汇总"]
    head = [c.value for c in ws[1]]
    total_row = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == "合计")
    for i, h in enumerate(("承诺数", "逾期未完成", "未销号", "承诺完成率")):  # defined names over the 合计 cells
        from openpyxl.workbook.defined_name import DefinedName
        from openpyxl.utils import get_column_letter

        ref = f"'汇总'!${get_column_letter(head.index(h) + 1)}${total_row}"
        wb.defined_names[f"t{i}"] = DefinedName(f"t{i}", attr_text=ref)
    probe = tmp_path / "probe.xlsx"
    wb.save(probe)
    got = libreoffice.recalc(probe, ["t0", "t1", "t2", "t3"])
    br = run.branches
    assert got["t0"] == sum(b.commitments for b in br) and got["t1"] == sum(b.overdue for b in br)
    assert got["t2"] == sum(b.rect_open for b in br)
    assert got["t3"] == pytest.approx(sum(b.done for b in br) / sum(b.commitments for b in br))


# --- the year joins up ----------------------------------------------------------------------------
def _rating_summary(tmp_path: Path) -> tuple[Path, Path]:
    from xlsx_addin import load_scheme
    from xlsx_addin.jobs.demo.county import generate_county
    from xlsx_addin.templates import build_unit_workbook

    scheme = load_scheme("five_star")
    units = tmp_path / "units"
    for rel, values in generate_county(24, scheme, seed=7):
        (units / rel).parent.mkdir(parents=True, exist_ok=True)
        build_unit_workbook(units / rel, scheme, values)
    summary = tmp_path / "汇总表.xlsx"
    r = run_cli("consolidate", units, "--out", summary, "--quiet")
    assert r.returncode == 0, r.stderr
    return units, summary


@pytest.mark.slow
def test_seed_from_the_rating_summary_and_back_as_evidence(tmp_path):
    units, summary = _rating_summary(tmp_path)
    wb = load_workbook(summary)
    ws = wb["整改台账"]
    head = [c.value for c in ws[1]]
    flagged = [[c.value for c in row] for row in ws.iter_rows(min_row=2) if row[0].value]
    assert len(flagged) >= 3
    ws.cell(2, head.index("整改措施") + 1, "健全三会一课制度")
    ws.cell(2, head.index("责任人") + 1, "王书记")
    ws.cell(2, head.index("时限") + 1, dt.datetime(2026, 5, 31))
    ws.cell(3, head.index("销号日期") + 1, dt.datetime(2026, 1, 10))  # closed: not carried into the ledger
    wb.save(summary)
    out = tmp_path / "下发台账"
    r = run_cli("ledgers", "--seed-from", summary, "--out", out, "--period", "2026H2")
    assert r.returncode == 0, r.stderr
    files = sorted(out.rglob("*.xlsx"))
    assert len(files) == len(records(summary, "一览表"))
    by_name = {}
    for f in files:
        lw = load_workbook(f)
        (sheet, ref), = lw.defined_names["rectification"].destinations
        block = lw[sheet][ref.replace("$", "")]
        name_cell = lw.defined_names["org_name"].destinations
        (s2, r2), = name_cell
        by_name[lw[s2][r2.replace("$", "")].value] = (f, [[c.value for c in row] for row in block[1:] if row[0].value])
        (s3, r3), = lw.defined_names["period"].destinations
        assert lw[s3][r3.replace("$", "")].value == "2026H2"
    first, second = flagged[0], flagged[1]
    f1, rows1 = by_name[first[0]]
    assert len(rows1) == 1 and rows1[0][1] == "年度评定" and rows1[0][2] == "健全三会一课制度" and rows1[0][3] == "王书记"
    assert rows1[0][4].date() == D(2026, 5, 31) and rows1[0][0] == first[head.index("问题")]
    assert by_name[second[0]][1] == []  # closed in the summary
    # a second run never overwrites a ledger the branch may have started
    f1.write_bytes(f1.read_bytes())
    stamp = f1.stat().st_mtime_ns
    r = run_cli("ledgers", "--seed-from", summary, "--out", out, "--period", "2026H2")
    assert r.returncode == 0 and "未覆盖" in r.stdout and f1.stat().st_mtime_ns == stamp

    # the seeded ledgers, run as the H2 summary, go back to the rating as evidence
    lsum = tmp_path / "台账汇总.xlsx"
    r = run_cli("ledgers", out, "--out", lsum, "--period", "2026H2", "--as-of", "2026-12-31")
    assert r.returncode == 0, r.stderr
    before = records(summary, "一览表")
    rated = tmp_path / "汇总表2.xlsx"
    r = run_cli("consolidate", units, "--out", rated, "--ledgers", lsum, "--quiet")
    assert r.returncode == 0, r.stderr
    after = records(rated, "一览表")
    assert [x["最终星级"] for x in after] == [x["最终星级"] for x in before]  # no score changed
    assert [x["综合得分"] for x in after] == [x["综合得分"] for x in before]
    row1 = next(x for x in after if x["党组织名称"] == first[0])
    assert row1["整改销号率"] == 0 and row1["承诺完成率"] == ""  # one open item; no commitments yet
    assert list(after[0])[-1] == "来源文件" and "整改销号率" in after[0]


@pytest.mark.slow
def test_demo_ledgers_builds_a_half_year_and_summarises_it(tmp_path):
    out = tmp_path / "demo"
    r = run_cli("demo", "--units", "12", "--out", out, "--quiet", "--ledgers")
    assert r.returncode == 0, r.stderr
    assert "台账汇总完成" in r.stdout
    summary = out / "台账汇总.xlsx"
    rows = records(summary, "汇总")
    rated = records(out / "汇总表.xlsx", "一览表")
    assert len(rows) == len(rated) - 2  # one branch sent nothing, one sent last half year's ledger
    assert all(x["承诺数"] > x["党员人数"] for x in rows)  # the branch's own and its members' commitments
    late = {x["情况"][:4] for x in records(summary, "未按时报送")}
    assert {"逾期未报", "台账期间"} <= late
    assert records(summary, "逾期事项") and sum(x["逾期未完成"] for x in rows) > 0
    # the rating's rectification items were carried into the ledgers
    assert any(x["整改事项"] for x in rows)
    again = run_cli("demo", "--units", "12", "--out", out, "--quiet", "--ledgers")
    assert again.returncode == 0 and records(summary, "汇总") == rows  # deterministic for a seed


@pytest.mark.slow
def test_rerun_expects_the_branches_of_the_previous_output(county, tmp_path):
    out = tmp_path / "台账汇总.xlsx"
    assert run_cli("ledgers", county, "--out", out, "--period", "2026H1", "--as-of", "2026-07-20").returncode == 0
    (county / "城关镇" / "第二村.xlsx").unlink()
    assert run_cli("ledgers", county, "--out", out, "--period", "2026H1", "--as-of", "2026-07-20").returncode == 0
    assert [(x["党组织名称"], x["情况"]) for x in records(out, "未按时报送")] == [("城关镇第二村党支部", "逾期未报送")]


@pytest.mark.slow
def test_next_half_year_into_the_same_file_starts_afresh(county, tmp_path):
    out = tmp_path / "台账汇总.xlsx"
    assert run_cli("ledgers", county, "--out", out, "--period", "2026H1", "--as-of", AS_OF).returncode == 0
    wb = load_workbook(out)
    ws = wb["汇总"]
    ws.cell(2, [c.value for c in ws[1]].index("督查情况") + 1, "上半年抽查")
    wb.save(out)
    h2 = tmp_path / "h2"
    fill(h2 / "a.xlsx", dict(BRANCH, period="2026H2", report_date=D(2027, 1, 10)))
    assert run_cli("ledgers", h2, "--out", out, "--period", "2026H2", "--as-of", "2027-01-20").returncode == 0
    assert all(not x["督查情况"] for x in records(out, "汇总"))
    assert any("上次的台账汇总为2026H1" in p["原因"] for p in records(out, "问题清单"))
    from xlsx_addin.io.files.backups import existing

    assert "上半年抽查" in str(sheet_rows(existing(out)[-1], "汇总"))
    # last half year's branches are this half year's expected list: 第二村 sent nothing
    missing = {x["党组织名称"]: x["情况"] for x in records(out, "未按时报送")}
    assert missing == {"城关镇第二村党支部": "逾期未报送"}


@pytest.mark.slow
def test_expect_list_as_csv_with_contract_names(county, tmp_path):
    expect = tmp_path / "expect.csv"
    expect.write_text("org_code,org_name\nC001,城关镇第一村党支部\nC003,城关镇第三村党支部\n", encoding="utf-8")
    out = tmp_path / "s.xlsx"
    assert run_cli("ledgers", county, "--out", out, "--period", "2026H1", "--as-of", "2026-07-16",
                   "--expect", expect).returncode == 0
    assert [(x["党组织代码"], x["情况"]) for x in records(out, "未按时报送")] == [("C003", "逾期未报送")]


@pytest.mark.slow
def test_ledger_built_for_another_scheme_counts_its_own_ballot_options(tmp_path):
    template = build_ledger_workbook(tmp_path / "t.xlsx", scheme="six_good")  # 满意 / 基本满意 / 不满意 / 不了解
    wb = load_workbook(template)
    (sheet, ref), = wb.defined_names["mass_review"].destinations
    assert [c.value for c in wb[sheet][ref.replace("$", "")][0]] == ["评议内容", "满意", "基本满意", "不满意", "不了解",
                                                                     "参加人数"]
    d = tmp_path / "in"
    fill(d / "a.xlsx", dict(org_name="甲支部", period="2026H1", commitments=[commitment("x", "甲支部", D(2026, 6, 1))],
                            mass_review=[[None, 10, 5, 3, 2, 20]]), template=template)
    out = tmp_path / "s.xlsx"
    assert run_cli("ledgers", d, "--out", out, "--period", "2026H1", "--as-of", AS_OF).returncode == 0
    row = records(out, "汇总")[0]
    assert row["群众满意率"] == pytest.approx(0.75) and row["评议参加人数"] == 20  # (10+5)/20
    assert not [p for p in records(out, "问题清单") if "表头" in p["原因"]]


@pytest.mark.slow
def test_minimal_ledger_with_only_the_required_names(tmp_path):
    """A workbook made by another program: only org_name, period and commitments, tiny ranges."""
    from openpyxl import Workbook
    from openpyxl.workbook.defined_name import DefinedName

    wb = Workbook()
    ws = wb.active
    ws.title = "台账"
    ws["A1"], ws["B1"] = "名称", "某支部"
    ws["A2"], ws["B2"] = "期间", "2026H1"
    ws.append([])
    ws["A4"], ws["B4"], ws["C4"], ws["D4"] = "承诺事项", "承诺类别", "承诺单位或承诺人", "践诺措施"
    ws["E4"], ws["F4"], ws["G4"], ws["H4"] = "完成时限", "完成情况", "完成日期", "群众评价"
    ws.append(["a", "服务承诺", "张三", "", dt.datetime(2026, 6, 29), "进行中", None, None])
    for name, ref in (("org_name", "$B$1"), ("period", "$B$2"), ("commitments", "$A$4:$H$5")):
        wb.defined_names[name] = DefinedName(name, attr_text=f"'台账'!{ref}")
    d = tmp_path / "in"
    d.mkdir()
    wb.save(d / "x.xlsx")
    out = tmp_path / "s.xlsx"
    assert run_cli("ledgers", d, "--out", out, "--period", "2026H1", "--as-of", AS_OF).returncode == 0
    row = records(out, "汇总")[0]
    assert (row["党组织名称"], row["承诺数"], row["逾期未完成"], row["群众评议"]) == ("某支部", 1, 1, "未开展")
    assert all(p["严重程度"] == "提示" for p in records(out, "问题清单"))


@pytest.mark.slow
def test_a_ledger_filled_by_the_program_shows_live_counts_in_libreoffice(libreoffice, tmp_path):
    """Seeded and demo ledgers are written with values: LibreOffice shows their counts without a recalculation."""
    path = build_ledger_workbook(tmp_path / "g.xlsx", dict(BRANCH, as_of=D(2026, 6, 30)))
    libreoffice.convert(path, tmp_path / "g.pdf", recalc=False)
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "g.pdf"), "-"], capture_output=True, text=True).stdout
    assert "党组织:城关镇第一村党支部" in text and "逾期1天" in text and "逾期完成" in text
    counts = next(line for line in text.splitlines() if line.strip().startswith("逾期未完成"))
    assert counts.split()[1] == "1"  # 基本信息's live count, as the job counts it
    assert "2026-01-01" in text  # 期间开始 from the period


class _AbortingLedgerTask:
    """A LedgerTask whose reading kills its worker (as a native reader's abort does)."""

    def __init__(self):
        from xlsx_addin.jobs.ledgers.read import LedgerTask
        self.task = LedgerTask(Period(2026, 1), dt.date(2026, 6, 30))
        self.failed = self.task.failed

    def __call__(self, path: str, rel: str):
        os.abort()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="os.abort in a forked worker")
def test_a_ledger_that_kills_its_worker_is_one_problem():
    from xlsx_addin.io.files.pool import map_files
    from xlsx_addin.model.problems import Severity
    [(problems, branch)] = map_files([(os.devnull, "乡镇/台账.xlsx")], _AbortingLedgerTask(), workers=1)
    assert branch is None
    assert [(p.file, p.severity) for p in problems] == [("乡镇/台账.xlsx", Severity.ERROR)]
    assert "程序中止" in problems[0].reason
