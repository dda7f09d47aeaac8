"""The ``territoire`` command: French messages, exit code 2 on user errors, no traceback."""

from __future__ import annotations

import os
import sys

from territoire_data.cli.app import app
from territoire_data.erreurs import TerritoireErreur, TerritoireInconnu

CODE_ERREUR_UTILISATEUR = 2


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns its exit code (usage errors: 2, like user errors)."""
    try:
        app(args=argv, prog_name="territoire", standalone_mode=True)
    except SystemExit as fin:  # typer/click end every run with SystemExit
        code = fin.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except TerritoireErreur as erreur:
        _afficher(erreur)
        return CODE_ERREUR_UTILISATEUR
    except KeyboardInterrupt:
        print("\nInterrompu.", file=sys.stderr)
        return 130
    except Exception as erreur:  # noqa: BLE001 - last resort: never show a traceback
        if os.environ.get("TERRITOIRE_DEBUG"):
            raise
        print(
            f"Erreur inattendue ({type(erreur).__name__}) : {erreur}\n"
            "Relancez avec TERRITOIRE_DEBUG=1 pour le détail, et signalez-la si elle persiste.",
            file=sys.stderr,
        )
        return 1
    return 0


def _afficher(erreur: TerritoireErreur) -> None:
    print(f"Erreur : {erreur}", file=sys.stderr)
    if isinstance(erreur, TerritoireInconnu) and erreur.suggestions:
        print("Vouliez-vous dire :", file=sys.stderr)
        for suggestion in erreur.suggestions:
            print(f"  {suggestion}", file=sys.stderr)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
