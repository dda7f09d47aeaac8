"""Which reports a batch makes, and the fingerprint of each report's inputs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from territoire_data.entrepot import ouvrir
from territoire_data.carnets import dossier_carnets
from territoire_data.erreurs import TerritoireErreur
from territoire_data.home import dossier_home
from territoire_data.rapports.execution import Tache
from territoire_data.referential import charger
from territoire_data.territoires import territoire

SCHEMA = 1  # bump when the report's rendering changes: every report is redone
CARNET = dossier_carnets() / "portrait.ipynb"
RACINE = CARNET.parents[1]


def sortie_par_defaut(code: str) -> Path:
    """``reports/sortie/<scope>`` of the repository, else ``$TERRITOIRE_HOME/rapports/<scope>``."""
    base = RACINE / "reports" / "sortie" if (RACINE / "reports").is_dir() else dossier_home() / "rapports"
    return base / nom_fichier(code, "x")[:-2]


def _sha256(donnees: bytes) -> str:
    return hashlib.sha256(donnees).hexdigest()


def nom_fichier(code: str, extension: str) -> str:
    if code.startswith("liste:"):
        return f"selection.{extension}"
    return f"{code.replace(':', '-')}.{extension}"


def perimetre(communes: str | None, epci: str | None, departement: str | None) -> tuple[list[str], str | None]:
    """(commune codes, group code) of the batch; exactly one option must be given."""
    donnes = [o for o in (communes, epci, departement) if o]
    if len(donnes) != 1:
        raise TerritoireErreur("Indiquez un périmètre et un seul : --communes C1,C2…, --epci SIREN ou --departement D.")
    ref = charger()
    if communes:
        codes = []
        for brut in communes.split(","):
            if brut.strip():
                t = territoire(brut.strip(), referentiel=ref)
                if t.level != "commune":
                    raise TerritoireErreur(f"« {brut.strip()} » n'est pas une commune.")
                codes.append(t.code)
        codes = list(dict.fromkeys(codes))
        if not codes:
            raise TerritoireErreur("--communes : aucune commune indiquée.")
        return codes, ("liste:" + ",".join(codes) if len(codes) > 1 else None)
    groupe = territoire(f"epci:{epci.removeprefix('epci:')}" if epci else f"dep:{departement.removeprefix('dep:')}",
                        referentiel=ref)
    return sorted(groupe.communes), groupe.code


def taches(codes: list[str], groupe: str | None, *, carnet: Path = CARNET, pairs: str = "densite",
           format: str = "html") -> list[Tache]:
    """One task per commune, then the group's; each with the fingerprint of its inputs."""
    if format not in ("html", "pdf"):
        raise TerritoireErreur(f"Format inconnu : « {format} » (html ou pdf).")
    carnet = Path(carnet).resolve()
    if not carnet.is_file():
        raise TerritoireErreur(f"Carnet introuvable : {carnet}")
    ref = charger()
    entrepot = ouvrir()
    base = {"schema": SCHEMA, "carnet": _sha256(carnet.read_bytes()), "format": format,
            "entrepot": _sha256(json.dumps(entrepot.manifeste, sort_keys=True, default=str).encode())}
    home = str(dossier_home())
    liste = []
    for code in [*codes, *([groupe] if groupe else [])]:
        parametres = {"code": code, "pairs": pairs}
        nom = (ref.communes.at[code, "nom"] if code in ref.communes.index
               else f"Sélection de {len(codes)} communes" if code.startswith("liste:")
               else territoire(code, referentiel=ref).name)
        empreinte = _sha256(json.dumps({**base, "parametres": parametres}, sort_keys=True).encode())
        liste.append(Tache(code, str(nom), str(carnet), parametres, nom_fichier(code, format), empreinte, format, home))
    return liste
