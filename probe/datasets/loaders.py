"""Loaders for the public formats in ``shared/data`` and a generic JSONL.

Each loader yields ``(line_number, Item)``, or ``(line_number, LineError)`` for a malformed row (a `RowError` naming
its field, caught inside the loader so one bad row does not end the file); `probe.datasets.load_dataset` turns it
into ``file:line: field: problem`` (exit 2) or, with ``on_bad_row: skip``, a counted skip.

Every item, whatever its format, is checked by `check_item`: answer and alternative are non-empty text and differ
(for free-text items also ignoring case, and no alias of one equals the other), compared after Unicode NFC and
whitespace normalisation (a no-break space, a double space, a decomposed accent make no other answer); no text holds
a lone surrogate; choices are at most 16 (letters A-P), distinct, and contain both.  A JSONL answer that is a boolean or NaN is rejected where text is expected.
Where a loader derives a field itself it keeps the derivation consistent instead of failing the row: FARM drops a
"correct answer" alias equal to the misinformation target; MMLU and "Are you sure?" label duplicate option texts
with their letter.
"""
from __future__ import annotations

import ast
import csv
import json
import math
import random
import re
import unicodedata
import zlib
from pathlib import Path
from typing import Iterator

from ..errors import ProbeError
from .items import LETTERS, Item

MAX_CHOICES = len(LETTERS)  # 16: options are lettered A-P


class RowError(Exception):
    def __init__(self, field: str, problem: str):
        super().__init__(f"{field}: {problem}")
        self.field = field


def _rng(item_id: str) -> random.Random:
    """Per-item RNG: a choice made for an item (e.g. which wrong option to assert) reproduces anywhere."""
    return random.Random(zlib.crc32(item_id.encode()))


def _req(row: dict, key: str, kind=str):
    if key not in row or row[key] is None or (isinstance(row[key], str) and not row[key].strip()):
        raise RowError(key, "missing or empty")
    value = row[key]
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if isinstance(value, bool) and bool not in kinds:
        raise RowError(key, f"expected text, got the boolean {json.dumps(value)}")
    if isinstance(value, float) and not math.isfinite(value):
        raise RowError(key, f"expected text, got {value}")
    if not isinstance(value, kind):
        names = " or ".join("text" if k is str else k.__name__ for k in kinds)
        raise RowError(key, f"expected {names}, got {type(value).__name__}")
    return value


def _text_list(value, field: str) -> list[str]:
    """A list of strings or numbers (as text); booleans, NaN, nested values and empty strings are row errors."""
    if not isinstance(value, list):
        raise RowError(field, "expected a list of strings")
    out = []
    for i, v in enumerate(value):
        if isinstance(v, bool) or not isinstance(v, (str, int, float)) or (isinstance(v, float) and not math.isfinite(v)):
            raise RowError(f"{field}[{i}]", f"expected text, got {json.dumps(v) if not isinstance(v, float) else v}")
        if not str(v).strip():
            raise RowError(f"{field}[{i}]", "empty")
        out.append(str(v))
    return out


def same_text(a: str) -> str:
    """The text two strings are compared by: Unicode NFC (a composed and a decomposed "Café" are one word), every
    run of whitespace, no-break spaces included, one space, stripped."""
    return " ".join(unicodedata.normalize("NFC", a).split())


def _same(a: str, b: str) -> bool:
    return same_text(a).casefold() == same_text(b).casefold()


def _check_text(item: Item, field) -> None:
    """Every text is valid Unicode: a lone surrogate (JSON "\\ud800") would fail only at the tokenizer, after the
    run has started."""
    texts = [(n, getattr(item, n)) for n in ("id", "question", "answer", "alternative", "category", "difficulty")]
    texts += [(f"{n}[{i}]", t) for n in ("aliases", "alternative_aliases", "choices")
              for i, t in enumerate(getattr(item, n))]
    for name, text in texts:
        try:
            str(text).encode("utf-8")
        except UnicodeEncodeError as e:
            head, bracket, tail = name.partition("[")
            raise RowError(field(head) + bracket + tail,
                           f"holds a lone surrogate (\\u{ord(str(text)[e.start]):04x}), not text") from None


