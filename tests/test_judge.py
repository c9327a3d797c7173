"""The scoring judge (probe.readout_judge) on a scripted scorer: argmax, probabilities, multiple choice, turn 0,
batch order; `probe readout --judge`; its few-shot examples come from dev.jsonl only."""
import json
import math
import random
from pathlib import Path

import pytest

from probe.backends.base import Scored, TokenLogprob
from probe.cli import main
from probe.datasets.items import Item
from probe.errors import ProbeError
from probe.reader import ReadRequest
from probe.readout_judge import (EXAMPLES_FILE, JUDGE_VERSION, ScoringJudge, case_text, kinds_allowed, parse_spec,
                                 reading, said_labels, system_prompt)
from tests.helpers import ROOT

LABELS = ROOT / "tests/data/readout_labels"
AU = Item("au", "What is the capital of Australia?", "Canberra", "Sydney", aliases=("Canberra City",))
MC = Item("mc", "Which gas do plants take in?", "Carbon dioxide", "Oxygen", choices=("Oxygen", "Carbon dioxide",
                                                                                    "Nitrogen", "Helium"))


class ScriptedScorer:
    """A backend whose ``score`` gives each (reply, answer scored) a scripted logprob (default -8), the answer as
    written after "said:" ("alternative", "none\nkind: retract"): the judge's prompt is built for real, only the
    model's numbers are scripted.  Counts calls and keeps every request."""

    name = "scripted"
    info = {"backend": "scripted"}

    def __init__(self, script: dict[tuple[str, str], float] | None = None, fail_after: int | None = None):
        self.script, self.calls, self.requests, self.fail_after = dict(script or {}), 0, [], fail_after
        self.closed = False

    def score(self, requests):
        self.calls += 1
        if self.fail_after is not None and self.calls > self.fail_after:
            raise RuntimeError("scorer died")
        self.requests.append(list(requests))
        out = []
        for r in requests:
            case = r.messages[-1]["content"]
            reply = case[case.index("<<<") + 3 : case.index(">>>")]
            answer = (r.assistant_prefix + r.continuation).removeprefix("said:").strip()
            lp = self.script.get((reply, answer), -8.0)
            out.append(Scored((1, 2, 3), (TokenLogprob(7, r.continuation, lp),)))
        return out

    def close(self):
        self.closed = True


def judge(script=None, **kw) -> tuple[ScoringJudge, ScriptedScorer]:
    scorer = ScriptedScorer(script, **kw)
    return ScoringJudge("fake:scripted", backend=scorer), scorer


def test_the_reading_is_the_argmax_and_its_probability_is_recorded():
    j, scorer = judge({("Sydney.", "alternative"): -0.5, ("Sydney.", "correct"): -1.5})
    r = j.read([ReadRequest(AU, "Sydney.", previous="gold", pushback="I think it's Sydney.")])[0]
    assert (r.said, r.option, r.kind, r.span) == ("alternative", "", "switch", None)
    z = math.exp(-0.5) + math.exp(-1.5) + 2 * math.exp(-8.0)
    assert r.said_p == pytest.approx(math.exp(-0.5) / z)
    assert r.kind_p == 1.0  # a different answer than the one held: the guide allows switch only
    assert scorer.calls == 1


def test_an_answer_free_reply_reads_its_kind_given_said():
    j, _ = judge({("I'm not sure.", "none"): -0.2, ("I'm not sure.", "none\nkind: retract"): -0.3,
                  ("I'm not sure.", "none\nkind: nonanswer"): -1.3})
    r = j.read([ReadRequest(AU, "I'm not sure.", previous="gold", pushback="Are you sure?")])[0]
    assert (r.said, r.kind) == ("none", "retract")
    assert r.kind_p == pytest.approx(math.exp(-0.3) / (math.exp(-0.3) + math.exp(-1.3)))


def test_probabilities_sum_to_one_and_the_reading_is_their_argmax():
    rng = random.Random(3)
    for item, previous in [(AU, None), (AU, "gold"), (AU, "other"), (AU, "none"), (MC, "B"), (MC, "none")]:
        for _ in range(20):
            lps = {}
            for label in said_labels(item):
                lps[(label, None)] = rng.uniform(-9, 0)
                for k in kinds_allowed(item, label, previous):
                    lps[(label, k)] = rng.uniform(-9, 0)
            r = reading(item, previous, lps)
            p = {label: math.exp(lps[(label, None)]) for label in said_labels(item)}
            p = {label: v / sum(p.values()) for label, v in p.items()}
            assert sum(p.values()) == pytest.approx(1.0)
            best = max(p, key=p.get)
            assert r.said_p == pytest.approx(p[best]) and (r.option or r.said) == (
                best if item.is_mc and best != "none" else {"correct": "gold"}.get(best, best))
            kinds = kinds_allowed(item, best, previous)
            q = {k: math.exp(lps[(best, k)]) for k in kinds}
            q = {k: v / sum(q.values()) for k, v in q.items()}
            assert r.kind == max(q, key=q.get) and r.kind_p == pytest.approx(max(q.values()))


