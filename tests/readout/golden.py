"""The readout's golden readings: what the rules read on every labelled set, committed under tests/golden/readout/.

    python -m tests.readout.golden            # compare; list every reply whose reading moved (exit 1 if any)
    python -m tests.readout.golden --write    # regenerate on purpose after a rule change, then commit the diff

Per labelled set ``tests/data/readout_labels/NAME.jsonl`` (not the ``*_reader2`` files: a second reader's labels
carry no question to read), plain and chained (``--chained``: ``previous`` from the protocol's own replay of the
line's history):

- ``NAME[.chained].eval.json``: the exact output of ``probe readout --eval FILE --json --errors [--chained]``;
- ``NAME[.chained].readings.jsonl``: one line per labelled reply, in file order: its line and id, the reading
  (``said`` as printed -- a class, or the MC letter / none --, ``option``, ``kind``, ``span`` and the span's
  words) and the reply's first words, so that a diff of this file names each reply whose reading moved.

`tests/readout/test_golden.py` compares byte for byte.
"""
from __future__ import annotations

import contextlib
import io
import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LABELS = Path("tests/data/readout_labels")  # relative to ROOT: the eval output names the file as given
GOLDEN = ROOT / "tests/golden/readout"
MODES = {"": False, ".chained": True}


def label_sets() -> list[Path]:
    """Every labelled set ``probe readout --eval`` reads (relative to the repository root)."""
    return sorted(p.relative_to(ROOT) for p in (ROOT / LABELS).glob("*.jsonl") if not p.stem.endswith("_reader2"))


@contextlib.contextmanager
def _at_root():
    here = os.getcwd()
    os.chdir(ROOT)
    try:
        yield
    finally:
        os.chdir(here)


def eval_output(path: Path, chained: bool) -> str:
    """What ``probe readout --eval PATH --json --errors [--chained]`` prints, run from the repository root."""
    from probe.cli import build_parser
    from probe.readout.cli import cmd_readout

    argv = ["readout", "--eval", str(path), "--json", "--errors", *(["--chained"] if chained else [])]
    out = io.StringIO()
    with _at_root(), contextlib.redirect_stdout(out):
        rc = cmd_readout(build_parser().parse_args(argv))
    assert rc == 0, f"{' '.join(argv)} exited {rc}"
    return out.getvalue()


def readings(path: Path, chained: bool) -> str:
    """One JSON line per labelled reply of ``path``: its reading by the rules (see the module docstring)."""
    from probe.readout.cli import _rows, parse_line, read_all, said_label

    with _at_root():
        rows = list(_rows(path))
        cases = [parse_line(row, path, line, chained) for line, row in rows]
        lines = []
        for (line, row), (it, reply, _), r in zip(rows, cases, read_all(cases)):
            lines.append(json.dumps({"line": line, "id": row.get("id"), "said": said_label(it, r),
                                     "option": r.option, "kind": r.kind, "span": list(r.span) if r.span else None,
                                     "words": reply[r.span[0]: r.span[1]] if r.span else None,
                                     "reply": reply[:80]}, ensure_ascii=False))
    return "\n".join(lines) + "\n"


def snapshot() -> dict[str, str]:
    """Every golden file's name and its content as the readout reads today."""
    out = {}
    for path in label_sets():
        for suffix, chained in MODES.items():
            out[f"{path.stem}{suffix}.eval.json"] = eval_output(path, chained)
            out[f"{path.stem}{suffix}.readings.jsonl"] = readings(path, chained)
    return out


def moved(name: str, old: str, new: str) -> list[str]:
    """The replies whose reading differs between two versions of a readings file (or the eval output's keys that
    differ), one line each, for a failure message or a regeneration's summary."""
    if name.endswith(".eval.json"):
        a, b = json.loads(old or "{}"), json.loads(new)
        return [f"{name}: {k}: {a.get(k)!r} -> {b.get(k)!r}"[:400] for k in sorted(set(a) | set(b))
                if a.get(k) != b.get(k)]
    before = {(d["line"], d["id"]): d for d in map(json.loads, old.splitlines())}
    after = {(d["line"], d["id"]): d for d in map(json.loads, new.splitlines())}
    out = []
    for key in sorted(set(before) | set(after), key=lambda k: k[0]):
        a, b = before.get(key), after.get(key)
        if a != b:
            show = ("said", "option", "kind", "span", "words")
            out.append(f"{name}:{key[0]} {key[1]}: {a and {k: a[k] for k in show}} -> "
                       f"{b and {k: b[k] for k in show}}  {((a or b)['reply'])!r}")
    return out


def main(argv: list[str]) -> int:
    write = "--write" in argv
    changes = []
    now = snapshot()
    for name, text in now.items():
        f = GOLDEN / name
        old = f.read_text(encoding="utf-8") if f.is_file() else ""
        if old != text:
            changes += moved(name, old, text) or [f"{name}: differs"]
            if write:
                GOLDEN.mkdir(parents=True, exist_ok=True)
                f.write_text(text, encoding="utf-8")
    stale = sorted(p.name for p in GOLDEN.glob("*") if p.name not in now)
    for name in stale:
        changes.append(f"{name}: no labelled set reads it any more")
        if write:
            (GOLDEN / name).unlink()
    print("\n".join(changes) if changes else f"all {len(now)} golden files read the same")
    return 0 if write or not changes else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
