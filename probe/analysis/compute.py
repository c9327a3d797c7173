"""Every table of the analysis from loaded runs — statistics only (no plotting, no files).

    from probe.analysis import load_runs, compute
    tables = compute(load_runs(["runs/a"]), measure="conf_answer_prob", n_boot=300)
    tables["leaderboard"], tables["sycophancy"], ...

One item-cluster bootstrap (``n_boot`` draws of the items, seeded) serves every interval, so differences between
conditions and models are paired.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ..errors import ProbeError
from .association import confidence_resistance, headline, measure_panel
from ..boot import ItemBootstrap
from .calibration import calibration
from .describe import (authority_dose, belief_agreement_table, escalation, outcome_kinds, said_vs_believed,
                       turn_view)
from .effects import progressive_regressive, sycophancy
from .factorial import factorial_tables, has_factors
from .factorial_interactions import factor_interactions
from .hints import has_hints, hint_effects
from .interventions import has_interventions, intervention_effects
from .persuasion import persuasion_escalation
from .premise import has_premise, premise_tables
from .labels import CONF_MEASURES, PRIMARY_MEASURE, PRIMARY_OUTCOME
from .audit_probes import audit_probe_tables
from .audited import usable, with_audit_columns
from .leaderboard import leaderboard
from .panel import confidence_panel
from .population import conversation_index, exclusions, outcome_variants, prepare
from .runs import Runs
from .sensitivity import sensitivity
from .survival_tables import hazard_models, km_tables


def check_measure(conv: pd.DataFrame, measure: str) -> None:
    from .panel import PANEL_ESTIMATORS

    known = list(dict.fromkeys([*CONF_MEASURES, *(c for c, _, _ in PANEL_ESTIMATORS)]))
    if measure not in known:
        raise ProbeError(f"--measure: {measure!r} is not a confidence column (one of {', '.join(known)})")
    # false-premise runs read their own outcome (probe.analysis.premise) with whichever token measures have values:
    # an answer span is seldom found in a reply to a false premise, and their report must not fail for it
    if (measure not in conv or conv[measure].notna().sum() == 0) and not has_premise(conv):
        raise ProbeError(f"--measure: {measure!r} has no values in these runs")
    if not np.isfinite(pd.to_numeric(conv[measure], errors="coerce").to_numpy(dtype=float, na_value=np.nan)).any():
        raise ProbeError(f"--measure: {measure!r} has no finite values in these runs (every one NaN or infinite)")


def regroup(conv: pd.DataFrame, turns: pd.DataFrame, by: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Treat the ``by`` columns (e.g. backend, dtype) as the unit that tables call "model"."""
    if by == ["model"]:
        return conv, turns
    for k in by:
        if k not in conv:
            raise ProbeError(f"--by: unknown column {k!r}")

    def unit(df):
        return df[by].astype(str).agg(" / ".join, axis=1) if len(by) > 1 else df[by[0]].astype(str)

    conv = conv.assign(model=unit(conv))
    if all(k in turns for k in by):
        turns = turns.assign(model=unit(turns))
    return conv, turns


def compute(runs: Runs, measure: str = PRIMARY_MEASURE, n_boot: int = 300, seed: int = 0,
            by: list[str] | None = None) -> dict[str, pd.DataFrame]:
    # one BLAS thread: the products are medium-sized, and multi-threaded OpenBLAS spin-waits (measured: 2-4x the
    # CPU time on a loaded 2-core machine for the same result)
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):
        return _compute(runs, measure, n_boot, seed, by)


def _compute(runs: Runs, measure: str, n_boot: int, seed: int, by: list[str] | None) -> dict[str, pd.DataFrame]:
    conv, turns, boot = _setup(runs, measure, n_boot, seed, by)
    pos = conversation_index(turns, conv)
    variants = outcome_variants(turns, conv, pos)
    key = confidence_resistance(conv, boot, measure, PRIMARY_OUTCOME)
    km, rm = km_tables(conv, boot, measure, PRIMARY_OUTCOME)
    tv = turn_view(turns, conv, pos)
    kinds, kinds_by_turn = outcome_kinds(conv, tv, boot)
    cal, reliab = calibration(conv, boot)
    audit = audit_tables(runs, conv, boot)
    return {
        **audit,
        "leaderboard": leaderboard(conv, boot, measure, corrected_score(runs, conv, boot)),
        "primary_result": headline(key) if len(key) else pd.DataFrame(),
        "confidence_resistance": key,
        "sycophancy": sycophancy(conv, boot),
        "km_by_tercile": km,
        "rmst": rm,
        "hazard_models": hazard_models(conv, measure, PRIMARY_OUTCOME),
        "calibration": cal,
        "reliability": reliab,
        "progressive_regressive": progressive_regressive(conv, boot),
        "outcome_kinds": kinds,
        "outcome_kinds_by_turn": kinds_by_turn,
        "said_vs_believed": said_vs_believed(tv, boot),
        "belief_agreement": belief_agreement_table(conv, tv, boot),
        "authority_dose": authority_dose(conv, boot),
        "escalation": escalation(turns, tv, boot),
        "persuasion_escalation": persuasion_escalation(turns, conv, pos, boot),
        "measure_panel": measure_panel(conv, boot),
        "confidence_panel": confidence_panel(conv, boot, seed),
        "sensitivity": sensitivity(conv, variants, boot, measure),
        "exclusions": exclusions(conv),
        **factorial_tables(conv, boot),  # only when the runs hold factorial cells
        **({"factor_interactions": factor_interactions(conv)} if has_factors(conv) else {}),
        **({"interventions": intervention_effects(conv, boot)} if has_interventions(conv) else {}),
        **(premise_tables(conv, boot) if has_premise(conv) else {}),  # only with false-premise items
        **({"hints": hint_effects(conv, boot)} if has_hints(conv) else {}),
        **audit_probe_tables(runs, conv, boot),  # the probes' readings corrected by the audit (only with probes)
    }


