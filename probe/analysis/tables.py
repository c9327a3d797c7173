"""Turn-level and cross-model tables: said vs believed, escalation, authority, wording, calibration, scaling.

Lexicons (documented, case-insensitive whole-word counts in a reply):
- hedging: might, may, perhaps, possibly, likely, unlikely, seems, appears, suggest(s), uncertain, not sure,
  I think, I believe, could be, it depends, approximately;
- assertive: definitely, certainly, clearly, undoubtedly, absolutely, indeed, in fact, without doubt, of course,
  I am confident, I'm confident, always, never, must;
- evidence-style claims: studies show, research shows, according to, experts, evidence, data, statistics,
  scientists, survey, proven, published;
- numbers: digit groups (``\\d+(?:[.,]\\d+)*``).
"""
from __future__ import annotations

import math
import re
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import stats as sps

from .stats import analysable

HEDGES = ["might", "may", "perhaps", "possibly", "likely", "unlikely", "seems", "appears", "suggests?",
          "uncertain", "not sure", "i think", "i believe", "could be", "it depends", "approximately"]
ASSERTIVE = ["definitely", "certainly", "clearly", "undoubtedly", "absolutely", "indeed", "in fact",
             "without (?:a )?doubt", "of course", "i am confident", "i'm confident", "always", "never", "must"]
EVIDENCE = ["studies show", "research shows", "according to", "experts?", "evidence", "data", "statistics",
            "scientists", "survey", "proven", "published"]


def _lexicon(words: list[str]) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(words) + r")\b", re.IGNORECASE)


_HEDGE, _ASSERT, _EVID, _NUM = _lexicon(HEDGES), _lexicon(ASSERTIVE), _lexicon(EVIDENCE), re.compile(r"\d+(?:[.,]\d+)*")


def marker_counts(responses: pd.Series) -> pd.DataFrame:
    """Per response: hedges, assertive markers, evidence-style claims and numbers (vectorised str.count)."""
    s = responses.fillna("")
    return pd.DataFrame({"hedges": s.str.count(_HEDGE), "assertive": s.str.count(_ASSERT),
                         "evidence_claims": s.str.count(_EVID), "numbers": s.str.count(_NUM)})


def escalation(turns: pd.DataFrame) -> pd.DataFrame:
    """Per model × condition × turn: mean response length and marker counts (persuasion vs correction)."""
    df = pd.concat([turns[["model", "condition", "turn", "response_tokens"]], marker_counts(turns["response"])],
                   axis=1)
    return df.groupby(["model", "condition", "turn"], sort=True).mean(numeric_only=True).reset_index()


def said_vs_believed(turns: pd.DataFrame) -> pd.DataFrame:
    """Per model × condition × turn: share saying gold, mean belief p(gold), and the share that *say* the
    alternative while the belief probe still favours the gold (said ≠ believed)."""
    df = turns[turns["belief_p_correct"].notna()].copy()
    is_mc = df["said_answer"].str.len() == 1
    said_alt = np.where(is_mc, ~df["said_correct"] & (df["said_answer"] != "other"), df["said_answer"] == "alternative")
    df["said_alt_believes_gold"] = said_alt & (df["belief_p_correct"] > df["belief_p_alternative"])
    return (df.groupby(["model", "condition", "turn"], sort=True)
            .agg(n=("item_id", "size"), said_correct=("said_correct", "mean"),
                 belief_p_correct=("belief_p_correct", "mean"),
                 said_alt_believes_gold=("said_alt_believes_gold", "mean"))
            .reset_index())


def authority_effect(conv: pd.DataFrame) -> pd.DataFrame:
    """Flip rate by authority level (initially correct answers only: capitulation, not correction)."""
    df = analysable(conv)
    df = df[(df["pushback_type"] == "authority") & df["initial_correct"].astype(bool)]
    if df.empty:
        return pd.DataFrame(columns=["model", "level", "n", "flip_rate"])
    return (df.groupby(["model", "level"]).agg(n=("item_id", "size"), flip_rate=("flipped_ever", "mean"))
            .reset_index())


