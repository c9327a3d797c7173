"""What a served model's server can measure, asked once at start (a handful of one-token requests):

- ``token_prompts``: it accepts a prompt as token ids (so the toolkit's own rendering is what the model sees);
- ``prompt_logprobs``: vLLM's ``prompt_logprobs`` field, a logprob for every prompt token but the first;
- ``echo_logprobs``: ``echo`` with ``logprobs``, an entry per prompt token + 1 (the OpenAI legacy form);
- ``token_ids``: generated tokens come back as ids (``return_token_ids`` / ``token_id:N``), not only as text;
- ``max_top_logprobs``: the most top logprobs a request may ask for (vLLM's ``--max-logprobs``, 20 by default);
- ``adds_bos``: the server puts a BOS token before a *text* prompt (vLLM #9519; token-id prompts are sent as they
  are, and ``adds_bos_to_ids`` checks that the server leaves them so);
- ``logprobs_mode``: ``raw_logprobs`` when a token's logprob is the same at temperature 0 and 2 (before
  temperature, as the in-process engines record it), else ``processed_logprobs``.

Scores are exact (``score_method`` ``prompt_logprobs`` or ``echo_logprobs``) when the server takes token-id prompts
and returns their logprobs; otherwise each continuation token is read from a one-token generation's top logprobs
(``top_logprobs``: approximate — a token outside the top-k gets the k-th logprob, an upper bound).

    caps = probe_server(client, tokenizer, want_top_logprobs=20)
    caps.score_method, caps.problems(20)        # "prompt_logprobs", [] on vLLM
"""
from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from ..errors import ProbeError
from .http import Failure, ServerClient

EXACT_SCORE_METHODS = ("prompt_logprobs", "echo_logprobs")
APPROXIMATE_SCORE_METHOD = "top_logprobs"
VLLM_EXTRAS = {"prompt_logprobs": 0, "return_token_ids": True, "return_tokens_as_token_ids": True}
TOP_LOGPROBS_TRIES = (100, 50, 20, 10, 5, 1)
PROBE_MESSAGE = "Hello"


@dataclass(frozen=True)
class Capabilities:
    model_id: str
    max_model_len: int | None = None
    token_prompts: bool = False
    prompt_logprobs: bool = False
    echo_logprobs: bool = False
    token_ids: bool = False
    max_top_logprobs: int = 0
    adds_bos: bool | None = None
    adds_bos_to_ids: bool = False
    logprobs_mode: str = "unknown"
    vllm_extras: bool = False

    @property
    def score_method(self) -> str:
        if self.token_prompts and not self.adds_bos_to_ids:
            if self.prompt_logprobs:
                return "prompt_logprobs"
            if self.echo_logprobs:
                return "echo_logprobs"
        return APPROXIMATE_SCORE_METHOD

    @property
    def exact_scores(self) -> bool:
        return self.score_method in EXACT_SCORE_METHODS

    def problems(self, want_top_logprobs: int) -> list[str]:
        """What this server cannot measure exactly for a run that asks for ``want_top_logprobs``."""
        out = []
        if not self.token_prompts:
            out.append("it does not take token-id prompts")
        elif self.adds_bos_to_ids:
            out.append("it adds a BOS token to token-id prompts")
        elif not self.exact_scores:
            out.append("it returns no prompt logprobs (neither prompt_logprobs nor echo with logprobs)")
        if self.max_top_logprobs < want_top_logprobs:
            out.append(f"it returns at most {self.max_top_logprobs} top logprobs, the run asks for "
                       f"{want_top_logprobs} (sampling.top_logprobs)")
        if self.logprobs_mode == "processed_logprobs":
            out.append("its logprobs are taken after temperature (the in-process engines record raw logprobs)")
        return out

    def record(self) -> dict:
        return {**dataclasses.asdict(self), "score_method": self.score_method, "exact_scores": self.exact_scores}

    def summary(self) -> str:
        bos = {None: "unknown", True: "yes", False: "no"}[self.adds_bos]
        return (f"server {self.model_id!r}: token-id prompts {'yes' if self.token_prompts else 'no'}, prompt logprobs "
                f"{'yes' if self.prompt_logprobs else 'echo' if self.echo_logprobs else 'no'}, token ids "
                f"{'yes' if self.token_ids else 'no'}, top logprobs <= {self.max_top_logprobs}, BOS added to text "
                f"{bos}, {self.logprobs_mode}; scores {'exact' if self.exact_scores else 'APPROXIMATE'} "
                f"({self.score_method})")


