"""Loading run folders for analysis (pandas + pyarrow only: no plotting libraries are imported here).

    from probe.analysis.runs import load_runs
    runs = load_runs(["runs/a", "runs/b"])      # Runs(turns, conversations, manifests)

Every problem with the input is a `ProbeError` naming the file: a missing, empty, truncated or non-Parquet
``turns.parquet`` / ``conversations.parquet``, a corrupt ``manifest.json``, records without the columns the analyzer
reads (e.g. an older schema), a column whose dtype is not the one `probe.records` declares (named), zero conversations, or the same run given twice (a repeated folder is dropped with a
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
from .audited import load_audits
from ..records import CONVERSATION_COLUMNS, TURN_COLUMNS
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
    audits: list = field(default_factory=list)  # probe.analysis.audited.AuditRun per run folder with an audit
    pooled: str = ""  # which design field differs between runs pooled with --pool ("" = one design)


def design(conv: pd.DataFrame, manifest: dict) -> dict:
    """What makes two runs comparable: the protocol (turns, conditions, readout version, sampling) and the items.
    Read from the records themselves, and from the manifest where it says more (a run without one compares on the
    records alone)."""
    protocol = (manifest.get("config") or {}).get("protocol") or {}
    readouts = {str((m or {}).get("readout", {}).get("version")) for m in (manifest.get("models") or {}).values()
                if isinstance(m, dict) and isinstance(m.get("readout"), dict)}
    items = sorted(set(zip(conv["dataset"].astype(str), conv["item_id"].astype(str))))
    return {"turns": sorted(set(int(t) for t in conv["n_turns"])),
            "conditions": sorted(set(conv["condition"].astype(str))),
            "readout version": sorted(readouts) or None,
            "sampling": protocol.get("sampling"),
            "items": tuple(items)}


def design_difference(designs: list[dict]) -> str:
    """The first design field in which a run differs from the first run ("" when they all agree); a field a run
    does not record (None) is not compared."""
    first = designs[0]
    for d in designs[1:]:
        for name, value in d.items():
            if value is not None and first[name] is not None and value != first[name]:
                return name
    return ""


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
    except RecursionError:
        raise ProbeError(f"{path}: corrupt JSON (nested too deeply)") from None
    if not isinstance(out, dict):
        raise ProbeError(f"{path}: expected a JSON object, found {type(out).__name__}")
    return out


def check_columns(df: pd.DataFrame, needs, where: str) -> None:
    missing = [c for c in needs if c not in df.columns]
    if missing:
        raise ProbeError(f"{where}: no column {missing[0]!r}" + (f" (and {len(missing) - 1} more)" if len(missing) > 1
                         else "") + "; records from an older probe version? re-run or re-collect them")


def _dtype_differs(col: pd.Series, declared: str) -> str | None:
    """How a column's dtype differs from its declaration in `probe.records` (None when it fits).  Integers may be
    nullable and floats may hold integers (older writers); text may be object-typed but must hold only text."""
    dt = col.dtype
    if declared == "string":
        if pd.api.types.is_string_dtype(dt) and (dt != object or pd.api.types.infer_dtype(col, skipna=True)
                                                 in ("string", "empty")):
            return None
    elif declared == "bool":
        if pd.api.types.is_bool_dtype(dt):
            return None
    elif declared in ("int64", "Int64"):
        if pd.api.types.is_integer_dtype(dt):
            return None
    elif declared == "float64":
        if pd.api.types.is_numeric_dtype(dt) and not pd.api.types.is_bool_dtype(dt):
            return None
    else:
        return None
    held = pd.api.types.infer_dtype(col, skipna=True) if dt == object else str(dt)
    return f"column {col.name!r} holds {held}, declared {declared}"


def check_dtypes(df: pd.DataFrame, columns, where: str) -> None:
    """Every declared column present has its declared dtype: a column rewritten as text (``switched`` as "True" /
    "False") would otherwise be read silently wrong (counted as a different n)."""
    for c in columns:
        if c.name in df.columns:
            problem = _dtype_differs(df[c.name], c.dtype)
            if problem:
                raise ProbeError(f"{where}: {problem} (see probe/records.py); the file was changed after probe "
                                 "wrote it: re-collect the run (`probe collect RUN`)")


def _warn_stderr(message: str) -> None:
    print(f"warning: {message}", file=sys.stderr)


def as_read(turns: pd.DataFrame, manifest: dict) -> pd.DataFrame:
    """The turn rows in the reading the run's outcomes follow: where that is the scoring judge (the manifest's
    ``readout.outcomes_from``, `probe.sweep.judge_stage`), ``said``/``said_option``/``kind`` are the judge's, and the
    rules' stay as ``said_rules``/``said_option_rules``/``kind_rules``."""
    readout = manifest.get("readout") if isinstance(manifest.get("readout"), dict) else {}
    if not str(readout.get("outcomes_from") or "").startswith("judge") or "said_judge" not in turns:
        return turns
    rules = {c: turns[c] for c in ("said", "said_option", "kind")}
    return turns.assign(said=turns["said_judge"], said_option=turns["said_judge_option"], kind=turns["kind_judge"],
                        **{f"{c}_rules": v for c, v in rules.items()})


