"""The documentation site's reference pages, generated from the code at every build.

``mkdocs.yml`` names this module as a hook: a page whose Markdown holds a marker
``<!-- reference:NAME -->`` gets it replaced by the generated text, so the site cannot
drift from the code:

- ``cli``: every command of the ``territoire`` Typer app with its French help, as
  ``territoire … --help`` prints it;
- ``settings``: the table of ``TERRITOIRE_*`` variables, from ``Settings``'s ``VARIABLES``;
- ``indicators``: the catalogue (id, label, unit, formula, sources, plain definition);
- ``layers``: the layers contract of ``pyproject.toml`` (import-linter), highest first.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(r"<!--\s*reference:(?P<name>[a-z]+)\s*-->")


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def cli() -> str:
    """``territoire --help`` and the help of every sub-command, in French."""
    import typer

    from territoire_data.cli import french
    from territoire_data.cli.app import app

    french.install()
    root = typer.main.get_command(app)
    sections: list[str] = []

    # Typer carries its own copy of Click: its contexts (and the French formatter) come from it.
    def walk(command, path: list[str], parent) -> None:
        context = command.context_class(
            command, info_name=path[-1], parent=parent, terminal_width=100, max_content_width=100
        )
        text = command.get_help(context)
        title = " ".join(path)
        sections.append(f"### `{title}`\n\n```text\n{text}\n```\n")
        if hasattr(command, "list_commands"):
            for name in sorted(command.list_commands(context)):
                sub = command.get_command(context, name)
                if sub is not None and not sub.hidden:
                    walk(sub, [*path, name], context)

    walk(root, ["territoire"], None)
    return "\n".join(sections)


def settings() -> str:
    """The settings table: variable, field of ``Settings``, what it does."""
    from territoire_data.settings import VARIABLES

    rows = ["| variable | champ de `Settings` | rôle |", "|---|---|---|"]
    rows += [f"| `{name}` | `{field}` | {_cell(role)} |" for name, (field, role) in VARIABLES.items()]
    return "\n".join(rows) + "\n"


def indicators() -> str:
    """The catalogue by theme: id, label, unit, formula, sources and plain definition."""
    from territoire_data.core.catalogue import INDICATORS, THEMES

    parts: list[str] = [f"{len(INDICATORS)} indicateurs sur {len(THEMES)} thèmes.\n"]
    for theme, label in THEMES.items():
        parts.append(f"## {label} (`{theme}`)\n")
        parts.append("| identifiant | indicateur | unité | formule | sources | définition |")
        parts.append("|---|---|---|---|---|---|")
        for indicator in INDICATORS:
            if indicator.theme == theme:
                parts.append(
                    f"| `{indicator.id}` | {_cell(indicator.label)} | {_cell(indicator.unit)} "
                    f"| {_cell(indicator.definition)} | {', '.join(f'`{s}`' for s in indicator.sources)} "
                    f"| {_cell(indicator.plain_definition)} |"
                )
        parts.append("")
    return "\n".join(parts)


def layers() -> str:
    """The layers of the import-linter contract, highest first."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["importlinter"]
    contract = next(c for c in config["contracts"] if c["type"] == "layers")
    rows = ["| rang | couche (modules indépendants : `|`, modules qui peuvent s'importer : `:`) |", "|---|---|"]
    for rank, layer in enumerate(contract["layers"], start=1):
        rows.append(f"| {rank} | {_cell(layer)} |".replace("\\|", "&#124;"))
    exceptions = contract.get("ignore_imports", [])
    text = "\n".join(rows) + "\n"
    if exceptions:
        text += "\nExceptions déclarées : " + ", ".join(f"`{e}`" for e in exceptions) + ".\n"
    return text


GENERATORS = {"cli": cli, "settings": settings, "indicators": indicators, "layers": layers}


def expand(markdown: str) -> str:
    """``markdown`` with every reference marker replaced by its generated text."""

    def replace(match: re.Match) -> str:
        name = match.group("name")
        if name not in GENERATORS:
            raise ValueError(f"référence inconnue : {name}")
        return GENERATORS[name]()

    return MARKER.sub(replace, markdown)


def on_page_markdown(markdown: str, **_) -> str:  # the mkdocs hook
    return expand(markdown)
