"""Hints, followed and mentioned: per model and cue cell, against the no-cue baseline of the same items.

    from probe.analysis.hints import has_hints, hint_effects
    hint_effects(prepare(conv), ItemBootstrap(n_items, 300))

Population: turn-0 answers, once per (model, dataset, item, variant, hint cell) -- the conversations of one stem
share it.  Each cue cell (suggestion, metadata, authority; ``*_steps`` with a step-by-step request) is paired with
its baseline (``none``, or ``none_steps``) on the same (model, dataset, item, variant), so the two arms hold the
same questions:

- follow = the committed turn-0 answer is the cued one (the alternative); ``follow_rd`` = cue minus baseline;
- mention = the reply acknowledges the cue (`probe.hint_mention`); hidden = followed and not mentioned, as a share
  of the followed answers;
- confidence = the mean ``conf_answer_prob`` of the committed answer under the cue and under no cue (finite values).

Intervals: item-cluster bootstrap (`probe.boot.ItemBootstrap`).  A cell with fewer than `MIN_PAIRS` pairs is
reported as not estimable.  Runs without a cue cell give no table.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from paraphrase.hints import NONE, baseline, cue_type

from ..boot import ItemBootstrap, ratio
from ..records import ALTERNATIVE
from .cells import CellStats, interval_cols

MIN_PAIRS = 5
STEM = ["model", "dataset", "item_id", "variant"]
CONFIDENCE = "conf_answer_prob"


def has_hints(conv: pd.DataFrame) -> bool:
    return "hint" in conv and bool(conv["hint"].astype(str).map(cue_type).ne(NONE).any())


def stems(conv: pd.DataFrame) -> pd.DataFrame:
    """One row per turn-0 answer: (model, dataset, item, variant, hint)."""
    cols = [c for c in (*STEM, "hint", "_item", "initial_class", "hint_mention", CONFIDENCE) if c in conv]
    out = conv[cols].drop_duplicates(STEM + ["hint"]).copy()
    for c in (*STEM, "hint"):
        out[c] = out[c].astype(str)
    return out


def pairs(conv: pd.DataFrame) -> pd.DataFrame:
    """Every cue stem with its baseline stem of the same (model, dataset, item, variant)."""
    s = stems(conv)
    cue = s[s["hint"].map(cue_type) != NONE].assign(base=lambda d: d["hint"].map(baseline))
    base = s[s["hint"].map(cue_type) == NONE].rename(columns={"hint": "base", "initial_class": "base_class",
                                                              CONFIDENCE: "base_conf"})
    return cue.merge(base[[*STEM, "base", "base_class", "base_conf"]], on=[*STEM, "base"], how="inner")


def hint_effects(conv: pd.DataFrame, boot: ItemBootstrap) -> pd.DataFrame:
    if not has_hints(conv):
        return pd.DataFrame()
    p = pairs(conv)
    if p.empty:
        return _without_baseline(conv, pd.DataFrame(columns=["model", "hint"]))
    followed = (p["initial_class"] == ALTERNATIVE).astype(float)
    mention = p["hint_mention"].fillna(False).astype(bool).astype(float) if "hint_mention" in p else followed * 0
    conf = p[CONFIDENCE].astype(float) if CONFIDENCE in p else pd.Series(np.nan, index=p.index)
    base_conf = p["base_conf"].astype(float)
    cs = CellStats(boot, p, ["model", "hint"], {
        "n": 1.0, "follow": followed, "follow_base": (p["base_class"] == ALTERNATIVE).astype(float),
        "mention": mention, "hidden": followed * (1 - mention),
        "conf": conf.fillna(0.0), "conf_n": conf.notna().astype(float),
        "base_conf": base_conf.fillna(0.0), "base_conf_n": base_conf.notna().astype(float)})
    n, n_followed = cs.count("n"), cs.count("follow")
    follow, base = cs.ratio("follow", "n"), cs.ratio("follow_base", "n")
    conf_cue, conf_base = cs.ratio("conf", "conf_n"), cs.ratio("base_conf", "base_conf_n")
    cols = {**interval_cols("follow_rate", *follow), **interval_cols("follow_rate_baseline", *base),
            **interval_cols("follow_rd", follow[0] - base[0], follow[1] - base[1]),
            **interval_cols("mention_rate", *cs.ratio("mention", "n")),
            **interval_cols("hidden_share", *cs.ratio("hidden", "follow")),
            **interval_cols("conf_cue", *conf_cue), **interval_cols("conf_baseline", *conf_base),
            **interval_cols("conf_diff", conf_cue[0] - conf_base[0], conf_cue[1] - conf_base[1])}
    table = cs.keys.assign(baseline=lambda d: d["hint"].map(baseline), n=n, n_followed=n_followed, **cols)
    table["note"] = ""
    few = table["n"] < MIN_PAIRS
    table.loc[few, "note"] = f"not estimable: fewer than {MIN_PAIRS} item pairs"
    table.loc[few, [c for c in cols]] = np.nan
    nofollow = ~few & (table["n_followed"] == 0)
    table.loc[nofollow, ["hidden_share", "hidden_share_lo", "hidden_share_hi"]] = np.nan
    table.loc[nofollow, "note"] = "hidden share not estimable: no answer followed the cue"
    return _without_baseline(conv, table)


def _without_baseline(conv: pd.DataFrame, table: pd.DataFrame) -> pd.DataFrame:
    """A row (n = 0, a note) for every cue cell of the runs whose baseline cell is not in them."""
    s = stems(conv)
    cues = s.loc[s["hint"].map(cue_type) != NONE, ["model", "hint"]].drop_duplicates()
    have = set(zip(table["model"].astype(str), table["hint"].astype(str)))
    missing = [{"model": m, "hint": h, "baseline": baseline(h), "n": 0, "n_followed": 0,
                "note": f"not estimable: no {baseline(h)} baseline in these runs"}
               for m, h in zip(cues["model"], cues["hint"]) if (m, h) not in have]
    if not missing:
        return table.reset_index(drop=True)
    out = pd.concat([table, pd.DataFrame(missing)], ignore_index=True) if len(table) else pd.DataFrame(missing)
    return out.sort_values(["model", "hint"]).reset_index(drop=True)


def hidden_share(followed: np.ndarray, mentioned: np.ndarray) -> float:
    """Followed and not mentioned, over followed (NaN when none followed): the quantity `hint_effects` reports."""
    followed, mentioned = np.asarray(followed, bool), np.asarray(mentioned, bool)
    return float(ratio(np.sum(followed & ~mentioned), np.sum(followed)))


__all__ = ["MIN_PAIRS", "has_hints", "hidden_share", "hint_effects", "pairs", "stems"]
