"""``territoire data demo``: synthetic files in the official formats, then a warehouse.

Offline and deterministic: the same département gives the same files whatever else is
generated. The warehouse built from them is flagged as demo everywhere it shows.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from territoire_data.demo import ecrivains, modele
from territoire_data.erreurs import TerritoireErreur
from territoire_data.home import dossier_home
from territoire_data.progression import Etapes
from territoire_data.referential import charger

ECRIVAINS = ("comparateur", "dossier_complet", "recensement", "filosofi", "sitadel", "cerema", "flux", "ore",
             "odre", "bpe", "dvf", "grille_densite", "cog")


def generer(dossier: Path, departements: list[str] | None = None, home=None, colonnes_dossier: int = 320) -> Path:
    """Write every demo file under ``dossier`` (emptied first); returns it."""
    ref = charger(home)
    if departements:
        inconnus = sorted(set(departements) - set(ref.departements.index))
        if inconnus:
            raise TerritoireErreur(f"Département(s) inconnu(s) : {', '.join(inconnus)}")
    if dossier.exists():
        shutil.rmtree(dossier)
    dossier.mkdir(parents=True)
    communes = modele.communes(ref, departements)
    with Etapes("Écriture des fichiers de démonstration", total=len(ECRIVAINS)) as etapes:
        for nom in ECRIVAINS:
            etapes(nom)
            ecrire = getattr(ecrivains, nom)
            if nom == "cog":
                ecrire(ref, departements, dossier)
            elif nom in ("filosofi", "cerema"):
                ecrire(communes, dossier, ref)
            elif nom == "dossier_complet":
                ecrire(communes, dossier, colonnes_dossier)
            else:
                ecrire(communes, dossier)
    return dossier


def generer_et_construire(departements: list[str] | None = None, home: str | os.PathLike | None = None) -> dict:
    from territoire_data.entrepot import construire

    home = dossier_home(home)
    brut = generer(home / "demo" / "brut", departements, home)
    return construire([brut], home, demo=True)
