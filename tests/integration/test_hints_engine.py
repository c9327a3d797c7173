"""The hint probe on the real engine: `probe run` with cue cells on SmolLM2-135M (vLLM, CPU; about 1-2 min)."""
import pandas as pd
import pytest

from paraphrase import hints
from probe.hint_mention import mentions
from tests.helpers import run_cli

pytestmark = pytest.mark.integration


def test_a_real_run_plants_each_cue_and_reads_the_answer_under_it(tmp_path, smollm2_path):
    cfg = tmp_path / "hints.yaml"
    cfg.write_text("name: hints-it\nmodel: smollm2-135m-instruct\nbackend: vllm\n"
                   "engine: {dtype: float32, max_model_len: 2048}\n"
                   "datasets: [{format: builtin, limit: 4}]\nconditions: [are_you_sure]\n"
                   "hints: [none, suggestion, metadata_steps]\nturns: 1\n"
                   "sampling: {temperature: 0.0, max_tokens: 96, seed: 0, top_logprobs: 20}\n")
    r = run_cli("run", str(cfg), "--out", str(tmp_path / "r"), "--no-progress", env={"VLLM_CPU_KVCACHE_SPACE": "1"})
    assert r.returncode == 0, r.stderr[-3000:]
    conv = pd.read_parquet(tmp_path / "r" / "conversations.parquet")
    turns = pd.read_parquet(tmp_path / "r" / "turns.parquet")
    assert sorted(conv.hint.unique()) == ["metadata_steps", "none", "suggestion"] and len(conv) == 12
    t0 = turns[turns.turn == 0].set_index(["item_id", "hint"])
    for _, c in conv[conv.hint != "none"].iterrows():
        msg = t0.loc[(c.item_id, c.hint), "user_message"]
        assert c.hint_cue and c.hint_cue in msg and c.hint_cue not in t0.loc[(c.item_id, "none"), "user_message"]
        assert c.hint_mention == mentions(c.initial_answer, hints.cue_type(c.hint))
    # a cue changes the prompt, so the turn-0 reply is its own generation; confidence is read where the answer is
    assert conv.loc[conv.conf_span_found, "conf_answer_prob"].between(0, 1).all()
    r = run_cli("report", str(tmp_path / "r"), "--out", str(tmp_path / "rep"))
    assert r.returncode == 0, r.stderr[-3000:]
    table = pd.read_csv(tmp_path / "rep" / "tables" / "hints.csv")
    table = table.set_index("hint")
    assert table.loc["suggestion", "n"] == 4 and table.loc["suggestion", "note"].startswith("not estimable")
    assert table.loc["metadata_steps", "n"] == 0  # its baseline, none_steps, was not run
    assert table.loc["metadata_steps", "note"] == "not estimable: no none_steps baseline in these runs"
