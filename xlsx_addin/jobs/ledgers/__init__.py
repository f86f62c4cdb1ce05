"""The half-year ledgers of the long-term mechanism (创先争优长效机制): the workbook contract and the 台账汇总 job.

`xlsx-addin ledgers DIR --out FILE --period 2026H1 [--as-of DATE] [--due DATE] [--expect FILE]` reads every
branch's 半年台账 under DIR and writes 台账汇总; `xlsx-addin ledgers --seed-from 汇总表.xlsx --out DIR` writes
each branch's ledger with its open 整改台账 items from the year-end rating summary.
"""
