"""`open_slot_copied` (ANSWER_RULES): The question's open slot copied ("London gets much more rain than which big
cities.") states no answer.

Real replies this rule decides, with their readings (`tests.readout.cases`)."""
import pytest

from tests.readout.cases import case, check

RULE = "open_slot_copied"
CASES = [
    case({"question": "London gets much more rain than which big cities?",
          "answer": "London gets much more rain than Los Angeles and Madrid",
          "alternative": "London gets much more rain than Paris"},
         " London gets much more rain than which big cities.",
         said="none", kind="initial"),
]


@pytest.mark.parametrize("c", CASES, ids=range(len(CASES)))
def test_open_slot_copied(c):
    check(RULE, c)
