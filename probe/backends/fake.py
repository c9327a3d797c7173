"""Scripted, deterministic backend for unit tests — never a default.

A script maps questions to behaviour: the answer, the probability the "model" puts on each of its tokens, and the
pushback turn at which it gives in.  Tokens are whitespace-delimited pieces with stable ids, so confidence and
readout code runs on the same data shapes as with a real engine, and every engine call is counted.

    fake = FakeBackend({"capital of Australia": FakeScript("Canberra", 0.9, flip_turn=2, flip_to="Sydney")})
"""
from __future__ import annotations

import json
import math
import os
import re
import time
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

from ..errors import ProbeError
from .base import GenerateRequest, Sample, SamplingSpec, Scored, ScoreRequest, TokenLogprob, TopLogprob
from .lifetime import ClosesOnExit

CLOSE_LOG_ENV = "PROBE_FAKE_CLOSE_LOG"  # a file: every close() appends one line "<model> closed"


@dataclass
class CallCounter:
    """Counts engine calls; the protocol's batching contract (T+1 generate calls) is tested against it."""

    generate: int = 0
    score: int = 0
    generated_tokens: int = 0
    scored_requests: int = 0
    history: list = field(default_factory=list)


@dataclass(frozen=True)
class FakeScript:
    answer: str
    token_prob: float = 0.9  # probability of each answer token (the top-1 at its position)
    flip_turn: int | None = None  # pushback turn (1-based) from which the reply asserts flip_to
    flip_to: str = ""
    belief_correct: float = 0.8  # belief-probe probability mass put on the initial answer before the flip
    error: str = ""  # when set, any generate call that includes this question raises (tests of failure isolation)
    replies: tuple[str, ...] = ()  # replies at pushback turns 1, 2, … (the last repeats); overrides flip_turn
    samples: tuple[str, ...] = ()  # a request for n > 1 samples gets these in turn (cycled); default: the reply
    on_message: tuple[tuple[str, str], ...] = ()  # (substring of the last user message, reply): checked first
    scores: tuple[tuple[str, float], ...] = ()  # (continuation, stripped of spaces, "." and "%"; probability)


def _token_id(piece: str) -> int:
    return zlib.crc32(piece.encode()) % 49_999 + 1


def _tokens(text: str, prob: float, k: int) -> tuple[TokenLogprob, ...]:
    out = []
    for piece in re.findall(r"\s*\S+", text):
        lp = math.log(prob)
        rest = 1.0 - prob
        top = [TopLogprob(_token_id(piece), piece, lp)]
        for j in range(1, k):  # alternatives share the remaining mass geometrically
            q = rest * 0.5**j
            top.append(TopLogprob(_token_id(f"{piece}#{j}"), f"{piece}#{j}", math.log(q)))
        out.append(TokenLogprob(_token_id(piece), piece, lp, tuple(top)))
    return tuple(out)


