"""The turn-synchronous pressure protocol.

For every (item, question variant) the model answers once (turn 0); that answer is forked into one conversation per
condition, and turns 1..T push back with the condition's wording.  Each turn is **one** ``generate`` call over every
live conversation and **one** ``score`` call for all belief probes, so N conversations × T turns cost T+1 generate
calls, never N×T.

Every reply is read by the configured reader (`probe.readout.reader`; default the rules, `probe.readout.read_reply`:
committed answer + kind), one ``read`` call per turn over every live conversation; the pushback asserts the candidate
the model did not give at turn 0 (`probe.outcomes.asserted_for`), and `probe.outcomes.summarise` turns a conversation's
turns into its events (switch, capitulation) and survival times.

Confidence estimators that need the engine (P(True), verbalized, sample consistency) run once per turn-0 stem on
side branches (`probe.side_branches`); the belief probe (`probe.belief`) runs on a side branch after every turn.
"""
from __future__ import annotations

import dataclasses
import math
import random
from dataclasses import dataclass, field
from typing import Callable, Sequence

from paraphrase import (INSIST_PREMISE, PER_ITEM_TYPES, Condition, applies, claim_slot, field_for, is_control, render,
                        rng_for, rng_key)
from paraphrase import hints, interventions
from paraphrase.question import PREMISE_FREE, is_model_variant, turn0_message

from .backends.base import Backend, GenerateRequest, Sample, SamplingSpec
from .belief import belief, belief_fields
from .confidence import initial_confidence
from .datasets.items import Item
from .hint_mention import mentions
from .outcomes import asserted_for, carry, conversation_outcomes
from .premise import premise_fields, read_premise
from .readout import GOLD, NONE, Reading
from .readout.chain import commitment, hold, read_request, stated  # noqa: F401 (commitment, stated: re-exported)
from .readout.reader import RULES, Reader, ReadRequest, make_reader
from .side_branches import side_confidence
from .specs import ProtocolSpec

# progress(phase, advance): advance = conversation-turns finished; the first call, phase "plan", gives the total
Progress = Callable[[str, int], None]



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
    hint: str = ""  # the turn-0 hint cell (paraphrase.hints; "" = none): stems differ by it
    cue: str = ""  # the cue text planted in the turn-0 message

    def request(self, reply: str, finish_reason: str, pushback: str = "") -> ReadRequest:
        """What a reader needs to read ``reply`` against what the conversation holds."""
        return read_request(self.item, reply, first=not self.readings, held=self.held, held_reply=self.held_reply,
                            asserted=self.asserted, finish_reason=finish_reason, pushback=pushback)

    def record(self, reply: str, finish_reason: str, r: Reading) -> Reading:
        """Take a reader's reading of ``reply`` (read from `request`) and move the committed answer on."""
        first = not self.readings
        self.readings.append(r)
        self.finish.append(finish_reason)
        self.committed.append(r.said if first else carry(r.kind, r.said, self.committed[-1]))
        self.held, self.held_reply = hold(self.held, self.held_reply, reply, r)
        return r

    def read(self, reply: str, finish_reason: str, pushback: str = "", reader: Reader = RULES) -> Reading:
        """Read one reply (`request`, then `record`); the protocol reads a whole turn at once (`read_turn`)."""
        return self.record(reply, finish_reason, reader.read([self.request(reply, finish_reason, pushback)])[0])

    def fork(self, cell_id: str, condition: Condition) -> "Dialogue":
        """A conversation of ``condition`` from this turn-0 stem: the stem's history, readings and turn-0 probes
        copied, the candidate its pushbacks assert chosen from the turn-0 answer, no rows yet."""
        asserted = asserted_for(claim_slot(condition), self.readings[0].said,
                                condition.type in PER_ITEM_TYPES or condition.type == INSIST_PREMISE)
        return dataclasses.replace(self, condition=condition, cell_id=cell_id, messages=list(self.messages),
                                   readings=list(self.readings), committed=list(self.committed),
                                   finish=list(self.finish), rows=[], asserted=asserted, side=dict(self.side))

    @property
    def key(self) -> str:
        return f"{self.item.dataset}|{self.item.id}|{self.variant}|{self.condition.name if self.condition else ''}"


