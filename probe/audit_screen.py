"""The audit's labelling screen: plain stdin/stdout, one key per decision, works in any terminal (and tmux).

A conversation is shown turn by turn: the question with the gold and the alternative (or the options), then each
turn's pushback and reply.  For every reply one key gives the committed answer (g/a/o/n, or the option letter and
n), and from turn 1 on one key gives the kind (m/s/r/x); on a false-premise conversation one more key gives the
premise reading of every reply (r/a/x), and on a hint-cue conversation one more key says whether the turn-0 reply
mentions the cue (y/n); the reply's label is appended to ``labels.jsonl`` at once, once every key is given.
``u`` undoes the last label, ``?`` shows the guide, ``q`` quits.  The automatic reading is never shown (the
reading is blind).  Not a terminal (a pipe, a test): keys are read one character at a time, whitespace skipped.

    Labeller(run, sample, "reader1", turns, items, KeySource(sys.stdin), sys.stdout).run()
"""
from __future__ import annotations

import sys
import textwrap
import time
from importlib import resources

from .audit import KEY, LabelLog
from .records import ALTERNATIVE, GOLD, NONE, OTHER

CLASS_KEYS = {"g": GOLD, "a": ALTERNATIVE, "o": OTHER, "n": NONE}
KIND_KEYS = {"m": "maintain", "s": "switch", "r": "retract", "x": "nonanswer"}
PREMISE_KEYS = {"r": "rejects", "a": "accepts", "x": "unclear"}
MENTION_KEYS = {"y": "yes", "n": "no"}
WIDTH = 100


def guide() -> str:
    return resources.files("probe").joinpath("audit_guide.txt").read_text(encoding="utf-8")


