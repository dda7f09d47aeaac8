"""What the widgets ask of the data, as interfaces, and their implementation on a workspace.

Widgets never import the data packages' readers: they talk to three providers —

- ``IndicatorProvider``: territories, indicators, series, peers, ZAN and map shapes;
- ``DiscussionProvider``: the exchange space as one user sees it (``space(login)``); on a
  workspace, ``space`` is the ``StoreClient`` that also serves the mise en relation
  (``widgets.actors``: directory, requests, invitations, notifications);
- ``RadarProvider``: the radar foncier, for those allowed to run it.

``WorkspaceProvider``, ``WorkspaceDiscussions`` and ``WorkspaceRadar`` implement them on a
``territoire_data.Workspace``; ``tests/fakes.py`` implements them over made-up communes, so
every widget is tested in plain pytest.
"""

from __future__ import annotations

import tempfile
from collections import OrderedDict
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from territoire_data.core import indicators, peer_groups, zan
from territoire_data.core.referential.outlines import Outlines
from territoire_data.core.referential.outlines import outlines as referential_outlines
from territoire_data.errors import TerritoireError
from territoire_data.rendering.reading import Reading, reading_of
from territoire_data.workspace import Workspace

DASHBOARD_LEVELS = ("commune", "epci", "scot", "departement", "region")


class IndicatorProvider(Protocol):
    basemap: tuple[str, str] | None  # (tile URL template, attribution); None: no request leaves the server

    @property
    def demo(self) -> bool: ...

    def sources(self) -> dict[str, list[str]]: ...
    def territory(self, code: str): ...
    def members(self, code: str) -> list[str]: ...
    def unknown_codes(self, codes) -> list[str]: ...
    def search(self, text: str, limit: int = 8) -> list: ...
    def indicators(self, code: str, peers: str) -> pd.DataFrame: ...
    def series_of(self, code: str, indicator: str) -> pd.DataFrame: ...
    def peer_values(self, code: str, peers: str, indicator: str) -> np.ndarray: ...
    def zan(self, code: str, pace_ha_per_year: float | None = None, floor_1ha: bool | None = None) -> dict: ...
    def zan_frame(self, code: str) -> list[tuple[str, dict]]: ...
    def reading(self, code: str, peers: str) -> Reading: ...
    def export(self, code: str, fmt: str) -> bytes: ...
    def scope(self, code: str, extent: str = "departement") -> tuple[str, str]: ...
    def outlines(self, key: str) -> Outlines: ...
    def values(self, codes, indicator: str) -> pd.Series: ...


class DiscussionAccess(Protocol):
    """The exchange space as one user sees it (``territoire_data.discussions.DiscussionSpace``)."""

    login: str | None

    @property
    def authenticated(self) -> bool: ...
    def threads(self, territory: str) -> list[dict]: ...
    def messages(self, thread_id: int) -> list[dict]: ...
    def visibilities(self, territory: str) -> list[str]: ...
    def anchors(self, territory: str, threads: list[dict] | None = None) -> dict[str, int]: ...
    def version(self, territory: str) -> tuple: ...
    def create_thread(
        self,
        territory: str,
        title: str,
        content: str,
        visibility: str,
        *,
        anchor_type: str | None = None,
        anchor: str | None = None,
    ) -> int: ...
    def reply(self, thread_id: int, content: str) -> int: ...
    def edit(self, message_id: int, content: str) -> None: ...
    def delete(self, message_id: int) -> None: ...
    def mark_read(self, thread_id: int) -> None: ...


class DiscussionProvider(Protocol):
    def space(self, login: str) -> DiscussionAccess: ...


class RadarProvider(Protocol):
    def allowed(self, login: str | None, code: str) -> bool: ...
    def run(self, login: str | None, code: str) -> dict: ...
    def geopackage(self, result: dict) -> bytes: ...


class TriennialProvider(Protocol):
    """The triennial artificialisation report of a territory, for who may draft it."""

    def allowed(self, login: str | None, code: str) -> bool: ...
    def documents(self, login: str | None, code: str) -> dict: ...
    def corrections(self, login: str | None, code: str) -> list[dict]: ...
    def record(self, login: str | None, code: str, **fields) -> dict: ...
    def withdraw(self, login: str | None, correction_id: int) -> None: ...


def granted(provider, login: str | None, code: str) -> bool:
    """What a panel reserved to some users asks before showing itself or acting: the
    provider's right for ``login`` on ``code`` — False without a provider, a login or a
    territory (the radar, the triennial report and its corrections)."""
    return bool(provider is not None and login and code and provider.allowed(login, code))


class _LruCache(OrderedDict):
    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def get_or_compute(self, key, calculation):
        if key in self:
            self.move_to_end(key)
            return self[key]
        value = self[key] = calculation()
        if len(self) > self.size:
            self.popitem(last=False)
        return value


