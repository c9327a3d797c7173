"""The readout's rule tests: real replies, filed by the rule that decides them.

Each tests/readout/test_<rule>.py holds ``CASES``, replies with their readings (said -- for multiple choice the
option letter or none --, kind, and the words read as the answer), and checks that the readout still reads each so
and that <rule> is still the rule that decides it (`deciding_rule`, from `probe.readout.rules.explain`).  A rule
change that moves a reply to another rule fails there, naming the rule that now decides; refile on purpose with

    python -m tests.readout.cases --refile      # rewrite every test_<rule>.py from its cases' deciding rules

The cases came from the readout's tests as they stood at readout 2.9 (tests/test_readout*.py, every reply they
read), and for the rules those never reached, from the hand-labelled sets (replies the readout reads as labelled).
"""
from __future__ import annotations

import importlib
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from probe.datasets.items import Item
from probe.readout import read_reply
from probe.readout.rules import TABLES, explain, summary

HERE = Path(__file__).parent
RULES = {rule.__name__: (table_name, rule) for table_name, _, _, table in TABLES for rule in table}
# an answer rule that reads "no answer" on purpose decides the reply even when a kind rule then names its kind
ANSWER_TABLES = ("OPTION_RULES", "ANSWER_RULES")


@dataclass(frozen=True)
class Case:
    item: dict  # Item fields: question, answer, alternative, and aliases / alternative_aliases / choices if any
    reply: str
    kw: dict = field(default_factory=dict)  # read_reply's keywords: previous, previous_reply, asserted, ...
    said: str = ""  # the class; for multiple choice the option letter or none
    kind: str = ""
    words: str | None = None  # the reply's words read as the answer (its span), None when it has none


def case(item: dict, reply: str, kw: dict | None = None, *, said: str, kind: str, words: str | None = None) -> Case:
    return Case(item, reply, kw or {}, said, kind, words)


def _item(c: Case) -> Item:
    d = c.item
    return Item("x", d["question"], d["answer"], d["alternative"], tuple(d.get("aliases", ())),
                tuple(d.get("alternative_aliases", ())), tuple(d.get("choices", ())))


def read(c: Case) -> tuple[str, str, str | None]:
    """(said or MC option, kind, answer words) as the readout reads the case now."""
    it = _item(c)
    r = read_reply(it, c.reply, **c.kw)
    return (r.option or r.said) if it.is_mc else r.said, r.kind, c.reply[r.span[0]:r.span[1]] if r.span else None


def deciding_rule(c: Case) -> str:
    """The rule that decides the case: the reading rule, or the answer rule (option, answer, or the pick of several
    claimed mentions) that read the answer, or the kind rule when no answer was read."""
    g = explain(_item(c), c.reply, **c.kw)
    reading, claim = g["READING_RULES"], g["claim"]
    answer = g.get("OPTION_RULES") or g.get("ANSWER_RULES") or ""
    if claim == "pushed_candidate_about_something_else":
        return claim
    if reading in ("first_answer", "answer_read", "no_answer_read"):
        if answer == "candidate_claimed" and g.get("refined_by"):
            answer = g["refined_by"].split(",")[-1]  # a rule that refined the candidates' claim chose it
        elif answer == "candidate_claimed" and claim in RULES:
            answer = claim  # the pick of several claimed mentions (NUMBER_PICKS, TEXT_PICKS)
        if reading == "no_answer_read" and (g["KIND_RULES"] != "anything_else" or not answer
                                            or answer in ("candidate_claimed", "option_letter")):
            return g["KIND_RULES"]  # the kind rule decides, unless it is the catch-all after an answer rule's none
        return answer or reading
    return reading


def check(rule: str, c: Case) -> None:
    assert read(c) == (c.said, c.kind, c.words), f"{c.reply!r} reads {read(c)}"
    assert deciding_rule(c) == rule, f"{c.reply!r} is decided by {deciding_rule(c)} now, not {rule}: refile " \
                                     f"(python -m tests.readout.cases --refile) if that is meant"


# ---- filing ----------------------------------------------------------------------------------------------------
def all_cases() -> list[Case]:
    """Every case of every tests/readout/test_<rule>.py."""
    out = []
    for path in sorted(HERE.glob("test_*.py")):
        module = importlib.import_module(f"tests.readout.{path.stem}")
        out += list(getattr(module, "CASES", []) if hasattr(module, "RULE") else [])
    return out


