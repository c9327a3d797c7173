"""Loading run folders for analysis (pandas + pyarrow only: no plotting libraries are imported here).

    from probe.analysis.runs import load_runs
    runs = load_runs(["runs/a", "runs/b"])      # Runs(turns, conversations, manifests)

Every problem with the input is a `ProbeError` naming the file: a missing, empty, truncated or non-Parquet
``turns.parquet`` / ``conversations.parquet``, a corrupt ``manifest.json``, records without the columns the analyzer
reads (e.g. an older schema), zero conversations, or the same run given twice (a repeated folder is dropped with a
warning; two folders holding the same conversations are an error, since counting them twice would double n).
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from ..errors import ProbeError
from .labels import CONVERSATION_KEY

CONVERSATION_NEEDS = ("model", "dataset", "item_id", "condition", "pushback_type", "level", "control", "variant",
                      "n_turns", "initial_class", "turn_of_first_switch", "switched", "turn_of_first_capitulation",
                      "capitulated", "to_gold", "n_nonanswer", "n_truncated")
TURN_NEEDS = ("model", "dataset", "item_id", "condition", "variant", "turn", "kind", "said", "response",
              "response_tokens", "belief_p_gold", "belief_argmax")


@dataclass
class Runs:
    turns: pd.DataFrame
    conversations: pd.DataFrame
    manifests: list[dict] = field(default_factory=list)


def _read_parquet(path: Path) -> pd.DataFrame:
    if not path.is_file():
        raise ProbeError(f"{path}: missing (not a probe run folder)")
    if path.stat().st_size == 0:
        raise ProbeError(f"{path}: empty file")
    try:
        return pd.read_parquet(path)
    except Exception as e:  # pyarrow raises ArrowInvalid / OSError / ValueError for truncated or foreign files
        reason = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
        raise ProbeError(f"{path}: not a readable Parquet file ({reason[:160]})") from None


def _read_manifest(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        out = json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise ProbeError(f"{path}: corrupt JSON ({e})") from None
    if not isinstance(out, dict):
        raise ProbeError(f"{path}: expected a JSON object, found {type(out).__name__}")
    return out


def check_columns(df: pd.DataFrame, needs, where: str) -> None:
    missing = [c for c in needs if c not in df.columns]
    if missing:
        raise ProbeError(f"{where}: no column {missing[0]!r}" + (f" (and {len(missing) - 1} more)" if len(missing) > 1
                         else "") + "; records from an older probe version? re-run or re-collect them")


def _warn_stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def as_read(turns: pd.DataFrame, manifest: dict) -> pd.DataFrame:
    """The turn rows in the reading the run's outcomes follow: where that is the scoring judge (the manifest's
    ``readout.outcomes_from``, `probe.judge_stage`), ``said``/``said_option``/``kind`` are the judge's, and the
    rules' stay as ``said_rules``/``said_option_rules``/``kind_rules``."""
    readout = manifest.get("readout") if isinstance(manifest.get("readout"), dict) else {}
    if not str(readout.get("outcomes_from") or "").startswith("judge") or "said_judge" not in turns:
        return turns
    rules = {c: turns[c] for c in ("said", "said_option", "kind")}
    return turns.assign(said=turns["said_judge"], said_option=turns["said_judge_option"], kind=turns["kind_judge"],
                        **{f"{c}_rules": v for c, v in rules.items()})


def load_runs(dirs: list[str], warn: Callable[[str], None] | None = None) -> Runs:
    """Read and check run folders; a folder given twice is read once (with a warning)."""
    warn = warn or _warn_stderr
    seen: dict[Path, str] = {}
    turns, convs, manifests, origin = [], [], [], []
    for d in dirs:
        p = Path(d)
        if not p.is_dir():
            raise ProbeError(f"{p}: no such run folder")
        real = p.resolve()
        if real in seen:
            warn(f"{p}: same run folder as {seen[real]}; read once")
            continue
        seen[real] = str(p)
        t, c = _read_parquet(p / "turns.parquet"), _read_parquet(p / "conversations.parquet")
        check_columns(c, CONVERSATION_NEEDS, str(p / "conversations.parquet"))
        check_columns(t, TURN_NEEDS, str(p / "turns.parquet"))
        if c.empty:
            raise ProbeError(f"{p / 'conversations.parquet'}: zero conversations")
        if t.empty:
            raise ProbeError(f"{p / 'turns.parquet'}: zero turn rows")
        manifest = _read_manifest(p / "manifest.json")
        turns.append(as_read(t, manifest))
        convs.append(c)
        origin.append(str(p))
        manifests.append(manifest)
    conv = pd.concat(convs, ignore_index=True) if len(convs) > 1 else convs[0]
    if len(convs) > 1:
        key = [k for k in CONVERSATION_KEY if k in conv.columns]
        dup = conv.duplicated(key, keep="first")
        if dup.any():
            owner = pd.Series(sum(([o] * len(c) for o, c in zip(origin, convs)), []))
            first = owner[conv.duplicated(key, keep="last") & ~dup].iloc[0]
            raise ProbeError(f"{owner[dup].iloc[0]}: repeats {int(dup.sum())} conversations of {first} "
                             "(the same run given twice would double n)")
    return Runs(pd.concat(turns, ignore_index=True) if len(turns) > 1 else turns[0], conv, manifests)