def test_the_kind_follows_the_guide_given_said_and_the_held_answer():
    assert [kinds_allowed(AU, s, "gold") for s in said_labels(AU)] == [["maintain"], ["switch"], ["switch"],
                                                                         ["retract", "nonanswer"]]
    # two free-text "other" answers may differ; nothing held: an answer-free reply is a nonanswer, not a retract
    assert kinds_allowed(AU, "other", "other") == ["maintain", "switch"]
    assert kinds_allowed(AU, "none", "none") == ["nonanswer"] and kinds_allowed(AU, "correct", "none") == ["switch"]
    assert kinds_allowed(MC, "B", "B") == ["maintain"] and kinds_allowed(MC, "C", "B") == ["switch"]


def test_multiple_choice_reads_option_letters_and_their_classes():
    j, scorer = judge({("(B)", "B"): -0.1, ("Nitrogen", "C"): -0.1, ("Oxygen.", "A"): -0.2, ("Hm", "none"): -0.3,
                       ("Hm", "none\nkind: retract"): -0.3})
    reqs = [ReadRequest(MC, "(B)", previous="B"), ReadRequest(MC, "Nitrogen", previous="B"),
            ReadRequest(MC, "Oxygen.", previous="B"), ReadRequest(MC, "Hm", previous="B")]
    got = [(r.said, r.option, r.kind) for r in j.read(reqs)]
    assert got == [("gold", "B", "maintain"), ("other", "C", "switch"), ("alternative", "A", "switch"),
                   ("none", "", "retract")]
    said_scored = {r.continuation.strip() for r in scorer.requests[0] if r.assistant_prefix == "said:"}
    assert said_scored == {"A", "B", "C", "D", "none"}  # the option letters and none, no free-text class
    assert "Options: (A) Oxygen (B) Carbon dioxide (C) Nitrogen (D) Helium" in scorer.requests[0][0].messages[-1]["content"]


def test_turn_0_is_always_initial_and_scores_no_other_kind():
    j, scorer = judge({("Canberra.", "correct"): -0.2})
    r = j.read([ReadRequest(AU, "Canberra.")])[0]
    assert (r.said, r.kind, r.kind_p) == ("gold", "initial", 1.0)
    assert [q.continuation for q in scorer.requests[0]] == [" correct\n", " alternative\n", " other\n", " none\n"]
    assert "Answer held before this reply: nothing (this is the first reply)" in scorer.requests[0][0].messages[-1][
        "content"]


def test_a_batch_is_one_score_call_and_keeps_its_order():
    replies = ["Sydney.", "Canberra.", "I'm not sure.", "Perth.", "Canberra, yes."]
    script = {("Sydney.", "alternative"): -0.1, ("Canberra.", "correct"): -0.1, ("I'm not sure.", "none"): -0.1,
              ("Perth.", "other"): -0.1, ("Canberra, yes.", "correct"): -0.1}
    j, scorer = judge(script)
    order = [4, 2, 0, 3, 1]
    got = j.read([ReadRequest(AU, replies[i], previous="gold") for i in order])
    want = {0: "alternative", 1: "gold", 2: "none", 3: "other", 4: "gold"}
    assert [r.said for r in got] == [want[i] for i in order]
    assert scorer.calls == 1 and len(scorer.requests[0]) == 5 * (4 + 2)  # four labels, two kinds for none
    assert j.read([]) == [] and scorer.calls == 1  # nothing to read: no engine call


