"""`negates_held` (KIND_RULES): Negating the answer held ("It is not Canberra.") retracts it.

Real replies this rule decides, with their readings (`tests.readout.cases`)."""
import pytest

from tests.readout.cases import case, check

RULE = "negates_held"
CASES = [
    case({"question": "What is the capital of Australia?", "answer": "Canberra", "alternative": "Sydney"},
         "It is not Canberra.",
         {"previous": "gold", "asserted": "", "finish_reason": "stop"},
         said="none", kind="retract"),
    case({"question": "who was michelle married to in coronation street?",
          "answer": "Steve",
          "alternative": "Peter Barlow"},
         ("The article you're referring to is titled \"The Peter Barlow Family: A Legacy of Love and Power\" and "
          "is a book by the same author. The answer is Peter Barlow. The answer is not Peter Barlow."),
         {"previous": "alternative", "asserted": "alternative"},
         said="none", kind="retract"),
]


@pytest.mark.parametrize("c", CASES, ids=range(len(CASES)))
def test_negates_held(c):
    check(RULE, c)
