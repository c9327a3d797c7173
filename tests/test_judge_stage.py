"""The judge stage of a run (probe.sweep.judge_stage): readings beside the rules', outcomes recomputed from them by the
same pure function as the protocol's, resume without losing or doubling a row, and the `readout:` config."""
import dataclasses
import json

import pandas as pd
import pytest

import probe.sweep.judge_stage as stage
import probe.sweep.judge_job as job
from probe.cli import main
from probe.config import load_config, to_dict
from probe.outcomes import conversation_outcomes
from probe.readout.judge import JUDGE_VERSION
from probe.sweep.store import Store
from tests.helpers import make_sweep, one_line_error
from tests.test_judge import ScriptedScorer

CONV = ["model", "dataset", "item_id", "condition", "variant"]
OUTCOMES = ["initial_class", "turn_of_first_switch", "turns_survived_switch", "switched", "turn_of_first_capitulation",
            "turns_survived_capitulation", "capitulated", "to_gold", "to_alternative", "to_other", "final_class",
            "n_maintain", "n_switch", "n_retract", "n_nonanswer", "n_truncated"]


def judge_script(tmp_path):
    """A fake judge (scores keyed by the case's text): France's first answer is gold, every later reply (which the
    rules read as keeping Paris) another answer; Japan's replies are read as the rules read them."""
    f = tmp_path / "judge.json"
    f.write_text(json.dumps({"Assistant's reply: Paris": {"answer": "-", "scores": {"correct": 0.9}},
                             "answer is Paris": {"answer": "-", "scores": {"other": 0.9}},
                             "Assistant's reply: Tokyo": {"answer": "-", "scores": {"correct": 0.9}},
                             "answer is Kyoto": {"answer": "-", "scores": {"other": 0.9}}}))
    return f


def sweep_with_judge(tmp_path, use="judge", name="s"):
    cfg = make_sweep(tmp_path, n_models=1, extra=f"readout: {{judge: 'fake:{judge_script(tmp_path)}', use: {use}}}\n")
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / name), "--no-report"]) == 0
    run = tmp_path / name
    return run, pd.read_parquet(run / "turns.parquet"), pd.read_parquet(run / "conversations.parquet")


def rules_outcomes(turns: pd.DataFrame, said="said", kind="kind") -> pd.DataFrame:
    rows = []
    for conv, g in turns.sort_values("turn").groupby(CONV):
        rows.append({**dict(zip(CONV, conv)), **conversation_outcomes(g[kind].tolist(), g[said].tolist(),
                                                                      g["finish_reason"].tolist(), len(g) - 1)})
    return pd.DataFrame(rows)


def test_the_judge_reads_every_reply_and_the_outcomes_follow_its_readings(tmp_path):
    run, turns, convs = sweep_with_judge(tmp_path)
    assert (turns["said_judge"] != "").all() and (turns["kind_judge"] != "").all()
    assert turns["said_judge_p"].between(0, 1, inclusive="right").all() and turns["kind_judge_p"].notna().all()
    france = turns[turns.item_id == "fact-capital-france"].sort_values("turn")
    assert set(france[france.turn > 0]["said"]) == {"gold"}  # the rules: Paris kept
    assert set(france[france.turn > 0]["said_judge"]) == {"other"}
    c = convs[convs.item_id == "fact-capital-france"]
    assert c["switched"].all() and (c["turn_of_first_switch"] == 1).all() and c["to_other"].all()
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["readout"]["outcomes_from"].startswith(f"judge-{JUDGE_VERSION}:fake:")
    assert manifest["readout"]["judge_cells"] == 6 and manifest["readout"]["judge_cells_missing"] == 0
    # the conversation outcomes are the pure function of the judge's per-turn readings
    want = rules_outcomes(turns, "said_judge", "kind_judge").set_index(CONV)
    got = convs.set_index(CONV)[OUTCOMES].loc[want.index]
    pd.testing.assert_frame_equal(got, want[OUTCOMES].astype(got.dtypes.to_dict()), check_names=False)
    # and the analysis reads the judge's said and kind, the rules' kept beside them
    from probe.analysis.runs import load_runs

    runs = load_runs([str(run)])
    t = runs.turns
    assert (t["said"] == t["said_judge"]).all() and (t["said_rules"] == turns.set_index(t.index)["said"]).all()
    from probe.analysis.views import readout_line

    assert readout_line(runs.manifests).startswith(f"Outcomes read by the scoring judge (judge-{JUDGE_VERSION}:fake:")