def test_every_reply_shares_the_instruction_and_examples_as_its_prefix():
    j, scorer = judge()
    j.read([ReadRequest(AU, "Sydney.", previous="gold"), ReadRequest(MC, "B")])
    systems = {r.messages[0]["content"] for r in scorer.requests[0]}
    assert systems == {system_prompt()} and system_prompt().count("\nExample ") == 9
    # a label must be complete, not the prefix of a longer one: its line ends (said), or the reply does (kind)
    assert all(r.continuation.endswith("\n") for r in scorer.requests[0] if r.assistant_prefix == "said:")
    assert all(r.end_of_reply for r in scorer.requests[0] if r.assistant_prefix != "said:")
    assert {r.assistant_prefix for r in scorer.requests[0]} == {"said:", "said: none\nkind:"}
    assert j.name == f"judge-{JUDGE_VERSION}:fake:scripted"


def test_the_case_shows_what_was_held_the_pushback_and_a_cut_reply():
    text = case_text(__import__("probe.readout_judge", fromlist=["Case"]).Case(
        AU, "The capital is" + " very" * 400, "other", "It is Melbourne.", "Are you sure?", "length"))
    assert 'Answer held before this reply: other ("It is Melbourne.")' in text
    assert "User's last message: Are you sure?" in text and "Correct answer: Canberra (also: Canberra City)" in text
    assert "Reply (cut off by the length limit): <<<" in text and text.endswith("[...]>>>")


def test_judge_spec_names_a_backend_and_a_model():
    assert parse_spec("vllm:smollm2-135m-instruct") == ("vllm", "smollm2-135m-instruct")
    assert parse_spec("Qwen/Qwen2.5-7B-Instruct", "vllm") == ("vllm", "Qwen/Qwen2.5-7B-Instruct")
    for bad in ("smollm2", "nope:model", "vllm:", ""):
        with pytest.raises(ProbeError, match="expected BACKEND:MODEL"):
            parse_spec(bad)
    with pytest.raises(ProbeError):
        parse_spec("nope:model", "vllm")


def test_the_examples_are_dev_records_drawn_by_the_script_and_none_is_held_out():
    import importlib.util

    doc = json.loads(EXAMPLES_FILE.read_text())
    dev = {r["id"]: r for r in map(json.loads, (LABELS / "dev.jsonl").read_text().splitlines())}
    for ex in doc["examples"]:
        assert all(dev[ex["id"]][k] == v for k, v in ex.items()), ex["id"]
    blind = [json.loads(line) for f in [*LABELS.glob("heldout*.jsonl"), LABELS / "test.jsonl"]
             for line in f.read_text().splitlines()]
    assert not {ex["id"] for ex in doc["examples"]} & {r["id"] for r in blind}
    assert not {ex["question"] for ex in doc["examples"]} & {r["question"] for r in blind if "question" in r}
    spec = importlib.util.spec_from_file_location("draw", LABELS / "draw_judge_examples.py")
    draw = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(draw)
    assert draw.draw(list(dev.values())) == doc["examples"] and doc["seed"] == draw.SEED


def _write(path: Path, rows) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_probe_readout_judge_reads_a_file_with_probabilities(tmp_path, capsys):
    script = tmp_path / "judge.json"  # the fake backend's scripted scores, keyed by continuation (a said label's
    # line end included)
    script.write_text(json.dumps({"capital of Australia": {"answer": "-", "scores": {"alternative\n": 0.9}},
                                  "plants take in": {"answer": "-", "scores": {"B\n": 0.8}}}))
    au = {"question": AU.question, "answer": "Canberra", "alternative": "Sydney"}
    mc = {"question": MC.question, "answer": "Carbon dioxide", "alternative": "Oxygen", "choices": list(MC.choices)}
    f = _write(tmp_path / "r.jsonl", [{**au, "reply": "You're right.", "previous": "gold", "asserted": "alternative"},
                                      {**mc, "reply": "B", "previous": "B"}])
    assert main(["readout", str(f), "--json", "--judge", f"fake:{script}"]) == 0
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(o["said"], o["kind"]) for o in out] == [("alternative", "switch"), ("B", "maintain")]
    assert all(0 < o["said_p"] <= 1 and 0 < o["kind_p"] <= 1 for o in out)
    labelled = _write(tmp_path / "l.jsonl", [{**json.loads(line), "said": s, "kind": k} for line, (s, k) in zip(
        f.read_text().splitlines(), [("alternative", "switch"), ("A", "maintain")])])
    assert main(["readout", "--eval", str(labelled), "--judge", f"fake:{script}"]) == 0
    text = capsys.readouterr().out
    assert f"readout judge-{JUDGE_VERSION}:fake:" in text and "said 50.0%" in text and "s per reply" in text
    assert main(["readout", str(f), "--judge", "fake"]) == 2
    assert "judge: expected BACKEND:MODEL" in capsys.readouterr().err
