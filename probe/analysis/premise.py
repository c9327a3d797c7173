"""False premises: does a model reject a false presupposition, does the rejection survive insistence, and does the
token-level confidence of its first reply predict either?

    from probe.analysis.premise import premise_tables
    premise_tables(prepare(conv), ItemBootstrap(n_items, 300))   # {} for runs without false-premise items

Three tables, every rate with its n and a 95 % item-cluster interval (`probe.boot`), "not estimable" below
`MIN_N` conversations:

- ``premise_rejection``: per model and question variant, the turn-0 reading of each (item, variant) once (turn 0
  is shared by the conditions): rejects / accepts / unclear; for the question with its premise (``original``)
  against the premise-free control (``premise_free``, where "rejects" = the reply gives the fact), the difference
  on the items asked both ways;
- ``premise_survival``: among conversations whose turn-0 reply rejected the premise, per model, variant and
  condition, the share whose rejection survived every pushback turn (no reply accepting the premise) and the mean
  turns survived; insist_premise against the neutral control of the same model and variant;
- ``premise_confidence``: AUROC of each token-level confidence column (larger = more confident, sign applied) for
  (a) rejecting at turn 0, among the ``original`` turn-0 replies, and (b) the rejection surviving, among
  rejections under insist_premise (and, apart, the fact given to the premise-free control surviving it).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..boot import ItemBootstrap, percentile_ci, spearman_auroc
from ..records import MEASURES, TOKEN
from .cells import CellStats, interval_cols
from .effects import against_reference

MIN_N = 5  # fewer conversations (or fewer than 2 of each class for an AUROC): not estimable
READINGS = ("rejects", "accepts", "unclear")
ORIGINAL, CONTROL, INSIST, NEUTRAL = "original", "premise_free", "insist_premise", "neutral"
NOT_ESTIMABLE = f"not estimable (n < {MIN_N})"
STEM_KEY = ["model", "dataset", "item_id", "variant"]


def has_premise(conv: pd.DataFrame) -> bool:
    return "premise0" in conv and bool((conv["premise0"].astype(str) != "").any())


def _str(df: pd.DataFrame, *cols: str) -> pd.DataFrame:
    return df.assign(**{c: df[c].astype(str) for c in cols})


def stems(conv: pd.DataFrame) -> pd.DataFrame:
    """One row per model, item and variant of the false-premise items: its turn-0 reading."""
    fp = _str(conv[conv["premise0"].astype(str) != ""], "model", "dataset", "item_id", "variant", "condition",
              "premise0")
    return fp.sort_values(STEM_KEY + ["condition"]).drop_duplicates(STEM_KEY).reset_index(drop=True)


def rejection_table(conv: pd.DataFrame, boot: ItemBootstrap) -> pd.DataFrame:
    st = stems(conv)
    values = {r: (st["premise0"] == r).astype(float) for r in READINGS}
    cs = CellStats(boot, st, ["model", "variant"], {**values, "n": 1.0})
    n, rows = cs.count("n"), []
    rates = {r: tuple(np.array(a, dtype=float) for a in cs.ratio(r, "n")) for r in READINGS}
    # the premise against its control on the items asked both ways (paired: one bootstrap over the same items)
    both = st.groupby(["model", "dataset", "item_id"])["variant"].transform(
        lambda v: {ORIGINAL, CONTROL} <= set(v))
    paired = st[both]
    pc = CellStats(boot, paired, ["model", "variant"], {"rejects": (paired["premise0"] == "rejects").astype(float),
                                                        "n": 1.0})
    pn = pc.count("n")
    prates = {"rejects": tuple(np.array(a, dtype=float) for a in pc.ratio("rejects", "n"))}
    for i, r in cs.keys.iterrows():
        row = {"model": r["model"], "variant": r["variant"], "n": int(n[i])}
        note = NOT_ESTIMABLE if n[i] < MIN_N else ""
        for name, (est, samp) in rates.items():
            e, s = (np.nan, np.full(boot.n_boot, np.nan)) if note else (est[i], samp[:, i])
            row.update({k: float(v) for k, v in interval_cols(f"{name}_rate", e, s).items()})
        if r["variant"] == ORIGINAL:
            keys = pc.keys
            mine = np.flatnonzero((keys["model"] == r["model"]).to_numpy() & (keys["variant"] == ORIGINAL).to_numpy())
            ref = np.flatnonzero((keys["model"] == r["model"]).to_numpy() & (keys["variant"] == CONTROL).to_numpy())
            if len(mine) and len(ref):
                j, k = mine[0], ref[0]
                row["n_paired"] = int(pn[j])
                if pn[j] >= MIN_N:
                    (est, samp) = prates["rejects"]
                    row.update({key: float(v) for key, v in interval_cols(
                        "rejects_rate_control", est[k], samp[:, k]).items()})
                    row.update({key: float(v) for key, v in interval_cols(
                        "rejects_minus_control", est[j] - est[k], samp[:, j] - samp[:, k]).items()})
                else:
                    note = note or f"control not estimable (n < {MIN_N} items asked both ways)"
            else:
                note = note or "no premise-free control in these runs"
        row["note"] = note
        rows.append(row)
    return pd.DataFrame(rows)


def survival_table(conv: pd.DataFrame, boot: ItemBootstrap) -> pd.DataFrame:
    rej = _str(conv[conv["premise_rejected0"].astype(bool)], "model", "variant", "condition")
    if rej.empty:
        return pd.DataFrame()
    turns = pd.to_numeric(rej["premise_turns_survived"], errors="coerce").astype(float)
    cs = CellStats(boot, rej, ["model", "variant", "condition"], {
        "survived": rej["premise_rejection_survived"].astype(float), "turns": turns, "n": 1.0})
    n, keys = cs.count("n"), cs.keys
    rates = {k: tuple(np.array(a, dtype=float) for a in cs.ratio(k, "n")) for k in ("survived", "turns")}
    rows = []
    for i, r in keys.iterrows():
        blank = _blank_copy(rates, n, i)
        row = {"model": r["model"], "variant": r["variant"], "condition": r["condition"], "n": int(n[i]),
               "n_turns": int(rej["n_turns"].max())}
        ref = np.flatnonzero((keys["model"] == r["model"]).to_numpy() & (keys["variant"] == r["variant"]).to_numpy()
                             & (keys["condition"] == NEUTRAL).to_numpy())
        use_ref = r["condition"] != NEUTRAL and len(ref) and n[ref[0]] >= MIN_N and n[i] >= MIN_N
        out = against_reference({"survived": blank["survived"]}, n, i, ref[0] if use_ref else None, NEUTRAL)
        row.update({k: v for k, v in out.items() if not k.startswith("survived_rr")})
        row.update({k: float(v[i]) for k, v in interval_cols("mean_turns_survived", *blank["turns"]).items()})
        row["note"] = NOT_ESTIMABLE if n[i] < MIN_N else "" if use_ref or r["condition"] == NEUTRAL else \
            "no neutral control to compare with (or too few rejections under it)"
        rows.append(row)
    return pd.DataFrame(rows)


def _blank_copy(rates: dict, n: np.ndarray, i: int) -> dict:
    """The rates with cell i set to NaN when it holds fewer than MIN_N conversations."""
    if n[i] >= MIN_N:
        return rates
    out = {}
    for k, (est, samp) in rates.items():
        est, samp = est.copy(), samp.copy()
        est[i], samp[:, i] = np.nan, np.nan
        out[k] = (est, samp)
    return out


def token_measures(conv: pd.DataFrame) -> list[str]:
    return [name for name, c in MEASURES.items() if c.family == TOKEN and name in conv and conv[name].notna().any()]


def auroc(conf: np.ndarray, outcome: np.ndarray, items: np.ndarray, boot: ItemBootstrap) -> tuple:
    """AUROC of ``conf`` for ``outcome`` (True = positive) with its item-cluster percentile interval."""
    counts = np.ones((1, len(conf)))
    held = outcome.astype(float)
    _, point = spearman_auroc(conf, held, held, counts)
    _, samples = spearman_auroc(conf, held, held, boot.rows(items))
    lo, hi = percentile_ci(samples)
    return float(point[0]), float(lo), float(hi)


def confidence_table(conv: pd.DataFrame, boot: ItemBootstrap) -> pd.DataFrame:
    st = stems(conv)
    first = st[st["variant"] == ORIGINAL]
    rej = _str(conv[conv["premise_rejected0"].astype(bool)], "model", "condition", "variant")
    rej = rej[rej["condition"] == INSIST]
    targets = [("rejects at turn 0", first, (first["premise0"] == "rejects").to_numpy())]
    for variant, what in ((ORIGINAL, "rejection survives insistence"),
                          (CONTROL, "fact survives insistence (premise-free control)")):
        part = rej[rej["variant"] == variant]
        targets.append((what, part, part["premise_rejection_survived"].astype(bool).to_numpy()))
    rows = []
    for outcome, df, y in targets:
        for model in sorted(df["model"].astype(str).unique()):
            at = (df["model"].astype(str) == model).to_numpy()
            for measure in token_measures(df):
                c = MEASURES[measure].sign * df[measure].to_numpy(dtype=float, na_value=np.nan)
                ok = at & np.isfinite(c)
                pos, neg = int(y[ok].sum()), int((~y[ok]).sum())
                row = {"model": model, "outcome": outcome, "measure": measure, "label": MEASURES[measure].label,
                       "n": int(ok.sum()), "n_positive": pos}
                if ok.sum() < MIN_N or pos < 2 or neg < 2:
                    row.update({"auroc": np.nan, "auroc_lo": np.nan, "auroc_hi": np.nan,
                                "note": f"not estimable (n < {MIN_N} or fewer than 2 of each outcome)"})
                else:
                    a, lo, hi = auroc(c[ok], y[ok], df["_item"].to_numpy()[ok], boot)
                    row.update({"auroc": a, "auroc_lo": lo, "auroc_hi": hi, "note": ""})
                rows.append(row)
    return pd.DataFrame(rows)


def premise_tables(conv: pd.DataFrame, boot: ItemBootstrap) -> dict[str, pd.DataFrame]:
    if not has_premise(conv):
        return {}
    return {"premise_rejection": rejection_table(conv, boot), "premise_survival": survival_table(conv, boot),
            "premise_confidence": confidence_table(conv, boot)}


__all__ = ["MIN_N", "auroc", "has_premise", "premise_tables", "stems"]
