"""What a read takes out of a workbook: the caller's request, handed to every format's reader.

A request is built once by the job that reads (the consolidation: unit workbooks by the names
contract, `unitfile.UNIT_WORKBOOK`; the ledgers job: its ledger workbook's names and tables). It is a
frozen value of frozensets and tuples, so it travels to worker processes with the task.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadRequest:
    """The workbook-level defined names (and Excel table names) to read, and which of them are tables.

    names: read when a name equals one of them; prefixes: or starts with one of them.
    tables: read as rows (two-dimensional, header row included); every other range is one value or a list.
    cell_maps: the file is a unit workbook of a built-in template — a .xls/.ods/.et file is checked against
    the template's row labels, and read by the template's cell map when it lost its defined names.
    """

    names: frozenset[str]
    prefixes: tuple[str, ...] = ()
    tables: frozenset[str] = frozenset()
    cell_maps: bool = False

    def wants(self, name: str) -> bool:
        return name in self.names or name in self.tables or name.startswith(self.prefixes)

    def is_table(self, name: str) -> bool:
        return name in self.tables


__all__ = ["ReadRequest"]
