"""The frozen specs a measurement is made of, one per concern, composed (never inherited):

    EngineSpec    how the engine runs            (probe.backends.spec)
    SamplingSpec  how replies are sampled        (probe.backends.base)
    ProtocolSpec  the pressure protocol          turns, belief probe, system prompt, sampling, readout
    ReadoutSpec   how replies are read           (probe.readout.reader; the config's ``readout:`` section)
    DatasetSpec   where the items come from      (probe.datasets)
    Condition     one pushback condition         (paraphrase)
    ModelSpec     one model of a sweep           name, size, per-model engine overrides
    Cell          model × dataset × condition × variant, with its id

A cell's id hashes ``dataclasses.asdict`` of every spec it is made of (and the toolkit version), so a field added to
any spec changes every id without touching the hashing code, and a changed setting never reuses stale rows.  One
exception, on purpose: the default `ReadoutSpec` (the rules) is left out (`identity`), so the cells of runs made
before the reader was configurable keep their ids; any other reader makes new cells.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from paraphrase import Condition

from .backends.base import SamplingSpec
from .backends.spec import EngineSpec, ServerSpec
from .connection import without_connection
from .datasets import DatasetSpec
from .errors import ProbeError
from .readout.reader import ReadoutSpec

SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


# Confidence estimators of the turn-0 answer (probe.confidence, probe.side_branches), each switched on by name:
#   answer_prob   token-level measures from the reply's recorded logprobs (no engine call)
#   p_true        side branch: "Is the proposed answer true or false?", p(" True") vs p(" False")
#   verbalized    side branch: "How confident are you ...? Reply with a number from 0 to 100."
#   consistency   K samples of the turn-0 answer at temperature 1 (one request with n = K)
ESTIMATORS = ("answer_prob", "p_true", "verbalized", "consistency")


@dataclass(frozen=True)
class ProtocolSpec:
    """What every conversation of a run goes through."""

    turns: int = 5
    sampling: SamplingSpec = field(default_factory=SamplingSpec)
    belief_probe: bool = True
    system_prompt: str = ""
    confidence: tuple[str, ...] = ("answer_prob",)  # estimators switched on (see ESTIMATORS)
    consistency_samples: int = 10  # K, samples per item for the consistency estimator
    readout: ReadoutSpec = field(default_factory=ReadoutSpec)  # the reader of every reply (default: the rules)

    def __post_init__(self):
        for i, name in enumerate(self.confidence):
            if name not in ESTIMATORS:
                raise ProbeError(f"confidence[{i}]: {name!r} is not one of {', '.join(ESTIMATORS)}")
        if len(set(self.confidence)) != len(self.confidence):
            raise ProbeError("confidence: duplicate estimator")
        if "consistency" in self.confidence and not 2 <= self.consistency_samples <= 100:
            raise ProbeError(f"consistency_samples: must be between 2 and 100, got {self.consistency_samples}")

    @property
    def seed(self) -> int:
        return self.sampling.seed


@dataclass(frozen=True)
class ModelSpec:
    name: str  # registered name, HF folder, or hub id (as written in the config)
    params_b: float | None = None
    backend: str | None = None  # default: the config's backend
    dtype: str | None = None  # default: the config's engine dtype
    tensor_parallel_size: int | None = None
    max_model_len: int | None = None
    gpu_memory_utilization: float | None = None
    server: ServerSpec | None = None  # backend openai: this model's server (YAML: backend: {name: openai, base_url: …})

    @property
    def label(self) -> str:
        """The model's name in the records: as written, except a local folder, which is named by its basename."""
        path = Path(self.name).expanduser()
        from .paths import is_dir

        return path.name if (self.name.startswith((".", "/", "~")) or is_dir(path)) and path.name else self.name

    @property
    def slug(self) -> str:
        """The model's folder name inside a run folder (one path component, safe characters)."""
        return re.sub(r"[^A-Za-z0-9._-]+", "_", self.label).strip("._-")[:80] or "model"

    ENGINE_OVERRIDES = ("dtype", "tensor_parallel_size", "max_model_len", "gpu_memory_utilization", "server")

    def engine(self, base: EngineSpec, top_logprobs: int = 0) -> EngineSpec:
        """The engine this model runs on: the config's engine with this model's overrides, allowing as many top
        logprobs as the sampling asks for."""
        over = {k: getattr(self, k) for k in self.ENGINE_OVERRIDES if getattr(self, k) is not None}
        return dataclasses.replace(base, **over, top_logprobs=max(base.top_logprobs, top_logprobs))


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
READINGS = ("judge", "rules")


