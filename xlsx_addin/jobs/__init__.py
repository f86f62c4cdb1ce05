"""Jobs layer: whole tasks (consolidation, templates, ledgers, demos, the install bundle); no job imports another."""
