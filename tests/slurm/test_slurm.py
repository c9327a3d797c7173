"""A 2-model sweep submitted through submitit to a real single-node Slurm on localhost."""
import os
import shutil
import subprocess
import time

import pandas as pd
import pytest

from probe.cli import main
from tests.helpers import ROOT, make_sweep

pytestmark = pytest.mark.slurm
CLUSTER = ROOT / "tests/slurm/cluster.sh"


def _install_slurm() -> str | None:
    """None when Slurm is there (installing it as root if needed), else why it cannot be had."""
    if shutil.which("slurmctld") and shutil.which("munged"):
        return None
    if os.geteuid() != 0:
        return "slurm-wlm is not installed and this user cannot apt-get install it"
    r = subprocess.run("apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge",
                       shell=True, capture_output=True, text=True)
    return None if r.returncode == 0 else f"apt-get install slurm-wlm munge failed: {r.stderr.strip()[-300:]}"


@pytest.fixture(scope="module")
def slurm(tmp_path_factory):
    why = _install_slurm()
    if why:
        pytest.skip(f"Slurm cannot be installed here: {why}")
    folder = tmp_path_factory.mktemp("slurm")
    r = subprocess.run(["bash", str(CLUSTER), "start", str(folder)], capture_output=True, text=True, timeout=120)
    old = os.environ.get("SLURM_CONF")
    os.environ["SLURM_CONF"] = str(folder / "slurm.conf")
    try:
        assert r.returncode == 0, r.stderr + "".join(p.read_text() for p in folder.glob("*.log"))
        yield folder
    finally:
        subprocess.run(["bash", str(CLUSTER), "stop", str(folder)], capture_output=True, timeout=60)
        if old is None:
            os.environ.pop("SLURM_CONF", None)
        else:
            os.environ["SLURM_CONF"] = old


def test_two_model_sweep_runs_as_a_slurm_job_array(slurm, tmp_path):
    cfg = make_sweep(tmp_path, extra="executor: {name: slurm, time_min: 10, cpus_per_task: 1, mem_gb: 1, "
                                     "gpus_per_node: 0}\n")
    run = tmp_path / "run"
    assert main(["sweep", str(cfg), "--out", str(run)]) == 0
    jobs = (run / "slurm/jobs.txt").read_text().split()
    assert len(jobs) == 4 and jobs[0].endswith("_0") and jobs[2].endswith("_1")  # one array, a task per model
    c = pd.read_parquet(run / "conversations.parquet")
    assert c.model.nunique() == 2 and len(c) == 2 * 5 * 3 * 2
    assert (run / "report/report.html").is_file()
    logs = list(run.glob("slurm/*/*_log.out"))
    assert logs, "submitit wrote no job logs"


def test_no_wait_submission_then_status_and_collect(slurm, tmp_path, capsys):
    cfg = make_sweep(tmp_path, extra="executor: {name: slurm, time_min: 10, cpus_per_task: 1, mem_gb: 1, "
                                     "gpus_per_node: 0}\n", n_models=1)
    run = tmp_path / "run"
    assert main(["sweep", str(cfg), "--out", str(run), "--no-wait"]) == 0
    assert "submitted" in capsys.readouterr().out
    deadline = time.time() + 120
    while time.time() < deadline:
        main(["status", str(run)])
        if "0 pending in all" in capsys.readouterr().out:
            break
        time.sleep(1)
    else:
        pytest.fail("the Slurm job did not finish in 120 s")
    assert main(["collect", str(run), "--no-report"]) == 0
    assert len(pd.read_parquet(run / "turns.parquet")) == 5 * 3 * 2 * 3
