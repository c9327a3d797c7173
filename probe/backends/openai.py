"""The ``openai`` backend: a model served behind an OpenAI-compatible API (``vllm serve``, SGLang, TGI, a hosted API),
measured through the same protocol, records and report as an in-process engine.

    probe run experiments/smoke.yaml --backend openai --base-url http://127.0.0.1:8000/v1 [--api-key-env MY_KEY]
    # YAML: backend: {name: openai, base_url: http://127.0.0.1:8000/v1, api_key_env: MY_KEY, max_concurrency: 16,
    #                 timeout_s: 120, retries: 5, cache: ~/.cache/probe/responses, allow_approximate_scores: false}

The model name resolves through `probe.backends.models` to a local folder for its **tokenizer** (no weights are loaded):
prompts are rendered with the model's own chat template and sent as **token ids** to ``/v1/completions``, so the
server sees exactly the ids the in-process engines see (no template or BOS ambiguity).  Without a local tokenizer
(a hosted model) replies go through ``/v1/chat/completions`` and nothing can be scored.

- ``generate``: temperature, top_p and seed passed through, ``logprobs`` at most the server's maximum; the reply's
  text is decoded from the returned token ids as the vllm backend decodes its own.
- ``score``: the prompt + continuation as token ids with vLLM's ``prompt_logprobs`` (or ``echo`` + ``logprobs``),
  ``max_tokens`` 1: exact.  Where the server has neither, each continuation token is read from a one-token
  generation's top logprobs: approximate, refused unless ``allow_approximate_scores: true``.
- Start: a capability probe (`probe.backends.capabilities`), printed and written to the manifest.
- A batch's requests run concurrently (`probe.backends.http`); one that never succeeds returns a placeholder and a
  `RequestFailure` (`take_failures`), and the runner records its conversation as errored while the rest carries on.

The API key is read from the environment variable ``api_key_env`` names and only ever sent as an HTTP header.
"""
from __future__ import annotations

import dataclasses
import math
import os
import sys
from typing import Sequence

from ..errors import ProbeError
from .base import (
    LOOP_PATTERN_TOKENS,
    GenerateRequest,
    RequestFailure,
    Sample,
    SamplingSpec,
    Scored,
    ScoreRequest,
    TokenLogprob,
    TopLogprob,
    continuation_ids,
    cut_at_stop,
    loop_end,
    render_prompt,
    score_prompt,
    stop_strings,
    stop_token_ids,
    token_pieces,
)
from .capabilities import Capabilities, probe_server
from .http import Failure, ServerClient
from .lifetime import ClosesOnExit
from .spec import EngineSpec

NO_TOKENIZER = "no local tokenizer: replies go through chat completions (the server's template) and nothing is scored"
EARLIER_FAILURE = "an earlier request of this conversation failed"


def local_tokenizer(model_name: str):
    """(tokenizer, resolved model) from the model's local folder, or (None, None) when there is none."""
    from .models import resolve

    try:
        resolved = resolve(model_name)
    except ProbeError:
        return None, None
    from transformers import AutoTokenizer

    try:
        return AutoTokenizer.from_pretrained(resolved.path), resolved
    except Exception:  # a hub id that cannot be fetched here: a hosted model
        return None, resolved


def _ids_of(tokens) -> list[int] | None:
    if not isinstance(tokens, list) or not all(isinstance(t, str) and t.startswith("token_id:") for t in tokens):
        return None
    return [int(t.split(":", 1)[1]) for t in tokens]


