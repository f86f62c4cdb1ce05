"""Read one ledger workbook by its defined names and tally it: a worker process's task.

The file is read by the project's reader (zip + python-calamine, nothing executed); tables come back
as rows, first row the header, and columns are found by header text (then by position, with a 提示).
Every unusable value becomes a 问题清单 row naming the file, sheet, cell and value; the rest goes on.
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Sequence

from xlsx_addin.model.problems import Problem
from xlsx_addin.engine.inputs import excel_error, is_blank, quoted, shown
from xlsx_addin.io.reader import UnitFile, read_unit
from xlsx_addin.io.request import ReadRequest
from xlsx_addin.engine.scheme import BUILTIN, DEFAULT_SCHEME, Scheme, load_scheme
from xlsx_addin.engine.survey import tally
from xlsx_addin.contracts.ledger import (
    CELLS,
    COMMITMENT_STATES,
    DONE,
    PRESENT,
    Period,
    ORG_ENDINGS,
    ORG_WORDS,
    TableSpec,
    parse_period,
    table_specs,
)
from xlsx_addin.jobs.ledgers.model import Branch, Overdue
from xlsx_addin.model.problems import ERROR, HINT, Severity
from xlsx_addin.model.dates import cell_date

REQUIRED = ("org_name", "period", "commitments")
_SPLIT = re.compile(r"[、,,;;/\s]+")


def ledger_request(specs: dict[str, TableSpec]) -> ReadRequest:
    """What a ledger workbook is read for: its cells and tables (read as rows), and item_scores to spot rating files."""
    return ReadRequest(names=frozenset(CELLS) | {"item_scores"}, tables=frozenset(specs))


to_date = cell_date  # the one reading of a typed date (model/dates.py)


def _text(value: Any) -> str:
    return "" if is_blank(value) else shown(value).strip()


def names_in(value: Any) -> list[str]:
    """张三、李四 / 张三,李四 → [张三, 李四]."""
    return [t for t in _SPLIT.split(_text(value)) if t]


def is_org(token: str, org_name: str) -> bool:
    return token == org_name or token in ORG_WORDS or token.endswith(ORG_ENDINGS)


class _Table:
    """The data rows of one table name, with the cell of each value."""

    def __init__(self, unit: UnitFile, spec: TableSpec, findings: list[Problem]):
        self.unit, self.spec, self.findings = unit, spec, findings
        self.ref = unit.refs.get(spec.name)
        grid = unit.values.get(spec.name)
        self.rows: list[list[Any]] = []
        self.cols: dict[str, int] = {}
        if self.ref is None or not isinstance(grid, list) or not grid or not isinstance(grid[0], list):
            return
        header = [_text(h) for h in grid[0]]
        for i, want in enumerate(spec.headers):
            if want in header:
                self.cols[want] = header.index(want)
            elif i < len(header):
                self.cols[want] = i
                self.note(f"“{spec.sheet}”表头第{i + 1}列应为“{want}”,实为“{header[i]}”;按位置读取(请勿改动表头)",
                          -1, i, header[i], HINT)
        self.rows = grid[1:]

    def get(self, row: list[Any], header: str) -> Any:
        c = self.cols.get(header)
        return row[c] if c is not None and c < len(row) else None

    def cell(self, i: int, header: str | int) -> str:
        c = header if isinstance(header, int) else self.cols.get(header, 0)
        return self.ref.cell((i + 1) * (self.ref.col2 - self.ref.col1 + 1) + c) if self.ref else ""

    def note(self, reason: str, i: int, header: str | int, value: Any, severity: Severity = ERROR) -> None:
        self.findings.append(Problem(self.unit.rel, self.spec.sheet, self.cell(i, header), shown(value), reason, severity))

    def data(self):
        """(index, row) of every row with something in it."""
        for i, row in enumerate(self.rows):
            if any(not is_blank(v) for v in row):
                yield i, row

    def date(self, i: int, row: list[Any], header: str, what: str) -> dt.date | None:
        value = self.get(row, header)
        try:
            return to_date(value)
        except ValueError:
            err = excel_error(value)
            self.note(f"{header}“{quoted(value)}”{'是公式错误' if err else '不是日期'},{what};请填写日期,例如 2026-06-30",
                      i, header, value)
            return None

    def count(self, i: int, row: list[Any], header: str) -> int:
        value = self.get(row, header)
        if is_blank(value):
            return 0
        if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0 and float(value).is_integer():
            return int(value)
        try:
            x = float(str(value).strip())
            if x >= 0 and x.is_integer():
                return int(x)
        except ValueError:
            pass
        self.note(f"{header}“{quoted(value)}”不是0或正整数,按0计", i, header, value)
        return 0

    def word(self, i: int, row: list[Any], header: str, allowed: Sequence[str], fallback: str) -> str:
        value = _text(self.get(row, header))
        if value and value not in allowed:
            self.note(f"{header}“{quoted(value)}”不在列表中({'/'.join(allowed)}),{fallback}", i, header, value)
        return value


def survey_scheme(labels: tuple[str, ...], default: Scheme) -> Scheme:
    """The built-in scheme whose ballot options are `labels` (the ledger's 群众评议 header), else `default`."""
    if labels == tuple(o.label for o in default.survey.options):
        return default
    for name in BUILTIN:
        s = load_scheme(name)
        if labels == tuple(o.label for o in s.survey.options):
            return s
    return default


class LedgerTask:
    """Read and tally one ledger workbook for `period` at `as_of`: (the file's problems, its Branch or None)."""

    def __init__(self, period: Period, as_of: dt.date, scheme: Scheme | str | None = None):
        self.period, self.as_of = period, as_of
        self.scheme = load_scheme(scheme or DEFAULT_SCHEME)
        self.specs = table_specs(tuple(o.label for o in self.scheme.survey.options))
        self.request = ledger_request(self.specs)

    def __call__(self, path: str, rel: str) -> tuple[list[Problem], Branch | None]:
        unit = read_unit(path, self.request, rel)
        problems = list(unit.problems)
        branch = None if unit.failed else self.branch(unit, problems)
        unit.values, unit.problems, unit.names, unit.raw_units = {}, [], [], None
        return problems, branch

    @staticmethod
    def failed(path: str, rel: str, reason: str) -> tuple[list[Problem], Branch | None]:
        """A ledger whose reading crashed, hung or ran out of memory (files/pool.py): one 问题清单 row, no branch."""
        return [Problem(rel, reason=reason, severity=ERROR)], None

    def branch(self, unit: UnitFile, problems: list[Problem]) -> Branch | None:
        if "commitments" not in unit.refs:
            if "item_scores" in unit.refs:
                problems.append(Problem(unit.rel, reason="这是星级评定的单位填报表,不是半年台账,已跳过", severity=HINT))
            elif "一览表" in unit.sheets or "汇总" in unit.sheets:
                problems.append(Problem(unit.rel, reason="这是汇总表,不是半年台账,已跳过", severity=HINT))
            else:
                problems.append(Problem(unit.rel, reason="不是本系统的半年台账(没有定义名称 commitments 等),未汇总;"
                                        "请用下发的“半年台账”模板填报", severity=ERROR))
            return None
        missing = [n for n in REQUIRED if n not in unit.refs]
        if missing:
            problems.append(Problem(unit.rel, reason=f"台账缺少定义名称:{'、'.join(missing)}(模板被改动),未汇总;"
                                    "请用下发的模板重新填报", severity=ERROR))
            return None
        v = unit.values
        name = _text(v.get("org_name"))
        if not name:
            sheet, cell = unit.where("org_name")
            problems.append(Problem(unit.rel, sheet, cell, "", "未填写党组织名称,无法汇总;请在“基本信息”中填写", ERROR))
            return None
        b = Branch(file=unit, org_name=name, org_code=_text(v.get("org_code")), parent_org=_text(v.get("parent_org")))
        if not self.check_period(b, v.get("period"), problems):
            return b  # refused: another period (b.period says which); the job lists it, nothing is tallied
        for n in ("org_reviews", "member_reviews", "mass_review", "rectification"):
            if n not in unit.refs:
                problems.append(b.problem(f"台账缺少“{self.specs[n].sheet}”表(定义名称 {n}),该部分按未填写汇总", severity=HINT))
        out = b.findings
        b.report_date = self.report_date(b, v.get("report_date"), out)
        specs = self.specs
        members = _Table(unit, specs["members"], out) if "members" in unit.refs else None
        listed = [_text(members.get(row, "姓名")) for _, row in members.data()] if members else []
        listed = list(dict.fromkeys(x for x in listed if x))
        b.members_listed = len(listed) if listed else None
        committed = self.commitments(b, _Table(unit, specs["commitments"], out), set(listed))
        reviewed = self.member_reviews(b, _Table(unit, specs["member_reviews"], out), set(listed))
        b.org_reviews = sum(1 for _ in _Table(unit, specs["org_reviews"], out).data())
        known = listed or list(dict.fromkeys(committed + reviewed))
        b.members = known
        b.no_commitment = [m for m in known if m not in set(committed)]
        b.not_reviewed = [m for m in known if m not in set(reviewed)]
        self.mass(b, unit, out)
        self.rectification(b, _Table(unit, specs["rectification"], out))
        return b

    def check_period(self, b: Branch, value: Any, problems: list[Problem]) -> bool:
        text = _text(value)
        p = parse_period(text)
        if not text:
            b.period = self.period.code
            b.findings.append(b.problem(f"未填写台账期间,按本次汇总的{self.period.code}({self.period.label})汇总;"
                                        "请在“基本信息”中填写", name="period", severity=HINT))
            return True
        if p is None:
            problems.append(b.problem(f"台账期间“{quoted(text)}”无法识别(应为如 {self.period.code}),未汇总", name="period",
                                      value=value))
            b.period = text
            return False
        b.period = p.code
        if p != self.period:
            problems.append(b.problem(f"本台账为{p.code}({p.label}),不是本次汇总的{self.period.code}({self.period.label}),"
                                      "已退回,未汇总;请报送本期台账", name="period", value=value))
            return False
        return True

    def report_date(self, b: Branch, value: Any, out: list[Problem]) -> dt.date | None:
        try:
            day = to_date(value)
        except ValueError:
            out.append(b.problem(f"报送日期“{quoted(value)}”不是日期,按文件修改日期计", name="report_date", value=value))
            day = None
        if day is None and b.file.mtime:
            b.report_date_from_file = True
            return dt.datetime.fromtimestamp(b.file.mtime).date()
        return day

    def commitments(self, b: Branch, t: _Table, listed: set[str]) -> list[str]:
        """Tally the commitments; the members who made one (listed members only, when there is a list)."""
        who_made: list[str] = []
        for i, row in t.data():
            item = _text(t.get(row, "承诺事项"))
            if not item:
                t.note("这一行没有填写承诺事项,未计入", i, "承诺事项", "", HINT)
                continue
            b.commitments += 1
            state = t.word(i, row, "完成情况", COMMITMENT_STATES, f"按未{DONE}计")
            due = t.date(i, row, "完成时限", "无法判断是否逾期")
            done_on = t.date(i, row, "完成日期", "无法判断是否逾期完成")
            who = _text(t.get(row, "承诺单位或承诺人"))
            tokens = names_in(who)
            if not tokens:
                t.note("未填写承诺单位或承诺人", i, "承诺单位或承诺人", "", HINT)
            for tok in tokens:
                if listed and tok in listed:
                    who_made.append(tok)
                elif is_org(tok, b.org_name):
                    b.org_commitments += 1
                elif listed:
                    t.note(f"承诺人“{tok}”不在党员名单中", i, "承诺单位或承诺人", who, HINT)
                else:
                    who_made.append(tok)
            if is_blank(t.get(row, "完成时限")):
                t.note("未填写完成时限,无法判断是否逾期", i, "完成时限", "", HINT)
            if state == DONE:
                b.done += 1
                if done_on is None:
                    t.note("完成情况为已完成,但未填写完成日期", i, "完成日期", "", HINT)
                elif due is not None and done_on > due:
                    b.done_late += 1
                if done_on is not None and done_on > self.as_of:
                    t.note(f"完成日期晚于统计截止日期{self.as_of.isoformat()}", i, "完成日期", done_on.isoformat(), HINT)
            elif due is not None and due < self.as_of:
                b.overdue += 1
                b.items.append(Overdue("承诺", item, who, due, (self.as_of - due).days, state or "未填写",
                                       f"{t.spec.sheet}!{t.cell(i, '承诺事项')}"))
        return who_made

    def member_reviews(self, b: Branch, t: _Table, listed: set[str]) -> list[str]:
        """The members commented on this half year (a review without a date counts, with a 提示)."""
        out: list[str] = []
        for i, row in t.data():
            who = names_in(t.get(row, "被点评党员"))
            if not who:
                t.note("未填写被点评党员", i, "被点评党员", "", HINT)
                continue
            on = t.date(i, row, "点评日期", "按本期点评计")
            if on is None and is_blank(t.get(row, "点评日期")):
                t.note("未填写点评日期,按本期点评计", i, "点评日期", "", HINT)
            elif on is not None and not (self.period.start <= on <= self.period.end):
                t.note(f"点评日期不在{self.period.label}({self.period.start.isoformat()}至{self.period.end.isoformat()}),"
                       "不计为本期点评", i, "点评日期", on.isoformat(), HINT)
                continue
            b.member_reviews += 1
            for tok in who:
                if listed and tok not in listed:
                    t.note(f"被点评党员“{tok}”不在党员名单中", i, "被点评党员", tok, HINT)
                out.append(tok)
        return out

    def mass(self, b: Branch, unit: UnitFile, out: list[Problem]) -> None:
        """附件六: held when any vote or participant is recorded; satisfaction as the rating's survey counts it
        (the scheme whose ballot options head the table: the ledger was built for it)."""
        grid = unit.values.get("mass_review")
        head = grid[0] if isinstance(grid, list) and grid and isinstance(grid[0], list) else []
        scheme = survey_scheme(tuple(_text(h) for h in head[1:-1]), self.scheme)
        specs = self.specs if scheme is self.scheme else table_specs(tuple(o.label for o in scheme.survey.options))
        t = _Table(unit, specs["mass_review"], out)
        opts = scheme.survey.options
        totals = {o.input: 0 for o in opts}
        present = []
        for i, row in t.data():
            counts = {o.input: t.count(i, row, o.label) for o in opts}
            n = t.count(i, row, PRESENT)
            if n and sum(counts.values()) > n:
                t.note(f"票数合计{sum(counts.values())}张,超过参加人数{n}人", i, PRESENT, n)
            for k, x in counts.items():
                totals[k] += x
            if n:
                present.append(n)
        b.mass_present = max(present) if present else None
        b.mass_held = bool(present) or any(totals.values())
        votes = {**totals, scheme.survey.invalid_input: 0}
        b.satisfaction = tally(scheme, votes).satisfaction_rate

    def rectification(self, b: Branch, t: _Table) -> None:
        for i, row in t.data():
            item = _text(t.get(row, "问题"))
            if not item:
                t.note("这一行没有填写问题,未计入", i, "问题", "", HINT)
                continue
            b.rect_total += 1
            due = t.date(i, row, "时限", "无法判断是否逾期")
            raw_closed = t.get(row, "销号日期")
            try:
                closed = to_date(raw_closed)
            except ValueError:
                t.note(f"销号日期“{quoted(raw_closed)}”不是日期,按已销号计;请填写销号的日期", i, "销号日期", raw_closed)
                closed = self.as_of
            check = _text(t.get(row, "复验情况"))
            if closed is not None:
                b.rect_closed += 1
                if check == "复验不合格":
                    t.note("复验不合格却已填写销号日期,请核实", i, "复验情况", check, HINT)
                continue
            b.rect_open += 1
            if due is not None and due < self.as_of:
                b.rect_overdue += 1
                b.items.append(Overdue("整改", item, _text(t.get(row, "责任人")), due, (self.as_of - due).days,
                                       _text(t.get(row, "进度")) or "未填写", f"{t.spec.sheet}!{t.cell(i, '问题')}"))


__all__ = ["LedgerTask", "is_org", "names_in", "to_date"]
