"""xlwings user-defined functions (UDFs) of the 星级评定 add-in: thin wrappers over xlsx_addin.engine.cells.

Set the add-in's UDF module to ``udfs.star_rating`` (the functions are also importable from
``udfs`` itself). No logic lives here: each function is one call into ``xlsx_addin.engine.cells``.
"""
from .star_rating import *  # noqa: F401,F403
from .star_rating import __all__  # noqa: F401
