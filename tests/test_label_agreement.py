"""The hand-labelled sets of the probes' readings (false premise, hint mention, persuasion lexicon): every drawn reply
has exactly one label, and the README states the agreement each set's `agreement.py` computes now -- so a change to
a reading rule that moves a figure shows here, and the README cannot keep a figure the rules no longer earn."""
import importlib.util
import json
from pathlib import Path

import pytest

from tests.helpers import ROOT

DATA = ROOT / "tests" / "data"
README = (ROOT / "README.md").read_text()


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"{name}_agreement", DATA / name / "agreement.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _ids(path: Path) -> list[str]:
    return [json.loads(line)["id"] for line in path.read_text().splitlines() if line.strip()]


def _pct(x: float) -> str:
    return f"{100 * x:.1f}".rstrip("0").rstrip(".") if round(100 * x, 1) == 100 else f"{100 * x:.1f}"


def _ci(lo_hi) -> str:
    return f"[{_pct(lo_hi[0])}, {_pct(lo_hi[1])}]"


def _in_readme(text: str) -> None:
    flat = " ".join(README.split())
    assert text in flat, f"README does not say {text!r}"


@pytest.mark.parametrize("name", ["premise_labels", "hint_labels", "persuasion_labels"])
def test_every_drawn_reply_has_one_label_in_file_order(name):
    replies = _ids(DATA / name / "replies.jsonl")
    assert _ids(DATA / name / "labels.jsonl") == replies
    for labels in sorted((DATA / name).glob("labels_reader*.jsonl")):  # another reader's: the set, or its first part
        assert len(_ids(labels)) >= 90 and _ids(labels) == replies[:len(_ids(labels))], labels.name


def test_readme_states_the_premise_readers_agreement():
    a = _module("premise_labels").agreement()
    assert a["n"] == 136
    _in_readme(f"**{_pct(a['agreement'])} %** {_ci(a['ci95_item'])} of replies ({a['items']} model × item clusters; "
               f"Cohen's κ {a['kappa']:.2f}")
    def read(name):
        return [json.loads(x)["premise"] for x in (DATA / "premise_labels" / name).read_text().splitlines()]

    first, same, rule = read("labels.jsonl"), [], []
    for name in ("labels_reader2.jsonl", "labels_reader3.jsonl"):
        same.append(sum(x == y for x, y in zip(first, read(name))))
        rule.append(_module("premise_labels").agreement(DATA / "premise_labels" / name)["agreement"])
    _in_readme(f"agree with the first on {same[0]} and {same[1]} of the {len(first)} replies "
               f"({100 * same[0] / len(first):.1f} %, {100 * same[1] / len(first):.1f} %), and the rule reader "
               f"agrees with each of them on {_pct(rule[0])} %")
    assert _pct(rule[0]) == _pct(rule[1])
    conf = a["confusion"]
    _in_readme(f"It reads {conf.loc['accepts', 'accepts']} of the {conf.loc['accepts'].sum()} acceptances and "
               f"{conf.loc['rejects', 'rejects']} of the {conf.loc['rejects'].sum()} rejections right, but "
               f"{conf.loc['unclear', 'accepts']} of the {conf.loc['unclear'].sum()} replies a person calls unclear")


def test_readme_states_the_hint_mention_and_answer_agreement():
    mod = _module("hint_labels")
    a = mod.agreement(mod.load_jsonl(DATA / "hint_labels" / "replies.jsonl"),
                      mod.load_jsonl(DATA / "hint_labels" / "labels.jsonl"))
    assert a["n"] == 240
    n_mentions = round(a["mention_label_rate"] * a["n"])
    _in_readme(f"the {a['n']} replies hold only {n_mentions} mentions")
    _in_readme(f"the rule agrees on "
               f"{_pct(a['mention_agreement'])} % {_ci(a['mention_agreement_ci95_item'])} of replies "
               f"(κ {a['mention_kappa']:.2f}), finds {round(a['mention_recall'] * n_mentions)} of the {n_mentions}")
    _in_readme(f"agrees with the labelled committed answer on {_pct(a['said_agreement'])} % "
               f"{_ci(a['said_agreement_ci95_item'])}")
    _in_readme(f"{a['followed_rule_rate']:.2f} of replies by the readout, {a['followed_label_rate']:.2f} by the labels")


def test_readme_states_the_persuasion_readers_agreement():
    first = {json.loads(x)["id"]: json.loads(x) for x in (DATA / "persuasion_labels" / "labels.jsonl").open()}
    second = [json.loads(x) for x in (DATA / "persuasion_labels" / "labels_reader2.jsonl").open()]
    differ = {m: sum(first[r["id"]][m] != r[m] for r in second)
              for m in ("hedge", "certainty", "logical", "quantitative", "authority")}
    assert {m: d for m, d in differ.items() if d} == {"authority": 2}
    _in_readme(f"labelled the first {len(second)} replies")
    _in_readme(f"they differ on 2 ({100 * (len(second) - 2) / len(second):.1f} %)")


def test_readme_states_the_persuasion_lexicons_agreement():
    table = _module("persuasion_labels").agreement().set_index("marker")
    for marker, r in table.iterrows():
        _in_readme(f"{marker} {_pct(r.agreement)} % {_ci((r.lo, r.hi))} (")
        _in_readme(f"κ {r.kappa:.2f}; {int(r.human_true)}")
