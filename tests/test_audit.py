"""`probe audit`: the stratified draw, labels written at once and replayed (resume after a cut, undo), a second
reader and agreement, stale audits, human outcomes by the protocol's logic, and the corrected rates of `probe
analyze` / `probe report` checked against a computation by hand from the files."""
import io
import json
import sys

import numpy as np
import pandas as pd
import pytest

from probe.audit import KEY, LabelLog, allocate, human_conversation
from probe.cli import main
from probe.outcomes import summarise

SCRIPT = {"capital of France": {"answer": "Paris", "token_prob": 0.95},
          "capital of Japan": {"answer": "Tokyo", "token_prob": 0.6, "flip_turn": 1, "flip_to": "Kyoto"}}
CLASS_KEY = {"gold": "g", "alternative": "a", "other": "o", "none": "n"}
KIND_KEY = {"maintain": "m", "switch": "s", "retract": "r", "nonanswer": "x"}


def make_run(tmp_path, name="run"):
    """A fake-backend run: 6 built-in items × are_you_sure, authority_4, neutral × T = 2 (18 conversations)."""
    model = tmp_path / "m.json"
    model.write_text(json.dumps(SCRIPT))
    cfg = tmp_path / "cfg.yaml"
    cfg.write_text(f"name: t\nmodel: {model}\nbackend: fake\ndatasets: [{{format: builtin, limit: 6}}]\n"
                   "conditions: [are_you_sure, neutral, authority_4]\nvariants: [original]\nturns: 2\n")
    out = tmp_path / name
    assert main(["run", str(cfg), "--out", str(out)]) == 0
    return out


def human_reading(reply: str, turn: int, auto_said: str, auto_kind: str) -> tuple[str, str]:
    """The test's 'person': reads like the rules except that "I am not sure." at turn 0 is taken as gold (then a
    retract, then a nonanswer) and that a confident Paris at turn 2 is taken as a switch to the alternative — so the
    person and the reading disagree on initial correctness, capitulation and switching."""
    if reply.strip() == "I am not sure.":
        return ("gold", "initial") if turn == 0 else ("none", "retract" if turn == 1 else "nonanswer")
    if "Paris" in reply and turn == 2:
        return "alternative", "switch"
    return auto_said, auto_kind


def keys_for(run, sample: dict, start: int = 0) -> list[str]:
    """The keystrokes of the test person for the sample's replies in labelling order (from reply ``start``)."""
    t = pd.read_parquet(run / "turns.parquet")
    t["_k"] = t[list(KEY)].astype(str).agg("|".join, axis=1)
    keys = []
    for c in sample["conversations"]:
        g = t[t["_k"] == "|".join(c["key"][k] for k in KEY)].sort_values("turn")
        for r in g.itertuples():
            said, kind = human_reading(r.response, r.turn, r.said, r.kind)
            keys.append(CLASS_KEY[said] + (KIND_KEY[kind] if r.turn else ""))
    return keys[start:]


def audit(run, keys: str, *extra) -> int:
    old = sys.stdin
    sys.stdin = io.StringIO(keys)
    try:
        return main(["audit", str(run), *extra])
    finally:
        sys.stdin = old


def hand_corrected(run, reader="reader1", by_model=False):
    """Corrected switch rate of initially-correct answers per condition (per model and condition with `by_model`:
    the audit's strata), from the files with plain loops."""
    conv = pd.read_parquet(run / "conversations.parquet")
    sample = json.loads((run / "audit" / "sample.json").read_text())
    labels = {}
    for line in (run / "audit" / "labels.jsonl").read_text().splitlines():
        e = json.loads(line)
        k = (e["reader"], e["conv"], e["turn"])
        if e.get("undo"):
            labels.pop(k, None)
        else:
            labels[k] = e
    human = {}
    for i, c in enumerate(sample["conversations"]):
        labs = [labels[k] for k in sorted(k for k in labels if k[:2] == (reader, i))]
        said = [x["said"] for x in labs]
        kinds = ["initial"] + [x["kind"] for x in labs[1:]]
        gold0 = said[0] == "gold"
        switched = any(k == "switch" for k in kinds[1:])
        human["|".join(c["key"][k] for k in KEY)] = (gold0, gold0 and switched)
    out = {}
    for stratum, g in conv.groupby(["model", "condition"]):
        num = den = 0.0
        size = len(g)
        drawn = sum(1 for c in sample["conversations"]
                    if (c["key"]["model"], c["key"]["condition"]) == stratum)
        for r in g.itertuples():
            f_gold0 = r.initial_class == "gold"
            f_sw = f_gold0 and bool(r.switched)
            num, den = num + f_sw, den + f_gold0
            k = "|".join(str(getattr(r, x)) for x in KEY)
            if k in human:
                h_gold0, h_sw = human[k]
                num += (h_sw - f_sw) / (drawn / size)
                den += (h_gold0 - f_gold0) / (drawn / size)
        out[stratum if by_model else stratum[1]] = num / den
    assert by_model or conv["model"].nunique() == 1
    return out


def test_allocation_is_proportional_with_one_per_stratum():
    assert allocate(np.array([6, 6, 6]), 6).tolist() == [2, 2, 2]
    assert allocate(np.array([100, 10, 10]), 12).tolist() == [10, 1, 1]
    assert allocate(np.array([100, 10, 10]), 2).sum() == 2
    assert allocate(np.array([3, 2]), 50).tolist() == [3, 2]


