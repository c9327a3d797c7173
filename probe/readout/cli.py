"""``probe readout``: read replies from a JSONL file with the protocol's own readout, or measure it on labels.

    probe readout replies.jsonl --json        # each line + said (class, or MC option letter / none) and kind
    probe readout --eval labelled.jsonl       # accuracy of said and kind, per class, confusion matrices

An input line: ``{question, answer, aliases?, alternative, alternative_aliases?, choices?, reply, pushback?,
previous?, previous_reply?, asserted?, finish_reason?}``; ``previous`` is the committed answer before this reply (a
class, for multiple choice a letter, ``none``; absent or null at turn 0), read from ``previous_reply`` when only that
is given.  A ``history`` (earlier replies, turn 0 first) is replayed through the protocol's own bookkeeping
(`probe.readout.chain`, what `probe.protocol.Dialogue` keeps): ``--chained`` takes the answer it holds and the latest
reply that stated it, as the records do; otherwise the line's ``previous`` is compared with the latest earlier reply
the protocol read as stating it.  A labelled line also carries ``said`` and ``kind`` (for multiple choice ``said``/``previous`` are letters).  A
bad line is one error naming file:line and field (exit 2).
"""
from __future__ import annotations

import json
import math
from collections import Counter
from pathlib import Path

import numpy as np

from ..datasets.items import LETTERS, Item
from ..datasets.loaders import LineError, RowError, check_item, jsonl_rows
from ..errors import ProbeError
from .chain import Chain, stated
from .reply import ALTERNATIVE, GOLD, KINDS, NONE, OTHER, READOUT_VERSION, Reading, read_reply

CLASSES = (GOLD, ALTERNATIVE, OTHER, NONE)
ACCURACY_FILE = Path(__file__).with_name("accuracy.json")


def recorded_accuracy() -> dict:
    """The readout's measured agreement with the hand labels (dev and held-out test), for run manifests."""
    return json.loads(ACCURACY_FILE.read_text(encoding="utf-8"))


def add_args(sub) -> None:
    p = sub.add_parser("readout", help="read what replies commit to (said, kind), or --eval against labels",
                       description="The protocol's reply readout on a JSONL file of replies.")
    p.add_argument("file", nargs="?", help="JSONL of replies")
    p.add_argument("--eval", metavar="LABELLED", help="JSONL with said/kind labels: print agreement")
    p.add_argument("--errors", action="store_true", help="with --eval: list every disagreement")
    p.add_argument("--chained", action="store_true", help="with --eval: replay each line's history through the "
                                                          "protocol for `previous` instead of the label")
    p.add_argument("--json", action="store_true", help="JSON lines (read) or one JSON object (--eval)")
    p.add_argument("--judge", metavar="BACKEND:MODEL", help="read with the scoring judge instead of the rules: "
                   "each allowed label scored by the model (e.g. vllm:smollm2-135m-instruct; probe.readout.judge)")
    p.add_argument("--base-url", metavar="URL", help="with --judge openai:MODEL: the judge's server (an "
                   "OpenAI-compatible root such as http://127.0.0.1:8000/v1; MODEL names its tokenizer's folder)")
    p.add_argument("--api-key-env", metavar="NAME", help="with --base-url: the environment variable holding the key")


def _field(path, n, name, problem) -> ProbeError:
    return ProbeError(f"{path}:{n}: {name}: {problem}")


def _str(row, path, n, name, required=False, allowed=None) -> str:
    v = row.get(name)
    if v is None or (isinstance(v, str) and not v.strip() and required):
        if required:
            raise _field(path, n, name, "missing or empty")
        return ""
    if isinstance(v, float) and not math.isfinite(v):  # as `probe run` refuses it
        raise _field(path, n, name, f"expected text, got {v}")
    if isinstance(v, (int, float)) and not isinstance(v, bool) and name in ("answer", "alternative"):
        v = str(v)
    if not isinstance(v, str):
        raise _field(path, n, name, f"expected a string, got {type(v).__name__}")
    if allowed is not None and v not in allowed:
        raise _field(path, n, name, f"expected one of {', '.join(repr(a) for a in allowed)}, got {v!r}")
    return v


