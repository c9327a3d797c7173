"""Confidence measures against values computed by hand."""
import math

import numpy as np
import pytest

from probe.confidence import (
    initial_confidence,
    letter_prob,
    normalised_probs,
    span_token_indices,
    token_char_spans,
    topk_entropy,
    topk_margin,
)

PIECES = ["The", " capital", " is", " Can", "berra", ".", ""]
LOGPROBS = [-0.5, -0.1, -0.05, -0.2, -0.3, -0.4, -0.01]
TOP = [[lp, -3.0, -4.0] for lp in LOGPROBS]
TOKS = [[p, "x", "y"] for p in PIECES]


def test_char_spans_and_answer_tokens():
    text = "".join(PIECES)
    start = text.index("Canberra")
    assert token_char_spans(PIECES).tolist()[3] == [14, 18]
    # " Can" overlaps through its text (the leading space is not the answer), "berra" too; "." does not
    assert span_token_indices(PIECES, start, start + len("Canberra")).tolist() == [3, 4]


def test_initial_confidence_matches_hand_computation():
    text = "".join(PIECES)
    start = text.index("Canberra")
    conf = initial_confidence(PIECES, LOGPROBS, TOP, TOKS, (start, start + 8), candidate_p=0.7)
    assert conf["conf_answer_logprob"] == pytest.approx(-0.5)
    assert conf["conf_answer_prob"] == pytest.approx(math.exp(-0.5))
    assert conf["conf_first_token_prob"] == pytest.approx(math.exp(-0.2))
    p = np.exp([-0.2, -3.0, -4.0])
    p = p / p.sum()
    assert conf["conf_entropy"] == pytest.approx(-(p * np.log(p)).sum())
    assert conf["conf_margin"] == pytest.approx(math.exp(-0.2) - math.exp(-3.0))
    assert conf["conf_candidate_p"] == 0.7
    assert math.isnan(conf["conf_mc_letter_p"])


def test_no_span_leaves_the_span_measures_missing_with_a_reason():
    conf = initial_confidence(PIECES, LOGPROBS, TOP, TOKS, None)
    # no silent fallback to the whole reply: NaN, flagged, with the reason
    for c in ("conf_answer_logprob", "conf_answer_prob", "conf_first_token_prob", "conf_entropy", "conf_margin",
              "conf_answer_prob_norm", "conf_neg_mean_entropy"):
        assert math.isnan(conf[c]), c
    assert conf["conf_span_found"] is False and conf["conf_span_reason"] == "no answer span in the reply"
    # the whole-reply baseline needs no span
    assert conf["conf_seq_logprob"] == pytest.approx(sum(LOGPROBS))


def test_entropy_margin_and_softmax_edge_cases():
    assert topk_entropy([math.log(0.5), math.log(0.5)]) == pytest.approx(math.log(2))
    assert topk_entropy([0.0]) == pytest.approx(0.0)
    assert topk_margin([math.log(0.6), math.log(0.3), math.log(0.1)]) == pytest.approx(0.3)
    assert normalised_probs([math.log(2), math.log(6)]).tolist() == pytest.approx([0.25, 0.75])
    assert math.isnan(topk_entropy([]))


def test_letter_probability_renormalises_over_option_letters():
    toks = [" B", "A", "(C", "the"]
    lps = [math.log(0.5), math.log(0.2), math.log(0.05), math.log(0.2)]
    assert letter_prob(toks, lps, "ABCD", "B") == pytest.approx(0.5 / 0.75)
    assert letter_prob(toks, lps, "ABCD", "D") == 0.0
    assert math.isnan(letter_prob(["x"], [0.0], "ABCD", "A"))
