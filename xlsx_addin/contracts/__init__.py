"""Workbook contracts: what each builder writes and each reader reads (the names contract, the summary's titles and VBA names, the ledger forms, the 评星表 columns)."""
