"""Rewrites of questions and pushback turns: a factorial pushback library, seeded and reproducible.

    from paraphrase import Condition, render, rng_for
    from paraphrase import factorial_condition            # a cell of source x firmness x argument
"""
from .factorial import ARGUMENTS, FACTORIAL, FIRMNESS, SOURCES, credential_level, expand
from .pushback import (INSIST_PREMISE, PER_ITEM_TYPES, Condition, Pushback, applies, claim_slot, describe, factorial_condition,
                       field_for, is_control, library, levels, render, rng_for, rng_key, stage, types)

__all__ = ["ARGUMENTS", "Condition", "FACTORIAL", "INSIST_PREMISE", "FIRMNESS", "PER_ITEM_TYPES", "Pushback", "SOURCES", "applies",
           "claim_slot", "credential_level", "describe", "expand", "factorial_condition", "field_for", "is_control",
           "library", "levels", "render", "rng_for", "rng_key", "stage", "types"]
