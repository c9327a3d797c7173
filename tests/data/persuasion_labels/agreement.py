"""Agreement of the persuasion lexicon (probe.analysis.persuasion) with the blind hand labels.

    python tests/data/persuasion_labels/agreement.py [labels.jsonl]

Per marker: agreement with a 95 % interval resampling model x item clusters, Cohen's kappa,
and the number of replies the labeller marked true, over replies.jsonl.
"""
import json
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE.parents[2]))

from probe.analysis.persuasion import MARKER_NAMES, persuasion_markers  # noqa: E402
from probe.readout.cli import item_cluster_ci  # noqa: E402


def kappa(a: pd.Series, b: pd.Series) -> float:
    po = float((a == b).mean())
    pe = float(a.mean() * b.mean() + (1 - a.mean()) * (1 - b.mean()))
    return (po - pe) / (1 - pe) if pe < 1 else float("nan")


def agreement(labels_path: Path = HERE / "labels.jsonl") -> pd.DataFrame:
    replies = pd.read_json(HERE / "replies.jsonl", lines=True).set_index("id")
    labels = pd.read_json(labels_path, lines=True).set_index("id").reindex(replies.index)
    if labels[list(MARKER_NAMES)].isna().any().any():
        raise SystemExit(f"{labels_path}: a reply of replies.jsonl has no label")
    read = persuasion_markers(replies["reply"])
    rows = []
    # model|dataset|item: the replies of one item move together
    items = ["|".join(s.split("|")[:3]) for s in replies["source_id"]]
    for m in MARKER_NAMES:
        human, auto = labels[m].astype(bool), read[m].astype(bool)
        ((lo, hi),) = item_cluster_ci((human == auto).to_numpy(dtype=float)[:, None], items)
        rows.append({"marker": m, "n": len(human), "human_true": int(human.sum()), "lexicon_true": int(auto.sum()),
                     "agreement": float((human == auto).mean()), "lo": lo, "hi": hi, "kappa": kappa(human, auto)})
    return pd.DataFrame(rows)


if __name__ == "__main__":
    print(agreement(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "labels.jsonl").to_string(index=False))
