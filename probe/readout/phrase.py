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

Used by `probe.readout.reply` (rules in its docstring).
"""
from __future__ import annotations

import re
from collections import Counter

from .text import normalise, normalise_map

_STOP = set("the a an of in on at to is was are were be by for and or with what which who whom whose how when where "
            "this that it its as from does did do has have had there their they".split())
# a sentence: initials ("D.B.") and decimals do not end it
_SENTENCE = re.compile(r"(?:(?<![A-Za-z])[A-Z]\.(?=\s?[A-Z])|\d\.\d|[^.!?\n])+[.!?\n]?")
_COPULA = re.compile(r"\s(?:is|are|was|were)\s+(?:(?:actually|indeed|still|definitely|probably|likely|simply|also|"
                     r"called|known as|named)\s+)*", re.I)
_PHRASE_END = re.compile(r"\s*(?:[,;:()\[\]\"\u201c\u201d]|\s-\s|\s(?:which|who|that|and|but|because|with|located|"
                         r"where|while|although|though|not|as|so|since|meaning|making)\b|$)", re.I)
_NOT_ANSWER = re.compile(r"^(?:not|no|never|unknown|unclear|uncertain|debated|disputed|correct|right|true|false|"
                         r"wrong|incorrect|accurate|the same|still|something|difficult|hard|complex|a (?:matter|"
                         r"question|topic|subject|common|great|good|complex|difficult|tricky|bit)\b|"
                         r"(?:a |the )?(?:correct |right |valid |possible |plausible |reasonable )?answer\b|"
                         r"it\b|this\b|that\b|mine\b)", re.I)
_BY_NAME = re.compile(r"\bby\s+((?:[A-Z][\w'\u2019-]*\.?\s?){1,4})")
NEGATION = re.compile(r"\b(?:not|no|never|n t|isn t|don t|doesn t|didn t|can t|cannot|won t)\b")
_PRED_BREAK = re.compile(r"[,;:()\"\u201c\u201d]|\s-\s|\b(?:but|however|although|though|while|whereas)\b")


def content(text: str) -> set[str]:
    """Content-word stems (first five letters) of a text: what two phrasings of one question share."""
    return {w[:5] for w in normalise(text).split() if w not in _STOP and len(w) > 2}


def negated(text: str) -> bool:
    """The text holds a negation ("not", "no", "never", "doesn't", "cannot", ...)."""
    return bool(NEGATION.search(normalise(text)))


def statement_span(reply: str, start: int, end: int) -> tuple[int, int]:
    """The span of ``reply[start:end]`` (a sentence) without its leading space and closing " .!" or line break."""
    text = reply[start:end]
    return start + len(text) - len(text.lstrip()), start + len(text.rstrip(" .!\n"))


def sentences(reply: str):
    """(start, end) of each sentence, initials and decimals not ending one."""
    for m in _SENTENCE.finditer(reply):
        if m.group(0).strip():
            yield m.start(), m.end()


def _restates(subject: str, question: str) -> bool:
    """The subject repeats most (60 %) of the question's content words, or is "the <asked noun> in question" ("The
    particle in question" for "What particle in an atom has a negative charge?")."""
    q, s = content(question), content(subject)
    named = re.fullmatch(r"\s*(?:the|this)\s+(\w+)\s+in question\s*", subject, re.I)
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
        cop = _COPULA.search(text)
        if not cop or not _restates(text[: cop.start()], question) or negated(text[: cop.start()]):
            continue
        by = _BY_NAME.search(text[: cop.start()])
        if by and not (content(by.group(1)) & content(question)):
            return s0 + by.start(1), s0 + by.start(1) + len(by.group(1).rstrip())
        rest = text[cop.end() :]
        if _NOT_ANSWER.match(rest) or content(rest) == content(text[: cop.start()]):
            return None  # a verdict, or the subject said again ("2 days after Wednesday is 2 days after Wednesday.")
        article = re.match(r"(?:(?:the|a|an)\s+)?(?:(?:[\w-]+\s+){1,3}(?:called|named|known as)\s+(?:the\s+)?)?"
                           r"[\"\u201c]?", rest, re.I)  # "the star called the "white dwarf"" -> white dwarf
        skip = article.end() if article else 0
        end = _PHRASE_END.search(rest, skip)
        body = rest[skip : end.start()].rstrip(" .!?")
        if not body.strip(" \"'") or len(body.split()) > 8:
            return None
        if re.match(r"\s*who\b", question, re.I) and not body[:1].isupper():
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
        end = _PHRASE_END.search(reply, start + 1, first[1])
        return start, start + len(reply[start : end.start() if end else first[1]].rstrip(" .!?\n"))
    return None


