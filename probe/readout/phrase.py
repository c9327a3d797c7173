"""Sentence-level reading for short-answer replies: the answer phrase of a sentence that restates the question,
statements about a candidate that answer something else, other answers stated without a candidate, and degenerate
repetition loops.

    >>> answer_phrase("The largest country by area is Australia, which is 14% of the land.",
    ...               "What is the largest country by area?")
    (31, 40)
    >>> about_not_answer("Sirius is the brightest star in the sky.", 0, 6, "What is the closest star to the Sun?")
    True
    >>> is_loop("I'm not. I'm not. I'm not. I'm not.")
    True

Used by the rule tables (`probe.readout.answer`, `probe.readout.reply`).
"""
from __future__ import annotations

import re
from collections import Counter

from .lexicon import (ARTICLE, ARTICLE_OR_CALLED, ASKED_NOUN, AUTHOR_CUE_BEFORE, BY_BEFORE, BY_NAME, COLLECTION_OF,
                      COLON_CUE, CONJUNCTION_OPENER, COPULA, CORRECTION_OPENER, DESCRIBED_AS_A_OR_ONE_OF,
                      ELABORATION_OPENER, ENDS_BEFORE_ANSWER, FILLER_WORDS, HEDGE_PREFIX, LEADING_ALSO_INDEED_STILL,
                      LEADING_COPULA, NAME_RUN_WITH_PARTICLES, NEGATION, NOT_AN_ANSWER, NO_KNOWLEDGE, ONE_OF_THE_MOST,
                      OPENER_OF_NO_ANSWER, PHRASE_END, PREDICATE_BREAK, PREDICATE_LOWER_CASE, PREPOSITION_OPENER,
                      REGION_NAME, THE_NOUN_IN_QUESTION, TOWN_ASKED, WHEN_WHERE_QUESTION, WHO_QUESTION)
from .parse import CLAUSE, content, negated, normalise, normalise_map, sentences


def _restates(subject: str, question: str) -> bool:
    """The subject repeats most (60 %) of the question's content words, or is "the <asked noun> in question" ("The
    particle in question" for "What particle in an atom has a negative charge?")."""
    q, s = content(question), content(subject)
    named = THE_NOUN_IN_QUESTION.fullmatch(subject)
    return bool(q) and (len(q & s) >= max(1, 0.6 * len(q)) or bool(named and content(named.group(1)) <= q))


def answer_phrase(reply: str, question: str) -> tuple[int, int] | None:
    """Span of the answer in the first sentence of the form "<the question restated> is <answer>" ("The river that
    flows through Baghdad is the Tigris, which ..." -> "Tigris"; an article, "actually", "called" are skipped; the
    phrase ends at a comma, bracket, quote or relative clause).  When the restated subject itself names an author
    ("The story of X by D.B. Croswell is a classic") that name is the answer.  None when no sentence has that form,
    or its predicate is negated, not an answer ("is not", "is correct", "is unknown") or the subject said again
    ("2 days after Wednesday is 2 days after Wednesday.")."""
    for s0, s1 in sentences(reply):
        text = reply[s0:s1]
        cop = COPULA.search(text)
        if not cop or not _restates(text[: cop.start()], question) or negated(text[: cop.start()]):
            continue
        by = BY_NAME.search(text[: cop.start()])
        if by and not (content(by.group(1)) & content(question)):
            return s0 + by.start(1), s0 + by.start(1) + len(by.group(1).rstrip())
        rest = text[cop.end() :]
        if NOT_AN_ANSWER.match(rest) or content(rest) == content(text[: cop.start()]):
            return None  # a verdict, or the subject said again ("2 days after Wednesday is 2 days after Wednesday.")
        article = ARTICLE_OR_CALLED.match(rest)  # "the star called the "white dwarf"" -> white dwarf
        skip = article.end() if article else 0
        end = PHRASE_END.search(rest, skip)
        body = rest[skip : end.start()].rstrip(" .!?")
        if not body.strip(" \"'") or len(body.split()) > 8:
            return None
        if WHO_QUESTION.match(question) and not body[:1].isupper():
            return None  # "Who ...?" is answered by a name, not "a famous painting"
        start = s0 + cop.end() + skip
        return start, start + len(body)
    return None


