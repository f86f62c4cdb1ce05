"""一键汇总 of 双十星 评星表 workbooks: organisations and their members."""
