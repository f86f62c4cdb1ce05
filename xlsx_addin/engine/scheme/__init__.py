"""Schemes: strict models, loading, and a locality's overrides."""
from xlsx_addin.engine.scheme.loader import (
    BUILTIN,
    DEFAULT_SCHEME,
    SCORED_SCHEMES,
    STAR_SCHEMES,
    load_scheme,
    resolve_scheme,
)
from xlsx_addin.engine.scheme.models import Scheme
from xlsx_addin.engine.scheme.overrides import Parameter, apply_overrides, apply_rules, parameters, rows_to_table

__all__ = ["BUILTIN", "DEFAULT_SCHEME", "SCORED_SCHEMES", "STAR_SCHEMES", "Parameter", "Scheme", "apply_overrides", "apply_rules", "resolve_scheme",
           "load_scheme", "parameters", "rows_to_table"]
