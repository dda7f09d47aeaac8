"""Local corrections entered in the dashboard: kept in the exchange store with who entered
them and when, checked by the same rule as a corrections file's lines, and used by every
draft of the territory (the dashboard's, the command's, the notebook's).

Only an élu or agent of the territory (or an administrator) lists, enters or withdraws them:
the right is read from the store at each call, so a right withdrawn while a page is open
stops there. One correction holds per territory, indicator and year: entering it again
replaces the value, the source, the reason, the author and the date.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.exc import IntegrityError

from territoire_data.access.authorisation import AccessDenied
from territoire_data.errors import TerritoireError
from territoire_data.rtla.corrections import Correction, check, of_file
from territoire_data.store.models import ReportCorrection, User, iso, now, utc

if TYPE_CHECKING:
    from pathlib import Path

    from territoire_data.access.context import ExchangeContext
    from territoire_data.discussions.space import DiscussionSpace
    from territoire_data.store.database import Store

PARIS = ZoneInfo("Europe/Paris")
DASHBOARD = "tableau de bord"
MAX_PER_TERRITORY = 500
ROLE_WORDS = {"elu": "élu(e)", "agent": "agent", "admin": "administrateur"}


def _author(user: User | None) -> str:
    """« Marie Dupont, élu(e) » — the name readers see, never a login."""
    if user is None:
        return "Compte supprimé"
    roles = sorted({ROLE_WORDS[r.role] for r in user.roles if r.role in ROLE_WORDS})
    return user.shown_name + (f", {' / '.join(roles)}" if roles else "")


def _correction(row: ReportCorrection) -> Correction:
    return Correction(
        row.territory,
        row.indicator,
        row.year or None,
        row.value,
        row.source,
        row.reason,
        f"{_author(row.author)} ({DASHBOARD})",
        "le " + utc(row.recorded_at).astimezone(PARIS).strftime("%d/%m/%Y"),  # the day in France
        origin=DASHBOARD,
    )


def _described(row: ReportCorrection) -> dict:
    return {
        "id": row.id,
        **_correction(row).as_dict(),
        "recorded_at": iso(row.recorded_at),
    }


def stored(store: Store) -> list[Correction]:
    """Every correction entered in the dashboard; none when the store has not been set up
    (nothing is created to find out)."""
    if not store.ready():
        return []
    with store.session() as s:
        rows = s.scalars(select(ReportCorrection).order_by(ReportCorrection.territory, ReportCorrection.id))
        return [_correction(r) for r in rows]


def merged(from_file: list[Correction], from_dashboard: list[Correction]) -> list[Correction]:
    """The corrections a draft uses. An entry of the dashboard replaces the file's line for the
    same territory, indicator and year: it is the later word of the territory's own people,
    signed and dated."""
    keys = {(c.territory, c.indicator, c.year) for c in from_dashboard}
    return [c for c in from_file if (c.territory, c.indicator, c.year) not in keys] + list(from_dashboard)


def from_listed(entries: list[dict]) -> list[Correction]:
    """Corrections as ``listed`` (or the exchange client) gives them, back as ``Correction``."""
    return [
        Correction(
            e["territory"],
            e["indicator"],
            e["year"],
            float(e["value"]),
            e["source"],
            e["reason"],
            e.get("recorded_by") or "",
            e.get("recorded_on") or "",
            origin=DASHBOARD,
        )
        for e in entries
    ]


def of_home(context: ExchangeContext, path: Path | None = None) -> list[Correction]:
    """The corrections of a home, for the command and the notebook: the file's (``path``, or the
    home's ``corrections/rapport_triennal.csv``) and the store's, merged."""
    return merged(of_file(context, path), stored(context.store))


def _speaking(space: DiscussionSpace, territory: str) -> tuple[str, int | None]:
    """The territory's code and the user's id, once the user is found to speak for it (the
    rights read from the store now, once: not again inside a write)."""
    code = space.workspace.territory(territory).code
    rights = space.authorisation
    if not rights.can_draft_report(code):
        raise AccessDenied(
            "Les corrections du rapport triennal sont saisies par les élus et les services du territoire."
        )
    return code, rights.user_id


def listed(space: DiscussionSpace, territory: str) -> list[dict]:
    """The corrections of a territory, with who entered them and when."""
    code, _user = _speaking(space, territory)
    with space.store.session() as s:
        rows = s.scalars(
            select(ReportCorrection).where(ReportCorrection.territory == code).order_by(ReportCorrection.id)
        )
        return [_described(r) for r in rows]


def record(
    space: DiscussionSpace,
    territory: str,
    indicator: str,
    value: str,
    source: str,
    reason: str,
    year: int | None = None,
) -> dict:
    """Enter (or replace) a correction of ``territory``; ``TerritoireError`` in French when the
    indicator, the year or the value is not valid, or the source or the reason is missing."""
    code, user_id = _speaking(space, territory)
    correction = check(
        {
            "territoire": code,
            "indicateur": indicator,
            "annee": "" if year is None else str(year),
            "valeur": value,
            "source": source,
            "motif": reason,
        },
        lambda c: space.workspace.territory(c).code,
    )
    for attempt in (1, 2):  # two élus entering the same figure at once: the second replaces the first
        try:
            with space.store.session() as s:
                return _described(_upserted(s, correction, user_id))
        except IntegrityError:
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _upserted(s, correction: Correction, user_id: int | None) -> ReportCorrection:
    """The row of ``correction``'s territory, indicator and year, created or replaced."""
    year = correction.year or 0
    row = s.scalar(
        select(ReportCorrection).where(
            ReportCorrection.territory == correction.territory,
            ReportCorrection.indicator == correction.indicator,
            ReportCorrection.year == year,
        )
    )
    if row is None:
        count = s.scalar(
            select(func.count(ReportCorrection.id)).where(ReportCorrection.territory == correction.territory)
        )
        if count >= MAX_PER_TERRITORY:
            raise TerritoireError(f"Plus de {MAX_PER_TERRITORY} corrections pour ce territoire.")
        row = ReportCorrection(territory=correction.territory, indicator=correction.indicator, year=year)
        s.add(row)
    row.value, row.source, row.reason = correction.value, correction.source, correction.reason
    row.author_id, row.recorded_at = user_id, now()
    s.flush()
    s.refresh(row)
    return row


def withdraw(space: DiscussionSpace, correction_id: int) -> None:
    """Remove a correction: the national figure is used again."""
    with space.store.session() as s:
        row = s.get(ReportCorrection, correction_id)
        territory = None if row is None else row.territory
    if territory is None:
        raise TerritoireError("Correction introuvable (déjà retirée ?).")
    _speaking(space, territory)
    with space.store.session() as s:
        s.execute(delete(ReportCorrection).where(ReportCorrection.id == correction_id))