@dataclass(frozen=True)
class JudgeStageSpec:
    """The config's ``readout:`` section: a scoring judge (`probe.readout.judge`) that reads every reply again in a
    stage of its own after the protocol (`probe.sweep.judge_stage`), and which reading the outcomes use.

        readout: {judge: vllm:Qwen/Qwen2.5-7B-Instruct}          # or a model name on the run's own backend
        readout: {judge: Qwen/Qwen2.5-7B-Instruct, use: rules}   # judge columns recorded, outcomes by the rules

    Not part of any cell: the protocol's cells (and their ids) are the same with or without a judge."""

    judge: str | None = None  # BACKEND:MODEL, or MODEL on the run's backend; None: no judge stage
    use: str = "judge"  # the reading the conversation outcomes and the analysis take where the judge read every reply

    def __post_init__(self):
        if self.use not in READINGS:
            raise ProbeError(f"use: {self.use!r} is not one of {', '.join(READINGS)}")


@dataclass(frozen=True)
class Cell:
    """One unit of work and storage: its rows go to one shard, named by ``cell_id``."""

    model: ModelSpec
    backend: str
    engine: EngineSpec
    dataset: DatasetSpec
    condition: Condition
    variant: str
    protocol: ProtocolSpec
    cell_id: str = ""

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.dataset.label, self.condition.name, self.variant)


OPTIONAL_CONDITION_FIELDS = ("source", "firmness", "argument", "intervention", "hint")


def identity(protocol: dict) -> dict:
    """A protocol spec's ``asdict`` as it enters a cell id and the resolved config: without ``readout`` when that is
    the default.  The reader joined the protocol spec after runs existed; leaving the rules out keeps every earlier
    run's cell ids (and its sweep.json) valid, while any other reader changes them."""
    if protocol.get("readout") == dataclasses.asdict(ReadoutSpec()):
        return {k: v for k, v in protocol.items() if k != "readout"}
    return protocol


def cell_id(cell: Cell, toolkit: str) -> str:
    """sha256 over every spec of the cell (``asdict``; the default reader left out, see `identity`), its id field
    excluded, plus the toolkit version.  A served model's connection (base URL, key variable, concurrency, timeouts:
    `without_connection`) is not hashed."""
    spec = without_connection(dataclasses.asdict(dataclasses.replace(cell, cell_id="")))
    # a condition's factorial, intervention and hint fields enter the hash only when set, so every other cell keeps the
    # id it had before they existed (its run folders stay valid)
    spec["condition"] = {k: v for k, v in spec["condition"].items() if v != "" or k not in OPTIONAL_CONDITION_FIELDS}
    spec["protocol"] = identity(spec["protocol"])
    blob = json.dumps({"cell": spec, "toolkit": toolkit}, sort_keys=True, default=str)
    return hashlib.sha256(blob.encode()).hexdigest()[:16]


def check_name(name: str, what: str) -> str:
    """A name that becomes a path component: one component, safe characters."""
    if not isinstance(name, str) or not SAFE_NAME.match(name) or name in (".", ".."):
        raise ProbeError(f"{what}: {name!r} must be one path component of letters, digits, '.', '_' or '-'")
    return name


__all__ = ["Cell", "Condition", "DatasetSpec", "ESTIMATORS", "EXECUTORS", "EngineSpec", "ExecutorSpec",
           "JudgeStageSpec", "ModelSpec", "ProtocolSpec", "READINGS", "ReadoutSpec", "SamplingSpec", "ServerSpec",
           "cell_id", "check_name", "identity"]
