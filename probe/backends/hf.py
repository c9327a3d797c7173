"""transformers reference backend: batched greedy/sampled generation and forward-pass scoring.

Runs where vLLM cannot (a laptop) and serves as the independent reference for vLLM's logprobs.  Logprobs are
log-softmax of the raw logits (``output_logits``), the same ``raw_logprobs`` convention as the vLLM backend.
"""
from __future__ import annotations

from typing import Sequence

from ..errors import ProbeError
from .lifetime import ClosesOnExit
from .models import ResolvedModel
from .base import (
    GenerateRequest,
    Sample,
    SamplingSpec,
    Scored,
    ScoreRequest,
    TokenLogprob,
    TopLogprob,
    continuation_ids,
    loop_end,
    render_prompt,
    score_prompt,
    cut_at_stop,
    stop_strings,
    stop_token_ids,
    token_pieces,
)
from .spec import EngineSpec

LOGPROBS_MODE = "raw_logprobs"


class HFBackend(ClosesOnExit):
    name = "hf"

    def __init__(self, model: ResolvedModel, spec: EngineSpec):
        import torch
        import transformers
        from transformers import AutoModelForCausalLM, AutoTokenizer

        self.torch = torch
        self.spec = spec
        self.model_name = model.name
        dtype = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16, "auto": "auto"}
        try:
            self.tokenizer = AutoTokenizer.from_pretrained(model.path)
            self.lm = AutoModelForCausalLM.from_pretrained(model.path, dtype=dtype[spec.dtype])
        except OSError as e:
            first = str(e).strip().splitlines()[0]
            raise ProbeError(f"backend hf: could not load model {model.path!r}: {first}") from None
        self.lm.eval()
        torch.manual_seed(spec.seed)
        self.device = "cuda" if torch.cuda.is_available() else "cpu"
        self.lm.to(self.device)
        self.pad_id = self.tokenizer.pad_token_id
        if self.pad_id is None:
            self.pad_id = self.tokenizer.eos_token_id
        self._stop = stop_token_ids(self.tokenizer)
        self._stop_strings = stop_strings(self.tokenizer)
        self.info = {
            "backend": "hf",
            "transformers_version": transformers.__version__,
            "dtype": spec.dtype,
            "logprobs_mode": LOGPROBS_MODE,
            "score_method": "forward",
            "device": self.device,
        }

    def _batches(self, n):
        b = max(1, self.spec.hf_batch_size)
        return [range(i, min(n, i + b)) for i in range(0, n, b)]

    def generate(self, requests: Sequence[GenerateRequest], sampling: SamplingSpec) -> list[Sample]:
        torch = self.torch
        # a request for n samples is n rows of the batch (transformers' num_return_sequences does the same)
        requests = [r for r in requests for _ in range(r.n)]
        prompts = [render_prompt(self.tokenizer, r.messages) for r in requests]
        out: list[Sample] = []
        for idx in self._batches(len(prompts)):
            batch = [prompts[i] for i in idx]
            width = max(map(len, batch))
            # left padding: every row's next token is generated at the same position
            ids = torch.tensor([[self.pad_id] * (width - len(p)) + p for p in batch], device=self.device)
            mask = torch.tensor([[0] * (width - len(p)) + [1] * len(p) for p in batch], device=self.device)
            greedy = sampling.temperature == 0
            if not greedy:
                torch.manual_seed(requests[idx[0]].seed if requests[idx[0]].seed is not None else sampling.seed)
            with torch.no_grad():
                res = self.lm.generate(
                    input_ids=ids,
                    attention_mask=mask,
                    max_new_tokens=sampling.max_tokens,
                    do_sample=not greedy,
                    temperature=sampling.temperature if not greedy else None,
                    top_p=sampling.top_p if not greedy else None,
                    top_k=None,
                    eos_token_id=self._stop,
                    pad_token_id=self.pad_id,
                    output_logits=True,
                    return_dict_in_generate=True,
                    **({"stop_strings": self._stop_strings, "tokenizer": self.tokenizer} if self._stop_strings else {}),
                )
            # (steps, batch, vocab) raw logits → logprobs in float32
            logprobs = torch.stack(res.logits, dim=1).float().log_softmax(-1)
            k = max(sampling.top_logprobs, 1)
            top_v, top_i = logprobs.topk(k, dim=-1)
            for row, p in enumerate(batch):
                gen = res.sequences[row, width:].tolist()
                n = _length(gen, self._stop)
                gen = gen[:n]
                pieces = token_pieces(self.tokenizer, gen)
                keep = cut_at_stop(pieces, self._stop_strings)
                stopped = n < len(res.sequences[row, width:]) or keep < len(gen) or (gen and gen[-1] in self._stop)
                finish = "stop" if stopped else "length"
                gen, pieces = gen[:keep], pieces[:keep]
                # vLLM ends a looping request at the token that completes the loop (the same greedy tokens here)
                looped = loop_end(gen, sampling.stop_loops)
                if looped is not None and (looped < sampling.max_tokens or stopped):
                    gen, pieces, finish = gen[:looped], pieces[:looped], "repetition"
                toks = []
                for pos, (tid, piece) in enumerate(zip(gen, pieces)):
                    tv, ti = top_v[row, pos].tolist(), top_i[row, pos].tolist()
                    top = tuple(TopLogprob(i, self.tokenizer.decode([i]), v) for i, v in zip(ti, tv))
                    toks.append(TokenLogprob(tid, piece, float(logprobs[row, pos, tid]), top[: sampling.top_logprobs]))
                out.append(Sample("".join(pieces), tuple(p), tuple(toks), finish))
        return out

    def score(self, requests: Sequence[ScoreRequest]) -> list[Scored]:
        torch = self.torch
        rows = []
        for r in requests:
            p = score_prompt(self.tokenizer, r)
            c = continuation_ids(self.tokenizer, r)
            if not c:
                raise ProbeError("score: empty continuation")
            rows.append((p, c))
        out: list[Scored] = []
        for idx in self._batches(len(rows)):
            batch = [rows[i] for i in idx]
            seqs = [p + c for p, c in batch]
            width = max(map(len, seqs))
            # right padding: positions (and so results) match an unpadded forward pass exactly
            ids = torch.tensor([s + [self.pad_id] * (width - len(s)) for s in seqs], device=self.device)
            mask = torch.tensor([[1] * len(s) + [0] * (width - len(s)) for s in seqs], device=self.device)
            with torch.no_grad():
                logits = self.lm(input_ids=ids, attention_mask=mask).logits.float()
            logprobs = logits.log_softmax(-1)
            for row, (p, c) in enumerate(batch):
                pieces = token_pieces(self.tokenizer, c)
                toks = tuple(
                    TokenLogprob(tid, piece, float(logprobs[row, len(p) + k - 1, tid]))
                    for k, (tid, piece) in enumerate(zip(c, pieces))
                )
                out.append(Scored(tuple(p), toks))
        return out

    def close(self) -> None:
        """Nothing runs outside this process; drop the weights."""
        self.lm = None


def _length(gen: list[int], stop: list[int]) -> int:
    """Generated length up to and including the first stop token (padding after it is dropped)."""
    for i, t in enumerate(gen):
        if t in stop:
            return i + 1
    return len(gen)
