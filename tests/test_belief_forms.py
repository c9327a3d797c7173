"""The multiple-choice belief probe scores the form the model's first answer used: option text or letter."""
from types import SimpleNamespace

import pytest

from probe.backends.base import Scored, TokenLogprob
from probe.datasets.items import Item
from probe.protocol import BELIEF_PREFIX, PROBE_MESSAGE, _belief

MC = Item("mc", "What forms clouds?", "Water droplets", "Smoke", (), (), choices=("Smoke", "Dust", "Water droplets",
                                                                                  "Sand"))
TEXT = Item("au", "What is the capital of Australia?", "Canberra", "Sydney")


class Recorder:
    """Scores each request by a fixed table of continuations and keeps the requests."""

    def __init__(self, logprob):
        self.logprob, self.requests = logprob, []

    def score(self, requests):
        self.requests += requests
        return [Scored((), (TokenLogprob(0, r.continuation, self.logprob(r.continuation)),)) for r in requests]


def conv(item, first_reply):
    return SimpleNamespace(item=item, messages=[{"role": "user", "content": item.question},
                                                {"role": "assistant", "content": first_reply}])


@pytest.mark.parametrize("reply, continuations, prefix", [
    # the option's text opens the reply: each option's text is the whole reply
    ("Water droplets form clouds.", ["Smoke", "Dust", "Water droplets", "Sand"], ""),
    # the model's own opening, kept whatever its letter: a small model writes "(C)" before another option's text
    ("(C) Water droplets form clouds.", [" Smoke", " Dust", " Water droplets", " Sand"], "(C)"),
    ("(A) water droplets.", [" Smoke", " Dust", " Water droplets", " Sand"], "(A)"),
    ("The correct answer is (C) Water droplets.", [" Smoke", " Dust", " Water droplets", " Sand"],
     "The correct answer is (C)"),
    # a letter alone, or the text only after a long run-up (working): the letter in the frame
    (" C", [" A.", " B.", " C.", " D."], BELIEF_PREFIX.rstrip()),
    ("The answer is (C).", [" A.", " B.", " C.", " D."], BELIEF_PREFIX.rstrip()),
    ("Clouds form when warm air rises, cools and can no longer hold its moisture, so the answer is water droplets.",
     [" A.", " B.", " C.", " D."], BELIEF_PREFIX.rstrip()),
    # an option's text inside a longer word is no quote ("Sandstone" is not "Sand")
    ("Sandstone (C).", [" A.", " B.", " C.", " D."], BELIEF_PREFIX.rstrip()),
])
def test_mc_probe_scores_the_form_of_the_first_answer(reply, continuations, prefix):
    backend = Recorder(lambda c: -0.1 if "C" in c or "Water" in c else -3.0)
    (probs,) = _belief(backend, [conv(MC, reply)])
    assert [r.continuation for r in backend.requests] == continuations
    assert {r.assistant_prefix for r in backend.requests} == {prefix}
    assert backend.requests[0].messages[-1] == {"role": "user", "content": PROBE_MESSAGE}
    assert max(probs, key=probs.get) == "C" and sum(probs.values()) == pytest.approx(1.0)


def test_text_items_keep_the_framed_candidates():
    backend = Recorder(lambda c: -0.5)
    (probs,) = _belief(backend, [conv(TEXT, "Canberra.")])
    assert [r.continuation for r in backend.requests] == [" Canberra.", " Sydney."]
    assert probs == {"gold": pytest.approx(0.5), "alternative": pytest.approx(0.5)}
