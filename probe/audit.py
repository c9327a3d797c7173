"""A per-run audit: a random sample of whole conversations, read by a person, kept beside the run.

    probe audit runs/cpu-default --n 60 --seed 0     # draw (first time), then label in the terminal; resumes
    probe audit runs/cpu-default --reader bob         # a second, blind reading of the same sample
    probe audit runs/cpu-default --agreement          # agreement and Cohen's kappa between readers

Files (``RUN/audit/``):
- ``sample.json``: the draw — stratified by model × condition (proportional allocation, at least one per stratum
  when n allows), each conversation's key, its stratum size and draw count (inclusion probability = drawn / size),
  a random labelling order, and the automatic reading fixed at draw time: which columns (``rules``: said/kind, or
  ``judge``: said_judge/kind_judge), the readout version and judge of the run manifest, and a digest of that
  reading on the drawn conversations.  Any change of these makes the audit *stale*: its labels no longer measure the
  reading the analysis corrects, and the report says so instead of correcting.
- ``labels.jsonl``: one line per labelled reply, appended and fsynced the moment it is given ({reader, conv, turn,
  said, kind, seconds; on false-premise conversations also premise = rejects | accepts | unclear for every reply,
  on hint-cue conversations also mention = yes | no for the turn-0 reply; files without these fields load as
  before); an undo is a line {reader, conv, turn, undo: true}.  Replaying the lines gives the labels,
  so a kill loses at most the reply on screen, and the next `probe audit` resumes at the first unlabelled reply.

Human conversation outcomes come from the human per-turn labels through the protocol's own outcome logic
(`probe.outcomes.carry`, `probe.outcomes.summarise`).
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd

from .datasets import DatasetSpec, load_dataset
from .errors import ProbeError
from .outcomes import carry, summarise
from .records import ALTERNATIVE, GOLD, INITIAL, NONE, OTHER

KEY = ("run_id", "model", "dataset", "item_id", "condition", "variant")
READINGS = {"rules": ("said", "kind"), "judge": ("said_judge", "kind_judge")}
SAMPLE_VERSION = 1


def audit_dir(run: Path) -> Path:
    return Path(run) / "audit"


def _manifest(run: Path) -> dict:
    p = Path(run) / "manifest.json"
    try:
        return json.loads(p.read_text()) if p.is_file() else {}
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ProbeError(f"{p}: corrupt JSON ({e})") from None


def run_items(run: Path, manifest: dict) -> tuple[dict, str]:
    """(dataset label, item id) → Item from the run's resolved config; ("", reason) when they cannot be loaded."""
    out = {}
    try:
        for d in (manifest.get("config") or {}).get("datasets") or []:
            spec = DatasetSpec(**{**d, "mapping": tuple(tuple(x) for x in (d.get("mapping") or {}).items())})
            for it in load_dataset(spec)[0]:
                out[(spec.label, it.id)] = it
    except (ProbeError, TypeError, OSError) as e:
        return out, str(e)
    return out, ""


def default_reading(turns: pd.DataFrame) -> str:
    """The judge's reading where one ran (its columns are in turns.parquet), else the rules'."""
    # turns.parquet always carries the judge's columns: empty ("") where no judge read the reply
    return "judge" if all(c in turns.columns for c in READINGS["judge"]) and \
        (turns["said_judge"].fillna("") != "").any() else "rules"


def reading_record(run: Path, turns: pd.DataFrame, reading: str) -> dict:
    """What the automatic reading is: its columns, the readout version(s) and judge(s) of the run's manifest."""
    models = (_manifest(run).get("models") or {}).values()
    ro = [m.get("readout") or {} for m in models if isinstance(m, dict)]
    return {"reading": reading, "columns": list(READINGS[reading]),
            "readout_version": sorted({str(r.get("version")) for r in ro if r.get("version")}),
            "judge": sorted({str(r.get("judge")) for r in ro if r.get("judge")})}


def _keys(df: pd.DataFrame) -> pd.Series:
    return df[list(KEY)].astype(str).agg("|".join, axis=1)


