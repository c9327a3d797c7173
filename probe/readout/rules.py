"""The readout's rule tables, in the order they are applied, and the README text generated from them.

    python -m probe.readout.rules      # prints the README's "How the readout reads a reply" section

Every table is a tuple of small named functions; a rule's docstring is its description, and a `Claim`'s ``rule`` is
the name of the rule that chose its mention.  tests/readout/test_rule_tables.py checks that the README section is
this text and that the package docstring lists every table in this order.
"""
from __future__ import annotations

import inspect

from .answer import ANSWER_RULES
from .claim import NUMBER_PICKS, TEXT_PICKS
from .kind import KIND_RULES
from .option import OPTION_RULES
from .reply import READING_RULES

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


if __name__ == "__main__":
    print(describe())
