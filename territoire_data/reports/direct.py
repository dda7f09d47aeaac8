"""The portrait notebook run without a kernel, IPython or nbconvert: for a national run.

A national site is ≈ 36,000 pages. Papermill's engine (``engine``) pays, per page, IPython's
cell machinery and nbconvert's templates — more than the portrait's own work. This engine
reads the notebook once, then for each page runs its code cells with ``exec`` in a fresh
namespace (the parameters cell first, then the page's parameters, as Papermill injects
them) and keeps the HTML of each cell's value, the way a notebook shows it. The notebook
stays the one description of the page.

What it does not do: capture ``display()`` calls or printed text. The portrait's cells each
end with one value; a notebook written otherwise is run with Papermill (``territoire
reports --carnet``).
"""

from __future__ import annotations

import ast
import html
from dataclasses import dataclass
from pathlib import Path
from types import CodeType

import nbformat

PARAMETERS_TAG = "parameters"


@dataclass(frozen=True)
class Cell:
    parameters: bool
    body: CodeType  # compiled statements before the last expression (or the whole cell)
    value: CodeType | None  # compiled last expression, or None


def compiled(notebook: str | Path) -> tuple[Cell, ...]:
    """The notebook's code cells, compiled (once per batch of pages: ≈ 1 ms)."""
    return compiled_text(Path(notebook).read_text(encoding="utf-8"))


def compiled_text(notebook: str) -> tuple[Cell, ...]:
    """``compiled``, from the notebook's JSON text (sent to a Dask worker)."""
    nb = nbformat.reads(notebook, as_version=4)
    cells = []
    for number, cell in enumerate(nb.cells):
        if cell.cell_type != "code" or not cell.source.strip():
            continue
        tree = ast.parse(cell.source, filename=f"<cellule {number}>")
        last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        statements = ast.Module(body=tree.body[:-1] if last else tree.body, type_ignores=[])
        cells.append(
            Cell(
                PARAMETERS_TAG in cell.metadata.get("tags", []),
                compile(statements, f"<cellule {number}>", "exec"),
                compile(ast.Expression(last.value), f"<cellule {number}>", "eval") if last else None,
            )
        )
    return tuple(cells)


def shown(value) -> str:
    """A cell's value as a notebook shows it in HTML."""
    if value is None:
        return ""
    if hasattr(value, "_repr_html_"):
        return value._repr_html_() or ""
    return f"<pre>{html.escape(repr(value))}</pre>"


def run(cells: tuple[Cell, ...], parameters: dict) -> list[str]:
    """The HTML of each cell's value (``compiled`` cells), in order, in a fresh namespace; an
    exception of a cell propagates."""
    namespace: dict = {"__name__": "__main__"}
    outputs = []
    for cell in cells:
        exec(cell.body, namespace)
        if cell.parameters:
            namespace.update(parameters)
            continue
        if cell.value is not None:
            outputs.append(shown(eval(cell.value, namespace)))
    return outputs
