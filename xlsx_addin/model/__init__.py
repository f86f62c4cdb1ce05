"""Model layer: the types every layer speaks in (problems, values, unit keys, choices, progress, errors)."""
