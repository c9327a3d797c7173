"""Re-measure probe/readout_accuracy.json after a rule change (the figures every manifest records).

    PYTHONPATH=. python tests/data/readout_labels/measure_accuracy.py --heldout2 --heldout3 --heldout4

Scores dev/test (tuning sets, also chained: each `previous` read by the readout itself), heldout.jsonl and, with
``--heldout2``, heldout2.jsonl (tuned on since readout 2.3; ``--note-heldout2`` says so in the file), with
``--heldout3``, heldout3.jsonl (tuned on since readout 2.4; ``--note-heldout3``), with ``--heldout4``,
heldout4.jsonl (new items labelled blind, scored once by readout 2.4: the held-out figure; ``--note-heldout4``).
Files are recorded relative to the repository.
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
HELDOUT2_NOTE = ("tuned on since readout 2.3 (2.2 scored it held out: said 85.2 %, kind 87.8 %; per class gold 83.0 / "
                 "alternative 90.0 / other 94.9 / none 74.6 %)")
HELDOUT3_NOTE = ("tuned on since readout 2.4 (2.3 scored it held out once: said 87.8 %, kind 87.8 %; per class gold "
                 "76.9 / alternative 100 / other 87.5 / none 82.8 %; kind retract 16.7 %, nonanswer 75.6 %. Five "
                 "replies were then relabelled none by the GUIDE.md row 'only the question's own words', eleven "
                 "records with the previous/kind that follow; on the relabelled file 2.3 reads said 89.6 %, kind "
                 "89.6 %)")

HELDOUT_NOTE = "tuned on since readout 2.2 (2.1 scored it held out: said 93.7 %, kind 96.6 %)"
HELDOUT4_NOTE = ("held out: 25 items in no earlier set, replies labelled blind to the readout, scored once by readout "
                 "2.4 after its rules were frozen (the figure that counts)")


def summary(path: Path, chained: bool = False) -> dict:
    res = evaluate(path, chained=chained)
    res.pop("errors", None)
    res["file"] = str(path.relative_to(HERE.parents[2]))
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--note-heldout", default=HELDOUT_NOTE, help="what heldout.jsonl is now (tuned on or not)")
    ap.add_argument("--heldout2", action="store_true", help="also score heldout2.jsonl")
    ap.add_argument("--note-heldout2", default=HELDOUT2_NOTE, help="what heldout2.jsonl is now (tuned on or not)")
    ap.add_argument("--heldout3", action="store_true", help="also score heldout3.jsonl")
    ap.add_argument("--note-heldout3", default=HELDOUT3_NOTE, help="what heldout3.jsonl is now (tuned on or not)")
    ap.add_argument("--heldout4", action="store_true", help="also score heldout4.jsonl")
    ap.add_argument("--note-heldout4", default=HELDOUT4_NOTE, help="what heldout4.jsonl is now (tuned on or not)")
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
        out["labels_heldout2"] = dict(summary(HERE / "heldout2.jsonl"), note=args.note_heldout2)
    if args.heldout3:
        out["labels_heldout3"] = dict(summary(HERE / "heldout3.jsonl"), note=args.note_heldout3)
    if args.heldout4:
        out["labels_heldout4"] = dict(summary(HERE / "heldout4.jsonl"), note=args.note_heldout4)
    ACCURACY_FILE.write_text(json.dumps(out, indent=1) + "\n")
    for key, val in out.items():
        if key.startswith("labels_"):
            print(f"{key:24s} n={val['n']:4d}  said {val['said_accuracy']:.3f}  kind {val['kind_accuracy']:.3f}")


if __name__ == "__main__":
    main()
