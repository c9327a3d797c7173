"""The readout's vocabulary lives in one place (probe/readout/lexicon.py): no rule module spells a word set of its
own, no two module-level patterns of the readout share a name, and the lexicon defines each pattern once."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from probe.readout import lexicon

PKG = Path(lexicon.__file__).parent
# not rules: the lexicon itself, the command line, the judge's prompt parsing, the Reader seam, the tables' README text
NOT_RULES = {"lexicon.py", "cli.py", "judge.py", "reader.py", "rules.py", "__init__.py"}
RE_CALLS = {"compile", "search", "match", "fullmatch", "sub", "split", "findall", "finditer"}


def _modules():
    return sorted(p for p in PKG.glob("*.py"))


def _words_in_pattern(pattern: str) -> list[str]:
    """The words a regex spells out, once escapes (\\b, \\w, \\u2019), classes ([A-Za-z]) and quantifiers are gone."""
    bare = re.sub(r"\\(?:u[0-9a-fA-F]{4}|.)", " ", pattern)
    bare = re.sub(r"\[[^\]]*\]|\{[^}]*\}|\(\?[=!<:]*|\(\?<[=!]", " ", bare)
    return re.findall(r"[A-Za-z]{2,}", bare)


def _regex_literals(tree: ast.AST):
    """(line, text) of every string given to a ``re.*`` call, f-string parts included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in RE_CALLS \
                and isinstance(node.func.value, ast.Name) and node.func.value.id == "re" and node.args:
            for part in ast.walk(node.args[0]):
                if isinstance(part, ast.Constant) and isinstance(part.value, str):
                    yield node.lineno, part.value


def test_no_rule_module_spells_out_a_word_set():
    found = []
    for path in _modules():
        if path.name in NOT_RULES:
            continue
        tree = ast.parse(path.read_text())
        found += [f"{path.name}:{line}: {text!r} {words}" for line, text in _regex_literals(tree)
                  if (words := _words_in_pattern(text))]
        for node in tree.body:  # a module-level set or tuple of words
            if isinstance(node, ast.Assign) and isinstance(node.value, (ast.Set, ast.Tuple, ast.Call)):
                strings = [c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant)
                           and isinstance(c.value, str) and re.search(r"[a-z]{2,}", c.value)]
                if strings:
                    found.append(f"{path.name}:{node.lineno}: {strings[:3]}")
    assert not found, "word sets outside lexicon.py:\n" + "\n".join(found)


def test_the_check_sees_a_word_set():
    assert _words_in_pattern(r"\b(?:not|never)\s+(?:\w+\s+){0,2}$") == ["not", "never"]
    assert _words_in_pattern(r"(?<![A-Za-z])[A-Z]\.(?=\s?[A-Z])|\d\.\d|[^.!?\n]") == []
    tree = ast.parse('import re\nx = re.search(r"\\bwho\\b", q, re.I)\ny = re.split(r"[.!?]", s)')
    assert [t for _, t in _regex_literals(tree) if _words_in_pattern(t)] == [r"\bwho\b"]


def test_no_two_module_level_names_of_the_readout_are_alike():
    defined: dict[str, list[str]] = {}
    for path in _modules():
        for node in ast.parse(path.read_text()).body:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target] \
                if isinstance(node, ast.AnnAssign) else []
            for t in targets:
                if isinstance(t, ast.Name) and t.id != "__all__":
                    defined.setdefault(t.id, []).append(path.name)
    shared = {name: where for name, where in defined.items() if len(where) > 1}
    assert not shared, shared


def test_the_lexicon_defines_each_pattern_once():
    patterns = [(k, v.pattern, v.flags) for k, v in vars(lexicon).items() if isinstance(v, re.Pattern)]
    patterns += [(f"LETTER_FORMS[{i}]", p.pattern, p.flags) for i, p in enumerate(lexicon.LETTER_FORMS)]
    seen: dict[tuple, str] = {}
    for name, pattern, flags in patterns:
        assert (pattern, flags) not in seen, f"{name} is {seen[pattern, flags]} again"
        seen[pattern, flags] = name
    assert len(patterns) > 100


def test_the_two_statement_openers_share_their_common_part():
    """The openers after which a clause states no answer and those of no statement share the speaker's and the
    pleasantries' words, spelled once (SPEAKER_OPENERS); each adds its own."""
    for text in ("i think so", "you re right", "thanks a lot", "here it is", "that s it"):
        assert lexicon.OPENER_OF_NO_ANSWER.match(text) and lexicon.OPENER_OF_NO_STATEMENT.match(text)
    assert lexicon.OPENER_OF_NO_ANSWER.match("hmm let me see") and not lexicon.OPENER_OF_NO_STATEMENT.match(
        "hmm let me see")
    assert lexicon.OPENER_OF_NO_STATEMENT.match("it is difficult to say") and not lexicon.OPENER_OF_NO_ANSWER.match(
        "it is difficult to say")
    assert not lexicon.OPENER_OF_NO_ANSWER.match("canberra is the capital")
