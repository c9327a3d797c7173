"""Reading views of the computed tables: string cells "estimate [lo, hi]", a reason instead of NaN, few columns.
Used by the report and by `probe analyze` / `probe leaderboard`.

    view = leaderboard_view(tables["leaderboard"])
"""
from __future__ import annotations

import json

import pandas as pd

from .fmt import cell, ci_col, num, pval, reasons
from .labels import MEASURE_LABEL


def _n(df, col="n"):
    return [f"{int(v):,}" if pd.notna(v) else "0" for v in df[col]]


def leaderboard_view(t: pd.DataFrame) -> pd.DataFrame:
    if t.empty:
        return t
    rank = [(f"={r}" if tied else f"{r}") + (f" ({lo}–{hi})" if lo != hi else "")
            for r, tied, lo, hi in zip(t["rank"], t["tied"], t["rank_lo"], t["rank_hi"])]
    score_why = reasons(t)
    empty = pd.Series(["no initially-correct answers under pressure" if n == 0 else "" for n in t["n_primary"]],
                      index=t.index)
    corrected = {"… corrected by the run audit (ranked on)": ci_col(t, "regressive_excess_corrected")} \
        if "regressive_excess_corrected" in t else {}
    return pd.DataFrame({
        "rank (95% interval)": rank, "model": t["model"],
        "accuracy at turn 0": ci_col(t, "accuracy_turn0"),
        "regressive switch rate, pressure − neutral": ci_col(t, "regressive_excess", score_why), **corrected,
        "turns held (RMST), initially correct": ci_col(t, "rmst_correct", empty.where(empty != "", "not estimable")),
        "progressive correction rate": ci_col(t, "progressive_rate", "no initially-wrong answers"),
        "confidence–resistance AUROC":
            ci_col(t, "auroc", empty.where(empty != "", "no switches or constant confidence")),
        "n (primary / items)": [f"{a:,} / {b:,}" for a, b in zip(t["n_primary"], t["n_items"])]})


def headline_sentences(h: pd.DataFrame) -> list[str]:
    out = []
    for _, r in h.iterrows():
        label = MEASURE_LABEL.get(r["measure"], r["measure"])
        step = num(r["step"])
        hr, lo, hi = r["hr_per_step"], r["hr_per_step_lo"], r["hr_per_step_hi"]
        if pd.isna(hr):
            out.append(f"{r['model']}: the effect of a {step} higher {label} on the switch hazard is not estimable "
                       f"(n = {int(r['n']):,}, {int(r['switches']):,} switches).")
            continue
        verb, x, a, b = ("lowers", 1 - hr, 1 - hi, 1 - lo) if hr < 1 else ("raises", hr - 1, lo - 1, hi - 1)
        span = " — the interval includes no effect" if lo <= 1 <= hi else ""
        out.append(f"{r['model']}: on initially-correct answers under pressure, a {step} higher {label} {verb} the "
                   f"switch hazard by {num(100 * x)} % [{num(100 * a)} %, {num(100 * b)} %]{span} "
                   f"(hazard ratio {num(hr)}, n = {int(r['n']):,} conversations, {int(r['switches']):,} switches; "
                   "Cox model stratified by condition, standard errors clustered by item).")
    return out


def sycophancy_sentences(lb: pd.DataFrame) -> list[str]:
    """Per model, the pooled pressure-minus-neutral switch rate of initially-correct answers (the quotable number)."""
    out = []
    for _, r in lb.iterrows():
        if pd.isna(r["regressive_excess"]):
            continue
        out.append(f"{r['model']}: pooled over pressure conditions, initially-correct answers switch with a rate "
                   f"{cell(r['regressive_excess'], r['regressive_excess_lo'], r['regressive_excess_hi'])} higher "
                   "than under neutral follow-ups (risk difference, 95 % interval).")
    return out


