"""Small fakes of the widgets' providers, for widget tests without data, store or browser.

``FakeProvider`` (``IndicatorProvider``): four communes on a 2 × 2 grid, known values, chosen
so that every state shows: ``taux_pauvrete`` is secret in 99002, ``revenu_median`` is missing
in 99003, peers differ between groups (``densite`` has all four communes, ``departement``
only the first three).

``FakeDiscussions`` (``DiscussionProvider``): an in-memory exchange space with two users,
``elu`` (every visibility) and ``partenaire`` (``partenaires`` and ``tous``).

``FakeRadar`` (``RadarProvider``): ``elu`` may run it on 99001; two plots come back.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import box

from territoire_data.core import peer_groups, zan
from territoire_data.core.catalogue import INDICATORS
from territoire_data.core.indicators import COLUMNS
from territoire_data.core.referential.outlines import Outlines
from territoire_data.errors import TerritoireError, UnknownTerritory
from territoire_data.text.places import normalise

COMMUNES = {
    "99001": "Saint-Éloi-la-Forêt",
    "99002": "Mérignac-sur-Faux",
    "99003": "Bourg-Témoin",
    "99004": "Les Écluses",
}
POPULATION = {"99001": 12_000.0, "99002": 3_000.0, "99003": 800.0, "99004": 45_000.0}
# One group: an EPCI of the first two communes (its dashboard, members table and ZAN).
EPCI = "epci:200000001"
EPCI_NAME = "Communauté fictive"
EPCI_MEMBERS = ("99001", "99002")
# Yearly NAF flows (m²) of 2011 … 2023: the ZAN reference of 99001 is 10 × 2 ha = 20 ha.
NAF_FLOWS = {"99001": [20_000.0] * 13, "99002": [5_000.0] * 13, "99003": [1_000.0] * 13, "99004": [80_000.0] * 13}


@dataclass(frozen=True)
class FakeTerritory:
    code: str
    name: str
    level: str = "commune"
    departement: str = "99"
    epci: str | None = "200000001"
    communes: tuple[str, ...] = ()

    def card(self) -> dict:
        if self.level == "epci":
            return {"code": self.code, "name": self.name, "level": "epci", "area_km2": 20.0}
        return {
            "code": self.code,
            "name": self.name,
            "departement": {"code": "99", "name": "Département fictif"},
            "epci": {"code": self.epci, "name": "Communauté fictive"},
            "area_km2": 10.0,
        }


@dataclass
class Result:
    code: str
    name: str
    departement: str = "99"


class FakeWarehouse:
    """Just what ``zan.trajectory`` reads: the flows, and a manifest built with no commune
    exempted from the 1 ha guarantee."""

    manifest: dict = {"zan_no_guarantee": []}

    def observations(self, variable, code):
        flows = NAF_FLOWS[code] if code != EPCI else [sum(v) for v in zip(*(NAF_FLOWS[c] for c in EPCI_MEMBERS))]
        return pd.DataFrame(
            {"code": code, "variable": variable, "year": range(2011, 2011 + len(flows)), "value": flows, "status": "ok"}
        )


def value(code: str, indicator: str) -> float:
    """Deterministic made-up value of an indicator in a commune (the EPCI: sum or mean of its members)."""
    if code == EPCI:
        members = [value(c, indicator) for c in EPCI_MEMBERS]
        return sum(members) if indicator == "population" else round(sum(members) / len(members), 2)
    if indicator == "population":
        return POPULATION[code]
    rank = list(COMMUNES).index(code)
    return (
        round(10.0 + 5.0 * rank + (sum(map(ord, indicator)) % 7), 2)
        if indicator != "taux_chomage_15_64"
        else 6.0 + rank
    )


class FakeProvider:
    demo = True
    basemap = None

    def __init__(self):
        self.warehouse = FakeWarehouse()
        self.calls: list[tuple] = []
        self.shapes_read: list[str] = []

    def sources(self):
        return {"insee_comparateur": ["2025"]}

    def territory(self, code: str):
        code = str(code).strip()
        if code == EPCI:
            return FakeTerritory(EPCI, EPCI_NAME, level="epci", epci=None, communes=EPCI_MEMBERS)
        if code not in COMMUNES:
            raise UnknownTerritory(f"Commune inconnue : « {code} ».", [])
        return FakeTerritory(code, COMMUNES[code], communes=(code,))

    def members(self, code: str) -> list[str]:
        return list(self.territory(code).communes)

    def unknown_codes(self, codes):
        return [c for c in codes if c not in COMMUNES]

    def search(self, text: str, limit: int = 8):
        query = normalise(text)
        names = {**COMMUNES, EPCI: EPCI_NAME}
        return [Result(c, n) for c, n in names.items() if query in normalise(n) or text.strip() == c][:limit]

    def _peers(self, peers: str, code: str = "") -> list[str]:
        if code == EPCI:  # a group is compared with its level: the only EPCI here
            return [EPCI]
        if peers.startswith("liste:"):
            return peers[6:].split(",")
        return list(COMMUNES)[:3] if peers == "departement" else list(COMMUNES)

    def status(self, code: str, indicator: str) -> str:
        if (code, indicator) == ("99002", "taux_pauvrete"):
            return "secret"
        if (code, indicator) == ("99003", "revenu_median"):
            return "missing"
        return "ok"

    def indicators(self, code: str, peers: str) -> pd.DataFrame:
        self.territory(code)
        self.calls.append(("indicateurs", code, peers))
        peers_codes = self._peers(peers, code)
        rows = []
        for i in INDICATORS:
            status = self.status(code, i.id)
            v = value(code, i.id) if status == "ok" else None
            others = np.array([value(c, i.id) for c in peers_codes if self.status(c, i.id) == "ok"])
            pos = peer_groups.position(np.nan if v is None else v, others)
            start = None if v is None else v * 0.9
            change, rate = i.dynamics(v, 2022, start, 2016)
            rows.append(
                {
                    "id": i.id,
                    "theme": i.theme,
                    "label": i.label,
                    "value": v,
                    "unit": i.unit,
                    "year": 2022 if v is not None else None,
                    "source": "insee_comparateur",
                    "edition": "2025",
                    "status": status,
                    "definition": i.definition,
                    "plain_definition": i.plain_definition,
                    "importance": i.importance,
                    "cumulative": i.cumulative,
                    "polarity": i.polarity,
                    "decimals": i.decimals,
                    "first_year": 2016 if v is not None else None,
                    "first_value": start,
                    "change": change,
                    "annual_rate": rate,
                    "peers_group": peers.split(":")[0],
                    "peers_n": pos["n"],
                    "percentile": pos["percentile"],
                    "median": pos["median"],
                    "q1": pos["q1"],
                    "q3": pos["q3"],
                }
            )
        return pd.DataFrame(rows, columns=COLUMNS)

    def series_of(self, code: str, indicator: str) -> pd.DataFrame:
        years = list(range(2016, 2023))
        v = value(code, indicator)
        return pd.DataFrame(
            {
                "year": years,
                "value": [v * (0.9 + 0.1 * k / 6) for k in range(7)],
                "status": "ok",
                "source": "insee_comparateur",
                "edition": "2025",
            }
        )

    def peer_values(self, code: str, peers: str, indicator: str) -> np.ndarray:
        return np.sort([value(c, indicator) for c in self._peers(peers, code)])

    def export(self, code: str, fmt: str) -> bytes:
        self.calls.append(("export", code, fmt))
        return f"{fmt}:{code}".encode()

    def reading(self, code: str, peers: str):
        from territoire_data.rendering.reading import Reading, describe_peers, takeaways

        codes = self._peers(peers, code)
        description = describe_peers(peers, f"{peers}:4", codes)
        rows = self.indicators(code, peers).to_dict("records")
        names = tuple(sorted(((c, COMMUNES[c]) for c in codes if c in COMMUNES), key=lambda x: x[1]))
        return Reading(description, takeaways(rows, description, self.zan(code)), names)

    def zan_frame(self, code: str) -> list[tuple[str, dict]]:
        if code == EPCI or code not in COMMUNES:
            return []
        return [(EPCI_NAME, zan.trajectory(self.territory(EPCI), warehouse=self.warehouse))]

    def zan(self, code: str, pace_ha_per_year=None, floor_1ha=None) -> dict:
        return zan.trajectory(
            self.territory(code), pace_ha_per_year=pace_ha_per_year, floor_1ha=floor_1ha, warehouse=self.warehouse
        )

    def scope(self, code: str, extent: str = "departement"):
        if code == EPCI:
            return EPCI, f"communes de {EPCI_NAME}"
        if code not in COMMUNES:
            raise TerritoireError("inconnue")
        return (
            ("epci:200000001", "communes de la Communauté fictive")
            if extent == "epci"
            else ("dep:99", "communes du Département fictif")
        )

    def shapes(self, key: str) -> gpd.GeoDataFrame:
        self.shapes_read.append(key)
        codes = list(COMMUNES) if key == "dep:99" else list(EPCI_MEMBERS)
        cases = [
            box(-0.6 + 0.1 * (k % 2), 44.8 + 0.1 * (k // 2), -0.5 + 0.1 * (k % 2), 44.9 + 0.1 * (k // 2))
            for k in range(len(codes))
        ]
        return gpd.GeoDataFrame({"code": codes, "name": [COMMUNES[c] for c in codes]}, geometry=cases, crs=4326)

    def outlines(self, key: str) -> Outlines:
        shapes = self.shapes(key)
        geometries = [shapely.geometry.mapping(g) for g in shapes.geometry]
        bounds = tuple(float(b) for b in shapely.total_bounds(shapes.geometry.to_numpy()))
        return Outlines(key, shapes["code"].tolist(), shapes["name"].tolist(), geometries, bounds)

    def values(self, codes, indicator: str) -> pd.Series:
        return pd.Series(
            [value(c, indicator) if self.status(c, indicator) == "ok" else np.nan for c in codes], index=pd.Index(codes)
        )


VISIBLE = {"elu": ("elus", "partenaires", "tous"), "partenaire": ("partenaires", "tous")}


class FakeSpace:
    """One user's view of ``FakeDiscussions``."""

    def __init__(self, store: FakeDiscussions, login: str):
        self.store, self.login = store, login

    @property
    def authenticated(self) -> bool:
        return self.login in VISIBLE

    def _readable(self, thread: dict) -> bool:
        return thread["visibility"] in VISIBLE.get(self.login, ())

    def threads(self, territory: str) -> list[dict]:
        return [
            {
                **t,
                "unread": sum(
                    1
                    for m in self.store.messages[t["id"]]
                    if m["author"] != self.login and m["id"] > self.store.read.get((self.login, t["id"]), 0)
                ),
                "messages": len(self.store.messages[t["id"]]),
            }
            for t in reversed(self.store.threads)
            if t["territory"] == territory and self._readable(t)
        ]

    def messages(self, thread_id: int) -> list[dict]:
        thread = next(t for t in self.store.threads if t["id"] == thread_id)
        if not self._readable(thread):
            raise TerritoireError("Discussion introuvable ou non accessible.")
        return list(self.store.messages[thread_id])

    def visibilities(self, territory: str) -> list[str]:
        return list(VISIBLE.get(self.login, ()))

    def anchors(self, territory: str, threads=None) -> dict[str, int]:
        count: dict[str, int] = {}
        for t in self.threads(territory) if threads is None else threads:
            if t["anchor_type"] == "indicator" and t["anchor"]:
                count[t["anchor"]] = count.get(t["anchor"], 0) + 1
        return count

    def version(self, territory: str) -> tuple:
        return (sum(len(m) for m in self.store.messages.values()), len(self.store.threads))

    def create_thread(self, territory, title, content, visibility, *, anchor_type=None, anchor=None) -> int:
        if visibility not in self.visibilities(territory):
            raise TerritoireError(f"Vous ne pouvez pas publier avec la visibilité « {visibility} ».")
        identifier = len(self.store.threads) + 1
        self.store.threads.append(
            {
                "id": identifier,
                "territory": territory,
                "title": title,
                "visibility": visibility,
                "visibility_label": visibility,
                "anchor_type": anchor_type,
                "anchor": anchor,
            }
        )
        self.store.messages[identifier] = []
        self._add(identifier, content)
        return identifier

    def reply(self, thread_id: int, content: str) -> int:
        self.messages(thread_id)  # refused when not readable
        return self._add(thread_id, content)

    def _add(self, thread_id: int, content: str) -> int:
        if len(content) > 10_000:
            raise TerritoireError("Message trop long.")
        identifier = sum(len(m) for m in self.store.messages.values()) + 1
        self.store.messages[thread_id].append(
            {
                "id": identifier,
                "thread": thread_id,
                "author": self.login,
                "created_at": "2026-11-30T17:33:00+00:00",
                "edited_at": None,
                "deleted": False,
                "text": content,
                "html": "<p>" + content.replace("&", "&amp;").replace("<", "&lt;") + "</p>",
            }
        )
        return identifier

    def mark_read(self, thread_id: int) -> None:
        last = max((m["id"] for m in self.store.messages[thread_id]), default=0)
        self.store.read[(self.login, thread_id)] = last


