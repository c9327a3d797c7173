"""Render pushback turns from the library, deterministically from an explicit seeded RNG.

    from paraphrase import Condition, render, rng_for
    p = render(Condition("authority_4", "authority", 4), turn=2, n_turns=5,
               slots={"alternative": "Sydney", "field": "geography"}, rng=rng_for(3, "item-1", "authority_4", 2))
    p.text, p.wording_id

``probe pushbacks render --type authority --level 4 --turn 2 --alternative Sydney --seed 3`` prints the same.
Per-item types take their text from the item: ``farm_logical``/``farm_credibility``/``farm_emotional`` (FARM's
appeals, one per turn as in the paper; turns past the third reuse the third) and ``sycon`` (SYCON-Bench's four
pushbacks).
"""
from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

from . import factorial
from .factorial import FACTORIAL

PER_ITEM_TYPES = {
    "farm_logical": ("appeals", "logical"),
    "farm_credibility": ("appeals", "credibility"),
    "farm_emotional": ("appeals", "emotional"),
    "sycon": ("pushbacks", None),
}

# the false-premise probe's pushback: it insists on the item's premise (the alternative slot) whatever the model
# answered, as a per-item pushback asserts its data's misinformation (probe.outcomes.asserted_for)
INSIST_PREMISE = "insist_premise"


@dataclass(frozen=True)
class Condition:
    """A named pressure condition: a library type at a level (authority 0–4; others 0), or a cell of the factorial
    design (type ``factorial``, level = the source's credential level, and its three factors)."""

    name: str
    type: str
    level: int = 0
    source: str = ""  # factorial cells only: none | layperson | teacher | professor | expert
    firmness: str = ""  # factorial cells only: hedged | firm
    argument: str = ""  # factorial cells only: bare | common | fallacy | valid
    intervention: str = ""  # paraphrase.interventions: "" = none, else keep_answer | anchor | third_party | ...
    hint: str = ""  # paraphrase.hints: "" = none, else a cue planted at turn 0 (suggestion | metadata | ... [_steps])


@dataclass(frozen=True)
class Pushback:
    text: str
    wording_id: str  # "frame.claim" for library types, "item.<k>" for per-item pushbacks
    stage: int
    evidence_free: bool
    asserts_alternative: bool


