"""Agence ORE, consommation annuelle d'électricité et de gaz par commune.

``annee;filiere;code_commune;code_categorie_consommation;code_secteur_naf2;conso_totale_mwh;
nombre_de_mailles_secretisees`` (``;`` or ``,``). Rows are summed per commune, year and
energy into the total and the residential / tertiary / industry / agriculture sectors
(category ``RES`` is residential; otherwise the NAF division gives the sector). A total
that includes secret meshes is secret: the published 0 is not a zero.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from territoire_data.sources import observations, tabular
from territoire_data.sources.base import (
    Reading,
    Source,
    has_columns,
    integers,
    map_unique,
    read_named_columns,
    trimmed_text,
)
from territoire_data.text.places import without_accents

ENERGIES = {"electricite": "ELEC", "elec": "ELEC", "e": "ELEC", "gaz": "GAZ", "g": "GAZ"}


def sector(category: str, naf: str) -> str:
    if category.upper() == "RES":
        return "RES"
    division = naf[:2]
    if not division.isdigit():
        return "TER" if category.upper() == "PRO" else "INC"
    line_number = int(division)
    return "AGR" if line_number <= 3 else "IND" if line_number <= 43 else "TER"


def sectors(categories: np.ndarray, naf: np.ndarray) -> np.ndarray:
    """Vectorised ``sector`` over whole columns."""
    categories = pd.Series(categories, dtype=object).str.upper()
    division = pd.to_numeric(pd.Series(naf, dtype=object).str[:2], errors="coerce")
    return np.select(
        [categories == "RES", division.isna() & (categories == "PRO"), division.isna(), division <= 3, division <= 43],
        ["RES", "TER", "INC", "AGR", "IND"],
        "TER",
    )


class AgenceOre(Source):
    name = "agence_ore"
    label = "Agence ORE, consommations d'électricité et de gaz"
    producer = "Agence ORE"

    def recognises(self, header):
        return has_columns(header, "annee", "filiere", "code_commune", "conso_totale_mwh")

    def read(self, file, header, useful):
        cols = read_named_columns(
            file,
            header,
            ["annee", "filiere", "code_commune", "conso_totale_mwh"],
            ["code_categorie_consommation", "code_secteur_naf2", "nombre_de_mailles_secretisees"],
        )
        n = len(cols["annee"])
        consumption, statuses = tabular.parse_values(
            file, header, cols["conso_totale_mwh"], "conso_totale_mwh", secrets=frozenset({"s"})
        )
        meshes = (
            integers(file, header, cols["nombre_de_mailles_secretisees"], "nombre_de_mailles_secretisees")
            if "nombre_de_mailles_secretisees" in cols
            else np.zeros(n, int)
        )
        categories = (
            trimmed_text(cols["code_categorie_consommation"])
            if "code_categorie_consommation" in cols
            else np.full(n, "", object)
        )
        naf = trimmed_text(cols["code_secteur_naf2"]) if "code_secteur_naf2" in cols else np.full(n, "", object)
        frame = pd.DataFrame(
            {
                "code": tabular.commune_codes(file, header, cols["code_commune"], "code_commune"),
                "annee": integers(file, header, cols["annee"], "annee"),
                "filiere": map_unique(
                    trimmed_text(cols["filiere"]), lambda f: ENERGIES.get(without_accents(f).lower(), "")
                ),
                "secteur": sectors(categories, naf),
                "conso": np.nan_to_num(consumption),
                "secret": (meshes > 0) | (statuses == "secret"),
            }
        )
        frame = frame[frame["filiere"] != ""]
        edition = str(frame["annee"].max()) if len(frame) else "inconnue"
        pieces = []
        for key, sub in (("", frame), *((f"_{s}", frame[frame["secteur"] == s]) for s in ("RES", "TER", "IND", "AGR"))):
            summed = sub.groupby(["code", "annee", "filiere"]).agg(conso=("conso", "sum"), secret=("secret", "any"))
            summed = summed.reset_index()
            for energy, block in summed.groupby("filiere"):
                status = np.where(block["secret"], "secret", "ok")
                pieces.append(
                    observations.block(
                        block["code"],
                        f"CONSO_{energy}{key}",
                        block["annee"],
                        np.nan,
                        block["conso"],
                        status,
                        self.name,
                        edition,
                    )
                )
        return Reading(observations.concatenate(pieces), edition)


# The per-sector dataset (« conso-elec-gaz-annuelle-par-secteur-dactivite-agregee-commune »),
# exported with field names (``consoa``, ``nombre_mailles_secretisees_a``…) or with French
# labels as header (``Consommation Agriculture (MWh)``, ``Nombre de mailles secretisées
# (agriculture)``…, CRLF, and two labels with a double space: ``Consommation Tertiaire  (MWh)``).
# Both are real. Labels and field names are normalised (accents, case, spaces) before matching.
ORE_SECTORS = {
    "AGR": ("consommation agriculture", "consoa"),
    "IND": ("consommation industrie", "consoi"),
    "TER": ("consommation tertiaire", "consot"),
    "RES": ("consommation residentiel", "consor"),
    "INC": ("consommation secteur inconnu", "consona"),
}
ORE_MESHES = {
    "AGR": ("nombre de mailles secretisees agriculture", "nombre_mailles_secretisees_a"),
    "IND": ("nombre de mailles secretisees industrie", "nombre_mailles_secretisees_i"),
    "TER": ("nombre de mailles secretisees tertiaire", "nombre_mailles_secretisees_t"),
    "RES": ("nombre de mailles secretisees residentiel", "nombre_mailles_secretisees_r"),
    "INC": ("nombre de mailles secretisees secteur inconnu", "nombre_mailles_secretisees_na"),
}
ORE_FIELDS = {
    "annee": ("annee",),
    "filiere": ("filiere",),
    "code_commune": ("code commune", "code_commune"),
    "total": ("consommation totale", "consototale", "conso_totale"),
}


def _normalise_label(label: str) -> str:
    """``Consommation Tertiaire  (MWh)`` → ``consommation tertiaire``."""
    trimmed_text = without_accents(label).lower().replace("(mwh)", " ").replace("(", " ").replace(")", " ")
    return " ".join(trimmed_text.split())


class AgenceOreSectors(Source):
    name = "agence_ore"
    label = "Agence ORE, consommations d'électricité et de gaz"
    producer = "Agence ORE"

    @staticmethod
    def _columns(header) -> dict[str, str]:
        """Our name → column as written, for every known field present."""
        normalised = {_normalise_label(c): c for c in header.columns}
        found = {}
        for name, variants in [
            *ORE_FIELDS.items(),
            *((f"conso_{s}", v) for s, v in ORE_SECTORS.items()),
            *((f"mailles_{s}", v) for s, v in ORE_MESHES.items()),
        ]:
            for variant in variants:
                if variant in normalised:
                    found[name] = normalised[variant]
                    break
        return found

    def recognises(self, header):
        found = self._columns(header)
        return {"annee", "filiere", "code_commune"} <= found.keys() and sum(k.startswith("conso_") for k in found) >= 4

    def read(self, file, header, useful):
        found = self._columns(header)
        cols = read_named_columns(file, header, list(found.values()))
        by_name = {name: cols[column] for name, column in found.items()}
        frame = pd.DataFrame(
            {
                "code": tabular.commune_codes(file, header, by_name["code_commune"], found["code_commune"]),
                "annee": integers(file, header, by_name["annee"], found["annee"]),
                "filiere": map_unique(
                    trimmed_text(by_name["filiere"]), lambda f: ENERGIES.get(without_accents(f).lower(), "")
                ),
            }
        )
        secret_total = np.zeros(len(frame), bool)
        for sector in ORE_SECTORS:
            if f"conso_{sector}" not in by_name:
                continue
            name = found[f"conso_{sector}"]
            values, statuses = tabular.parse_values(
                file, header, by_name[f"conso_{sector}"], name, secrets=frozenset({"s"})
            )
            secret = statuses == "secret"
            if f"mailles_{sector}" in by_name:
                secret |= integers(file, header, by_name[f"mailles_{sector}"], found[f"mailles_{sector}"]) > 0
            frame[sector] = np.nan_to_num(values)
            frame[f"secret_{sector}"] = secret
            secret_total |= secret
        sectors = [s for s in ORE_SECTORS if s in frame.columns]
        if "total" in by_name:
            total, _ = tabular.parse_values(file, header, by_name["total"], found["total"], secrets=frozenset({"s"}))
            frame["total"] = np.nan_to_num(total)
        else:
            frame["total"] = frame[sectors].sum(axis=1)
        frame["secret_total"] = secret_total
        frame = frame[frame["filiere"] != ""]
        edition = str(frame["annee"].max()) if len(frame) else "inconnue"
        # Several operators serve a commune: their rows add up.
        summed = (
            frame.groupby(["code", "annee", "filiere"])
            .agg(
                **{c: (c, "sum") for c in ["total", *sectors]},
                **{f"secret_{c}": (f"secret_{c}", "any") for c in ["total", *sectors]},
            )
            .reset_index()
        )
        pieces = []
        for energy, block in summed.groupby("filiere"):
            for sector, suffix in (
                ("total", ""),
                *((s, f"_{s}") for s in ("RES", "TER", "IND", "AGR") if s in sectors),
            ):
                status = np.where(block[f"secret_{sector}"], "secret", "ok")
                pieces.append(
                    observations.block(
                        block["code"],
                        f"CONSO_{energy}{suffix}",
                        block["annee"],
                        np.nan,
                        block[sector],
                        status,
                        self.name,
                        edition,
                    )
                )
        return Reading(observations.concatenate(pieces), edition)
