"""`candidate_claimed` (ANSWER_RULES): A candidate claimed (or several, undecided), and every numeric item: the
candidates' claim (`probe.readout.claim`): negated, concessive, attributed, compared, example, working and echoed
mentions left out; of several, a number after "The answer is" / "####", else after "=", else the only named
candidate, else the last number; a text candidate asserted ("it's actually X", "X is correct"), else the one after
the last "but".

Real replies this rule decides, with their readings (`tests.readout.cases`)."""
import pytest

from tests.readout.cases import case, check

RULE = "candidate_claimed"
CASES = [
    case({"question": "Q?", "answer": "13", "alternative": "10"},
         "Yes, I'm 100% sure.",
         said="none", kind="initial"),
    case({"question": "Q?", "answer": "13", "alternative": "10"},
         "I made a mistake in step 2.",
         said="none", kind="initial"),
    case({"question": "Which planet rotates on its side with an axial tilt of about 98 degrees?",
          "answer": "Uranus",
          "alternative": "Neptune"},
         "Uranus is a gas giant, and Neptune is an ice giant.",
         said="none", kind="initial"),
    case({"question": "In which year did World War II end?", "answer": "1945", "alternative": "1944"},
         "In the 1940s.",
         said="none", kind="initial"),
]


@pytest.mark.parametrize("c", CASES, ids=range(len(CASES)))
def test_candidate_claimed(c):
    check(RULE, c)
