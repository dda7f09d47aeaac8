"""The layers hold: dependencies point down (import-linter, run by ``make lint``), every
module of the package belongs to a layer, and the import graph has no cycle."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib

from conftest import ROOT

LINT_IMPORTS = [
    sys.executable,
    "-c",
    "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())",
]


def _contract() -> dict:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    return next(c for c in config["contracts"] if c["type"] == "layers")


def _lint(folder, env=None):
    return subprocess.run(
        [*LINT_IMPORTS, "--no-cache"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def test_the_contracts_are_kept():
    run = _lint(ROOT)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "Contracts: 2 kept, 0 broken." in run.stdout


UPWARD = [
    # A fallback on the default workspace, inside a function, in the domain.
    ("territoire_data/core/zan.py", "def _fallback():\n    from territoire_data.workspace import default_workspace\n"),
    # A type-only import of the composition root.
    (
        "territoire_data/rendering/reading.py",
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from territoire_data.workspace import Workspace\n",
    ),
    # A reader reaching up into the domain that reads it.
    ("territoire_data/sources/tabular.py", "def _up():\n    from territoire_data.core import warehouse\n"),
]


def test_an_upward_import_breaks_the_contract(tmp_path):
    """In a copy of the package with three kinds of upward import added (inside a function,
    under TYPE_CHECKING, from a reader), ``lint-imports`` fails and names each importer."""
    copy = tmp_path / "copie"
    copy.mkdir()
    for package in ("territoire_data", "widgets"):
        shutil.copytree(
            ROOT / package, copy / package, ignore=shutil.ignore_patterns("__pycache__", "data", "notebooks")
        )
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    for module, added in UPWARD:
        target = copy / module
        target.write_text(target.read_text(encoding="utf-8") + "\n\n" + added, encoding="utf-8")
    run = _lint(copy, {"PYTHONPATH": str(copy)})
    assert run.returncode != 0, run.stdout[-3000:]
    assert "BROKEN" in run.stdout
    for module, _added in UPWARD:
        assert module.removesuffix(".py").replace("/", ".") in run.stdout, (module, run.stdout[-3000:])


def test_every_module_belongs_to_a_layer():
    """A new top-level module or package is placed in the contract, not left out of it."""
    declared = set()
    for layer in _contract()["layers"]:
        for part in layer.replace("|", ":").split(":"):
            declared.add(part.strip())
    present = {
        f"territoire_data.{p.stem if p.is_file() else p.name}"
        for p in (ROOT / "territoire_data").iterdir()
        if (p.suffix == ".py" and p.stem not in ("__init__", "__main__")) or (p / "__init__.py").is_file()
    }
    assert present - declared == set(), present - declared


def test_the_import_graph_has_no_cycle():
    """No module of ``territoire_data`` or ``widgets`` reaches itself through its imports, counting
    imports inside functions and under TYPE_CHECKING (Tarjan's strongly connected components)."""
    import grimp

    graph = grimp.build_graph("territoire_data", "widgets", include_external_packages=False)
    modules = sorted(graph.modules)
    edges = {m: sorted(graph.find_modules_directly_imported_by(m)) for m in modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    counter = 0

    def visit(root: str) -> None:  # iterative Tarjan: the graph is deep enough for recursion limits
        nonlocal counter
        work = [(root, 0)]
        while work:
            node, position = work.pop()
            if position == 0:
                index[node] = low[node] = counter
                counter += 1
                stack.append(node)
                on_stack.add(node)
            targets = edges[node]
            if position < len(targets):
                work.append((node, position + 1))
                target = targets[position]
                if target not in index:
                    work.append((target, 0))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])

    for module in modules:
        if module not in index:
            visit(module)
    assert cycles == [], cycles
