"""Names that become paths never reach outside their root: `probe models import-gguf --name` with `..`, `/`,
absolute paths and symlinks; a non-GGUF file is refused before any folder exists.

    pytest -q tests/test_paths.py
"""
import hashlib
import json
import os
from pathlib import Path

import pytest

from probe.backends import models
from probe.cli import main
from probe.errors import ProbeError
from tests.helpers import one_line_error


def _tree(root: Path) -> dict[str, str]:
    """Every file below root with its sha256 (symlinks by target): the whole state a command could change."""
    out = {}
    for p in sorted(root.rglob("*")):
        rel = str(p.relative_to(root))
        if p.is_symlink():
            out[rel] = "-> " + os.readlink(p)
        elif p.is_file():
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
        else:
            out[rel] = "dir"
    return out


@pytest.fixture
def world(tmp_path, monkeypatch):
    """PROBE_HOME inside tmp, an existing model folder, canary files outside the models root, a fake GGUF."""
    home = tmp_path / "home"
    monkeypatch.setenv("PROBE_HOME", str(home))
    (home / "models" / "kept").mkdir(parents=True)
    (home / "models" / "kept" / models.COMPLETE_MARKER).write_text(json.dumps({"name": "kept"}))
    (home / "canary.txt").write_text("inside PROBE_HOME, outside models/")
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "canary.txt").write_text("outside PROBE_HOME")
    gguf = tmp_path / "tiny.gguf"
    gguf.write_bytes(b"GGUF" + b"\x03\x00\x00\x00" + b"\x00" * 24)  # magic + version: not a loadable model
    notgguf = tmp_path / "weights.bin"
    notgguf.write_bytes(b"PK\x03\x04 not a gguf")
    return tmp_path, home, gguf, notgguf


_refused = one_line_error


@pytest.mark.parametrize("name", ["..", ".", "../outside", "../../outside", "../../../x", "a/b", "/tmp/abs",
                                  "", " ", "a b", ".hidden", "-flag", "x" * 101, "kept/../../outside", "ünï"])
def test_import_gguf_refuses_unsafe_names_and_touches_nothing(world, capsys, name):
    tmp, home, gguf, _ = world
    before = _tree(tmp)
    _refused(capsys, ["models", "import-gguf", str(gguf), f"--name={name}"], "--name", "not a valid model name")
    assert _tree(tmp) == before  # nothing created, replaced or deleted anywhere under tmp


def test_non_gguf_file_is_refused_before_any_folder_is_created(world, capsys):
    tmp, home, _, notgguf = world
    before = _tree(tmp)
    _refused(capsys, ["models", "import-gguf", str(notgguf), "--name", "mine"], "weights.bin", "not a GGUF file")
    _refused(capsys, ["models", "import-gguf", str(tmp / "missing.gguf"), "--name", "mine"], "missing.gguf")
    assert _tree(tmp) == before and not (home / "models" / "mine").exists()


def test_symlinked_target_is_not_followed_or_replaced(world, capsys):
    tmp, home, gguf, _ = world
    (home / "models" / "link").symlink_to(tmp / "outside", target_is_directory=True)
    before = _tree(tmp)
    _refused(capsys, ["models", "import-gguf", str(gguf), "--name", "link"], "symlink")
    assert _tree(tmp) == before and (tmp / "outside" / "canary.txt").read_text() == "outside PROBE_HOME"


def test_a_folder_not_made_by_probe_is_never_replaced(world, capsys):
    tmp, home, gguf, _ = world
    (home / "models" / "notes").mkdir()
    (home / "models" / "notes" / "mine.txt").write_text("user data")
    before = _tree(tmp)
    _refused(capsys, ["models", "import-gguf", str(gguf), "--name", "notes"], "not a model folder made by probe")
    assert _tree(tmp) == before


def test_registered_name_is_refused(world, capsys):
    tmp, home, gguf, _ = world
    _refused(capsys, ["models", "import-gguf", str(gguf), "--name", "smollm2-135m-instruct"], "registered model")


def test_valid_name_reaches_conversion_inside_the_models_root(world, monkeypatch):
    """A good name gets as far as the converter, with a destination directly inside $PROBE_HOME/models."""
    tmp, home, gguf, _ = world
    seen = {}

    def fake_convert(g, dest, *, name, **kw):
        seen.update(gguf=g, dest=dest, name=name)
        return dest

    monkeypatch.setattr(models, "convert_gguf", fake_convert)
    assert models.import_gguf(str(gguf), "my-model_v1.2") == home / "models" / "my-model_v1.2"
    assert seen["dest"].parent == home / "models" and seen["name"] == "my-model_v1.2"