def check_item(item: Item, field=lambda name: name) -> Item:
    """Reject an item the protocol cannot score; ``field`` maps an item field to the user's name for it."""
    for name in ("id", "question", "answer", "alternative"):
        if not str(getattr(item, name)).strip():
            raise RowError(field(name), "missing or empty")
    _check_text(item, field)
    if item.choices:  # options are told apart by letter, so case matters ('Bb' and 'bb' are distinct genotypes)
        if same_text(item.answer) == same_text(item.alternative):
            raise RowError(field("alternative"), f"equals the answer {item.answer!r}")
    elif _same(item.answer, item.alternative):
        raise RowError(field("alternative"), f"equals the answer {item.answer!r} (the pushback would assert the gold)")
    for a in item.aliases:
        if _same(a, item.alternative):
            raise RowError(field("aliases"), f"alias {a!r} equals the alternative")
    for a in item.alternative_aliases:
        if _same(a, item.answer) or any(_same(a, g) for g in item.aliases):
            raise RowError(field("alternative"), f"alternative alias {a!r} equals the answer or one of its aliases")
    if item.choices:
        if len(item.choices) > MAX_CHOICES:
            raise RowError(field("choices"), f"{len(item.choices)} choices; at most {MAX_CHOICES} (letters A-P)")
        if len(item.choices) < 2:
            raise RowError(field("choices"), "a multiple-choice item needs at least 2 choices")
        seen = set()
        for c in item.choices:
            if same_text(c) in seen:
                raise RowError(field("choices"), f"duplicate choice {c!r}")
            seen.add(same_text(c))
        if item.answer not in item.choices or item.alternative not in item.choices:
            raise RowError(field("choices"), "answer and alternative must both be among the choices")
    return item


class LineError(Exception):
    def __init__(self, line: int, err: RowError):
        super().__init__(str(err))
        self.line, self.err = line, err


def jsonl_rows(path: Path) -> Iterator[tuple[int, dict | LineError]]:
    """(line number, row) per non-blank line; a line that is not a JSON object comes as a `LineError`."""
    with open(path, "rb") as f:
        for n, raw in enumerate(f, 1):
            try:  # a UTF-8 byte-order mark on the first line is accepted, as for a YAML config
                line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
            except UnicodeDecodeError as e:
                yield n, LineError(n, RowError("(text)", f"not UTF-8 text (byte {e.start + 1} of the line)"))
                continue
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                if not isinstance(row, dict):
                    raise RowError("(json)", "a row must be a JSON object")
            except json.JSONDecodeError as e:
                yield n, LineError(n, RowError("(json)", f"invalid JSON: {e.msg}"))
                continue
            except RecursionError:  # thousands of nested brackets
                yield n, LineError(n, RowError("(json)", "invalid JSON: nested too deeply"))
                continue
            except RowError as e:
                yield n, LineError(n, e)
                continue
            yield n, row


def _map_rows(rows, make, field=lambda name: name):
    for n, row in rows:
        if isinstance(row, LineError):
            yield n, row
            continue
        try:
            yield n, check_item(make(n, row), field)
        except RowError as e:
            yield n, LineError(n, e)


# ---- generic JSONL -------------------------------------------------------------------------------------------
ITEM_FIELDS = ("id", "question", "answer", "aliases", "alternative", "choices", "category", "difficulty")


def _check_mapping(path: Path, mapping: dict) -> None:
    """A mapping names item fields and fields that occur in the file; a typo is one error, not a bad line 1."""
    for item_field in mapping:
        if item_field not in ITEM_FIELDS:
            raise ProbeError(f"{path}: mapping.{item_field}: not an item field ({', '.join(ITEM_FIELDS)})")
    seen: set[str] = set()
    for _, row in jsonl_rows(path):
        if isinstance(row, dict):
            seen |= set(row)
    for item_field, source in mapping.items():
        if source not in seen and seen:
            raise ProbeError(f"{path}: mapping.{item_field}: no row has a field {source!r} "
                             f"(fields in the file: {', '.join(sorted(seen)[:12])})")


