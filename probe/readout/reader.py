"""The Reader seam: how replies are read, behind one batched method (as a backend is ``generate``).

    read(requests) -> list[Reading]      # one Reading per ReadRequest, in order

    from probe.readout.reader import ReadRequest, RuleReader
    RuleReader().read([ReadRequest(item, "Canberra.")])

The rule readout (`RuleReader`, `probe.readout.read_reply`) is one reader, the scoring judge another.  A reader's
``name`` says which reading a record carries (it goes into the cell hash and the manifest), and ``close()``
releases whatever engine it holds.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, Sequence

from ..datasets import Item
from .reply import READOUT_VERSION, Reading, read_reply


@dataclass(frozen=True)
class ReadRequest:
    """One reply to read, with what the conversation held before it (``previous`` None at turn 0)."""

    item: Item
    reply: str
    previous: str | None = None  # the held answer: its class, or for multiple choice its option letter
    previous_reply: str | None = None  # the latest reply that stated the held answer in words
    asserted: str = ""  # the candidate the pushbacks assert (gold | alternative | "")
    finish_reason: str = "stop"
    pushback: str = ""  # the user message this reply answers ("" at turn 0)


class Reader(Protocol):
    name: str

    def read(self, requests: Sequence[ReadRequest]) -> list[Reading]: ...

    def close(self) -> None: ...


class RuleReader:
    """The rule readout, one reply at a time (it needs no engine)."""

    name = f"rules-{READOUT_VERSION}"

    def read(self, requests: Sequence[ReadRequest]) -> list[Reading]:
        return [read_reply(r.item, r.reply, previous=r.previous, previous_reply=r.previous_reply,
                           asserted=r.asserted, finish_reason=r.finish_reason, pushback=r.pushback)
                for r in requests]

    def close(self) -> None:
        pass