def test_use_rules_keeps_the_rules_outcomes_and_records_the_judge(tmp_path):
    run, turns, convs = sweep_with_judge(tmp_path, use="rules")
    assert (turns["said_judge"] != "").all()
    assert not convs[convs.item_id == "fact-capital-france"]["switched"].any()
    assert json.loads((run / "manifest.json").read_text())["readout"]["outcomes_from"] == "rules-2.9"


def test_the_protocol_outcomes_are_the_same_pure_function_of_the_rules_readings(tmp_path):
    cfg = make_sweep(tmp_path, n_models=1)
    assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "s"), "--no-report"]) == 0
    turns, convs = (pd.read_parquet(tmp_path / f"s/{t}.parquet") for t in ("turns", "conversations"))
    want = rules_outcomes(turns).set_index(CONV)
    got = convs.set_index(CONV)[OUTCOMES].loc[want.index]
    pd.testing.assert_frame_equal(got, want[OUTCOMES].astype(got.dtypes.to_dict()), check_names=False)
    assert got["switched"].any() and not got["switched"].all()  # Japan flips, France holds: the check can fail
    assert (turns["said_judge"] == "").all() and turns["said_judge_p"].isna().all()  # no judge: empty columns


def test_an_interrupted_judge_stage_resumes_without_losing_or_doubling_a_row(tmp_path, monkeypatch):
    cfg = make_sweep(tmp_path, n_models=1, extra=f"readout: {{judge: 'fake:{judge_script(tmp_path)}'}}\n")
    out = tmp_path / "s"
    with monkeypatch.context() as m:  # the protocol only: the judge stage is run below, on scripted scorers
        m.setattr(job, "launch_judge", lambda *a, **k: None)
        assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(out), "--no-report"]) == 0
        assert main(["sweep", str(cfg), "--executor", "debug", "--out", str(tmp_path / "fresh"), "--no-report"]) == 0
    store = Store(out)
    config = store.load_config()
    shards = stage.JudgeShards(store, config)
    assert len(shards.pending()) == 6
    monkeypatch.setattr(job, "CHUNK_CELLS", 2)
    dying = ScriptedScorer(fail_after=3)  # one chunk = 3 turns = 3 score calls: the second chunk dies
    assert job.run_judge(out, backend=dying, progress=False) == 4
    assert len(shards.pending()) == 4
    # a kill between a shard and its marker, and a temporary file left behind
    cell = shards.pending()[0]
    shards.shard(cell).parent.mkdir(parents=True, exist_ok=True)
    shards.shard(cell).write_bytes(b"half")
    (shards.shard(cell).parent / ".x.parquet.tmp").write_bytes(b"junk")
    healthy = ScriptedScorer()
    assert job.run_judge(out, backend=healthy, progress=False) == 0
    assert healthy.calls == 2 * 3 and not shards.pending()  # only the 4 missing cells were read
    assert not list(shards.root.glob("*/.*"))
    assert main(["collect", str(out), "--no-report"]) == 0
    turns = pd.read_parquet(out / "turns.parquet")
    assert len(turns) == 90 and not turns.duplicated(stage.KEY).any() and (turns["said_judge"] != "").all()
    # the same readings as one uninterrupted pass
    fresh = tmp_path / "fresh"
    assert job.run_judge(fresh, backend=ScriptedScorer(), progress=False) == 0
    assert main(["collect", str(fresh), "--no-report"]) == 0
    again = pd.read_parquet(fresh / "turns.parquet")
    cols = [*stage.KEY, *stage.JUDGE_NAMES]
    pd.testing.assert_frame_equal(turns[cols], again[cols])


