"""What every workbook builder shares: cell styles and writing planned cells."""
