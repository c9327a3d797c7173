"""One reply parsed once: its normalised text with offsets back to the raw text, its sentences, its numbers and
its mentions of the candidates, which every rule reads.

    >>> from probe.readout.parse import parse
    >>> p = parse("Not Sydney, Canberra.")
    >>> p.norm, p.sentences
    ('not sydney canberra', ((0, 21),))
    >>> [(m.label, m.start) for m in p.mentions({"gold": ["Canberra"], "alternative": ["Sydney"]})]
    [('alternative', 4), ('gold', 12)]

`parse` builds a text's `Parsed` once and keeps the texts read last, so the rules of one reading share the reply's
normalised text, sentences, numbers and candidate mentions; the helpers (`normalise`, `normalise_map`,
`sentences`, `find_numbers`, `find_mentions`) read the same parse, of the reply or of any part of it.

Normalising: lower case, accents folded, punctuation as spaces ("don't" is "don t"), ``.`` kept between digits and
``,`` dropped inside numbers, one space between words.  Matching a candidate: case folds (except candidates of at
most two characters that contain a capital, e.g. the chemical symbol ``C``), a lower-case candidate also matches its
plural ("volts"), a candidate of three or more words its upper-case initials ("RBCs" for "red blood cells"),
"St"/"Saint", "Mt"/"Mount", "Ft"/"Fort" are one word, whole words only (``12`` is not in ``120`` or ``12.5``).
Numbers compare by value ("$118.00" is 118, "Eight" is 8, "1000g" is 1000: a unit written onto a number).

Content-word stems (first five letters of the words that are no stop words and have three letters or more), three
ways, for three comparisons (the stop lists are in `probe.readout.lexicon`): `content` (what two phrasings of one
question share), `content_words` (a proposition's words in order, a contraction as its words), `content_of_words`
(already normalised words, auxiliaries counted: the predicate of a denial).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache

from .lexicon import (CONTRACTED_NOT, LEADING_ARTICLE, NEGATION, NUMBER_IN_DIGITS, NUMBER_IN_WORDS, NUMBER_WORD_VALUES,
                      PLURAL_ENDING, SAME_WORD_FORMS, SCALES, STOP_WORDS, STOP_WORDS_NO_AUXILIARIES,
                      STOP_WORDS_OF_PROPOSITIONS)


# ---- normalisation with a map back to raw offsets ---------------------------------------------------------------
def _fold(ch: str) -> str:
    ch = unicodedata.normalize("NFKD", ch)
    return "".join(c for c in ch if not unicodedata.combining(c)).lower()


def _normalise_map(text: str) -> tuple[str, tuple[int, ...]]:
    """Lower-case, accent-free text with punctuation as spaces (``.`` kept between digits, ``,`` dropped inside
    numbers) and one space between words; ``index[i]`` is the raw offset of normalised character ``i``."""
    out, index = [], []
    for i, ch in enumerate(text):
        prev, nxt = text[i - 1 : i], text[i + 1 : i + 2]
        if ch == "," and prev.isdigit() and re.match(r"\d{3}(?!\d)", text[i + 1 : i + 5]):
            continue
        if ch == "." and prev.isdigit() and nxt.isdigit():
            folded = "."
        else:
            folded = "".join(c if c.isalnum() else " " for c in _fold(ch)) or " "
        for c in folded:
            if c == " " and (not out or out[-1] == " "):
                continue
            out.append(c)
            index.append(i)
    while out and out[-1] == " ":
        out.pop()
        index.pop()
    return "".join(out), tuple(index)


# ---- sentences and clauses -----------------------------------------------------------------------------------------
# a sentence: initials ("D.B.") and decimals do not end it
SENTENCE = re.compile(r"(?:(?<![A-Za-z])[A-Z]\.(?=\s?[A-Z])|\d\.\d|[^.!?\n])+[.!?\n]?")

CLAUSE = re.compile(r"(?:(?<![A-Za-z])[A-Z]\.(?=\s?[A-Z])|[^.!?\n,;:])+[.!?\n,;:]?")  # "John A. Murray" is one


def statement_span(reply: str, start: int, end: int) -> tuple[int, int]:
    """The span of ``reply[start:end]`` (a sentence) without its leading space and closing " .!" or line break."""
    text = reply[start:end]
    return start + len(text) - len(text.lstrip()), start + len(text.rstrip(" .!\n"))


# ---- numbers ---------------------------------------------------------------------------------------------------
def parse_number(text: str) -> float | None:
    """The value of a number written in digits ("$1,000.00") or words ("one hundred and five"); None otherwise."""
    s = text.strip().replace("$", "").replace("%", "")
    if re.fullmatch(r"-?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?", s):
        return float(s.replace(",", ""))
    words = re.split(r"[\s-]+", s.lower())
    if not words or not all(w in NUMBER_WORD_VALUES or w in SCALES or w == "and" for w in words):
        return None
    total = current = 0
    for w in words:
        if w in NUMBER_WORD_VALUES:
            current += NUMBER_WORD_VALUES[w]
        elif w in SCALES:
            current = max(current, 1) * SCALES[w]
            if SCALES[w] >= 1000:
                total, current = total + current, 0
    return float(total + current)


def _find_numbers(reply: str) -> list[tuple[float, int, int]]:
    """(value, start, end) of every number in the reply, digits or words; "the correct one" is not a number."""
    out = []
    for m in NUMBER_IN_DIGITS.finditer(reply):
        out.append((float((m.group(1) or "") + m.group(2).replace(",", "") + (m.group(3) or "")), m.start(), m.end()))
    for m in NUMBER_IN_WORDS.finditer(reply):
        if m.group(0).lower() == "one" and len(reply.split()) > 3:
            continue
        v = parse_number(m.group(0))
        if v is not None:
            out.append((v, m.start(), m.end()))
    return sorted(out, key=lambda t: t[1])


# ---- candidate mentions -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Mention:
    label: str  # gold | alternative | other (a number that is neither) | an MC letter
    start: int  # char offsets in the *raw* reply
    end: int
    value: float | None = None  # for numbers


def _word_pattern(word: str) -> str:
    for group in SAME_WORD_FORMS:
        if word in group:
            forms = sorted(group, key=len, reverse=True)
            return "(?:" + "|".join(re.escape(w).replace(r"\ ", r"\s") for w in forms) + ")"
    return re.escape(word)


def _strip_article(s: str) -> str:
    return LEADING_ARTICLE.sub("", s)


_GLUED = "+#"  # symbols written onto a name are part of it: "C++", "C#", "F#", "O+" are names of their own


def _find_text(reply: str, norm: str, index: list[int], label: str, surface: str) -> list[Mention]:
    s = unicodedata.normalize("NFC", surface).strip()
    if not s:
        return []
    if re.search(r"\w[+#]", s):  # a name written with symbols: matched as written, its symbols included
        pat = re.compile(r"(?<![\w+#])" + re.escape(s) + r"(?![\w+#])", re.IGNORECASE)
        return [Mention(label, m.start(), m.end()) for m in pat.finditer(reply)]
    if len(s) <= 2 and s != s.lower():  # chemical symbols and the like: exact case; not the C of "C++" or "C#"
        pat = re.compile(r"(?<![\w])" + re.escape(s) + r"(?![\w+#])")
        return [Mention(label, m.start(), m.end()) for m in pat.finditer(reply)]
    target = _strip_article(normalise(s))
    if not target:
        return []
    plural = PLURAL_ENDING if s.split()[-1].islower() else ""
    pat = re.compile(r"(?<![a-z0-9])(?<!\d\.)" + r"\s".join(map(_word_pattern, target.split())) + plural
                     + r"(?![a-z0-9]|\.\d)")
    found = [Mention(label, index[m.start()], index[m.end() - 1] + 1) for m in pat.finditer(norm)
             if reply[index[m.end() - 1] + 1 : index[m.end() - 1] + 2] not in tuple(_GLUED)]  # "c" is not "C++"
    words = target.split()
    if len(words) >= 3 and all(w.isalpha() for w in words):  # "RBCs" for "red blood cells"
        acronym = re.compile(r"(?<![\w])" + "".join(w[0] for w in words).upper() + r"s?(?![\w])")
        found += [Mention(label, m.start(), m.end()) for m in acronym.finditer(reply)]
    return found


def numeric_candidates(candidates: dict[str, list[str]]) -> dict[str, float] | None:
    """label -> value when every candidate's first surface is a number (arithmetic, years, GSM8K), else None."""
    values = {label: parse_number(surfaces[0]) for label, surfaces in candidates.items() if surfaces}
    return values if values and all(v is not None for v in values.values()) else None


