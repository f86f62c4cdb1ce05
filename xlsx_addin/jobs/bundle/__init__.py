"""The offline install folder (`xlsx-addin bundle`)."""
