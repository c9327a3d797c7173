"""`probe audit` on false-premise and hint-cue runs (issue 28's acceptance, the audit of issue 25): the screen asks the
premise reading of every reply of a false-premise conversation and the cue mention of a cue conversation's turn-0
reply, writes them into labels.jsonl at once (a cut resumes with nothing lost or doubled), and the report's
corrected premise-rejection / mention rates equal the prediction-powered estimator computed here by hand from the
files.  A run without either probe shows no new prompt; an audit labelled without the new fields still loads."""
import json
import os
import shutil

import pandas as pd
import pytest

from paraphrase.hints import cue_type
from probe.audit import KEY, LabelLog
from probe.cli import main
from tests.helpers import make_sweep
from tests.test_audit import audit, make_run
from tests.test_false_premise import _config as premise_config
from tests.test_hints import SCRIPT as HINT_SCRIPT

CLASS_KEY = {"gold": "g", "alternative": "a", "other": "o", "none": "n"}
KIND_KEY = {"maintain": "m", "switch": "s", "retract": "r", "nonanswer": "x"}
PREMISE_KEY = {"rejects": "r", "accepts": "a", "unclear": "x"}


def _sweep(cfg, out):
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(out), "--no-report"]) == 0
    return out


def person_premise(reading: str, turn: int) -> str:
    """The test's person reads the premise as the rule does, except that a turn-0 reply the rule reads as accepting
    is read as rejecting (so the corrected rate differs from the rule's)."""
    return "rejects" if turn == 0 and reading == "accepts" else reading


def person_mention(rule: bool, item_id: str) -> str:
    """... and the cue mention as the rule does, except on the Italy item, where the person sees a mention."""
    return "yes" if rule or item_id == "fact-capital-italy" else "no"


def person(run, sample: dict) -> list[list[str]]:
    """Per sample reply (labelling order): the person's keys (answer, kind from turn 1, premise / mention)."""
    t = pd.read_parquet(run / "turns.parquet")
    c = pd.read_parquet(run / "conversations.parquet")
    t["_k"] = t[list(KEY)].astype(str).agg("|".join, axis=1)
    mention = dict(zip(c[list(KEY)].astype(str).agg("|".join, axis=1), c["hint_mention"]))
    out = []
    for s in sample["conversations"]:
        k = "|".join(s["key"][x] for x in KEY)
        for r in t[t["_k"] == k].sort_values("turn").itertuples():
            keys = [CLASS_KEY[r.said]] + ([KIND_KEY[r.kind]] if r.turn else [])
            if r.premise:
                keys.append(PREMISE_KEY[person_premise(r.premise, r.turn)])
            if r.turn == 0 and cue_type(r.hint) != "none":
                keys.append(person_mention(bool(mention[k]), r.item_id)[0])
            out.append(keys)
    return out


def replay(run) -> dict:
    """(conv, turn) → label in force, replayed from labels.jsonl by hand."""
    labels = {}
    for line in (run / "audit" / "labels.jsonl").read_text().splitlines():
        e = json.loads(line)
        if e.get("undo"):
            labels.pop((e["conv"], e["turn"]), None)
        else:
            labels[(e["conv"], e["turn"])] = e
    return labels


def hand_ppi(run, population: pd.DataFrame, by: str, f_col, h_of) -> dict:
    """Prediction-powered rate per (model, ``by``) from the files: (Σ f + Σ_audited (h − f) / π) / N, π = audited
    conversations / conversations of the stratum (model × condition); ``h_of(labels of turn 0)`` is 0 or 1."""
    conv = pd.read_parquet(run / "conversations.parquet")
    sample = json.loads((run / "audit" / "sample.json").read_text())
    labels = replay(run)
    human = {"|".join(c["key"][x] for x in KEY): h_of(labels[(i, 0)]) for i, c in enumerate(sample["conversations"])}
    drawn = {}
    for c in sample["conversations"]:
        drawn[(c["key"]["model"], c["key"]["condition"])] = drawn.get((c["key"]["model"], c["key"]["condition"]), 0) + 1
    size = conv.groupby(["model", "condition"]).size()
    out = {}
    for (model, cell), g in population.groupby(["model", by]):
        total = 0.0
        for r in g.itertuples():
            f = float(f_col(r))
            total += f
            k = "|".join(str(getattr(r, x)) for x in KEY)
            if k in human:
                total += (human[k] - f) / (drawn[(model, r.condition)] / size[(model, r.condition)])
        out[(model, cell)] = (total / len(g), sum(float(f_col(r)) for r in g.itertuples()) / len(g))
    return out


