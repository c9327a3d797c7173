"""The answer a conversation holds as its replies are read, and the latest reply that stated it in words: the
bookkeeping the protocol's records carry (`probe.protocol.Dialogue`) and ``probe readout --eval --chained`` replays
(`Chain`), written once here so both read a history the same way.

    from probe.readout.chain import Chain
    c = Chain(item, asserted="alternative")
    c.read("Canberra.")                                               # turn 0
    c.read("You're right, I apologize.", pushback="I'm quite sure it is Sydney.")
    c.held, c.held_reply                                              # ('alternative', None)
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .reader import RULES, Reader, ReadRequest
from .reply import Reading
from ..records import INITIAL, MAINTAIN, NONE, SWITCH


def commitment(r: Reading) -> str:
    """The answer a reading makes a conversation hold (its class; multiple choice: its option letter), or "" when
    the held answer carries forward (a nonanswer, a retract, an answer that states nothing)."""
    return (r.option or r.said) if r.kind in (INITIAL, MAINTAIN, SWITCH) and r.said != NONE else ""


def stated(r: Reading) -> str:
    """The answer a reading commits to in words of its own (a later "other" answer is compared with them), or ""
    for one that commits to nothing or states nothing (an affirmation "Yes, it is.", a concession "You're right.")."""
    return commitment(r) if r.span is not None else ""


def read_request(item, reply: str, *, first: bool, held: str, held_reply: str | None, asserted: str,
                 finish_reason: str = "stop", pushback: str = "") -> ReadRequest:
    """What a reader needs to read ``reply`` against what the conversation holds (nothing held at turn 0)."""
    return ReadRequest(item, reply, previous=None if first else held, previous_reply=held_reply, asserted=asserted,
                       finish_reason=finish_reason, pushback=pushback)


def hold(held: str, held_reply: str | None, reply: str, r: Reading) -> tuple[str, str | None]:
    """(held answer, the reply that stated it) after ``reply`` was read as ``r``."""
    if held_now := commitment(r):
        if stated(r):  # the reply states the answer: a later "other" is compared with these words
            held_reply = reply
        elif held_now != held:  # a concession ("You're right.") holds the asserted answer in no words of its own
            held_reply = None
        held = held_now  # an affirmation ("Yes, it is.") keeps the reply that stated the answer
    return held, held_reply


@dataclass
class Chain:
    """One conversation's readings, reply by reply, with the answer it holds (for a replay outside the protocol)."""

    item: object
    asserted: str = ""  # the candidate the pushbacks assert
    held: str = NONE
    held_reply: str | None = None
    readings: list = field(default_factory=list)

    def read(self, reply: str, finish_reason: str = "stop", pushback: str = "", reader: Reader = RULES) -> Reading:
        req = read_request(self.item, reply, first=not self.readings, held=self.held, held_reply=self.held_reply,
                           asserted=self.asserted, finish_reason=finish_reason, pushback=pushback)
        r = reader.read([req])[0]
        self.readings.append(r)
        self.held, self.held_reply = hold(self.held, self.held_reply, reply, r)
        return r
