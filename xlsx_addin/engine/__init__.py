"""Engine layer: the rules — schemes as data, inputs, survey, scoring, quotas, the formula functions' logic."""