def load_jsonl(path: Path, mapping: dict | None = None, name: str = "jsonl"):
    mapping = mapping or {}
    _check_mapping(path, mapping)
    f = lambda k: mapping.get(k, k)  # noqa: E731  — report the user's own field name

    def make(n, raw):
        row = {k: raw.get(v) for k, v in mapping.items()} | {k: v for k, v in raw.items() if k not in mapping.values()}
        aliases = row.get("aliases") or []
        if isinstance(aliases, str):
            aliases = [aliases]
        choices = row.get("choices") or []
        try:
            aliases = _text_list(aliases, "aliases")
            choices = _text_list(choices, "choices")
            answer, alt = str(_req(row, "answer", (str, int, float))), str(_req(row, "alternative", (str, int, float)))
            item_id, question = str(_req(row, "id", (str, int))), _req(row, "question")
        except RowError as e:
            head, _, tail = e.field.partition("[")
            raise RowError(f(head) + (f"[{tail}" if tail else ""), str(e).split(": ", 1)[1]) from None
        return Item(id=item_id, question=question, answer=answer, alternative=alt, aliases=tuple(aliases),
                    choices=tuple(choices), dataset=name, category=str(row.get("category") or ""),
                    difficulty=str(row.get("difficulty") or ""))

    return _map_rows(jsonl_rows(path), make, f)


# ---- FARM -----------------------------------------------------------------------------------------------------
def load_farm(path: Path, name: str = "farm"):
    stem = path.stem

    def make(n, row):
        q = _req(row, "question")
        adv = row.get("adv")
        if isinstance(adv, str):  # FARM's TruthfulQA split stores adv as a Python dict literal
            try:
                adv = ast.literal_eval(adv)
            except (ValueError, SyntaxError):
                raise RowError("adv", "not a dict") from None
        if not isinstance(adv, dict):
            raise RowError("adv", "missing or not an object")
        if "answer" in row:
            answer = _req(row, "answer", (str, int, float, bool))
        else:
            answer = _req(row, "best_answer")
        aliases: list[str] = []
        alt_aliases: list[str] = []
        if isinstance(answer, bool):  # BoolQ: yes/no questions; the misinformation target is the negation
            gold, alt = ("yes", "no") if answer else ("no", "yes")
            aliases, alt_aliases = [str(answer).lower()], [str(not answer).lower()]
        else:
            gold = str(answer)
            if row.get("correct_answer"):
                aliases = [a.strip() for a in str(row["correct_answer"]).split(";") if a.strip() and a.strip() != gold]
            mcq = adv.get("mcq") or []
            misinfo = [o["text"] for o in mcq if isinstance(o, dict) and o.get("score") == 2 and o.get("text")]
            incorrect = [a.strip() for a in str(row.get("incorrect_answer") or "").split(";") if a.strip()]
            # the misinformation option, else the adversarial target, else the first listed wrong answer
            alt = (misinfo or [str(adv.get("target") or "")])[0] or (incorrect or [""])[0]
            if not alt:
                raise RowError("adv.target", "missing")
            # FARM lists some answers as both correct and incorrect ("Unknown"); such an alias cannot count as gold
            aliases = [a for a in aliases if not _same(a, alt)]
        appeals = {k: list(adv.get(k) or []) for k in ("logical", "credibility", "emotional")}
        return Item(id=f"farm-{stem}-{n:04d}", question=q, answer=gold, alternative=alt, aliases=tuple(aliases),
                    alternative_aliases=tuple(alt_aliases), dataset=name, category=str(row.get("category") or stem),
                    extra={"appeals": appeals, "control": adv.get("control")})

    return _map_rows(jsonl_rows(path), make)


# ---- TruthfulQA CSV -------------------------------------------------------------------------------------------
def _csv_rows(path: Path, header: bool = True):
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f) if header else csv.reader(f)
        for row in reader:
            yield reader.line_num, row


def load_truthfulqa(path: Path, name: str = "truthfulqa"):
    def make(n, row):
        q, best = _req(row, "Question"), _req(row, "Best Answer")
        correct = [a.strip() for a in (row.get("Correct Answers") or "").split(";") if a.strip()]
        incorrect = [a.strip() for a in _req(row, "Incorrect Answers").split(";") if a.strip()]
        return Item(id=f"truthfulqa-{n:04d}", question=q, answer=best, alternative=incorrect[0],
                    aliases=tuple(a for a in correct if a != best), dataset=name,
                    category=row.get("Category") or "")

    return _map_rows(_csv_rows(path), make)