def _choose_model(client: ServerClient, wanted: str | None, names: tuple[str, ...]) -> tuple[str, int | None]:
    answer = client.get("/models")
    if isinstance(answer, Failure):
        raise ProbeError(f"backend openai: {client.spec.base_url}/models: {answer}; is the server up, and does "
                         "base_url end in /v1?")
    models = {m.get("id"): m for m in answer["data"] if isinstance(m, dict) and m.get("id")}
    if wanted:
        if wanted not in models:
            raise ProbeError(f"backend.model_id: the server has no model {wanted!r} (it serves "
                             f"{', '.join(map(repr, models)) or 'none'})")
        pick = wanted
    elif len(models) == 1:
        pick = next(iter(models))
    else:
        by_name = [m for m in models if m in names or m.rstrip("/").rsplit("/", 1)[-1] in names]
        if len(by_name) != 1:
            raise ProbeError(f"backend openai: the server serves {len(models)} models ({', '.join(map(repr, models))});"
                             " name one with backend.model_id")
        pick = by_name[0]
    length = models[pick].get("max_model_len")
    return pick, length if isinstance(length, int) else None


def _one(client: ServerClient, body: dict):
    return client.post_many("/completions", [body])[0]


def _refused(answer) -> bool:
    return (isinstance(answer, Failure) and answer.reason.startswith("HTTP 4")
            and not answer.reason.startswith("HTTP 429"))


def _ids_of(tokens) -> list[int] | None:
    """``token_id:N`` strings (vLLM's return_tokens_as_token_ids) as ids, or None."""
    if not isinstance(tokens, list) or not all(isinstance(t, str) and t.startswith("token_id:") for t in tokens):
        return None
    return [int(t.split(":", 1)[1]) for t in tokens]


def probe_server(client: ServerClient, tokenizer, want_top_logprobs: int, model_id: str | None = None,
                 names: tuple[str, ...] = ()) -> Capabilities:
    """Ask the server what it can do; raises `ProbeError` when it cannot be reached or refuses every form."""
    mid, length = _choose_model(client, model_id, names)
    caps = Capabilities(model_id=mid, max_model_len=length)
    if tokenizer is None:  # a hosted model without a local tokenizer: chat completions only
        return dataclasses.replace(caps, max_top_logprobs=_max_top(client, {"model": mid, "prompt": PROBE_MESSAGE}))
    from .base import render_prompt

    ids = render_prompt(tokenizer, ({"role": "user", "content": PROBE_MESSAGE},))
    base = {"model": mid, "prompt": ids, "max_tokens": 1, "temperature": 0.0, "logprobs": 1, "echo": True}
    answer, extras = _one(client, {**base, **VLLM_EXTRAS}), True
    if _refused(answer):
        answer, extras = _one(client, base), False
    if _refused(answer):
        return dataclasses.replace(caps, max_top_logprobs=_max_top(client, {"model": mid, "prompt": PROBE_MESSAGE}))
    if isinstance(answer, Failure):
        raise ProbeError(f"backend openai: capability probe of {client.spec.base_url}: {answer}")
    choice = answer["choices"][0]
    lp = choice.get("logprobs") or {}
    echoed = lp.get("token_logprobs")
    pl = choice.get("prompt_logprobs")
    seen = choice.get("prompt_token_ids") or None
    if seen is None and isinstance(lp.get("tokens"), list):
        seen = (_ids_of(lp["tokens"]) or [None] * len(lp["tokens"]))[: len(lp["tokens"]) - 1] or None
    adds_bos_to_ids = seen is not None and len(seen) != len(ids)
    prompt_lps = isinstance(pl, list) and len(pl) == len(ids) and all(
        isinstance(pl[i], dict) and str(ids[i]) in pl[i] for i in range(1, len(ids)))
    caps = dataclasses.replace(
        caps, token_prompts=True, vllm_extras=extras, adds_bos_to_ids=adds_bos_to_ids,
        prompt_logprobs=prompt_lps,
        echo_logprobs=isinstance(echoed, list) and len(echoed) == len(ids) + 1,
        token_ids=isinstance(choice.get("token_ids"), list) or _ids_of(lp.get("tokens")) is not None,
        max_top_logprobs=_max_top(client, {"model": mid, "prompt": ids}),
        adds_bos=_adds_bos(client, mid, tokenizer, extras))
    return dataclasses.replace(caps, logprobs_mode=_logprobs_mode(client, mid, ids) if caps.max_top_logprobs else
                               "unknown")