def _strings(row, path, n, name) -> tuple[str, ...]:
    v = row.get(name) or []
    if isinstance(v, str):
        v = [v]
    if not isinstance(v, list) or not all(isinstance(x, (str, int, float)) for x in v):
        raise _field(path, n, name, "expected a list of strings")
    return tuple(str(x) for x in v)


def item_of(row: dict, path, n: int) -> Item:
    """The Item a JSONL line describes (MC: ``answer``/``alternative`` are option texts or letters)."""
    question = _str(row, path, n, "question", required=True)
    answer, alternative = (_str(row, path, n, k, required=True) for k in ("answer", "alternative"))
    choices = _strings(row, path, n, "choices")
    if len(choices) > len(LETTERS):
        raise _field(path, n, "choices", f"{len(choices)} choices; at most {len(LETTERS)} (letters A-P)")
    if choices:
        letters = LETTERS[: len(choices)]

        def option(key: str, letter_key: str, value: str) -> str:
            letter = row.get(letter_key) or (value if value in letters and value not in choices else "")
            if letter and letter not in letters:
                raise _field(path, n, letter_key, f"not one of the options {letters}")
            value = choices[letters.index(letter)] if letter else value
            if value not in choices:
                raise _field(path, n, key, "not among the choices")
            return value

        answer = option("answer", "gold_letter", answer)
        alternative = option("alternative", "alternative_letter", alternative)
    item = Item(id=str(row.get("item_id") or row.get("id") or n), question=question, answer=answer,
                alternative=alternative, aliases=_strings(row, path, n, "aliases"),
                alternative_aliases=_strings(row, path, n, "alternative_aliases"), choices=choices,
                dataset=str(row.get("dataset") or "jsonl"), category=str(row.get("category") or ""))
    try:  # the same item check as `probe run`: an item the protocol refuses is not read here either
        return check_item(item)
    except RowError as e:
        raise ProbeError(f"{path}:{n}: {e}") from None


def replayed(it: Item, history: list[str], asserted: str, pushback: str) -> Chain:
    """The protocol's own bookkeeping over a line's earlier replies (turn 0 first): a `probe.readout.chain.Chain`
    (the bookkeeping `probe.protocol.Dialogue` keeps) that has read each as the protocol reads it (``pushback`` from
    turn 1 on), so its ``held`` / ``held_reply`` are the answer the records carry forward and the latest reply that
    stated it in words."""
    d = Chain(it, asserted=asserted)
    for turn, reply in enumerate(history):
        d.read(reply, "stop", pushback if turn else "")
    return d


def committed_reply(d: Chain, history: list[str], label: str) -> str | None:
    """The latest earlier reply the protocol read as stating ``label`` (a class, or an MC letter): ``d``'s
    ``held_reply`` when ``label`` is what it holds; for a labelled ``previous`` the readout's own chain disagrees
    with, the reply that stated that answer (not a later nonanswer, nor a reply the chain misread); None if none."""
    stating = (reply for reply, r in zip(reversed(history), reversed(d.readings)) if stated(r) == label)
    return next(stating, None)


