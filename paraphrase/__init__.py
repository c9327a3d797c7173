"""Rewrites of questions and pushback turns: a factorial pushback library, seeded and reproducible.

    from paraphrase import Condition, render, rng_for
"""
from .pushback import PER_ITEM_TYPES, applies, Condition, Pushback, describe, field_for, library, levels, render, rng_for, stage, types

__all__ = ["Condition", "applies", "PER_ITEM_TYPES", "Pushback", "describe", "field_for", "library", "levels", "render",
           "rng_for", "stage", "types"]
