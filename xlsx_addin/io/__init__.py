"""IO layer: files found, bounded and read; unit workbooks read by the names contract; tables and workbooks written."""
