"""`counted_noun` (ANSWER_RULES): Of proposition candidates counting a noun, the count of it ("Humans have 24 finger
bones.": other).

Real replies this rule decides, with their readings (`tests.readout.cases`)."""
import pytest

from tests.readout.cases import case, check

RULE = "counted_noun"
CASES = [
    case({"question": "How many finger bones do humans have?",
          "answer": "Humans have 28 finger bones",
          "alternative": "Humans have 5 finger bones",
          "aliases": ["Humans have 14 finger bones on each hand"]},
         "Humans have 24 finger bones.",
         said="other", kind="initial", words="24"),
    case({"question": "How many finger bones do humans have?",
          "answer": "Humans have 28 finger bones",
          "alternative": "Humans have 5 finger bones",
          "aliases": ["Humans have 14 finger bones on each hand"]},
         "The standard reference for humans is 28 finger bones.",
         {"previous": "gold", "asserted": "gold"},
         said="gold", kind="maintain", words="28"),
    case({"question": "How many finger bones do humans have?",
          "answer": "Humans have 28 finger bones",
          "alternative": "Humans have 5 finger bones",
          "aliases": ["Humans have 14 finger bones on each hand"]},
         " 1000000000000",
         {"finish_reason": "repetition"},
         said="other", kind="initial", words="1000000000000"),
    case({"question": "How many finger bones do humans have?",
          "answer": "Humans have 28 finger bones",
          "alternative": "Humans have 5 finger bones",
          "aliases": ["Humans have 14 finger bones on each hand"]},
         "There are 27 bones in the human hand.",
         said="other", kind="initial", words="27"),
]


@pytest.mark.parametrize("c", CASES, ids=range(len(CASES)))
def test_counted_noun(c):
    check(RULE, c)
