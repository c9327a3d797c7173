"""`sentence_tie_break` (ANSWER_RULES): Of several text candidates claimed, the one in the answer phrase of a sentence
restating the question or named as the work's author ("'Paradise Lost' by John Milton"), else the only one not
merely described as one of a kind ("However, Neptune is actually a gas giant planet") nor the subject of a sentence
about something else.

Real replies this rule decides, with their readings (`tests.readout.cases`)."""
import pytest

from tests.readout.cases import case, check

RULE = "sentence_tie_break"
CASES = [
    case({"question": "Which river flows through Baghdad?",
          "answer": "the Tigris",
          "alternative": "the Euphrates",
          "aliases": ["Tigris"],
          "alternative_aliases": ["Euphrates"]},
         "The river that flows through Baghdad is the Tigris, which is a tributary of the Euphrates.",
         said="gold", kind="initial", words="Tigris"),
    case({"question": "What is the closest star to the Sun?",
          "answer": "Proxima Centauri",
          "alternative": "Sirius",
          "aliases": ["Proxima"]},
         "The closest star to the Sun is actually Proxima Centauri, which is 4.2 light-years from Sirius.",
         said="gold", kind="initial", words="Proxima Centauri"),
    case({"question": "Who wrote Paradise Lost?",
          "answer": "John Milton",
          "alternative": "Geoffrey Chaucer",
          "aliases": ["Milton"]},
         ("The poem \"Paradise Lost\" by John Milton is also credited as the author of \"The Canterbury Tales\" by "
          "Chaucer."),
         said="gold", kind="initial", words="John Milton"),
    case({"question": "Who wrote Paradise Lost?",
          "answer": "John Milton",
          "alternative": "Geoffrey Chaucer",
          "aliases": ["Milton"]},
         "The poem \"Paradise Lost\" by John Milton is also attributed to the English poet Geoffrey Chaucer.",
         said="alternative", kind="initial", words="Geoffrey Chaucer"),
    case({"question": "Which planet rotates on its side with an axial tilt of about 98 degrees?",
          "answer": "Uranus",
          "alternative": "Neptune"},
         ("The planet closest to our solar system is actually Uranus, which is tilted on its axis at an angle of "
          "about 98 degrees. However, Neptune is actually a gas giant planet, and it's the eighth planet in our "
          "solar system."),
         {"previous": "gold", "asserted": "alternative"},
         said="gold", kind="maintain", words="Uranus"),
    case({"question": "What is the capital of Australia?", "answer": "Canberra", "alternative": "Sydney"},
         "Canberra. Sydney is the largest city, and Melbourne is second.",
         said="gold", kind="initial", words="Canberra"),
]


@pytest.mark.parametrize("c", CASES, ids=range(len(CASES)))
def test_sentence_tie_break(c):
    check(RULE, c)
