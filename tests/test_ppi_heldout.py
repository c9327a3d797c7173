"""The prediction-powered correction on real replies: every blind labelled set as a population (human labels are
the truth, readout 2.9 the automatic reading); random audits of 20 % of its replies give intervals that cover the
human rate of each committed class in at least 90 % of draws (bench/ppi_heldout.py prints the full figures)."""
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import ppi_heldout  # noqa: E402

SETS = sorted(p for p in ppi_heldout.LABELS.glob("heldout*.jsonl") if "reader2" not in p.name)


@pytest.mark.parametrize("path", SETS, ids=[p.stem for p in SETS])
def test_audits_of_a_fifth_cover_the_human_rate_of_each_class(path):
    r = ppi_heldout.coverage(path, draws=60, frac=0.2, seed=1, n_boot=150)
    assert r["audited"] == round(0.2 * r["n"])
    for cls, c in r["classes"].items():
        assert c["coverage"] >= 0.9, (path.name, cls, c)
        assert c["mean_width"] < 0.35, (path.name, cls, c)  # informative, not the whole [0, 1]