def test_a_false_premise_audit_asks_the_premise_resumes_and_corrects_the_rejection_rate(tmp_path, capsys):
    run = _sweep(premise_config(tmp_path), tmp_path / "fp")
    assert audit(run, "", "--n", "6", "--seed", "1") == 0
    sample = json.loads((run / "audit" / "sample.json").read_text())
    assert sample["n"] == 6 and sample["probe_digest"]
    keys = person(run, sample)
    assert len(keys) == 18 and all(len(k) == (2 if i % 3 == 0 else 3) for i, k in enumerate(keys))
    # first session: 5 replies, then the 6th reply's answer and kind but not its premise: nothing of it is written
    capsys.readouterr()
    audit(run, " ".join("".join(k) for k in keys[:5]) + " " + "".join(keys[5][:2]))
    screen = capsys.readouterr().out
    assert "premise r=rejects a=accepts x=unclear" in screen and "mention" not in screen
    assert len(LabelLog(run).labels()) == 5
    # a kill in the middle of writing a line: the cut line is dropped when the next label is appended
    with open(run / "audit" / "labels.jsonl", "a") as fh:
        fh.write('{"reader": "reader1", "conv": 1, "turn": 2, "prem')
    # second session: answer and kind again, "u" at the premise prompt goes back to the answer; then the rest
    audit(run, "".join(keys[5][:2]) + "u" + " ".join("".join(k) for k in keys[5:]))
    labels = replay(run)
    assert len(labels) == 18 and len(LabelLog(run).labels()) == 18
    for e in labels.values():
        assert e["premise"] in ("rejects", "accepts", "unclear") and "mention" not in e
    lines = (run / "audit" / "labels.jsonl").read_text().splitlines()
    assert len(lines) == 18 and all(json.loads(x) for x in lines)  # nothing doubled, the cut line gone
    order = [(i, tu) for i in range(6) for tu in range(3)]
    assert [PREMISE_KEY[labels[k]["premise"]] for k in order] == [k[-1] for k in keys]

    from probe.analysis import load_runs
    from probe.analysis.compute import compute

    runs = load_runs([str(run)])
    assert runs.audits[0].n_done == 6 and not runs.audits[0].stale
    t = compute(runs, n_boot=60)
    table = t["premise_audit"].set_index(["model", "variant"])
    conv = pd.read_parquet(run / "conversations.parquet")
    hand = hand_ppi(run, conv[conv.premise0 != ""], "variant", lambda r: r.premise0 == "rejects",
                    lambda lab: float(lab["premise"] == "rejects"))
    assert set(hand) == set(table.index)
    for cell, (corrected, rule) in hand.items():
        row = table.loc[cell]
        assert row["rule"] == pytest.approx(rule) and row["corrected"] == pytest.approx(corrected)
        assert row["corrected_lo"] <= row["corrected"] <= row["corrected_hi"]
    # the person reads more rejections than the rule, so the correction goes up where a turn-0 accept was audited
    assert (table["corrected"] >= table["rule"] - 1e-12).all()
    # the rule's agreement with the person on the audited replies, counted by hand
    turns = pd.read_parquet(run / "turns.parquet")
    turns["_k"] = turns[list(KEY)].astype(str).agg("|".join, axis=1)
    agree = [turns[(turns._k == "|".join(c["key"][x] for x in KEY)) & (turns.turn == tu)].premise.iloc[0]
             == labels[(i, tu)]["premise"] for i, c in enumerate(sample["conversations"]) for tu in range(3)]
    a = t["premise_audit_agreement"].iloc[0]
    assert a["replies"] == 18 and a["agreement"] == pytest.approx(sum(agree) / 18) and a["replies_turn0"] == 6
    assert main(["report", str(run), "--out", str(tmp_path / "rep"), "--bootstrap", "40"]) == 0
    md = (tmp_path / "rep" / "report.md").read_text()
    assert "## False premises: rejection at turn 0, corrected by the audit" in md
    assert "The rule's premise reading agrees with the person on" in md
    assert (tmp_path / "rep" / "tables" / "premise_audit.csv").is_file()


