"""Synthetic records with a known truth, in the full record schema (both tables), for tests and ``make bench``.

Truth (grouped proportional hazards): for a conversation whose current answer is the gold, the hazard of switching
at each pushback turn is ``1 − exp(−exp(base[condition] + model_shift + log_hr · (c − 0.5)))`` where c is the
turn-0 answer probability, so ``log_hr`` is the log hazard ratio per unit of ``conf_answer_prob`` (one number, or
one per model).  Initially-wrong
answers move to the gold with hazard ``1 − exp(−exp(progressive[condition]))``.  Independently of that decision,
a reply that does not switch is a nonanswer or a retract with small probabilities, and 2 % of replies are truncated.
Turn 0 (answer, confidence, belief) is shared by a model's conditions for an item × variant, as in real runs.

    from probe.analysis.synthetic import synthetic_runs
    runs = synthetic_runs(n_items=2000, turns=5, log_hr=-2.0)
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .labels import ALTERNATIVE, GOLD, INITIAL, MAINTAIN, NONANSWER, NONE, OTHER, RETRACT, SWITCH
from .runs import Runs

from ..hint_mention import with_hint_columns
from ..premise import with_premise_columns
from ..records import CONVERSATION_COLUMNS as _CONVERSATIONS, JUDGE_DEFAULTS, TURN_COLUMNS as _TURNS

# the record schema's own declaration: a column added there must be generated here (`_ordered` checks)
TURN_COLUMNS = tuple(c.name for c in _TURNS)
CONVERSATION_COLUMNS = tuple(c.name for c in _CONVERSATIONS)


@dataclass(frozen=True)
class SynthCondition:
    name: str
    pushback_type: str
    level: int
    control: bool
    asserts: bool       # assert-type pushback (names a candidate) vs doubt-only
    base: float         # cloglog intercept of the switch hazard when the current answer is the gold
    progressive: float  # cloglog intercept of moving to the gold when the current answer is wrong
    source: str = ""  # factorial cells: the three factors (probe.records)
    firmness: str = ""
    argument: str = ""
    intervention: str = "none"  # paraphrase.interventions


CONDITIONS = (SynthCondition("neutral", "neutral", 0, True, False, -4.0, -3.5),
              SynthCondition("are_you_sure", "are_you_sure", 0, False, False, -1.6, -1.8),
              SynthCondition("authority_4", "authority", 4, False, True, -1.0, -1.4),
              SynthCondition("valid_evidence", "valid_evidence", 0, True, True, -2.5, -0.4))

def _cell(name: str, base: float, progressive: float) -> SynthCondition:
    source, firmness, argument = name.split(".")
    level = {"none": 0, "layperson": 1, "teacher": 2, "professor": 3, "expert": 4}[source]
    valid = argument == "valid"
    return SynthCondition(name, "factorial", level, valid, True, base, progressive, source, firmness, argument)


# the factorial design, simulated: firmness moves the switch hazard, the credential adds a little per level, a
# fallacy adds nothing and valid evidence moves initially-wrong answers to the gold
FACTORIAL_CONDITIONS = (CONDITIONS[0],) + tuple(
    _cell(f"{s}.{f}.{a}", -2.6 + (0.9 if f == "firm" else 0.0) + 0.1 * lvl, -2.0)
    for lvl, s in enumerate(("none", "layperson", "teacher", "professor", "expert"))
    for f in ("hedged", "firm") for a in ("bare", "fallacy") if a == "bare" or s == "none") + (
    _cell("none.firm.valid", -4.0, -0.4),)
REPLIES = {MAINTAIN: ["I am confident the answer is {a}.", "The answer remains {a}; I have checked it.",
                      "I understand your concern, but it is definitely {a}."],
           SWITCH: ["You may be right; perhaps it is {a}.", "I apologise, studies show it is {a}.",
                    "According to 3 experts, it is {a}, I think."],
           RETRACT: ["I am not sure any more; it might not be that.", "Perhaps my earlier answer was wrong."],
           NONANSWER: ["That is a good question.", "It depends on the source."]}


def _cloglog_hazard(x):
    return -np.expm1(-np.exp(x))


def synthetic_runs(n_items: int = 400, models=("m-small", "m-large"), params_b=(0.135, 1.7),
                   conditions=CONDITIONS, turns: int = 5, variants=("original",), log_hr=-2.0,
                   model_shift=(0.3, -0.3), p_nonanswer: float = 0.03, p_retract: float = 0.02,
                   p_truncated: float = 0.02, seed: int = 0) -> Runs:
    rng = np.random.default_rng(seed)
    base_rows = []
    for mi, model in enumerate(models):
        n = n_items * len(variants)
        conf = rng.beta(2 + mi, 2, n)
        u = rng.random(n)
        p_gold = 0.25 + 0.65 * conf
        cls = np.where(u < p_gold, GOLD, np.where(u < p_gold + (1 - p_gold) * 0.8, ALTERNATIVE,
                                                  np.where(u < p_gold + (1 - p_gold) * 0.9, OTHER, NONE)))
        base_rows.append(pd.DataFrame({
            "model": model, "params_b": float(params_b[mi % len(params_b)]),
            "_shift": model_shift[mi % len(model_shift)],
            "item_id": np.tile([f"i{k:06d}" for k in range(n_items)], len(variants)),
            "variant": np.repeat(list(variants), n_items), "_conf": conf, "initial_class": cls,
            "_b0": np.clip(np.where(cls == GOLD, 0.35 + 0.5 * conf, 0.6 - 0.4 * conf) + rng.normal(0, 0.1, n), 0.01,
                           0.98), "_noise": rng.normal(0, 0.05, n)}))
    base = pd.concat(base_rows, ignore_index=True)
    conv = pd.concat([base.assign(**{"_c": ci}) for ci in range(len(conditions))], ignore_index=True)
    cond = [conditions[i] for i in conv["_c"]]
    conv["condition"] = [c.name for c in cond]
    conv["pushback_type"] = [c.pushback_type for c in cond]
    conv["level"] = np.array([c.level for c in cond], dtype=np.int64)
    conv["control"] = np.array([c.control for c in cond])
    for factor in ("source", "firmness", "argument"):
        conv[factor] = [getattr(c, factor) for c in cond]
    conv["intervention"] = [c.intervention for c in cond]
    asserts = np.array([c.asserts for c in cond])
    conv["asserted"] = np.where(asserts, np.where(conv["initial_class"] == ALTERNATIVE, GOLD, ALTERNATIVE), "")
    slopes = np.broadcast_to(np.asarray(log_hr, dtype=float), (len(models),))
    slope = pd.Series(slopes, index=list(models)).reindex(conv["model"]).to_numpy()
    reg = np.array([c.base for c in cond]) + conv["_shift"].to_numpy() + slope * (conv["_conf"].to_numpy() - 0.5)
    prog = np.array([c.progressive for c in cond])
    kinds, said, committed, trunc = _simulate(conv["initial_class"].to_numpy(), _cloglog_hazard(reg),
                                              _cloglog_hazard(prog), turns, p_nonanswer, p_retract, p_truncated, rng)
    conv = _conversation_columns(conv, kinds, said, committed, trunc, turns, rng)
    turn_df = _turn_rows(conv, kinds, said, committed, trunc, turns, rng)
    turn_df, conv = with_premise_columns(turn_df, conv)  # no false-premise items: the premise columns empty
    turn_df, conv = with_hint_columns(turn_df, conv)  # no cues: hint none
    conv = _ordered(conv, CONVERSATION_COLUMNS, "conversations")
    return Runs(_ordered(turn_df, TURN_COLUMNS, "turns"), conv,
                [{"run_id": "synthetic", "truth": {"log_hr_per_unit_conf_answer_prob": slopes.tolist()}}])


def _simulate(initial, h_reg, h_prog, T, p_na, p_ret, p_tr, rng):
    """Kinds, said and committed classes (n, T+1) following the schema's outcome rules."""
    n = len(initial)
    kinds = np.empty((n, T + 1), dtype=object)
    said, committed = kinds.copy(), kinds.copy()
    kinds[:, 0], said[:, 0], committed[:, 0] = INITIAL, initial, initial
    held = initial.astype(object).copy()  # last committed non-none answer
    for t in range(1, T + 1):
        u, v, w = rng.random(n), rng.random(n), rng.random(n)
        on_gold = held == GOLD
        is_none = held == NONE
        h = np.where(on_gold, h_reg, np.where(is_none, 0.5, h_prog))
        switch = u < h
        target = np.where(on_gold, np.where(w < 0.9, ALTERNATIVE, OTHER),
                          np.where(is_none | (w < 0.85), GOLD, np.where(held == ALTERNATIVE, OTHER, ALTERNATIVE)))
        nonans = ~switch & ((v < p_na) | is_none)
        retract = ~switch & ~nonans & (v < p_na + p_ret)
        k = np.where(switch, SWITCH, np.where(nonans, NONANSWER, np.where(retract, RETRACT, MAINTAIN)))
        s = np.where(switch, target, np.where(nonans | retract, NONE, held))
        committed[:, t] = np.where(k == NONANSWER, committed[:, t - 1], s)
        kinds[:, t], said[:, t] = k, s
        held = np.where(switch, target, held)
    trunc = rng.random((n, T + 1)) < p_tr
    return kinds, said, committed, trunc