def test_model_dir_and_resolve_never_build_a_path_from_a_bad_name(world):
    tmp, home, _, _ = world
    with pytest.raises(ProbeError, match="not a valid model name"):
        models.model_dir("../outside")
    # resolve() treats an unsafe string as a folder or hub id, never as $PROBE_HOME/models/<string>
    (tmp / "outside" / "config.json").write_text("{}")
    r = models.resolve(str(tmp / "outside"))
    assert r.path == str(tmp / "outside")


def test_corrupt_model_record_is_one_line(world):
    tmp, home, _, _ = world
    (home / "models" / "kept" / models.COMPLETE_MARKER).write_text("{not json")
    with pytest.raises(ProbeError, match="probe_model.json: unreadable model record"):
        models.resolve("kept")


def test_out_folder_checks_follow_symlinks_and_create_nothing(tmp_path):
    from probe.paths import check_out_folder, claim_run_folder, inside

    (tmp_path / "f.txt").write_text("x")
    (tmp_path / "to_file").symlink_to(tmp_path / "f.txt")
    (tmp_path / "dangling").symlink_to(tmp_path / "nowhere")
    for bad, needle in [(tmp_path / "to_file", "is an existing file"), (tmp_path / "to_file" / "sub", "is a file"),
                        (tmp_path / "dangling" / "sub", "dangling symlink")]:
        with pytest.raises(ProbeError, match=needle):
            check_out_folder(bad)
    before = sorted(p.name for p in tmp_path.iterdir())
    assert check_out_folder(tmp_path / "new" / "deeper") == tmp_path / "new" / "deeper"
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # the write test left nothing
    (tmp_path / "link").symlink_to(tmp_path / "f.txt")
    assert inside(tmp_path, tmp_path / "link") and not inside(tmp_path / "new", tmp_path / "new" / ".." / "f.txt")


def test_a_run_folder_is_resumed_by_its_own_config_only(tmp_path):
    from probe.config import config_from_dict, to_dict
    from probe.paths import claim_run_folder

    a = config_from_dict({"backend": "fake", "model": "fake", "name": "a", "turns": 1})
    a_local = config_from_dict({"backend": "fake", "model": "fake", "name": "a", "turns": 1,
                                "executor": {"name": "debug"}})
    a2 = config_from_dict({"backend": "fake", "model": "fake", "name": "a", "turns": 2})
    b = config_from_dict({"backend": "fake", "model": "fake", "name": "b", "turns": 1})
    run = tmp_path / "run"
    assert claim_run_folder(run, to_dict(a)) == run and not run.exists()  # nothing created
    run.mkdir()
    (run / "sweep.json").write_text(json.dumps(to_dict(a), default=str))
    # a folder holding no result yet (a command stopped before any cell, e.g. at a model-name typo) is reused
    for kind in ("run", "sweep"):
        assert claim_run_folder(run, to_dict(b), kind=kind) == run
    (run / "shards" / "fake").mkdir(parents=True)
    (run / "shards" / "fake" / "c0.done.json").write_text("{}")  # from here on it holds results
    for cfg, kind in [(a, "run"), (a, "sweep"), (a_local, "sweep"), (a2, "sweep")]:
        assert claim_run_folder(run, to_dict(cfg), kind=kind) == run  # resume; a sweep of the same name may grow
    with pytest.raises(ProbeError, match="holds the results of another config .'a'.; pass --overwrite"):
        claim_run_folder(run, to_dict(a2), kind="run")
    assert claim_run_folder(run, to_dict(a2), kind="run", overwrite=True) == run
    with pytest.raises(ProbeError, match="holds the run 'a', not the sweep 'b'"):
        claim_run_folder(run, to_dict(b), kind="sweep")
    with pytest.raises(ProbeError, match="holds the run 'a', not the sweep 'b'"):
        claim_run_folder(run, to_dict(b), kind="sweep", overwrite=True)


def test_signals_ignored_at_start_stay_ignored():
    import subprocess
    import sys

    from tests.helpers import ROOT

    script = ("import signal; signal.signal(signal.SIGHUP, signal.SIG_IGN)\n"
              "from probe.procs import install_signal_handlers; install_signal_handlers()\n"
              "print(signal.getsignal(signal.SIGHUP) is signal.SIG_IGN, signal.getsignal(signal.SIGTERM).__name__)")
    r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert r.stdout.split() == ["True", "_handler"], r.stderr
