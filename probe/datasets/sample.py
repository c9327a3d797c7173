"""A seeded sample of items, stratified by category and difficulty (``sample: N`` in a dataset entry).

Strata get shares proportional to their size (largest remainders), at least one item each while N allows, so a
small sample still spans the categories; within a stratum the draw is a seeded shuffle.  The same (items, N, seed)
gives the same sample, in the dataset's own order.

    from probe.datasets.sample import stratified_sample
    picked = stratified_sample(items, 60, seed=0)
"""
from __future__ import annotations

import random
from collections import defaultdict
from typing import Sequence

from .items import Item


def stratified_sample(items: Sequence[Item], n: int, seed: int = 0) -> list[Item]:
    if n >= len(items):
        return list(items)
    strata: dict[tuple[str, str], list[int]] = defaultdict(list)
    for i, item in enumerate(items):
        strata[(item.category, item.difficulty)].append(i)
    keys = sorted(strata)
    rng = random.Random(f"sample|{seed}|{n}|{len(items)}")
    order = keys[:]
    rng.shuffle(order)  # which strata get the one-item floor when N is smaller than the number of strata
    share = {k: 0 for k in keys}
    for k in order[: min(n, len(keys))]:
        share[k] = 1
    left = n - sum(share.values())
    if left > 0:
        room = {k: len(strata[k]) - share[k] for k in keys}
        total = sum(room.values())
        exact = {k: left * room[k] / total for k in keys}
        for k in keys:
            share[k] += int(exact[k])
        rest = n - sum(share.values())
        for k in sorted(keys, key=lambda k: (-(exact[k] - int(exact[k])), k))[:rest]:
            share[k] += 1
    picked: list[int] = []
    for k in keys:
        idx = strata[k][:]
        rng.shuffle(idx)
        picked += idx[: share[k]]
    return [items[i] for i in sorted(picked)]
