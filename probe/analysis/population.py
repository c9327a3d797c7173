"""Who is analysed, and the survival outcome of each conversation — pure functions of the record frames.

- *primary population*: initially-correct conversations (``initial_class == gold``) under pressure conditions
  (every condition whose ``control`` is False).  Controls (neutral, supportive, valid_evidence) are never pooled
  into it; they are compared with, in `effects`.
- *initially wrong*: ``initial_class`` alternative or other (a committed non-gold answer).
- outcome ``switch`` (primary) or ``capitulation`` (switch or retract): ``time`` = turn of the first event, or T when
  censored; ``survived`` = time − 1 for events, T otherwise; ``held`` = no event in T turns.
- sensitivity readings from ``turns.parquet``: a nonanswer as censoring, a nonanswer as capitulation, and the belief
  probe's argmax as the reading of the answer (`outcome_variants`).

    conv = prepare(runs.conversations)           # adds _item (cluster code), _pressure, _gold, _wrong
    df = outcome_frame(primary(conv), "conf_answer_prob")
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .labels import (ALTERNATIVE, CONVERSATION_KEY, GOLD, ITEM_KEY, NONANSWER, NONE, OTHER, OUTCOMES, SIGN,
                     TURN0_KEY)


TEXT = ("initial_answer",)  # free text the statistics never read


def prepare(conv: pd.DataFrame) -> pd.DataFrame:
    """The conversations with integer item-cluster codes and population flags (a copy); label columns become
    categoricals so grouping and filtering do no string work."""
    out = conv.drop(columns=[c for c in TEXT if c in conv.columns]).reset_index(drop=True)
    for c in out.columns:
        if out[c].dtype == object or pd.api.types.is_string_dtype(out[c].dtype):
            out[c] = out[c].astype("category")
    key = out[ITEM_KEY[0]].astype(str) + "|" + out[ITEM_KEY[1]].astype(str)
    out["_item"] = pd.factorize(key, sort=True)[0].astype(np.int64)  # codes depend only on the set of items
    out["_pressure"] = ~out["control"].astype(bool).to_numpy()
    out["_gold"] = (out["initial_class"] == GOLD).to_numpy()
    out["_wrong"] = out["initial_class"].isin([ALTERNATIVE, OTHER]).to_numpy()
    out["_row"] = np.arange(len(out))
    return out


def primary(conv: pd.DataFrame) -> pd.DataFrame:
    return conv[conv["_gold"] & conv["_pressure"]]


def outcome_arrays(conv: pd.DataFrame, outcome: str = "switch") -> tuple[np.ndarray, np.ndarray]:
    """(time, event): turn of the first event, or T when censored."""
    turn_col, flag = OUTCOMES[outcome]
    event = conv[flag].astype(bool).to_numpy()
    first = pd.to_numeric(conv[turn_col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    time = np.where(event, first, conv["n_turns"].to_numpy(dtype=float))
    return time, event


def outcome_frame(conv: pd.DataFrame, measure: str, outcome: str = "switch",
                  time_event: tuple[np.ndarray, np.ndarray] | None = None) -> pd.DataFrame:
    """conf (sign fixed: larger = more confident), time, event, survived, held, item, condition, model; rows with a
    missing measure dropped, and rows of a run without pushback turns (``turns: 0``: nothing to survive)."""
    time, event = time_event if time_event is not None else outcome_arrays(conv, outcome)
    conf = SIGN.get(measure, 1.0) * conv[measure].to_numpy(dtype=float, na_value=np.nan) if measure in conv \
        else np.full(len(conv), np.nan)
    T = conv["n_turns"].to_numpy(dtype=float)
    df = pd.DataFrame({"conf": conf, "time": time, "event": event.astype(int), "held": (~event).astype(int),
                       "survived": np.where(event, time - 1, T), "horizon": T,
                       "item": conv["_item"].to_numpy(), "condition": conv["condition"].to_numpy(),
                       "model": conv["model"].to_numpy(), "row": conv["_row"].to_numpy()})
    return df[np.isfinite(df["conf"]) & np.isfinite(df["time"]) & (T > 0)].reset_index(drop=True)


def conversation_index(turns: pd.DataFrame, conv: pd.DataFrame) -> np.ndarray:
    """For each turn row, the position in ``conv`` of the first conversation with its key (−1 when none)."""
    key = [k for k in CONVERSATION_KEY if k in turns.columns and k in conv.columns]
    t_codes = np.zeros(len(turns), dtype=np.int64)
    c_codes = np.zeros(len(conv), dtype=np.int64)
    for k in key:
        ct, uniq = pd.factorize(turns[k])
        cc = pd.Index(uniq).get_indexer(conv[k].to_numpy())  # −1: a value no turn row has
        t_codes = t_codes * (len(uniq) + 1) + ct
        c_codes = c_codes * (len(uniq) + 1) + cc
    first = pd.Series(c_codes).drop_duplicates(keep="first")
    hit = pd.Index(first.to_numpy()).get_indexer(t_codes)
    return np.where(hit >= 0, first.index.to_numpy()[np.maximum(hit, 0)], -1).astype(np.int64)


def first_of_key(conv: pd.DataFrame) -> np.ndarray:
    """For each conversation row, the row of the first conversation with the same key (itself when unique)."""
    key = [k for k in CONVERSATION_KEY if k in conv.columns]
    grp = conv.groupby(key, sort=False, observed=True).ngroup().to_numpy()
    first = np.full(grp.max() + 1 if len(grp) else 0, -1)
    order = np.arange(len(grp))[::-1]
    first[grp[order]] = order  # the last write wins: the smallest row per group
    return first[grp]


def _first_turn(pos: np.ndarray, turn: np.ndarray, mask: np.ndarray, n_conv: int) -> np.ndarray:
    """Earliest turn per conversation among rows where ``mask`` holds (NaN when none)."""
    sel = mask & (pos >= 0)
    out = np.full(n_conv, np.nan)
    first = pd.Series(turn[sel].astype(float)).groupby(pos[sel]).min()
    out[first.index.to_numpy()] = first.to_numpy()
    return out


def outcome_variants(turns: pd.DataFrame, conv: pd.DataFrame, pos: np.ndarray) -> dict:
    """Sensitivity readings of the primary outcome, each as (time, event) aligned with ``conv``:
    nonanswer_censored (follow-up ends before the first nonanswer), nonanswer_capitulation (a nonanswer counts as
    the event), belief_argmax (the event is the first turn whose belief-probe argmax is not the gold; conversations
    whose turn-0 belief argmax is not the gold are left out, NaN time)."""
    n = len(conv)
    same = first_of_key(conv)  # duplicated conversations share their first copy's turn rows
    turn = turns["turn"].to_numpy()
    T = conv["n_turns"].to_numpy(dtype=float)
    time, event = outcome_arrays(conv, "switch")
    first_na = _first_turn(pos, turn, (turns["kind"] == NONANSWER).to_numpy() & (turn > 0), n)[same]
    na = np.isfinite(first_na) & (~event | (first_na < time))
    out = {"nonanswer_censored": (np.where(na, first_na - 1, time), np.where(na, False, event)),
           "nonanswer_capitulation": (np.where(na, first_na, time), event | na)}
    arg = turns["belief_argmax"].fillna("").to_numpy(dtype=object)
    b0 = np.full(n, "", dtype=object)
    t0 = (turn == 0) & (pos >= 0)
    b0[pos[t0]] = arg[t0]
    b0 = b0[same]
    first_b = _first_turn(pos, turn, (turn > 0) & (arg != GOLD) & (arg != ""), n)[same]
    ev_b = np.isfinite(first_b)
    time_b = np.where(ev_b, first_b, T)
    out["belief_argmax"] = (np.where(b0 == GOLD, time_b, np.nan), ev_b & (b0 == GOLD))
    return out


def exclusions(conv: pd.DataFrame) -> pd.DataFrame:
    """Per model: conversations, turn-0 other / none (left out of the primary), conversations with a nonanswer or a
    truncated reply (kept; a nonanswer carries the answer forward), and the primary population's size."""
    flags = pd.DataFrame({"model": conv["model"].to_numpy(), "conversations": 1,
                          "turn0_other": (conv["initial_class"] == OTHER).to_numpy(int),
                          "turn0_none": (conv["initial_class"] == NONE).to_numpy(int),
                          "with_nonanswer": (conv["n_nonanswer"].to_numpy() > 0).astype(int),
                          "with_truncation": (conv["n_truncated"].to_numpy() > 0).astype(int),
                          "primary_n": (conv["_gold"] & conv["_pressure"]).to_numpy(int)})
    return flags.groupby("model", sort=True).sum().reset_index()


def belief_agreement(turns: pd.DataFrame) -> tuple[float, int]:
    """Share of turn-0 replies whose belief-probe argmax equals the said answer, among replies saying gold or
    alternative with a probe reading; counted once per model × item × variant (turn 0 is shared by conditions)."""
    t0 = turns[(turns["turn"] == 0) & turns["said"].isin([GOLD, ALTERNATIVE])
               & (turns["belief_argmax"].fillna("") != "")]
    t0 = t0.drop_duplicates([k for k in TURN0_KEY if k in t0.columns])
    if t0.empty:
        return float("nan"), 0
    return float((t0["belief_argmax"] == t0["said"]).mean()), int(len(t0))
