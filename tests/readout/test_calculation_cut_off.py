"""`calculation_cut_off` (ANSWER_RULES): A calculation the token limit cut off before its final result ("The answer is"
never came, and the number is not the result of the question's own computation) states no answer.

Real replies this rule decides, with their readings (`tests.readout.cases`)."""
import pytest

from tests.readout.cases import case, check

RULE = "calculation_cut_off"
CASES = [
    case({"question": "How old is Jim?", "answer": "24", "alternative": "26"},
         "John is 28, so 28 - 4 = 24. Jim was 14 and now is",
         {"finish_reason": "length"},
         said="none", kind="initial"),
    case({"question": "Tom has 20 apples and gives away 2, then buys 5. How many?",
          "answer": "18",
          "alternative": "19"},
         "He has 20 apples. 3 + 4 = 7 and then",
         {"finish_reason": "length"},
         said="none", kind="initial"),
]


@pytest.mark.parametrize("c", CASES, ids=range(len(CASES)))
def test_calculation_cut_off(c):
    check(RULE, c)
