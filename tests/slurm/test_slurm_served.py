"""A sweep whose model is served (tests/served_stub.py on 127.0.0.1), run as a job of a real local Slurm: the job
asks for no GPU and sends requests; no engine starts in it."""
import json
import subprocess
import time

import pandas as pd
import pytest

from probe.cli import main
from tests.slurm.test_slurm import slurm  # noqa: F401  (the local cluster fixture)
from tests.test_served_sweep import model_folder, served_sweep, stub  # noqa: F401

pytestmark = pytest.mark.slurm


def test_served_model_sweep_runs_as_a_slurm_job(slurm, tmp_path, model_folder, stub):  # noqa: F811
    cfg = served_sweep(tmp_path, model_folder, stub.url, executor="slurm")
    cfg.write_text(cfg.read_text().replace("executor: {name: slurm}",
                                           "executor: {name: slurm, time_min: 10, cpus_per_task: 1, mem_gb: 1, "
                                           "gpus_per_node: 0}"))
    run = tmp_path / "run"
    assert main(["sweep", str(cfg), "--out", str(run), "--no-report"]) == 0
    jobs = (run / "slurm/jobs.txt").read_text().split()
    assert len(jobs) == 4  # one array task per model (job id, model name)
    conv = pd.read_parquet(run / "conversations.parquet")
    served = conv[conv.model == "tiny-chat"]
    assert len(served) == 4 and set(served.backend) == {"openai"}
    manifest = json.loads((run / "manifest.json").read_text())
    assert manifest["models"]["tiny-chat"]["backend"]["usage"]["requests"] > 0
    assert [r for r in stub.log if "capital of" in r["text"]]  # the Slurm job talked to the server
    deadline = time.monotonic() + 60  # let the job steps end before the fixture stops the cluster under them
    while subprocess.run(["squeue", "-h"], capture_output=True, text=True).stdout.strip() and \
            time.monotonic() < deadline:
        time.sleep(1)
