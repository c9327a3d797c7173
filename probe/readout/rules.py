"""The readout's rule tables, in the order they are applied, and the README text generated from them.

    python -m probe.readout.rules      # prints the README's "How the readout reads a reply" section

    from probe.readout.rules import explain
    explain(item, "You're right, I apologize.", previous="gold", asserted="alternative")
    # {'READING_RULES': 'no_answer_read', 'ANSWER_RULES': '', 'refined_by': '', 'claim': '',
    #  'KIND_RULES': 'concedes_to_pushed_candidate'}

Every table is a tuple of small named functions; a rule's docstring is its description, and a `Claim`'s ``rule`` is
the name of the rule that chose its mention.  tests/readout/test_rule_tables.py checks that the README section is
this text and that the package docstring lists every table in this order.
"""
from __future__ import annotations

import inspect

from .answer import ANSWER_RULES, Answering
from .claim import NUMBER_PICKS, TEXT_PICKS
from .kind import KIND_RULES, Unanswered
from .option import OPTION_RULES
from .reply import READING_RULES, Replying, _class_of, _negated_classes
from ..records import NONE

# (name, module, what the table decides, the table)
TABLES = (
    ("READING_RULES", "probe/readout/reply.py", "every reply", READING_RULES),
    ("OPTION_RULES", "probe/readout/option.py", "the answer of a multiple-choice reply", OPTION_RULES),
    ("ANSWER_RULES", "probe/readout/answer.py", "the answer of any other reply", ANSWER_RULES),
    ("NUMBER_PICKS", "probe/readout/claim.py", "which of several numbers claimed is the answer", NUMBER_PICKS),
    ("TEXT_PICKS", "probe/readout/claim.py", "which of several text candidates claimed is the answer", TEXT_PICKS),
    ("KIND_RULES", "probe/readout/kind.py", "the kind of a reply from which no answer was read", KIND_RULES),
)
START, END = "<!-- readout-rules:start -->", "<!-- readout-rules:end -->"


def summary(rule) -> str:
    """A rule's docstring on one line."""
    return " ".join(inspect.getdoc(rule).split())


def describe() -> str:
    """The README's description of the readout: every table, every rule in order with its docstring."""
    out = [START]
    for name, module, decides, table in TABLES:
        out.append(f"\n**`{name}`** (`{module}`): {decides}, the first rule that decides:\n")
        out += [f"{i}. `{rule.__name__}`: {summary(rule)}" for i, rule in enumerate(table, 1)]
    out.append(END)
    return "\n".join(out)


def explain(item, reply: str, *, previous: str | None = None, previous_reply: str | None = None, asserted: str = "",
            finish_reason: str = "stop", pushback: str = "") -> dict[str, str]:
    """Which rule of each table decided the reading of a reply (`read_reply`'s arguments): the reading rule, the
    option or answer rule that read the answer ("" when none decided: the candidates' claim stood) and the answer
    rules that refined the candidates' claim on the way, the claim's
    ``rule`` (the pick or rule that chose the mention) and, when no answer was read after a pushback, the kind
    rule.  For a failing rule test, or to see why a reply reads as it does."""
    r = Replying(item, reply, previous, previous_reply, asserted, finish_reason, pushback)
    out = {"READING_RULES": _first(READING_RULES, r)}
    if item.is_mc:
        out["OPTION_RULES"] = next(rule.__name__ for rule in OPTION_RULES if rule(item, reply) is not None)
    else:
        a = Answering(item, reply, previous is not None, finish_reason)
        out["ANSWER_RULES"], refined = "", []
        for rule in ANSWER_RULES:
            before = a.__dict__.get("claim")
            if rule(a) is not None:
                out["ANSWER_RULES"] = rule.__name__
                break
            if before is not None and a.claim is not before:
                refined.append(rule.__name__)
        out["refined_by"] = ",".join(refined)  # the rules that refined the candidates' claim on the way
    out["claim"] = r.claim.rule
    if out["READING_RULES"] == "no_answer_read":
        prev_class = _class_of(item, previous) if item.is_mc and previous not in (NONE, "") else (previous or NONE)
        u = Unanswered(item, reply, frozenset(_negated_classes(item, r.claim)), prev_class, previous, asserted,
                       pushback)
        out["KIND_RULES"] = _first(KIND_RULES, u)
    return out


def _first(table, reading) -> str:
    """The name of the first rule of ``table`` that decides, "" when none does."""
    return next((rule.__name__ for rule in table if rule(reading) is not None), "")


if __name__ == "__main__":
    print(describe())
