"""The half-year ledger workbook (半年台账.xlsx)."""
