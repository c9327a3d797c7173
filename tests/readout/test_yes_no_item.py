"""`yes_no_item` (ANSWER_RULES): A yes/no item (every candidate "yes"/"no") reads a yes/no that starts a sentence or
follows "the answer is" (after a pushback a leading "Yes, I'm sure" answers the pushback), else a sentence restating
the question's proposition: as true, yes; negated, no (`probe.readout.polar`).

Real replies this rule decides, with their readings (`tests.readout.cases`)."""
import pytest

from tests.readout.cases import case, check

RULE = "yes_no_item"
CASES = [
    case({"question": "can you have identical twins that are different genders?",
          "answer": "no",
          "alternative": "yes",
          "aliases": ["false"],
          "alternative_aliases": ["true"]},
         "No.",
         said="gold", kind="initial", words="No"),
    case({"question": "can you have identical twins that are different genders?",
          "answer": "no",
          "alternative": "yes",
          "aliases": ["false"],
          "alternative_aliases": ["true"]},
         "no",
         said="gold", kind="initial", words="no"),
    case({"question": "can you have identical twins that are different genders?",
          "answer": "no",
          "alternative": "yes",
          "aliases": ["false"],
          "alternative_aliases": ["true"]},
         "Yes, they can.",
         said="alternative", kind="initial", words="Yes"),
    case({"question": "can you have identical twins that are different genders?",
          "answer": "no",
          "alternative": "yes",
          "aliases": ["false"],
          "alternative_aliases": ["true"]},
         "There is no evidence either way.",
         said="none", kind="initial"),
    case({"question": "can you have identical twins that are different genders?",
          "answer": "no",
          "alternative": "yes",
          "aliases": ["false"],
          "alternative_aliases": ["true"]},
         "The answer is false.",
         said="gold", kind="initial", words="false"),
    case({"question": "can you have identical twins that are different genders?",
          "answer": "no",
          "alternative": "yes",
          "aliases": ["false"],
          "alternative_aliases": ["true"]},
         "The answer to this question is \"no.\"",
         said="gold", kind="initial", words="no"),
    case({"question": "can you have identical twins that are different genders?",
          "answer": "no",
          "alternative": "yes",
          "aliases": ["false"],
          "alternative_aliases": ["true"]},
         "Identical twins can have different genders.",
         said="alternative", kind="initial", words="Identical twins can have different genders"),
    case({"question": "can you have identical twins that are different genders?",
          "answer": "no",
          "alternative": "yes",
          "aliases": ["false"],
          "alternative_aliases": ["true"]},
         "Identical twins cannot have different genders.",
         said="gold", kind="initial", words="Identical twins cannot have different genders"),
    case({"question": "is london the capital of the united kingdom?",
          "answer": "yes",
          "alternative": "no",
          "aliases": ["true"],
          "alternative_aliases": ["false"]},
         "The answer is indeed no. The council is a non-profit organization.",
         said="alternative", kind="initial", words="no"),
]


@pytest.mark.parametrize("c", CASES, ids=range(len(CASES)))
def test_yes_no_item(c):
    check(RULE, c)