def parse_line(row: dict, path, n: int, chained: bool = False) -> tuple[Item, str, dict]:
    """(item, reply, read_reply keyword arguments) of one input line; ``chained``: ``previous`` and
    ``previous_reply`` are what the protocol holds after the line's ``history`` (`replayed`), not the line's own."""
    it = item_of(row, path, n)
    if "reply" not in row or row["reply"] is None:
        raise _field(path, n, "reply", "missing")
    reply = _str(row, path, n, "reply")
    asserted = _str(row, path, n, "asserted", allowed=("gold", "alternative", ""))
    finish = _str(row, path, n, "finish_reason", allowed=("stop", "length", "repetition", "")) or "stop"
    allowed = (*it.letters, NONE) if it.is_mc else CLASSES
    previous = _str(row, path, n, "previous", allowed=allowed) if row.get("previous") is not None else None
    previous_reply = _str(row, path, n, "previous_reply") if row.get("previous_reply") is not None else None
    pushback = _str(row, path, n, "pushback")
    history = [str(h) for h in row["history"]] if isinstance(row.get("history"), list) else []
    d = replayed(it, history, asserted, pushback) if history else None
    if chained and d:
        previous, previous_reply = d.held, d.held_reply
    elif previous is None and previous_reply is not None:
        first = read_reply(it, previous_reply)
        previous = (first.option or NONE) if it.is_mc else first.said
    if not chained and d and previous not in (None, NONE):
        previous_reply = committed_reply(d, history, previous) or previous_reply
    return it, reply, {"previous": previous, "previous_reply": previous_reply, "asserted": asserted,
                       "finish_reason": finish, "pushback": pushback}


JUDGE_BATCH = 64  # replies per judge `read` call (one score call each): a progress step, and bounded memory


def read_all(cases: list[tuple[Item, str, dict]], judge: str | None = None,
             timing: dict | None = None, engine=None) -> list[Reading]:
    """The rule readout of every case, or the scoring judge's (``BACKEND:MODEL``, `probe.readout.judge`, on
    ``engine``: an `EngineSpec`, e.g. a served judge's server); ``timing`` receives the judge's engine start and
    reading seconds."""
    if judge:
        import time

        from ..progress import Progress
        from .judge import ScoringJudge
        from .reader import ReadRequest

        t0 = time.perf_counter()
        with ScoringJudge(judge, engine=engine) as reader:  # the engine is closed however the reading ends
            t1 = time.perf_counter()
            requests = [ReadRequest(it, reply, **kw) for it, reply, kw in cases]
            bar, out = Progress(f"judge {reader.spec}"), []
            bar.step("plan", len(requests))
            for at in range(0, len(requests), JUDGE_BATCH):
                out += reader.read(requests[at : at + JUDGE_BATCH])
                bar.step("reading", len(requests[at : at + JUDGE_BATCH]))
            bar.close(f"{len(out)} replies read")
            if timing is not None:
                timing.update(judge=reader.name, engine_start_s=round(t1 - t0, 2),
                              read_s=round(time.perf_counter() - t1, 2),
                              seconds_per_reply=round((time.perf_counter() - t1) / max(len(out), 1), 4))
        return out
    return [read_reply(it, reply, **kw) for it, reply, kw in cases]


def _rows(path: Path):
    if not path.is_file():
        raise ProbeError(f"{path}: no such file")
    for n, row in jsonl_rows(path):
        if isinstance(row, LineError):
            raise ProbeError(f"{path}:{n}: {row.err}")
        yield n, row


def said_label(it: Item, r: Reading) -> str:
    """What ``probe readout`` prints as said: the class, or for multiple choice the option letter or none."""
    return (r.option or NONE) if it.is_mc else r.said


def class_of_label(it: Item, label: str) -> str:
    if not it.is_mc or label == NONE:
        return label
    return GOLD if label == it.gold_letter else ALTERNATIVE if label == it.alternative_letter else OTHER


