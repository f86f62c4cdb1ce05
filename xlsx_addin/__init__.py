"""星级评定 engine: schemes as data, unit scoring, survey tally and quotas. No Excel needed."""
from xlsx_addin.model.errors import InputError, MissingInputError, RatingError, SchemeError
from xlsx_addin.engine.quotas import QuotaStatus, RatedSet, apply_quotas, rate_set
from xlsx_addin.engine.scheme import (
    BUILTIN,
    Scheme,
    apply_overrides,
    apply_rules,
    load_scheme,
    parameters,
    rows_to_table,
)
from xlsx_addin.engine.scoring import UnitResult, score_unit

__version__ = "0.1.0"

__all__ = [
    "BUILTIN", "InputError", "MissingInputError", "QuotaStatus", "RatedSet", "RatingError", "Scheme",
    "SchemeError", "UnitResult", "apply_overrides", "apply_quotas", "apply_rules", "load_scheme", "parameters", "rate_set",
    "rows_to_table", "score_unit",
]