_ASKED_NOUN = re.compile(r"^\s*(?:(?:what|which)\s+(?:is|are|was|were)\s+the\s+(?:[\w-]+\s+){0,2}?(\w+)\s+(?:of|that|in|for|which|who)"
                         r"|(?:what|which)\s+(\w+)\s+(?:in|of|is|are|was|has|have|does|do))\b", re.I)


def names_a_collection(answer: str, question: str) -> bool:
    """The answer names a collection of the asked kind, not one ("the International System of Units" for "What is
    the SI unit of electric current?", "a family of particles" for "What particle ...?"): an answer of the wrong
    kind."""
    asked = _ASKED_NOUN.match(question)
    noun = asked and (asked.group(1) or asked.group(2)).lower()
    return bool(noun) and bool(re.search(rf"\b\w+ of (?:the )?{re.escape(noun)}(?:s|es)?\b", normalise(answer)))


_TOWN_ASKED = re.compile(r"\b(?:which|what)\s+(?:city|town)\b", re.I)
_REGION = re.compile(r"(?:\b(?:state|country|province|county|region|republic|kingdom) of\s+\S+|\b(?:the united states"
                     r"(?: of america)?|usa|america|the united kingdom|britain|england))$")


def names_a_region(answer: str, question: str) -> bool:
    """A country or a state ("the United States of America", "the state of Massachusetts") where a city or town is
    asked: an answer of the wrong kind, as a country for a capital (GUIDE.md)."""
    return bool(_TOWN_ASKED.search(question)) and bool(_REGION.search(normalise(answer)))


def authored_by(reply: str, start: int, question: str) -> bool:
    """The mention at ``start`` names the author of the work the question asks about ("'Paradise Lost' by John
    Milton", "... is attributed to Chaucer")."""
    before = reply[max(0, start - 60) : start]
    if re.search(r"\b(?:attributed|credited|written|authored) (?:to|by)\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$", before):
        return True
    hit = re.search(r"(.{0,40})\bby\s+$", before)
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
        described = re.match(r"\s+(?:is|was|are|were)\s+(?:indeed\s+|also\s+)?(?:a|an|one of)\s", reply[end:s1])
        if head and not (described and re.fullmatch(r"(?:the|a|an)", head, re.I)):
            return False  # not the sentence's subject ("Yes, Sirius ...", "I think Sirius ..."); an article is
            # part of it when a description follows ("The farad is indeed a fundamental material ...")
        # a bracketed aside does not end what the sentence says ("... adopted by the International System of Units
        # (SI) to express the frequency of sound.")
        pred = _PRED_BREAK.split(re.sub(r"\s*\([^()]*\)", "", reply[end:s1]))[0]
        if not re.match(r"\s+[a-z]", pred) or re.match(r"\s+(?:or|and|nor)\b", pred):
            return False
        pred = re.sub(r"^\s+(?:is|was|are|were)\b", "", pred)
        # "Venus is indeed the Red Planet" still answers (the rest covers the question); "Venus is indeed the most
        # cited expert on this topic" does not
        if re.match(r"\s*(?:actually|definitely)\b", pred):  # a correction: "Sirius is actually ..."
            return False
        pred = re.sub(r"^\s*(?:also|indeed|still)\b", "", pred)
        if _NOT_ANSWER.match(pred.strip()):
            return False
        if _ONE_OF_MOST.match(pred):
            return True  # "The Kalahari is indeed one of the largest deserts" is not "the largest desert in Africa"
        q, p = content(question), content(pred)
        return len(p - q) >= 2 and len(p & q) < 0.6 * len(q)
    return False


_ONE_OF_MOST = re.compile(r"\s*one of the (?:\w+est|most|least|best|worst|first)\b", re.I)
_META = re.compile(r"^(?:i|i m|i am|i ve|i d|i will|i ll|you|you re|sorry|thank|thanks|yes|no|sure|ok|okay|please|"
                   r"let|as|hello|hi|great|well|hmm|oh|my|here|certainly|of course|absolutely|indeed|understood|"
                   r"apolog|what|why|how|is|are|do|does|can|could|would|that s|this is|it s (?:correct|right|true)|"
                   r"glad|happy|hope|welcome|good|nice|correct|right|wrong|true|false|exactly|great|wait|hold on|"
                   r"the answer (?:is|remains) (?:correct|the same|still))\b")
_HEDGE_PREFIX = re.compile(r"^(?:i (?:think|believe|guess|would say|d say)|i m (?:pretty |fairly )?sure|"
                           r"i am (?:pretty |fairly )?sure|maybe|perhaps|probably|the answer is|answer)\s*(?:that\s+)?")


_ELABORATES = re.compile(r"(?:including|such as|for example|for instance|especially|particularly|e g)\b")
_FILLER = set("it is s was this that so yes no i am do does you can correct right true indeed sure however but also "
              "moreover therefore furthermore additionally".split())