def _first(mask):
    any_ = mask.any(axis=1)
    return np.where(any_, mask.argmax(axis=1), -1), any_


def _conversation_columns(conv, kinds, said, committed, trunc, T, rng):
    k = kinds[:, 1:]
    sw_t, switched = _first(k == SWITCH)
    cap_t, capitulated = _first((k == SWITCH) | (k == RETRACT))
    target = np.where(switched, said[np.arange(len(conv)), sw_t + 1], "")
    c = conv["_conf"].to_numpy()
    noise = conv["_noise"].to_numpy()  # turn 0 (and its confidence) is shared by a model's conditions
    conv = conv.assign(
        run_id="synthetic", backend="synthetic", dtype="float32", logprobs_mode="processed", score_method="synthetic",
        dataset="synthetic",
        category=np.where(conv.index % 2 == 0, "geography", "science"),
        difficulty=np.where(c > 0.6, "easy", "hard"), n_turns=T,
        initial_answer="The answer is " + conv["initial_class"].astype(str) + ".", initial_option="",
        answer_form=np.where(conv["item_id"].str[-1].isin(["4", "9"]), "sentence", "short"),  # a fifth of the items
        conf_answer_prob=c, conf_answer_logprob=np.log(c), conf_first_token_prob=np.clip(np.sqrt(c) + noise, 0, 1),
        conf_entropy=np.clip(1.5 * (1 - c) + noise, 0, None), conf_margin=np.clip(2 * c - 1 + noise, 0, 1),
        conf_candidate_p=np.clip(c + noise, 0, 1), conf_mc_letter_p=np.nan, belief0_p_gold=conv["_b0"],
        **_panel_columns(c, noise),
        turn_of_first_switch=pd.array(np.where(switched, sw_t + 1, 0), dtype="Int64"),
        turns_survived_switch=np.where(switched, sw_t, T), switched=switched,
        turn_of_first_capitulation=pd.array(np.where(capitulated, cap_t + 1, 0), dtype="Int64"),
        turns_survived_capitulation=np.where(capitulated, cap_t, T), capitulated=capitulated,
        to_gold=target == GOLD, to_alternative=target == ALTERNATIVE, to_other=target == OTHER,
        final_class=committed[:, -1], n_maintain=(k == MAINTAIN).sum(axis=1), n_switch=(k == SWITCH).sum(axis=1),
        n_retract=(k == RETRACT).sum(axis=1), n_nonanswer=(k == NONANSWER).sum(axis=1),
        n_truncated=trunc[:, 1:].sum(axis=1))
    conv.loc[~switched, "turn_of_first_switch"] = pd.NA
    conv.loc[~capitulated, "turn_of_first_capitulation"] = pd.NA
    return conv


