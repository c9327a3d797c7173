"""Test helpers shared by unit and integration tests."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("PROBE_SHARED_DATA", ROOT.parent / "shared" / "data"))


def run_cli(*args: str, env: dict | None = None, timeout: int = 900) -> subprocess.CompletedProcess:
    """Run the installed ``probe`` console script the way a user does."""
    exe = Path(sys.executable).with_name("probe")
    return subprocess.run([str(exe), *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})}, cwd=ROOT)


SWEEP_SCRIPT = {"capital of France": {"answer": "Paris", "token_prob": 0.95},
                "capital of Japan": {"answer": "Tokyo", "token_prob": 0.6, "flip_turn": 1, "flip_to": "Kyoto"}}


def make_sweep(tmp_path, delay=0.0, extra="", scripts=None, n_models=2, conditions="[are_you_sure, neutral, disagree]",
               close_s=0.0) -> Path:
    """A sweep YAML over fake-backend models (script files), 5 built-in items, 2 variants, T = 2."""
    models = []
    for k in range(n_models):
        f = tmp_path / f"model_{k}.json"
        f.write_text(json.dumps({**(scripts or SWEEP_SCRIPT), "__delay_s__": delay, "__close_s__": close_s}))
        models.append(f"{{name: {f}, params_b: {0.1 * 10 ** k}}}")
    cfg = tmp_path / "sweep.yaml"
    cfg.write_text(f"name: t\nmodels: [{', '.join(models)}]\nbackend: fake\n"
                   f"datasets: [{{format: builtin, limit: 5}}]\nconditions: {conditions}\n"
                   f"variants: [original, r1]\nturns: 2\n{extra}")
    return cfg


def flat_rows(by_cell: dict) -> tuple[list, list]:
    """`run_protocol`'s {cell: (turn rows, conversation rows)} as two flat lists."""
    return ([r for t, _ in by_cell.values() for r in t], [r for _, c in by_cell.values() for r in c])


def one_line_error(capsys, argv, *needles) -> str:
    """Run the CLI in-process; it must exit 2 with one stderr line (no traceback) containing every needle."""
    from probe.cli import main

    rc = main(argv)
    err = capsys.readouterr().err.strip()
    assert rc == 2, err
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    for n in needles:
        assert n in err, err
    return err


def readout_item(answer, alternative, question, aliases=(), alternative_aliases=(), choices=()):
    """An item for the readout's statement tests (id "x")."""
    from probe.datasets.items import Item

    return Item("x", question, answer, alternative, tuple(aliases), tuple(alternative_aliases), tuple(choices))


def read_said_kind(it, reply, **kw) -> tuple[str, str]:
    """(said, kind) of one reply, ``said`` as the option letter for multiple choice."""
    from probe.readout import read_reply

    r = read_reply(it, reply, **kw)
    return (r.option or r.said), r.kind


def as_from_a_terminal() -> None:
    """``preexec_fn`` for a child a test will Ctrl-C: SIGINT at its default, as for a command typed at a terminal.  A
    suite started in the background (``make test &``, ``nohup``) hands SIGINT down ignored, and `probe.procs` keeps
    an ignored signal ignored on purpose, so without this the child would not see the test's Ctrl-C at all."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start_run_until_generating(out, timeout_s: float = 600):
    """Start `probe run experiments/smoke.yaml --out OUT` on the real engine in a session of its own and return once
    its progress bar shows the engine generating: (process, the stderr chunks read so far, the reader thread)."""
    import threading

    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "TOKENIZERS_PARALLELISM": "false"}
    proc = subprocess.Popen([str(Path(sys.executable).with_name("probe")), "run", "experiments/smoke.yaml",
                             "--out", str(out)], cwd=ROOT, env=env, start_new_session=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, errors="replace")
    seen: list[str] = []
    up = threading.Event()

    def read_stderr():
        for chunk in iter(lambda: proc.stderr.read(256), ""):
            seen.append(chunk)
            if "conv-turn" in "".join(seen[-8:]):  # the progress bar starts once the engine answered
                up.set()

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    if not up.wait(timeout_s):
        proc.kill()
        raise AssertionError("".join(seen)[-3000:])
    return proc, seen, reader
