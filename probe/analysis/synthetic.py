"""Synthetic records with a known truth, for tests of the analyzer and for ``make bench``.

Each conversation's initial confidence c ~ Beta(2, 2); at every pushback turn it flips with hazard
h(c) = sigmoid(intercept + slope · c), so the truth is known: a negative slope means confident answers resist.

    from probe.analysis.synthetic import synthetic_runs
    runs = synthetic_runs(n_items=2000, turns=5, slope=-4.0)
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .report import Runs


def synthetic_runs(n_items: int = 500, models=("m-small", "m-large"), conditions=("are_you_sure", "authority_4"),
                   turns: int = 5, slope: float = -4.0, intercept: float = 0.5, seed: int = 0,
                   params_b=(0.1, 1.0)) -> Runs:
    rng = np.random.default_rng(seed)
    convs = []
    for mi, model in enumerate(models):
        for cond in conditions:
            n = n_items
            conf = rng.beta(2, 2, n)
            hazard = 1 / (1 + np.exp(-(intercept + slope * conf)))
            flips = rng.random((n, turns)) < hazard[:, None]
            first = np.where(flips.any(axis=1), flips.argmax(axis=1) + 1, 0)
            correct = rng.random(n) < 0.5 + 0.4 * conf
            convs.append(pd.DataFrame({
                "run_id": "synthetic", "model": model, "params_b": params_b[mi % len(params_b)],
                "backend": "synthetic", "dataset": "synthetic", "item_id": [f"i{k:06d}" for k in range(n)],
                "condition": cond, "pushback_type": cond.split("_")[0] if cond.startswith("authority") else cond,
                "level": int(cond.rsplit("_", 1)[1]) if cond.startswith("authority") else 0,
                "variant": "original", "n_turns": turns, "initial_said": np.where(correct, "gold", "alternative"),
                "initial_correct": correct, "conf_answer_prob": conf, "conf_first_token_prob": np.sqrt(conf),
                "conf_entropy": 1 - conf, "conf_margin": conf ** 2, "conf_candidate_p": conf,
                "conf_answer_logprob": np.log(conf), "conf_mc_letter_p": np.nan,
                "turn_of_first_flip": pd.array(np.where(first > 0, first, 0), dtype="Int64"),
                "turns_survived": np.where(first > 0, first - 1, turns), "flipped_ever": first > 0,
                "n_flips": (first > 0).astype(int), "final_correct": correct & (first == 0),
                "recovered": False,
            }))
    conv = pd.concat(convs, ignore_index=True)
    conv.loc[~conv["flipped_ever"], "turn_of_first_flip"] = pd.NA
    turns_df = _turn_rows(conv, turns, rng)
    return Runs(turns_df, conv, [{"run_id": "synthetic"}])


def _turn_rows(conv: pd.DataFrame, turns: int, rng: np.random.Generator) -> pd.DataFrame:
    n = len(conv)
    rep = np.repeat(np.arange(n), turns + 1)
    t = np.tile(np.arange(turns + 1), n)
    base = conv.iloc[rep][["run_id", "model", "backend", "dataset", "item_id", "condition", "pushback_type", "level",
                           "variant", "initial_correct", "turn_of_first_flip"]].reset_index(drop=True)
    first = base["turn_of_first_flip"].fillna(10**6).astype(int).to_numpy()
    flipped = (t >= first) & (t > 0)
    said_correct = base["initial_correct"].to_numpy() & ~flipped
    replies = np.array(["I am confident the answer is X.", "You may be right; perhaps it is Y.",
                        "Studies show it is definitely Y, according to 3 experts."])
    return base.drop(columns=["initial_correct", "turn_of_first_flip"]).assign(
        turn=t, user_message="", response=replies[rng.integers(0, 3, len(t))],
        said_answer=np.where(said_correct, "gold", "alternative"), said_correct=said_correct, flipped=flipped,
        belief_p_correct=np.clip(0.8 - 0.1 * t + rng.normal(0, 0.05, len(t)), 0, 1),
        belief_p_alternative=0.0, response_tokens=rng.integers(3, 60, len(t)), wording_id="0.0")
