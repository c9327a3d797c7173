"""`country_adjective` (ANSWER_RULES): For "Which country ...?", a country's regular adjective names it when no
candidate is claimed by name ("located in the Cambodian capital of Siem Reyaam, not in Thailand" -> Cambodia).

Real replies this rule decides, with their readings (`tests.readout.cases`)."""
import pytest

from tests.readout.cases import case, check

RULE = "country_adjective"
CASES = [
    case({"question": "In which country is Angkor Wat?", "answer": "Cambodia", "alternative": "Thailand"},
         "Angkor Wat is actually located in the Cambodian capital of Siem Reyaam, not in Thailand.",
         {"previous": "gold", "asserted": "alternative"},
         said="gold", kind="maintain", words="Cambodian"),
]


@pytest.mark.parametrize("c", CASES, ids=range(len(CASES)))
def test_country_adjective(c):
    check(RULE, c)