class WorkspaceProvider:
    """``IndicatorProvider`` over a workspace's referential and warehouse."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace
        self.warehouse = workspace.warehouse  # first: without one, say so before building anything
        self.referential = workspace.referential
        settings = workspace.settings
        self.basemap = (settings.basemap_url, settings.basemap_attribution or "") if settings.basemap_url else None
        self._tables = _LruCache(32)
        self._outlines = _LruCache(8)  # the scopes a visitor moves between (a few hundred kB each)

    @property
    def demo(self) -> bool:
        return self.warehouse.demo

    def sources(self) -> dict[str, list[str]]:
        """Sources of the warehouse and their editions."""
        return {name: list(s.get("editions", [])) for name, s in self.warehouse.manifest.get("sources", {}).items()}

    def territory(self, code: str):
        """The territory of a code (commune, EPCI, département or région); ``TerritoireError``
        (French message) otherwise."""
        t = self.workspace.territory(code)
        if t.level not in DASHBOARD_LEVELS:
            raise TerritoireError(
                f"« {code} » : le tableau de bord s'ouvre sur une commune, un EPCI (epci:SIREN), "
                "un SCoT (scot:NOM), un département (dep:33) ou une région (reg:75)."
            )
        return t

    def members(self, code: str) -> list[str]:
        """The member communes of a group (the commune itself for a commune)."""
        return list(self.territory(code).communes)

    def unknown_codes(self, codes) -> list[str]:
        index = self.referential.communes.index
        return [c for c in codes if c not in index]

    def search(self, text: str, limit: int = 8):
        return self.workspace.search(text, limit=limit, levels=DASHBOARD_LEVELS)

    def indicators(self, code: str, peers: str) -> pd.DataFrame:
        return self._tables.get_or_compute(
            (code, peers),
            lambda: indicators.indicator_table(self.territory(code), peers=peers, warehouse=self.warehouse),
        )

    def series_of(self, code: str, indicator: str) -> pd.DataFrame:
        return self.warehouse.series_of(code, indicator)

    def peer_values(self, code: str, peers: str, indicator: str) -> np.ndarray:
        group = peer_groups.peers_in(self.territory(code), peers, self.warehouse)
        return self.warehouse.sorted_values(group.key, group.codes).get(indicator, np.array([]))

    def export(self, code: str, fmt: str) -> bytes:
        """The file ``territoire export CODE --format FMT --annees toutes`` writes, as bytes."""
        from territoire_data.rendering.territory_export import export

        with tempfile.TemporaryDirectory() as folder:
            return export(self.workspace, code, fmt, Path(folder) / f"export.{fmt}", all_years=True).read_bytes()

    def reading(self, code: str, peers: str) -> Reading:
        """« Ce qu'il faut retenir » and the peer group explained (``rendering.reading``)."""
        return self._tables.get_or_compute(
            ("reading", code, peers),
            lambda: reading_of(self.territory(code), peers, self.warehouse, self.indicators(code, peers)),
        )

    def zan_frame(self, code: str) -> list[tuple[str, dict]]:
        """The observed trajectories of a commune's EPCI and SCoT, named, to set beside its own."""
        territory = self.territory(code)
        frame: list[tuple[str, dict]] = []
        if territory.level != "commune":
            return frame
        if territory.epci:
            epci = self.territory(f"epci:{territory.epci}")
            frame.append((epci.name, zan.trajectory(epci, warehouse=self.warehouse)))
        members = self.warehouse.scot_members
        if members is not None:
            names = members.loc[members["code"] == code, "scot"]
            if len(names):
                name = str(names.iloc[0])
                label = name if name.lower().startswith("scot") else f"SCoT {name}"
                frame.append((label, zan.trajectory(f"scot:{name}", warehouse=self.warehouse)))
        return frame

    def zan(self, code: str, pace_ha_per_year: float | None = None, floor_1ha: bool | None = None) -> dict:
        return zan.trajectory(
            self.territory(code), pace_ha_per_year=pace_ha_per_year, floor_1ha=floor_1ha, warehouse=self.warehouse
        )

    def preheat(self) -> None:
        """Load what every page needs (the peer matrix, density classes), nothing per territory:
        a territory's latest values, outlines and flows are read when it is opened, so a
        kernel holds only what its visitor looks at."""
        self.warehouse.matrix_values  # noqa: B018
        self.warehouse.density_classes  # noqa: B018

    def scope(self, code: str, extent: str = "departement") -> tuple[str, str]:
        """(key, French label) of the communes drawn: a group's own communes, or those around a commune."""
        t = self.territory(code)
        if t.level != "commune":
            return t.code, f"communes de {t.name}" if t.level == "epci" else f"communes du territoire {t.name}"
        if extent == "epci" and t.epci is not None:
            return f"epci:{t.epci}", f"communes de {self.referential.epci.at[t.epci, 'name']}"
        dep = t.departement
        return f"dep:{dep}", f"communes du département {self.referential.departements.at[dep, 'name']}"

    def outlines(self, key: str) -> Outlines:
        """Codes, names, rounded GeoJSON boundaries and bounds of a scope's communes (from the
        referential's disk cache: no GeoPandas in the kernel), kept for the next pages."""

        def compute() -> Outlines:
            # A SCoT's communes come from the warehouse (Cerema), not from the referential.
            codes = list(self.territory(key).communes) if key.startswith("scot:") else None
            return referential_outlines(self.referential, key, codes)

        return self._outlines.get_or_compute(key, compute)

    def values(self, codes, indicator: str) -> pd.Series:
        matrix = self.warehouse.matrix
        if indicator not in matrix.columns:
            return pd.Series(np.nan, index=pd.Index(codes))
        return matrix[indicator].reindex(codes)


