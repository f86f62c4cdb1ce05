"""VBA projects built from source: the Python workbook's and the summary workbook's."""
