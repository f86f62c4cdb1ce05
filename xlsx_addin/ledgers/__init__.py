"""The half-year ledgers of the long-term mechanism (创先争优长效机制): the workbook contract and the 台账汇总 job."""
