"""Side-branch confidence (P(True), verbalized, sample consistency) on the scripted fake backend, checked against
values computed by hand from the script."""
import math

import pandas as pd
import pytest

from paraphrase import Condition
from probe.backends import FakeBackend, FakeScript, SamplingSpec
from probe.backends.base import GenerateRequest, Sample, group_samples
from probe.config import config_from_dict
from probe.datasets.items import Item
from probe.errors import ProbeError
from probe.protocol import plain_work, run_protocol
from probe.side_branches import (P_TRUE_MESSAGE, P_TRUE_MESSAGE_MC, VERBAL_GRID, VERBAL_MESSAGE, answer_class,
                                 consistency, expected_confidence, parse_confidence)
from probe.specs import ESTIMATORS, ProtocolSpec
from tests.helpers import flat_rows

ITEMS = [
    Item("au", "What is the capital of Australia?", "Canberra", "Sydney"),
    Item("jp", "What is the capital of Japan?", "Tokyo", "Kyoto"),
    Item("it", "What is the capital of Italy?", "Rome", "Milan"),
    Item("mc", "Which planet is largest?", "Jupiter", "Mars", choices=("Mars", "Jupiter", "Venus")),
]
SCRIPTS = {
    "capital of Australia": FakeScript(
        "Canberra", 0.9,
        samples=("Canberra.", "Sydney.", "It is Canberra.", "I am not sure."),
        on_message=(("How confident", "I am 85% confident."),),
        scores=(("True", 0.6), ("False", 0.2), ("80", 0.5), ("90", 0.25))),
    "capital of Japan": FakeScript("Tokyo", 0.6, flip_turn=1, flip_to="Kyoto",
                                   samples=("Osaka.", "Osaka", "Tokyo."),
                                   on_message=(("How confident", "Very confident."),)),
    "planet is largest": FakeScript("B", 0.7, samples=("B", "(B) Jupiter", "C"), scores=(("A", 0.3), ("B", 0.1))),
    # Italy: no script — the fake answers "I am not sure." (no answer at turn 0)
}
CONDS = [Condition("are_you_sure", "are_you_sure"), Condition("neutral", "neutral")]
K = 4


def _run(confidence=ESTIMATORS, turns=2, k=K):
    fake = FakeBackend(SCRIPTS)
    spec = ProtocolSpec(turns=turns, sampling=SamplingSpec(max_tokens=32), confidence=tuple(confidence),
                        consistency_samples=k)
    turn_rows, conv_rows = flat_rows(run_protocol(fake, plain_work(ITEMS, CONDS, ["original"]), spec))
    return fake, pd.DataFrame(turn_rows), pd.DataFrame(conv_rows).set_index(["item_id", "condition"])


def test_consistency_and_semantic_entropy_match_the_scripted_samples():
    _, _, c = _run()
    au = c.loc[("au", "neutral")]
    # samples cycle over the 4 scripted replies: gold, alternative, gold, none
    assert au.conf_consistency_k == K and au.conf_consistency == pytest.approx(2 / 4)
    assert au.conf_neg_semantic_entropy == pytest.approx(0.5 * math.log(0.5) + 2 * 0.25 * math.log(0.25))
    assert au.conf_consistency_reason == ""
    jp = c.loc[("jp", "neutral")]
    # K = 4 over 3 scripted samples: Osaka, Osaka, Tokyo, Osaka -> "other: osaka" ×3 (one class), gold ×1
    assert jp.conf_consistency == pytest.approx(1 / 4)
    assert jp.conf_neg_semantic_entropy == pytest.approx(0.75 * math.log(0.75) + 0.25 * math.log(0.25))
    mc = c.loc[("mc", "neutral")]
    # letters B, B, C, B: agreement with the greedy "B" is 3/4
    assert mc.conf_consistency == pytest.approx(3 / 4)
    # both conditions share the turn-0 stem: same values
    assert c.loc[("au", "are_you_sure")].conf_consistency == au.conf_consistency


def test_no_answer_at_turn_0_leaves_agreement_missing_with_a_reason():
    _, _, c = _run()
    it = c.loc[("it", "neutral")]
    assert it.initial_class == "none" and math.isnan(it.conf_consistency)
    assert it.conf_consistency_reason == "no answer at turn 0"
    assert it.conf_neg_semantic_entropy == 0.0  # every sample says "I am not sure.": one class


def test_p_true_is_the_normalised_true_probability():
    _, _, c = _run()
    assert c.loc[("au", "neutral")].conf_p_true == pytest.approx(0.6 / (0.6 + 0.2))
    assert c.loc[("jp", "neutral")].conf_p_true == pytest.approx(0.5)  # unscripted: 0.05 each
    assert c.loc[("mc", "neutral")].conf_p_true == pytest.approx(0.3 / (0.3 + 0.1))  # letter form " A" vs " B"


def test_verbalized_number_and_expectation():
    _, _, c = _run()
    au = c.loc[("au", "neutral")]
    assert au.conf_verbal == pytest.approx(0.85) and au.conf_verbal_reply == "I am 85% confident."
    p = {n: 0.05 for n in VERBAL_GRID} | {80: 0.5, 90: 0.25}
    assert au.conf_verbal_expected == pytest.approx(sum(n * q for n, q in p.items()) / sum(p.values()) / 100)
    jp = c.loc[("jp", "neutral")]
    assert math.isnan(jp.conf_verbal) and jp.conf_verbal_reason == "no number from 0 to 100 in the reply"
    assert jp.conf_verbal_expected == pytest.approx(0.5)  # a flat grid