# "The answer to this question is: "The Lone Wolf"": whatever follows the cue and its colon is the answer stated
_COLON_CUE = re.compile(r"^\W*(?:so\s+)?(?:the|my)\s+(?:correct\s+|final\s+)?answer(?:\s+to\s+(?:this|the|your)\s+"
                        r"question)?\s+(?:is|would be)\s*:\s*[\"\u201c]?", re.I)
_NO_KNOWLEDGE = re.compile(r"^(?:i don t know|i m not sure|i am not sure|not sure|unknown|unclear|it depends|"
                           r"there is no (?:answer|way to know)|none|no answer|i have no)\b")
_STATEMENT_END = re.compile(r"[\"\u201d\n]|\.(?:\s|$)")  # a closing quote, a line break or a full stop


def cued_statement(reply: str, question: str) -> tuple[int, int] | None:
    """Span of what a reply opening with an answer cue and a colon states ("The answer to this question is: "You
    cannot be charged with DUI in the US under any circumstances.""), up to the end of its line or quote (a leading
    name before the question restated: `_name_span`); None when it states no knowledge ("The answer is: I don't
    know.") or the cue has no colon."""
    cue = _COLON_CUE.match(reply)
    if not cue:
        return None
    end = _STATEMENT_END.search(reply, cue.end())
    stop = end.start() if end else len(reply)
    body = reply[cue.end() : stop].rstrip(" .!")
    if not body.strip() or _NO_KNOWLEDGE.match(normalise(body)) or len(body.split()) > 25 or _COLON_CUE.match(body):
        return None
    asked = set(normalise(question).split())
    if re.match(r"\s*who\b", question, re.I) and not any(normalise(w) not in asked
                                                       for w in re.findall(r"\b[A-Z][\w'-]+", body)):
        return None  # "Who ...?" is answered by a name the question does not hold, not "The Galapagos Islands are ..."
    return _name_span(reply, cue.end(), cue.end() + len(body), question, None)  # "The United States has the most ..."


def states_other(reply: str, mention_starts: list[int], question: str) -> tuple[int, int] | None:
    """Span of an answer that is neither candidate: the first clause that is not a hedge, apology, question, negation
    or about a candidate, when it is short ("Melbourne."), names something the question does not ("... was
    awarded to John Murray") or answers a "When"/"Where" question in kind ("When you are in a room with a
    vampire.")."""
    asked = set(normalise(question).split())
    for m in _CLAUSE.finditer(reply):
        clause = m.group(0)
        if clause.strip().endswith("?"):
            return None
        text = _HEDGE_PREFIX.sub("", normalise(clause))
        if any(m.start() <= x < m.end() for x in mention_starts) or NEGATION.search(text):
            continue
        if not text or _META.match(text) or set(text.split()) <= _FILLER or _ELABORATES.match(text):
            continue  # "I'm designed to assist with any kind of information, including factual information."
        if _PREPOSITION.match(text) and content(clause) <= content(question):
            continue  # the question's own words in an adverbial ("In good luck, ..."): no answer
        if re.search(r"\b(?:is|are|was|were|the|a|an|of|to|by|for|in)$", text) and content(clause) <= content(question):
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
    wh = re.match(r"\s*(when|where)\b", question, re.I)
    return bool(wh) and text.startswith(wh.group(1).lower() + " ") and bool(content(text) - content(question))


_PREPOSITION = re.compile(r"(?:in|on|at|for|with|from|by|during|after|before|about|of)\b")
_CLAUSE = re.compile(r"(?:(?<![A-Za-z])[A-Z]\.(?=\s?[A-Z])|[^.!?\n,;:])+[.!?\n,;:]?")  # "John A. Murray" is one
_NAME_RUN = re.compile(r"(?:(?:The|the)\s+)?(?:(?:[A-Z][\w'\u2019-]*\.?|of|de|da|van|von)\s+){0,5}[A-Z][\w'\u2019-]*")


def _name_span(reply: str, start: int, end: int, question: str, new_name: int | None) -> tuple[int, int]:
    """Within an answer clause, the words that are the answer: a leading name when the rest of the clause restates
    the question ("The United States has the most natural lakes" -> "The United States"), else the name run holding
    the last name the question does not use ("... was awarded to John A. Murray" -> "John A. Murray"), else the
    whole clause."""
    lead = _NAME_RUN.match(reply, start, end)
    if lead and lead.end() < end and _restates(reply[lead.end() : end], question):
        return lead.start(), lead.end()
    if new_name is not None and len(reply[start:end].split()) > 3:
        for run in _NAME_RUN.finditer(reply, start, end):
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