def load_runs(dirs: list[str], warn: Callable[[str], None] | None = None, pool: bool = False,
              audits: bool = True) -> Runs:
    """Read and check run folders; a folder given twice is read once (with a warning).  Runs of different designs
    (`design_difference`) are refused with one line naming the field, unless ``pool`` (``--pool``): then they are
    pooled and `Runs.pooled` names the field, for the outputs to say so.  ``audits``: also read each folder's
    `probe audit` labels (``RUN/audit/``), if any."""
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
        check_dtypes(c, CONVERSATION_COLUMNS, str(p / "conversations.parquet"))
        check_dtypes(t, TURN_COLUMNS, str(p / "turns.parquet"))
        if c.empty:
            raise ProbeError(f"{p / 'conversations.parquet'}: zero conversations")
        if t.empty:
            raise ProbeError(f"{p / 'turns.parquet'}: zero turn rows")
        manifest = _read_manifest(p / "manifest.json")
        turns.append(as_read(t, manifest))
        convs.append(c)
        origin.append(str(p))
        manifests.append(manifest)
    pooled = design_difference([design(c, m) for c, m in zip(convs, manifests)]) if len(convs) > 1 else ""
    if pooled and not pool:
        designs = [design(c, m) for c, m in zip(convs, manifests)]
        other = next(i for i, d in enumerate(designs) if d[pooled] is not None and d[pooled] != designs[0][pooled]
                     and designs[0][pooled] is not None)
        raise ProbeError(f"{origin[other]}: not the design of {origin[0]} ({pooled} differ); compare runs of one "
                         f"design, or give --pool to pool them anyway (the output then says so)")
    if pooled:
        warn(f"pooling runs of different designs ({pooled} differ), as --pool asks")
    conv = pd.concat(convs, ignore_index=True) if len(convs) > 1 else convs[0]
    if len(convs) > 1:
        key = [k for k in CONVERSATION_KEY if k in conv.columns]
        dup = conv.duplicated(key, keep="first")
        if dup.any():
            owner = pd.Series(sum(([o] * len(c) for o, c in zip(origin, convs)), []))
            first = owner[conv.duplicated(key, keep="last") & ~dup].iloc[0]
            raise ProbeError(f"{owner[dup].iloc[0]}: repeats {int(dup.sum())} conversations of {first} "
                             "(the same run given twice would double n)")
    out = Runs(pd.concat(turns, ignore_index=True) if len(turns) > 1 else turns[0], conv, manifests, pooled=pooled)
    if audits:
        out.audits = load_audits(origin, out.conversations, out.turns)
    return out