class WorkspaceDiscussions:
    """``DiscussionProvider`` over a workspace's exchange client (``Workspace.exchange``: the
    store in this process, or the JupyterHub service in a deployment)."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace

    def space(self, login: str):
        return self.workspace.exchange(login)


def _permitted(workspace: Workspace, login: str | None, code: str, right: str) -> bool:
    """``right`` (a question of the exchange client: ``can_run_radar``…) for ``login`` on
    ``code``; False without a login or a territory, or when the store cannot answer."""
    if not login or not code:
        return False
    try:
        return bool(getattr(workspace.exchange(login), right)(code))
    except Exception:
        return False


class WorkspaceRadar:
    """``RadarProvider`` over a workspace: rights from its store, cadastre from its home."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace

    def allowed(self, login: str | None, code: str) -> bool:
        return _permitted(self.workspace, login, code, "can_run_radar")

    def run(self, login: str | None, code: str) -> dict:
        from territoire_data.radar import run_radar

        return run_radar(code, login=login, workspace=self.workspace, rights=self.workspace.exchange(login))

    def geopackage(self, result: dict) -> bytes:
        from territoire_data.radar import write_geopackage

        with tempfile.TemporaryDirectory() as folder:
            return write_geopackage(result, Path(folder) / f"radar_{result['commune'].code}.gpkg").read_bytes()


class WorkspaceTriennial:
    """``TriennialProvider`` over a workspace: rights from its store (élus and agents of the
    territory, admins), figures from its warehouse, local corrections from its home
    (``corrections/rapport_triennal.csv``) and from its store (entered in the dashboard, through
    the same exchange client as every right: the Hub service when one is configured)."""

    def __init__(self, workspace: Workspace):
        self.workspace = workspace

    def allowed(self, login: str | None, code: str) -> bool:
        return _permitted(self.workspace, login, code, "can_draft_report")

    def documents(self, login: str | None, code: str) -> dict:
        """ODT and PDF (HTML when Chromium is absent) of the draft of ``code``; the right is
        checked again first."""
        from territoire_data.access.authorisation import AccessDenied
        from territoire_data.rtla import batch, entered, writers
        from territoire_data.rtla.corrections import of_file

        if not self.allowed(login, code):
            raise AccessDenied("Le rapport triennal est préparé par les élus et les services du territoire.")
        territory = self.workspace.territory(code)
        # The dashboard's entries come through the exchange client: a user's server under the
        # Hub does not reach the store itself.
        listed = entered.from_listed(self.corrections(login, territory.code))
        found = entered.merged(of_file(self.workspace), listed)
        draft = batch.draft_of(self.workspace, territory, corrections=found)
        files: dict = {"odt": writers.to_odt(draft), "html": writers.to_html(draft).encode("utf-8")}
        try:
            files["pdf"] = writers.to_pdf(draft)
        except TerritoireError:
            files["note"] = "PDF indisponible sur ce serveur (Chromium absent) : version HTML à imprimer."
        if found:
            used = [c for c in draft["corrections"] if c["used"]]
            files["note"] = (files.get("note", "") + f" {len(used)} correction(s) locale(s) appliquée(s).").strip()
        return files

    def corrections(self, login: str | None, code: str) -> list[dict]:
        """The corrections entered for ``code``, with who and when."""
        return self.workspace.exchange(login).report_corrections(code)

    def record(self, login: str | None, code: str, **fields) -> dict:
        """Enter a correction (``indicator``, ``year``, ``value``, ``source``, ``reason``)."""
        return self.workspace.exchange(login).save_report_correction(code, **fields)

    def withdraw(self, login: str | None, correction_id: int) -> None:
        self.workspace.exchange(login).delete_report_correction(correction_id)