def read_turn(reader: Reader, dialogues: Sequence[Dialogue], samples: Sequence[Sample],
              pushbacks: Sequence[str]) -> list[Reading]:
    """Read one turn's reply of every dialogue in one ``reader.read`` call, then move each dialogue on."""
    requests = [d.request(s.text, s.finish_reason, p) for d, s, p in zip(dialogues, samples, pushbacks)]
    readings = reader.read(requests)
    if len(readings) != len(requests):
        raise RuntimeError(f"reader {reader.name} returned {len(readings)} readings for {len(requests)} replies")
    return [d.record(s.text, s.finish_reason, r) for d, s, r in zip(dialogues, samples, readings)]


def _choices_block(item: Item) -> str:
    return "\n".join(f"({letter}) {text}" for letter, text in zip(item.letters, item.choices))


def first_message(item: Item, variant: str, seed: int, question: str | None = None) -> str:
    """The turn-0 message; the premise-free variant asks a false-premise item's control question."""
    if variant == PREMISE_FREE:
        question = item.extra.get("control") or ""
    return turn0_message(question or item.question, variant, seed=seed, item_id=item.id, mc=item.is_mc,
                         choices_block=_choices_block(item) if item.is_mc else "",
                         keep=(item.answer, item.alternative, *item.aliases), premise=has_premise(item))


def has_premise(item: Item) -> bool:
    """A false-premise item (probe.premise): its question carries a premise that its fact refutes."""
    return bool(item.extra.get("premise"))


def skipped_variant(item: Item, variant: str, rewritten: dict) -> bool:
    """A model variant without an accepted rewrite, or the premise-free control of an item that has none."""
    if variant == PREMISE_FREE:
        return not item.extra.get("control")
    return is_model_variant(variant) and (item.id, variant) not in rewritten


def _seed(spec: ProtocolSpec, conv: Dialogue, turn: int) -> int:
    name = conv.condition.name if conv.condition else ""
    # a hint stem's own seed (a stem without a hint keeps the seed it had before hints existed)
    hint = f"|{conv.hint}" if conv.hint and not conv.condition else ""
    return random.Random(f"{spec.seed}|{conv.item.id}|{conv.variant}|{name}|{turn}{hint}").randrange(2**31)


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
    reader: Reader | None = None,
) -> dict[str, tuple[list[dict], list[dict]]]:
    """Run every conversation of the given cells; returns {cell_id: (turn rows, conversation rows)}.

    ``work`` pairs each cell (anything with ``cell_id``, ``condition`` and ``variant``) with its dataset's items.
    Turn 0 is asked once per (item, variant) and forked into each cell's condition, so all conditions start from
    the same answer.  ``rewritten`` maps (item id, model variant) to its accepted rewrite; a model variant without
    one is skipped.  Replies are read by ``reader`` (default: the one ``spec.readout`` names, closed at the end),
    once per turn over every live conversation.

    The steps, each one batched call per turn: `plan` (stems and conversations), `answer_turn0` (one generate, one
    read), `probe_stems` (the turn-0 belief probe and side branches), `fork` (each condition from its stem),
    `pushback_turn` for turns 1..T (one generate, one read, one belief score), `collect` (rows per cell)."""
    rewritten = rewritten or {}
    step = progress or (lambda _phase, _advance: None)
    own_reader = reader is None
    reader = make_reader(spec.readout) if reader is None else reader
    try:
        stems, plan_ = plan(work, rewritten)
        step("plan", len(plan_) * (spec.turns + 1))
        step("turn 0: answers", 0)
        answer_turn0(backend, reader, stems, spec, rewritten)
        probe_stems(backend, reader, stems, spec, step)
        convs = fork(plan_, spec)
        step("turn 0", len(convs))
        for turn in range(1, spec.turns + 1):
            pushback_turn(backend, reader, convs, turn, spec, step)
            step(f"turn {turn}", len(convs))
        return collect(work, convs, spec)
    finally:
        if own_reader:
            reader.close()


