"""The built-in unit templates' cell maps: where each defined name sits and the static texts of its rows.

A file saved without its defined names (.xls/.ods/.et, legacy_reader.py) is read by this map, and its
layout is checked against the row texts. The maps are package data (`xlsx_addin/cellmaps/<scheme>.json`),
written from the builder by `python -m xlsx_addin.jobs.templates.cellmap`; a test proves they equal a fresh build.
"""
from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from xlsx_addin.io.reader import read_unit
from xlsx_addin.engine.scheme import SCORED_SCHEMES, Scheme, load_scheme
from xlsx_addin.io.unitfile import RULES_TABLE, UNIT_WORKBOOK
from xlsx_addin.io.books.unit.book import build_unit_workbook

FOLDER = Path(__file__).resolve().parents[2] / "io" / "cellmaps"


def cell_map(scheme: Scheme) -> dict[str, Any]:
    """{scheme_id, version, refs: {name: [sheet, row1, col1, row2, col2]}, labels: [[sheet, row, {col: text}]]}."""
    import openpyxl

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "template.xlsx")
        build_unit_workbook(path, scheme)
        refs = dict(read_unit(path, UNIT_WORKBOOK).refs)
        wb = openpyxl.load_workbook(path)
        cells = {(ref.sheet, r, c) for name, ref in refs.items() if name != RULES_TABLE
                 for r in range(ref.row1, ref.row2 + 1) for c in range(ref.col1, ref.col2 + 1)}
        labels: dict[tuple[str, int], dict[int, str]] = {}
        for name, ref in refs.items():
            if name == RULES_TABLE:
                continue
            ws = wb[ref.sheet]
            for r in range(ref.row1, ref.row2 + 1):
                row = {}
                for cell in ws[r + 1]:
                    if cell.data_type != "s" or cell.column is None:  # a merged cell's column may be unset
                        continue
                    c = cell.column - 1
                    if _norm(cell.value) and (ref.sheet, r, c) not in cells:
                        row[c] = _norm(cell.value)
                if row:
                    labels[(ref.sheet, r)] = row
        wb.close()
    return {"scheme_id": scheme.id, "version": str(scheme.version),
            "refs": {k: [v.sheet, v.row1, v.col1, v.row2, v.col2] for k, v in sorted(refs.items())},
            "labels": [[s, r, {str(c): t for c, t in sorted(row.items())}] for (s, r), row in sorted(labels.items())]}


def _norm(value: Any) -> str:
    return re.sub(r"\s+", "", str(value)) if value is not None else ""


def map_text(scheme: Scheme) -> str:
    return json.dumps(cell_map(scheme), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_maps(folder: Path = FOLDER) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name in SCORED_SCHEMES:
        path = folder / f"{name}.json"
        path.write_text(map_text(load_scheme(name)), encoding="utf-8")
        written.append(path)
    return written


if __name__ == "__main__":  # the maintainer's command after a template change
    for p in write_maps(Path(sys.argv[1]) if len(sys.argv) > 1 else FOLDER):
        print(p)