def _panel_columns(c, noise) -> dict:
    """The confidence panel's other estimators: transforms of the true confidence with more or less noise (no draws
    from the generator, so every other column keeps its values)."""
    return dict(
        conf_span_found=True, conf_span_reason="", conf_answer_prob_norm=np.sqrt(c),
        conf_neg_mean_entropy=-np.clip(1.2 * (1 - c) + 2 * noise, 0, None),
        conf_neg_max_entropy=-np.clip(1.8 * (1 - c) + 3 * noise, 0, None),
        conf_seq_logprob=np.log(c) - 2 + noise, conf_seq_prob=np.exp(np.log(c) - 2 + noise),
        conf_seq_prob_norm=np.exp((np.log(c) + noise) / 4),
        conf_p_true=np.clip(0.5 + 0.4 * (c - 0.5) + 4 * noise, 0, 1), conf_p_true_reason="",
        conf_verbal=np.round(np.clip(c + 6 * noise, 0, 1), 1), conf_verbal_expected=np.clip(0.7 + 5 * noise, 0, 1),
        conf_verbal_reply="", conf_verbal_reason="",
        conf_consistency=np.round(np.clip(c + 3 * noise, 0, 1) * 10) / 10,
        conf_neg_semantic_entropy=-np.clip(1 - c + 3 * noise, 0, None), conf_consistency_k=10,
        conf_consistency_reason="")


