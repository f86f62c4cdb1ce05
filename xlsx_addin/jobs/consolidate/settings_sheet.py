"""The 设置 sheet of a summary: written from the Settings, read back by the button as what the sheet gives
(consolidate/settings.py `resolve_settings` decides what wins and the defaults)."""
from __future__ import annotations

import datetime as dt
import os

from pathlib import Path, PureWindowsPath
from typing import Any, Mapping, Sequence, TypeVar

from xlsx_addin.model.choices import DEFAULT_QUOTA_MODE, DEFAULT_SET_BY, Choice, QuotaMode, SetBy
from xlsx_addin.model.errors import RatingError
from xlsx_addin.model.identity import text_key
from xlsx_addin.engine.scheme.loader import BUILTIN, SCORED_SCHEMES, STAR_SCHEMES, load_scheme, resolve_scheme
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.io.tables.table import Table
from xlsx_addin.contracts.summary import CHANGES, DATA_SHEETS, RAW, RULES, RUN_DATE, SETTINGS, XLWINGS_CONF, changes_sheet
from xlsx_addin.contracts.review_sheet import RECHECK, REVIEW
from xlsx_addin.jobs.consolidate import publicity
from xlsx_addin.jobs.consolidate.model import Consolidation
from xlsx_addin.jobs.consolidate.settings import DEFAULT_KEEP, NOTHING, Given, Settings, resolve_settings


# --- 设置 ----------------------------------------------------------------------------------
SETTINGS_HEADER = ["项目", "内容", "说明"]

S_INPUT, S_SET_BY, S_MODE, S_SCHEME, S_PREVIOUS = "单位填报表文件夹", "评定组", "配额模式", "评定方案", "上年度汇总表"

SETTINGS_KEYS = (S_INPUT, S_SET_BY, S_MODE, S_SCHEME, S_PREVIOUS)

ROSTER_TITLE, S_EXPECT = "上报情况", "应报名单"  # the roster (--expect): its own block, after 备份

RESULT_TITLE = "上次汇总结果"

RESULT_KEYS = ("读取文件数", "已评定单位数", "需整改单位数", "晋星/减星单位数", "问题数", RUN_DATE)


def scheme_choices() -> list[str]:
    """The built-in schemes' Chinese names, offered in the 评定方案 list."""
    stars = [n for n in STAR_SCHEMES if load_scheme(n).star_rules().subject == "organisation"]  # 双十星 too
    return [load_scheme(n).name for n in (*SCORED_SCHEMES, *stars)]


def scheme_label(scheme: Scheme, source: str | None = None) -> str:
    """What the 评定方案 cell shows: a built-in scheme's Chinese name, or the scheme file's path."""
    if source and source not in BUILTIN:
        return str(source)
    return scheme.name


def settings_table(scheme: Scheme, settings: Settings | None, c: Consolidation | None = None) -> Table:
    mode = settings.quota_mode if settings else DEFAULT_QUOTA_MODE
    set_by = settings.set_by if settings else DEFAULT_SET_BY
    rows: list[list[Any]] = [
        [S_INPUT, _path_text(settings.input_dir, settings.summary) if settings else "",
         "单位交回的填报表所在文件夹(含子文件夹),例如 D:\\星级评定\\2025;相对路径从本汇总表所在文件夹算起"],
        [S_SET_BY, set_by.label, SetBy.explained()],
        [S_MODE, mode.label, QuotaMode.explained()],
        [S_SCHEME, scheme_label(scheme, settings.scheme_source if settings else None),
         "从列表选择内置方案,或填写方案文件(.yaml)路径;“规则”工作表中的数值优先于方案"],
        [S_PREVIOUS, _path_text(settings.previous, settings.summary) if settings and settings.previous else "",
         f"可不填;填写上年度汇总表路径后,比较{'/'.join(scheme.change_words)}"],
        [],
        [RESULT_TITLE],
    ]
    values = _result_values(c)
    rows += [[result_label(scheme, k), values.get(k, "")] for k in RESULT_KEYS]
    titles = [len(rows) - len(RESULT_KEYS) - 1]
    rows.append([])
    titles.append(len(rows))
    rows.append([BACKUP_TITLE])
    rows.append([S_KEEP, settings.keep_backups if settings else DEFAULT_KEEP,
                 "每次汇总前,把上次的汇总表另存为“汇总表.备份-日期-时间”文件(在汇总表旁边),保留的份数;"
                 "超过时删除最早的;0 为不备份"])
    rows.append([])
    titles.append(len(rows))
    rows.append([REGISTER_TITLE])
    rows.append([S_REGISTER, _path_text(settings.star_register) if settings and settings.star_register else "",
                 f"可不填;填写后,一键汇总以台账最近登记年度的现行{scheme.level_term}(含复验降级;本汇总表自己登记的本年度除外)"
                 f"比较{'/'.join(scheme.change_words)},"
                 "优先于上年度汇总表;"
                 "点“登记台账”时把本次结果登记到该台账(不填为汇总表旁边的“星级管理台账.xlsx”)"])
    rows.append([S_REGISTER_YEAR, "", "点“登记台账”时登记的年度,如 2026;不填为上面“汇总日期”所在的年度"])
    rows.append([])
    titles.append(len(rows))
    rows.append([ROSTER_TITLE])
    rows.append([S_EXPECT, _path_text(settings.expect) if settings and settings.expect else "",
                 "可不填;应上报的党组织名单(汇总表,有“党组织名称”列的 Excel 表,或每行一个名称的 .txt/.csv);"
                 "“上报情况”表和“问题清单”列出未上报的单位。不填时以上次汇总表中的单位为准;相对路径从本汇总表所在文件夹算起"])
    rows.append([])
    titles.append(len(rows))
    rows.append([LEDGER_TITLE])
    rows += [list(r) for r in LEDGER_ROWS]
    rows.append([])
    titles.append(len(rows))
    rows.append([publicity.TITLE])
    dates = (settings.publicity_start, settings.publicity_end) if settings else (None, None)
    rows += [[key, d if d is not None else "", note] for (key, note), d in zip(publicity.ROWS, dates)]
    rows.append([])
    titles.append(len(rows))
    rows.append([PRINT_TITLE])
    rows += print_notes(scheme)
    return Table(SETTINGS, SETTINGS_HEADER, rows, ["text", "text", "text"], [18, 44, 70], titles=titles)

