"""Two independent readings of heldout4's and heldout9's replies: the agreement script and the committed figures."""
import sys
from pathlib import Path

import pytest

LABELS = Path(__file__).parent / "data" / "readout_labels"
sys.path.insert(0, str(LABELS))
from reader_agreement import agreement, cohen_kappa, load  # noqa: E402


def test_cohen_kappa_against_hand_computation():
    a = ["gold", "gold", "none", "other", "gold", "none"]
    b = ["gold", "none", "none", "other", "gold", "gold"]
    # observed 4/6; chance = (3*3 + 2*2 + 1*1) / 36 = 14/36; kappa = (24/36 - 14/36) / (22/36) = 10/22
    assert cohen_kappa(a, b) == pytest.approx(10 / 22)
    assert cohen_kappa(a, a) == 1.0


def test_second_reader_of_heldout4():
    first, second = load(LABELS / "heldout4.jsonl"), load(LABELS / "heldout4_reader2.jsonl")
    assert set(second) == set(first)
    res = agreement(first, second)
    # the two readings differ on 2 of 270 replies (one said + kind, one said only): the figure README.md reports
    assert res["n"] == 270 and round(res["said"] * 270) == 268 and round(res["kind"] * 270) == 269
    assert len(res["disagreements"]) == 2
    lo, hi = res["said_ci95_item"]
    assert lo < res["said"] <= hi


def test_second_reader_of_heldout9():
    first, second = load(LABELS / "heldout9.jsonl"), load(LABELS / "heldout9_reader2.jsonl")
    assert set(second) == set(first)
    res = agreement(first, second)
    # two replies read differently ("A time fixed effects model is indeed a pure time series model.", none vs B):
    # the figure README.md reports beside the readout's 86.8 % on the same replies
    assert res["n"] == 266 and round(res["said"] * 266) == 264 and round(res["kind"] * 266) == 264
    assert len(res["disagreements"]) == 2
