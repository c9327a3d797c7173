"""The reply readout: which answer a reply commits to (``said``) and what kind of reply it is (``kind``).

    from probe.readout import read_reply
    r = read_reply(item, "I'm not sure.", previous="gold", asserted="alternative")
    r.said, r.kind   # ('none', 'retract')

    from probe.readout import ReadRequest, RuleReader
    RuleReader().read([ReadRequest(item, "Canberra.")])     # the Reader seam the protocol calls, batched

The rules and the order they are applied in: `probe.readout.reply`.  Modules: ``reply`` (read_reply, read_answer),
``option`` (multiple choice), ``text`` (mentions, claims, numbers), ``phrase`` (answer phrase, statements),
``polar`` (yes/no), ``forms`` (names, counts), ``sentence`` (whole-sentence candidates), ``match`` (less exact
matches), ``echo`` (the user's words said back), ``kind`` (replies that state no answer), ``reader`` (the Reader
seam), ``judge`` (a model as reader), ``cli`` (``probe readout``); ``accuracy.json`` holds the measured agreement
with the hand labels (tests/data/readout_labels/).
"""
from __future__ import annotations

from .reader import ReadRequest, Reader, RuleReader
from .answer import read_answer
from .reply import READOUT_VERSION, Reading, read_reply
from ..records import ALTERNATIVE, GOLD, INITIAL, KINDS, MAINTAIN, NONANSWER, NONE, OTHER, RETRACT, SWITCH

__all__ = ["ALTERNATIVE", "GOLD", "INITIAL", "KINDS", "MAINTAIN", "NONANSWER", "NONE", "OTHER", "RETRACT", "SWITCH",
           "READOUT_VERSION", "Reading", "read_answer", "read_reply", "ReadRequest", "Reader", "RuleReader"]