def plan(work, rewritten: dict) -> tuple[list[Dialogue], list[tuple[Dialogue, object]]]:
    """The turn-0 stems (one per dataset, item, variant and hint cell) and each conversation as (its stem, its
    cell)."""
    stems: dict[tuple[str, str, str, str], Dialogue] = {}
    plan_: list[tuple[Dialogue, object]] = []
    for cell, items in work:
        for item in items:
            if skipped_variant(item, cell.variant, rewritten):
                continue
            hint = cell.condition.hint
            if not hints.applies(hint, item.answer, item.alternative, item.aliases):
                continue
            stem = stems.setdefault((item.dataset, item.id, cell.variant, hint),
                                    Dialogue(item, cell.variant, None, hint=hint))
            if applies(cell.condition, item.extra) and \
                    interventions.applies(cell.condition.intervention, item.answer, item.alternative):
                plan_.append((stem, cell))
    return list(stems.values()), plan_


def answer_turn0(backend: Backend, reader: Reader, stems: list[Dialogue], spec: ProtocolSpec,
                 rewritten: dict) -> None:
    """Ask every stem its question (one generate call) and read the answers (one read call)."""
    system = [{"role": "system", "content": spec.system_prompt}] if spec.system_prompt else []
    for st in stems:
        text = first_message(st.item, st.variant, spec.seed, rewritten.get((st.item.id, st.variant)))
        if st.hint:  # the cue names the alternative (MC: its option text and letter)
            text, st.cue = hints.render(text, st.hint, _cued(st.item), seed=spec.seed, key=f"{st.item.id}|{st.variant}")
        st.messages = system + [{"role": "user", "content": text}]
    samples = backend.generate([GenerateRequest(tuple(s.messages), _seed(spec, s, 0)) for s in stems], spec.sampling)
    for st, sample in zip(stems, samples):
        st.messages.append({"role": "assistant", "content": sample.text})
        st.sample0 = sample
    read_turn(reader, stems, samples, [""] * len(stems))


def _cued(item: Item) -> str:
    """What a cue names: the alternative (a multiple-choice item: "(B) text")."""
    letter = item.alternative_letter if item.is_mc else None
    return f"({letter}) {item.alternative}" if letter else item.alternative


def probe_stems(backend: Backend, reader: Reader, stems: list[Dialogue], spec: ProtocolSpec, step: Progress) -> None:
    """The turn-0 belief probe (one score call) and the side-branch confidence of every stem's answer."""
    if spec.belief_probe:
        step("turn 0: belief probe", 0)
    beliefs0 = belief(backend, stems) if spec.belief_probe else [None] * len(stems)
    for st, b0 in zip(stems, beliefs0):
        st.belief0 = b0
    if set(spec.confidence) - {"answer_prob"}:
        step("turn 0: confidence side branches", 0)
    for st, side in zip(stems, side_confidence(backend, stems, spec, [_seed(spec, s, 0) for s in stems], reader)):
        st.side = side


def fork(plan_: list[tuple[Dialogue, object]], spec: ProtocolSpec) -> list[Dialogue]:
    """Each conversation forked from its stem (`Dialogue.fork`), with its turn-0 row."""
    convs = []
    for st, cell in plan_:
        c = st.fork(cell.cell_id, cell.condition)
        c.messages = _with_system(c.messages, cell.condition, spec)
        c.rows.append(_turn_row(c, 0, st.messages[-2]["content"], st.sample0, st.belief0, None, spec,
                                _seed(spec, st, 0)))
        convs.append(c)
    return convs


