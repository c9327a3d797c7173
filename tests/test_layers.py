"""The toolkit's modules form layers: no import circle between modules or packages, counting the imports made inside
functions (a circle held by function-level imports works only while nothing imports its members in another order),
and every package and module imports on its own, first, in a fresh interpreter.

    pytest -q tests/test_layers.py
"""
from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
TOP = ("probe", "paraphrase")


def module_names() -> dict[str, Path]:
    """Dotted name → file of every module of the toolkit (a package is named by its ``__init__.py``)."""
    out = {}
    for top in TOP:
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[-1] == "__main__":
                continue  # running it is its point: `python -m probe.sweep`
            out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


MODULES = module_names()
PACKAGES = sorted(n for n, p in MODULES.items() if p.name == "__init__.py")


def _targets(importer: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The toolkit modules an import statement runs, by dotted name."""
    is_pkg = MODULES[importer].name == "__init__.py"
    if isinstance(node, ast.Import):
        names = [a.name for a in node.names]
    else:
        base = node.module or ""
        if node.level:
            here = importer.split(".") if is_pkg else importer.split(".")[:-1]
            here = here[: len(here) - (node.level - 1)]
            base = ".".join([*here, base] if base else here)
        names = [base] + [f"{base}.{a.name}" for a in node.names]  # `from . import models` imports a module
    out = []
    for name in names:
        parts = name.split(".")
        for i in range(1, len(parts) + 1):  # importing a.b.c runs the packages a and a.b first
            target = ".".join(parts[:i])
            if target in MODULES and not importer.startswith(target + ".") and target != importer:
                out.append(target)
    return out


def import_graph() -> dict[str, set[str]]:
    """Module → the toolkit modules it imports anywhere in its body (module level, in functions, in methods)."""
    graph = {}
    for name, path in MODULES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        graph[name] = {t for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                       for t in _targets(name, node)} - {"probe", "paraphrase"}  # the top packages only hand on names
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str]:
    """One import circle as [a, b, ..., a], or [] when the graph has none (depth-first search)."""
    state, stack = {}, []

    def visit(n):
        state[n] = "open"
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == "open":
                return stack[stack.index(m):] + [m]
            if m not in state:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        state[n] = "done"
        return []

    for n in sorted(graph):
        if n not in state:
            found = visit(n)
            if found:
                return found
    return []


def package_of(module: str) -> str:
    """probe.analysis.report → probe.analysis; probe.config → probe.config (a flat module is its own room)."""
    parts = module.split(".")
    return ".".join(parts[:2])


def test_the_import_graph_is_read_from_the_code():
    g = import_graph()
    assert "probe.backends.models" in g["probe.backends"]  # load_backend resolves the model
    assert {"probe.backends", "probe.backends.spec"} <= g["probe.config"]  # the package's __init__ runs first
    assert "probe.backends.models" in g["probe.cli"]  # `from .backends import models`, inside _cmd_models
    assert "probe.analysis.audited" in g["probe.analysis.runs"]
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) == []


def test_no_import_circle_between_modules():
    cycle = find_cycle(import_graph())
    assert not cycle, "import circle: " + " -> ".join(cycle)


def test_no_import_circle_between_packages():
    rooms: dict[str, set[str]] = {}
    for module, targets in import_graph().items():
        rooms.setdefault(package_of(module), set()).update(package_of(t) for t in targets)
    rooms = {k: v - {k} for k, v in rooms.items()}
    cycle = find_cycle(rooms)
    assert not cycle, "package circle: " + " -> ".join(cycle)


def _run(code: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize("package", PACKAGES)
def test_each_package_imports_alone_in_a_fresh_interpreter(package):
    r = _run(f"import {package}")
    assert r.returncode == 0, r.stderr.strip().splitlines()[-1:]


def test_each_module_imports_first_in_a_fresh_interpreter():
    """One interpreter, the toolkit's modules forgotten before each import: each module is imported as the first
    toolkit module (third-party libraries stay loaded; one interpreter per module would take minutes)."""
    code = f"""
import importlib, sys, traceback
failed = []
for name in {sorted(MODULES)!r}:
    for m in [m for m in sys.modules if m.split(".")[0] in {TOP!r}]:
        del sys.modules[m]
    try:
        importlib.import_module(name)
    except BaseException:
        failed.append(name + ": " + traceback.format_exc().strip().splitlines()[-1])
print("\\n".join(failed))
sys.exit(1 if failed else 0)
"""
    r = _run(code)
    assert r.returncode == 0, r.stdout + r.stderr[-2000:]
    assert len(MODULES) > 60  # every module was found, not a few
