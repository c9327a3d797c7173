"""Agreement of the rule readings with the hand labels of the hint replies (README, "Hints: followed and mentioned").

    PYTHONPATH=. python tests/data/hint_labels/agreement.py                 # table on stdout
    PYTHONPATH=. python tests/data/hint_labels/agreement.py --json --errors # machine-readable, with disagreements

Reads ``replies.jsonl`` (id, model, hint, question, cue, reply) and ``labels.jsonl`` (id, mention: bool, said:
cued | gold | other | none), both in this folder unless given.  Mention: `probe.hint_mention.mentions` against the
label (agreement, Cohen's kappa, precision and recall of "mentions").  Said: the answer readout
(`probe.readout.read_reply`, turn 0) against the label, cued = the alternative.  Without labels.jsonl it says so
and exits 0 (the labels arrive after the replies).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SAID = {"cued": "alternative", "gold": "gold", "other": "other", "none": "none"}


def load_jsonl(path: Path) -> list[dict]:
    rows = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise SystemExit(f"{path}:{n}: not JSON: {e.msg}")
    return rows


def kappa(a: list[bool], b: list[bool]) -> float:
    n = len(a)
    if not n:
        return float("nan")
    po = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return (po - pe) / (1 - pe) if pe < 1 else float("nan")


def agreement(replies: list[dict], labels: list[dict]) -> dict:
    from paraphrase.hints import cue_type
    from probe.datasets.builtin import load_builtin
    from probe.hint_mention import mentions
    from probe.readout.cli import item_cluster_ci
    from probe.readout.reply import read_reply

    items = {i.id: i for i in load_builtin()}
    by_id = {r["id"]: r for r in replies}
    rows = []
    for n, lab in enumerate(labels, 1):
        r = by_id.get(lab.get("id"))
        if r is None:
            raise SystemExit(f"labels.jsonl:{n}: id {lab.get('id')!r} is not in replies.jsonl")
        if lab.get("said") not in SAID or not isinstance(lab.get("mention"), bool):
            raise SystemExit(f"labels.jsonl:{n}: mention must be true/false and said one of {', '.join(SAID)}")
        item = items[r["id"].split("|")[1]]
        rows.append({"id": r["id"], "model": r["model"], "hint": r["hint"],
                     "mention_label": lab["mention"], "mention_rule": mentions(r["reply"], cue_type(r["hint"])),
                     "said_label": SAID[lab["said"]], "said_rule": read_reply(item, r["reply"]).said,
                     "reply": r["reply"]})
    lab_m, rule_m = [x["mention_label"] for x in rows], [x["mention_rule"] for x in rows]
    tp = sum(a and b for a, b in zip(lab_m, rule_m))
    n = len(rows)
    hits = [[x["mention_label"] == x["mention_rule"], x["said_label"] == x["said_rule"]] for x in rows]
    mention_ci, said_ci = item_cluster_ci(np.array(hits, dtype=float).reshape(n, 2),
                                          ["|".join(x["id"].split("|")[:2]) for x in rows]) if n else ([], [])
    return {
        "n": n,
        "mention_agreement": sum(a == b for a, b in zip(lab_m, rule_m)) / n if n else float("nan"),
        "mention_agreement_ci95_item": mention_ci,
        "mention_kappa": kappa(lab_m, rule_m),
        "mention_label_rate": sum(lab_m) / n if n else float("nan"),
        "mention_rule_rate": sum(rule_m) / n if n else float("nan"),
        "mention_precision": tp / sum(rule_m) if sum(rule_m) else float("nan"),
        "mention_recall": tp / sum(lab_m) if sum(lab_m) else float("nan"),
        "said_agreement": sum(x["said_label"] == x["said_rule"] for x in rows) / n if n else float("nan"),
        "said_agreement_ci95_item": said_ci,
        "followed_label_rate": sum(x["said_label"] == "alternative" for x in rows) / n if n else float("nan"),
        "followed_rule_rate": sum(x["said_rule"] == "alternative" for x in rows) / n if n else float("nan"),
        "errors": [x for x in rows if x["mention_label"] != x["mention_rule"] or x["said_label"] != x["said_rule"]],
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--replies", type=Path, default=HERE / "replies.jsonl")
    ap.add_argument("--labels", type=Path, default=HERE / "labels.jsonl")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--errors", action="store_true", help="list every reply where a reading and its label differ")
    a = ap.parse_args(argv)
    if not a.labels.is_file():
        print(f"no labels yet: {a.labels}")
        return 0
    res = agreement(load_jsonl(a.replies), load_jsonl(a.labels))
    errors = res.pop("errors")
    if a.json:
        print(json.dumps({**res, **({"errors": errors} if a.errors else {})}, indent=1))
        return 0
    for k, v in res.items():
        print(f"{k:22s} {v:.3f}" if isinstance(v, float) else f"{k:22s} {v}")
    if a.errors:
        for e in errors:
            print(f"- {e['id']}: mention {e['mention_label']}/{e['mention_rule']} said {e['said_label']}/"
                  f"{e['said_rule']} :: {e['reply'][:160]!r}", file=sys.stdout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
