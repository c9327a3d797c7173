"""Engines behind one protocol (`generate`, `score`); `load_backend` is the registry.

    from probe.backends import load_backend, EngineSpec
    with load_backend("vllm", "smollm2-135m-instruct", EngineSpec(dtype="float32")) as backend:
        ...                                   # the engine is closed on leaving the block (`probe.backends.lifetime`)
"""
from __future__ import annotations

from ..errors import ProbeError
from .base import (
    Backend,
    GenerateRequest,
    Sample,
    SamplingSpec,
    Scored,
    ScoreRequest,
    TokenLogprob,
    TopLogprob,
)
from .fake import FakeBackend, FakeScript
from .lifetime import ClosesOnExit, close_engine
from .models import resolve
from .spec import EngineSpec

BACKENDS = ("vllm", "hf", "fake", "openai")


def load_backend(name: str, model: str, spec: EngineSpec | None = None) -> Backend:
    """Start an engine; use it as ``with load_backend(...) as backend:`` so it is closed however the block ends.
    ``model`` is resolved by `probe.backends.models.resolve` (the fake backend takes a script file)."""
    spec = spec or EngineSpec()
    if name == "fake":
        return FakeBackend.from_file(model) if model not in ("", "fake") else FakeBackend()
    if name not in BACKENDS:
        raise ProbeError(f"backend: unknown backend {name!r}; choose one of {', '.join(BACKENDS)}")
    if name == "openai":  # a served model: its server named by spec.server, the model's tokenizer from its folder
        from .openai import OpenAIBackend

        return OpenAIBackend(model, spec)
    resolved = resolve(model)
    if name == "vllm":
        from .vllm import VLLMBackend

        backend = VLLMBackend(resolved, spec)
    else:
        from .hf import HFBackend

        backend = HFBackend(resolved, spec)
    backend.info.update(model_path=resolved.path, params_b=resolved.params_b, weights_sha256=resolved.info.get("gguf_sha256"))
    return backend


__all__ = [
    "BACKENDS",
    "Backend",
    "ClosesOnExit",
    "EngineSpec",
    "FakeBackend",
    "FakeScript",
    "GenerateRequest",
    "ProbeError",
    "Sample",
    "SamplingSpec",
    "Scored",
    "ScoreRequest",
    "TokenLogprob",
    "TopLogprob",
    "close_engine",
    "load_backend",
]
