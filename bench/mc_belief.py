"""Does the multiple-choice belief probe read the option the model said?  Agreement of the probe's argmax with the
option the readout reads in the first answer, on real MMLU questions, through the protocol's own turn-0 reading
(`probe.protocol.Dialogue`) and probe (`probe.belief.belief`) on vLLM.

    python bench/mc_belief.py --model smollm2-135m-instruct [--per 2] [--skip 0] [--split test] [--out rows.json]
                               [--reask]

``--per N --skip K``: questions K+1..K+N of every MMLU subject in ``$PROBE_SHARED_DATA/mmlu/<split>`` (default
../shared/data).  The form `probe.belief.option_form` uses was chosen on ``--split test --per 2``, ``--split test
--per 2 --skip 2`` and ``--split dev --per 2``; ``--split test --per 2 --skip 4`` (questions 5 and 6 of each subject)
and ``--per 4 --skip 6`` (questions 7-10) are where it was not tuned.  Prints the agreement overall and per form
(option text, letter, frame); ``--reask`` also asks the model the probe's own question and generates its reply,
splitting the agreement by whether that reply restates the first answer's option (a small model's answer to "So
what is your final answer?" often differs from its first: there, no probe of the first answer can agree with both).
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="smollm2-135m-instruct")
    ap.add_argument("--split", default="test", choices=("test", "dev"))
    ap.add_argument("--per", type=int, default=2, help="questions per subject")
    ap.add_argument("--skip", type=int, default=0, help="skip this many questions of each subject first")
    ap.add_argument("--out", type=Path, help="write one JSON row per question (reply, said option, form, p)")
    ap.add_argument("--reask", action="store_true", help="also generate the model's own reply to the probe's message "
                                                        "and split the agreement by whether it restates its option")
    args = ap.parse_args(argv)

    from probe.backends import EngineSpec, GenerateRequest, SamplingSpec, load_backend
    from probe.belief import PROBE_MESSAGE, belief, option_form
    from probe.datasets import DatasetSpec, load_dataset
    from probe.protocol import Dialogue, first_message
    from probe.readout import read_reply

    data = Path(os.environ.get("PROBE_SHARED_DATA", ROOT.parent / "shared" / "data")) / "mmlu" / args.split
    files = sorted(data.glob("*.csv"))
    if not files:
        print(f"bench/mc_belief.py: no MMLU files in {data}", file=sys.stderr)
        return 2
    items = [it for f in files for it in
             load_dataset(DatasetSpec("mmlu", str(f), limit=args.skip + args.per, name=f.stem))[0][args.skip:]]
    with load_backend("vllm", args.model, EngineSpec(dtype="float32", max_model_len=2048)) as backend:
        msgs = [({"role": "user", "content": first_message(it, "original", 0)},) for it in items]
        samples = backend.generate([GenerateRequest(m) for m in msgs], SamplingSpec(max_tokens=64, temperature=0.0))
        convs = []
        for it, m, s in zip(items, msgs, samples):
            d = Dialogue(it, "original", None, messages=[*m, {"role": "assistant", "content": s.text}])
            d.read(s.text, s.finish_reason)
            convs.append(d)
        probs = belief(backend, convs)
        again = [None] * len(convs)
        if args.reask:  # the side branch generated instead of scored: what the model answers when asked the probe's
            # question greedily
            follow = [GenerateRequest((*d.messages, {"role": "user", "content": PROBE_MESSAGE})) for d in convs]
            again = [read_reply(it, s.text).option for it, s in
                     zip(items, backend.generate(follow, SamplingSpec(max_tokens=64, temperature=0.0)))]
    rows, tally = [], {}
    for it, d, p, re_said in zip(items, convs, probs, again):
        said, reply = d.readings[0].option, d.messages[-1]["content"]
        form = option_form(it, reply, d.readings[0])
        kind = "frame" if form is None else "option text" if form.by_text else "letter"
        rows.append({"id": it.id, "reply": reply, "said": said, "form": kind, "p": p, "reasked": re_said})
        if said:
            restated = () if re_said is None else \
                ("reasked: same option",) if re_said == said else ("reasked: another option",) if re_said else \
                ("reasked: no option read",)
            for key in ("all", kind, *restated):
                hit, n = tally.get(key, (0, 0))
                tally[key] = (hit + (max(p, key=p.get) == said), n + 1)
    print(f"{args.model}: {len(items)} MMLU {args.split} questions ({args.per} per subject after {args.skip}); "
          f"{tally.get('all', (0, 0))[1]} said an option")
    for key, (hit, n) in tally.items():
        print(f"  {key:24s} belief argmax = said option: {hit}/{n} = {hit / n:.1%}")
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
