"""Run configuration: frozen dataclasses loaded from YAML, validated up front with errors that name the field.

    model: smollm2-135m-instruct        # registered name, HF folder, or hub id
    backend: vllm                       # vllm | hf | fake
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

from .backends.base import SamplingSpec
from .backends.spec import EngineSpec
from .datasets import FORMATS, DatasetSpec
from .errors import ProbeError

DEFAULT_CONDITIONS = ("are_you_sure", "disagree", "authority_4", "fact_check", "neutral")


@dataclass(frozen=True)
class ProtocolConfig:
    """What a run and a sweep share: the engine defaults, the data, the pressure and the sampling."""

    backend: str = "vllm"
    engine: EngineSpec = field(default_factory=EngineSpec)
    datasets: tuple[DatasetSpec, ...] = (DatasetSpec("builtin"),)
    conditions: tuple[Condition, ...] = ()
    variants: tuple[str, ...] = ("original",)
    turns: int = 5
    sampling: SamplingSpec = field(default_factory=SamplingSpec)
    belief_probe: bool = True
    system_prompt: str = ""
    name: str = ""


@dataclass(frozen=True)
class RunConfig(ProtocolConfig):
    model: str = "smollm2-135m-instruct"
    params_b: float | None = None

    def engine_spec(self) -> EngineSpec:
        """The engine settings, allowing as many top logprobs as the sampling asks for."""
        return dataclasses.replace(self.engine, top_logprobs=max(self.engine.top_logprobs, self.sampling.top_logprobs))

    def protocol_spec(self):
        from .protocol import ProtocolSpec

        return ProtocolSpec(turns=self.turns, sampling=self.sampling, belief_probe=self.belief_probe,
                            system_prompt=self.system_prompt, seed=self.sampling.seed)

    def record_columns(self, backend, run_id: str, model_name: str) -> dict:
        """Run-level columns stamped on every record row (how it was measured)."""
        return {"run_id": run_id, "model": model_name, "backend": backend.name,
                "dtype": backend.info.get("dtype", self.engine.dtype),
                "logprobs_mode": backend.info.get("logprobs_mode", ""),
                "params_b": self.params_b if self.params_b is not None else backend.info.get("params_b")}


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


def read_yaml(path: str | Path) -> dict:
    """A YAML mapping, or a one-line error naming the file (and the line of a syntax error)."""
    path = Path(path)
    if not path.is_file():
        raise ProbeError(f"config not found: {path}")
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        at = f":{mark.line + 1}" if mark else ""
        raise ProbeError(f"{path}{at}: invalid YAML: {getattr(e, 'problem', e)}") from None
    if not isinstance(raw, dict):
        raise ProbeError(f"{path}: expected a mapping at the top level")
    return raw


def normalise_lists(raw: dict) -> tuple[dict, list]:
    """Pop the condition list (parsed separately) and expand dataset shorthands (``- builtin``)."""
    raw = dict(raw)
    conditions = raw.pop("conditions", list(DEFAULT_CONDITIONS))
    if not isinstance(conditions, list) or not conditions:
        raise ProbeError("conditions: expected a non-empty list")
    if isinstance(raw.get("datasets"), list):
        raw["datasets"] = [{"format": d} if isinstance(d, str) else d for d in raw["datasets"]]
    return raw, conditions


def parse_conditions(conditions: list) -> tuple[Condition, ...]:
    conds = tuple(parse_condition(c, f"conditions[{i}]") for i, c in enumerate(conditions))
    if len({c.name for c in conds}) != len(conds):
        raise ProbeError("conditions: duplicate condition names")
    return conds


def load_config(path: str | Path, overrides: dict | None = None) -> RunConfig:
    raw = read_yaml(path)
    raw = {**raw, **{k: v for k, v in (overrides or {}).items() if v is not None}}
    try:
        return config_from_dict(raw)
    except ProbeError as e:
        raise ProbeError(f"{path}: {e}") from None


def config_from_dict(raw: dict) -> RunConfig:
    raw, conditions = normalise_lists(raw)
    cfg = dataclasses.replace(_from_dict(RunConfig, raw, ""), conditions=parse_conditions(conditions))
    validate(cfg)
    return cfg


def validate(cfg: RunConfig) -> None:
    from .backends import BACKENDS

    if cfg.backend not in BACKENDS:
        raise ProbeError(f"backend: {cfg.backend!r} is not one of {', '.join(BACKENDS)}")
    if cfg.turns < 0:
        raise ProbeError(f"turns: must be >= 0, got {cfg.turns}")
    if not cfg.datasets:
        raise ProbeError("datasets: expected at least one dataset")
    for i, d in enumerate(cfg.datasets):
        if d.format not in FORMATS:
            raise ProbeError(f"datasets[{i}].format: {d.format!r} is not one of {', '.join(FORMATS)}")
        if d.limit is not None and d.limit < 1:
            raise ProbeError(f"datasets[{i}].limit: must be >= 1")
    s = cfg.sampling
    if s.temperature < 0:
        raise ProbeError("sampling.temperature: must be >= 0")
    if s.max_tokens < 1:
        raise ProbeError("sampling.max_tokens: must be >= 1")
    if not 0 < s.top_p <= 1:
        raise ProbeError("sampling.top_p: must be in (0, 1]")
    from paraphrase.question import VARIANTS_HELP, valid_variant

    for i, v in enumerate(cfg.variants):
        if not valid_variant(v):
            raise ProbeError(f"variants[{i}]: {v!r} is not a question variant ({VARIANTS_HELP})")


def to_dict(cfg: RunConfig) -> dict:
    """The resolved config, as recorded in manifest.json."""
    return dataclasses.asdict(cfg)
