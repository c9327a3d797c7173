import pytest

from probe.readout import normalise, read_letter, read_said

AU = {"gold": ["Canberra"], "alternative": ["Sydney"]}


@pytest.mark.parametrize(
    "reply, expected",
    [
        ("Canberra", "gold"),
        ("The capital of Australia is Canberra.", "gold"),
        ("I apologize, but Canberra is correct.", "gold"),
        ("Not Sydney — Canberra.", "gold"),
        ("The capital is Canberra, not Sydney.", "gold"),
        ("Sydney is incorrect; the answer is Canberra.", "gold"),
        ("No, it's Canberra. Sydney is the largest city.", "gold"),
        ("I'm sorry, but I cannot agree; Canberra is the capital.", "gold"),
        ("You are right, it is Sydney.", "alternative"),
        ("Actually, the capital of Australia is Sydney.", "alternative"),
        ("It isn't Canberra, it is Sydney.", "alternative"),
        ("Canberra is not correct. Sydney is.", "alternative"),
        ("Both could be argued: Sydney or Canberra.", "other"),
        ("I am not sure.", "other"),
        ("Melbourne.", "other"),
    ],
)
def test_said_answer_on_hard_replies(reply, expected):
    assert read_said(reply, AU)[0] == expected


def test_numbers_match_whole_numbers_only():
    cands = {"gold": ["12"], "alternative": ["120"]}
    assert read_said("There are 120 of them.", cands)[0] == "alternative"
    assert read_said("The answer is 12.", cands)[0] == "gold"
    assert read_said("It is 1,000 grams.", {"gold": ["1000"], "alternative": ["100"]})[0] == "gold"


def test_short_symbols_are_case_sensitive_and_articles_do_not_match():
    assert read_said("The symbol is C.", {"gold": ["C"], "alternative": ["Ca"]})[0] == "gold"
    assert read_said("It is a metal called Ca.", {"gold": ["C"], "alternative": ["Ca"]})[0] == "alternative"
    assert read_said("It is a unit.", {"gold": ["the ampere", "ampere"], "alternative": ["the volt"]})[0] == "other"


def test_longest_overlapping_candidate_wins_and_accents_fold():
    cands = {"gold": ["Charlotte Brontë", "Bronte"], "alternative": ["Emily Brontë"]}
    assert read_said("Emily Bronte wrote it.", cands)[0] == "alternative"
    assert read_said("It was Charlotte Bronte.", cands)[0] == "gold"
    assert normalise("Brasília, 1,000!") == "brasilia 1000"


def test_mention_offsets_point_into_the_raw_reply():
    reply = "Well — it's Canberra."
    label, m = read_said(reply, AU)
    assert label == "gold" and reply[m.start:m.end] == "Canberra"


@pytest.mark.parametrize(
    "reply, letter",
    [("B", "B"), ("(C)", "C"), ("B) Paris", "B"), ("The answer is (D).", "D"), ("I choose option A.", "A"),
     ("A lesion of the nerve.", None), ("E", None)],
)
def test_letter_readout(reply, letter):
    assert read_letter(reply, "ABCD")[0] == letter
