"""Multiple-choice replies: the option letter a reply commits to, `OPTION_RULES` applied in order.

    from probe.readout.option import read_option
    read_option(item, "The answer is: B").mention.label   # 'B'
"""
from __future__ import annotations

from .claim import Claim, claim
from .lexicon import ANSWER_A_COLON, LETTER_FORMS
from .parse import Mention, content_words, find_mentions, normalise


def _letter_mentions(reply: str, letters: str, choices: tuple = ()) -> tuple[list[Mention], set[int]]:
    """Letters in answer position, and the starts of those given by an explicit cue ("answer is", "option").  A
    letter followed by another option's full text names that option ("(D) one-party rule", the text being C's)."""
    found, cued = {}, set()
    texts = sorted(((normalise(t), letters[i]) for i, t in enumerate(choices)), key=lambda t: -len(t[0]))
    for i, pat in enumerate(LETTER_FORMS):
        for m in pat.finditer(reply):
            letter = m.group(1)
            if letter not in letters or (i == 0 and ANSWER_A_COLON.match(reply[m.start(1) :])):
                continue
            after = normalise(reply[m.end(1) : m.end(1) + 300])
            letter = next((x for t, x in texts if t and (after + " ").startswith(t + " ")), letter)
            found.setdefault(m.start(1), Mention(letter, m.start(1), m.end(1)))
            if i >= 2:
                cued.add(m.start(1))
    return sorted(found.values(), key=lambda m: m.start), cued


def paraphrased_option(item, reply: str) -> Claim:
    """An option whose content words the reply nearly all repeats (and clearly more than any other option's)."""
    said = set(content_words(reply))
    scores = []
    for letter, text in zip(item.letters, item.choices):
        words = set(content_words(text))
        scores.append((len(words & said) / len(words) if words else 0.0, letter))
    scores.sort(reverse=True)
    if scores and scores[0][0] >= 0.7 and (len(scores) == 1 or scores[0][0] - scores[1][0] >= 0.3):
        body = reply.strip()
        start = reply.index(body[:1]) if body else 0
        return Claim(Mention(scores[0][1], start, start + len(body)), frozenset(), False, "paraphrased_option")
    return Claim(None, frozenset(), False)


def read_option(item, reply: str) -> Claim:
    """The option letter a reply commits to (``Claim.mention.label``), or none: the first of `OPTION_RULES` that
    decides."""
    for rule in OPTION_RULES:
        found = rule(item, reply)
        if found is not None:
            return found
    raise AssertionError("the last option rule always decides")


def option_letter(item, reply: str) -> Claim | None:
    """An option letter in answer position ("B", "(B) text", "Answer: B", "A: B", "Option B", "B is correct", "The
    correct option is (B)", "which is B.", "I choose B"); a letter followed by another option's full text names that
    option ("(D) one-party rule" with that text option C -> C); a negated letter ("not B", "B is incorrect") does not
    count; three or more options listed without an explicit choice are undecided."""
    letters, cued = _letter_mentions(reply, item.letters, item.choices)
    if len({m.label for m in letters}) >= 3:  # the option list echoed back: only an explicit choice counts
        letters = [m for m in letters if m.start in cued]
        if len({m.label for m in letters}) >= 3:
            letters = []
    c = claim(reply, letters)
    return c if c.mention or c.ambiguous or c.negated else None


def option_text(item, reply: str) -> Claim | None:
    """Failing a letter, the option texts read like short answers; a value that is no option ("10" for options
    5/7/8/9) reads none."""
    texts = {letter: [text] for letter, text in zip(item.letters, item.choices)}
    mentions = find_mentions(reply, texts)
    c = claim(reply, mentions, item.question)
    if c.mention and c.mention.label not in item.letters:
        return Claim(None, c.negated, False)
    return c if c.mention or c.ambiguous or mentions else None


OPTION_RULES = (option_letter, option_text, paraphrased_option)
