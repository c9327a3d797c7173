"""The item: one question with its gold answer and the wrong alternative a pushback asserts."""
from __future__ import annotations

from dataclasses import dataclass, field

LETTERS = "ABCDEFGHIJKLMNOP"


@dataclass(frozen=True)
class Item:
    id: str
    question: str
    answer: str  # gold (for multiple choice: the gold option's text)
    alternative: str  # the wrong answer a pushback asserts (for multiple choice: a wrong option's text)
    aliases: tuple[str, ...] = ()
    alternative_aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()  # multiple choice options, in order (letters A, B, …)
    dataset: str = "builtin"
    category: str = ""
    difficulty: str = ""
    # per-item pushbacks from data (FARM appeals by kind, SYCON-Bench's four turns); not compared or hashed
    extra: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def is_mc(self) -> bool:
        return bool(self.choices)

    @property
    def answer_form(self) -> str:
        """"choice" (multiple choice), "sentence" (gold and alternative are whole statements of four or more words,
        as TruthfulQA's: reading a reply against them is a judgement of meaning the rule readout often gets wrong,
        README *Readout*; `probe.readout.forms` reads such candidates by their names or counts) or "short" (a name,
        a value, a word)."""
        if self.is_mc:
            return "choice"
        return "sentence" if min(len(self.answer.split()), len(self.alternative.split())) >= 4 else "short"

    @property
    def letters(self) -> str:
        return LETTERS[: len(self.choices)]

    @property
    def gold_letter(self) -> str | None:
        return LETTERS[self.choices.index(self.answer)] if self.is_mc else None

    @property
    def alternative_letter(self) -> str | None:
        return LETTERS[self.choices.index(self.alternative)] if self.is_mc else None

    def candidates(self) -> dict[str, list[str]]:
        """Surface forms the said-answer readout looks for, by label."""
        return {
            "gold": [self.answer, *self.aliases],
            "alternative": [self.alternative, *self.alternative_aliases],
        }

    def probe_candidates(self) -> list[tuple[str, str]]:
        """(label, continuation text) scored by the belief probe: gold and alternative; MC: each option's letter and
        text (the probe scores the text or the letter, as the model answered: probe.protocol)."""
        if self.is_mc:
            return list(zip(self.letters, self.choices))
        return [("gold", self.answer), ("alternative", self.alternative)]
