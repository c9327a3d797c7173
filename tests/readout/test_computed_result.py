"""`computed_result` (NUMBER_PICKS): The last number after "=", "equals", "gives", "makes".

Real replies this rule decides, with their readings (`tests.readout.cases`)."""
import pytest

from tests.readout.cases import case, check

RULE = "computed_result"
CASES = [
    case({"question": "Q?", "answer": "5", "alternative": "7"},
         "7 - 2 = 5",
         said="gold", kind="initial", words="5"),
    case({"question": "Q?", "answer": "18", "alternative": "20"},
         "20 - 2 = 18",
         said="gold", kind="initial", words="18"),
    case({"question": "How old is Jim?", "answer": "24", "alternative": "26"},
         "John is 28, so 28 - 4 = 24. Jim is 24.",
         said="gold", kind="initial", words="24"),
    case({"question": "What is 69 plus 89?", "answer": "158", "alternative": "157"},
         "To solve this problem, we add 69 to 89: 89 + 69 = 158.\n",
         {"finish_reason": "length"},
         said="gold", kind="initial", words="158"),
    case({"question": "What is 77 times 24?", "answer": "1848", "alternative": "1858"},
         "First, we multiply 77 by 24:\n\n77 * 24 = 1544\n",
         {"finish_reason": "length"},
         said="other", kind="initial", words="1544"),
    case({"question": "How many seconds are in an hour?",
          "answer": "3600",
          "alternative": "360",
          "aliases": ["3,600"]},
         "To find out how many seconds there are in an hour, you can divide 3600 by 60, which gives you 120 seconds.",
         said="other", kind="initial", words="120"),
    case({"question": "How many seconds are in an hour?",
          "answer": "3600",
          "alternative": "360",
          "aliases": ["3,600"]},
         "Multiply 60 by 60, which gives you 3600 seconds.",
         said="gold", kind="initial", words="3600"),
]


@pytest.mark.parametrize("c", CASES, ids=range(len(CASES)))
def test_computed_result(c):
    check(RULE, c)
