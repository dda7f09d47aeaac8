"""Where territoire reads and writes: ``--home DIR`` > ``$TERRITOIRE_HOME`` > user data folder."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

from territoire_data.errors import TerritoireError

HOME_VARIABLE = "TERRITOIRE_HOME"


def resolve_home(home: str | os.PathLike | None = None) -> Path:
    """The working folder, created if needed; a French error when it cannot be used."""
    raw = home if home is not None else os.environ.get(HOME_VARIABLE) or platformdirs.user_data_dir("territoire")
    path = Path(raw).expanduser()
    if path.exists() and not path.is_dir():
        raise TerritoireError(f"Le dossier de travail « {path} » existe mais n'est pas un dossier.")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise TerritoireError(
            f"Impossible de créer le dossier de travail « {path} » : {exc.strerror or exc}."
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise TerritoireError(f"Le dossier de travail « {path} » n'est pas accessible en écriture.")
    return path.resolve()
