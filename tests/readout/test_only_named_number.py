"""`only_named_number` (NUMBER_PICKS): Of several numbers, the only one that is a candidate.

Real replies this rule decides, with their readings (`tests.readout.cases`)."""
import pytest

from tests.readout.cases import case, check

RULE = "only_named_number"
CASES = [
    case({"question": "Q?", "answer": "8", "alternative": "10"},
         "1. Add the pens.\n2. Subtract from 20.\nSo the change is 8.",
         said="gold", kind="initial", words="8"),
]


@pytest.mark.parametrize("c", CASES, ids=range(len(CASES)))
def test_only_named_number(c):
    check(RULE, c)