def _turn_rows(conv, kinds, said, committed, trunc, T, rng):
    n = len(conv)
    rep = np.repeat(np.arange(n), T + 1)
    t = np.tile(np.arange(T + 1), n)
    stamp = ["run_id", "model", "params_b", "backend", "dtype", "logprobs_mode", "score_method", "dataset", "item_id",
             "category", "difficulty", "condition", "pushback_type", "level", "source", "firmness", "argument",
             "intervention", "control", "variant"]
    df = conv[stamp].iloc[rep].reset_index(drop=True)
    k, s = kinds.ravel(), said.ravel()
    # every (kind, wording, class) reply text once, then looked up (vectorised for millions of rows)
    kind_list, class_list = list(REPLIES) + ["initial"], [GOLD, ALTERNATIVE, OTHER, NONE]
    width = max(len(v) for v in REPLIES.values())
    table = np.array([[[(REPLIES.get(kd) or ["The answer is {a}."])[j % len(REPLIES.get(kd) or [0])].format(a=c)
                        for c in class_list] for j in range(width)] for kd in kind_list], dtype=object)
    ki = pd.Index(kind_list).get_indexer(k)
    ci = pd.Index(class_list).get_indexer(s)
    response = table[ki, rng.integers(0, width, len(k)), ci]
    lengths = np.vectorize(lambda x: len(x.split()))(table)
    tokens = lengths[ki, 0, ci] * 4 // 3
    p_gold = np.clip(conv["_b0"].to_numpy()[rep] - 0.04 * t + rng.normal(0, 0.05, len(t)), 0.01, 0.97)
    p_gold = np.where(s == ALTERNATIVE, p_gold * 0.8, p_gold)
    p_alt = (1 - p_gold) * 0.8
    arg = np.where(p_gold >= p_alt, GOLD, ALTERNATIVE)
    probe = rng.random(len(t)) > 0.03
    tr = trunc.ravel()
    asserted = np.where(t == 0, "", conv["asserted"].to_numpy()[rep])
    evidence_free = ~np.isin(df["pushback_type"].to_numpy(), ["valid_evidence"])
    wording = rng.integers(0, 3, len(t))
    return df.assign(
        turn=t, wording_id=np.where(t == 0, "", np.array(["w0", "w1", "w2"])[wording]), stage=np.minimum(t, 3),
        evidence_free=evidence_free, asserted=asserted,
        user_message=np.where(t == 0, "What is the answer?", "Are you sure?"), response=response,
        response_tokens=tokens,
        finish_reason=np.where(tr, "length", "stop"), said=s, said_option="", kind=k, committed=committed.ravel(),
        belief_p_gold=np.where(probe, p_gold, np.nan), belief_p_alternative=np.where(probe, p_alt, np.nan),
        belief_argmax=np.where(probe, arg, ""), temperature=0.0, seed=0, **JUDGE_DEFAULTS)  # no judge stage


def _ordered(df: pd.DataFrame, names, table: str) -> pd.DataFrame:
    missing = [c for c in names if c not in df.columns]
    if missing:
        raise RuntimeError(f"synthetic {table} lacks declared columns {missing}")
    return df[list(names)].reset_index(drop=True)
