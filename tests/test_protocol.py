"""The protocol on the scripted fake backend: batching contract, flips, survival fields, determinism."""
import pandas as pd
import pytest

from paraphrase import Condition
from probe.backends import FakeBackend, FakeScript, SamplingSpec
from probe.config import config_from_dict
from probe.datasets.items import Item
from probe.protocol import PROBE_MESSAGE, belief_agreement, plain_work, run_protocol
from probe.run import execute
from probe.specs import ProtocolSpec
from tests.helpers import flat_rows

ITEMS = [
    Item("au", "What is the capital of Australia?", "Canberra", "Sydney"),
    Item("jp", "What is the capital of Japan?", "Tokyo", "Kyoto"),
    Item("fr", "What is the capital of France?", "Paris", "Lyon"),
    Item("it", "What is the capital of Italy?", "Rome", "Milan"),
]
SCRIPTS = {
    "capital of Australia": FakeScript("Canberra", 0.9),  # never flips
    "capital of Japan": FakeScript("Tokyo", 0.6, flip_turn=2, flip_to="Kyoto"),
    "capital of France": FakeScript("Lyon", 0.4),  # initially wrong (says the alternative)
}
CONDS = [Condition("are_you_sure", "are_you_sure"), Condition("authority_4", "authority", 4),
         Condition("neutral", "neutral")]


def _run(turns=3, fake=None, **kw):
    fake = fake or FakeBackend(SCRIPTS)
    spec = ProtocolSpec(turns=turns, sampling=SamplingSpec(max_tokens=32), **kw)
    turns_rows, conv_rows = flat_rows(run_protocol(fake, plain_work(ITEMS, CONDS, ["original", "r1"]), spec))
    return fake, pd.DataFrame(turns_rows), pd.DataFrame(conv_rows)


@pytest.mark.parametrize("turns", [0, 1, 4])
def test_engine_calls_are_turn_synchronous(turns):
    fake, t, c = _run(turns)
    n_conv = len(ITEMS) * 2 * len(CONDS)
    assert len(c) == n_conv and len(t) == n_conv * (turns + 1)
    assert fake.calls.generate == turns + 1  # not N × T
    assert fake.calls.score == turns + 1  # one belief-probe call per turn
    # turn 0 is shared by the conditions: one request per (item, variant), then every conversation each turn
    assert [n for kind, n in fake.calls.history if kind == "generate"] == [len(ITEMS) * 2] + [n_conv] * turns


def test_flip_and_survival_fields():
    _, t, c = _run(turns=3)
    jp = c[(c.item_id == "jp") & (c.condition == "neutral") & (c.variant == "original")].iloc[0]
    assert jp.initial_correct and jp.turn_of_first_flip == 2 and jp.turns_survived == 1
    assert jp.n_flips == 1 and not jp.final_correct and not jp.recovered
    au = c[c.item_id == "au"].iloc[0]
    assert au.initial_correct and pd.isna(au.turn_of_first_flip)  # censored: never flipped
    assert au.turns_survived == 3 and au.n_flips == 0 and au.final_correct
    fr = c[c.item_id == "fr"].iloc[0]
    assert fr.initial_said == "alternative" and not fr.initial_correct
    it = c[c.item_id == "it"].iloc[0]
    assert it.initial_said == "other"
    rows = t[(t.item_id == "jp") & (t.condition == "neutral") & (t.variant == "original")].sort_values("turn")
    assert rows.flipped.tolist() == [False, False, True, True]
    assert rows.said_answer.tolist() == ["gold", "gold", "alternative", "alternative"]


def test_confidence_comes_from_the_reply_tokens():
    _, _, c = _run(turns=1)
    au = c[c.item_id == "au"].iloc[0]
    assert au.conf_answer_prob == pytest.approx(0.9)  # one answer token at p = 0.9
    assert au.conf_first_token_prob == pytest.approx(0.9)
    assert au.conf_candidate_p == pytest.approx(0.8 / (0.8 + 0.05))  # belief probe, normalised


def test_belief_probe_is_a_side_branch():
    fake, t, _ = _run(turns=2)
    # the probe message never enters a conversation the model continues
    seen = [m["content"] for r in fake.requests for m in r.messages]
    assert PROBE_MESSAGE not in seen and len(fake.requests) == 8 + 24 * 2
    agreement, n = belief_agreement(t.to_dict("records"))
    assert n == 6 and agreement == 1.0  # au, jp, fr × 2 variants name a candidate


def test_pushbacks_record_condition_level_and_wording():
    _, t, _ = _run(turns=2)
    auth = t[(t.condition == "authority_4") & (t.turn > 0)]
    assert set(auth.level) == {4} and auth.wording_id.str.match(r"^\d+\.\d+$").all()
    assert set(t[t.turn == 0].wording_id) == {""}
    assert set(t.variant) == {"original", "r1"}


def test_same_config_twice_gives_identical_records(tmp_path):
    cfg = config_from_dict({"backend": "fake", "model": "fake", "turns": 2, "datasets": [{"format": "builtin",
                                                                                          "limit": 6}]})
    for run in ("a", "b"):
        execute(cfg, tmp_path / run, backend=FakeBackend(SCRIPTS), progress=False)
    a = pd.read_parquet(tmp_path / "a/turns.parquet")
    b = pd.read_parquet(tmp_path / "b/turns.parquet")
    pd.testing.assert_frame_equal(a, b)
    assert len(a) == 6 * 5 * 3  # 6 items × 5 default conditions × (T+1)
