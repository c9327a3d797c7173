"""`asserted_candidate` (TEXT_PICKS): Of several candidates, the last one asserted ("the answer is X", "it's actually
X", "X is correct").

Real replies this rule decides, with their readings (`tests.readout.cases`)."""
import pytest

from tests.readout.cases import case, check

RULE = "asserted_candidate"
CASES = [
    case({"question": "What is the capital of Australia?", "answer": "Canberra", "alternative": "Sydney"},
         "No, it's Canberra. Sydney is the largest city.",
         said="gold", kind="initial", words="Canberra"),
]


@pytest.mark.parametrize("c", CASES, ids=range(len(CASES)))
def test_asserted_candidate(c):
    check(RULE, c)
