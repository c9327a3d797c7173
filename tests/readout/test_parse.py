"""One parsed reply (`probe.readout.parse`): built once per text and read by every rule; its parts on real replies."""
from probe.readout.parse import (content, content_of_words, content_words, find_mentions, find_numbers, normalise,
                                 normalise_map, parse, sentences)

CANDS = {"gold": ["Canberra"], "alternative": ["Sydney"]}


def test_a_text_is_parsed_once_and_its_parts_computed_once():
    reply = "I don't think it's Sydney. The answer is Canberra, population 431,380."
    p = parse(reply)
    assert parse(reply) is p
    assert p.mentions(CANDS) is p.mentions(CANDS)  # the same tuple: found once per set of candidates
    assert p.sentences is p.sentences and p.numbers is p.numbers
    assert [(m.label, reply[m.start:m.end]) for m in find_mentions(reply, CANDS)] == [("alternative", "Sydney"),
                                                                                    ("gold", "Canberra")]
    assert find_numbers(reply) == [(431380.0, 62, 69)] and reply[62:69] == "431,380"


def test_normalised_text_maps_back_to_the_raw_reply():
    reply = "Bras\u00edlia's area: 5,802 km\u00b2 (not 12.5)."
    norm, index = normalise_map(reply)
    assert norm == "brasilia s area 5802 km2 not 12.5" and normalise(reply) == norm
    assert reply[index[norm.index("5802")]:index[norm.index("5802") + 3] + 1] == "5,802"


def test_sentences_keep_initials_and_decimals():
    reply = "The author is D.B. Croswell. It costs 12.5 dollars!\nYes"
    assert [reply[a:b] for a, b in sentences(reply)] == ["The author is D.B. Croswell.", " It costs 12.5 dollars!",
                                                         "Yes"]


def test_three_content_stemmers_differ_as_documented():
    assert content("Which country has the most natural lakes?") == {"count", "most", "natur", "lakes"}
    assert content_words("Humans doesn't have 28 finger bones") == ["human", "does", "finge", "bones"]  # "does not"
    assert content_of_words("they were there") == {"they", "were", "there"}  # auxiliaries and "there" count
    assert content("they were there") == set()
