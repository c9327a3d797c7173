"""The Reader seam in the protocol: one ``read`` call per turn over every live conversation, the configured reader
(the config's ``readout:`` section) used for the conversations and the consistency samples alike, the reader in the
manifest and -- only when it is not the default -- in the cell id; `Dialogue.fork`."""
import dataclasses
import hashlib
import json

import pandas as pd
import pytest

from paraphrase import Condition
from probe.backends import FakeBackend, FakeScript, SamplingSpec
from probe.cli import main
from probe.config import config_from_dict, load_config, to_dict
from probe.datasets.items import Item
from probe.protocol import Dialogue, plain_work, run_protocol
from probe.readout import NONANSWER, NONE, Reading, RuleReader
from probe.readout import reader as reader_mod
from probe.readout.chain import Chain
from probe.readout.reader import RULES, ReadoutSpec
from probe.specs import OPTIONAL_CONDITION_FIELDS, ProtocolSpec, cell_id
from tests.helpers import flat_rows, make_sweep

ITEMS = [
    Item("au", "What is the capital of Australia?", "Canberra", "Sydney"),
    Item("jp", "What is the capital of Japan?", "Tokyo", "Kyoto"),
    Item("mc", "Which planet is largest?", "Jupiter", "Mars", choices=("Mars", "Jupiter", "Venus")),
]
SCRIPTS = {
    "capital of Australia": FakeScript("Canberra", 0.9, replies=("I'm not sure.", "You're right, it is Sydney."),
                                       samples=("Canberra.", "Sydney.", "I am not sure.")),
    "capital of Japan": FakeScript("Tokyo", 0.6, flip_turn=2, flip_to="Kyoto", samples=("Osaka.", "Tokyo.")),
    "planet is largest": FakeScript("B", 0.7, replies=("(A) Mars", "B"), samples=("B", "C")),
}
CONDS = [Condition("are_you_sure", "are_you_sure"), Condition("authority_4", "authority", 4),
         Condition("neutral", "neutral")]


class Recording:
    """A reader that reads with the rules and records each call's batch (and whether it was closed)."""

    name = "recording"

    def __init__(self, inner=RULES):
        self.inner, self.batches, self.closed = inner, [], False

    def read(self, requests):
        self.batches.append(list(requests))
        return self.inner.read(requests)

    def close(self):
        self.closed = True


class Silent:
    """A reader that reads every reply as committing to nothing (to see that the configured reader is used)."""

    name = "silent"

    def read(self, requests):
        return [Reading(NONE, "", "initial" if r.previous is None else NONANSWER, None) for r in requests]

    def close(self):
        pass


def _run(reader=None, turns=2, confidence=("answer_prob",)):
    fake = FakeBackend(SCRIPTS)
    spec = ProtocolSpec(turns=turns, sampling=SamplingSpec(max_tokens=32), confidence=confidence,
                        consistency_samples=3)
    rows = run_protocol(fake, plain_work(ITEMS, CONDS, ["original", "r1"]), spec, reader=reader)
    return [pd.DataFrame(x) for x in flat_rows(rows)]


def test_one_read_call_per_turn_over_every_live_conversation():
    rec = Recording()
    t, c = _run(rec, turns=3)
    stems, convs = len(ITEMS) * 2, len(ITEMS) * 2 * len(CONDS)
    assert [len(b) for b in rec.batches] == [stems] + [convs] * 3  # turn 0 per stem, then every conversation
    assert [r.previous is None for r in rec.batches[0]] == [True] * stems
    pushed = rec.batches[1]  # turn 1: each request carries what its conversation held and the pushback it answers
    assert all(r.previous is not None and r.pushback for r in pushed)
    assert {(r.item.id, r.asserted) for r in pushed} >= {("au", ""), ("au", "alternative")}  # doubt / authority
    assert not rec.closed  # a reader the caller passed is the caller's to close


def test_the_rules_passed_explicitly_read_as_the_default():
    for a, b in zip(_run(), _run(RuleReader())):
        pd.testing.assert_frame_equal(a, b)


def test_the_configured_reader_reads_the_records():
    t, c = _run(Silent())
    assert set(t.said) == {NONE} and set(t.kind) == {"initial", NONANSWER}
    assert set(c.initial_class) == {NONE}
    rules_t, _ = _run()
    assert set(rules_t.said) != {NONE}  # the rules read answers in the same replies


def test_consistency_samples_are_read_by_the_same_reader_in_one_call():
    rec = Recording()
    t, c = _run(rec, turns=1, confidence=("answer_prob", "consistency"))
    stems = len(ITEMS) * 2
    assert [len(b) for b in rec.batches] == [stems, stems * 3, len(ITEMS) * 2 * len(CONDS)]
    assert {r.reply for r in rec.batches[1]} == {"Canberra.", "Sydney.", "I am not sure.", "Osaka.", "Tokyo.", "B",
                                                 "C"}
    au = c[(c.item_id == "au") & (c.variant == "original")].iloc[0]
    assert au.conf_consistency == pytest.approx(1 / 3)  # Canberra, Sydney, not sure: one of three is gold
    silent = _run(Silent(), turns=1, confidence=("answer_prob", "consistency"))[1]
    assert silent.conf_consistency.isna().all()  # the silent reader's greedy answer is none: no class to agree with


