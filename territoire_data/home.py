"""Where territoire reads and writes: ``--home DIR`` > ``$TERRITOIRE_HOME`` > user data folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from territoire_data.erreurs import TerritoireErreur

VARIABLE = "TERRITOIRE_HOME"


def dossier_home(home: str | os.PathLike | None = None) -> Path:
    """The working folder, created if needed; a French error when it cannot be used."""
    brut = home if home is not None else os.environ.get(VARIABLE) or platformdirs.user_data_dir("territoire")
    chemin = Path(brut).expanduser()
    if chemin.exists() and not chemin.is_dir():
        raise TerritoireErreur(f"Le dossier de travail « {chemin} » existe mais n'est pas un dossier.")
    try:
        chemin.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TerritoireErreur(
            f"Impossible de créer le dossier de travail « {chemin} » : {exc.strerror or exc}."
        ) from None
    if not os.access(chemin, os.W_OK | os.X_OK):
        raise TerritoireErreur(f"Le dossier de travail « {chemin} » n'est pas accessible en écriture.")
    return chemin.resolve()