def _find_mentions(p: Parsed, candidates: dict[str, list[str]]) -> list[Mention]:
    """Every mention of a candidate; for numeric candidates every number (``other`` when it is neither).  Where
    mentions overlap, the longest counts (an alias inside a longer candidate counts once)."""
    numeric = numeric_candidates(candidates)
    if numeric is not None:
        by_value = {v: label for label, v in reversed(list(numeric.items()))}
        return [Mention(by_value.get(v, "other"), s, e, v) for v, s, e in p.numbers]
    reply, norm, index = p.text, p.norm, p.index
    found = [m for label, surfaces in candidates.items() for s in surfaces
             for m in _find_text(reply, norm, index, label, s)]
    found.sort(key=lambda m: (m.start, -(m.end - m.start)))
    kept: list[Mention] = []
    for m in found:
        if kept and m.start < kept[-1].end:
            if (m.end - m.start) > (kept[-1].end - kept[-1].start):
                kept[-1] = m
            continue
        kept.append(m)
    return kept


# ---- content-word stems ---------------------------------------------------------------------------------------
def content(text: str) -> set[str]:
    """Content-word stems (first five letters) of a text: what two phrasings of one question share."""
    return {w[:5] for w in normalise(text).split() if w not in STOP_WORDS and len(w) > 2}


