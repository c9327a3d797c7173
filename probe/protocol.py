"""The turn-synchronous pressure protocol.

For every (item, question variant) the model answers once (turn 0); that answer is forked into one conversation per
condition, and turns 1..T push back with the condition's wording.  Each turn is **one** ``generate`` call over every
live conversation and **one** ``score`` call for all belief probes, so N conversations × T turns cost T+1 generate
calls, never N×T.

Every reply is read by `probe.readout.read_reply` (committed answer + kind); the pushback asserts the candidate the
model did not give at turn 0 (`probe.outcomes.asserted_for`), and `probe.outcomes.summarise` turns a conversation's
turns into its events (switch, capitulation) and survival times.

Confidence estimators that need the engine (P(True), verbalized, sample consistency) run once per turn-0 stem on
side branches (`probe.side_branches`); the belief probe (`probe.belief`) runs on a side branch after every turn.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass, field
from typing import Callable, Sequence

from paraphrase import PER_ITEM_TYPES, Condition, applies, claim_slot, field_for, is_control, render, rng_for
from paraphrase.question import is_model_variant, turn0_message

from .backends.base import Backend, GenerateRequest, Sample, SamplingSpec
from .belief import belief, belief_fields
from .confidence import initial_confidence
from .datasets.items import Item
from .outcomes import asserted_for, carry, conversation_outcomes
from .readout import GOLD, INITIAL, MAINTAIN, NONE, SWITCH, Reading, read_reply
from .side_branches import side_confidence
from .specs import ProtocolSpec

# progress(phase, advance): advance = conversation-turns finished; the first call, phase "plan", gives the total
Progress = Callable[[str, int], None]



def commitment(r: Reading) -> str:
    """The answer a reading makes a conversation hold (its class; multiple choice: its option letter), or "" when
    the held answer carries forward (a nonanswer, a retract, an answer that states nothing)."""
    return (r.option or r.said) if r.kind in (INITIAL, MAINTAIN, SWITCH) and r.said != NONE else ""


def stated(r: Reading) -> str:
    """The answer a reading commits to in words of its own (a later "other" answer is compared with them), or ""
    for one that commits to nothing or states nothing (an affirmation "Yes, it is.", a concession "You're right.")."""
    return commitment(r) if r.span is not None else ""


@dataclass
class Dialogue:
    """One conversation under way (or, with no condition, the turn-0 stem its conditions fork from)."""

    item: Item
    variant: str
    condition: Condition | None  # None for the shared turn-0 stem
    cell_id: str = ""
    messages: list = field(default_factory=list)
    readings: list = field(default_factory=list)  # one `Reading` per turn
    committed: list = field(default_factory=list)  # committed answer (class) after each turn
    finish: list = field(default_factory=list)  # finish_reason per turn
    rows: list = field(default_factory=list)  # one dict per turn
    sample0: Sample | None = None
    belief0: dict | None = None  # turn-0 belief probe, shared with the stem
    asserted: str = ""  # the candidate this conversation's pushbacks assert ("" for doubt-only types)
    held: str = NONE  # last committed answer (MC: its letter), compared with each new reply
    held_reply: str | None = None  # the latest reply that stated it in words (not an affirmation)
    side: dict = field(default_factory=dict)  # side-branch confidence of the turn-0 answer (probe.side_branches)

    def read(self, reply: str, finish_reason: str, pushback: str = "") -> Reading:
        """Read a reply against what the conversation holds, and move the committed answer on."""
        first = not self.readings
        r = read_reply(self.item, reply, previous=None if first else self.held, previous_reply=self.held_reply,
                       asserted=self.asserted, finish_reason=finish_reason, pushback=pushback)
        self.readings.append(r)
        self.finish.append(finish_reason)
        self.committed.append(r.said if first else carry(r.kind, r.said, self.committed[-1]))
        if held := commitment(r):
            if stated(r):  # the reply states the answer: a later "other" is compared with these words
                self.held_reply = reply
            elif held != self.held:  # a concession ("You're right.") holds the asserted answer in no words of its own
                self.held_reply = None
            self.held = held  # an affirmation ("Yes, it is.") keeps the reply that stated the answer
        return r

    @property
    def key(self) -> str:
        return f"{self.item.dataset}|{self.item.id}|{self.variant}|{self.condition.name if self.condition else ''}"


def _choices_block(item: Item) -> str:
    return "\n".join(f"({letter}) {text}" for letter, text in zip(item.letters, item.choices))


def first_message(item: Item, variant: str, seed: int, question: str | None = None) -> str:
    return turn0_message(question or item.question, variant, seed=seed, item_id=item.id, mc=item.is_mc,
                         choices_block=_choices_block(item) if item.is_mc else "",
                         keep=(item.answer, item.alternative, *item.aliases))


def _seed(spec: ProtocolSpec, conv: Dialogue, turn: int) -> int:
    name = conv.condition.name if conv.condition else ""
    return random.Random(f"{spec.seed}|{conv.item.id}|{conv.variant}|{name}|{turn}").randrange(2**31)


@dataclass(frozen=True)
class Slot:
    """The least a protocol cell needs (a sweep's `probe.specs.Cell` has these too)."""

    cell_id: str
    condition: Condition
    variant: str


def plain_work(items: Sequence[Item], conditions: Sequence[Condition], variants: Sequence[str]):
    """(cell, items) pairs for `run_protocol` outside a sweep: one cell per condition × variant."""
    return [(Slot(f"{c.name}|{v}", c, v), list(items)) for c in conditions for v in variants]


def run_protocol(
    backend: Backend,
    work: Sequence[tuple[object, Sequence[Item]]],
    spec: ProtocolSpec,
    progress: Progress | None = None,
    rewritten: dict[tuple[str, str], str] | None = None,
) -> dict[str, tuple[list[dict], list[dict]]]:
    """Run every conversation of the given cells; returns {cell_id: (turn rows, conversation rows)}.

    ``work`` pairs each cell (anything with ``cell_id``, ``condition`` and ``variant``) with its dataset's items.
    Turn 0 is asked once per (item, variant) and forked into each cell's condition, so all conditions start from
    the same answer.  ``rewritten`` maps (item id, model variant) to its accepted rewrite; a model variant without
    one is skipped."""
    rewritten = rewritten or {}
    step = progress or (lambda _phase, _advance: None)
    system = [{"role": "system", "content": spec.system_prompt}] if spec.system_prompt else []

    stems: dict[tuple[str, str, str], Dialogue] = {}
    plan: list[tuple[tuple[str, str, str], object]] = []  # (stem key, cell) per conversation
    for cell, items in work:
        for item in items:
            if is_model_variant(cell.variant) and (item.id, cell.variant) not in rewritten:
                continue
            key = (item.dataset, item.id, cell.variant)
            stems.setdefault(key, Dialogue(item, cell.variant, None))
            if applies(cell.condition, item.extra):
                plan.append((key, cell))
    step("plan", len(plan) * (spec.turns + 1))
    stem_list = list(stems.values())
    step("turn 0: answers", 0)
    for st in stem_list:
        text = first_message(st.item, st.variant, spec.seed, rewritten.get((st.item.id, st.variant)))
        st.messages = system + [{"role": "user", "content": text}]
    samples = backend.generate([GenerateRequest(tuple(s.messages), _seed(spec, s, 0)) for s in stem_list],
                               spec.sampling)
    for st, sample in zip(stem_list, samples):
        st.messages.append({"role": "assistant", "content": sample.text})
        st.sample0 = sample
        st.read(sample.text, sample.finish_reason)
    if spec.belief_probe:
        step("turn 0: belief probe", 0)
    beliefs0 = belief(backend, stem_list) if spec.belief_probe else [None] * len(stem_list)
    for st, b0 in zip(stem_list, beliefs0):
        st.belief0 = b0
    if set(spec.confidence) - {"answer_prob"}:
        step("turn 0: confidence side branches", 0)
    for st, side in zip(stem_list, side_confidence(backend, stem_list, spec, [_seed(spec, s, 0) for s in stem_list])):
        st.side = side

    convs: list[Dialogue] = []
    for key, cell in plan:
        st, cond = stems[key], cell.condition
        c = Dialogue(st.item, st.variant, cond, cell.cell_id, list(st.messages), list(st.readings),
                     list(st.committed), list(st.finish), [], st.sample0, st.belief0,
                     asserted_for(claim_slot(cond.type), st.readings[0].said, cond.type in PER_ITEM_TYPES),
                     st.held, st.held_reply, st.side)
        c.rows.append(_turn_row(c, 0, st.messages[-2]["content"], st.sample0, st.belief0, None, spec,
                                _seed(spec, st, 0)))
        convs.append(c)
    step("turn 0", len(convs))

    for turn in range(1, spec.turns + 1):
        pushbacks = []
        for c in convs:
            # the claim slot carries the asserted candidate: a model that answered the alternative hears gold
            pushed = c.item.answer if c.asserted == GOLD else c.item.alternative
            slots = {"alternative": pushed, "answer": c.item.answer, "question": c.item.question,
                     "field": field_for(c.item.category)}
            p = render(c.condition, turn, spec.turns, slots, rng_for(spec.seed, c.item.id, c.condition.name, turn,
                                                                      c.variant), per_item=c.item.extra)
            c.messages.append({"role": "user", "content": p.text})
            pushbacks.append(p)
        seeds = [_seed(spec, c, turn) for c in convs]
        step(f"turn {turn}: replies", 0)
        samples = backend.generate([GenerateRequest(tuple(c.messages), s) for c, s in zip(convs, seeds)],
                                   spec.sampling)
        for c, sample, p in zip(convs, samples, pushbacks):
            c.messages.append({"role": "assistant", "content": sample.text})
            c.read(sample.text, sample.finish_reason, p.text)
        if spec.belief_probe:
            step(f"turn {turn}: belief probe", 0)
        beliefs = belief(backend, convs) if spec.belief_probe else [None] * len(convs)
        for c, sample, b, p, s in zip(convs, samples, beliefs, pushbacks, seeds):
            c.rows.append(_turn_row(c, turn, p.text, sample, b, p, spec, s))
        step(f"turn {turn}", len(convs))

    out: dict[str, tuple[list[dict], list[dict]]] = {cell.cell_id: ([], []) for cell, _ in work}
    for c in convs:
        turn_rows, conv_rows = out[c.cell_id]
        turn_rows.extend(c.rows)
        conv_rows.append(_conversation_row(c, spec))
    return out


def rewrite_questions(backend: Backend, items: Sequence[Item], variants: Sequence[str], seed: int,
                      checker=None) -> tuple[dict[tuple[str, str], str], dict]:
    """Model-based question variants (m1, m2, …) for every item: batched rewrites, meaning-checked."""
    model_variants = [v for v in variants if is_model_variant(v)]
    if not model_variants:
        return {}, {}
    from paraphrase.meaning import MeaningChecker
    from paraphrase.rewrite import model_rewrites

    n = max(int(v[1:]) for v in model_variants)
    generate = rewriter(backend)
    questions = [(item.id, item.question, (item.answer, item.alternative, *item.aliases, *item.choices))
                 for item in items]
    accepted, counts = model_rewrites(generate, questions, n, checker or MeaningChecker(), seed=seed)
    return {(key, f"m{k}"): r.text for (key, k), r in accepted.items() if f"m{k}" in model_variants}, counts


def rewriter(backend: Backend, temperature: float = 0.9, max_tokens: int = 64):
    """A `paraphrase.rewrite.Generate` over a backend: one batched generate call, sampled."""
    sampling = SamplingSpec(max_tokens=max_tokens, temperature=temperature, top_logprobs=1)

    def generate(prompts, seeds):
        reqs = [GenerateRequest(({"role": "user", "content": p},), s) for p, s in zip(prompts, seeds)]
        return [s.text for s in backend.generate(reqs, sampling)]

    return generate


def _condition_fields(item: Item, cond: Condition) -> dict:
    return {"dataset": item.dataset, "item_id": item.id, "category": item.category, "difficulty": item.difficulty,
            "condition": cond.name, "pushback_type": cond.type, "level": cond.level,
            "control": is_control(cond.type)}


def _turn_row(conv: Dialogue, turn: int, user_message: str, sample: Sample, probs, pushback, spec, seed) -> dict:
    r = conv.readings[turn]
    return {
        **_condition_fields(conv.item, conv.condition),
        "variant": conv.variant,
        "turn": turn,
        "wording_id": pushback.wording_id if pushback else "",
        "stage": pushback.stage if pushback else 0,
        "evidence_free": pushback.evidence_free if pushback else True,
        "asserted": conv.asserted if turn else "",
        "user_message": user_message,
        "response": sample.text,
        "response_tokens": len(sample.tokens),
        "finish_reason": sample.finish_reason,
        "said": r.said,
        "said_option": r.option,
        "kind": r.kind,
        "committed": conv.committed[turn],
        **belief_fields(conv.item, probs),
        "temperature": spec.sampling.temperature,
        "seed": seed,
    }


def _conversation_row(c: Dialogue, spec: ProtocolSpec) -> dict:
    item, s0, r0 = c.item, c.sample0, c.readings[0]
    own = r0.option or r0.said  # the belief probe's label of the model's own answer
    candidate_p = c.belief0.get(own, math.nan) if c.belief0 is not None and r0.said != NONE else math.nan
    conf = initial_confidence(
        [t.token for t in s0.tokens],
        [t.logprob for t in s0.tokens],
        [[a.logprob for a in t.top] for t in s0.tokens],
        [[a.token for a in t.top] for t in s0.tokens],
        r0.span,
        candidate_p=candidate_p,
        letters=item.letters if item.is_mc else "",
        said_letter=r0.option or None,
        enabled="answer_prob" in spec.confidence,
    )
    return {
        **_condition_fields(item, c.condition),
        "variant": c.variant,
        "n_turns": spec.turns,
        "initial_answer": s0.text,
        "answer_form": item.answer_form,
        "initial_class": r0.said,
        "initial_option": r0.option,
        "asserted": c.asserted,
        **conf,
        **c.side,
        "belief0_p_gold": belief_fields(item, c.belief0)["belief_p_gold"],
        **conversation_outcomes([r.kind for r in c.readings], [r.said for r in c.readings], c.finish, spec.turns),
    }


__all__ = ["ProtocolSpec", "Slot", "first_message", "plain_work", "rewriter", "run_protocol"]