class OpenAIBackend(ClosesOnExit):
    name = "openai"

    def __init__(self, model_name: str, spec: EngineSpec):
        server = spec.server
        if server is None:
            raise ProbeError("backend openai: name the server (--base-url URL, or backend: {name: openai, base_url: "
                             "URL} in the config)")
        key = None
        if server.api_key_env:
            key = os.environ.get(server.api_key_env)
            if not key:
                raise ProbeError(f"backend.api_key_env: the environment variable {server.api_key_env} is not set")
        self.model_name = model_name
        self.tokenizer, resolved = local_tokenizer(model_name)
        self.client = ServerClient(server, key, seed=spec.seed)
        names = (model_name, *([str(resolved.path)] if resolved is not None else []))
        self.caps: Capabilities = probe_server(ServerClient(dataclasses.replace(server, cache=None), key),
                                               self.tokenizer, spec.top_logprobs, server.model_id, names)
        problems = ([NO_TOKENIZER] if self.tokenizer is None else []) + self.caps.problems(spec.top_logprobs)
        print(f"probe: {self.caps.summary()}", file=sys.stderr)
        if problems and not server.allow_approximate_scores:
            raise ProbeError(f"backend openai: {server.base_url} cannot measure this run exactly: "
                             f"{'; '.join(problems)}. Set allow_approximate_scores: true in the backend settings to "
                             "accept it (each row records its score_method)")
        for p in problems:
            print(f"probe: warning: approximate measurement accepted: {p}", file=sys.stderr)
        if self.tokenizer is not None:
            self._stop, self._stop_strings = stop_token_ids(self.tokenizer), stop_strings(self.tokenizer)
        self.score_method = self.caps.score_method if self.tokenizer is not None else "none"
        self.progress = None  # (requests done, requests in the batch): set by the runner's progress bar
        self._failures: list[RequestFailure] = []
        self._broken: list[tuple] = []  # conversations (message prefixes) whose generate request failed
        self._pieces: dict[int, str] = {}
        self.info = {
            "backend": "openai",
            "base_url": server.base_url,
            "dtype": "served",
            "logprobs_mode": self.caps.logprobs_mode,
            "score_method": self.score_method,
            "prompts": "token ids, /v1/completions" if self.tokenizer is not None else "chat, /v1/chat/completions",
            "capabilities": self.caps.record(),
            "approximations": problems,
            "usage": self.client.usage,  # summed over the run (the same dict, read when the manifest is written)
            "params_b": getattr(resolved, "params_b", None),
            "model_path": str(resolved.path) if resolved is not None else None,
        }

    # -- failures ------------------------------------------------------------------------------------------------
    def take_failures(self) -> list[RequestFailure]:
        """The requests that failed since the last call (the runner marks their conversations errored)."""
        out, self._failures = self._failures, []
        return out

    def _broken_already(self, messages: tuple) -> bool:
        return any(messages[: len(b)] == b for b in self._broken)

    def _post(self, path: str, bodies: list[dict]) -> list:
        self.client.progress = self.progress
        return self.client.post_many(path, bodies)

    # -- generate ------------------------------------------------------------------------------------------------
    def generate(self, requests: Sequence[GenerateRequest], sampling: SamplingSpec) -> list[Sample]:
        live = [i for i, r in enumerate(requests) if not self._broken_already(tuple(r.messages))]
        bodies = [self._generate_body(requests[i], sampling) for i in live]
        body_of = dict(zip(live, bodies))
        answers = dict(zip(live, self._post("/completions" if self.tokenizer is not None else "/chat/completions",
                                            bodies)))
        out: list[Sample] = []
        for i, r in enumerate(requests):
            answer = answers.get(i, Failure(EARLIER_FAILURE, 0))
            if isinstance(answer, Failure):
                if i in answers:
                    self._failures.append(RequestFailure("generate", tuple(r.messages), str(answer)))
                    self._broken.append(tuple(r.messages))
                out += [Sample("", (), (), "error")] * r.n
                continue
            choices = sorted(answer["choices"], key=lambda c: c.get("index", 0))
            out += [self._sample(body_of[i], c, sampling) for c in choices[: r.n]]
            out += [Sample("", (), (), "error")] * (r.n - len(choices))
        return out

    def _top_k(self, sampling: SamplingSpec) -> int:
        return min(sampling.top_logprobs, self.caps.max_top_logprobs)

    def _generate_body(self, r: GenerateRequest, sampling: SamplingSpec) -> dict:
        body = {"model": self.caps.model_id, "max_tokens": sampling.max_tokens, "temperature": sampling.temperature,
                "top_p": sampling.top_p, "n": r.n}
        if sampling.temperature > 0:  # greedy needs no seed (the vllm backend passes none either)
            body["seed"] = r.seed if r.seed is not None else sampling.seed
        if self.tokenizer is None:
            return {**body, "messages": list(r.messages), "logprobs": True, "top_logprobs": self._top_k(sampling)}
        body.update(prompt=render_prompt(self.tokenizer, r.messages), logprobs=self._top_k(sampling))
        if self._stop_strings:
            body["stop"] = list(self._stop_strings)
        if self.caps.vllm_extras:
            body.update(stop_token_ids=list(self._stop), return_token_ids=True, return_tokens_as_token_ids=True)
            if sampling.stop_loops >= 2:
                lo, hi = LOOP_PATTERN_TOKENS
                body["repetition_detection"] = {"min_pattern_size": lo, "max_pattern_size": hi,
                                                "min_count": sampling.stop_loops}
        return body

    def _piece(self, tid: int) -> str:
        if tid not in self._pieces:
            self._pieces[tid] = self.tokenizer.decode([tid], skip_special_tokens=False)
        return self._pieces[tid]

    def _top(self, entry, k: int) -> tuple[TopLogprob, ...]:
        if not isinstance(entry, dict):
            return ()
        best = sorted(entry.items(), key=lambda kv: -kv[1])[:k]
        out = []
        for key, lp in best:
            tid = int(key.split(":", 1)[1]) if key.startswith("token_id:") else -1
            out.append(TopLogprob(tid, self._piece(tid) if tid >= 0 else key, float(lp)))
        return tuple(out)

    def _sample(self, body: dict, choice: dict, sampling: SamplingSpec) -> Sample:
        k = self._top_k(sampling)
        finish = str(choice.get("finish_reason") or "")
        if self.tokenizer is None:  # chat: the server's tokens as text pieces, no ids
            content = (choice.get("logprobs") or {}).get("content") or []
            tokens = tuple(TokenLogprob(-1, t.get("token", ""), float(t.get("logprob", math.nan)),
                                        tuple(TopLogprob(-1, a.get("token", ""), float(a.get("logprob", math.nan)))
                                              for a in (t.get("top_logprobs") or [])[:k])) for t in content)
            return Sample(str((choice.get("message") or {}).get("content") or ""), (), tokens, finish)
        lp = choice.get("logprobs") or {}
        ids = choice.get("token_ids") if isinstance(choice.get("token_ids"), list) else _ids_of(lp.get("tokens"))
        if ids is None:  # a server that returns text only: its ids, as our tokenizer reads the text
            ids = list(self.tokenizer(choice.get("text") or "", add_special_tokens=False)["input_ids"])
        values = lp.get("token_logprobs") or []
        tops = lp.get("top_logprobs") or []
        pieces = token_pieces(self.tokenizer, ids)
        keep = cut_at_stop(pieces, self._stop_strings)
        ids, pieces = ids[:keep], pieces[:keep]
        looped = None if self.caps.vllm_extras else loop_end(ids, sampling.stop_loops)
        if looped is not None and (looped < sampling.max_tokens or finish == "stop"):
            ids, pieces, finish = ids[:looped], pieces[:looped], "repetition"
        tokens = tuple(TokenLogprob(int(t), piece, float(values[i]) if i < len(values) and values[i] is not None
                                    else math.nan, self._top(tops[i] if i < len(tops) else None, k))
                       for i, (t, piece) in enumerate(zip(ids, pieces)))
        return Sample("".join(pieces), tuple(body["prompt"]), tokens, finish)

    # -- score ---------------------------------------------------------------------------------------------------
    def score(self, requests: Sequence[ScoreRequest]) -> list[Scored]:
        if self.tokenizer is None:
            raise ProbeError(f"backend openai ({self.model_name}): {NO_TOKENIZER}; switch the belief probe and the "
                             "scored confidence estimators off (belief_probe: false, confidence: [answer_prob])")
        prompts, conts = [], []
        for r in requests:
            c = continuation_ids(self.tokenizer, r)
            if not c:
                raise ProbeError("score: empty continuation")
            prompts.append(score_prompt(self.tokenizer, r))
            conts.append(c)
        live = [i for i, r in enumerate(requests) if not self._broken_already(tuple(r.messages))]
        rows: dict[int, list[float] | Failure] = {i: Failure(EARLIER_FAILURE, 0) for i in range(len(requests))}
        if self.score_method in ("prompt_logprobs", "echo_logprobs"):
            rows.update(zip(live, self._score_exact([prompts[i] for i in live], [conts[i] for i in live])))
        else:
            rows.update(zip(live, self._score_top([prompts[i] for i in live], [conts[i] for i in live])))
        out = []
        for i, (r, p, c) in enumerate(zip(requests, prompts, conts)):
            row = rows[i]
            if isinstance(row, Failure):
                if i in live:
                    self._failures.append(RequestFailure("score", tuple(r.messages), str(row)))
                row = [math.nan] * len(c)
            out.append(Scored(tuple(p), tuple(TokenLogprob(t, piece, lp) for t, piece, lp in
                                              zip(c, token_pieces(self.tokenizer, c), row))))
        return out

    def _score_exact(self, prompts, conts) -> list[list[float] | Failure]:
        """One request per continuation: prompt + continuation as ids, the continuation's prompt logprobs."""
        body = {"model": self.caps.model_id, "max_tokens": 1, "temperature": 0.0}
        body.update({"prompt_logprobs": 0} if self.score_method == "prompt_logprobs" else {"echo": True, "logprobs": 0})
        answers = self._post("/completions", [{**body, "prompt": p + c} for p, c in zip(prompts, conts)])
        out = []
        for p, c, answer in zip(prompts, conts, answers):
            if isinstance(answer, Failure):
                out.append(answer)
                continue
            choice = answer["choices"][0]
            try:
                if self.score_method == "prompt_logprobs":
                    pl = choice["prompt_logprobs"]
                    out.append([float(pl[len(p) + k][str(t)]["logprob"]) for k, t in enumerate(c)])
                else:
                    values = choice["logprobs"]["token_logprobs"]
                    out.append([float(values[len(p) + k]) for k in range(len(c))])
            except (KeyError, IndexError, TypeError, ValueError) as e:
                out.append(Failure(f"answer without the continuation's prompt logprobs ({type(e).__name__})", 1))
        return out

    def _score_top(self, prompts, conts) -> list[list[float] | Failure]:
        """Approximate: each continuation token's logprob from a one-token generation's top logprobs at its
        position; a token outside the top-k gets the k-th logprob (an upper bound)."""
        k = self.caps.max_top_logprobs
        body = {"model": self.caps.model_id, "max_tokens": 1, "temperature": 0.0, "logprobs": k}
        if self.caps.vllm_extras:
            body["return_tokens_as_token_ids"] = True
        flat = [(i, j) for i, c in enumerate(conts) for j in range(len(c))]
        answers = self._post("/completions", [{**body, "prompt": prompts[i] + conts[i][:j]} for i, j in flat])
        rows: list[list[float] | Failure] = [[math.nan] * len(c) for c in conts]
        for (i, j), answer in zip(flat, answers):
            if isinstance(rows[i], Failure):
                continue
            if isinstance(answer, Failure):
                rows[i] = answer
                continue
            top = ((answer["choices"][0].get("logprobs") or {}).get("top_logprobs") or [None])[0] or {}
            tid = conts[i][j]
            value = top.get(f"token_id:{tid}", top.get(self._piece(tid)))
            rows[i][j] = float(value) if value is not None else (min(top.values()) if top else math.nan)
        return rows

    def close(self) -> None:
        """Nothing runs here: the server is not ours to stop."""


__all__ = ["OpenAIBackend", "local_tokenizer"]
