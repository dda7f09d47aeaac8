"""The CLI's own words in French: usage lines, help headings and parameter errors.

Typer (≥ 0.20) carries its own copy of Click, whose words are plain English strings. Three
points of it are adapted here, and only here: the help formatter (usage prefix, headings,
the help option's line, ``[default: …]``), the way a usage error is shown (« Erreur : … »,
« Essayez … ») and the texts of the common errors (unknown option, invalid value, missing
option). ``install()`` is idempotent; ``tests/test_cli.py`` checks the result, so an
incompatible Typer shows up in the tests rather than as English on a user's screen.
"""

from __future__ import annotations

import re
import sys
from typing import IO, Any

HEADINGS = {"Options": "Options", "Commands": "Commandes", "Arguments": "Arguments"}
PHRASES = (
    ("Show this message and exit.", "Afficher cette aide et quitter."),
    ("[default: ", "[défaut : "),
    ("[required]", "[obligatoire]"),
    ("[env var: ", "[variable : "),
    ("COMMAND [ARGS]...", "COMMANDE [ARGUMENTS]..."),
    ("[OPTIONS]", "[OPTIONS]"),
)
# (pattern of Typer's message, French text); the first that matches wins.
ERRORS = (
    (r"^No such option: (?P<a>\S+)(?P<rest>.*)$", "option inconnue : {a}{rest}"),
    (r"^No such command '(?P<a>.+)'\.$", "commande inconnue : « {a} »."),
    (r"^Missing option '(?P<a>.+)'\.(?P<rest>.*)$", "option obligatoire manquante : {a}.{rest}"),
    (r"^Missing argument '(?P<a>.+)'\.(?P<rest>.*)$", "argument obligatoire manquant : {a}.{rest}"),
    (r"^Missing parameter: (?P<a>.+)$", "paramètre manquant : {a}"),
    (r"^Option '(?P<a>.+)' requires an argument\.$", "l'option {a} demande une valeur."),
    (r"^Option '(?P<a>.+)' requires (?P<n>\d+) arguments\.$", "l'option {a} demande {n} valeurs."),
    (r"^Option '(?P<a>.+)' does not take a value\.$", "l'option {a} ne prend pas de valeur."),
    (r"^Got unexpected extra argument(?:\(s\)|s)? \((?P<a>.+)\)$", "argument(s) en trop : {a}"),
    (r"^Invalid value for (?P<a>.+?): (?P<rest>.+)$", "valeur invalide pour {a} : {rest}"),
    (r"^Invalid value: (?P<rest>.+)$", "valeur invalide : {rest}"),
)
DETAILS = (
    (r"Input should be a valid integer.*", "un nombre entier est attendu"),
    (r"Input should be a valid number.*", "un nombre est attendu"),
    (r"(?P<v>\S+) is not in the range (?P<r>.+)\.", "{v} n'est pas dans l'intervalle {r}."),
    (r"(?P<v>.+) is not a valid (?P<t>.+)\.", "{v} n'est pas un {t} valide."),
    (r"(?P<v>.+) is not one of (?P<c>.+)\.", "{v} n'est pas parmi {c}."),
    (r"\(Possible options: (?P<o>.+)\)", "(options possibles : {o})"),
    (r"Did you mean (?P<o>.+)\?", "Vouliez-vous dire {o} ?"),
)


# Metavars Typer derives from types, in the usage words of the help.
METAVARS = (
    ("<int range>", "N"),
    ("<int>", "N"),
    ("<float>", "NOMBRE"),
    ("<str>", "TEXTE"),
    ("<path>", "CHEMIN"),
    ("<bool>", "OUI|NON"),
)


def translate_phrases(text: str) -> str:
    for english, french in PHRASES + METAVARS:
        text = text.replace(english, french)
    return re.sub(r"\{([A-Za-z_]+)\}", lambda m: m.group(1).upper(), text)


def translate_term(term: str) -> str:
    """A row's term: an argument shows its name only (``CODE``, not ``CODE <str>``)."""
    if not term.startswith("-"):
        term = re.sub(r"\s+<[^>]+>$", "", term)
    return translate_phrases(term)


def translate_error(message: str) -> str:
    """Typer's message of a usage error, in French (unchanged when unknown)."""
    for pattern, french in ERRORS:
        found = re.match(pattern, message, re.S)
        if found:
            parts = {k: _details(v) for k, v in found.groupdict().items()}
            return french.format(**parts)
    return _details(message)


def _details(text: str) -> str:
    for pattern, french in DETAILS:
        text = re.sub(pattern, _replacement(french), text)
    return text


def _replacement(french: str):
    def replace(found: re.Match) -> str:
        return french.format(**found.groupdict())

    return replace


def install() -> None:
    """Adapt Typer's copy of Click (idempotent)."""
    from typer import core as typer_core
    from typer._click import core, exceptions, formatting, utils

    if getattr(formatting.HelpFormatter, "_territoire", False):
        return

    class FrenchHelpFormatter(formatting.HelpFormatter):
        _territoire = True

        def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
            super().write_usage(prog, translate_phrases(args), "Utilisation : " if prefix is None else prefix)

        def write_heading(self, heading: str) -> None:
            super().write_heading(HEADINGS.get(heading, heading))

        def write_dl(self, rows, *args, **kwargs) -> None:
            super().write_dl([(translate_term(term), translate_phrases(text)) for term, text in rows], *args, **kwargs)

    def show_usage_error(self: Any, file: IO[Any] | None = None) -> None:
        stream = file if file is not None else sys.stderr
        if self.ctx is not None:
            hint = ""
            if self.ctx.command.get_help_option(self.ctx) is not None:
                hint = f"Essayez « {self.ctx.command_path} {self.ctx.help_option_names[0]} » pour l'aide.\n"
            utils.echo(f"{translate_phrases(self.ctx.get_usage())}\n{hint}", file=stream)
        utils.echo(f"Erreur : {translate_error(self.format_message())}", file=stream)

    def show_error(self: Any, file: IO[Any] | None = None) -> None:
        utils.echo(f"Erreur : {translate_error(self.format_message())}", file=file if file is not None else sys.stderr)

    formatting.HelpFormatter._territoire = True  # type: ignore[attr-defined]
    core.Context.formatter_class = FrenchHelpFormatter
    exceptions.ClickException.show = show_error  # type: ignore[method-assign]
    exceptions.UsageError.show = show_usage_error  # type: ignore[method-assign]
    if hasattr(typer_core, "_"):
        typer_core._ = _typer_words


def _typer_words(message: str) -> str:
    """The few words Typer's own layer passes through gettext."""
    words = {"Aborted!": "Interrompu.", "Commands": "Commandes", "Missing command.": "Commande manquante."}
    return words.get(message, message)
