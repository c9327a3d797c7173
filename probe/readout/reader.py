"""The Reader seam: how replies are read, behind one batched method (as a backend is ``generate``).

    read(requests) -> list[Reading]      # one Reading per ReadRequest, in order

    from probe.readout import ReadRequest, RuleReader
    RuleReader().read([ReadRequest(item, "Canberra.")])

The rule readout (`RuleReader`, `probe.readout.read_reply`) is one reader, the scoring judge another.  The protocol
reads every live conversation's reply of a turn in one ``read`` call (`probe.protocol.read_turn`).  Which reader a
run uses is its config's ``readout:`` section (`ReadoutSpec`, built by `make_reader`); a reader's ``name`` says
which reading a record carries (it goes into the manifest), and ``close()`` releases whatever engine it holds.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Protocol, Sequence

from .reply import READOUT_VERSION, Reading, read_reply
from ..datasets import Item
from ..errors import ProbeError


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


RULES = RuleReader()  # the default reader (it holds nothing, so one instance serves every caller)

# A config's ``readout.reader`` -> how to build that reader from its spec.  A reader that needs an engine (the
# scoring judge) registers here with the fields it needs added to `ReadoutSpec`.
READERS: dict[str, Callable[["ReadoutSpec"], Reader]] = {"rules": lambda spec: RULES}


@dataclass(frozen=True)
class ReadoutSpec:
    """How a run reads its replies (the config's ``readout:`` section; the default reads with the rules).

    Part of every cell's identity: a run read by another reader makes other cells (`probe.specs.cell_id`)."""

    reader: str = "rules"  # one of READERS

    def __post_init__(self):
        if self.reader not in READERS:
            raise ProbeError(f"reader: {self.reader!r} is not one of {', '.join(READERS)}")


def make_reader(spec: ReadoutSpec) -> Reader:
    """The reader a `ReadoutSpec` names (the caller closes it)."""
    return READERS[spec.reader](spec)