# 台账汇总 (the half-year ledgers, issue 15) from the summary workbook's button: its settings, then where it went
LEDGER_TITLE = "台账汇总(半年台账)"
S_LEDGER_DIR, S_PERIOD, S_AS_OF = "台账文件夹", "期间", "截止日期"
S_LEDGER_OUT, S_LEDGER_PROBLEMS = "台账汇总文件", "台账问题数"
LEDGER_INPUTS = (S_LEDGER_DIR, S_PERIOD, S_AS_OF)
LEDGER_ROWS = (
    (S_LEDGER_DIR, "", "各支部交回的半年台账所在文件夹(含子文件夹);相对路径从本汇总表所在文件夹算起"),
    (S_PERIOD, "", "台账期间,如 2026H1(上半年)、2026H2(下半年)"),
    (S_AS_OF, "", "统计截止日期,如 2026-07-20;不填为今天。过了完成时限仍未完成的为逾期"),
    (S_LEDGER_OUT, "", "点“台账汇总”后自动填写:台账汇总表写在本汇总表旁边"),
    (S_LEDGER_PROBLEMS, "", "点“台账汇总”后自动填写:问题清单中的错误和提示条数"),
)
BACKUP_TITLE = "备份"

# 星级管理台账 (the register across years): read by 一键汇总 for last year's levels, written by the 登记台账 button
REGISTER_TITLE = "星级管理台账(历年星级、复验、重点管理)"
S_REGISTER, S_REGISTER_YEAR = "星级管理台账", "台账年度"
REGISTER_INPUTS = (S_REGISTER, S_REGISTER_YEAR)

S_KEEP = "保留备份份数"

PRINT_TITLE = "打印说明"


def print_notes(scheme: Scheme) -> list[list[str]]:
    """The 打印说明 rows, naming the summary's sheets in the scheme's own words (升级降级 for grades)."""
    printed = [changes_sheet(*scheme.change_words) if name == CHANGES else name for name in DATA_SHEETS]
    return [["用于打印", "、".join(printed), PRINT_NOTES[0][2]], *[list(r) for r in PRINT_NOTES[1:]]]


PRINT_NOTES = (
    ("用于打印", "、".join(DATA_SHEETS), "A4纸,每页重复表头,页脚有页码;一览表不打印“来源文件”列;公示名单为纵向,其余为横向"),
    ("上级党组织用", f"{REVIEW}、{RECHECK}", "评分定级表打印为上级党组织评分定级表(A4横向,盖章后上报);上级复审为拟定最高等次的单位名单"),
    ("参考", f"{SETTINGS}、{RULES}", "本次汇总的设置和使用的规则数值,需要时可打印"),
    ("不打印(已隐藏)", RAW, "各单位的原始填报数据,供上级党组织再次汇总;右键工作表标签选“取消隐藏”可查看,"
                        "如需打印,按原尺寸分页,每页重复表头和党组织名称"),
    ("不打印(已隐藏)", XLWINGS_CONF, "仅 huizong.xlsm 有:程序设置,由信息化人员维护;右键工作表标签选“取消隐藏”可查看"),
)


def _result_values(c: Consolidation | None) -> dict[str, Any]:
    if c is None:
        return {}
    return {
        "读取文件数": c.files_seen,
        "已评定单位数": len(c.units),
        "需整改单位数": sum(1 for u in c.units if u.result.rectify),
        "晋星/减星单位数": sum(1 for u in c.units if u.result.change),
        "问题数": len(c.problems),
        RUN_DATE: dt.date.today().isoformat(),
    }


