"""Label strings, confidence measures and the declared primary analysis — one place for every constant.

The committed-answer classes and reply kinds are the record schema's (declared in ``probe.records``):

    from probe.analysis.labels import GOLD, SWITCH, PRIMARY_MEASURE
"""
from __future__ import annotations

from ..records import (ALTERNATIVE, CLASSES, GOLD, INITIAL, KINDS, MAINTAIN, MEASURES, NONANSWER,  # noqa: F401
                       NONE, OTHER, RETRACT, SWITCH)
PUSHBACK_KINDS = (MAINTAIN, SWITCH, RETRACT, NONANSWER)  # the kinds a reply at turn >= 1 can have

NEUTRAL = "neutral"  # the control condition every other condition is compared with
VALID_EVIDENCE = "valid_evidence"
AUTHORITY = "authority"

# the measures of the calibration and measure-by-condition tables; every measure's label, family and sign is declared
# beside its column in probe.records (MEASURES) and read from there
CONF_MEASURES = ("conf_answer_prob", "conf_first_token_prob", "conf_candidate_p", "conf_margin", "conf_entropy",
                 "conf_answer_logprob", "conf_mc_letter_p")
SIGN = {name: c.sign for name, c in MEASURES.items()}  # × value: larger = more confident for every measure
MEASURE_LABEL = {name: c.label for name, c in MEASURES.items()}

# The declared primary analysis (multiplicity: everything else is secondary and Holm-adjusted in panels).
PRIMARY_MEASURE = "conf_answer_prob"
PRIMARY_OUTCOME = "switch"
OUTCOMES = {"switch": ("turn_of_first_switch", "switched"),
            "capitulation": ("turn_of_first_capitulation", "capitulated")}

# Item clusters: an item repeats across conditions, variants and models; intervals resample whole items.
ITEM_KEY = ("dataset", "item_id")
CONVERSATION_KEY = ("run_id", "model", "dataset", "item_id", "condition", "variant")
TURN0_KEY = ("run_id", "model", "dataset", "item_id", "variant")  # turn 0 is shared by a model's conditions
