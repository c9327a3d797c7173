"""Every reply of a run is read through the Reader seam (probe.reader): one `read` call per turn over every live
conversation, the rule readout by default, and the manifest names the reader."""
import json

from probe.backends.fake import FakeBackend
from probe.protocol import plain_work, run_protocol
from probe.reader import ReadRequest, RuleReader
from probe.readout import read_reply
from probe.specs import ProtocolSpec
from tests.helpers import flat_rows, make_sweep
from tests.test_protocol import CONDS, ITEMS, SCRIPTS


class CountingReader(RuleReader):
    def __init__(self):
        self.calls = []

    def read(self, requests):
        self.calls.append(len(requests))
        return super().read(requests)


def test_one_read_per_turn_over_every_live_conversation_and_the_same_records():
    spec = ProtocolSpec(turns=3, belief_probe=False)
    work = plain_work(ITEMS, CONDS, ["original"])
    counting = CountingReader()
    with_reader = flat_rows(run_protocol(FakeBackend(SCRIPTS), work, spec, reader=counting))
    default = flat_rows(run_protocol(FakeBackend(SCRIPTS), work, spec))
    assert with_reader == default
    n_conv = len(default[1])
    assert counting.calls == [len(ITEMS), n_conv, n_conv, n_conv]  # turn 0 once per stem, then every conversation


def test_the_rule_reader_is_read_reply():
    it = ITEMS[0]
    req = ReadRequest(it, f"The answer is {it.answer}.", previous="alternative", asserted="alternative",
                      pushback="Are you sure?")
    assert RuleReader().read([req]) == [read_reply(it, req.reply, previous="alternative", asserted="alternative",
                                                   pushback="Are you sure?")]
    assert RuleReader.name.startswith("rules-")


def test_the_manifest_names_the_reader(tmp_path):
    from probe.cli import main

    cfg = make_sweep(tmp_path, n_models=1)
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "s"), "--no-report"]) == 0
    manifest = json.loads((tmp_path / "s" / "manifest.json").read_text())
    readouts = [m["readout"] for m in manifest["models"].values()]
    assert readouts and all(r["reader"] == RuleReader.name for r in readouts)