def _literal(value, indent: int, width: int = 118) -> str:
    """A Python literal of ``value`` that fits the line (a long string split into adjacent literals)."""
    if not isinstance(value, str):
        return repr(value)
    text = json.dumps(value, ensure_ascii=False)
    if indent + len(text) <= width:
        return text
    chunks, rest, room = [], value, max(30, width - indent - 3)
    while rest:
        cut = len(rest)
        while len(json.dumps(rest[:cut], ensure_ascii=False)) > room:
            cut -= 1
        if cut < len(rest) and (space := rest.rfind(" ", 0, cut) + 1) > cut // 2:
            cut = space
        chunks.append(json.dumps(rest[:cut], ensure_ascii=False))
        rest = rest[cut:]
    return "(" + f"\n{' ' * (indent + 1)}".join(chunks) + ")" if len(chunks) > 1 else chunks[0]


def _value(v, indent: int, width: int = 118) -> str:
    """A string or a list of strings as a literal that fits the line (a list: one element per line if need be)."""
    if not isinstance(v, list):
        return _literal(v, indent, width)
    one = "[" + ", ".join(_literal(x, 0, 10_000) for x in v) + "]"
    if indent + len(one) + 2 <= width:
        return one
    return "[" + f",\n{' ' * (indent + 1)}".join(_literal(x, indent + 1, width - 1) for x in v) + "]"


def _mapping(d: dict, indent: int, width: int = 118) -> str:
    """A dict literal of ``d`` (string keys), one line when it fits, else one key per line."""
    one = "{" + ", ".join(f"{json.dumps(k)}: {_value(v, 0, 10_000)}" for k, v in d.items()) + "}"
    if indent + len(one) + 1 <= width:
        return one
    parts = [f"{json.dumps(k)}: {_value(v, indent + len(k) + 5, width - 2)}" for k, v in d.items()]
    return "{" + f",\n{' ' * (indent + 1)}".join(parts) + "}"


def _case_source(c: Case) -> str:
    pad = " " * 9
    item = {k: list(v) if isinstance(v, tuple) else v for k, v in c.item.items() if v}
    lines = [f"    case({_mapping(item, 9)},", f"{pad}{_literal(c.reply, 9)},"]
    if c.kw:
        lines.append(f"{pad}{_mapping(c.kw, 9)},")
    head = f"{pad}said={json.dumps(c.said)}, kind={json.dumps(c.kind)}"
    words = f", words={_literal(c.words, len(head) + 8, 116)}" if c.words is not None else ""
    if c.words is not None and "\n" in words:
        words = f",\n{pad}words={_literal(c.words, 15, 116)}"
    lines.append(f"{head}{words}),")
    return "\n".join(lines)


def write_rule_file(rule: str, cases: list[Case]) -> Path:
    table, fn = RULES[rule]
    doc = f"`{rule}` ({table}): {summary(fn)}"
    words, lines, line = doc.split(), [], ""
    for w in words:
        if len(line) + len(w) + 1 > 116:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}" if line else w
    lines.append(line)
    body = "\n".join(lines)
    src = (f'"""{body}\n\nReal replies this rule decides, with their readings (`tests.readout.cases`)."""\n'
           "import pytest\n\nfrom tests.readout.cases import case, check\n\n"
           f"RULE = {json.dumps(rule)}\nCASES = [\n" + "\n".join(_case_source(c) for c in cases) + "\n]\n\n\n"
           f"@pytest.mark.parametrize(\"c\", CASES, ids=range(len(CASES)))\ndef test_{rule}(c):\n"
           "    check(RULE, c)\n")
    path = HERE / f"test_{rule}.py"
    path.write_text(src, encoding="utf-8")
    return path


def refile(cases: list[Case]) -> dict[str, int]:
    """Rewrite the rule files so each case sits with the rule that decides it now; returns cases per rule."""
    seen, by_rule = set(), {}
    for c in cases:
        key = repr(c)
        if key in seen:
            continue
        seen.add(key)
        by_rule.setdefault(deciding_rule(c), []).append(c)
    for path in HERE.glob("test_*.py"):
        if "\nRULE = " in path.read_text(encoding="utf-8"):
            path.unlink()
    for rule, cs in by_rule.items():
        write_rule_file(rule, cs)
    return {rule: len(cs) for rule, cs in sorted(by_rule.items())}


if __name__ == "__main__":
    if "--refile" not in sys.argv:
        sys.exit(__doc__)
    counts = refile(all_cases())
    print(f"{sum(counts.values())} cases in {len(counts)} rule files: " + ", ".join(f"{r} {n}" for r, n in
                                                                                    counts.items()))