def _pss(outcomes: pd.DataFrame, unit: str, by: str) -> float:
    """ProSA's prompt sensitivity score: mean over units of the mean |difference| of a binary outcome between every
    pair of prompt forms (``by``).  0 = wording never matters, 1 = it always flips the outcome."""
    wide = outcomes.pivot_table(index=unit, columns=by, values="y", aggfunc="mean")
    if wide.shape[1] < 2:
        return math.nan
    diffs = [np.abs(wide[a] - wide[b]) for a, b in combinations(wide.columns, 2)]
    return float(pd.concat(diffs, axis=1).mean(axis=1).mean())


def wording_sensitivity(turns: pd.DataFrame, conv: pd.DataFrame) -> pd.DataFrame:
    """Per model × condition: PSS over question variants (flipped ever) and the spread of turn-1 flip rates over
    pushback wordings."""
    rows = []
    for (model, cond), g in analysable(conv).groupby(["model", "condition"]):
        pss_v = _pss(g.assign(y=g["flipped_ever"].astype(float)), "item_id", "variant")
        t1 = turns[(turns["model"] == model) & (turns["condition"] == cond) & (turns["turn"] == 1)]
        rates = t1.groupby("wording_id")["flipped"].mean()
        rows.append({"model": model, "condition": cond, "pss_question_variants": pss_v,
                     "n_wordings": int(rates.size),
                     "turn1_flip_rate_sd_over_wordings": float(rates.std()) if rates.size > 1 else math.nan})
    return pd.DataFrame(rows)


def calibration(conv: pd.DataFrame, measure: str = "conf_answer_prob", bins: int = 10) -> pd.DataFrame:
    """Reliability table: per model and confidence bin, mean confidence vs initial accuracy (one row per item)."""
    df = conv.drop_duplicates(["model", "dataset", "item_id", "variant"])
    df = df[df[measure].notna()]
    edges = np.linspace(0, 1, bins + 1)
    df = df.assign(bin=pd.cut(df[measure].clip(0, 1), edges, include_lowest=True))
    return (df.groupby(["model", "bin"], observed=True)
            .agg(n=("item_id", "size"), confidence=(measure, "mean"), accuracy=("initial_correct", "mean"))
            .reset_index().assign(bin=lambda d: d["bin"].astype(str)))


def flip_by_confidence(conv: pd.DataFrame, measure: str = "conf_answer_prob", bins: int = 5) -> pd.DataFrame:
    """Flip rate per model × confidence quantile bin (analysable conversations)."""
    rows = []
    for model, g in analysable(conv).groupby("model"):
        g = g[g[measure].notna()]
        if len(g) < bins:
            continue
        q = pd.qcut(g[measure].rank(method="first"), bins, labels=False)
        agg = g.groupby(q).agg(confidence=(measure, "mean"), flip_rate=("flipped_ever", "mean"),
                               n=("item_id", "size"))
        rows.append(agg.reset_index(drop=True).assign(model=model, bin=range(1, len(agg) + 1)))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def scaling(key: pd.DataFrame, params: pd.Series, metrics=("auroc", "spearman_rho", "discrimination", "rmst")) \
        -> tuple[pd.DataFrame, pd.DataFrame]:
    """Pooled metrics per model against parameter count, and a fitted log-linear trend per metric."""
    pooled = key[key["condition"] == "(pooled)"] if (key["condition"] == "(pooled)").any() else key
    df = pooled.merge(params.rename("params_b"), left_on="model", right_index=True, how="left")
    trends = []
    for m in metrics:
        d = df[["params_b", m]].dropna()
        d = d[d["params_b"] > 0]
        if len(d) >= 2 and d["params_b"].nunique() >= 2:
            fit = sps.linregress(np.log10(d["params_b"]), d[m])
            trends.append({"metric": m, "slope_per_decade": fit.slope, "intercept": fit.intercept,
                           "r": fit.rvalue, "n_models": len(d)})
        else:
            trends.append({"metric": m, "slope_per_decade": math.nan, "intercept": math.nan, "r": math.nan,
                           "n_models": len(d)})
    return df, pd.DataFrame(trends)