def confidence_view(t: pd.DataFrame) -> pd.DataFrame:
    if t.empty:
        return t
    why = reasons(t)
    return pd.DataFrame({"model": t["model"], "condition": t["condition"],
                         "n (switches)": [f"{a:,} ({b:,})" for a, b in zip(t["n"], t["switches"])],
                         "Spearman ρ, confidence vs turns held": ci_col(t, "spearman_rho", why),
                         "AUROC, confidence → held": ci_col(t, "auroc_held", why),
                         "logit slope of switching per SD": ci_col(t, "logit_slope_per_sd", why),
                         "hazard ratio per SD (Cox)": ci_col(t, "hr_per_sd", why),
                         "PH check p": [pval(p) for p in t["ph_check_p"]]})


def sycophancy_view(t: pd.DataFrame) -> pd.DataFrame:
    if t.empty:
        return t
    why = reasons(t, "no neutral control")
    return pd.DataFrame({"model": t["model"],
                         "condition": [c + (" (control)" if k else "") for c, k in zip(t["condition"], t["control"])],
                         "n / n neutral": [f"{a:,} / {int(b):,}" if pd.notna(b) else f"{a:,} / 0"
                                           for a, b in zip(t["n"], t.get("n_neutral", t["n"] * float("nan")))],
                         "switch rate": ci_col(t, "switch_rate"),
                         "switch − neutral": ci_col(t, "switch_rd", why),
                         "switch ÷ neutral": ci_col(t, "switch_rr", why),
                         "capitulation − neutral": ci_col(t, "capitulation_rd", why),
                         "hazard ratio vs neutral": ci_col(t, "hr_vs_neutral", why)})


def rmst_view(t: pd.DataFrame) -> pd.DataFrame:
    if t.empty:
        return t
    return pd.DataFrame({"model": t["model"], "confidence tercile": t["tercile"], "n": _n(t),
                         "turns held (RMST, of T)": ci_col(t, "rmst"), "T": t["horizon"]})


def hazard_view(t: pd.DataFrame) -> pd.DataFrame:
    if t.empty:
        return t
    why = reasons(t, "not estimable")
    return pd.DataFrame({"model": t["model"], "term": t["term"], "n": _n(t),
                         "hazard ratio": ci_col(t, "hr", why),
                         "p": [pval(p) if pd.notna(p) else f"— ({w})" for p, w in zip(t["p"], why)]})


def calibration_view(t: pd.DataFrame) -> pd.DataFrame:
    if t.empty:
        return t
    return pd.DataFrame({"model": t["model"], "measure": t["measure"], "n": _n(t), "ECE": ci_col(t, "ece"),
                         "Brier score": ci_col(t, "brier")})


def progressive_view(t: pd.DataFrame) -> pd.DataFrame:
    if t.empty:
        return t
    return pd.DataFrame({"model": t["model"], "condition": t["condition"], "n wrong": _n(t, "n_wrong"),
                         "wrong → gold (progressive)": ci_col(t, "progressive_rate", "no initially-wrong answers"),
                         "n right": _n(t, "n_right"),
                         "right → switched (regressive)":
                             ci_col(t, "regressive_rate", "no initially-correct answers"),
                         "discrimination P(sw|wrong) − P(sw|right)":
                             ci_col(t, "discrimination", "one class missing")})


def kinds_view(t: pd.DataFrame) -> pd.DataFrame:
    if t.empty:
        return t
    return pd.DataFrame({"model": t["model"], "condition": t["condition"], "conversations": _n(t),
                         "switch rate": ci_col(t, "switch_rate"), "capitulation rate": ci_col(t, "capitulation_rate"),
                         "nonanswer rate (replies)": ci_col(t, "nonanswer_rate"),
                         "committed-answer rate (replies)": ci_col(t, "committed_rate")})


def authority_view(t: pd.DataFrame) -> pd.DataFrame:
    if t.empty:
        return t
    return pd.DataFrame({"model": t["model"], "authority level": t["level"], "n": _n(t),
                         "switch rate": ci_col(t, "switch_rate")})


def panel_view(t: pd.DataFrame) -> pd.DataFrame:
    if t.empty:
        return t
    return pd.DataFrame({"model": t["model"], "condition": t["condition"], "measure": t["measure"], "n": _n(t),
                         "AUROC, confidence → held": ci_col(t, "auroc_held", reasons(t)),
                         "p (vs 0.5)": [pval(p) for p in t["p"]], "Holm-adjusted p": [pval(p) for p in t["p_holm"]]})


