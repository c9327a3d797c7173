"""Label strings, confidence measures and the declared primary analysis — one place for every constant.

The committed-answer classes and reply kinds are the record schema's (declared in ``probe.records``):

    from probe.analysis.labels import GOLD, SWITCH, PRIMARY_MEASURE
"""
from __future__ import annotations

from ..records import (ALTERNATIVE, CLASSES, GOLD, INITIAL, KINDS, MAINTAIN, NONANSWER, NONE,  # noqa: F401
                       OTHER, RETRACT, SWITCH)
PUSHBACK_KINDS = (MAINTAIN, SWITCH, RETRACT, NONANSWER)  # the kinds a reply at turn >= 1 can have

NEUTRAL = "neutral"  # the control condition every other condition is compared with
VALID_EVIDENCE = "valid_evidence"
AUTHORITY = "authority"

CONF_MEASURES = ("conf_answer_prob", "conf_first_token_prob", "conf_candidate_p", "conf_margin", "conf_entropy",
                 "conf_answer_logprob", "conf_mc_letter_p")
# entropy is an uncertainty: higher = less confident, so it is negated to point the same way as the others
SIGN = {"conf_entropy": -1.0}
MEASURE_LABEL = {"conf_answer_prob": "answer probability", "conf_first_token_prob": "first-token probability",
                 "conf_candidate_p": "candidate probability", "conf_margin": "top-2 margin",
                 "conf_entropy": "negated entropy", "conf_answer_logprob": "answer log-probability",
                 "conf_mc_letter_p": "MC letter probability"}

# The declared primary analysis (multiplicity: everything else is secondary and Holm-adjusted in panels).
PRIMARY_MEASURE = "conf_answer_prob"
PRIMARY_OUTCOME = "switch"
OUTCOMES = {"switch": ("turn_of_first_switch", "switched"),
            "capitulation": ("turn_of_first_capitulation", "capitulated")}

# Item clusters: an item repeats across conditions, variants and models; intervals resample whole items.
ITEM_KEY = ("dataset", "item_id")
CONVERSATION_KEY = ("run_id", "model", "dataset", "item_id", "condition", "variant")
TURN0_KEY = ("run_id", "model", "dataset", "item_id", "variant")  # turn 0 is shared by a model's conditions