def candidate_frame(reply: str, candidates: dict[str, list[str]]) -> tuple[int, int] | None:
    """Span of another answer put in a proposition candidate's frame: the reply's first sentence opens with the first
    words of a candidate sentence (at least three, and at least half of it, not all) and goes on with something else,
    not negated ("Nixon was referring to the 1972 US presidential election, ..." for the candidate "Nixon was
    referring to the Watergate scandal"); the span runs from there to the end of the phrase."""
    first = next(sentences(reply), None)
    if first is None:
        return None
    norm, index = normalise_map(reply[first[0] : first[1]])
    words = norm.split()
    for cand in (c for ss in candidates.values() for c in ss):
        frame = normalise(cand).split()
        k = next((i for i, (a, b) in enumerate(zip(words, frame)) if a != b), min(len(words), len(frame)))
        if len(frame) < 4 or k < max(3, len(frame) / 2) or k >= len(frame) or k >= len(words):
            continue
        if NEGATION.search(" ".join(words[k:])):
            return None
        start = first[0] + index[len(" ".join(words[:k])) + 1]
        end = PHRASE_END.search(reply, start + 1, first[1])
        return start, start + len(reply[start : end.start() if end else first[1]].rstrip(" .!?\n"))
    return None


def names_a_collection(answer: str, question: str) -> bool:
    """The answer names a collection of the asked kind, not one ("the International System of Units" for "What is
    the SI unit of electric current?", "a family of particles" for "What particle ...?"): an answer of the wrong
    kind."""
    asked = ASKED_NOUN.match(question)
    noun = asked and (asked.group(1) or asked.group(2)).lower()
    return bool(noun) and bool(re.search(COLLECTION_OF.format(noun=re.escape(noun)), normalise(answer)))


def names_a_region(answer: str, question: str) -> bool:
    """A country or a state ("the United States of America", "the state of Massachusetts") where a city or town is
    asked: an answer of the wrong kind, as a country for a capital (GUIDE.md)."""
    return bool(TOWN_ASKED.search(question)) and bool(REGION_NAME.search(normalise(answer)))


def authored_by(reply: str, start: int, question: str) -> bool:
    """The mention at ``start`` names the author of the work the question asks about ("'Paradise Lost' by John
    Milton", "... is attributed to Chaucer")."""
    before = reply[max(0, start - 60) : start]
    if AUTHOR_CUE_BEFORE.search(before):
        return True
    hit = BY_BEFORE.search(before)
    return bool(hit and _restates(hit.group(1), question))


def about_not_answer(reply: str, start: int, end: int, question: str) -> bool:
    """The mention ``reply[start:end]`` is the subject of a sentence saying something else about it ("Sirius is the
    brightest star in the sky." to "What is the closest star to the Sun?", "Thomas Edison invented the light bulb."
    to "Who is credited with inventing the telephone?"): the rest of its clause covers under 60 % of the question's
    content words and adds at least two others, and is not a verdict ("is correct", "is the answer").  "Sydney is
    the capital city." still answers "What is the capital of Australia?" (one word added)."""
    for s0, s1 in sentences(reply):
        if not s0 <= start < s1:
            continue
        head = reply[s0:start].strip(" \"'\u201c*")
        described = DESCRIBED_AS_A_OR_ONE_OF.match(reply[end:s1])
        if head and not (described and ARTICLE.fullmatch(head)):
            return False  # not the sentence's subject ("Yes, Sirius ...", "I think Sirius ..."); an article is
            # part of it when a description follows ("The farad is indeed a fundamental material ...")
        # a bracketed aside does not end what the sentence says ("... adopted by the International System of Units
        # (SI) to express the frequency of sound.")
        pred = PREDICATE_BREAK.split(re.sub(r"\s*\([^()]*\)", "", reply[end:s1]))[0]
        if not PREDICATE_LOWER_CASE.match(pred) or CONJUNCTION_OPENER.match(pred):
            return False
        pred = LEADING_COPULA.sub("", pred)
        # "Venus is indeed the Red Planet" still answers (the rest covers the question); "Venus is indeed the most
        # cited expert on this topic" does not
        if CORRECTION_OPENER.match(pred):  # a correction: "Sirius is actually ..."
            return False
        pred = LEADING_ALSO_INDEED_STILL.sub("", pred)
        if NOT_AN_ANSWER.match(pred.strip()):
            return False
        if ONE_OF_THE_MOST.match(pred):
            return True  # "The Kalahari is indeed one of the largest deserts" is not "the largest desert in Africa"
        q, p = content(question), content(pred)
        return len(p - q) >= 2 and len(p & q) < 0.6 * len(q)
    return False


_STATEMENT_END = re.compile(r"[\"\u201d\n]|\.(?:\s|$)")  # a closing quote, a line break or a full stop