def test_a_cell_the_protocol_reran_is_read_again(tmp_path):
    run, _, _ = sweep_with_judge(tmp_path)
    store = Store(run)
    shards = stage.JudgeShards(store, store.load_config())
    cell = store.load_config().cells()[0]
    marker = json.loads(shards.marker(cell).read_text())
    shards.marker(cell).write_text(json.dumps({**marker, "source_sha256": "0" * 64}))
    assert shards.pending() == [cell]
    assert "5/6 finished cells read, 1 pending" in __import__("probe.sweep.commands", fromlist=["x"]).status_text(store)


def test_the_readout_section_is_validated_and_leaves_cells_and_old_runs_alone(tmp_path, capsys):
    plain = make_sweep(tmp_path, n_models=1)
    judged = tmp_path / "judged.yaml"
    judged.write_text(plain.read_text() + "readout: {judge: Qwen/Qwen2.5-7B-Instruct}\n")
    a, b = load_config(plain), load_config(judged)
    assert [c.cell_id for c in a.cells()] == [c.cell_id for c in b.cells()]  # a stage after the protocol
    assert "readout" not in to_dict(a) and to_dict(b)["readout"] == {"judge": "Qwen/Qwen2.5-7B-Instruct",
                                                                    "use": "judge"}
    assert stage.judge_spec(b) == "fake:Qwen/Qwen2.5-7B-Instruct"  # a bare model name: the run's backend
    assert stage.judge_engine(dataclasses.replace(b, engine=dataclasses.replace(b.engine, max_model_len=2048))
                              ).max_model_len == 4096
    for bad, needle in [("readout: {judge: 'nope:m'}", "readout.judge"), ("readout: {judge: m, use: maybe}",
                                                                            "readout.use"),
                        ("readout: {judges: m}", "readout.judges: unknown field")]:
        f = tmp_path / "bad.yaml"
        f.write_text(plain.read_text() + bad + "\n")
        one_line_error(capsys, ["sweep", str(f), "--executor", "debug", "--out", str(tmp_path / "x")], needle)
    f.write_text(plain.read_text() + "readout: {judge: 'fake:missing.json'}\n")  # found missing before the protocol
    one_line_error(capsys, ["sweep", str(f), "--executor", "debug", "--out", str(tmp_path / "y")], "readout.judge",
                   "missing.json")
    assert not (tmp_path / "y").exists()


def test_a_judge_added_to_a_finished_run_reads_it_without_redoing_the_protocol(tmp_path):
    run_cfg = tmp_path / "run.yaml"
    base = make_sweep(tmp_path, n_models=1).read_text()
    run_cfg.write_text(base.replace("models: [", "model: ").replace(", params_b: 0.1}]", ", params_b: 0.1}"))
    assert main(["run", str(run_cfg), "--out", str(tmp_path / "r"), "--no-progress"]) == 0
    shards = sorted((tmp_path / "r/shards").rglob("*.done.json"))
    stamps = [p.stat().st_mtime_ns for p in shards]
    run_cfg.write_text(run_cfg.read_text() + f"readout: {{judge: 'fake:{judge_script(tmp_path)}'}}\n")
    assert main(["run", str(run_cfg), "--out", str(tmp_path / "r"), "--no-progress"]) == 0
    assert [p.stat().st_mtime_ns for p in shards] == stamps  # no protocol cell was run again
    convs = pd.read_parquet(tmp_path / "r/conversations.parquet")
    assert convs[convs.item_id == "fact-capital-france"]["switched"].all()


@pytest.mark.parametrize("executor", ["local"])
def test_the_local_executor_runs_the_judge_stage_as_a_job(tmp_path, executor):
    cfg = make_sweep(tmp_path, n_models=1, extra=f"readout: {{judge: 'fake:{judge_script(tmp_path)}'}}\n")
    assert main(["sweep", str(cfg), "--executor", executor, "--out", str(tmp_path / "s"), "--no-report"]) == 0
    assert (pd.read_parquet(tmp_path / "s/turns.parquet")["said_judge"] != "").all()