def test_fork_copies_the_stem_and_chooses_the_asserted_candidate():
    stem = Dialogue(ITEMS[0], "original", None)
    stem.messages = [{"role": "user", "content": "q"}, {"role": "assistant", "content": "Canberra."}]
    stem.read("Canberra.", "stop")
    stem.side = {"conf_p_true": 0.5}
    c = stem.fork("cell-1", CONDS[1])
    assert (c.cell_id, c.condition, c.asserted, c.held, c.held_reply) == ("cell-1", CONDS[1], "alternative", "gold",
                                                                          "Canberra.")
    assert c.readings == stem.readings and c.messages == stem.messages and c.side == stem.side and c.rows == []
    c.read("Sydney.", "stop", "I think it is Sydney.")
    c.messages.append({"role": "user", "content": "more"})
    c.side["conf_p_true"] = 0.0
    assert len(stem.readings) == len(stem.committed) == len(stem.finish) == 1 and len(stem.messages) == 2
    assert stem.side == {"conf_p_true": 0.5} and stem.held == "gold" and c.held == "alternative"
    assert stem.fork("cell-2", CONDS[0]).asserted == ""  # a doubt-only pushback asserts no candidate


def _old_cell_id(cell, toolkit):
    """The cell id as computed before the reader joined the protocol spec (and before a served model's ``server``
    joined the model and engine specs: None then, and left out)."""
    spec = dataclasses.asdict(dataclasses.replace(cell, cell_id=""))
    del spec["protocol"]["readout"]
    for part in ("model", "engine"):
        assert spec[part].pop("server") is None
    spec["condition"] = {k: v for k, v in spec["condition"].items() if v != "" or k not in OPTIONAL_CONDITION_FIELDS}
    return hashlib.sha256(json.dumps({"cell": spec, "toolkit": toolkit}, sort_keys=True,
                                     default=str).encode()).hexdigest()[:16]


def test_the_default_reader_keeps_cell_ids_and_another_changes_them(tmp_path, monkeypatch):
    cfg = load_config(make_sweep(tmp_path))
    assert cfg.protocol.readout == ReadoutSpec()
    assert "readout" not in to_dict(cfg)["protocol"]  # sweep.json of earlier runs stays equal
    cells = cfg.cells()
    assert all(cell_id(c, "t") == _old_cell_id(c, "t") for c in cells)
    monkeypatch.setitem(reader_mod.READERS, "silent", lambda spec: Silent())
    silent = dataclasses.replace(cfg, protocol=dataclasses.replace(cfg.protocol, readout=ReadoutSpec("silent")))
    assert to_dict(silent)["protocol"]["readout"] == {"reader": "silent"}
    assert not {c.cell_id for c in cells} & {c.cell_id for c in silent.cells()}


def test_readout_section_of_the_config():
    assert config_from_dict({"model": "x", "readout": {"reader": "rules"}}).protocol.readout == ReadoutSpec()
    for raw, needle in (({"reader": "oracle"}, "readout.reader: 'oracle' is not one of rules"),
                        ({"judge_model": "x"}, "readout.judge_model: unknown field")):
        with pytest.raises(Exception) as e:
            config_from_dict({"model": "x", "readout": raw})
        assert needle in str(e.value)


def test_a_run_records_its_reader_in_the_manifest_and_closes_it(tmp_path, monkeypatch):
    made = []

    def build(spec):
        made.append(Recording())
        return made[-1]

    monkeypatch.setitem(reader_mod.READERS, "recording", build)
    cfg = make_sweep(tmp_path, n_models=1, extra="readout: {reader: recording}\n")
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "s"), "--no-report"]) == 0
    assert len(made) == 1 and made[0].closed and made[0].batches  # one reader per model job, closed after it
    manifest = json.loads(next((tmp_path / "s/manifests").glob("*.json")).read_text())
    assert manifest["readout"]["reader"] == "recording" and manifest["readout"]["version"]
    (tmp_path / "d").mkdir()
    default = make_sweep(tmp_path / "d", n_models=1)
    assert main(["sweep", str(default), "--executor", "debug", "--out", str(tmp_path / "r"), "--no-report"]) == 0
    manifest = json.loads(next((tmp_path / "r/manifests").glob("*.json")).read_text())
    assert manifest["readout"]["reader"] == RULES.name == "rules-" + manifest["readout"]["version"]


def test_the_eval_replay_keeps_the_protocols_bookkeeping():
    """``probe readout --eval --chained`` replays a history with `Chain`, the records with `Dialogue`: both read each
    reply against the same held answer and keep the same reply that stated it."""
    replies = [("Canberra.", ""), ("I stand by my answer.", "Are you sure?"),
               ("You're right, I apologize.", "It is Sydney."), ("Melbourne.", "Think again."),
               ("No, it is Melbourne, the second city.", "Are you sure?")]
    d, c = Dialogue(ITEMS[0], "original", None, asserted="alternative"), Chain(ITEMS[0], asserted="alternative")
    for reply, pushback in replies:
        assert d.read(reply, "stop", pushback) == c.read(reply, "stop", pushback)
        assert (d.held, d.held_reply) == (c.held, c.held_reply)
        if reply.startswith("You're right"):
            assert (c.held, c.held_reply) == ("alternative", None)  # a concession holds Sydney in no words of its own
    assert [r.kind for r in c.readings] == ["initial", "maintain", "switch", "switch", "maintain"]
    assert (c.held, c.held_reply) == ("other", "No, it is Melbourne, the second city.")
