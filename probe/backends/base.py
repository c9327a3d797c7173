"""The backend protocol: two batched methods, nothing engine-specific outside the backend modules.

    generate(requests, sampling) -> list[Sample]     # one engine call for the whole batch; a request with n > 1
                                                     # contributes n consecutive samples (`group_samples`)
    score(requests)              -> list[Scored]     # logprobs of given continuations, one engine call
    close()                                          # release the engine

A conversation's messages are a tuple of ``{"role", "content"}`` dicts (`Messages`).  Prompts are rendered to token ids *here*, with the
model's own tokenizer, so every backend sees exactly the same ids: the chat template when the tokenizer has one,
otherwise a plain question/answer template for base models.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Protocol, Sequence

Message = dict  # {"role": "system"|"user"|"assistant", "content": str}
Messages = tuple  # tuple[Message, ...]


@dataclass(frozen=True)
class TopLogprob:
    id: int
    token: str
    logprob: float


@dataclass(frozen=True)
class TokenLogprob:
    """One token with its logprob and the top-k alternatives at that position (raw, before temperature)."""

    id: int
    token: str  # this token's piece of the decoded text: "".join(pieces) == text
    logprob: float
    top: tuple[TopLogprob, ...] = ()


@dataclass(frozen=True)
class SamplingSpec:
    # SmolLM2-135M on the built-in questions (T = 2, 4 conditions, max_tokens 320): every turn-0 reply and 93.9 % of
    # all replies end within 128 tokens; the other 6.1 % are repetition loops that do not end at 320 either.
    max_tokens: int = 128
    temperature: float = 0.0  # 0 = greedy
    top_p: float = 1.0
    seed: int = 0
    top_logprobs: int = 20
    # End a reply once a phrase of 3-32 tokens has come this many times in a row at its end (vLLM's repetition
    # detection; finish_reason "repetition"; 0 = off).  SmolLM2's "I'm not. I'm not. ..." loops ran to max_tokens
    # in 11 % of the embedded default's replies: tokens that cost engine time and read as nothing.
    stop_loops: int = 4


LOOP_PATTERN_TOKENS = (3, 32)  # shortest and longest repeated phrase stop_loops looks for: 3, not 1, so "1000000"
# (one token per digit) is never cut


def loop_end(token_ids: Sequence[int], min_count: int, pattern=LOOP_PATTERN_TOKENS) -> int | None:
    """Length of the shortest prefix whose tail is one phrase repeated ``min_count`` times (the token at which
    vLLM's repetition detection ends the request), or None.  Backends without the engine feature cut with it."""
    if min_count < 2:
        return None
    lo, hi = pattern
    for end in range(lo * min_count, len(token_ids) + 1):
        tail = token_ids[:end]
        for size in range(lo, min(hi, end // min_count) + 1):
            block = tail[end - size :]
            if all(tail[end - size * (m + 1) : end - size * m] == block for m in range(1, min_count)):
                return end
    return None


@dataclass(frozen=True)
class GenerateRequest:
    messages: Messages
    seed: int | None = None  # per-request seed for sampling; None → SamplingSpec.seed
    n: int = 1  # samples of this prompt; generate returns them consecutively (the prompt is computed once)


@dataclass(frozen=True)
class ScoreRequest:
    messages: Messages  # ends with a user turn; the assistant turn is opened by the template
    continuation: str
    continuation_ids: tuple[int, ...] | None = None  # score these exact ids instead of tokenising the text
    assistant_prefix: str = ""  # text that opens the reply before the continuation, conditioned on but not scored
    end_of_reply: bool = False  # also score the end of the reply after the continuation (`reply_end_ids`)


@dataclass(frozen=True)
class Sample:
    text: str
    prompt_token_ids: tuple[int, ...]
    tokens: tuple[TokenLogprob, ...]
    finish_reason: str = ""

    @property
    def token_ids(self) -> tuple[int, ...]:
        return tuple(t.id for t in self.tokens)


@dataclass(frozen=True)
class Scored:
    prompt_token_ids: tuple[int, ...]
    tokens: tuple[TokenLogprob, ...]

    @property
    def logprob_sum(self) -> float:
        return float(sum(t.logprob for t in self.tokens))


@dataclass(frozen=True)
class RequestFailure:
    """A request a served model never answered (after its retries): its conversation so far and why.  In its place
    ``generate`` returns an empty `Sample` (finish_reason "error") and ``score`` a `Scored` of NaN logprobs, so the
    other conversations of the batch carry on; the runner marks every conversation this request belongs to as
    errored (`probe.sweep.failures`) and a rerun runs them again."""

    kind: str  # "generate" or "score"
    messages: Messages
    reason: str


def group_samples(requests: Sequence[GenerateRequest], samples: Sequence[Sample]) -> list[list[Sample]]:
    """A flat ``generate`` result regrouped per request (request i's ``n`` samples, in order)."""
    out, at = [], 0
    for r in requests:
        out.append(list(samples[at : at + r.n]))
        at += r.n
    if at != len(samples):
        raise ValueError(f"generate returned {len(samples)} samples for {at} requested")
    return out


class Backend(Protocol):
    name: str
    model_name: str
    info: dict  # what was measured how: dtype, logprobs_mode, versions, engine settings

    def generate(self, requests: Sequence[GenerateRequest], sampling: SamplingSpec) -> list[Sample]: ...

    def score(self, requests: Sequence[ScoreRequest]) -> list[Scored]: ...

    def close(self) -> None:
        """Release the engine (its worker processes end here, not at interpreter exit)."""


BASE_TEMPLATE_SYSTEM = "{content}\n\n"
BASE_TEMPLATE_USER = "Question: {content}\nAnswer:"
BASE_TEMPLATE_ASSISTANT = " {content}\n\n"


def render_prompt(tokenizer, messages: Messages) -> list[int]:
    """Token ids of a conversation with the assistant turn opened.

    Chat models: the tokenizer's chat template with ``add_generation_prompt``.  Base models (no template): a plain
    ``Question: …\\nAnswer:`` transcript, so a pushback reads as the next question about the same topic.
    """
    if getattr(tokenizer, "chat_template", None):
        ids = tokenizer.apply_chat_template(list(messages), add_generation_prompt=True, tokenize=True)
        if isinstance(ids, dict) or hasattr(ids, "keys"):  # transformers 5 may return a BatchEncoding
            ids = ids["input_ids"]
        return list(ids)
    parts, question = [], None
    tpl = {"system": BASE_TEMPLATE_SYSTEM, "user": BASE_TEMPLATE_USER, "assistant": BASE_TEMPLATE_ASSISTANT}
    for m in messages:
        content = m["content"].strip()
        if m["role"] == "user":
            # a base model answers "Are you sure?" with yes/no: every later user turn asks the question again, so
            # the next line of the transcript is an answer to it ("Question: Are you sure? What is …? Answer:")
            if question is None:
                question = content
            else:
                content = f"{content} {question}"
        parts.append(tpl[m["role"]].format(content=content))
    ids = list(tokenizer("".join(parts), add_special_tokens=True)["input_ids"])
    bos = tokenizer.bos_token_id
    # GGUF-converted tokenizers may not add BOS themselves; Gemma and Llama-family models degrade badly without it
    if bos is not None and (not ids or ids[0] != bos):
        ids = [bos] + ids
    return ids


def score_prompt(tokenizer, request: ScoreRequest) -> list[int]:
    """The conditioning ids of a score request: the templated conversation plus any assistant prefix."""
    ids = render_prompt(tokenizer, request.messages)
    if request.assistant_prefix:
        ids += list(tokenizer(request.assistant_prefix, add_special_tokens=False)["input_ids"])
    return ids


END_OF_TURN_TOKENS = ("<|im_end|>", "<end_of_turn>", "<|eot_id|>")  # ChatML, Gemma, Llama 3


def continuation_ids(tokenizer, request: ScoreRequest) -> list[int]:
    if request.continuation_ids is not None:
        ids = list(request.continuation_ids)
    else:
        ids = list(tokenizer(request.continuation, add_special_tokens=False)["input_ids"])
    return ids + reply_end_ids(tokenizer) if request.end_of_reply else ids


def reply_end_ids(tokenizer) -> list[int]:
    """The token that ends an assistant reply: a chat template's end-of-turn token (``<|im_end|>``,
    ``<end_of_turn>``, ``<|eot_id|>``, else EOS).  A base model's transcript has none: its line ends at a newline
    that may be one of several tokens ("\\n", "\\n\\n"), so nothing is scored there."""
    if not getattr(tokenizer, "chat_template", None):
        return []
    end = next((tid for tok in END_OF_TURN_TOKENS if (tid := _vocab_id(tokenizer, tok)) is not None),
               tokenizer.eos_token_id)
    return [] if end is None else [end]


def _vocab_id(tokenizer, token: str) -> int | None:
    """The id of a special token the vocabulary really has (a missing one comes back as unk or -1), or None."""
    tid = tokenizer.convert_tokens_to_ids(token)
    return tid if isinstance(tid, int) and tid >= 0 and tid != tokenizer.unk_token_id else None


def stop_strings(tokenizer) -> list[str]:
    """Base models (no chat template) answer on one line of the Question/Answer transcript; chat models stop on
    their end-of-turn token instead."""
    return [] if getattr(tokenizer, "chat_template", None) else ["\n"]


def cut_at_stop(pieces: Sequence[str], stops: Sequence[str]) -> int:
    """How many tokens precede the first stop string (a token that contains its start is dropped)."""
    if not stops:
        return len(pieces)
    text, ends = "", []
    for p in pieces:
        text += p
        ends.append(len(text))
    hits = [i for i in (text.find(s) for s in stops) if i >= 0]
    if not hits:
        return len(pieces)
    at = min(hits)
    return sum(1 for e in ends if e <= at)


def stop_token_ids(tokenizer) -> list[int]:
    """EOS plus the chat end-of-turn token, so a reply ends where the template closes the assistant turn."""
    ids = {tokenizer.eos_token_id} if tokenizer.eos_token_id is not None else set()
    ids |= {tid for tok in (*END_OF_TURN_TOKENS, "<|endoftext|>") if (tid := _vocab_id(tokenizer, tok)) is not None}
    return sorted(ids)


def token_pieces(tokenizer, ids: Sequence[int], window: int = 6) -> list[str]:
    """One text piece per token such that the pieces join to the decoded text.

    Each piece is ``decode(ids[s:i+1])`` minus ``decode(ids[s:i])`` over a short window (as vLLM's incremental
    detokenizer does): linear in length, and a multi-byte character split over tokens lands on the token that
    completes it (earlier tokens get an empty piece) instead of a replacement character.
    """
    pieces: list[str] = []
    for i in range(len(ids)):
        s = max(0, i - window)
        old = tokenizer.decode(list(ids[s:i]), skip_special_tokens=True) if i > s else ""
        new = tokenizer.decode(list(ids[s : i + 1]), skip_special_tokens=True)
        if new.endswith("\ufffd"):  # incomplete UTF-8: wait for the token that completes the character
            pieces.append("")
            continue
        old = old.rstrip("\ufffd")
        pieces.append(new[len(old) :] if new.startswith(old) else new[len(os.path.commonprefix([old, new])) :])
    return pieces
