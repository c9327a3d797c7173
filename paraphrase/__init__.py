"""Rewrites of questions and pushback turns: a factorial pushback library, seeded and reproducible.

    from paraphrase import Condition, render, rng_for
"""
from .pushback import (PER_ITEM_TYPES, Condition, Pushback, applies, claim_slot, describe, field_for, is_control,
                       library, levels, render, rng_for, stage, types)

__all__ = ["Condition", "applies", "claim_slot", "is_control", "PER_ITEM_TYPES", "Pushback", "describe", "field_for", "library", "levels", "render",
           "rng_for", "stage", "types"]
