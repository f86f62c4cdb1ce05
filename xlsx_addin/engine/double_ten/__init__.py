"""双十星 (ten-star organisations and members): stars by vote share or by record, and the 评星表's formula functions."""