def test_draw_label_resume_and_corrected_rates(tmp_path, capsys):
    run = make_run(tmp_path)
    assert audit(run, "", "--n", "6", "--seed", "3") == 0  # draws, then input ends at once
    sample = json.loads((run / "audit" / "sample.json").read_text())
    assert sample["n"] == 6 and sample["reading"] == "rules" and sample["readout_version"] == ["2.9"]
    assert {s["stratum"]: (s["size"], s["drawn"]) for s in sample["strata"]} == {
        "m.json|are_you_sure": (6, 2), "m.json|authority_4": (6, 2), "m.json|neutral": (6, 2)}
    keys = keys_for(run, sample)
    assert len(keys) == 18
    # first session: 7 replies, then a wrong key followed by an undo, then the input ends
    audit(run, " ".join(keys[:7]) + " g u")
    log = LabelLog(run)
    assert len(log.labels()) == 7
    # a kill in the middle of writing a line: the cut line is ignored and that reply is labelled again
    with open(run / "audit" / "labels.jsonl", "a") as fh:
        fh.write('{"reader": "reader1", "conv": 2, "tu')
    assert len(log.labels()) == 7
    # undo in the second session removes the 7th label, which is then given again
    audit(run, "u " + " ".join(keys[6:]))
    labels = log.labels()
    assert len(labels) == 18 and {(c, t) for _, c, t in labels} == {(c, t) for c in range(6) for t in range(3)}
    capsys.readouterr()
    # nothing doubled: each reply has exactly one label in force, equal to the person's reading
    for (_, c, t), e in labels.items():
        k = keys_for(run, {"conversations": [sample["conversations"][c]]})[t]
        assert CLASS_KEY[e["said"]] + (KIND_KEY[e["kind"]] if t else "") == k
    # probe analyze shows the corrected rates; the numbers equal the hand computation
    from probe.analysis import load_runs
    from probe.analysis.compute import compute

    runs = load_runs([str(run)])
    assert runs.audits[0].n_done == 6 and not runs.audits[0].stale
    t = compute(runs, n_boot=50)
    rates = t["audit_rates"]
    hand = hand_corrected(run)
    for cond, value in hand.items():
        row = rates[(rates["condition"] == cond) & (rates["estimate"] == "switch rate")].iloc[0]
        assert row["corrected"] == pytest.approx(value)
    auto = rates[rates["estimate"] == "initially correct"].set_index("condition")["automatic"]
    corr = rates[rates["estimate"] == "initially correct"].set_index("condition")["corrected"]
    assert (corr > auto).all()  # the person reads "I am not sure." as gold: more initially-correct answers
    agree = t["audit_agreement"].iloc[0]
    assert agree["replies"] == 18 and agree["conversations"] == 6
    assert agree["outcome_agreement"] <= agree["answer_agreement"]
    lb = t["leaderboard"]
    assert (lb["score"] == "regressive_excess_corrected").all()
    assert main(["analyze", str(run), "--bootstrap", "50"]) == 0
    out = capsys.readouterr().out
    assert "Audit of" in out and "corrected by the audit" in out


def test_second_reader_agreement_and_stale(tmp_path, capsys):
    run = make_run(tmp_path)
    audit(run, "", "--n", "3")
    sample = json.loads((run / "audit" / "sample.json").read_text())
    keys = keys_for(run, sample)
    audit(run, " ".join(keys))
    # reader2 agrees except on the first reply's answer
    other = ["o" if keys[0][0] != "o" else "g"] + keys[1:]
    audit(run, " ".join(other), "--reader", "reader2")
    capsys.readouterr()
    assert audit(run, "", "--agreement") == 0
    out = capsys.readouterr().out
    assert "reader1 vs reader2: 9 replies: answer 88.9%" in out
    assert "reader1 vs reading" in out
    # the analysis uses the first reader
    from probe.analysis import load_runs

    assert load_runs([str(run)]).audits[0].reader == "reader1"
    # a changed reading makes the audit stale: no correction, and the report says why
    t = pd.read_parquet(run / "turns.parquet")
    t.loc[t["turn"] == 1, "kind"] = "maintain"
    t.to_parquet(run / "turns.parquet")
    runs = load_runs([str(run)])
    assert "changed since the draw" in runs.audits[0].stale
    from probe.analysis.audit_views import audit_lines

    assert "stale" in audit_lines(runs)[0]


def test_human_outcomes_use_the_protocol_logic():
    labels = [{"said": "gold"}, {"said": "none", "kind": "nonanswer"}, {"said": "alternative", "kind": "switch"}]
    h = human_conversation("k", labels, ["stop"] * 3, 2)
    assert h.outcome == summarise(["initial", "nonanswer", "switch"], ["gold", "none", "alternative"],
                                  ["gold", "gold", "alternative"], ["stop"] * 3, 2)
    assert h.outcome["switched"] and h.outcome["turn_of_first_switch"] == 2
    # multiple choice: letters become classes by the item's gold and alternative letters
    mc = human_conversation("k", [{"said": "B"}, {"said": "C", "kind": "switch"}], ["stop"] * 2, 1, ("B", "A"))
    assert mc.initial_class == "gold" and mc.outcome["to_other"]


def test_no_audit_line_names_the_blind_figure(tmp_path, capsys):
    run = make_run(tmp_path)
    capsys.readouterr()
    assert main(["leaderboard", str(run), "--bootstrap", "20"]) == 0
    out = capsys.readouterr().out
    assert "No audit of these runs" in out and "readout 2.9" in out and "probe audit RUN" in out
