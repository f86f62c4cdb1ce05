"""The summary workbook's buttons (一键汇总, 台账汇总), run inside the open workbook on a duck-typed xlwings Book."""
