"""`xlsx-addin templates`: every template of a folder, and the cell maps of the built-in templates."""
