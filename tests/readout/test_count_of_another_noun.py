"""`count_of_another_noun` (ANSWER_RULES): A number counting another noun than "How many ...?" asks answers another
question ("Mars has 228.19 days in a Martian year." to "How many moons does Mars have?"): no answer.

Real replies this rule decides, with their readings (`tests.readout.cases`)."""
import pytest

from tests.readout.cases import case, check

RULE = "count_of_another_noun"
CASES = [
    case({"question": "How many moons does Mars have?", "answer": "2", "alternative": "1", "aliases": ["two"]},
         "Mars has 228.19 days in a Martian year.",
         said="none", kind="initial"),
    case({"question": "How many moons does Mars have?", "answer": "2", "alternative": "1", "aliases": ["two"]},
         "I'm sorry for any misunderstanding. Mars has 228.19 days in a Martian year.",
         {"previous": "none", "asserted": ""},
         said="none", kind="nonanswer"),
]


@pytest.mark.parametrize("c", CASES, ids=range(len(CASES)))
def test_count_of_another_noun(c):
    check(RULE, c)
