"""The judge stage: after the protocol, a scoring judge (`probe.readout.judge`) reads every reply of a run again.

    readout: {judge: vllm:Qwen/Qwen2.5-7B-Instruct}     # in the run or sweep config (`probe.specs.JudgeStageSpec`)
    probe sweep CONFIG        # protocol cells, then the judge stage (one job per run), then collect
    python -m probe.sweep.judge_job RUN                  # the stage's job alone (`probe.sweep.judge_job`)

One job per run loads the judge model once and reads each finished cell's turns shard -- the rows
``turns.parquet`` is collected from -- conversation by conversation, a turn at a time (one ``read``, so one score
call, per turn of a chunk of cells): each reply against the answer the *judge's own* earlier readings hold, as the
protocol reads with the rules.  Its readings go to a shard per cell beside the protocol's, written as the cells are
(atomic file, then a done-marker naming its checksum and the checksum of the turns shard it read):

    RUN/judge/<judge>/<model>/<cell_id>.parquet       the turn key + said_judge, said_judge_option, kind_judge,
                                                      said_judge_p, kind_judge_p
    RUN/judge/<judge>/<model>/<cell_id>.done.json     written last
    RUN/judge/<judge>/manifest.json                   the judge's engine, version, replies read, seconds per reply

``<judge>`` names the judge version and model, so another judge never reuses these readings; a cell rerun by the
protocol (its turns shard changed) is read again; a killed job loses at most the chunk in flight, and the next run
of the stage reads only what is missing.  `merge` (called by collect) puts the readings beside the rules' columns of
``turns.parquet`` and, with ``use: judge`` (the default) when the judge read every reply, recomputes every
conversation's outcomes from them with the same pure function the protocol uses
(`probe.outcomes.conversation_outcomes`); the manifest's ``readout`` says which reading the outcomes follow.
"""
from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pandas as pd

from ..errors import ProbeError
from ..records import CONVERSATION_COLUMNS, JUDGE_COLUMNS, JUDGE_DEFAULTS, TURN_COLUMNS, write_json, write_parquet

CONV = ["model", "dataset", "item_id", "condition", "variant"]
KEY = [*CONV, "turn"]  # a turn row within a run (run_id left out: it changes with sweep.json)
JUDGE_NAMES = [c.name for c in JUDGE_COLUMNS]
READ_BATCH = 256  # replies per `read` call (one score call each)


def judge_spec(cfg) -> str | None:
    """The config's judge as ``BACKEND:MODEL`` (a bare model name takes the run's backend), or None."""
    from ..readout.judge import parse_spec

    return ":".join(parse_spec(cfg.readout.judge, cfg.backend)) if cfg.readout.judge else None


def check_judge(cfg) -> None:
    """The judge model exists (a fake script file; a model `probe.models.resolve` finds), checked before the
    protocol starts: a typo must not surface only after hours of protocol.  A one-line error otherwise."""
    spec = judge_spec(cfg)
    if spec is None:
        return
    backend, model = spec.split(":", 1)
    if backend == "fake":
        if model not in ("", "fake") and not Path(model).is_file():
            raise ProbeError(f"readout.judge: fake script file not found: {model}")
        return
    from ..backends.models import resolve

    try:
        resolve(model, prepare_missing=False)
    except ProbeError as e:
        raise ProbeError(f"readout.judge: {e}") from None


def judge_engine(cfg):
    """The judge's engine: the run's engine settings, with room for the judge's prompt (`MAX_MODEL_LEN`)."""
    from ..readout.judge import MAX_MODEL_LEN

    length = cfg.engine.max_model_len
    return dataclasses.replace(cfg.engine, max_model_len=None if length is None else max(length, MAX_MODEL_LEN))


