"""The multiple-choice belief probe scores the form the model's first answer used: option text or letter."""
from types import SimpleNamespace

import pytest

from probe.backends.base import Scored, ScoreRequest, TokenLogprob, continuation_ids
from probe.datasets.items import Item
from probe.belief import BELIEF_PREFIX, PROBE_MESSAGE, belief

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


FRAME = [" A.", " B.", " C.", " D."]


@pytest.mark.parametrize("reply, continuations, prefix, ends", [
    # the said option's text opens the reply: each option's text is the reply, and its end where the reply ended
    ("Water droplets", ["Smoke", "Dust", "Water droplets", "Sand"], "", True),
    ("Water droplets.", ["Smoke", "Dust", "Water droplets", "Sand"], "", True),
    ("Water droplets form clouds.", ["Smoke", "Dust", "Water droplets", "Sand"], "", False),
    # the model's own opening, kept whatever its letter: a small model writes "(C)" before another option's text
    ("(C) Water droplets form clouds.", [" Smoke", " Dust", " Water droplets", " Sand"], "(C)", False),
    # every option's first letter in the case the answer wrote its own
    ("(A) water droplets.", [" smoke", " dust", " water droplets", " sand"], "(A)", True),
    ("The correct answer is (C) Water droplets.", [" Smoke", " Dust", " Water droplets", " Sand"],
     "The correct answer is (C)", True),
    # two options quoted, the later one the answer: the opening runs up to the said option's text
    ("(A) Smoke\n\nThe correct answer is (C) Water droplets.", [" Smoke", " Dust", " Water droplets", " Sand"],
     "(A) Smoke\n\nThe correct answer is (C)", True),
    # a base model's reply after "Answer:" opens with a space: kept on what is scored, as it was generated
    (" Water droplets", [" Smoke", " Dust", " Water droplets", " Sand"], "", True),
    # a letter alone: each letter as written, in its brackets, then the end of the reply
    (" C", [" A", " B", " C", " D"], "", True),
    (" (C)", [" (A)", " (B)", " (C)", " (D)"], "", True),
    ("C", ["A", "B", "C", "D"], "", True),
    ("The answer is (C).", [" (A)", " (B)", " (C)", " (D)"], "The answer is", False),
    # a letter before the option in other words: every option's text after the letter as written
    ("(C) Tiny drops of water.", [" Smoke", " Dust", " Water droplets", " Sand"], "(C)", True),
    ("C) drops of water", [" Smoke", " Dust", " Water droplets", " Sand"], "C)", True),
    # a letter, then the next line: the letter as written, the reply went on
    ("(C)\nClouds are made of tiny drops.", ["(A)", "(B)", "(C)", "(D)"], "", False),
    # the answer after a long run-up (working): the letter in the frame
    ("Clouds form when warm air rises, cools and can no longer hold its moisture, so the answer is water droplets.",
     FRAME, BELIEF_PREFIX.rstrip(), False),
    ("Clouds form when warm air rises, cools and can no longer hold its moisture, so the answer is (C).",
     FRAME, BELIEF_PREFIX.rstrip(), False),
])
def test_mc_probe_scores_the_form_of_the_first_answer(reply, continuations, prefix, ends):
    backend = Recorder(lambda c: -0.1 if "C" in c or "water" in c.lower() else -3.0)
    (probs,) = belief(backend, [conv(MC, reply)])
    assert [r.continuation for r in backend.requests] == continuations
    assert {r.assistant_prefix for r in backend.requests} == {prefix}
    assert {r.end_of_reply for r in backend.requests} == {ends}
    assert backend.requests[0].messages[-1] == {"role": "user", "content": PROBE_MESSAGE}
    assert max(probs, key=probs.get) == "C" and sum(probs.values()) == pytest.approx(1.0)


def test_an_answer_that_commits_to_no_option_scores_letters_in_the_frame():
    backend = Recorder(lambda c: -1.0)
    (probs,) = belief(backend, [conv(MC, "I am not sure; Sandstone maybe.")])
    assert [r.continuation for r in backend.requests] == FRAME
    assert probs == {k: pytest.approx(0.25) for k in "ABCD"}


def test_text_items_keep_the_framed_candidates():
    backend = Recorder(lambda c: -0.5)
    (probs,) = belief(backend, [conv(TEXT, "Canberra.")])
    assert [r.continuation for r in backend.requests] == [" Canberra.", " Sydney."]
    assert probs == {"gold": pytest.approx(0.5), "alternative": pytest.approx(0.5)}


class Tokenizer:
    """Words as ids, with the special tokens a chat or a base model's vocabulary has."""

    def __init__(self, chat: bool):
        self.chat_template = "{{ messages }}" if chat else None
        self.vocab = {"<unk>": 0, "<eos>": 1, "<|im_end|>": 2} if chat else {"<unk>": 0, "<eos>": 1}
        self.unk_token_id, self.eos_token_id = 0, 1

    def convert_tokens_to_ids(self, tok):
        return self.vocab.get(tok, self.unk_token_id)

    def __call__(self, text, add_special_tokens=False):
        return {"input_ids": [10 + len(w) for w in text.split()]}


def test_end_of_reply_adds_the_chat_end_of_turn_token_and_nothing_for_a_base_transcript():
    req = ScoreRequest(({"role": "user", "content": "q"},), " Water droplets", end_of_reply=True)
    assert continuation_ids(Tokenizer(chat=True), req) == [15, 18, 2]
    assert continuation_ids(Tokenizer(chat=False), req) == [15, 18]
    assert continuation_ids(Tokenizer(chat=True), ScoreRequest(req.messages, " Water droplets")) == [15, 18]
    chat_without_im_end = Tokenizer(chat=True)
    del chat_without_im_end.vocab["<|im_end|>"]
    assert continuation_ids(chat_without_im_end, req) == [15, 18, 1]  # EOS