def audit_tables(runs: Runs, conv: pd.DataFrame, boot: ItemBootstrap) -> dict[str, pd.DataFrame]:
    """The audit's corrected rates and the reading's agreement with it (empty frames without a usable audit)."""
    from .audit_tables import agreement, corrected_rates

    if "_audited" not in conv or not conv["_audited"].any():
        return {"audit_rates": pd.DataFrame(), "audit_agreement": pd.DataFrame()}
    replies = pd.concat([a.replies for a in usable(runs.audits)], ignore_index=True)
    return {"audit_rates": corrected_rates(conv, boot), "audit_agreement": agreement(conv, replies, boot)}


def corrected_score(runs: Runs, conv: pd.DataFrame, boot: ItemBootstrap):
    """The leaderboard's score corrected by the audit (None without one, or without a neutral control)."""
    from .audit_tables import corrected_excess
    from .labels import NEUTRAL

    if "_audited" not in conv or not conv["_audited"].any() or not (conv["condition"] == NEUTRAL).any():
        return None
    return corrected_excess(conv, boot, sorted(conv["model"].astype(str).unique()))


def _setup(runs: Runs, measure: str, n_boot: int, seed: int, by: list[str] | None):
    raw, turns = runs.conversations, runs.turns
    if raw.empty:
        raise ProbeError("no conversations in these runs")
    check_measure(raw, measure)
    if usable(runs.audits):
        raw = with_audit_columns(raw, runs.audits)
    raw, turns = regroup(raw, turns, by or ["model"])
    conv = prepare(raw)
    return conv, turns, ItemBootstrap(int(conv["_item"].max()) + 1, n_boot, seed)


def analyze_tables(runs: Runs, measure: str = PRIMARY_MEASURE, n_boot: int = 300, seed: int = 0,
                   by: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """What `probe analyze` prints: the confidence ↔ resistance table, the headline per unit, exclusions."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):
        conv, _, boot = _setup(runs, measure, n_boot, seed, by)
        if not (conv["_gold"] & conv["_pressure"]).any():
            raise ProbeError("no initially-correct conversations under a pressure condition in these runs: "
                             "the primary population is empty")
        if not (conv["n_turns"] > 0).any():
            raise ProbeError("these runs have no pushback turn (turns: 0), so there is no resistance to relate "
                             "confidence to; `probe report` and `probe leaderboard` show turn-0 accuracy")
        key = confidence_resistance(conv, boot, measure, PRIMARY_OUTCOME)
        if key.empty:  # every primary conversation's measure NaN or infinite
            raise ProbeError(f"--measure: no initially-correct conversation under pressure has a finite {measure!r}")
        return {"confidence_resistance": key, "primary_result": headline(key), "exclusions": exclusions(conv),
                **audit_tables(runs, conv, boot)}


def leaderboard_tables(runs: Runs, measure: str = PRIMARY_MEASURE, n_boot: int = 300, seed: int = 0,
                       by: list[str] | None = None) -> dict[str, pd.DataFrame]:
    """What `probe leaderboard` prints: one row per unit (model by default) and the exclusions."""
    from threadpoolctl import threadpool_limits

    with threadpool_limits(1, user_api="blas"):
        conv, _, boot = _setup(runs, measure, n_boot, seed, by)
        return {"leaderboard": leaderboard(conv, boot, measure, corrected_score(runs, conv, boot)),
                "exclusions": exclusions(conv)}


def with_exclusions(table: pd.DataFrame, excl: pd.DataFrame) -> pd.DataFrame:
    """A per-model table with the model's exclusion counts appended (for the CSVs)."""
    if "model" not in table or table.empty or table is excl:
        return table
    cols = ["model", "turn0_other", "turn0_none", "with_nonanswer", "with_truncation"]
    return table.merge(excl[cols].rename(columns={c: f"excluded_{c}" if c.startswith("turn0") else c
                                                  for c in cols[1:]}), on="model", how="left")


__all__ = ["compute", "analyze_tables", "leaderboard_tables", "check_measure", "with_exclusions"]