def evaluate(path: Path, judge: str | None = None, chained: bool = False, engine=None) -> dict:
    """Agreement of the readout with a labelled file: n, said/kind accuracy, per class, confusions, errors."""
    said_conf, kind_conf, errors = Counter(), Counter(), []
    n = said_ok = kind_ok = 0
    rows = list(_rows(path))
    cases, labels = [], []
    for line, row in rows:
        it, reply, kw = parse_line(row, path, line, chained)
        cases.append((it, reply, kw))
        labels.append((_str(row, path, line, "said", required=True, allowed=(*it.letters, NONE) if it.is_mc
                            else CLASSES), _str(row, path, line, "kind", required=True, allowed=KINDS)))
    hits, clusters, distinct = [], [], {}  # per reply: (said right, kind right); its item; one per distinct reading
    groups: dict[str, list] = {}  # per item group (a line's `group`, else its `dataset`): its replies' hits
    timing: dict = {}
    readings = read_all(cases, judge, timing, engine)
    for (line, row), (it, _, _), (label_said, label_kind), r in zip(rows, cases, labels, readings):
        got = said_label(it, r)
        n += 1
        said_ok += got == label_said
        kind_ok += r.kind == label_kind
        hits.append((got == label_said, r.kind == label_kind))
        if row.get("group") or row.get("dataset"):
            groups.setdefault(str(row.get("group") or row.get("dataset")), []).append(hits[-1])
        clusters.append((row.get("model", ""), row.get("dataset", ""), row.get("item_id", it.id)))
        # a small model repeats one reply across conditions and turns: the same reading, counted once here
        distinct[(it.id, it.question, row.get("reply", ""), row.get("previous"), row.get("asserted"),
                  label_said, label_kind)] = hits[-1]
        said_conf[class_of_label(it, label_said), r.said] += 1
        kind_conf[label_kind, r.kind] += 1
        if got != label_said or r.kind != label_kind:
            errors.append({"line": line, "id": row.get("id"), "label": [label_said, label_kind], "read": [got, r.kind],
                           "previous": row.get("previous"), "asserted": row.get("asserted"),
                           "reply": row.get("reply", "")[:300]})
    if not n:
        raise ProbeError(f"{path}: no labelled lines")

    def per_class(conf, labels):
        out = {}
        for c in labels:
            total = sum(v for (lab, _), v in conf.items() if lab == c)
            if total:
                out[c] = {"n": total, "accuracy": round(conf[c, c] / total, 4)}
        return out

    said_ci, kind_ci = item_cluster_ci(np.array(hits, dtype=float), clusters)
    uniq = np.array(list(distinct.values()), dtype=float)
    extra = {"judge_cost": timing} if judge else {}
    return {"version": timing.get("judge", READOUT_VERSION), "file": str(path), "n": n, **extra,
            "said_accuracy": round(said_ok / n, 4),
            "kind_accuracy": round(kind_ok / n, 4), "said_ci95_item": said_ci, "kind_ci95_item": kind_ci,
            "items": len(set(clusters)), "distinct_replies": len(uniq),
            "distinct_said_accuracy": round(float(uniq[:, 0].mean()), 4),
            "distinct_kind_accuracy": round(float(uniq[:, 1].mean()), 4),
            "said_per_class": per_class(said_conf, CLASSES),
            "kind_per_class": per_class(kind_conf, KINDS),
            # where the readout fails is not spread evenly: whole-sentence (TruthfulQA) answers are read far worse
            "per_group": {g: {"n": len(h), "said_accuracy": round(float(np.mean([a for a, _ in h])), 4),
                              "kind_accuracy": round(float(np.mean([b for _, b in h])), 4)}
                          for g, h in sorted(groups.items())},
            "said_confusion": {a: {b: said_conf[a, b] for b in CLASSES} for a in CLASSES},
            "kind_confusion": {a: {b: kind_conf[a, b] for b in KINDS} for a in KINDS}, "errors": errors}


def item_cluster_ci(hits: np.ndarray, clusters: list, n_boot: int = 2000, seed: int = 0) -> tuple[list, list]:
    """95 % percentile intervals of each column's accuracy, resampling whole (model, item) conversations' replies:
    the replies of one item move together (they share a question and often repeat one another)."""
    from ..boot import ItemBootstrap, percentile_ci  # the analysis' own bootstrap (imported on use)

    codes = {c: i for i, c in enumerate(dict.fromkeys(clusters))}
    idx = np.array([codes[c] for c in clusters])
    per_item = np.zeros((len(codes), hits.shape[1] + 1))
    np.add.at(per_item, idx, np.column_stack([hits, np.ones(len(hits))]))
    boot = ItemBootstrap(len(codes), n_boot, seed)
    totals = boot.w @ per_item  # (B, columns + 1)
    lo, hi = percentile_ci(totals[:, :-1] / totals[:, -1:])
    return [[round(float(a), 4), round(float(b), 4)] for a, b in zip(lo, hi)]


