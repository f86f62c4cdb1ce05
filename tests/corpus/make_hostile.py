"""The hostile-and-messy corpus of issue 24: one real file per kind, as Excel, WPS, scripts and clerks write them.

The outputs are committed under tests/corpus/hostile/ (small files); tests/test_hostile_corpus.py runs each through
the command line and checks the exact outcome. Regenerate them (LibreOffice's soffice is needed for the .ods/.xls):

    python tests/corpus/make_hostile.py            # rewrites tests/corpus/hostile/

Kinds (file → what it is):
  units/                          four unit workbooks of one town (71.5, 78.5, 81.5, 86 points): the folder runs read
  rules/规则_多一列.csv            Excel's CSV of a 规则 table with a 备注 column: `levels.5.min_score,90,` (each table sets 四星级 to 85)
  rules/规则_大写.csv              keys typed in upper case: `LEVELS.4.MIN_SCORE,85`
  rules/规则_GBK全角.csv           GBK (Excel on a Chinese PC), a header row, a full-width key with spaces
  rules/规则_BOM.csv               UTF-8 with BOM, a zero-width space in the key, a title row
  rules/规则_公式未计算.xlsx        the value as a formula without a saved result (=80+5, as openpyxl writes it)
  rules/规则_函数未计算.xlsx        the value as =SUM(80,5) without a saved result: refused, cell named
  rules/规则_参数名有误.csv         `levels.5.min-score,95`: a key that cannot be read, refused with its row
  schemes/重复键.yaml               the five-star scheme with `min_score: 90` then `min_score: 95` in one level
  schemes/别名炸弹.yaml             the five-star scheme, one rule's condition nesting anchors 8 deep (10^8 once expanded)
  score/深层嵌套.json               [[[…]]] nested 100,000 deep
  bundle/多一个文件/                an install folder with 安装(新版).bat the manifest does not list
  bundle/清单为列表/                an install folder whose manifest lists files as a plain list
  cells/公式未计算_简单.xlsx         unit 1 with item 1 `=10-1+1` without a saved result (rated: 10 points)
  cells/公式未计算_函数.xlsx         unit 2 with item 1 `=SUM(5,5)` without a saved result (refused, cell named)
  legacy/远处单元格.ods             unit 3 saved by LibreOffice as .ods with one stray value at AMJ1048576
  legacy/远处单元格.xls             unit 4 saved as .xls with one stray value at IV65536
(The 50 MB scheme file is written by the test itself, not committed.)
"""
from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT))
from make_corpus import _good_units, read_parts, set_cell, set_name, write_parts  # noqa: E402

OUT = HERE / "hostile"
UNIT_COUNT = 4
ITEM_SIMPLE = "10-1+1"
ITEM_FUNCTION = "SUM(5,5)"


def units() -> list[tuple[str, dict[str, Any]]]:
    """The four units of the folder: (file name, inputs as score_unit takes them)."""
    return [(Path(rel).name, values) for rel, values in _good_units(UNIT_COUNT)]


def _build(path: Path, values: dict[str, Any]) -> Path:
    from xlsx_addin.templates import build_unit_workbook

    path.parent.mkdir(parents=True, exist_ok=True)
    build_unit_workbook(path, "five_star", values)
    return path


def _write_rules(dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "规则_多一列.csv").write_bytes(
        "levels.5.min_score,90,\r\nlevels.4.min_score,85,县委组织部2026年3月调整\r\n".encode("utf-8"))
    (dest / "规则_大写.csv").write_bytes("LEVELS.4.MIN_SCORE,85\r\n".encode("utf-8"))
    (dest / "规则_GBK全角.csv").write_bytes(
        "参数,key,值,说明\r\n四星级最低分,ｌｅｖｅｌｓ. 4 .ＭＩＮ_ＳＣＯＲＥ,８５,含本数\r\n".encode("gbk"))
    (dest / "规则_BOM.csv").write_bytes(
        "\ufeff长乐县2026年规则\r\nlevels.4.\u200bmin_score ,85\r\n".encode("utf-8"))
    (dest / "规则_参数名有误.csv").write_bytes("levels.5.min-score,95\r\n".encode("utf-8"))
    import openpyxl

    for name, formula in (("规则_公式未计算.xlsx", "=80+5"), ("规则_函数未计算.xlsx", "=SUM(80,5)")):
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.title = "规则"
        ws.append(["参数", "key", "值", "说明"])
        ws.append(["四星级最低分", "levels.4.min_score", formula, "含本数"])
        wb.save(dest / name)