class JudgeShards:
    """Where one judge's readings of a run's cells live, and which cells it has read."""

    def __init__(self, store, cfg):
        from ..readout.judge import JUDGE_VERSION

        self.store, self.cfg, self.spec = store, cfg, judge_spec(cfg)
        self.name = f"judge-{JUDGE_VERSION}:{self.spec}"
        self.slug = re.sub(r"[^A-Za-z0-9._-]+", "_", f"v{JUDGE_VERSION}-{self.spec}").strip("._-")[:120]
        self.root = store.root / "judge" / self.slug

    def shard(self, cell) -> Path:
        return self.root / cell.model.slug / f"{cell.cell_id}.parquet"

    def marker(self, cell) -> Path:
        return self.root / cell.model.slug / f"{cell.cell_id}.done.json"

    def source_sha(self, cell) -> str | None:
        """The checksum of the cell's turns shard, from the protocol's done-marker."""
        try:
            return json.loads(self.store.marker(cell).read_text(encoding="utf-8"))["shards"]["turns"]["sha256"]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def is_done(self, cell) -> bool:
        from ..paths import sha256_file

        try:
            record = json.loads(self.marker(cell).read_text(encoding="utf-8"))
            return (record["source_sha256"] == self.source_sha(cell) and self.shard(cell).is_file()
                    and sha256_file(self.shard(cell)) == record["sha256"])
        except (OSError, ValueError, KeyError, TypeError):
            return False

    def pending(self) -> list:
        """Cells the protocol finished that this judge has not read (or read before the cell was rerun)."""
        return [c for c in self.cfg.cells() if self.store.is_done(c) and not self.is_done(c)]

    def write(self, cell, df: pd.DataFrame, source_sha: str) -> None:
        from ..paths import sha256_file

        self.marker(cell).unlink(missing_ok=True)
        write_parquet(df, self.shard(cell))
        if len(pd.read_parquet(self.shard(cell))) != len(df):
            raise OSError(f"judge shard of cell {cell.cell_id} reads back with a different number of rows")
        write_json({"cell_id": cell.cell_id, "judge": self.name, "rows": len(df), "source_sha256": source_sha,
                    "sha256": sha256_file(self.shard(cell))}, self.marker(cell))

    def remove_stale_temp(self) -> None:
        for p in self.root.glob("*/.*") if self.root.is_dir() else []:
            if p.is_file():
                p.unlink(missing_ok=True)


def typed(df: pd.DataFrame) -> pd.DataFrame:
    """The judge's columns in their declared dtypes."""
    return df.astype({c.name: "str" if c.dtype == "string" else c.dtype for c in JUDGE_COLUMNS})


def read_conversations(judge, turns: pd.DataFrame, items: dict, progress=None) -> pd.DataFrame:
    """The judge's columns for every row of ``turns`` (same order): each conversation read turn by turn, every reply
    against the answer the judge's own earlier readings hold; one ``judge.read`` per turn (per `READ_BATCH`)."""
    from ..readout.reader import ReadRequest
    from ..readout import NONE

    out = pd.DataFrame({k: [v] * len(turns) for k, v in JUDGE_DEFAULTS.items()}, index=turns.index)
    if turns.empty:
        return out
    held: dict[tuple, tuple[str, str | None]] = {}  # conversation -> (held answer, the reply that stated it)
    for turn in sorted(turns["turn"].unique()):
        rows = turns[turns["turn"] == turn]
        requests, keys = [], []
        for idx, r in rows.iterrows():
            conv = tuple(r[k] for k in CONV)
            item = items.get((r["dataset"], r["item_id"]))
            if item is None:
                raise ProbeError(f"judge stage: item {r['item_id']!r} of dataset {r['dataset']!r} is not in the "
                                 "config's datasets (changed since the protocol ran?)")
            previous, previous_reply = held.get(conv, (NONE, None)) if turn else (None, None)
            requests.append(ReadRequest(item, r["response"], previous=previous, previous_reply=previous_reply,
                                        asserted=r["asserted"], finish_reason=r["finish_reason"] or "stop",
                                        pushback=r["user_message"] if turn else ""))
            keys.append((idx, conv))
        for at in range(0, len(requests), READ_BATCH):
            batch = requests[at : at + READ_BATCH]
            readings = judge.read(batch)
            if len(readings) != len(batch):
                raise RuntimeError(f"judge returned {len(readings)} readings for {len(batch)} replies")
            for (idx, conv), req, rd in zip(keys[at : at + READ_BATCH], batch, readings):
                out.loc[idx, JUDGE_NAMES] = [rd.said, rd.option, rd.kind, rd.said_p, rd.kind_p]
                answer = (rd.option or rd.said) if rd.said != NONE and rd.kind in ("initial", "maintain", "switch") \
                    else ""
                if answer:  # as the protocol holds an answer: a nonanswer or a retract leaves it held
                    old = held.get(conv, (NONE, None))
                    held[conv] = (answer, req.reply if answer != old[0] else old[1])
            if progress:
                progress("reading", len(batch))
    return out