def result_label(scheme: Scheme, key: str) -> str:
    """A 上次汇总结果 row's title in the scheme's own words (升级/降级单位数 for grades); the button fills the
    rows by position, so the title may differ from the key."""
    return f"{'/'.join(scheme.change_words)}单位数" if key == "晋星/减星单位数" else key


def _path_text(p: Path | str | None, summary: Path | None = None) -> str:
    """A folder or file as the 设置 sheet stores it: relative to the summary's folder when it lies under it
    (the sheet's note: the button resolves it from there), else absolute; never relative to where a command ran."""
    if p is None:
        return ""
    text = str(p)
    if text in ("", "."):
        return ""
    if Path(text).is_absolute() or PureWindowsPath(text).is_absolute():  # D:\星级评定 read on any system
        path = Path(text)
    else:
        path = Path(os.path.abspath(text))
    if summary is None:
        return str(path)
    base = Path(os.path.abspath(summary)).parent
    try:
        return str(path.relative_to(base)) or "."
    except ValueError:
        return str(path)


def settings_from_rows(rows: Sequence[Sequence[Any]], base_dir: Path | None = None, *,
                       rules: Mapping[str, Any] | None = None, out: Path | None = None) -> Settings:
    """The Settings of the 设置 sheet's (项目, 内容) rows, with the summary's own 规则 table `rules` and the
    summary's path `out` (resolve_settings). RatingError naming the sheet, the row and the value."""
    return resolve_settings(NOTHING, given_by_sheet(rows, base_dir), summary_rules=rules, out=out)



def given_by_sheet(rows: Sequence[Sequence[Any]], base_dir: Path | None = None) -> Given:
    """What the 设置 rows give (a blank 内容 gives nothing); RatingError for a value that cannot be used."""
    cells: dict[str, tuple[int, Any]] = {}  # 项目 → (row number, 内容); the first row of each 项目 counts
    for number, row in enumerate(rows, 1):
        row = list(row) + [None, None]
        key = text_key(row[0])
        if key in (*SETTINGS_KEYS, S_KEEP, S_REGISTER, S_EXPECT, publicity.S_START, publicity.S_END) and key not in cells:
            cells[key] = (number, row[1])
    folder = text_key(cells.get(S_INPUT, (0, None))[1])
    if not folder:
        raise RatingError(f"请在“{SETTINGS}”工作表填写“{S_INPUT}”")
    prev = text_key(cells.get(S_PREVIOUS, (0, None))[1])
    scheme = text_key(cells.get(S_SCHEME, (0, None))[1])
    return Given(input_dir=resolve(folder, base_dir), scheme=resolve_scheme(scheme) if scheme else None,
                 set_by=_choice(SetBy, cells.get(S_SET_BY), S_SET_BY),
                 quota_mode=_choice(QuotaMode, cells.get(S_MODE), S_MODE),
                 previous=resolve(prev, base_dir) if prev else None, keep_backups=_keep(cells.get(S_KEEP)),
                 star_register=_path_cell(cells.get(S_REGISTER), base_dir),
                 expect=_path_cell(cells.get(S_EXPECT), base_dir),
                 publicity_start=_date(cells.get(publicity.S_START)), publicity_end=_date(cells.get(publicity.S_END)))


def _path_cell(cell: tuple[int, Any] | None, base_dir: Path | None) -> Path | None:
    """A path typed in 设置 (relative to the summary's folder); blank gives nothing."""
    text = text_key(cell[1]) if cell else ""
    return resolve(text, base_dir) if text else None


def _date(cell: tuple[int, Any] | None) -> Any:
    """公示开始/结束日期: a date; blank gives nothing."""
    return publicity.to_date(cell[1], f"“{SETTINGS}”工作表第{cell[0]}行的日期") if cell else None


def _refused(cell: tuple[int, Any], what: str, text: str, allowed: str) -> RatingError:
    return RatingError(f"“{SETTINGS}”工作表第{cell[0]}行“{what}”的值“{text}”无效,应为{allowed}")


def _keep(cell: tuple[int, Any] | None) -> int | None:
    """保留备份份数: a whole number ≥ 0; blank gives nothing."""
    text = text_key(cell[1]) if cell else ""
    if not cell or not text:
        return None
    try:
        n = float(text)
    except ValueError:
        n = -1.0
    if n < 0 or not n.is_integer():
        raise _refused(cell, S_KEEP, text, f"0或正整数(默认{DEFAULT_KEEP})")
    return int(n)


C = TypeVar("C", bound=Choice)


def _choice(enum: type[C], cell: tuple[int, Any] | None, what: str) -> C | None:
    text = text_key(cell[1]) if cell else ""
    if not cell or not text:
        return None
    member = enum.from_text(text)
    if member is None:
        raise _refused(cell, what, text, ":" + " / ".join(enum.labels()))
    return member


def resolve(text: str, base_dir: Path | None) -> Path:
    p = Path(text.strip().strip('"'))
    return p if p.is_absolute() or base_dir is None else base_dir / p
