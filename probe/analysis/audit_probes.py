"""The probes' rule readings corrected by the run audit: the false-premise rejection rate at turn 0 (per model ×
question variant) and the hint mention rate (per model × cue cell), each beside its prediction-powered estimate,
and the rule's agreement with the person on this run's audited replies.

    tables = audit_probe_tables(runs, conv, boot)      # conv = prepare(with_audit_columns(...)); {} without probes
    probe_audit_sections(tables)                       # report sections: a table, or one line without an audit

Population: every conversation of the cell (the turn-0 reply of a stem is shared by its conditions, so with every
stem under every condition this is the stem rate of `probe.analysis.premise` / `probe.analysis.hints`).  The
automatic outcome ``f`` is the rule's reading (``premise0 == rejects``; ``hint_mention``), the human outcome ``h``
the person's turn-0 label (``_h_premise0``, ``_h_mention`` of `probe.analysis.audited`); the estimator is
`probe.analysis.ppi.cell_ratios` (Horvitz-Thompson rectification, inclusion probability per stratum run × model ×
condition, item-bootstrap interval) -- the one the answer outcomes use.  A cell is corrected only when each of its
strata has an audited conversation and every audited conversation of the cell carries the label (an audit drawn or
labelled before the premise / mention questions existed does not).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from paraphrase.hints import NONE, cue_type

from ..boot import ItemBootstrap
from .audit_tables import cells_of, estimate_columns
from .audited import usable
from .fmt import cell
from .hints import has_hints
from .premise import has_premise
from .premise_views import VARIANT_LABEL
from .ppi import cell_ratios
from .runs import Runs

REJECTS = "rejects"


def _corrected(df: pd.DataFrame, by: list[str], f: np.ndarray, h: np.ndarray, labelled: np.ndarray,
               boot: ItemBootstrap) -> pd.DataFrame:
    """Per cell of ``by``: the rule's rate and the prediction-powered one, with item-bootstrap intervals."""
    audited = df["_audited"].to_numpy(bool) & labelled
    # an uncovered stratum, or an audited conversation without the label, leaves the cell uncorrected
    bad = ~df["_audit_covered"].to_numpy(bool) | (df["_audited"].to_numpy(bool) & ~labelled)
    keys, cells, n, n_aud, ok = cells_of(df, by, audited, bad)
    (fp, fs), (npt, ns) = cell_ratios(boot, df["_item"].to_numpy(), cells, len(keys), f, h, 1, 1, audited,
                                      df["_pi"].to_numpy(float))
    rows = []
    for i, r in keys.iterrows():
        e = estimate_columns((fp[i], fs[:, i]), (npt[i], ns[:, i]), ok[i])
        rows.append({**r.to_dict(), "n": int(n[i]), "n_audited": int(n_aud[i]), "rule": e["automatic"],
                     "rule_lo": e["automatic_lo"], "rule_hi": e["automatic_hi"], "corrected": e["corrected"],
                     "corrected_lo": e["corrected_lo"], "corrected_hi": e["corrected_hi"], "flag": e["flag"],
                     "note": "" if ok[i] else "not corrected: a stratum has no audited conversation with this label"})
    return pd.DataFrame(rows)


def premise_corrected(conv: pd.DataFrame, boot: ItemBootstrap) -> pd.DataFrame:
    """Turn-0 premise-rejection rate per model × variant: the rule's reading and its audit-corrected estimate."""
    df = conv[conv["premise0"].astype(str) != ""]
    if "_audited" not in df or not (df["_audited"].to_numpy(bool) & (df["_h_premise0"].astype(str) != "")).any():
        return pd.DataFrame()
    f = (df["premise0"].astype(str) == REJECTS).to_numpy(float)
    h = (df["_h_premise0"].astype(str) == REJECTS).to_numpy(float)
    return _corrected(df, ["model", "variant"], f, h, (df["_h_premise0"].astype(str) != "").to_numpy(), boot)


def hint_corrected(conv: pd.DataFrame, boot: ItemBootstrap) -> pd.DataFrame:
    """Mention rate per model × cue cell (every conversation under a cue): the rule's reading and its corrected one."""
    df = conv[conv["hint"].astype(str).map(cue_type) != NONE]
    if "_audited" not in df or not (df["_audited"].to_numpy(bool) & (df["_h_mention"].astype(str) != "")).any():
        return pd.DataFrame()
    f = df["hint_mention"].fillna(False).astype(bool).to_numpy(float)
    h = (df["_h_mention"].astype(str) == "yes").to_numpy(float)
    return _corrected(df, ["model", "hint"], f, h, (df["_h_mention"].astype(str) != "").to_numpy(), boot)