def test_a_hint_audit_asks_the_mention_at_turn_0_and_corrects_the_mention_rate(tmp_path, capsys):
    cfg = make_sweep(tmp_path, n_models=1, scripts=HINT_SCRIPT, conditions="[are_you_sure, neutral]",
                     extra="hints: [none, suggestion]\n")
    cfg.write_text(cfg.read_text().replace("turns: 2", "turns: 1"))
    run = _sweep(cfg, tmp_path / "h")
    assert audit(run, "", "--n", "12", "--seed", "2") == 0
    sample = json.loads((run / "audit" / "sample.json").read_text())
    keys = person(run, sample)
    capsys.readouterr()
    audit(run, " ".join("".join(k) for k in keys))
    assert "mention y=yes n=no" in capsys.readouterr().out
    labels = replay(run)
    assert len(labels) == len(keys) == 24
    for (i, tu), e in labels.items():
        cue = "+suggestion" in sample["conversations"][i]["key"]["condition"]
        assert ("mention" in e) == (cue and tu == 0) and "premise" not in e
    from probe.analysis import load_runs
    from probe.analysis.compute import compute

    t = compute(load_runs([str(run)]), n_boot=60)
    table = t["hint_audit"].set_index(["model", "hint"])
    conv = pd.read_parquet(run / "conversations.parquet")
    hand = hand_ppi(run, conv[conv.hint == "suggestion"], "hint", lambda r: bool(r.hint_mention),
                    lambda lab: float(lab.get("mention") == "yes"))
    assert set(hand) == set(table.index)
    for cell, (corrected, rule) in hand.items():
        assert table.loc[cell, "rule"] == pytest.approx(rule)
        assert table.loc[cell, "corrected"] == pytest.approx(corrected)
    # seed 2 draws Italy under the cue, where the person sees a mention the rule does not: the correction goes up
    assert any(c["key"]["item_id"] == "fact-capital-italy" and "+suggestion" in c["key"]["condition"]
               for c in sample["conversations"])
    assert (table["corrected"] > table["rule"]).all()
    a = t["hint_audit_agreement"].iloc[0]
    cue_replies = [e for (i, tu), e in labels.items() if "mention" in e]
    assert a["replies"] == len(cue_replies)
    assert main(["report", str(run), "--out", str(tmp_path / "rep"), "--bootstrap", "40"]) == 0
    assert "## Hints: mention rate, corrected by the audit" in (tmp_path / "rep" / "report.md").read_text()


def test_a_run_without_probes_shows_no_new_prompt(tmp_path, capsys):
    run = make_run(tmp_path)
    audit(run, "", "--n", "3")
    capsys.readouterr()
    audit(run, " ".join(["g"] + ["gm", "gm"]) + " ")
    screen = capsys.readouterr().out
    assert "premise" not in screen and "mention" not in screen and "hint cue" not in screen
    events = LabelLog(run).events()
    assert events and all("premise" not in e and "mention" not in e for e in events)
    from probe.analysis import load_runs
    from probe.analysis.compute import compute

    t = compute(load_runs([str(run)]), n_boot=20)
    assert not any(k.startswith(("premise_audit", "hint_audit")) for k in t)


def test_without_an_audit_or_with_labels_lacking_the_premise_the_section_says_so(tmp_path):
    run = _sweep(premise_config(tmp_path), tmp_path / "fp")
    assert main(["report", str(run), "--out", str(tmp_path / "r0"), "--bootstrap", "20"]) == 0
    md = (tmp_path / "r0" / "report.md").read_text()
    section = md.split("## False premises: rejection at turn 0, corrected by the audit")[1].split("##")[0]
    assert "No usable audit of these runs gives the premise reading" in section
    # an audit whose labels predate the premise question (no premise field) still loads and corrects nothing
    audit(run, "", "--n", "4")
    sample = json.loads((run / "audit" / "sample.json").read_text())
    keys = person(run, sample)
    audit(run, " ".join("".join(k) for k in keys))
    path = run / "audit" / "labels.jsonl"
    old = [{k: v for k, v in json.loads(x).items() if k != "premise"} for x in path.read_text().splitlines()]
    path.write_text("".join(json.dumps(e) + "\n" for e in old))
    from probe.analysis import load_runs
    from probe.analysis.compute import compute

    runs = load_runs([str(run)])
    assert runs.audits[0].n_done == 4
    t = compute(runs, n_boot=20)
    assert t["premise_audit"].empty and t["premise_audit_agreement"].empty and len(t["audit_rates"])


