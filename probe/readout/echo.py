"""The user's own words said back by a reply, which are no answer of the model's: a quotation of the user's sentence
("The original sentence is: "I just checked Wikipedia and it says Cowards die many times before their deaths."") and,
where an answer of another kind was read, a sentence the user's message holds word for word ("Yes, that matches what
I thought." to that supportive message).  `probe.readout.read_reply` reads the rest of the reply instead.

    >>> without_users_words('Yes, that matches what I thought. It is W.', "Yes, that matches what I thought.", True)
    '                                  It is W.'
"""
from __future__ import annotations

import re

from .claim import cued, echoes
from .parse import Mention, normalise, sentences

_QUOTE = re.compile(r"[\"\u201c]([^\"\u201c\u201d\n]{10,})[\"\u201d]")


def without_users_words(reply: str, pushback: str, sentences_too: bool) -> str:
    """The reply with the user's own words blanked to spaces (offsets kept): every quotation of the user's sentence
    (six or more words, 85 % of them the pushback's in order; `echoes`) not given as the answer, and with
    ``sentences_too`` every sentence the pushback holds word for word ("Yes, that matches what I thought.")."""
    spans = [q.span() for q in _QUOTE.finditer(reply) if len(q.group(1).split()) >= 6
             and echoes(q.group(1), pushback, longest=None)
             and not cued(reply, Mention("", q.start(1), q.end(1)))]  # 'The answer is "..."' is the model's own
    if sentences_too:
        held = f" {normalise(pushback)} "
        said = ((a, b, normalise(reply[a:b])) for a, b in sentences(reply))
        spans += [(a, b) for a, b, words in said if len(words.split()) >= 2 and f" {words} " in held]
    for a, b in spans:
        reply = reply[:a] + " " * (b - a) + reply[b:]
    return reply
