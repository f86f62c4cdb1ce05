"""The unit workbook (单位填报表) in both flavours: forms planned from a scheme, results as native formulas or formula functions."""
