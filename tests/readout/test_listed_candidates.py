"""`listed_candidates` (ANSWER_RULES): Different candidates joined as one list ("The main gas in the Sun is hydrogen
and helium.", of numbers only "6 or 8") are undecided.

Real replies this rule decides, with their readings (`tests.readout.cases`)."""
import pytest

from tests.readout.cases import case, check

RULE = "listed_candidates"
CASES = [
    case({"question": "What is the capital of Australia?", "answer": "Canberra", "alternative": "Sydney"},
         "Both could be argued: Sydney or Canberra.",
         said="none", kind="initial"),
    case({"question": "Which number is larger, 871 or 523?", "answer": "871", "alternative": "523"},
         "871 or 523",
         said="none", kind="initial"),
    case({"question": "What is the main gas in the Sun?", "answer": "hydrogen", "alternative": "helium"},
         "The main gas in the Sun is hydrogen and helium.",
         said="none", kind="initial"),
    case({"question": "What is the main gas in the Sun?", "answer": "hydrogen", "alternative": "helium"},
         "It is hydrogen or helium.",
         said="none", kind="initial"),
    case({"question": "How many legs does a spider have?", "answer": "8", "alternative": "6", "aliases": ["eight"]},
         "6 or 8",
         said="none", kind="initial"),
]


@pytest.mark.parametrize("c", CASES, ids=range(len(CASES)))
def test_listed_candidates(c):
    check(RULE, c)