def sensitivity_view(t: pd.DataFrame) -> pd.DataFrame:
    if t.empty:
        return t
    return pd.DataFrame({"model": t["model"], "outcome reading": t["reading"], "n": _n(t),
                         "event rate": ci_col(t, "event_rate"), "turns held (RMST)": ci_col(t, "rmst"),
                         "AUROC, confidence → held": ci_col(t, "auroc_held", "no events or constant confidence")})


def exclusions_view(t: pd.DataFrame) -> pd.DataFrame:
    return t.rename(columns={"turn0_other": "turn-0 other (excluded)", "turn0_none": "turn-0 none (excluded)",
                             "with_nonanswer": "with a nonanswer (kept)", "with_truncation": "with a truncation (kept)",
                             "primary_n": "primary population"})


def exclusion_line(t: pd.DataFrame) -> str:
    parts = [f"{r['model']}: {r['turn0_other']:,} turn-0 other and {r['turn0_none']:,} none excluded, "
             f"{r['with_nonanswer']:,} with a nonanswer and {r['with_truncation']:,} with a truncation kept"
             for _, r in t.iterrows()]
    return "Exclusions — " + "; ".join(parts) + "."


def readout_line(manifests: list[dict]) -> str:
    """Which readout read the replies, and how far to trust it: its one score on hand-labelled replies it was never
    tuned on (run manifests' ``readout`` record), overall and per item group, weakest first."""
    records = {json.dumps(m.get("readout"), sort_keys=True): m["readout"] for man in manifests
               for m in (man.get("models") or {}).values() if isinstance(m, dict) and m.get("readout")}
    parts, weak = [], set()
    for rec in records.values():
        acc = rec.get("agreement_with_hand_labels") or {}
        entry = acc.get((acc.get("held_out") or {}).get("entry", ""), {})
        if "said_accuracy" not in entry:
            parts.append(f"readout {rec.get('version', '?')} (no blind agreement figure recorded)")
            continue
        lo, hi = entry.get("said_ci95_item", [float("nan")] * 2)
        groups = sorted((entry.get("per_group") or {}).items(), key=lambda kv: kv[1]["said_accuracy"])
        weak |= {g for g, v in groups if v["said_accuracy"] < 0.9}
        by_group = "; by item group " + ", ".join(f"{g} {v['said_accuracy']:.1%} (n={v['n']})" for g, v in groups) \
            if groups else ""
        parts.append(f"readout {rec['version']}, whose committed answer agrees with hand labels on replies it was "
                     f"never tuned on ({acc['held_out']['set']}) for {entry['said_accuracy']:.1%} "
                     f"[{lo:.1%}, {hi:.1%}]{by_group}")
    if not parts:
        return "The runs' manifests record no readout."
    caution = "" if not weak else (f" Outcomes on items like those of {', '.join(sorted(weak))} (read below 90 %) "
                                   "rest on a reading that errs often: read them with the judge readout (`probe "
                                   "readout --judge`) or as exploratory.")
    judged = sorted({m["readout"]["outcomes_from"] for m in manifests if isinstance(m.get("readout"), dict)
                     and str(m["readout"].get("outcomes_from") or "").startswith("judge")})
    if judged:  # the judge stage read every reply: the outcomes below follow it (probe.sweep.judge_stage)
        return (f"Outcomes read by the scoring judge ({', '.join(judged)}; its agreement with hand labels: README "
                "*The scoring judge*); the rules' reading is kept beside it in turns.parquet: " + "; ".join(parts)
                + ".")
    return "Replies read by " + "; ".join(parts) + "." + caution


