"""The 一键汇总 window's work without the window: what the clerk chose (remembered between runs as JSON in
the user's config folder), the Settings it gives, the consolidation run (shells/errors.py turns a failure into
the clerk's message) and opening the summary with the PC's default program."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from xlsx_addin.engine.scheme import DEFAULT_SCHEME
from xlsx_addin.io.rules_file import read_rules_table
from xlsx_addin.jobs.consolidate.roster import reporting_line
from xlsx_addin.jobs.consolidate.run import consolidate_to
from xlsx_addin.jobs.consolidate.settings import Given, Settings, resolve_settings
from xlsx_addin.model.choices import DEFAULT_QUOTA_MODE, DEFAULT_SET_BY
from xlsx_addin.model.errors import RatingError
from xlsx_addin.shells.errors import clerk_message

APP = "xlsx-addin"
SETTINGS_FILE = "gui.json"
RULES_KINDS = ("builtin", "scheme_file", "rules_table")


# --- settings: what the window remembers between runs --------------------------------------------------
def config_dir() -> Path:
    """The user's config folder for this program (XLSX_ADDIN_CONFIG_DIR wins: tests, portable installs)."""
    if os.environ.get("XLSX_ADDIN_CONFIG_DIR"):
        return Path(os.environ["XLSX_ADDIN_CONFIG_DIR"])
    if sys.platform == "win32":
        return Path(os.environ.get("APPDATA") or Path.home() / "AppData" / "Roaming") / APP
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Application Support" / APP
    return Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config") / APP


@dataclass
class Choices:
    """What the clerk chose; saved as JSON in the config folder."""

    input_dir: str = ""
    rules_kind: str = "builtin"  # builtin | scheme_file | rules_table
    scheme: str = DEFAULT_SCHEME
    scheme_file: str = ""
    rules_table: str = ""
    set_by: str = DEFAULT_SET_BY.value
    quota_mode: str = DEFAULT_QUOTA_MODE.value
    previous: str = ""
    out: str = ""
    expect: str = ""  # 应报名单 (--expect): blank = the previous summary's units

    @classmethod
    def load(cls) -> "Choices":
        try:
            data = json.loads((config_dir() / SETTINGS_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict):
            return cls()
        known = {k: str(v) for k, v in data.items() if k in cls.__dataclass_fields__ and isinstance(v, str)}
        return cls(**known)

    def remembered(self, before: "Choices") -> "Choices":
        """What is worth remembering: a folder or file that does not exist (a typo, a folder since moved) is
        not; the one remembered before stays in its place when it still exists, else the field is blank."""
        kept = dict(self.__dict__)
        for name, ok in _PATH_CHECKS.items():
            if kept[name] and not ok(kept[name]):
                old = getattr(before, name)
                kept[name] = old if old and ok(old) else ""
        return Choices(**kept)

    def save(self) -> None:
        """Written whole or not at all; a config folder that cannot be written only loses the memory.
        Only existing folders and files are remembered (`remembered`)."""
        folder = config_dir()
        good = self.remembered(Choices.load())
        try:
            folder.mkdir(parents=True, exist_ok=True)
            tmp = folder / (SETTINGS_FILE + ".tmp")
            tmp.write_text(json.dumps(good.__dict__, ensure_ascii=False, indent=1), encoding="utf-8")
            os.replace(tmp, folder / SETTINGS_FILE)
        except OSError:
            pass


def _is_dir(text: str) -> bool:
    return Path(text).is_dir()


def _is_file(text: str) -> bool:
    return Path(text).is_file()


def _parent_is_dir(text: str) -> bool:
    return Path(text).parent.is_dir()


# the choices that name a folder or file, and what makes them worth remembering
_PATH_CHECKS = {"input_dir": _is_dir, "scheme_file": _is_file, "rules_table": _is_file, "previous": _is_file,
                "out": _parent_is_dir}


def default_out(input_dir: str) -> str:
    """汇总表 beside the folder of unit workbooks: <parent>/<folder>_汇总表.xlsx."""
    d = Path(input_dir)
    return str(d.parent / f"{d.name or '汇总'}_汇总表.xlsx") if input_dir else ""


# --- the job, off the UI thread ----------------------------------------------------------------------
def settings_of(ch: Choices) -> tuple[Settings, Path]:
    """Choices → (consolidation Settings, output path); RatingError/SchemeError with a Chinese message."""
    if not ch.input_dir:
        raise RatingError("请先选择单位填报表所在的文件夹")
    rules = None
    source = ch.scheme
    if ch.rules_kind == "scheme_file":
        if not ch.scheme_file or not Path(ch.scheme_file).is_file():
            raise RatingError("请选择评定方案文件(.yaml)")
        source = ch.scheme_file
    elif ch.rules_kind == "rules_table":
        if not ch.rules_table or not Path(ch.rules_table).is_file():
            raise RatingError("请选择规则表文件(.xlsx 或 .csv)")
        rules = read_rules_table(Path(ch.rules_table))
    out = Path(ch.out or default_out(ch.input_dir))
    if out.suffix.lower() not in (".xlsx", ".xlsm"):
        raise RatingError(f"汇总表 {out.name} 的扩展名须为 .xlsx")
    given = Given(input_dir=Path(ch.input_dir), scheme=source, rules=rules, quota_mode=ch.quota_mode,
                  set_by=ch.set_by, previous=Path(ch.previous) if ch.previous else None,
                  expect=Path(ch.expect) if ch.expect else None)
    settings = resolve_settings(given, table_picks_scheme=True, out=out)
    return settings, out


@dataclass
class Outcome:
    ok: bool
    lines: list[str] = field(default_factory=list)
    out: Path | None = None
    error: str = ""
    reporting: str = ""  # 上报情况's count (roster.reporting_line), when the run had a roster
    warnings: int = 0  # sets too small for their quotas (small_sets.py)


def run_job(ch: Choices, progress) -> Outcome:
    """Consolidate and write the summary (the same run and report as `xlsx-addin consolidate`); never raises."""
    try:
        settings, out = settings_of(ch)
        done = consolidate_to(settings, out, progress=progress)
        c = done.consolidation
        return Outcome(True, done.lines, done.out, reporting=reporting_line(c.reporting), warnings=len(c.warnings))
    except Exception as exc:  # noqa: BLE001 - never a traceback for a clerk (shells/errors.py)
        return Outcome(False, error=clerk_message(exc))


def open_path(path: Path) -> None:
    """Open a file or folder with the PC's default program (WPS, Excel, LibreOffice; the file manager)."""
    if sys.platform == "win32":
        os.startfile(str(path))  # type: ignore[attr-defined]  # noqa: S606
    elif sys.platform == "darwin":
        subprocess.Popen(["open", str(path)])  # noqa: S603, S607
    else:
        subprocess.Popen(["xdg-open", str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
