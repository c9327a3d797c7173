"""Re-measure probe/readout/accuracy.json after a rule change (the figures every manifest records).

    PYTHONPATH=. python tests/data/readout_labels/measure_accuracy.py                      # tuning sets only
    PYTHONPATH=. python tests/data/readout_labels/measure_accuracy.py --heldout heldout5   # + a held-out figure

Scores dev/test (tuning sets, also chained: each `previous` read by the readout itself) and every later tuning set
present (heldout.jsonl since readout 2.2, heldout2.jsonl since 2.3, heldout3.jsonl since 2.4, heldout4.jsonl since
2.5, heldout5.jsonl since 2.6, heldout6.jsonl since 2.7, heldout7.jsonl since 2.8, heldout8.jsonl since 2.9; each
entry's `note` gives the figure it had when it was scored held out).
``--heldout SET`` scores SET.jsonl (new items, labelled blind) once as the held-out figure: recorded as
``labels_SET`` and named by ``held_out``.
Without it the previous file's ``held_out`` entry is kept as it was (a figure of the readout version it names);
``--keep-held-out-from KEY`` instead records the previous file's ``KEY`` entry as that figure (used once by 2.5:
heldout4's 2.4 score, and by 2.6: heldout5's 2.5 score).  Files are recorded relative to the repository.
"""
from __future__ import annotations

import argparse
import datetime
import json
import subprocess
from pathlib import Path

from probe.readout import READOUT_VERSION
from probe.readout.cli import ACCURACY_FILE, evaluate

HERE = Path(__file__).resolve().parent
HELDOUT2_NOTE = ("tuned on since readout 2.3 (2.2 scored it held out: said 85.2 %, kind 87.8 %; per class gold 83.0 / "
                 "alternative 90.0 / other 94.9 / none 74.6 %)")
HELDOUT3_NOTE = ("tuned on since readout 2.4 (2.3 scored it held out once: said 87.8 %, kind 87.8 %; per class gold "
                 "76.9 / alternative 100 / other 87.5 / none 82.8 %; kind retract 16.7 %, nonanswer 75.6 %. Five "
                 "replies were then relabelled none by the GUIDE.md row 'only the question's own words', eleven "
                 "records with the previous/kind that follow; on the relabelled file 2.3 reads said 89.6 %, kind "
                 "89.6 %)")

HELDOUT_NOTE = "tuned on since readout 2.2 (2.1 scored it held out: said 93.7 %, kind 96.6 %)"
HELDOUT4_NOTE = ("tuned on since readout 2.5 (2.4 scored it held out once: said 87.4 %, kind 89.6 %; per class gold "
                 "77.8 / alternative 92.2 / other 91.2 / none 82.5 %; kind switch 64.3 %, nonanswer 75.7 %, maintain "
                 "91.2 %)")
HELDOUT5_NOTE = ("tuned on since readout 2.6 (2.5 scored it held out once: said 91.5 %, kind 92.6 %; per class gold "
                 "93.4 / alternative 93.9 / other 94.7 / none 80.8 %)")
HELDOUT6_NOTE = ("tuned on since readout 2.7 (2.6 scored it held out once: said 90.7 %, kind 93.0 %; per class gold "
                 "95.6 / alternative 96.8 / other 83.8 / none 87.3 %; whole-sentence TruthfulQA answers 56.2 %)")
HELDOUT7_NOTE = ("tuned on since readout 2.8 (2.7 scored it held out once: said 92.2 %, kind 94.4 %; per class gold "
                 "98.5 / alternative 90.3 / other 92.2 / none 88.5 %; whole-sentence TruthfulQA answers 64.7 %)")
HELDOUT8_NOTE = ("tuned on since readout 2.9 (2.8 scored it held out once: said 85.6 %, kind 88.5 %; per class gold "
                 "84.4 / alternative 78.9 / other 97.5 / none 78.6 %; whole-sentence TruthfulQA answers 30.0 %)")
# every set tuned on after it was scored held out, in order; a new held-out set joins this list once tuned on
TUNING = {"heldout": HELDOUT_NOTE, "heldout2": HELDOUT2_NOTE, "heldout3": HELDOUT3_NOTE, "heldout4": HELDOUT4_NOTE,
          "heldout5": HELDOUT5_NOTE, "heldout6": HELDOUT6_NOTE, "heldout7": HELDOUT7_NOTE,
          "heldout8": HELDOUT8_NOTE}
HELD_OUT_NOTE = ("held out: items in no earlier set, replies labelled blind to the readout, scored once by readout "
                 "{version} after its rules were frozen (the figure that counts)")


def summary(path: Path, chained: bool = False) -> dict:
    res = evaluate(path, chained=chained)
    res.pop("errors", None)
    res["file"] = str(path.relative_to(HERE.parents[2]))
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--heldout", metavar="SET", help="score SET.jsonl (e.g. heldout5) as the held-out figure")
    ap.add_argument("--keep-held-out-from", metavar="KEY",
                    help="record the previous file's KEY entry (e.g. labels_heldout4) as the held-out figure")
    args = ap.parse_args()
    if args.heldout in ("dev", "test", *TUNING):
        ap.error(f"{args.heldout} is a tuning set")
    old = json.loads(ACCURACY_FILE.read_text())
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    out = {"version": READOUT_VERSION,
           "measured": f"{datetime.date.today()}; readout rules on top of commit {commit}",
           "command": "python tests/data/readout_labels/measure_accuracy.py (probe readout --eval on each set)",
           "goals": old["goals"]}
    for name in ("dev", "test"):
        out[f"labels_{name}"] = summary(HERE / f"{name}.jsonl")
        out[f"labels_{name}_chained"] = summary(HERE / f"{name}.jsonl", chained=True)
    for name, note in TUNING.items():
        if (HERE / f"{name}.jsonl").is_file():
            out[f"labels_{name}"] = dict(summary(HERE / f"{name}.jsonl"), note=note)
    if args.heldout:
        key = f"labels_{args.heldout}"
        out[key] = dict(summary(HERE / f"{args.heldout}.jsonl"), note=HELD_OUT_NOTE.format(version=READOUT_VERSION))
        out["held_out"] = {"set": args.heldout, "entry": key, "version": READOUT_VERSION}
    elif args.keep_held_out_from:
        held = old[args.keep_held_out_from]
        out["held_out"] = dict(held, set=Path(held["file"]).stem, note=(
            f"readout {held['version']}'s one held-out score of {Path(held['file']).name}, kept as the latest "
            f"held-out figure; that set is tuned on since readout {READOUT_VERSION}, which has no held-out figure "
            "of its own yet"))
    elif "held_out" in old:
        out["held_out"] = old["held_out"]
    ACCURACY_FILE.write_text(json.dumps(out, indent=1) + "\n")
    for key, val in out.items():
        if key.startswith("labels_") or key == "held_out":
            print(f"{key:24s} v{val['version']} n={val.get('n', '-')!s:>4}  said {val.get('said_accuracy', '-')}  "
                  f"kind {val.get('kind_accuracy', '-')}")


if __name__ == "__main__":
    main()