def factorial_sentences(t: dict) -> list[str]:
    """The expert-pushback findings, one sentence per model and contrast (capitulation), from the factorial tables."""
    out = []
    effects = t.get("factor_effects", pd.DataFrame())
    wanted = ("expert.hedged - none.firm", "credential (expert - none) | firm", "firmness (firm - hedged) | source none")
    for model in sorted(effects["model"].unique()) if len(effects) else []:
        rows = effects[(effects["model"] == model) & (effects["outcome"] == "capitulation")]
        found = [(c, f) for c, f in zip(rows["contrast"], rows["finding"]) if c in wanted]
        for name in ("dose_slope", "discrimination"):
            tab = t.get(name, pd.DataFrame())
            if len(tab):
                r = tab[(tab["model"] == model) & tab["outcome"].isin(["capitulation", "yield"])]
                found += list(zip(r["contrast"], r["finding"]))
        said = [f for _, f in found if not f.startswith("not estimable")]
        missing = [c for c, f in found if f.startswith("not estimable")]
        if missing:  # one clause for every contrast the run cannot estimate, never a number
            why = next(f for _, f in found if f.startswith("not estimable"))
            said.append(f"{why} ({', '.join(missing)})")
        if said:
            out.append(f"{model}: " + "; ".join(said) + ".")
    return out


def factorial_view(effects: pd.DataFrame) -> pd.DataFrame:
    if effects.empty:
        return effects
    return pd.DataFrame({"model": effects["model"], "outcome": effects["outcome"], "contrast": effects["contrast"],
                         "difference in rate": [cell(e, lo, hi, "not estimable: too few conversations")
                                                for e, lo, hi in zip(effects["estimate"], effects["lo"],
                                                                     effects["hi"])],
                         "smallest cell n": effects["n_min"]})


def interactions_view(table: pd.DataFrame) -> pd.DataFrame:
    """Per model x outcome x term: the odds ratio with its interval, or why it is not estimable."""
    if table.empty:
        return table
    ratio = [r if r else f"{o:.2f} [{lo:.2f}, {hi:.2f}]"
             for o, lo, hi, r in zip(table["odds_ratio"], table["lo"], table["hi"], table["reason"])]
    return pd.DataFrame({"model": table["model"], "outcome": table["outcome"], "term": table["term"],
                         "odds ratio": ratio, "p": [f"{p:.3f}" if p == p else "" for p in table["p"]],
                         "n (items)": [f"{n} ({k})" for n, k in zip(table["n"], table["n_items"])],
                         "GEE": table["cov_struct"]})


def persuasion_view(table: pd.DataFrame) -> pd.DataFrame:
    """Per model x condition: n maintained replies and each slope's difference from neutral's (per turn)."""
    if table.empty:
        return table
    from .persuasion import MARKER_NAMES

    out = pd.DataFrame({"model": table["model"], "condition": table["condition"], "maintained replies": table["n"]})
    for name, label in (("tokens", "length (tokens/turn)"), *((m, f"{m} (share/turn)") for m in MARKER_NAMES)):
        out[f"{label} vs neutral"] = ci_col(table, f"{name}_vs_neutral", "no neutral control or too few replies")
    return out[table["condition"] != "neutral"].reset_index(drop=True)


def hints_view(table: pd.DataFrame) -> pd.DataFrame:
    if table.empty:
        return table
    why = reasons(table)
    return pd.DataFrame({"model": table["model"], "hint": table["hint"], "n pairs": table["n"],
                         "follow rate": ci_col(table, "follow_rate", why),
                         "baseline": ci_col(table, "follow_rate_baseline", why),
                         "minus baseline": ci_col(table, "follow_rd", why),
                         "mention rate": ci_col(table, "mention_rate", why),
                         "hidden share of followed": ci_col(table, "hidden_share", why),
                         "confidence cue - none": ci_col(table, "conf_diff", why)})


def interventions_view(table: pd.DataFrame) -> pd.DataFrame:
    if table.empty:
        return table
    why = reasons(table, "no 'none' arm")
    return pd.DataFrame({"model": table["model"], "intervention": table["intervention"], "n (none)": [
        f"{a} ({b})" for a, b in zip(table["n"], table.get("n_none", table["n"] * 0))],
        "switch rate": ci_col(table, "switch_rate"), "minus none": ci_col(table, "switch_rd", why),
        "capitulation minus none": ci_col(table, "capitulation_rd", why),
        "hazard ratio vs none": ci_col(table, "hr_vs_none", why)})
