"""The 双十星 评星表 (one workbook per branch: the organisation and its members), in both flavours."""