class FakeDiscussions:
    def __init__(self):
        self.threads: list[dict] = []
        self.messages: dict[int, list[dict]] = {}
        self.read: dict[tuple[str, int], int] = {}

    def space(self, login: str) -> FakeSpace:
        return FakeSpace(self, login)


class FakeRadar:
    def __init__(self):
        self.runs: list[tuple[str, str]] = []

    def allowed(self, login, code) -> bool:
        return login == "elu" and code == "99001"

    def run(self, login, code) -> dict:
        if not self.allowed(login, code):
            raise TerritoireError(f"Le radar foncier de {code} est réservé aux élus et aux services du territoire.")
        self.runs.append((login, code))
        plots = gpd.GeoDataFrame(
            {
                "id": ["99001000AB0001", "99001000AB0002"],
                "label": ["section AB n° 1", "section AB n° 2"],  # as radar.method names them
                "lieu_dit": ["LE BOURG", ""],  # as radar.places finds them (none for the second)
                "area_m2": [850.0, 1_200.0],
                "score": [80.0, 65.0],
                "reasons": ["non bâtie ; 850 m²", "non bâtie ; 1 200 m²"],
                "green_network_conflict": [False, True],
            },
            geometry=[box(-0.59, 44.81, -0.588, 44.812), box(-0.58, 44.82, -0.578, 44.822)],
            crs=4326,
        )
        summary = {
            "plots": 2,
            "hectares": 0.205,
            "green_network_conflicts": 1,
            "dwellings_per_ha": 25.0,
            "potential_dwellings": 5,
            "housing_need": None,
            "need_covered_share": None,
            "density_basis": "25 logements par hectare (valeur choisie)",
            "need_basis": "Besoin en logements non estimé (pas de chiffres de construction pour la commune).",
            "reading": "Potentiel d'environ 5 logements sur ces parcelles.",
        }
        return {
            "commune": FakeTerritory(code, COMMUNES[code]),
            "plots": plots,
            "envelope": plots.iloc[:0],
            "summary": summary,
        }

    def geopackage(self, result) -> bytes:
        return b"GPKG-fictif"
