"""Question sets: the built-in set and loaders for public formats.

    from probe.datasets import DatasetSpec, load_dataset
    items, skipped = load_dataset(DatasetSpec("mmlu", "../shared/data/mmlu/test/anatomy_test.csv", limit=20))

Formats: builtin, jsonl (fields id, question, answer, aliases, alternative[, choices, category]; other names via
``mapping``), farm, truthfulqa, mmlu, are_you_sure, sycon, gsm8k, false_premise (the built-in false-premise
items without a path; README *False premises*).
"""
from __future__ import annotations

import dataclasses
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
    """``FORMAT:PATH`` (or ``builtin``), or ``NAME=FORMAT:PATH`` naming the dataset's label, from the command line."""
    head, eq, rest = arg.partition("=")
    name = ""
    if eq and ":" not in head and "/" not in head and head:
        name, arg = head, rest
    fmt, _, path = arg.partition(":")
    return DatasetSpec(format=fmt, path=path, name=name)


def label_datasets(specs: list[DatasetSpec]) -> list[DatasetSpec]:
    """Different files of one format given without names (``--dataset jsonl:a.jsonl --dataset jsonl:b.jsonl``) are
    labelled by their file names ("a", "b"), so they are not taken for the same dataset; one file given twice keeps
    one label (and is refused as a repeat)."""
    import re
    from dataclasses import replace

    paths: dict[str, set[str]] = {}
    for d in specs:
        if not d.name:
            paths.setdefault(d.format, set()).add(str(Path(d.path).expanduser().resolve()) if d.path else "")
    taken = {d.name for d in specs if d.name}
    given: dict[tuple[str, str], str] = {}
    out = []
    for d in specs:
        if d.name or len(paths.get(d.format, ())) < 2:
            out.append(d)
            continue
        key = (d.format, str(Path(d.path).expanduser().resolve()) if d.path else "")
        if key not in given:
            stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(d.path).stem).strip("._-")[:60] or d.format
            label, k = stem, 2
            while label in taken or label in FORMATS:
                label, k = f"{stem}-{k}", k + 1
            taken.add(label)
            given[key] = label
        out.append(replace(d, name=given[key]))
    return out


def load_dataset(spec: DatasetSpec, where: str = "") -> tuple[list[Item], int]:
    """Items of a dataset (``limit`` rows, then a ``sample``) and the number of bad rows skipped.

    ``where`` names the dataset in errors that concern the entry rather than a file (e.g. ``datasets[1]``).
    """
    items, skipped = _read(spec, where or f"dataset {spec.label}")
    return (stratified_sample(items, spec.sample, spec.seed) if spec.sample else items), skipped


def _read(spec: DatasetSpec, entry: str) -> tuple[list[Item], int]:
    if spec.format not in FORMATS:
        raise ProbeError(f"{entry}: format {spec.format!r} unknown; choose one of {', '.join(FORMATS)}")
    if spec.on_bad_row not in ("error", "skip"):
        raise ProbeError(f"{entry}{' (' + spec.path + ')' if spec.path else ''}: on_bad_row: expected error or skip, "
                         f"got {spec.on_bad_row!r}")
    if spec.format == "builtin":
        items = load_builtin()
        return (items[: spec.limit] if spec.limit else items), 0
    if spec.format == "false_premise" and not spec.path.strip():  # the toolkit's own false-premise items
        from importlib import resources

        from .loaders import FALSE_PREMISE_FILE

        spec = dataclasses.replace(spec, path=str(resources.files(__package__).joinpath(FALSE_PREMISE_FILE)))
    if not spec.path.strip():
        raise ProbeError(f"{entry}: no file given for format {spec.format} (write --dataset {spec.format}:PATH, or "
                         "path: in the config's datasets entry)")
    path = Path(spec.path).expanduser()
    if not path.exists():
        raise ProbeError(f"{entry}: file not found: {spec.path}")
    kwargs = {"name": spec.label}
    if spec.format == "jsonl":
        kwargs["mapping"] = dict(spec.mapping)
    items, skipped, first_line = [], 0, {}
    try:
        for line, item in LOADERS[spec.format](path, **kwargs):
            if isinstance(item, LineError):
                if spec.on_bad_row == "skip":
                    skipped += 1
                    continue
                raise ProbeError(f"{path}:{line}: {item}")
            if item.id in first_line:
                raise ProbeError(f"{path}:{line}: id: duplicate id {item.id!r} (first on line {first_line[item.id]})")
            first_line[item.id] = line
            items.append(item)
            if spec.limit and len(items) >= spec.limit:
                break
    except (OSError, UnicodeDecodeError) as e:
        raise ProbeError(f"{path}: cannot read: {getattr(e, 'strerror', None) or e}") from None
    if not items:
        raise ProbeError(f"{path}: all {skipped} rows are bad (on_bad_row: skip)" if skipped
                         else f"{path}: no rows (empty dataset file)")
    return items, skipped


__all__ = ["DatasetSpec", "FORMATS", "Item", "LETTERS", "label_datasets", "load_dataset", "parse_dataset_arg"]