class FakeBackend(ClosesOnExit):
    name = "fake"

    def __init__(self, scripts: dict[str, FakeScript] | None = None, model_name: str = "fake", delay_s: float = 0.0,
                 close_s: float = 0.0):
        self.scripts = dict(scripts or {})
        self.delay_s = delay_s  # sleep per generate call: makes a run slow enough to interrupt in tests
        self.close_s = close_s  # sleep in close(): a hanging engine shutdown, for the watchdog's tests
        self.closed = False
        self.close_log = os.environ.get(CLOSE_LOG_ENV)  # named when the engine starts, written when it closes
        self.model_name = model_name
        self.calls = CallCounter()
        self.requests: list[GenerateRequest] = []  # every generate request, for tests of what the model saw
        self.info = {"backend": "fake", "dtype": "n/a", "logprobs_mode": "scripted", "score_method": "scripted"}

    @classmethod
    def from_file(cls, path: str) -> "FakeBackend":
        """A JSON file ``{"question substring": {"answer": ..., "token_prob": ..., ...}}`` (for CLI tests);
        optional ``"__delay_s__"`` slows every generate call, ``"__close_s__"`` makes close() hang that long."""
        from ..paths import is_file

        p = Path(path)
        if not is_file(p):
            shown = path if len(str(path)) <= 100 else str(path)[:97] + "..."
            raise ProbeError(f"fake backend: script file not found: {shown}")
        try:
            raw = json.loads(p.read_text())
            delay = float(raw.pop("__delay_s__", 0.0))
            close_s = float(raw.pop("__close_s__", 0.0))
            scripts = {k: FakeScript(**{**v, "replies": tuple(v.get("replies", ())),
                                        "samples": tuple(v.get("samples", ())),
                                        "on_message": tuple(dict(v.get("on_message", {})).items()),
                                        "scores": tuple(dict(v.get("scores", {})).items())})
                       for k, v in raw.items()}
            return cls(scripts, model_name=p.stem, delay_s=delay,
                       close_s=close_s)
        except (ValueError, TypeError) as e:
            raise ProbeError(f"{path}: bad fake script: {e}") from None

    def _script(self, messages) -> FakeScript | None:
        first = next((m["content"] for m in messages if m["role"] == "user"), "")
        for key, script in self.scripts.items():
            if key.lower() in first.lower():
                return script
        return None

    def _script_in_case(self, messages) -> FakeScript | None:
        """The script of a later user message (latest first): a judge's case follows its few-shot examples."""
        for m in reversed(messages):
            if m["role"] == "user":
                for key, script in self.scripts.items():
                    if key.lower() in m["content"].lower():
                        return script
        return None

    def _reply(self, messages) -> tuple[str, float]:
        script = self._script(messages)
        if script is None:
            return "I am not sure.", 0.3
        last = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
        for key, reply in script.on_message:
            if key.lower() in last.lower():
                return reply, script.token_prob
        turn = sum(m["role"] == "assistant" for m in messages)
        if script.replies and turn > 0:
            return script.replies[min(turn, len(script.replies)) - 1], script.token_prob
        if script.flip_turn is not None and turn >= script.flip_turn:
            return f"You are right, I apologize. The answer is {script.flip_to}.", script.token_prob
        return (script.answer if turn == 0 else f"I am confident the answer is {script.answer}."), script.token_prob

    def generate(self, requests: Sequence[GenerateRequest], sampling: SamplingSpec) -> list[Sample]:
        for r in requests:
            script = self._script(r.messages)
            if script is not None and script.error:
                raise RuntimeError(script.error)
        if self.delay_s:
            time.sleep(self.delay_s)
        self.calls.generate += 1
        self.calls.history.append(("generate", len(requests)))
        self.requests.extend(requests)
        out = []
        for r in requests:
            text, prob = self._reply(r.messages)
            script = self._script(r.messages)
            for j in range(r.n):  # n > 1: the script's samples in turn (deterministic variants), else the reply
                if r.n > 1 and script is not None and script.samples:
                    text = script.samples[j % len(script.samples)]
                toks = _tokens(text, prob, sampling.top_logprobs)[: sampling.max_tokens]
                self.calls.generated_tokens += len(toks)
                prompt = tuple(_token_id(m["content"]) for m in r.messages)
                out.append(Sample("".join(t.token for t in toks), prompt, toks, "stop"))
        return out

    def score(self, requests: Sequence[ScoreRequest]) -> list[Scored]:
        self.calls.score += 1
        self.calls.scored_requests += len(requests)
        self.calls.history.append(("score", len(requests)))
        out = []
        for r in requests:
            script = self._script(r.messages) or self._script_in_case(r.messages)
            said = [m["content"] for m in r.messages if m["role"] == "assistant"]
            last = said[-1].lower() if said else ""
            if script is not None and not said:
                last = script.answer.lower()
            cont = r.continuation.lower().strip(" .")
            mentioned = bool(last) and (cont in last or last in cont)
            # the belief follows what was said last; unmentioned candidates share the rest
            p = (script.belief_correct if script else 0.5) if mentioned else 0.05
            scripted = dict(script.scores) if script else {}
            key = r.continuation.strip(" .%")
            p = scripted.get(key, p)
            toks = (TokenLogprob(_token_id(r.continuation), r.continuation, math.log(p)),)
            out.append(Scored(tuple(_token_id(m["content"]) for m in r.messages), toks))
        return out

    def close(self) -> None:
        if self.close_s:
            time.sleep(self.close_s)
        self.closed = True
        if self.close_log:  # tests of an entry point, in this process or a job's, see its engine closed
            with open(self.close_log, "a", encoding="utf-8") as f:
                f.write(f"{self.model_name} closed\n")