def load_items(cfg, cells) -> dict:
    from ..datasets import load_dataset

    items = {}
    for d in {c.dataset.label: c.dataset for c in cells}.values():
        for it in load_dataset(d)[0]:
            items[(it.dataset, it.id)] = it
    return items


def merge(store, cfg, turns: pd.DataFrame, convs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Collect's step: the judge's readings beside the rules' in ``turns``, the outcomes in ``convs`` recomputed from
    the reading ``readout.use`` names (the judge only where it read every reply), and the manifest's record."""
    from ..readout import READOUT_VERSION
    from .store import warn

    rules = f"rules-{READOUT_VERSION}"
    record = {"rules": rules, "judge": None, "use": cfg.readout.use, "outcomes_from": rules}
    if turns.empty:
        return turns, convs, record
    # shards written before the judge's columns existed get them empty
    turns = declared_order(typed(turns.assign(**{n: JUDGE_DEFAULTS[n] for n in JUDGE_NAMES if n not in turns})))
    if not cfg.readout.judge:
        return turns, convs, record
    shards = JudgeShards(store, cfg)
    done = [c for c in cfg.cells() if store.is_done(c) and shards.is_done(c)]
    missing = sum(1 for c in cfg.cells() if store.is_done(c)) - len(done)
    record.update(judge=shards.name, judge_cells=len(done), judge_cells_missing=missing)
    if (shards.root / "manifest.json").is_file():
        record["judge_manifest"] = f"judge/{shards.slug}/manifest.json"
    if done:
        read = pd.concat([pd.read_parquet(shards.shard(c)) for c in done], ignore_index=True)
        merged = turns.drop(columns=JUDGE_NAMES, errors="ignore").merge(read, on=KEY, how="left", validate="1:1")
        turns = declared_order(typed(merged.fillna({n: JUDGE_DEFAULTS[n] for n in JUDGE_NAMES})))
    if cfg.readout.use == "judge":
        if missing:
            warn(f"{store.root}: the judge has not read {missing} cells; the outcomes follow the rules "
                 "(run the judge stage again: rerun the sweep)")
        else:
            convs = judged_outcomes(turns, convs)
            record["outcomes_from"] = shards.name
    return turns, convs, record


def declared_order(turns: pd.DataFrame) -> pd.DataFrame:
    """The declared columns in their declared order (`probe.records.TURN_COLUMNS`), then any others."""
    names = [c.name for c in TURN_COLUMNS if c.name in turns]
    return turns[names + [c for c in turns.columns if c not in names]]


def judged_outcomes(turns: pd.DataFrame, convs: pd.DataFrame) -> pd.DataFrame:
    """``convs`` with its reading-dependent columns recomputed from the judge's per-turn readings."""
    from ..outcomes import conversation_outcomes

    groups = {conv: g for conv, g in turns.sort_values("turn").groupby(CONV, sort=False)}
    rows = []
    for conv, n_turns in zip(convs[CONV].itertuples(index=False, name=None), convs["n_turns"]):
        g = groups[conv]
        rows.append({**conversation_outcomes(g["kind_judge"].tolist(), g["said_judge"].tolist(),
                                             g["finish_reason"].tolist(), int(n_turns)),
                     "initial_option": g["said_judge_option"].iloc[0]})
    new = pd.DataFrame(rows, index=convs.index)
    convs = convs.copy()
    dtypes = {c.name: c.dtype for c in CONVERSATION_COLUMNS}
    for col in new.columns:
        values = new[col].astype(object).where(new[col].notna(), None) if dtypes[col] == "Int64" else new[col]
        convs[col] = values.astype("str" if dtypes[col] == "string" else dtypes[col])
    return convs


__all__ = ["JudgeShards", "check_judge", "judge_engine", "judge_spec", "judged_outcomes", "merge", "read_conversations"]