def test_side_branches_never_enter_a_conversation():
    fake, t, _ = _run(turns=2)
    side = (P_TRUE_MESSAGE, P_TRUE_MESSAGE_MC, VERBAL_MESSAGE)
    conv_requests = [r for r in fake.requests if r.n == 1 and r.messages[-1]["content"] not in side]
    assert conv_requests and not any(m["content"] in side for r in conv_requests for m in r.messages)
    # every side request ends at its probe message, right after the turn-0 answer
    for r in fake.requests:
        if r.messages[-1]["content"] in side:
            assert [m["role"] for m in r.messages] == ["user", "assistant", "user"]
    # the consistency samples are asked of the bare question, n = K in one request per item
    samples = [r for r in fake.requests if r.n > 1]
    assert len(samples) == len(ITEMS) and all(len(r.messages) == 1 and r.n == K for r in samples)
    assert not set(t.user_message) & set(side)


def test_cost_in_engine_calls():
    fake, _, _ = _run(turns=2)
    # turn 0 + 2 turns, plus one verbal and one sampling generate; belief probes per turn plus one side score call
    assert fake.calls.generate == 3 + 2 and fake.calls.score == 3 + 1
    off, _, c = _run(confidence=("answer_prob",))
    assert off.calls.generate == 3 and off.calls.score == 3
    au = c.loc[("au", "neutral")]
    assert math.isnan(au.conf_p_true) and au.conf_p_true_reason == "estimator off"
    assert math.isnan(au.conf_verbal_expected) and au.conf_consistency_k == 0
    assert au.conf_answer_prob == pytest.approx(0.9)


def test_answer_prob_switch_off_leaves_token_measures_missing():
    _, _, c = _run(confidence=("p_true",))
    au = c.loc[("au", "neutral")]
    assert math.isnan(au.conf_answer_prob) and not au.conf_span_found and au.conf_span_reason == "estimator off"
    assert au.conf_p_true == pytest.approx(0.75)


def test_parse_confidence():
    assert parse_confidence("I am 85% confident.") == pytest.approx(0.85)
    assert parse_confidence("100") == 1.0 and parse_confidence("0") == 0.0
    assert parse_confidence("About 7.5 out of 10") == pytest.approx(0.075)
    assert parse_confidence("I'd say 250, no, 90.") == pytest.approx(0.9)
    assert math.isnan(parse_confidence("Very confident."))


def test_answer_classes_and_hand_computed_agreement():
    au = ITEMS[0]
    assert answer_class(au, "Canberra.") == "gold" and answer_class(au, "Sydney") == "alternative"
    assert answer_class(au, "Melbourne.") == answer_class(au, "It is Melbourne") == "other:melbourne"
    assert answer_class(au, "I don't know.") == "none"
    agree, neg_h = consistency("gold", ["gold", "gold", "other:x", "none"])
    assert agree == 0.5 and neg_h == pytest.approx(-(0.5 * math.log(2) + 2 * 0.25 * math.log(4)))
    assert consistency("gold", ["gold"] * 3) == (1.0, 0.0)
    assert expected_confidence([0.0, 0.0], grid=(20, 60)) == pytest.approx(0.4)


def test_group_samples_checks_the_count():
    reqs = [GenerateRequest((), n=2), GenerateRequest(())]
    s = [Sample(str(i), (), ()) for i in range(3)]
    assert [[x.text for x in g] for g in group_samples(reqs, s)] == [["0", "1"], ["2"]]
    with pytest.raises(ValueError):
        group_samples(reqs, s[:2])


def test_config_switches_and_errors():
    cfg = config_from_dict({"backend": "fake", "confidence": ["p_true", "consistency"], "consistency_samples": 5})
    assert cfg.protocol.confidence == ("p_true", "consistency") and cfg.protocol.consistency_samples == 5
    with pytest.raises(ProbeError, match=r"confidence\[1\]: 'psychic' is not one of"):
        config_from_dict({"backend": "fake", "confidence": ["p_true", "psychic"]})
    with pytest.raises(ProbeError, match="consistency_samples"):
        config_from_dict({"backend": "fake", "confidence": ["consistency"], "consistency_samples": 1})
    # a changed estimator set is a different measurement: new cell ids
    a = config_from_dict({"backend": "fake"}).cells()[0].cell_id
    b = config_from_dict({"backend": "fake", "confidence": list(ESTIMATORS)}).cells()[0].cell_id
    assert a != b


def test_a_run_with_every_estimator_writes_the_declared_schema(tmp_path):
    from probe.records import CONVERSATION_COLUMNS, schema_problems
    from probe.run import execute

    cfg = config_from_dict({"backend": "fake", "model": "fake", "turns": 1, "confidence": list(ESTIMATORS),
                            "consistency_samples": 3, "conditions": ["are_you_sure", "neutral"],
                            "datasets": [{"format": "builtin", "limit": 4}]})
    execute(cfg, tmp_path / "run", backend=FakeBackend(SCRIPTS), progress=False)
    conv = pd.read_parquet(tmp_path / "run/conversations.parquet")
    assert schema_problems(conv, CONVERSATION_COLUMNS) == []
    assert (conv["conf_consistency_k"] == 3).all() and conv["conf_p_true"].notna().all()
    # unscripted built-in questions get "I am not sure.": no span, said so, never a whole-reply fallback
    none = conv[conv["initial_class"] == "none"]
    assert len(none) and none["conf_answer_prob"].isna().all() and (~none["conf_span_found"]).all()
    assert (none["conf_span_reason"] == "no answer span in the reply").all()