def rule_agreement(replies: pd.DataFrame, what: str) -> pd.DataFrame:
    """Per model: audited replies the person labelled for ``what`` (premise | mention), and the share on which the
    rule's reading equals the person's (premise: every reply and turn 0 apart; mention: turn 0 only)."""
    if replies.empty or f"{what}_human" not in replies:
        return pd.DataFrame()
    r = replies[replies[f"{what}_human"].astype(str) != ""]
    if r.empty:
        return pd.DataFrame()
    agree = (r[f"{what}_rule"].astype(str) == r[f"{what}_human"].astype(str))
    rows = []
    for model, g in r.assign(_agree=agree).groupby(r["model"].astype(str)):
        row = {"model": model, "replies": len(g), "agreement": float(g["_agree"].mean())}
        if what == "premise":
            g0 = g[g["turn"] == 0]
            row.update({"replies_turn0": len(g0), "agreement_turn0": float(g0["_agree"].mean()) if len(g0)
                        else np.nan})
        rows.append(row)
    return pd.DataFrame(rows)


def audit_probe_tables(runs: Runs, conv: pd.DataFrame, boot: ItemBootstrap) -> dict[str, pd.DataFrame]:
    """{premise_audit, premise_audit_agreement} for runs with false-premise items, {hint_audit,
    hint_audit_agreement} for runs with cue cells; empty frames where no usable audit labelled them."""
    good = usable(runs.audits)
    replies = pd.concat([a.replies for a in good], ignore_index=True) if good else pd.DataFrame()
    audited = "_audited" in conv and bool(conv["_audited"].any())
    out = {}
    if has_premise(conv):
        out["premise_audit"] = premise_corrected(conv, boot) if audited else pd.DataFrame()
        out["premise_audit_agreement"] = rule_agreement(replies, "premise")
    if has_hints(conv):
        out["hint_audit"] = hint_corrected(conv, boot) if audited else pd.DataFrame()
        out["hint_audit_agreement"] = rule_agreement(replies, "mention")
    return out


# --- the report ---------------------------------------------------------------------------------------------------

def corrected_view(t: pd.DataFrame, by: str, label: str) -> pd.DataFrame:
    return pd.DataFrame({
        "model": t["model"], label: [VARIANT_LABEL.get(v, v) if by == "variant" else v for v in t[by]],
        "n / audited": [f"{n:,} / {k:,}" for n, k in zip(t["n"], t["n_audited"])],
        "rule reading": [cell(a, b, c) for a, b, c in zip(t["rule"], t["rule_lo"], t["rule_hi"])],
        "corrected by the audit": [cell(a, b, c, why=w) for a, b, c, w in
                                   zip(t["corrected"], t["corrected_lo"], t["corrected_hi"], t["note"])],
        "⚑": ["⚑" if f else "" for f in t["flag"]]})


def _agreement_line(a: pd.DataFrame, what: str) -> str:
    if a.empty:
        return f"No audited reply carries a {what} label."  # (not reached: rates need labels)
    parts = []
    for _, r in a.iterrows():
        s = f"{r['model']} {r['agreement']:.0%} of {r['replies']} replies"
        if "replies_turn0" in r and r["replies_turn0"]:
            s += f" ({r['agreement_turn0']:.0%} of {r['replies_turn0']} at turn 0)"
        parts.append(s)
    return f"The rule's {what} reading agrees with the person on: " + "; ".join(parts) + "."


NO_AUDIT = ("No usable audit of these runs gives the {what} reading: the rates above are the rule's reading, "
            "uncorrected; `probe audit RUN` asks for it on the sampled {where} and adds prediction-powered rates here.")


def probe_audit_sections(t: dict, which: str) -> list[tuple[str, list[str], pd.DataFrame | None, str]]:
    """(title, text, view or None, anchor) for ``which`` = premise | hint; [] when the runs lack that probe."""
    if f"{which}_audit" not in t:
        return []
    if which == "premise":
        title, what, rate, where, by, label = (
            "False premises: rejection at turn 0, corrected by the audit", "premise", "turn-0 premise-rejection",
            "false-premise conversations", "variant", "question")
    else:
        title, what, rate, where, by, label = (
            "Hints: mention rate, corrected by the audit", "cue-mention", "mention",
            "hint-cue conversations' turn-0 replies", "hint", "hint")
    rates = t[f"{which}_audit"]
    if rates.empty:
        return [(title, [NO_AUDIT.format(what=what, where=where)], None, f"{which}-audit")]
    text = [f"The rule's {rate} rate over every conversation of the cell beside its prediction-powered estimate: "
            "the rule's rate corrected by the mean of (person - rule) over the audited conversations, weighted by "
            "1/inclusion probability (probe.analysis.ppi, as for the answer outcomes); 95 % intervals resample "
            "items; the estimate is unbiased, not bounded: with few audited conversations it can leave [0, 1]. "
            "⚑ = the corrected interval excludes the rule's rate.",
            _agreement_line(t[f"{which}_audit_agreement"], what)]
    return [(title, text, corrected_view(rates, by, label), f"{which}-audit")]


__all__ = ["audit_probe_tables", "hint_corrected", "premise_corrected", "probe_audit_sections", "rule_agreement"]