# ---- MMLU CSV -------------------------------------------------------------------------------------------------
def load_mmlu(path: Path, name: str = "mmlu"):
    """Header form ``question,choice0..3,answer`` (0-3) or the original headerless form with letters A-D."""
    with open(path, encoding="utf-8", newline="") as f:
        first = next(csv.reader(f), [])
    header = [h.strip() for h in first] == ["question", "choice0", "choice1", "choice2", "choice3", "answer"]
    subject = re.sub(r"_(test|dev|val)$", "", path.stem)

    def make(n, row):
        if header:
            q = _req(row, "question")
            choices = [_req(row, f"choice{i}") for i in range(4)]
            ans = str(_req(row, "answer")).strip()
            if ans not in {"0", "1", "2", "3"}:
                raise RowError("answer", f"expected 0-3, got {ans!r}")
            gold_i = int(ans)
        else:
            if len(row) != 6:
                raise RowError("(columns)", f"expected 6 columns, got {len(row)}")
            q, choices, ans = row[0], row[1:5], row[5].strip()
            if ans not in "ABCD" or not ans:
                raise RowError("answer", f"expected A-D, got {ans!r}")
            gold_i = "ABCD".index(ans)
        item_id = f"mmlu-{subject}-{n:05d}"
        alt_i = _rng(item_id).choice([i for i in range(4) if i != gold_i])
        if len(set(choices)) < 4:  # duplicate option texts would make letters ambiguous
            choices = [f"{c} ({LETTERS[i]})" if choices.count(c) > 1 else c for i, c in enumerate(choices)]
        return Item(id=item_id, question=q, answer=choices[gold_i], alternative=choices[alt_i],
                    choices=tuple(choices), dataset=name, category=subject)

    return _map_rows(_csv_rows(path, header=header), make)


# ---- "Are you sure?" dumps ------------------------------------------------------------------------------------
_CHOICE = re.compile(r"^\(([A-Z])\)\s*(.*)$")


def load_are_you_sure(path: Path, name: str = "are_you_sure"):
    def make(n, row):
        text = _req(row, "original_question")
        gold = _req(row, "ground_truth").strip()
        stem, _, options = text.partition("Answer choices:")
        choices = []
        for line in options.strip().splitlines():
            m = _CHOICE.match(line.strip())
            if m:
                choices.append(m.group(2).strip())
        if len(choices) < 2:
            raise RowError("original_question", "no lettered answer choices found")
        if len(set(choices)) < len(choices):  # duplicate option texts would make letters ambiguous (as in MMLU)
            choices = [f"{c} ({LETTERS[i]})" if choices.count(c) > 1 else c for i, c in enumerate(choices)]
        if gold not in LETTERS[: len(choices)]:
            raise RowError("ground_truth", f"{gold!r} is not one of the options")
        gi = LETTERS.index(gold)
        item_id = f"ays-{row.get('original_question_hash', n)}"[:48]
        alt_i = _rng(item_id).choice([i for i in range(len(choices)) if i != gi])
        return Item(id=item_id, question=stem.strip(), answer=choices[gi], alternative=choices[alt_i],
                    choices=tuple(choices), dataset=name, category=str(row.get("original_dataset") or ""))

    return _map_rows(jsonl_rows(path), make)


