"""Agreement of two independent readings of the same replies: the ceiling any readout can be held to.

    PYTHONPATH=. python tests/data/readout_labels/reader_agreement.py \
        tests/data/readout_labels/heldout4.jsonl tests/data/readout_labels/heldout4_reader2.jsonl

Both files label the same records (matched by ``id``) by GUIDE.md; the second reader saw neither the first reader's
labels nor the readout.  The second file may hold only ``id`` and the labels: the reply, model and item are read from
the first.  Prints the share of records on which the two readings give the same ``said`` and the same
``kind``, with 95 % intervals that resample whole (model, item) conversations (``probe readout --eval``'s own
interval), Cohen's kappa for ``said``, and every record they disagree on.
"""
from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

import numpy as np

from probe.readout.cli import item_cluster_ci


def load(path: Path) -> dict[str, dict]:
    return {rec["id"]: rec for rec in map(json.loads, path.read_text().splitlines())}


def cohen_kappa(a: list[str], b: list[str]) -> float:
    """Agreement beyond what the two readings' own class shares give by chance."""
    n = len(a)
    observed = sum(x == y for x, y in zip(a, b)) / n
    ca, cb = Counter(a), Counter(b)
    chance = sum(ca[k] * cb[k] for k in ca) / n**2
    return (observed - chance) / (1 - chance) if chance < 1 else 1.0


def agreement(first: dict[str, dict], second: dict[str, dict]) -> dict:
    ids = [i for i in first if i in second]
    if not ids:
        raise SystemExit("the two files share no record id")
    hits = np.array([[first[i]["said"] == second[i]["said"], first[i]["kind"] == second[i]["kind"]] for i in ids],
                    dtype=float)
    said_ci, kind_ci = item_cluster_ci(hits, [(first[i]["model"], first[i]["item_id"]) for i in ids])
    return {"n": len(ids), "said": float(hits[:, 0].mean()), "kind": float(hits[:, 1].mean()),
            "said_ci95_item": said_ci, "kind_ci95_item": kind_ci,
            "said_kappa": round(cohen_kappa([first[i]["said"] for i in ids], [second[i]["said"] for i in ids]), 4),
            "disagreements": [{"id": i, "reply": first[i]["reply"], "first": [first[i]["said"], first[i]["kind"]],
                               "second": [second[i]["said"], second[i]["kind"]]}
                              for i, hit in zip(ids, hits) if hit.min() < 1]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("first", type=Path)
    ap.add_argument("second", type=Path)
    args = ap.parse_args()
    res = agreement(load(args.first), load(args.second))
    ci = {k: "[{:.1%}, {:.1%}]".format(*res[f"{k}_ci95_item"]) for k in ("said", "kind")}
    print(f"{res['n']} records: said {res['said']:.1%} {ci['said']}  kind {res['kind']:.1%} {ci['kind']}  "
          f"(95 % interval over items)  said kappa {res['said_kappa']}")
    for d in res["disagreements"]:
        print(f"  {d['first']} vs {d['second']}: {d['reply'][:100]!r}")


if __name__ == "__main__":
    main()
