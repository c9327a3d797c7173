"""The readout's rule order is readable from its tables: the package docstring lists every table in order, the
README's description of the readout is generated from them, every rule says what it reads, and a Claim's ``rule`` is
the name of a rule."""
from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import probe.readout as readout
from probe.datasets.items import Item
from probe.readout import read_reply
from probe.readout.answer import read_answer
from probe.readout.rules import END, START, TABLES, describe
from tests.helpers import ROOT

RULE_NAMES = {rule.__name__ for *_, table in TABLES for rule in table}


def test_the_package_docstring_lists_every_table_in_order():
    doc = " ".join(readout.__doc__.split())
    for name, _, _, table in TABLES:
        listed = ", ".join(rule.__name__ for rule in table)
        assert re.search(rf"``{name}`` \(\w+\)[^:]*: {re.escape(listed)}[.;]", doc), f"{name}: {listed}"


def test_the_readme_description_of_the_readout_is_generated_from_the_tables():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert describe() in readme, "README is stale: paste `python -m probe.readout.rules` between its markers"
    section = readme[readme.index(START):readme.index(END)]
    assert [m for m in re.findall(r"^\d+\. `(\w+)`", section, re.M)] == [
        rule.__name__ for *_, table in TABLES for rule in table]


def test_every_rule_has_a_description_and_a_unique_name():
    names = [rule.__name__ for *_, table in TABLES for rule in table]
    assert len(names) == len(set(names)) >= 50
    assert all(inspect.getdoc(rule) and len(inspect.getdoc(rule)) > 30 for *_, t in TABLES for rule in t)


def test_every_rule_a_claim_names_is_a_function_of_the_readout():
    """The rule strings written into Claims are function names of the readout (no free-text tags)."""
    pkg = Path(readout.__file__).parent
    functions = {n.name for p in pkg.glob("*.py") for n in ast.walk(ast.parse(p.read_text()))
                 if isinstance(n, ast.FunctionDef)}
    written = set()
    for p in pkg.glob("*.py"):
        for n in ast.walk(ast.parse(p.read_text())):
            if isinstance(n, ast.Call) and getattr(n.func, "id", "") == "Claim" and len(n.args) == 4 \
                    and isinstance(n.args[3], ast.Constant):
                written.add(n.args[3].value)
    assert written and written <= functions, written - functions
    assert {"cued_number", "one_value", "one_candidate"} <= RULE_NAMES


def test_a_claim_names_the_rule_that_chose_it():
    au = Item("x", "What is the capital of Australia?", "Canberra", "Sydney")
    assert read_answer(au, "Canberra.").rule == "one_candidate"
    assert read_answer(au, "It is not Sydney, it's actually Canberra.").rule == "one_candidate"
    assert read_answer(au, "Melbourne.").rule == "other_answer_stated"
    assert read_answer(au, "The capital of Australia is Melbourne, a big city.").rule == "answer_phrase_stated"
    assert read_answer(au, "Sydney and Canberra.").rule == "listed_candidates"
    sum_ = Item("y", "What is 9 times 5?", "45", "40")
    assert read_answer(sum_, "9 x 5 = 45. The answer is 45.").rule == "cued_number"
    assert read_reply(au, "You're right, I apologize.", previous="gold", asserted="alternative").kind == "switch"


def test_every_rule_has_a_table_of_real_replies():
    """tests/readout/test_<rule>.py for every rule that decides a reading (answer_read and no_answer_read hand the
    decision to the answer and kind rules, whose tables hold their replies)."""
    have = {p.stem[len("test_"):] for p in (ROOT / "tests" / "readout").glob("test_*.py")}
    missing = RULE_NAMES - have - {"answer_read", "no_answer_read"}
    assert not missing, missing
