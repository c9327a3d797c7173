"""Agreement of the false-premise rule reader (probe.premise) with the blind hand labels.

    python tests/data/premise_labels/agreement.py [labels.jsonl]      # default: labels.jsonl beside this file

Reads replies.jsonl (drawn by draw.py) and a labels file of JSON lines ``{"id": "fp000", "premise": "rejects"}``
(rejects | accepts | unclear, labelled by GUIDE.md without seeing the reader); prints the agreement overall and per
model with a 95 % interval resampling model x item clusters,
Cohen's kappa, per-class precision and recall, and the confusion matrix (rows = people, columns = rules).
A reply without a label, a label of an unknown id or an unknown value is a one-line error.
"""
import json
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[2]))

from probe.datasets import DatasetSpec, load_dataset  # noqa: E402
from probe.premise import READINGS, read_premise  # noqa: E402
from probe.readout.cli import item_cluster_ci  # noqa: E402


def readings(replies: pd.DataFrame) -> pd.Series:
    """The rule reader's reading of every drawn reply, as the run reads it (the item's premise, fact, control)."""
    items = {it.id: it for it in load_dataset(DatasetSpec("false_premise"))[0]}
    out = []
    for r in replies.itertuples():
        it = items[r.item_id]
        out.append(read_premise(r.reply, it.extra["premise"], it.extra["fact"], it.question,
                                control=r.variant == "premise_free",
                                control_answer=it.extra.get("control_answer", "")).premise)
    return pd.Series(out, index=replies.index)


def kappa(a: pd.Series, b: pd.Series) -> float:
    po = float((a == b).mean())
    pe = sum(float((a == c).mean()) * float((b == c).mean()) for c in READINGS)
    return (po - pe) / (1 - pe) if pe < 1 else float("nan")


def load_labels(path: Path, ids) -> pd.Series:
    labels = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        row = json.loads(line)
        if row.get("id") not in ids:
            raise SystemExit(f"{path}:{n}: id {row.get('id')!r} is not in replies.jsonl")
        if row.get("premise") not in READINGS:
            raise SystemExit(f"{path}:{n}: premise: expected one of {', '.join(READINGS)}, got {row.get('premise')!r}")
        labels[row["id"]] = row["premise"]
    missing = [i for i in ids if i not in labels]
    if missing:
        raise SystemExit(f"{path}: {len(missing)} replies have no label (first {missing[0]})")
    return pd.Series(labels)


def agreement(labels_path: Path = HERE / "labels.jsonl") -> dict:
    replies = pd.read_json(HERE / "replies.jsonl", lines=True, dtype=False).set_index("id")
    human = load_labels(labels_path, list(replies.index)).reindex(replies.index)
    rules = readings(replies)
    per_model = {m: {"n": len(g), "agreement": float((human[g.index] == rules[g.index]).mean())}
                 for m, g in replies.groupby("model").groups.items() for g in [replies.loc[g]]}
    per_class = {c: {"people": int((human == c).sum()), "rules": int((rules == c).sum()),
                     "precision": float((human[rules == c] == c).mean()) if (rules == c).any() else float("nan"),
                     "recall": float((rules[human == c] == c).mean()) if (human == c).any() else float("nan")}
                 for c in READINGS}
    confusion = pd.crosstab(human.rename("people"), rules.rename("rules")).reindex(
        index=list(READINGS), columns=list(READINGS), fill_value=0)
    hits = (human == rules).to_numpy(dtype=float)[:, None]
    (ci,) = item_cluster_ci(hits, list(replies["model"] + "|" + replies["item_id"]))  # replies of an item move together
    return {"n": int(len(human)), "agreement": float((human == rules).mean()), "ci95_item": ci,
            "items": int((replies["model"] + "|" + replies["item_id"]).nunique()), "kappa": kappa(human, rules),
            "per_model": per_model, "per_class": per_class, "confusion": confusion}


if __name__ == "__main__":
    a = agreement(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "labels.jsonl")
    print(f"n = {a['n']} ({a['items']} model x item clusters), agreement {a['agreement']:.3f} "
          f"[{a['ci95_item'][0]:.3f}, {a['ci95_item'][1]:.3f}], Cohen's kappa {a['kappa']:.3f}")
    for m, r in a["per_model"].items():
        print(f"  {m}: {r['agreement']:.3f} of {r['n']}")
    print(pd.DataFrame(a["per_class"]).T.to_string())
    print(a["confusion"].to_string())