def _max_top(client: ServerClient, base: dict) -> int:
    """The most top logprobs a request may ask for: vLLM names its maximum when asked for more; otherwise the
    largest of `TOP_LOGPROBS_TRIES` accepted (and really returned)."""
    for n in TOP_LOGPROBS_TRIES:
        answer = _one(client, {**base, "max_tokens": 1, "temperature": 0.0, "logprobs": n})
        if isinstance(answer, Failure):
            m = re.search(r"max(?:imum)? allowed:? (\d+)", answer.reason)
            if m and int(m.group(1)) < n:
                return int(m.group(1))
            continue
        top = ((answer["choices"][0].get("logprobs") or {}).get("top_logprobs") or [None])[0]
        return min(n, len(top)) if isinstance(top, dict) else 0
    return 0


def _adds_bos(client: ServerClient, mid: str, tokenizer, extras: bool) -> bool | None:
    """Does the server put BOS before a text prompt?  Its tokenisation of "Hello" against ours without specials."""
    body = {"model": mid, "prompt": PROBE_MESSAGE, "max_tokens": 1, "temperature": 0.0, "logprobs": 1, "echo": True}
    answer = _one(client, {**body, **({"return_token_ids": True} if extras else {})})
    if isinstance(answer, Failure):
        return None
    choice = answer["choices"][0]
    plain = list(tokenizer(PROBE_MESSAGE, add_special_tokens=False)["input_ids"])
    seen = choice.get("prompt_token_ids")
    if isinstance(seen, list):
        return len(seen) > len(plain) and seen[-len(plain):] == plain
    tokens = (choice.get("logprobs") or {}).get("tokens")
    return len(tokens) - 1 > len(plain) if isinstance(tokens, list) else None


def _logprobs_mode(client: ServerClient, mid: str, ids: list[int]) -> str:
    """raw_logprobs when the greedy token's logprob is the same at temperature 0 and 2."""
    tops = []
    for temperature in (0.0, 2.0):
        answer = _one(client, {"model": mid, "prompt": ids, "max_tokens": 1, "temperature": temperature, "seed": 1,
                               "logprobs": 1})
        if isinstance(answer, Failure):
            return "unknown"
        top = ((answer["choices"][0].get("logprobs") or {}).get("top_logprobs") or [None])[0]
        if not isinstance(top, dict) or not top:
            return "unknown"
        tops.append(top)
    best = max(tops[0], key=tops[0].get)
    if best not in tops[1]:
        return "processed_logprobs"
    return "raw_logprobs" if abs(tops[0][best] - tops[1][best]) < 1e-4 else "processed_logprobs"


__all__ = ["APPROXIMATE_SCORE_METHOD", "Capabilities", "EXACT_SCORE_METHODS", "probe_server"]
