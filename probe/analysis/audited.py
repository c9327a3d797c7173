"""Run audits (`probe audit`) as columns of the conversation frame: which conversations a person read, with what
inclusion probability, and the outcomes the person's labels give.

    audits = load_audits(["runs/a"], runs.conversations, runs.turns)  # [AuditRun], read from RUN/audit/ (empty without an audit)
    conv = with_audit_columns(runs.conversations, audits)
    # _audit_covered (its stratum has a finished audited conversation), _audited, _pi, _h_gold0, _h_switched, _h_capitulated (human), aligned with conv
    # and, where the person gave them: _h_premise0 (turn-0 premise label) and _h_mention (turn-0 cue mention, yes | no)

Only a run's primary reader (the first who labelled) counts, only conversations labelled to their last turn, and
only audits that are not stale (`probe.audit.staleness`).  The inclusion probability is per stratum (run × model ×
condition): conversations finished / conversations in the stratum (`probe.analysis.ppi.stratum_pi`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..audit import (KEY, READINGS, LabelLog, _manifest, human_conversation, load_sample, run_items,
                     staleness)
from .ppi import stratum_pi


PROBE_LABELS = ("_h_premise0", "_h_mention")  # the person's turn-0 premise / mention labels ("" when not asked)


@dataclass
class AuditRun:
    run: str
    sample: dict
    reader: str = ""
    stale: str = ""
    readers: list = field(default_factory=list)
    human: pd.DataFrame = field(default_factory=pd.DataFrame)  # one row per finished conversation
    replies: pd.DataFrame = field(default_factory=pd.DataFrame)  # one row per labelled reply of those
    seconds: float = 0.0  # reading time recorded for the primary reader's replies

    @property
    def n_done(self) -> int:
        return len(self.human)


def _letters(run: Path, turns: pd.DataFrame) -> dict:
    """(dataset, item_id) → (gold letter, alternative letter) for multiple-choice items."""
    items, _ = run_items(run, _manifest(run))
    return {k: (it.gold_letter, it.alternative_letter) for k, it in items.items() if it.is_mc}


def load_audit(run: Path, conv: pd.DataFrame, turns: pd.DataFrame) -> AuditRun | None:
    sample = load_sample(run)
    if sample is None:
        return None
    out = AuditRun(str(run), sample)
    rid = {c["key"]["run_id"] for c in sample["conversations"]}
    conv_r, turns_r = conv[conv["run_id"].astype(str).isin(rid)], turns[turns["run_id"].astype(str).isin(rid)]
    out.stale = staleness(run, sample, conv_r, turns_r)
    log = LabelLog(run)
    out.readers = log.readers()
    if out.stale or not out.readers:
        return out
    out.reader = out.readers[0]
    labels = {(c, t): e for (r, c, t), e in log.labels().items() if r == out.reader}
    said_col, kind_col = READINGS[sample.get("reading", "rules")]
    t = turns_r.assign(_k=turns_r[list(KEY)].astype(str).agg("|".join, axis=1)).sort_values("turn")
    groups = {k: g for k, g in t.groupby("_k", sort=False)}
    letters = _letters(run, turns_r)
    c_r = conv_r.assign(_k=conv_r[list(KEY)].astype(str).agg("|".join, axis=1)).drop_duplicates("_k")
    mention = (dict(zip(c_r["_k"], c_r["hint_mention"].astype(bool))) if "hint_mention" in c_r else {})
    rows, replies = [], []
    for i, c in enumerate(sample["conversations"]):
        k = "|".join(c["key"][x] for x in KEY)
        g = groups.get(k)
        if g is None or not all((i, tu) in labels for tu in range(len(g))):
            continue
        labs = [labels[(i, tu)] for tu in range(len(g))]
        lt = letters.get((c["key"]["dataset"], c["key"]["item_id"]), (None, None))
        h = human_conversation(k, labs, g["finish_reason"].astype(str).tolist(), len(g) - 1, lt)
        rows.append({**c["key"], "_h_initial_class": h.initial_class, "_h_switched": h.outcome["switched"],
                     "_h_capitulated": h.outcome["capitulated"], "_h_premise0": str(labs[0].get("premise") or ""),
                     "_h_mention": str(labs[0].get("mention") or "")})
        for tu, lab, hs, hk, (_, r) in zip(range(len(g)), labs, h.said, h.kind, g.iterrows()):
            mc = bool(str(r.get("said_option") or "")) or lt[0] is not None
            auto_said = (str(r["said_option"] or "none") if mc and said_col == "said" else str(r[said_col]))
            human_said = str(lab["said"]) if mc and said_col == "said" else hs
            replies.append({**c["key"], "turn": tu, "said_agree": auto_said == human_said,
                            "kind_agree": str(r[kind_col]) == hk,
                            # the probes' rule readings beside the person's ("" where not asked / not read)
                            "premise_rule": str(r.get("premise") or ""), "premise_human": str(lab.get("premise") or ""),
                            "mention_rule": ("yes" if mention.get(k) else "no") if tu == 0 and lab.get("mention")
                            else "", "mention_human": str(lab.get("mention") or "") if tu == 0 else ""})
            out.seconds += float(lab.get("seconds") or 0)
    out.human = pd.DataFrame(rows, columns=[*KEY, "_h_initial_class", "_h_switched", "_h_capitulated", *PROBE_LABELS])
    out.replies = pd.DataFrame(replies, columns=[*KEY, "turn", "said_agree", "kind_agree", "premise_rule",
                                                 "premise_human", "mention_rule", "mention_human"])
    return out


def load_audits(dirs: list[str], conv: pd.DataFrame, turns: pd.DataFrame) -> list[AuditRun]:
    out = []
    for d in dict.fromkeys(dirs):
        a = load_audit(Path(d), conv, turns)
        if a is not None:
            out.append(a)
    return out


def usable(audits: list[AuditRun]) -> list[AuditRun]:
    return [a for a in audits if not a.stale and a.n_done]


def _key(df: pd.DataFrame) -> pd.Series:
    return df[list(KEY)].astype(str).agg("|".join, axis=1)


def with_audit_columns(conv: pd.DataFrame, audits: list[AuditRun]) -> pd.DataFrame:
    """``conv`` with the audit columns (a copy); conversations of runs without a usable audit are not covered."""
    good = usable(audits)
    covered_runs = {c["key"]["run_id"] for a in good for c in a.sample["conversations"]}
    keys = _key(conv)
    human = pd.concat([a.human for a in good], ignore_index=True) if good else pd.DataFrame(columns=[*KEY])
    h = human.assign(_k=_key(human)).drop_duplicates("_k").set_index("_k") if len(human) else None
    audited = keys.isin(h.index).to_numpy() if h is not None else np.zeros(len(conv), bool)
    strata = (conv["run_id"].astype(str) + "|" + conv["model"].astype(str) + "|" + conv["condition"].astype(str))
    pi = stratum_pi(strata.to_numpy(), audited)

    def col(name, default):
        if h is None:
            return np.full(len(conv), default, dtype=object)
        return h[name].reindex(keys.to_numpy()).to_numpy(dtype=object)

    init, sw, cap = col("_h_initial_class", ""), col("_h_switched", False), col("_h_capitulated", False)
    probes = {name: np.where(audited, col(name, ""), "").astype(str) for name in PROBE_LABELS}
    done = pd.Series(audited).groupby(strata.to_numpy()).transform("any").to_numpy()  # stratum has a label
    return conv.assign(_audit_covered=conv["run_id"].astype(str).isin(covered_runs).to_numpy() & done,
                       _audited=audited,
                       _pi=np.where(audited, pi, np.nan), _h_initial_class=np.where(audited, init, ""),
                       _h_gold0=np.where(audited, init == "gold", False).astype(float),
                       _h_switched=np.where(audited, sw == True, False).astype(float),  # noqa: E712 (object array)
                       _h_capitulated=np.where(audited, cap == True, False).astype(float),  # noqa: E712
                       **probes)


__all__ = ["AuditRun", "load_audit", "load_audits", "usable", "with_audit_columns"]