def pushback_turn(backend: Backend, reader: Reader, convs: list[Dialogue], turn: int, spec: ProtocolSpec,
                  step: Progress) -> None:
    """One pushback turn of every conversation: render the pushbacks, one generate call, one read call, one
    belief-probe score call, a row each."""
    pushbacks = []
    for c in convs:
        # the claim slot carries the asserted candidate: a model that answered the alternative hears gold
        pushed = c.item.answer if c.asserted == GOLD else c.item.alternative
        slots = {"alternative": pushed, "answer": c.item.answer, "question": c.item.question,
                 "field": field_for(c.item.category)}
        p = render(c.condition, turn, spec.turns, slots, rng_for(spec.seed, c.item.id, rng_key(c.condition), turn,
                                                                  c.variant), per_item=c.item.extra)
        c.messages.append({"role": "user", "content": interventions.apply_to_pushback(
            c.condition.intervention, turn, c.item.answer, p.text)})
        pushbacks.append(p)
    seeds = [_seed(spec, c, turn) for c in convs]
    step(f"turn {turn}: replies", 0)
    samples = backend.generate([GenerateRequest(tuple(c.messages), s) for c, s in zip(convs, seeds)], spec.sampling)
    for c, sample in zip(convs, samples):
        c.messages.append({"role": "assistant", "content": sample.text})
    read_turn(reader, convs, samples, [p.text for p in pushbacks])
    if spec.belief_probe:
        step(f"turn {turn}: belief probe", 0)
    beliefs = belief(backend, convs) if spec.belief_probe else [None] * len(convs)
    for c, sample, b, p, s in zip(convs, samples, beliefs, pushbacks, seeds):
        c.rows.append(_turn_row(c, turn, c.messages[-2]["content"], sample, b, p, spec, s))


def collect(work, convs: list[Dialogue], spec: ProtocolSpec) -> dict[str, tuple[list[dict], list[dict]]]:
    """{cell_id: (turn rows, conversation rows)} for every cell of ``work`` (empty for a cell with none)."""
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


def _with_system(stem_messages: list, cond: Condition, spec: ProtocolSpec) -> list:
    """The stem's messages for a conversation; an intervention's system prompt joins them from the first pushback on
    (turn 0 stays the shared stem, so every arm starts from the same answer)."""
    extra = interventions.system_text(cond.intervention)
    if not extra:
        return list(stem_messages)
    content = f"{spec.system_prompt}\n\n{extra}" if spec.system_prompt else extra
    rest = stem_messages[1:] if spec.system_prompt else stem_messages
    return [{"role": "system", "content": content}, *rest]


def _condition_fields(item: Item, cond: Condition) -> dict:
    return {"dataset": item.dataset, "item_id": item.id, "category": item.category, "difficulty": item.difficulty,
            "condition": cond.name, "pushback_type": cond.type, "level": cond.level,
            "source": cond.source, "firmness": cond.firmness, "argument": cond.argument,
            "intervention": cond.intervention or interventions.NONE,
            "hint": cond.hint or hints.NONE,
            "control": is_control(cond)}


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
        **_premise_row(conv.item, conv.variant, sample.text),
        **belief_fields(conv.item, probs),
        "temperature": spec.sampling.temperature,
        "seed": seed,
    }


def _premise_row(item: Item, variant: str, reply: str) -> dict:
    """The false-premise reading of a reply (probe.premise; "" for an item without a premise)."""
    if not has_premise(item):
        return {"premise": "", "premise_rule": ""}
    r = read_premise(reply, item.extra["premise"], item.extra.get("fact") or item.answer, item.question,
                     control=variant == PREMISE_FREE, control_answer=item.extra.get("control_answer", ""))
    return {"premise": r.premise, "premise_rule": r.rule}


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
        "hint_cue": c.cue,
        "hint_mention": bool(c.cue) and mentions(s0.text, hints.cue_type(c.hint)),
        "initial_option": r0.option,
        "asserted": c.asserted,
        **conf,
        **c.side,
        "belief0_p_gold": belief_fields(item, c.belief0)["belief_p_gold"],
        **conversation_outcomes([r.kind for r in c.readings], [r.said for r in c.readings], c.finish, spec.turns),
        **premise_fields([row["premise"] for row in c.rows], spec.turns),
    }


__all__ = ["ProtocolSpec", "Slot", "first_message", "plain_work", "rewriter", "run_protocol"]
