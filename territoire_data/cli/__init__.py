"""The ``territory`` command: French messages, exit code 2 on user errors, no traceback."""

from __future__ import annotations

import sys

from territoire_data.cli.app import app
from territoire_data.errors import TerritoireError, UnknownTerritory

USER_ERROR_CODE = 2


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns its exit code (usage errors: 2, like user errors)."""
    try:
        app(args=argv, prog_name="territoire", standalone_mode=True)
    except SystemExit as end:  # typer/click end every run with SystemExit
        code = end.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except TerritoireError as error:
        _print_error(error)
        return USER_ERROR_CODE
    except KeyboardInterrupt:
        print("\nInterrompu.", file=sys.stderr)
        return 130
    except Exception as error:
        from territoire_data.settings import Settings

        if Settings.from_environment().debug:
            raise
        print(
            f"Erreur inattendue ({type(error).__name__}) : {error}\n"
            "Relancez avec TERRITOIRE_DEBUG=1 pour le détail, et signalez-la si elle persiste.",
            file=sys.stderr,
        )
        return 1
    return 0


def _print_error(error: TerritoireError) -> None:
    print(f"Erreur : {error}", file=sys.stderr)
    if isinstance(error, UnknownTerritory) and error.suggestions:
        print("Vouliez-vous dire :", file=sys.stderr)
        for suggestion in error.suggestions:
            print(f"  {suggestion}", file=sys.stderr)


def run() -> None:
    """Console-script entry point."""
    sys.exit(main())
