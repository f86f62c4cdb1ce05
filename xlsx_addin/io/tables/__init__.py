"""Sheets as plain tables: the summary's sheet and column titles, tables and records keyed by unit, the
XlsxWriter layout they are written with, and earlier summaries read back (io layer)."""
