"""星级管理台账: a year's levels from a rating summary added to the register across years (the CLI's
`xlsx-addin register` and the summary workbook's 登记台账 button run `job.register_to`)."""