def test_a_second_reader_s_premise_labels_enter_the_agreement(tmp_path, capsys):
    run = _sweep(premise_config(tmp_path), tmp_path / "fp")
    audit(run, "", "--n", "2", "--seed", "5")
    keys = person(run, json.loads((run / "audit" / "sample.json").read_text()))
    audit(run, " ".join("".join(k) for k in keys))
    # reader2 agrees on everything except the first reply's premise
    flip = {"r": "a", "a": "r", "x": "r"}
    other = [keys[0][:-1] + [flip[keys[0][-1]]]] + keys[1:]
    audit(run, " ".join("".join(k) for k in other), "--reader", "reader2")
    capsys.readouterr()
    assert audit(run, "", "--agreement") == 0
    out = capsys.readouterr().out
    assert "reader1 vs reader2: 6 replies: answer 100.0% (kappa" in out and "premise 83.3% on 6 (kappa" in out
    assert "reader1 vs reading: 6 replies" in out and "premise" in out.split("reader1 vs reading")[1]


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux not installed (make system-deps)")
def test_in_a_real_terminal_a_kill_at_the_premise_prompt_loses_only_that_reply(tmp_path):
    from tests.test_audit_tmux import n_lines, screen, start, tmux, type_keys, wait_for

    run = _sweep(premise_config(tmp_path), tmp_path / "fp")
    audit(run, "", "--n", "6", "--seed", "1")
    script = ["".join(k) for k in person(run, json.loads((run / "audit" / "sample.json").read_text()))]
    session, keeper = f"premise{os.getpid()}", f"premise-keeper{os.getpid()}"
    tmux("new-session", "-d", "-s", keeper, "sleep 600")
    try:
        start(session, run)
        wait_for(lambda: "reply 1 of 18" in screen(session), "the first reply on screen", session=session)
        assert "premise " in screen(session) and "(false)" in screen(session)
        cut = 4  # conversation 2, turn 1: answer, kind, premise
        type_keys(session, "".join(script[:cut]))
        wait_for(lambda: n_lines(run) == cut, f"{cut} labels written")
        type_keys(session, script[cut][:2])  # answer and kind of the next reply; its premise key not yet given
        wait_for(lambda: "premise r=rejects" in screen(session).split("reply 5 of 18")[-1], "the premise prompt",
                 session=session)
        tmux("kill-session", "-t", session)
        assert n_lines(run) == cut
        session += "-resumed"
        start(session, run)
        wait_for(lambda: "reply 5 of 18" in screen(session), "resume at the reply cut", session=session)
        type_keys(session, "".join(script[cut:]))
        wait_for(lambda: "Audit complete" in screen(session), "the end of the audit", session=session)
    finally:
        for s in (session, keeper):
            tmux("kill-session", "-t", s)
    lines = [json.loads(x) for x in (run / "audit" / "labels.jsonl").read_text().splitlines()]
    assert len(lines) == 18 and len({(e["conv"], e["turn"]) for e in lines}) == 18
    assert [PREMISE_KEY[e["premise"]] for e in sorted(lines, key=lambda e: (e["conv"], e["turn"]))] == \
        [k[-1] for k in script]


def test_the_corrected_rejection_rate_of_a_variant_is_unbiased_though_the_audit_strata_are_conditions():
    """Simulation with known truth: 40 items × 2 variants × 2 conditions; the rule misses 30 % of the person's
    rejections on the original question.  The audit draws 8 conversations per condition (stratum), so the variant is
    a domain, not a stratum: over 400 audits the mean corrected rate of each variant equals the person's rate
    (within simulation error), while the rule's rate is biased."""
    import numpy as np

    from probe.analysis.audit_probes import premise_corrected
    from probe.boot import ItemBootstrap

    rng = np.random.default_rng(0)
    n_items = 40
    rows = [(i, v, c) for i in range(n_items) for v in ("original", "premise_free") for c in ("insist", "neutral")]
    df = pd.DataFrame(rows, columns=["_item", "variant", "condition"]).assign(model="m", run_id="r")
    p = np.where(df["variant"] == "original", 0.5, 0.3)
    stem = rng.random((n_items, 2)) < p.reshape(n_items, 2, 2)[:, :, 0]  # one turn-0 reply per item × variant
    human = stem[df["_item"], (df["variant"] == "premise_free").astype(int)]
    miss = rng.random((n_items, 2))[df["_item"], (df["variant"] == "premise_free").astype(int)] < 0.3
    rule = human & ~(miss & (df["variant"] == "original").to_numpy())
    df = df.assign(premise0=np.where(rule, "rejects", "accepts"), _audit_covered=True)
    truth = pd.Series(human).groupby(df["variant"]).mean()
    boot = ItemBootstrap(n_items, 1)
    got = {v: [] for v in ("original", "premise_free")}
    for _ in range(400):
        audited = np.zeros(len(df), bool)
        for cond in ("insist", "neutral"):
            audited[rng.choice(np.flatnonzero(df["condition"] == cond), 8, replace=False)] = True
        t = premise_corrected(df.assign(_audited=audited, _pi=np.where(audited, 8 / 80, np.nan),
                                        _h_premise0=np.where(audited, np.where(human, "rejects", "accepts"), "")),
                              boot).set_index("variant")
        for v in got:
            got[v].append(t.loc[v, "corrected"])
    rule_rate = pd.Series(rule).groupby(df["variant"]).mean()
    assert rule_rate["original"] < truth["original"] - 0.05  # the rule alone is biased
    for v, values in got.items():
        se = np.std(values) / np.sqrt(len(values))
        assert abs(np.mean(values) - truth[v]) < 3 * se + 1e-9, (v, np.mean(values), truth[v])
