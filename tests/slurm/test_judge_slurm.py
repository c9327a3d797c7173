"""The judge stage of a sweep submitted to a real single-node Slurm: one job after the protocol's array."""
import json

import pandas as pd
import pytest

from probe.cli import main
from tests.helpers import make_sweep
from tests.slurm.test_slurm import slurm  # noqa: F401  (the module's cluster fixture)

pytestmark = pytest.mark.slurm


def test_the_judge_stage_runs_as_one_slurm_job(slurm, tmp_path):  # noqa: F811
    judge = tmp_path / "judge.json"
    judge.write_text(json.dumps({"Assistant's reply: Paris": {"answer": "-", "scores": {"correct": 0.9}},
                                 "answer is Paris": {"answer": "-", "scores": {"other": 0.9}}}))
    cfg = make_sweep(tmp_path, n_models=1, extra="executor: {name: slurm, time_min: 10, cpus_per_task: 1, mem_gb: 1, "
                                                 f"gpus_per_node: 0}}\nreadout: {{judge: 'fake:{judge}'}}\n")
    run = tmp_path / "run"
    assert main(["sweep", str(cfg), "--out", str(run), "--no-report"]) == 0
    jobs = [line.split("\t") for line in (run / "slurm/jobs.txt").read_text().splitlines()]
    assert len(jobs) == 2 and jobs[1][1] == f"judge fake:{judge}"  # the model's array task, then the judge's job
    turns = pd.read_parquet(run / "turns.parquet")
    assert (turns["said_judge"] != "").all()
    convs = pd.read_parquet(run / "conversations.parquet")
    assert convs[convs.item_id == "fact-capital-france"]["switched"].all()
