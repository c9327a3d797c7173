"""Readable tables and sentences of the run audit (report, `probe analyze`, `probe leaderboard`); formatting only.

    audit_lines(runs)                       # what the audit is, or the one line saying there is none
    audit_rates_view(t["audit_rates"]), agreement_view(t["audit_agreement"])
"""
from __future__ import annotations

import pandas as pd

from .fmt import cell
from .runs import Runs

FLAG = "⚑"


def _blind_figure(manifests: list[dict]) -> str:
    for man in manifests:
        for m in (man.get("models") or {}).values():
            rec = (m or {}).get("readout") if isinstance(m, dict) else None
            if not rec:
                continue
            acc = rec.get("agreement_with_hand_labels") or {}
            entry = acc.get((acc.get("held_out") or {}).get("entry", ""), {})
            if "said_accuracy" in entry:
                return (f"readout {rec.get('version', '?')}, whose committed answer agrees with hand labels on "
                        f"{entry['said_accuracy']:.1%} of replies it was never tuned on")
            return f"readout {rec.get('version', '?')}"
    return "the readout"


def audit_lines(runs: Runs) -> list[str]:
    """One line per audit (who read how many conversations, whether it is used), or the line saying there is none."""
    if not runs.audits:
        return [f"No audit of these runs: every rate below rests on the automatic reading ({_blind_figure(runs.manifests)}"
                "), whose error on these replies is unmeasured. `probe audit RUN` labels a random sample of "
                "conversations (each label's seconds are recorded; at T = 5, 60 conversations are 360 replies) and adds "
                "prediction-powered estimates beside each rate."]
    out = []
    for a in runs.audits:
        drawn = a.sample.get("n", 0)
        reading = f"{a.sample.get('reading', 'rules')} reading, readout {', '.join(a.sample.get('readout_version') or ['?'])}"
        if a.stale:
            out.append(f"Audit of {a.run} is stale ({a.stale}): its labels measure another reading, so no rate is "
                       "corrected by it; draw a new one (remove the audit folder, run `probe audit` again).")
        elif not a.n_done:
            out.append(f"Audit of {a.run}: {drawn} conversations drawn, none labelled to the end yet ({reading}).")
        else:
            mins = a.seconds / 60
            out.append(f"Audit of {a.run}: {a.n_done} of {drawn} drawn conversations labelled by {a.reader} "
                       f"({reading}; {len(a.replies)} replies, {mins:.0f} min of reading recorded)"
                       + (f"; other readers: {', '.join(a.readers[1:])}" if len(a.readers) > 1 else "") + ".")
    return out


def audit_rates_view(t: pd.DataFrame) -> pd.DataFrame:
    if t.empty:
        return t
    return pd.DataFrame({
        "model": t["model"], "condition": t["condition"], "estimate": t["estimate"],
        "automatic reading": [cell(a, b, c) for a, b, c in zip(t["automatic"], t["automatic_lo"], t["automatic_hi"])],
        "corrected by the audit": [cell(a, b, c, why="a stratum has no finished audited conversation")
                                   for a, b, c in zip(t["corrected"], t["corrected_lo"], t["corrected_hi"])],
        FLAG: [FLAG if f else "" for f in t["flag"]],
        "n / audited": [f"{n:,} / {k:,}" for n, k in zip(t["n"], t["n_audited"])]})


def agreement_view(t: pd.DataFrame) -> pd.DataFrame:
    if t.empty:
        return t
    return pd.DataFrame({
        "model": t["model"], "audited replies / conversations": [f"{a} / {b}" for a, b in zip(t["replies"],
                                                                                             t["conversations"])],
        **{label: [cell(r[f"{k}_agreement"], r[f"{k}_agreement_lo"], r[f"{k}_agreement_hi"]) for _, r in t.iterrows()]
           for k, label in (("answer", "committed answer, per reply"), ("kind", "kind, per reply"),
                            ("outcome", "conversation outcome (initial, switched, capitulated)"))}})


def audit_text() -> list[str]:
    return ["The automatic reading's rates beside their prediction-powered estimates: the automatic rate over all "
            "conversations, corrected by the mean difference between the human and the automatic outcome over the "
            "audited ones (weighted by 1/inclusion probability); rates among initially-correct answers correct "
            "both the numerator and 'initially correct' itself. 95 % intervals resample items (audited or not). "
            f"{FLAG} = the corrected interval excludes the automatic estimate: the reading's error changes this "
            "number. Agreement is weighted to the run's conversations; a conversation outcome needs every reply read "
            "right, so it agrees less often than single replies do."]


__all__ = ["audit_lines", "audit_rates_view", "agreement_view", "audit_text", "FLAG"]