def _write_schemes(dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    text = (ROOT / "xlsx_addin" / "engine" / "schemes" / "five_star.yaml").read_text(encoding="utf-8")
    marker = "min_score: 90"
    assert text.count(marker) == 1, "five_star.yaml changed: pick another duplicate"
    (dest / "重复键.yaml").write_text(text.replace(marker, f"{marker}, min_score: 95"), encoding="utf-8")
    # a rule's condition whose `all:` list nests anchors 8 deep: 10^8 conditions once expanded (validation walks them)
    when = 'when: {input: satisfaction_rate, op: "<", value: 0.6}'
    assert text.count(when) == 1, "five_star.yaml changed: pick another condition"
    parts = ['&c0 {input: satisfaction_rate, op: "<", value: 0.6}']
    for k in range(1, 9):
        parts.append(f"&c{k} {{all: [" + ", ".join([f"*c{k - 1}"] * 10) + "]}")
    (dest / "别名炸弹.yaml").write_text(text.replace(when, "when: {all: [" + ", ".join(parts) + "]}"), encoding="utf-8")


def _write_score(dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    (dest / "深层嵌套.json").write_text("[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")


def _write_bundles(dest: Path) -> None:
    extra = dest / "多一个文件"
    extra.mkdir(parents=True, exist_ok=True)
    (extra / "安装.bat").write_bytes("@echo off\r\necho 安装\r\n".encode("gbk"))
    (extra / "安装说明.txt").write_bytes("复制整个文件夹到目标电脑。\n".encode("utf-8"))
    files = {p.name: {"sha256": hashlib.sha256(p.read_bytes()).hexdigest(), "size": p.stat().st_size}
             for p in sorted(extra.iterdir())}
    manifest = {"format": 1, "project": "xlsx-addin", "version": "0", "files": files, "targets": {}}
    (extra / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    (extra / "安装(新版).bat").write_bytes("@echo off\r\necho 新版\r\n".encode("gbk"))  # not in the manifest
    plain = dest / "清单为列表"
    plain.mkdir(parents=True, exist_ok=True)
    (plain / "安装.bat").write_bytes("@echo off\r\n".encode("gbk"))
    (plain / "manifest.json").write_text(json.dumps({"format": 1, "files": ["安装.bat"], "targets": []}),
                                         encoding="utf-8")


def _uncached_item(src: Path, dest: Path, formula: str) -> None:
    parts = read_parts(src)
    set_name(parts, "item_scores", (formula, ""), kind="f", index=0)  # <f>…</f><v></v>: no saved result
    write_parts(dest, parts)


def _far_cell(src: Path, dest: Path, ref: str, fmt: str) -> None:
    """A copy of src with one stray value at `ref` of 自评表, saved by LibreOffice as `fmt`."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed to write the .ods and .xls files")
    with tempfile.TemporaryDirectory() as tmp:
        parts = read_parts(src)
        set_cell(parts, "自评表", ref, "x", style=None)
        stray = Path(tmp) / f"{dest.stem}.xlsx"
        write_parts(stray, parts)
        profile = Path(tmp) / "profile"
        filt = {"xls": "xls:MS Excel 97", "ods": "ods"}[fmt]
        cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", filt,
               "--outdir", tmp, str(stray)]
        for _ in range(2):  # a fresh profile may make the first start exit early
            subprocess.run(cmd, check=False, capture_output=True, timeout=600)
            made = Path(tmp) / f"{dest.stem}.{fmt}"
            if made.exists():
                dest.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(made, dest)
                return
    raise SystemExit(f"LibreOffice did not write {dest.name}")


def main(out: Path = OUT) -> None:
    if out.exists():
        shutil.rmtree(out)
    folder = out / "units"
    pool = units()
    for name, values in pool:
        _build(folder / name, values)
    _write_rules(out / "rules")
    _write_schemes(out / "schemes")
    _write_score(out / "score")
    _write_bundles(out / "bundle")
    # each derived file from its own unit: the files of one folder never share an organisation
    with tempfile.TemporaryDirectory() as tmp:
        base = [_build(Path(tmp) / name, values) for name, values in pool]
        _uncached_item(base[0], out / "cells" / "公式未计算_简单.xlsx", ITEM_SIMPLE)
        _uncached_item(base[1], out / "cells" / "公式未计算_函数.xlsx", ITEM_FUNCTION)
        _far_cell(base[2], out / "legacy" / "远处单元格.ods", "AMJ1048576", "ods")
        _far_cell(base[3], out / "legacy" / "远处单元格.xls", "IV65536", "xls")
    print(f"written under {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
