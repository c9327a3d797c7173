"""Which conversations a failed request belongs to.  A served model's request can fail after all its retries
(`probe.backends.base.RequestFailure`); its conversations are left out of the cell's shard and named in
``RUN/errors/``, the rest of the cell is written, and a rerun runs only those conversations again.

A request belongs to every conversation whose messages start with the request's own messages: a turn's reply
request to its conversation (a turn-0 answer to every condition forked from it), and a side-branch request (belief
probe, P(True), verbalized confidence), whose last message is the side question, to the conversations that start
with everything before it.  Conversations are rebuilt from their turn rows (system prompt, then each turn's user
message and reply), exactly as the protocol sent them.

    bad, unplaced = errored_conversations(turn_rows, backend.take_failures(), spec.system_prompt)
    # bad: {(dataset, item_id, condition, variant): reason}; unplaced: failures that belong to no conversation
"""
from __future__ import annotations

from collections import defaultdict
from typing import Sequence

Key = tuple  # (dataset, item_id, condition, variant)


def conversation_key(row: dict) -> Key:
    return (row["dataset"], row["item_id"], row["condition"], row["variant"])


def conversations(turn_rows: Sequence[dict], system_prompt: str = "") -> dict[Key, tuple]:
    """Each conversation's messages as ((role, content), …), rebuilt from its turn rows."""
    by: dict[Key, list[dict]] = defaultdict(list)
    for row in turn_rows:
        by[conversation_key(row)].append(row)
    out = {}
    for key, rows in by.items():
        msgs = [("system", system_prompt)] if system_prompt else []
        for row in sorted(rows, key=lambda r: r["turn"]):
            msgs += [("user", row["user_message"]), ("assistant", row["response"])]
        out[key] = tuple(msgs)
    return out


def _plain(messages) -> tuple:
    return tuple((m["role"], m["content"]) for m in messages)


def errored_conversations(turn_rows: Sequence[dict], failures: Sequence, system_prompt: str = "") \
        -> tuple[dict[Key, str], list]:
    """({conversation key: the first failure's reason}, failures that belong to no conversation)."""
    convs = conversations(turn_rows, system_prompt)
    bad: dict[Key, str] = {}
    unplaced = []
    for f in failures:
        asked = _plain(f.messages)
        hit = [k for k, m in convs.items() if m[: len(asked)] == asked]
        if not hit and len(asked) > 1 and asked[-2][0] == "assistant":  # a side branch off a reply
            stem = asked[:-1]
            hit = [k for k, m in convs.items() if m[: len(stem)] == stem]
        if not hit:
            unplaced.append(f)
        for k in hit:
            bad.setdefault(k, f"{f.kind}: {f.reason}")
    return bad, unplaced


__all__ = ["conversation_key", "conversations", "errored_conversations"]
