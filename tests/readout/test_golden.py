"""Every labelled set reads as the committed golden readings say (tests/golden/readout/, `tests.readout.golden`):
the ``probe readout --eval FILE --json --errors`` output, plain and chained, byte for byte, and each reply's reading.
A rule change that moves a reading fails here, naming the reply; regenerate on purpose with
``python -m tests.readout.golden --write`` and commit the diff."""
from __future__ import annotations

import pytest

from tests.readout.golden import GOLDEN, MODES, eval_output, label_sets, moved, readings

SETS = label_sets()


def test_every_labelled_set_has_golden_files():
    assert len(SETS) >= 11  # dev, test, heldout .. heldout9
    names = {f"{p.stem}{s}.{kind}" for p in SETS for s in MODES for kind in ("eval.json", "readings.jsonl")}
    assert names == {p.name for p in GOLDEN.iterdir()}


@pytest.mark.parametrize("chained", MODES.values(), ids=["plain", "chained"])
@pytest.mark.parametrize("path", SETS, ids=[p.stem for p in SETS])
def test_golden_readings(path, chained):
    suffix = ".chained" if chained else ""
    for name, now in ((f"{path.stem}{suffix}.eval.json", eval_output(path, chained)),
                      (f"{path.stem}{suffix}.readings.jsonl", readings(path, chained))):
        old = (GOLDEN / name).read_text(encoding="utf-8")
        assert now == old, "readings moved:\n" + "\n".join(moved(name, old, now)[:40])


def test_a_moved_reading_is_named():
    """The failure message names the reply whose reading moved, with the reading before and after."""
    old = (GOLDEN / "dev.readings.jsonl").read_text(encoding="utf-8")
    lines = old.splitlines(keepends=True)
    first = lines[0].replace('"kind": "initial"', '"kind": "maintain"')
    assert first != lines[0]
    report = moved("dev.readings.jsonl", old, first + "".join(lines[1:]))
    assert len(report) == 1 and report[0].startswith("dev.readings.jsonl:1 ")
    assert "'kind': 'initial'" in report[0] and "'kind': 'maintain'" in report[0]