class KeySource:
    """Single keys from a stream: cbreak mode on a terminal (restored on exit), characters otherwise."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stdin
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self._saved = None

    def __enter__(self):
        if self.tty:
            import termios
            import tty

            self._saved = termios.tcgetattr(self.stream.fileno())
            tty.setcbreak(self.stream.fileno())
        return self

    def __exit__(self, *exc):
        if self._saved is not None:
            import termios

            termios.tcsetattr(self.stream.fileno(), termios.TCSADRAIN, self._saved)

    def key(self) -> str:
        """The next key ("" at the end of input); whitespace is skipped."""
        while True:
            ch = self.stream.read(1)
            if ch == "" or not ch.isspace():
                return ch.lower() if ch else ""


def _wrap(label: str, text: str) -> str:
    body = textwrap.fill(" ".join(str(text).split()), WIDTH - 12, subsequent_indent=" " * 12) or "(empty)"
    return f"{label:<11} {body}"


class Labeller:
    def __init__(self, run, sample: dict, reader: str, conversations: list[dict], keys: KeySource, out):
        """``conversations``: per sample conversation (same order) {turns: [{turn, user, reply, finish}], question,
        gold, alternative, choices, gold_letter, alternative_letter, premise (a false-premise conversation: ask the
        premise reading), cue (the hint cue type of a cue conversation, "" otherwise: ask the mention at turn 0)}."""
        self.log, self.sample, self.reader = LabelLog(run), sample, reader
        self.convs, self.keys, self.out = conversations, keys, out

    # -- state -------------------------------------------------------------------------------------------------
    def _mine(self) -> dict:
        return {(c, t): e for (r, c, t), e in self.log.labels().items() if r == self.reader}

    def next_reply(self, mine: dict) -> tuple[int, int] | None:
        """The first unlabelled reply, in the sample's order (labels of a conversation are a prefix of its turns)."""
        for i, c in enumerate(self.convs):
            for t in range(len(c["turns"])):
                if (i, t) not in mine:
                    return i, t
        return None

    def _last(self, mine: dict) -> tuple[int, int] | None:
        """The reader's most recent label still in force."""
        live = [e for e in self.log.events() if not e.get("undo") and str(e.get("reader")) == self.reader
                and (int(e["conv"]), int(e["turn"])) in mine]
        return (int(live[-1]["conv"]), int(live[-1]["turn"])) if live else None

    # -- drawing -----------------------------------------------------------------------------------------------
    def _print(self, text: str = "") -> None:
        self.out.write(text + "\n")

    def _draw(self, i: int, t: int, mine: dict, done: int, total: int) -> None:
        c = self.convs[i]
        if self.keys.tty:
            self.out.write("\033[2J\033[H")
        key = c["key"]
        self._print(f"AUDIT  reader {self.reader}  ·  reply {done + 1} of {total}  ·  conversation {i + 1} of "
                    f"{len(self.convs)} ({key['model']} · {key['condition']} · {key['dataset']}/{key['item_id']})")
        self._print("-" * WIDTH)
        if c["choices"]:
            self._print(_wrap("options", "  ".join(f"({chr(97 + j)}) {o}" for j, o in enumerate(c["choices"]))))
            self._print(_wrap("gold", f"({c['gold_letter'].lower()})   alternative: "
                                      f"({(c['alternative_letter'] or '?').lower()})"))
        elif c.get("premise"):
            self._print(_wrap("premise", f"{c['alternative']}   (false)"))
            self._print(_wrap("fact", c["gold"]))
        else:
            self._print(_wrap("gold", c["gold"]))
            self._print(_wrap("alternative", c["alternative"]))
        if c.get("cue"):
            self._print(_wrap("hint cue", f"{c['cue']} (in the first message; does reply 0 acknowledge it?)"))
        for u in range(t + 1):
            row = c["turns"][u]
            self._print(_wrap("USER" if u else "QUESTION", row["user"]))
            finish = "  [cut: max tokens]" if row["finish"] == "length" else ""
            self._print(_wrap(f"REPLY {u}", row["reply"] + finish))
            if u < t:
                e = mine[(i, u)]
                extra = "".join(f" / {name} {e[name]}" for name in ("premise", "mention") if e.get(name))
                self._print(f"{'':11} -> you read: {e['said']}" + (f" / {e['kind']}" if u else "") + extra)
        self._print("-" * WIDTH)

    # -- the loop ----------------------------------------------------------------------------------------------
    def run(self) -> str:
        """Label until the sample is done or the reader quits; returns "done", "quit" or "end" (input ended)."""
        total = sum(len(c["turns"]) for c in self.convs)
        while True:
            mine = self._mine()
            nxt = self.next_reply(mine)
            if nxt is None:
                self._print(f"Audit complete: {total} replies of {len(self.convs)} conversations labelled by "
                            f"{self.reader}.")
                return "done"
            i, t = nxt
            self._draw(i, t, mine, len(mine), total)
            started = time.monotonic()
            c = self.convs[i]
            said_keys = ({chr(97 + j): chr(65 + j) for j in range(len(c["choices"]))} | {"n": NONE}) \
                if c["choices"] else CLASS_KEYS
            said = self._ask("answer " + " ".join(f"{k}={v}" for k, v in said_keys.items()) + "  (u undo, ? guide, "
                             "q quit)", said_keys)
            if said in ("", "q"):
                return "end" if said == "" else "quit"
            if said in ("u", "?"):
                self._special(said, mine)
                continue
            kinds = {k: v for k, v in KIND_KEYS.items() if (said == NONE) == (v in ("retract", "nonanswer"))}
            given = {"kind": "initial"}
            for name, wanted, allowed in (("kind", t > 0, kinds), ("premise", bool(c.get("premise")), PREMISE_KEYS),
                                          ("mention", bool(c.get("cue")) and t == 0, MENTION_KEYS)):
                if not wanted:
                    continue
                got = self._ask(f"{name} " + " ".join(f"{k}={v}" for k, v in allowed.items()) + "  (u back)", allowed)
                if got in ("", "q"):
                    return "end" if got == "" else "quit"
                if got in ("u", "?"):
                    if got == "?":
                        self._special("?", mine)
                    break  # back to this reply's answer
                given[name] = got
            else:  # every key of the reply given: its line is written at once
                kind, probes = given.pop("kind"), given
                self.log.append({"reader": self.reader, "conv": i, "turn": t, "said": said, "kind": kind, **probes,
                                 "seconds": round(time.monotonic() - started, 1),
                                 "key": "|".join(c["key"][k] for k in KEY)})

    def _ask(self, prompt: str, allowed: dict) -> str:
        self.out.write(prompt + "\n> ")
        self.out.flush()
        while True:
            k = self.keys.key()
            if k in ("", "q", "u", "?"):
                return k
            if k in allowed:
                self.out.write(f"{allowed[k]}\n")
                return allowed[k]

    def _special(self, k: str, mine: dict) -> None:
        if k == "?":
            if self.keys.tty:
                self.out.write("\033[2J\033[H")
            self._print(guide())
            self.out.write("(any key to go back)")
            self.out.flush()
            self.keys.key()
            return
        last = self._last(mine)
        if last is not None:
            self.log.append({"reader": self.reader, "conv": last[0], "turn": last[1], "undo": True})


__all__ = ["Labeller", "KeySource", "guide", "CLASS_KEYS", "KIND_KEYS", "PREMISE_KEYS", "MENTION_KEYS"]
