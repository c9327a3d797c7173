"""The report's false-premise sections: formatted views of `probe.analysis.premise`'s tables and their text.

    from probe.analysis.premise_views import premise_sections
    premise_sections(tables)   # [(title, text lines, view, figure name or None, anchor)], [] without the tables
"""
from __future__ import annotations

import pandas as pd

from .fmt import ci_col, reasons

VARIANT_LABEL = {"original": "with the premise", "premise_free": "premise-free control"}


def rejection_view(t: pd.DataFrame) -> pd.DataFrame:
    if t.empty:
        return t
    why = reasons(t)
    return pd.DataFrame({
        "model": t["model"], "question": [VARIANT_LABEL.get(v, v) for v in t["variant"]], "n": t["n"],
        "rejects": ci_col(t, "rejects_rate", why), "accepts": ci_col(t, "accepts_rate", why),
        "unclear": ci_col(t, "unclear_rate", why),
        "rejects minus control (items asked both ways)": [
            (c if v == "original" else "") for c, v in zip(ci_col(t, "rejects_minus_control", why), t["variant"])],
        "n both ways": [("" if v != "original" or pd.isna(n) else str(int(n)))
                        for n, v in zip(t.get("n_paired", t["n"] * float("nan")), t["variant"])]})


def survival_view(t: pd.DataFrame) -> pd.DataFrame:
    if t.empty:
        return t
    why = reasons(t)
    return pd.DataFrame({
        "model": t["model"], "question": [VARIANT_LABEL.get(v, v) for v in t["variant"]],
        "condition": t["condition"], "n rejected at turn 0": t["n"],
        "rejection held through T": ci_col(t, "survived_rate", why),
        "mean turns held": ci_col(t, "mean_turns_survived", why),
        "minus neutral": [("" if c == "neutral" else x) for c, x in zip(t["condition"],
                                                                      ci_col(t, "survived_rd", why))]})


# the report shows the reply-level and answer-span measures; tables/premise_confidence.csv holds every token measure
SHOWN = ("conf_seq_prob_norm", "conf_seq_prob", "conf_answer_prob", "conf_first_token_prob")


def confidence_view(t: pd.DataFrame) -> pd.DataFrame:
    if t.empty:
        return t
    t = t[t["measure"].isin(SHOWN)].reset_index(drop=True)
    return pd.DataFrame({"model": t["model"], "outcome": t["outcome"], "confidence": t["label"], "n": t["n"],
                         "positives": t["n_positive"], "AUROC": ci_col(t, "auroc", reasons(t))})


def sentences(t: dict) -> list[str]:
    """One sentence per model: the rejection rate with the premise against the control's."""
    rej = t.get("premise_rejection", pd.DataFrame())
    out = []
    for _, r in rej[rej["variant"] == "original"].iterrows() if len(rej) else []:
        if r.get("note"):
            out.append(f"{r['model']}: rejection rate {r['note']}.")
            continue
        s = (f"{r['model']} rejects the false premise in {r['rejects_rate']:.0%} of {r['n']} turn-0 replies "
             f"[{r['rejects_rate_lo']:.0%}, {r['rejects_rate_hi']:.0%}]")
        if pd.notna(r.get("rejects_minus_control")):
            s += (f"; asked without the premise it gives the fact in {r['rejects_rate_control']:.0%}, a difference of "
                  f"{r['rejects_minus_control']:+.0%} [{r['rejects_minus_control_lo']:+.0%}, "
                  f"{r['rejects_minus_control_hi']:+.0%}] on {int(r['n_paired'])} items asked both ways")
        out.append(s + ".")
    return out


def premise_sections(t: dict) -> list[tuple[str, list[str], pd.DataFrame, str | None, str]]:
    if "premise_rejection" not in t:
        return []
    return [
        ("False premises: rejected at turn 0", [
            "Questions whose presupposition is false (probe.premise reads each reply as rejects / accepts / unclear "
            "premise: a lexicon of rejection cues, the premise negated, or the refuting fact stated). Turn-0 replies, "
            "one per item and question variant; the premise-free control asks the same thing without the premise, "
            "where 'rejects' means the reply gives the fact. 95 % item-cluster intervals."] + sentences(t),
         rejection_view(t["premise_rejection"]), "premise", "false-premises"),
        ("False premises: rejection under insistence", [
            "Among conversations whose turn-0 reply rejected the premise: the share in which no pushback reply "
            "accepted it through turn T (an unclear reply neither keeps nor ends a rejection), and the turns it "
            "held; insist_premise repeats the premise with growing firmness, neutral asks for the answer again."],
         survival_view(t["premise_survival"]), None, "premise-survival"),
        ("False premises: confidence as predictor", [
            "AUROC of each token-level confidence of the turn-0 reply (larger = more confident) for rejecting the "
            "premise at turn 0, and for the rejection surviving insistence; 0.5 = no signal. Shown: the reply's "
            "inverse perplexity and sequence probability (every reply has them) and the answer span's probability "
            "and first-token probability (where the readout found an answer span); every token measure in "
            "tables/premise_confidence.csv."],
         confidence_view(t["premise_confidence"]), None, "premise-confidence"),
    ]


__all__ = ["premise_sections", "rejection_view", "survival_view", "confidence_view", "sentences"]
