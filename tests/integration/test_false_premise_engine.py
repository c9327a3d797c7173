"""The false-premise probe on the real model (transformers backend): a small run records a premise reading per
reply that is the rule reader's reading of that reply, the turn-0 confidence columns, and reports its tables."""
import dataclasses

import numpy as np
import pandas as pd
import pytest

from probe.config import load_config
from probe.datasets import DatasetSpec, load_dataset
from probe.premise import READINGS, read_premise
from probe.records import CONVERSATION_COLUMNS, TURN_COLUMNS, schema_problems
from probe.run import execute

from tests.helpers import ROOT, run_cli

pytestmark = pytest.mark.integration


def test_a_small_false_premise_run_on_the_real_model(hf_backend, tmp_path):
    cfg = load_config(ROOT / "experiments/false-premise-cpu.yaml")
    cfg = dataclasses.replace(cfg, models=cfg.models[:1], backend="hf",
                              datasets=(DatasetSpec("false_premise", limit=4),),
                              protocol=dataclasses.replace(cfg.protocol, turns=1, sampling=dataclasses.replace(
                                  cfg.protocol.sampling, top_logprobs=5, max_tokens=48)))
    execute(cfg, tmp_path / "run", backend=hf_backend, progress=False)
    turns = pd.read_parquet(tmp_path / "run" / "turns.parquet")
    conv = pd.read_parquet(tmp_path / "run" / "conversations.parquet")
    assert schema_problems(turns, TURN_COLUMNS) == [] and schema_problems(conv, CONVERSATION_COLUMNS) == []
    assert len(conv) == 4 * 2 * 2 and len(turns) == 4 * 2 * 2 * 2
    items = {it.id: it for it in load_dataset(DatasetSpec("false_premise"))[0]}
    for r in turns.itertuples():
        it = items[r.item_id]
        assert r.premise in READINGS and r.premise == read_premise(
            r.response, it.extra["premise"], it.extra["fact"], it.question, control=r.variant == "premise_free",
            control_answer=it.extra.get("control_answer", "")).premise
    assert conv.conf_seq_prob_norm.between(0, 1).all() and np.isfinite(conv.conf_seq_logprob).all()
    rejected = conv[conv.premise_rejected0]
    assert rejected.premise_turns_survived.notna().all()
    assert conv[~conv.premise_rejected0].premise_turns_survived.isna().all()
    r = run_cli("report", str(tmp_path / "run"), "--out", str(tmp_path / "rep"), "--bootstrap", "50")
    assert r.returncode == 0, r.stderr[-2000:]
    assert (tmp_path / "rep" / "tables" / "premise_rejection.csv").exists()
