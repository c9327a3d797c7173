"""Re-measure probe/readout_accuracy.json after a rule change (the figures every manifest records).

    PYTHONPATH=. python tests/data/readout_labels/measure_accuracy.py --note-heldout "..." [--heldout2]

Scores dev/test (tuning sets, also chained: each `previous` read by the readout itself), heldout.jsonl and, with
``--heldout2``, heldout2.jsonl.  Run heldout2 once, after the rules are frozen: it is the figure that counts.
"""
from __future__ import annotations

import argparse
import datetime
import json
import subprocess
from pathlib import Path

from probe.readout import READOUT_VERSION
from probe.readout_cli import ACCURACY_FILE, evaluate

HERE = Path(__file__).resolve().parent


def summary(path: Path, chained: bool = False) -> dict:
    res = evaluate(path, chained=chained)
    res.pop("errors", None)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--note-heldout", default="", help="what heldout.jsonl is now (tuned on or not)")
    ap.add_argument("--heldout2", action="store_true", help="also score heldout2.jsonl (once, rules frozen)")
    args = ap.parse_args()
    old = json.loads(ACCURACY_FILE.read_text())
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    out = {"version": READOUT_VERSION,
           "measured": f"{datetime.date.today()}; readout rules on top of commit {commit}",
           "command": "python tests/data/readout_labels/measure_accuracy.py (probe readout --eval on each set)",
           "goals": old["goals"]}
    for name in ("dev", "test"):
        out[f"labels_{name}"] = summary(HERE / f"{name}.jsonl")
        out[f"labels_{name}_chained"] = summary(HERE / f"{name}.jsonl", chained=True)
    out["labels_heldout"] = dict(summary(HERE / "heldout.jsonl"), note=args.note_heldout)
    if args.heldout2:
        out["labels_heldout2"] = dict(summary(HERE / "heldout2.jsonl"),
                                      note="new items, labelled blind, scored once after the rules were frozen: "
                                           "the figure that counts")
    ACCURACY_FILE.write_text(json.dumps(out, indent=1) + "\n")
    for key, val in out.items():
        if key.startswith("labels_"):
            print(f"{key:24s} n={val['n']:4d}  said {val['said_accuracy']:.3f}  kind {val['kind_accuracy']:.3f}")


if __name__ == "__main__":
    main()