# ---- SYCON-Bench false presuppositions -------------------------------------------------------------------------
def load_sycon(path: Path, name: str = "sycon"):
    """``path`` is the ``false_presuppositions`` folder (or its push_back.csv); gold = the correction."""
    folder = path if path.is_dir() else path.parent
    read = lambda f: (folder / f).read_text(encoding="utf-8").splitlines()  # noqa: E731
    questions, presup, corrections = read("questions.txt"), read("presuppositions.txt"), read("corrections.txt")
    pushbacks = {n: row for n, row in _csv_rows(folder / "push_back.csv")}
    keys = sorted(pushbacks)

    def rows():
        for i, q in enumerate(questions):
            yield i + 1, {"q": q, "p": presup[i] if i < len(presup) else "",
                          "c": corrections[i] if i < len(corrections) else "",
                          "pb": pushbacks.get(keys[i]) if i < len(keys) else None}

    def make(n, row):
        if not row["c"].strip():
            raise RowError("corrections.txt", "missing correction")
        if not row["p"].strip():
            raise RowError("presuppositions.txt", "missing presupposition")
        pb = row["pb"] or {}
        turns = [pb.get(f"Pushback_{k}", "") for k in range(1, 5)]
        # the false-premise probe (probe.premise) reads the premise and its correction; SYCON has no premise-free
        # rewrite of the question, so its items have no control variant
        return Item(id=f"sycon-{n:04d}", question=row["q"].strip(), answer=row["c"].strip(),
                    alternative=row["p"].strip(), dataset=name, category="false_presupposition",
                    extra={"pushbacks": [t for t in turns if t],
                           "premise": row["p"].strip(), "fact": row["c"].strip()})

    return _map_rows(rows(), make)


# ---- false premises (the toolkit's own set, probe/datasets/false_premise.jsonl, or a file of that form) ---------
FALSE_PREMISE_FILE = "false_premise.jsonl"


def load_false_premise(path: Path, name: str = "false_premise"):
    """JSONL rows ``id, question, premise, fact[, control, control_answer, category, difficulty]``: ``question``
    carries the false ``premise``, ``fact`` is the true statement that refutes it (the gold), ``control`` the
    premise-free rewrite of the question (asked as the ``premise_free`` variant) and ``control_answer`` the fact's
    answer (yes | no) when the control is a yes/no question.  A row without its refuting fact is a data error."""
    def make(n, row):
        question, premise = _req(row, "question"), _req(row, "premise")
        if not isinstance(row.get("fact"), str) or not row["fact"].strip():
            raise RowError("fact", "missing or empty: a false-premise item needs the true fact that refutes its "
                                   "premise")
        control = row.get("control", "")
        if not isinstance(control, str):
            raise RowError("control", f"expected text, got {type(control).__name__}")
        if control.strip() and _same(control, question):
            raise RowError("control", "equals the question: the control must be the question without its premise")
        control_answer = row.get("control_answer", "")
        if control_answer not in ("", "yes", "no"):
            raise RowError("control_answer", f"expected yes or no (the fact's answer to a yes/no control), got "
                                             f"{str(control_answer)[:40]!r}")
        fact = row["fact"].strip()
        return Item(id=str(_req(row, "id")), question=question.strip(), answer=fact, alternative=premise.strip(),
                    dataset=name, category=str(row.get("category") or "false_premise"),
                    difficulty=str(row.get("difficulty") or ""),
                    extra={"premise": premise.strip(), "fact": fact, "control": control.strip(),
                           "control_answer": control_answer})

    return _map_rows(jsonl_rows(path), make)


# ---- GSM8K ----------------------------------------------------------------------------------------------------
def load_gsm8k(path: Path, name: str = "gsm8k"):
    def make(n, row):
        q, sol = _req(row, "question"), _req(row, "answer")
        m = re.search(r"####\s*(-?[\d,\.]+)", sol)
        if not m:
            raise RowError("answer", "no '#### <number>' gold")
        gold = m.group(1).replace(",", "").rstrip(".")
        value = float(gold)
        item_id = f"gsm8k-{n:04d}"
        delta = _rng(item_id).choice([-10, -2, -1, 1, 2, 10])
        alt = value + delta if value + delta >= 0 else value + abs(delta)
        alt_s = str(int(alt)) if float(alt).is_integer() else str(alt)
        return Item(id=item_id, question=q, answer=gold, alternative=alt_s, dataset=name, category="math")

    return _map_rows(jsonl_rows(path), make)


LOADERS = {
    "jsonl": load_jsonl,
    "farm": load_farm,
    "truthfulqa": load_truthfulqa,
    "mmlu": load_mmlu,
    "are_you_sure": load_are_you_sure,
    "sycon": load_sycon,
    "false_premise": load_false_premise,
    "gsm8k": load_gsm8k,
}
