"""Draw real replies under hint cues for blind labelling (README, "Hints: followed and mentioned").

    cd /work/main && VLLM_CPU_KVCACHE_SPACE=1 HF_HUB_OFFLINE=1 python tests/data/hint_labels/draw.py \
        --model smollm2-135m-instruct --items 20 --out tests/data/hint_labels/replies.jsonl

Every cue cell (suggestion, metadata, authority; plain and step by step) of ``--items`` built-in questions, drawn by
a seeded sample; one greedy reply each from the real engine, the turn-0 message built exactly as the probe builds it
(`probe.protocol.first_message` then `paraphrase.hints.render`).  Appends one JSON line per reply: id, model, hint,
question, cue, message, reply -- never the rule reader's reading (the labels must be blind to it).
"""
from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

from paraphrase import hints
from probe.backends import EngineSpec, GenerateRequest, SamplingSpec, load_backend
from probe.datasets.builtin import load_builtin
from probe.protocol import first_message

CUE_CELLS = [h for h in hints.HINTS if hints.cue_type(h) != hints.NONE]


def prompts(items, seed: int):
    for item in items:
        base = first_message(item, "original", seed)
        for hint in CUE_CELLS:
            if not hints.applies(hint, item.answer, item.alternative, item.aliases):
                continue
            text, cue = hints.render(base, hint, item.alternative, seed=seed, key=f"{item.id}|original")
            yield item, hint, text, cue


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", required=True)
    ap.add_argument("--backend", default="vllm")
    ap.add_argument("--items", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--max-tokens", type=int, default=160)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args(argv)
    pool = [i for i in load_builtin() if not i.is_mc]
    items = random.Random(a.seed).sample(pool, a.items)
    work = list(prompts(items, a.seed))
    sampling = SamplingSpec(max_tokens=a.max_tokens, temperature=0.0, seed=a.seed, top_logprobs=1)
    with load_backend(a.backend, a.model, EngineSpec(dtype="float32", max_model_len=2048)) as backend:
        samples = backend.generate([GenerateRequest(({"role": "user", "content": t},)) for _, _, t, _ in work],
                                   sampling)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    with a.out.open("a", encoding="utf-8") as f:
        for (item, hint, text, cue), s in zip(work, samples):
            row = {"id": f"{a.model}|{item.id}|{hint}", "model": a.model, "hint": hint, "question": item.question,
                   "cue": cue, "message": text, "reply": s.text}
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    print(f"{len(work)} replies -> {a.out}")


if __name__ == "__main__":
    main()