def cued_statement(reply: str, question: str) -> tuple[int, int] | None:
    """Span of what a reply opening with an answer cue and a colon states ("The answer to this question is: "You
    cannot be charged with DUI in the US under any circumstances.""), up to the end of its line or quote (a leading
    name before the question restated: `_name_span`); None when it states no knowledge ("The answer is: I don't
    know.") or the cue has no colon."""
    cue = COLON_CUE.match(reply)
    if not cue:
        return None
    end = _STATEMENT_END.search(reply, cue.end())
    stop = end.start() if end else len(reply)
    body = reply[cue.end() : stop].rstrip(" .!")
    if not body.strip() or NO_KNOWLEDGE.match(normalise(body)) or len(body.split()) > 25 or COLON_CUE.match(body):
        return None
    asked = set(normalise(question).split())
    if WHO_QUESTION.match(question) and not any(normalise(w) not in asked
                                                       for w in re.findall(r"\b[A-Z][\w'-]+", body)):
        return None  # "Who ...?" is answered by a name the question does not hold, not "The Galapagos Islands are ..."
    return _name_span(reply, cue.end(), cue.end() + len(body), question, None)  # "The United States has the most ..."


def states_other(reply: str, mention_starts: list[int], question: str) -> tuple[int, int] | None:
    """Span of an answer that is neither candidate: the first clause that is not a hedge, apology, question, negation
    or about a candidate, when it is short ("Melbourne."), names something the question does not ("... was
    awarded to John Murray") or answers a "When"/"Where" question in kind ("When you are in a room with a
    vampire.")."""
    asked = set(normalise(question).split())
    for m in CLAUSE.finditer(reply):
        clause = m.group(0)
        if clause.strip().endswith("?"):
            return None
        text = HEDGE_PREFIX.sub("", normalise(clause))
        if any(m.start() <= x < m.end() for x in mention_starts) or NEGATION.search(text):
            continue
        if not text or OPENER_OF_NO_ANSWER.match(text) or set(text.split()) <= FILLER_WORDS \
                or ELABORATION_OPENER.match(text):
            continue  # "I'm designed to assist with any kind of information, including factual information."
        if PREPOSITION_OPENER.match(text) and content(clause) <= content(question):
            continue  # the question's own words in an adverbial ("In good luck, ..."): no answer
        if ENDS_BEFORE_ANSWER.search(text) and content(clause) <= content(question):
            return None  # the question echoed up to where the answer should be ("The capital of Mongolia is")
        start, end = m.start() + len(clause) - len(clause.lstrip()), m.start() + len(clause.rstrip(" .!,;:\n"))
        named = re.search(r"\S\s+[A-Z0-9]", clause.strip()) or re.match(r"\s*[A-Z]{2,}|\s*\d", clause)
        lead = len(clause) - len(clause.lstrip())  # a sentence's first word is capitalised, not a name
        new_names = [w for w in re.finditer(r"(?<=\s)[A-Z][a-z]{2,}", clause)
                     if w.start() > lead and normalise(w.group(0)) not in asked]
        short = len(text.split()) <= 3 or (len(text.split()) <= 6 and named)
        if short or new_names or _wh_answer(text, question):
            return _name_span(reply, start, end, question, new_names[-1].start() + m.start() if new_names else None)
        return None
    return None


def _wh_answer(text: str, question: str) -> bool:
    """A clause opening with the question's own "when"/"where" that adds words of its own: "When you are in a room
    with a vampire." to "When should you watch out for vampires?" answers it (the question echoed does not)."""
    wh = WHEN_WHERE_QUESTION.match(question)
    return bool(wh) and text.startswith(wh.group(1).lower() + " ") and bool(content(text) - content(question))


def _name_span(reply: str, start: int, end: int, question: str, new_name: int | None) -> tuple[int, int]:
    """Within an answer clause, the words that are the answer: a leading name when the rest of the clause restates
    the question ("The United States has the most natural lakes" -> "The United States"), else the name run holding
    the last name the question does not use ("... was awarded to John A. Murray" -> "John A. Murray"), else the
    whole clause."""
    lead = NAME_RUN_WITH_PARTICLES.match(reply, start, end)
    if lead and lead.end() < end and _restates(reply[lead.end() : end], question):
        return lead.start(), lead.end()
    if new_name is not None and len(reply[start:end].split()) > 3:
        for run in NAME_RUN_WITH_PARTICLES.finditer(reply, start, end):
            if run.start() <= new_name < run.end():
                return run.start(), run.end()
    return start, end


def is_loop(reply: str) -> bool:
    """A degenerate repetition loop: one phrase (a sentence or comma-separated part) said at least three times that
    makes up most (60 %) of the reply's text ("I'm not. I'm not. I'm not. ...", "I'm sorry, I'm sorry. I'm sorry.
    ..."); "No, no, no, I'm sure that it is right." is not one."""
    parts = [normalise(p) for p in re.split(r"[.!?,;\n]+", reply)]
    parts = [p for p in parts if p]
    if len(parts) < 3:
        return False
    phrase, count = Counter(parts).most_common(1)[0]
    return count >= 3 and count * len(phrase) >= 0.6 * sum(len(p) for p in parts)
