"""The demos: a realistic county of unit workbooks, a 双十星 town, a half year of ledgers."""