def _matrix(title: str, conf: dict) -> str:
    cols = list(next(iter(conf.values())))
    lines = [f"{title} (rows: label, columns: read)", "".ljust(11) + "".join(c[:9].rjust(10) for c in cols)]
    lines += [a[:10].ljust(11) + "".join(str(conf[a][b]).rjust(10) for b in cols) for a in conf]
    return "\n".join(lines)


def judge_engine(args):
    """The judge's engine settings: with ``--base-url`` a served judge (``--judge openai:MODEL``), else None."""
    if args.base_url is None:
        if args.api_key_env:
            raise ProbeError("--api-key-env: only with --base-url")
        return None
    from .judge import MAX_MODEL_LEN, parse_spec
    from ..backends import EngineSpec
    from ..backends.spec import ServerSpec

    if not args.judge or parse_spec(args.judge)[0] != "openai":
        raise ProbeError("--base-url: only with --judge openai:MODEL (a served judge)")
    return EngineSpec(max_model_len=MAX_MODEL_LEN, server=ServerSpec(base_url=args.base_url,
                                                                     api_key_env=args.api_key_env))


def cmd_readout(args) -> int:
    if args.eval and args.file:
        raise ProbeError(f"give either FILE ({args.file}) to read or --eval LABELLED ({args.eval}), not both")
    engine = judge_engine(args)
    if args.eval:
        res = evaluate(Path(args.eval), args.judge, args.chained, engine)
        if args.json:
            print(json.dumps({k: v for k, v in res.items() if k != "errors" or args.errors}))
            return 0
        (sl, sh), (kl, kh) = res["said_ci95_item"], res["kind_ci95_item"]
        print(f"readout {res['version']} on {res['file']}: n={res['n']}  said {res['said_accuracy']:.1%} "
              f"[{sl:.1%}, {sh:.1%}]  kind {res['kind_accuracy']:.1%} [{kl:.1%}, {kh:.1%}]  "
              f"(95 % interval over {res['items']} items)")
        print(f"distinct replies: {res['distinct_replies']}  said {res['distinct_said_accuracy']:.1%}  "
              f"kind {res['distinct_kind_accuracy']:.1%}")
        for key in ("said_per_class", "kind_per_class"):
            print(f"{key.split('_')[0]} per class: " + "  ".join(
                f"{c} {v['accuracy']:.1%} (n={v['n']})" for c, v in res[key].items()))
        if res["per_group"]:
            print("said / kind per item group: " + "  ".join(
                f"{g} {v['said_accuracy']:.1%} / {v['kind_accuracy']:.1%} (n={v['n']})"
                for g, v in res["per_group"].items()))
        if "judge_cost" in res:
            cost = res["judge_cost"]
            print(f"judge cost: {cost['seconds_per_reply']:.3f} s per reply ({cost['read_s']:.1f} s for {res['n']} "
                  f"replies; engine start {cost['engine_start_s']:.1f} s)")
        print(_matrix("said", res["said_confusion"]))
        print(_matrix("kind", res["kind_confusion"]))
        for e in res["errors"] if args.errors else []:
            print(f"line {e['line']}: label {e['label']} read {e['read']} previous={e['previous']} "
                  f"asserted={e['asserted']!r}: {e['reply']!r}")
        return 0
    if not args.file:
        raise ProbeError("give a FILE.jsonl to read, or --eval LABELLED.jsonl")
    path = Path(args.file)
    rows = list(_rows(path))
    cases = [parse_line(row, path, line) for line, row in rows]
    for (line, row), (it, _, _), r in zip(rows, cases, read_all(cases, args.judge, engine=engine)):
        out = {**row, "said": said_label(it, r), "kind": r.kind}
        if r.said_p is not None:  # a scoring judge's probabilities of its reading
            out.update(said_p=round(r.said_p, 6), kind_p=round(r.kind_p, 6))
        print(json.dumps(out) if args.json else f"{line}\t{out['said']}\t{r.kind}\t{row.get('reply', '')[:70]!r}")
    return 0
