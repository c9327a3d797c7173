"""Question sets: the built-in set and loaders for public formats.

    from probe.datasets import DatasetSpec, load_dataset
    items, skipped = load_dataset(DatasetSpec("mmlu", "../shared/data/mmlu/test/anatomy_test.csv", limit=20))

Formats: builtin, jsonl (fields id, question, answer, aliases, alternative[, choices, category]; other names via
``mapping``), farm, truthfulqa, mmlu, are_you_sure, sycon, gsm8k.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import ProbeError
from .builtin import load_builtin
from .items import LETTERS, Item
from .loaders import LOADERS, LineError
from .sample import stratified_sample

FORMATS = ("builtin", *LOADERS)


@dataclass(frozen=True)
class DatasetSpec:
    format: str
    path: str = ""
    name: str = ""  # dataset label in the records; defaults to the format
    limit: int | None = None  # read at most this many rows (the first ones)
    sample: int | None = None  # then draw this many, seeded and stratified by category and difficulty
    seed: int = 0  # the sample's seed
    on_bad_row: str = "error"  # error | skip
    mapping: tuple[tuple[str, str], ...] = ()  # (item field, field name in the file)

    @property
    def label(self) -> str:
        return self.name or self.format


def parse_dataset_arg(arg: str) -> DatasetSpec:
    """``FORMAT:PATH`` (or ``builtin``) from the command line."""
    fmt, _, path = arg.partition(":")
    return DatasetSpec(format=fmt, path=path)


def load_dataset(spec: DatasetSpec) -> tuple[list[Item], int]:
    """Items of a dataset (``limit`` rows, then a ``sample``) and the number of bad rows skipped."""
    items, skipped = _read(spec)
    return (stratified_sample(items, spec.sample, spec.seed) if spec.sample else items), skipped


def _read(spec: DatasetSpec) -> tuple[list[Item], int]:
    if spec.format not in FORMATS:
        raise ProbeError(f"dataset format {spec.format!r} unknown; choose one of {', '.join(FORMATS)}")
    if spec.on_bad_row not in ("error", "skip"):
        raise ProbeError(f"on_bad_row: expected error or skip, got {spec.on_bad_row!r}")
    if spec.format == "builtin":
        items = load_builtin()
        return (items[: spec.limit] if spec.limit else items), 0
    path = Path(spec.path).expanduser()
    if not spec.path or not path.exists():
        raise ProbeError(f"dataset {spec.format}: file not found: {spec.path or '(no path given)'}")
    kwargs = {"name": spec.label}
    if spec.format == "jsonl":
        kwargs["mapping"] = dict(spec.mapping)
    items, skipped, seen = [], 0, set()
    try:
        for line, item in LOADERS[spec.format](path, **kwargs):
            if isinstance(item, LineError):
                if spec.on_bad_row == "skip":
                    skipped += 1
                    continue
                raise ProbeError(f"{path}:{line}: {item}")
            if item.id in seen:
                raise ProbeError(f"{path}:{line}: id: duplicate id {item.id!r}")
            seen.add(item.id)
            items.append(item)
            if spec.limit and len(items) >= spec.limit:
                break
    except (OSError, UnicodeDecodeError) as e:
        raise ProbeError(f"{path}: cannot read: {e}") from None
    return items, skipped


__all__ = ["DatasetSpec", "FORMATS", "Item", "LETTERS", "load_dataset", "parse_dataset_arg"]