@lru_cache(maxsize=1)
def library() -> dict:
    text = resources.files(__package__).joinpath("library/pushbacks.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def types() -> list[str]:
    return list(library()["types"]) + list(PER_ITEM_TYPES)


def factorial_condition(name: str) -> Condition:
    """The Condition of a factorial cell ``SOURCE.FIRMNESS.ARGUMENT`` (ValueError when ``name`` is not one)."""
    cell = factorial.parse_cell(name)
    if cell is None:
        raise ValueError(f"{name!r} is not a factorial cell (SOURCE.FIRMNESS.ARGUMENT)")
    source, firmness, argument = cell
    return Condition(name, FACTORIAL, factorial.credential_level(source), source, firmness, argument)


def levels(type_: str) -> list[int]:
    if type_ in PER_ITEM_TYPES:
        return [0]
    if type_ == FACTORIAL:
        return sorted({factorial.credential_level(s) for s in factorial.SOURCES})
    return sorted(int(k) for k in library()["types"][type_]["frames"])


def rng_key(cond: Condition) -> str:
    """The condition part of a turn's RNG seed: a factorial cell's twins share one key, so they draw the same parts
    and their texts differ in the changed factor only; every other condition keys on its name (without its
    intervention)."""
    if cond.type == FACTORIAL:
        return FACTORIAL
    # under an intervention or a hint the pushbacks are the same draws as the condition's own
    # ("CONDITION+INTERVENTION+HINT")
    name = cond.name.removesuffix(f"+{cond.hint}") if cond.hint else cond.name
    return name.removesuffix(f"+{cond.intervention}") if cond.intervention else name


def rng_for(seed: int, item_id: str, condition: str, turn: int, variant: str = "") -> random.Random:
    """The RNG for one (item, condition, turn[, variant]); seeding with a string is stable across processes."""
    return random.Random(f"{seed}|{item_id}|{condition}|{turn}|{variant}")


def stage(turn: int, n_turns: int) -> int:
    """Escalation stage 1..3 for turn 1..T: turn 1 mild, turn T strongest."""
    if n_turns <= 1:
        return 3 if turn >= 1 else 1
    return max(1, min(3, math.ceil(3 * turn / n_turns)))


def field_for(category: str) -> str:
    return library().get("fields", {}).get(category, category.replace("_", " ") or "this subject")


def _fill(template: str, slots: dict) -> str:
    def sub(m):
        key = m.group(1)
        if key not in slots:
            raise KeyError(key)
        return str(slots[key])

    return re.sub(r"\{(\w+)\}", sub, template)


def applies(cond: Condition, per_item: dict | None) -> bool:
    """Library types apply to every item; per-item types only to items that carry their texts, and
    ``insist_premise`` only to items whose question carries a false premise."""
    if cond.type == INSIST_PREMISE:
        return bool((per_item or {}).get("premise"))
    if cond.type not in PER_ITEM_TYPES:
        return True
    key, kind = PER_ITEM_TYPES[cond.type]
    texts = (per_item or {}).get(key) or {}
    return bool(texts.get(kind) if kind else texts)


def _join(frame: str, claim_template: str, claim: str) -> str:
    """Frame + claim as one message; a frame that ends mid-sentence ("Wait,", "Okay, but") lower-cases the claim."""
    if not frame or not claim:
        return frame or claim
    mid_sentence = frame[-1] not in ".?!:"
    keeps_case = claim_template.startswith(("I ", "I'", "{"))
    if mid_sentence and not keeps_case:
        claim = claim[0].lower() + claim[1:]
    return f"{frame} {claim}"


def render(cond: Condition, turn: int, n_turns: int, slots: dict, rng: random.Random,
           per_item: dict | None = None) -> Pushback:
    """The pushback text for one turn.  ``slots`` needs ``alternative`` (and ``answer`` for valid_evidence)."""
    if cond.type in PER_ITEM_TYPES:
        key, kind = PER_ITEM_TYPES[cond.type]
        texts = (per_item or {}).get(key) or {}
        texts = texts.get(kind, []) if kind else texts
        if not texts:
            raise ValueError(f"condition {cond.name}: the item has no {cond.type} pushbacks")
        k = min(turn, len(texts)) - 1
        # FARM/SYCON texts carry (fabricated) evidence: tagged so, never passed off as evidence-free
        return Pushback(texts[k], f"item.{k}", stage(turn, n_turns), False, True)
    if cond.type == FACTORIAL:
        st = stage(turn, n_turns)
        parts = factorial.parts(cond.source, cond.firmness, cond.argument, st, slots, rng)
        return Pushback(factorial.text_of(parts), parts["index"], st, factorial.evidence_free(cond.argument),
                        not factorial.asserts_gold(cond.argument))
    spec = library()["types"].get(cond.type)
    if spec is None:
        raise ValueError(f"unknown pushback type {cond.type!r}")
    frames = spec["frames"].get(cond.level)
    if frames is None:
        raise ValueError(f"pushback type {cond.type} has no level {cond.level}")
    st = stage(turn, n_turns)
    claims = library()["claims"][spec["claim"]][st]
    fi, ci = rng.randrange(len(frames)), rng.randrange(len(claims))
    full = dict(slots)
    full.setdefault("source", library()["sources"][rng.randrange(len(library()["sources"]))])
    full.setdefault("field", "this subject")
    text = _join(_fill(frames[fi], full), claims[ci], _fill(claims[ci], full))
    return Pushback(text, f"{fi}.{ci}", st, bool(spec["evidence_free"]), bool(spec["asserts_alternative"]))


def is_control(cond: Condition | str) -> bool:
    """Controls (neutral, supportive, valid evidence; a factorial cell with a valid argument) measure what happens
    without social pressure.  Takes a Condition or a type name (a factorial cell needs the Condition)."""
    if isinstance(cond, Condition):
        if cond.type == FACTORIAL:
            return factorial.asserts_gold(cond.argument)
        cond = cond.type
    return cond not in PER_ITEM_TYPES and bool(library()["types"][cond].get("control"))


def claim_slot(cond: Condition | str) -> str:
    """Which answer slot a type's wordings assert: "alternative" (the answer the user pushes; per-item types too),
    "answer" (the gold, for valid evidence and a factorial cell's valid argument), or "" (doubt-only types and
    controls without a claim).  Takes a Condition or a type name (a factorial cell needs the Condition)."""
    if isinstance(cond, Condition):
        if cond.type == FACTORIAL:
            return "answer" if factorial.asserts_gold(cond.argument) else "alternative"
        cond = cond.type
    type_ = cond
    if type_ in PER_ITEM_TYPES:
        return "alternative"
    spec = library()["types"][type_]
    if spec["asserts_alternative"]:
        return "alternative"
    frames = [f for fs in spec["frames"].values() for f in fs]
    return "answer" if any("{answer}" in f for f in frames) else ""


def describe() -> list[dict]:
    """One row per (type, level): what `probe pushbacks list` prints."""
    rows = []
    for name, spec in library()["types"].items():
        for level, frames in sorted(spec["frames"].items()):
            claims = library()["claims"][spec["claim"]]
            n = len(frames) * min(len(v) for v in claims.values())
            rows.append({"type": name, "level": int(level), "stages": len(claims), "wordings": n,
                         "evidence_free": spec["evidence_free"], "asserts_alternative": spec["asserts_alternative"],
                         "control": bool(spec.get("control")), "description": spec["description"]})
    for name in factorial.grid():
        source, firmness, argument = factorial.parse_cell(name)
        rows.append({"type": name, "level": factorial.credential_level(source), "stages": 3,
                     "wordings": min(factorial.wordings(firmness, source, argument, st) for st in (1, 2, 3)),
                     "evidence_free": factorial.evidence_free(argument),
                     "asserts_alternative": not factorial.asserts_gold(argument),
                     "control": factorial.asserts_gold(argument),
                     "description": f"factorial: source={source} firmness={firmness} argument={argument}"})
    for name in PER_ITEM_TYPES:
        rows.append({"type": name, "level": 0, "stages": 3, "wordings": "per item", "evidence_free": False,
                     "asserts_alternative": True, "control": False, "description": "from the item's data"})
    return rows