def content_words(text: str) -> list[str]:
    """Content-word stems (first five letters, stop words and words under three letters left out); a contraction
    is its words ("doesn't" is "does not")."""
    words = CONTRACTED_NOT.sub(r"\1 not", normalise(text)).split()
    return [w[:5] for w in words if len(w) > 2 and w not in STOP_WORDS_OF_PROPOSITIONS]


def content_of_words(words: str) -> set[str]:
    """Content-word stems of already normalised words, auxiliaries ("were", "has") and "there/their/they" counted."""
    return {w[:5] for w in words.split() if w not in STOP_WORDS_NO_AUXILIARIES and len(w) > 2}


def negated(text: str) -> bool:
    """The text holds a negation ("not", "no", "never", "doesn't", "cannot", ...)."""
    return bool(NEGATION.search(normalise(text)))


@dataclass(frozen=True)
class Parsed:
    """A text parsed once; each part is computed when first read (`parse` gives the one of a text)."""

    text: str

    @cached_property
    def _normalised(self) -> tuple[str, tuple[int, ...]]:
        return _normalise_map(self.text)

    @property
    def norm(self) -> str:
        """Lower-case, accent-free text with punctuation as spaces (see the module docstring)."""
        return self._normalised[0]

    @property
    def index(self) -> tuple[int, ...]:
        """``index[i]``: the raw offset of normalised character ``i``."""
        return self._normalised[1]

    @cached_property
    def sentences(self) -> tuple[tuple[int, int], ...]:
        """(start, end) of each sentence, initials ("D.B.") and decimals not ending one."""
        return tuple((m.start(), m.end()) for m in SENTENCE.finditer(self.text) if m.group(0).strip())

    @cached_property
    def numbers(self) -> tuple[tuple[float, int, int], ...]:
        """(value, start, end) of every number, digits or words, in order."""
        return tuple(_find_numbers(self.text))

    def mentions(self, candidates: dict[str, list[str]]) -> tuple[Mention, ...]:
        """Every mention of a candidate (`find_mentions`), computed once per set of candidates."""
        key = tuple((label, tuple(surfaces)) for label, surfaces in candidates.items())
        found = self.__dict__.setdefault("_mentions", {})
        if key not in found:
            found[key] = tuple(_find_mentions(self, candidates))
        return found[key]


@lru_cache(maxsize=4096)
def parse(text: str) -> Parsed:
    """The parse of ``text``, built once (the last 4096 texts are kept: a reply, its parts, the item's texts)."""
    return Parsed(text)


def normalise_map(text: str) -> tuple[str, tuple[int, ...]]:
    """(normalised text, raw offset of each of its characters)."""
    p = parse(text)
    return p.norm, p.index


def normalise(text: str) -> str:
    return parse(text).norm


def sentences(reply: str):
    """(start, end) of each sentence, initials and decimals not ending one."""
    return iter(parse(reply).sentences)


def find_numbers(reply: str) -> list[tuple[float, int, int]]:
    """(value, start, end) of every number in the reply, digits or words; "the correct one" is not a number."""
    return list(parse(reply).numbers)


def find_mentions(reply: str, candidates: dict[str, list[str]]) -> list[Mention]:
    """Every mention of a candidate; for numeric candidates every number (``other`` when it is neither).  Where
    mentions overlap, the longest counts (an alias inside a longer candidate counts once)."""
    return list(parse(reply).mentions(candidates))
