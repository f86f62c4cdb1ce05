"""Workbook builders (writers): the unit workbook, the 评星表, the half-year ledger and the VBA projects."""