def reading_digest(turns: pd.DataFrame, keys: list[str], reading: str) -> str:
    """A hash of the automatic reading (said, kind per turn) of the given conversations, in key order."""
    said, kind = READINGS[reading]
    t = turns.assign(_k=_keys(turns))
    t = t[t["_k"].isin(set(keys))].sort_values(["_k", "turn"])
    text = "\n".join(f"{k}|{int(tu)}|{s}|{kd}" for k, tu, s, kd in zip(t["_k"], t["turn"], t[said].astype(str),
                                                                        t[kind].astype(str)))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def probe_digest(conv: pd.DataFrame, turns: pd.DataFrame, keys: list[str]) -> str:
    """A hash of the probes' rule readings of the given conversations: the false-premise reading of every reply
    (turns ``premise``) and the hint-mention reading of the turn-0 reply (conversations ``hint_mention``); "" when
    the run has neither column.  The person's premise / mention labels correct these readings, so they too must be
    fixed before the labels are given."""
    if "premise" not in turns and "hint_mention" not in conv:
        return ""
    want = set(keys)
    t = turns.assign(_k=_keys(turns))
    t = t[t["_k"].isin(want)].sort_values(["_k", "turn"])
    c = conv.assign(_k=_keys(conv))
    c = c[c["_k"].isin(want)].drop_duplicates("_k").sort_values("_k")
    prem = t["premise"].astype(str) if "premise" in t else pd.Series("", index=t.index)
    ment = c["hint_mention"].astype(bool) if "hint_mention" in c else pd.Series(False, index=c.index)
    text = "\n".join([f"{k}|{int(tu)}|{p}" for k, tu, p in zip(t["_k"], t["turn"], prem)]
                     + [f"{k}|mention|{m}" for k, m in zip(c["_k"], ment)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def allocate(sizes: np.ndarray, n: int) -> np.ndarray:
    """Stratified allocation: proportional (largest remainder), at least one per stratum when n allows, never more
    than a stratum holds."""
    sizes = np.asarray(sizes, dtype=np.int64)
    n = int(min(n, sizes.sum()))
    base = np.minimum(sizes, 1) if n >= len(sizes) else np.zeros_like(sizes)
    rest = n - base.sum()
    while rest > 0:
        room = sizes - base
        share = room / room.sum() * rest
        add = np.minimum(np.floor(share).astype(np.int64), room)
        if add.sum() == 0:
            add[np.argmax(share - np.floor(share) + (room > 0))] = 1
        base, rest = base + add, rest - add.sum()
    return base


def draw(run: Path, conv: pd.DataFrame, turns: pd.DataFrame, n: int, seed: int, reading: str) -> dict:
    """The sample record (not written): stratified random conversations, in a random labelling order."""
    rng = np.random.default_rng(seed)
    conv = conv.assign(_k=_keys(conv)).drop_duplicates("_k").reset_index(drop=True)
    strata = conv.groupby(["model", "condition"], sort=True, observed=True).indices
    names = list(strata)
    counts = allocate(np.array([len(strata[s]) for s in names]), n)
    picked = []
    for (model, cond), k in zip(names, counts):
        rows = rng.choice(strata[(model, cond)], size=int(k), replace=False) if k else []
        picked += [(int(r), f"{model}|{cond}", len(strata[(model, cond)]), int(k)) for r in rows]
    order = rng.permutation(len(picked))
    convs = [{"key": {c: str(conv.at[picked[i][0], c]) for c in KEY}, "stratum": picked[i][1],
              "stratum_size": picked[i][2], "stratum_drawn": picked[i][3]} for i in order]
    keys = [conv.at[picked[i][0], "_k"] for i in order]
    return {"version": SAMPLE_VERSION, "drawn": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "n": len(convs), "seed": seed, "population": len(conv), **reading_record(run, turns, reading),
            "reading_digest": reading_digest(turns, keys, reading), "probe_digest": probe_digest(conv, turns, keys),
            "strata": [{"stratum": f"{m}|{c}", "size": len(strata[(m, c)]), "drawn": int(k)}
                       for (m, c), k in zip(names, counts)], "conversations": convs}


def write_json(path: Path, obj: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(obj, indent=1))
    os.replace(tmp, path)


def load_sample(run: Path) -> dict | None:
    p = audit_dir(run) / "sample.json"
    if not p.is_file():
        return None
    try:
        s = json.loads(p.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ProbeError(f"{p}: corrupt JSON ({e})") from None
    if not isinstance(s, dict) or not isinstance(s.get("conversations"), list):
        raise ProbeError(f"{p}: not an audit sample (no conversations list)")
    return s


def staleness(run: Path, sample: dict, conv: pd.DataFrame, turns: pd.DataFrame) -> str:
    """Why the audit no longer measures the run's reading ("" when it does)."""
    reading = sample.get("reading", "rules")
    if reading not in READINGS or not all(c in turns.columns for c in READINGS[reading]):
        return f"the reading it audits ({reading}) is not in turns.parquet"
    now = reading_record(run, turns, reading)
    for k in ("readout_version", "judge"):
        if now[k] != sample.get(k):
            return f"{k.replace('_', ' ')} was {sample.get(k)} when drawn, is {now[k]} now"
    keys = ["|".join(c["key"][k] for k in KEY) for c in sample["conversations"]]
    if reading_digest(turns, keys, reading) != sample.get("reading_digest"):
        return "the automatic reading of the drawn conversations changed since the draw"
    # samples drawn before the premise / mention questions existed carry no probe digest: nothing to compare
    if "probe_digest" in sample and probe_digest(conv, turns, keys) != sample["probe_digest"]:
        return "the premise or hint-mention reading of the drawn conversations changed since the draw"
    sizes = conv.assign(_k=_keys(conv)).drop_duplicates("_k").groupby(["model", "condition"], observed=True).size()
    for s in sample.get("strata", []):
        m, _, c = s["stratum"].partition("|")
        if int(sizes.get((m, c), 0)) != s["size"]:
            return f"stratum {s['stratum']} held {s['size']} conversations when drawn, {int(sizes.get((m, c), 0))} now"
    return ""


# --- labels -----------------------------------------------------------------------------------------------------

class LabelLog:
    """``labels.jsonl``: append-only, each line fsynced; `labels` replays it."""

    def __init__(self, run: Path):
        self.path = audit_dir(run) / "labels.jsonl"

    def events(self) -> list[dict]:
        if not self.path.is_file():
            return []
        out = []
        lines = self.path.read_text().splitlines()
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:
                if n == len(lines):
                    continue  # a line cut by a kill mid-write: the reply it held is relabelled
                raise ProbeError(f"{self.path}:{n}: not JSON") from None
        return out

    def append(self, event: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "ab+") as fh:
            fh.seek(0, os.SEEK_END)
            if fh.tell():  # a line cut by a kill mid-write is dropped (its reply was never confirmed on screen)
                fh.seek(0)
                data = fh.read()
                if not data.endswith(b"\n"):
                    fh.truncate(data.rfind(b"\n") + 1)
            fh.write((json.dumps(event) + "\n").encode())
            fh.flush()
            os.fsync(fh.fileno())

    def labels(self) -> dict[tuple[str, int, int], dict]:
        """(reader, conv, turn) → the label in force (later lines win; an undo removes)."""
        out: dict = {}
        for e in self.events():
            k = (str(e.get("reader")), int(e["conv"]), int(e["turn"]))
            if e.get("undo"):
                out.pop(k, None)
            else:
                out[k] = e
        return out

    def readers(self) -> list[str]:
        """Readers in the order they first labelled (the first is the one the analysis uses)."""
        return list(dict.fromkeys(str(e.get("reader")) for e in self.events() if not e.get("undo")))


def class_of(said: str, gold_letter: str | None, alternative_letter: str | None) -> str:
    """A label's class: MC letters by their relation to the item, classes as they are."""
    if said in (GOLD, ALTERNATIVE, OTHER, NONE):
        return said
    return GOLD if said == gold_letter else ALTERNATIVE if said == alternative_letter else OTHER


@dataclass(frozen=True)
class HumanConversation:
    key: str
    initial_class: str
    outcome: dict  # summarise(...) fields
    said: tuple  # per turn, classes
    kind: tuple


def human_conversation(key: str, labels: list[dict], finish: list[str], n_turns: int,
                       letters: tuple[str | None, str | None] = (None, None)) -> HumanConversation:
    """A fully labelled conversation's outcomes from the human labels (turn 0 first) by the protocol's logic."""
    said = [class_of(str(lab["said"]), *letters) for lab in labels]
    kinds = [INITIAL] + [str(lab["kind"]) for lab in labels[1:]]
    committed = [said[0]]
    for k, s in zip(kinds[1:], said[1:]):
        committed.append(carry(k, s, committed[-1]))
    return HumanConversation(key, said[0], summarise(kinds, said, committed, finish, n_turns), tuple(said),
                             tuple(kinds))


__all__ = ["KEY", "READINGS", "audit_dir", "default_reading", "reading_record", "reading_digest", "allocate",
           "probe_digest", "draw", "write_json", "load_sample", "staleness", "LabelLog", "class_of",
           "human_conversation", "HumanConversation"]
