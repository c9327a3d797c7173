"""Sweep configuration and its grid of cells.

A sweep YAML is a run config with ``models`` (a list) instead of ``model``, plus ``executor`` settings:

    models:
      - {name: Qwen/Qwen2.5-0.5B-Instruct, params_b: 0.5}
      - {name: Qwen/Qwen2.5-32B-Instruct, params_b: 32, tensor_parallel_size: 4, dtype: bfloat16}
    datasets: [{format: builtin}]
    conditions: [are_you_sure, authority_4]
    turns: 5
    executor: {partition: gpu, time_min: 240, cpus_per_task: 8, mem_gb: 64}

A cell = (model, dataset, condition, variant).  Its id hashes its resolved spec and the toolkit version, so a
changed setting makes a new cell and never reuses stale rows.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..backends.spec import EngineSpec
from ..config import Condition, ProtocolConfig, RunConfig, _from_dict, normalise_lists, parse_conditions, read_yaml, validate
from ..datasets import DatasetSpec
from ..errors import ProbeError
from ..records import versions


@dataclass(frozen=True)
class ModelSpec:
    name: str
    params_b: float | None = None
    backend: str | None = None  # default: the sweep's backend
    dtype: str | None = None  # default: the sweep's engine dtype
    tensor_parallel_size: int | None = None
    max_model_len: int | None = None
    gpu_memory_utilization: float | None = None

    @property
    def slug(self) -> str:
        return re.sub(r"[^A-Za-z0-9._-]+", "_", self.name).strip("_")[:80]


@dataclass(frozen=True)
class ExecutorSpec:
    name: str = "local"  # debug | local | slurm
    partition: str | None = None
    account: str | None = None
    qos: str | None = None
    time_min: int = 240
    cpus_per_task: int = 8
    mem_gb: int = 64
    gpus_per_node: int | None = None  # default: the model's tensor_parallel_size (0 on a CPU cluster)
    array_parallelism: int = 16
    chunk_cells: int = 0  # cells batched together per engine pass; 0 = all of a model's pending cells
    setup: tuple[str, ...] = ()  # shell lines run before each job (module load …)


EXECUTORS = ("debug", "local", "slurm")


@dataclass(frozen=True)
class SweepConfig(ProtocolConfig):
    models: tuple[ModelSpec, ...] = ()
    executor: ExecutorSpec = field(default_factory=ExecutorSpec)

    def model(self, name: str) -> ModelSpec:
        for m in self.models:
            if m.name == name or m.slug == name:
                return m
        raise ProbeError(f"model {name!r} is not in this sweep ({', '.join(m.name for m in self.models)})")

    def engine_for(self, m: ModelSpec) -> EngineSpec:
        over = {k: getattr(m, k) for k in ("dtype", "tensor_parallel_size", "max_model_len", "gpu_memory_utilization")
                if getattr(m, k) is not None}
        return dataclasses.replace(self.engine, **over)

    def run_config(self, m: ModelSpec) -> RunConfig:
        return RunConfig(model=m.name, backend=m.backend or self.backend, engine=self.engine_for(m),
                         datasets=self.datasets, conditions=self.conditions, variants=self.variants, turns=self.turns,
                         sampling=self.sampling, belief_probe=self.belief_probe, system_prompt=self.system_prompt,
                         params_b=m.params_b, name=self.name)


@dataclass(frozen=True)
class Cell:
    model: ModelSpec
    dataset: DatasetSpec
    condition: Condition
    variant: str
    cell_id: str

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.dataset.label, self.condition.name, self.variant)


def cells(sweep: SweepConfig, model: ModelSpec | None = None) -> list[Cell]:
    out = []
    toolkit = versions().get("probe-sycophancy", "dev")
    for m in ([model] if model else sweep.models):
        cfg = sweep.run_config(m)
        for d in sweep.datasets:
            for c in sweep.conditions:
                for v in sweep.variants:
                    spec = {"model": dataclasses.asdict(m), "engine": dataclasses.asdict(cfg.engine_spec()),
                            "backend": cfg.backend, "dataset": dataclasses.asdict(d),
                            "condition": dataclasses.asdict(c), "variant": v, "turns": sweep.turns,
                            "sampling": dataclasses.asdict(sweep.sampling), "belief_probe": sweep.belief_probe,
                            "system_prompt": sweep.system_prompt, "toolkit": toolkit}
                    blob = json.dumps(spec, sort_keys=True, default=str)
                    out.append(Cell(m, d, c, v, hashlib.sha256(blob.encode()).hexdigest()[:16]))
    return out


def sweep_from_dict(raw: dict) -> SweepConfig:
    raw, conditions = normalise_lists(raw)
    raw.setdefault("name", "sweep")
    if "model" in raw and "models" not in raw:
        raw["models"] = [raw.pop("model")]
    models = raw.pop("models", None)
    if not isinstance(models, list) or not models:
        raise ProbeError("models: expected a non-empty list of models")
    raw["models"] = [{"name": m} if isinstance(m, str) else m for m in models]
    sweep = dataclasses.replace(_from_dict(SweepConfig, raw, ""), conditions=parse_conditions(conditions))
    names = [m.name for m in sweep.models]
    if len(set(names)) != len(names):
        raise ProbeError("models: duplicate model names")
    if sweep.executor.name not in EXECUTORS:
        raise ProbeError(f"executor.name: {sweep.executor.name!r} is not one of {', '.join(EXECUTORS)}")
    for i, m in enumerate(sweep.models):
        try:
            validate(sweep.run_config(m))
        except ProbeError as e:
            raise ProbeError(f"models[{i}] ({m.name}): {e}") from None
    return sweep


def load_sweep(path: str | Path) -> SweepConfig:
    raw = read_yaml(path)
    try:
        return sweep_from_dict(raw)
    except ProbeError as e:
        raise ProbeError(f"{path}: {e}") from None


def sweep_to_dict(sweep: SweepConfig) -> dict:
    d = dataclasses.asdict(sweep)
    d["conditions"] = [dataclasses.asdict(c) for c in sweep.conditions]
    for ds in d["datasets"]:
        ds["mapping"] = dict(ds["mapping"])
    return d
