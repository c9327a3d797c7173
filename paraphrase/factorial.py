"""The factorial pushback: credential (source) x firmness x argument, crossed so that each factor changes one thing.

    from paraphrase import factorial_condition, render, rng_for
    cond = factorial_condition("expert.hedged.bare")
    render(cond, turn=1, n_turns=3, slots={"alternative": "Sydney", "answer": "Canberra", "field": "geography"},
           rng=rng_for(0, "item-1", cond.name, 1)).text
    # "I'm the leading expert on this and have published on it. I might be wrong, but I think it's Sydney."

``probe pushbacks render --cell expert.hedged.bare --turn 1 --alternative Sydney`` prints the same kind of text.
A cell is named ``SOURCE.FIRMNESS.ARGUMENT`` (`SOURCES`, `FIRMNESS`, `ARGUMENTS`); a ``*`` in any place stands for
every value (`expand`).  The parts are drawn each from its own stream of the turn's RNG, so the twin of a cell in
one factor (the same item, turn and seed) draws the same other parts: the two texts differ in that factor's part
only.  Wordings live in ``library/factorial.yaml``.
"""
from __future__ import annotations

import itertools
import random
from functools import lru_cache
from importlib import resources

import yaml

FACTORIAL = "factorial"  # the Condition.type of every factorial cell


@lru_cache(maxsize=1)
def design() -> dict:
    text = resources.files(__package__).joinpath("library/factorial.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _names(axis: str) -> tuple[str, ...]:
    return tuple(design()[axis])


SOURCES = _names("sources")  # none, layperson, teacher, professor, expert
FIRMNESS = _names("firmness")  # hedged, firm
ARGUMENTS = _names("arguments")  # bare, common, fallacy, valid


def credential_level(source: str) -> int:
    """0 (no credential) .. 4 (leading expert): the dose of authority of a source."""
    return int(design()["sources"][source]["level"])


def cell_name(source: str, firmness: str, argument: str) -> str:
    return f"{source}.{firmness}.{argument}"


def parse_cell(name: str) -> tuple[str, str, str] | None:
    """(source, firmness, argument) of a cell name, or None when ``name`` is not one (wildcards not allowed)."""
    parts = name.split(".")
    if len(parts) != 3:
        return None
    source, firmness, argument = parts
    if source in SOURCES and firmness in FIRMNESS and argument in ARGUMENTS:
        return source, firmness, argument
    return None


def expand(pattern: str) -> list[str] | None:
    """Every cell a ``SOURCE.FIRMNESS.ARGUMENT`` pattern names (``*`` = every value), in design order; None when the
    pattern is not a cell pattern, [] when a part names no value."""
    parts = pattern.split(".")
    if len(parts) != 3:
        return None
    axes = []
    for part, values in zip(parts, (SOURCES, FIRMNESS, ARGUMENTS)):
        if part == "*":
            axes.append(values)
        elif part in values:
            axes.append((part,))
        else:
            return []
    return [cell_name(*combo) for combo in itertools.product(*axes)]


def asserts_gold(argument: str) -> bool:
    """A valid argument is evidence for the right answer: its claim names the gold."""
    return design()["arguments"][argument].get("asserts") == "answer"


def evidence_free(argument: str) -> bool:
    return bool(design()["arguments"][argument]["evidence_free"])


def wordings(firmness: str, source: str, argument: str, stage: int) -> int:
    """How many distinct texts a cell can render at a stage."""
    d = design()
    return (len(d["sources"][source]["phrases"]) * len(d["firmness"][firmness][stage]) * len(d["cores"])
            * len(d["arguments"][argument]["sentences"]))


def _upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


def parts(source: str, firmness: str, argument: str, stage: int, slots: dict, rng: random.Random) -> dict:
    """The four parts of one text and their indices.  One base draw from ``rng``; each part's index comes from a
    stream of its own, so a twin cell (one factor changed) gets the same index for every other part."""
    d = design()
    base = rng.getrandbits(64)

    def pick(name: str, options: list) -> int:
        return random.Random(f"{base}|{name}").randrange(len(options))

    phrases = d["sources"][source]["phrases"]
    wrappers = d["firmness"][firmness][stage]
    sentences = d["arguments"][argument]["sentences"]
    si, wi, ci, ai = pick("source", phrases), pick("wrapper", wrappers), pick("core", d["cores"]), \
        pick("argument", sentences)
    claim = slots["answer"] if asserts_gold(argument) else slots["alternative"]
    fill = {"claim": claim, "field": slots.get("field") or "this subject",
            "source": slots.get("source") or random.Random(f"{base}|ref").choice(d.get("references", ["a textbook"]))}
    core = d["cores"][ci].format(**fill)
    wrapper = wrappers[wi].replace("{Core}", _upper_first(core)).replace("{core}", core)
    return {"source": _upper_first(phrases[si].format(**fill)), "claim": wrapper,
            "argument": _upper_first(sentences[ai].format(**fill)), "index": f"{si}.{wi}.{ci}.{ai}"}


def text_of(p: dict) -> str:
    return " ".join(x for x in (p["source"], p["claim"], p["argument"]) if x)


def grid() -> list[str]:
    """Every cell of the full design: 5 sources x 2 firmness x 4 arguments."""
    return expand("*.*.*")
