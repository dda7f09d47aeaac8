"""Access requests: an actor asks to join a territory as partner; an élu or agent of that
territory (or an administrator) approves it with an end date — the partner subscription, a
dated role — or refuses it, and the requester is told.

States: ``pending``, ``approved``, ``refused``, ``withdrawn`` as stored, and ``expired``
read from the dates: a request left unanswered for ``PENDING_DAYS`` days, or an approved
one whose subscription has ended. Each request keeps its history (who did what, when);
the requester sees « la collectivité » decide, never which élu: a company cannot list a
territory's élus, and the answer to a request is the same whether it has any or not.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import func, or_, select

from territoire_data.access.authorisation import AUTHORITY_ROLES, AccessDenied, covers
from territoire_data.access.users import ensure_user
from territoire_data.errors import TerritoireError
from territoire_data.notifications.outbox import notify, organisation_word
from territoire_data.rendering.formatting import day
from territoire_data.store.models import (
    PARTNER_ROLES,
    AccessRequest,
    Organisation,
    RequestEvent,
    RequestRefusal,
    Role,
    User,
    iso,
    now,
)
from territoire_data.text.messages import clean

if TYPE_CHECKING:
    from territoire_data.discussions.space import DiscussionSpace

PENDING_DAYS = 60  # an unanswered request expires
COOLING_DAYS = 30  # after a refusal, before asking the same territory again
SUBSCRIPTION_YEARS = 3  # an approval runs three years at most
REQUEST_LEVELS = ("commune", "epci")
STATE_WORDS = {
    "pending": "en attente",
    "approved": "acceptée",
    "refused": "refusée",
    "withdrawn": "retirée",
    "expired": "expirée",
}


def latest_end(today: date) -> date:
    """The last day an approval given today may run to: the same day three years later
    (28 February for a 29 February)."""
    try:
        return today.replace(year=today.year + SUBSCRIPTION_YEARS)
    except ValueError:
        return today.replace(year=today.year + SUBSCRIPTION_YEARS, day=28)


def state_of(request: AccessRequest, today: date | None = None) -> str:
    """The state as of ``today``: the stored one, or ``expired`` when its dates say so."""
    today = today or date.today()
    if request.status == "pending" and request.created_at.date() + timedelta(days=PENDING_DAYS) < today:
        return "expired"
    if request.status == "approved" and request.end is not None and request.end < today:
        return "expired"
    return request.status


def expiry_of(request: AccessRequest) -> date | None:
    if request.status == "pending":
        return request.created_at.date() + timedelta(days=PENDING_DAYS + 1)
    if request.status == "approved" and request.end is not None:
        return request.end + timedelta(days=1)
    return None


def deciders(session, workspace, code: str, today: date | None = None) -> list[User]:
    """Users with an active élu or agent role covering a territory (who are told of a request)."""
    today = today or date.today()
    found: dict[int, User] = {}
    for role in session.scalars(select(Role).where(Role.role.in_(AUTHORITY_ROLES))):
        if (role.start and role.start > today) or (role.end and role.end < today):
            continue
        if covers(role.territory, code, workspace.access_units):
            found[role.user_id] = role.user
    return list(found.values())


def _limit(space: DiscussionSpace, s, user_id: int, organisation_id: int) -> None:
    """The request limit holds per organisation (all its logins together) and per login; the
    caller holds the organisation's row lock, so concurrent requests are counted one by one."""
    number, seconds = space.workspace.settings.request_limit
    since = now() - timedelta(seconds=seconds)
    made = s.scalar(
        select(func.count(AccessRequest.id)).where(
            or_(AccessRequest.user_id == user_id, AccessRequest.organisation_id == organisation_id),
            AccessRequest.created_at > since,
        )
    )
    if made >= number:
        raise AccessDenied(
            f"Trop de demandes d'accès : {number} au plus en {seconds // 3600 or 1} h. Réessayez plus tard."
        )


def request_access(space: DiscussionSpace, territory: str, message: str = "", role: str = "entreprise") -> dict:
    """Ask to join a commune or an EPCI as partner (the organisation's profile comes with it)."""
    if not space.login:
        raise AccessDenied("Connectez-vous pour demander l'accès à un territoire.")
    if role not in PARTNER_ROLES:
        raise TerritoireError(f"Rôle demandé inconnu : « {role} » ({', '.join(PARTNER_ROLES)}).")
    target = space.workspace.territory(territory)
    if target.level not in REQUEST_LEVELS:
        raise TerritoireError(
            "Une demande d'accès se fait auprès d'une commune ou d'un EPCI (epci:SIREN) ; pour un département "
            "ou une région, écrivez aux administrateurs de la plateforme."
        )
    rights = space.authorisation
    if rights.authority:
        raise AccessDenied("Les élus et agents n'ont pas à demander d'accès partenaire.")
    today = date.today()
    with space.store.session() as s:
        user = ensure_user(s, space.login)
        organisation = user.organisation
        if organisation is None or organisation.listed_at is None:
            raise TerritoireError(
                "Présentez d'abord votre organisation (profil dans « Acteurs du territoire ») : "
                "les élus voient ainsi qui fait la demande."
            )
        if organisation.siren_status == "rejected":
            raise AccessDenied(
                f"Le SIREN {organisation.siren} n'a pas été reconnu pour {organisation.name} : écrivez aux "
                "administrateurs de la plateforme."
            )
        # One request at a time per organisation: on PostgreSQL its row is locked until the end of
        # this transaction (SQLite's write transactions are already one at a time).
        s.execute(select(Organisation.id).where(Organisation.id == organisation.id).with_for_update())
        for r in user.roles:
            active = (r.start is None or r.start <= today) and (r.end is None or today <= r.end)
            if active and r.role in PARTNER_ROLES and covers(r.territory, target.code, space.workspace.access_units):
                until = f" jusqu'au {day(r.end)}" if r.end else ""
                raise TerritoireError(f"Vous êtes déjà partenaire de {target.name}{until}.")
        for earlier in s.scalars(
            select(AccessRequest).where(
                or_(AccessRequest.user_id == user.id, AccessRequest.organisation_id == organisation.id),
                AccessRequest.territory == target.code,
            )
        ):
            if state_of(earlier, today) == "pending":
                raise TerritoireError(f"Votre demande pour {target.name} est déjà en attente de réponse.")
        # The cool-down after a refusal holds for the organisation (its SIREN), whichever login asks,
        # even after the one who asked erased their account (the refusal is kept, anonymous).
        refused = s.scalar(
            select(func.max(RequestRefusal.refused_at)).where(
                RequestRefusal.siren == organisation.siren, RequestRefusal.territory == target.code
            )
        )
        if refused is not None:
            again = refused.date() + timedelta(days=COOLING_DAYS)
            if again > today:
                raise TerritoireError(
                    f"La demande de {organisation.name} pour {target.name} a été refusée le {day(refused.date())} : "
                    f"elle pourra être renouvelée à partir du {day(again)}."
                )
        _limit(space, s, user.id, organisation.id)
        text = clean(message, maximum=2_000, what="Le message") if (message or "").strip() else ""
        request = AccessRequest(
            user_id=user.id,
            organisation_id=organisation.id,
            territory=target.code,
            role=role,
            message=text,
            status="pending",
        )
        request.events.append(RequestEvent(status="pending", actor_id=user.id))
        s.add(request)
        s.flush()
        notify(
            s,
            deciders(s, space.workspace, target.code, today),
            "access_request",
            f"{organisation.name} demande à rejoindre {target.name} comme partenaire"
            + (f" : « {text[:200]} »" if text else "."),
            mail_text=f"{organisation.name} demande à rejoindre {target.name} comme partenaire "
            "(présentation et réponse dans le tableau de bord, rubrique « Acteurs du territoire »).",
            territory=target.code,
            actor_id=user.id,
            request_id=request.id,
        )
        return _describe(space, s, request, requester_view=True)


def _describe(space: DiscussionSpace, s, request: AccessRequest, *, requester_view: bool) -> dict:
    try:
        name = space.workspace.territory(request.territory).name
    except TerritoireError:
        name = request.territory
    history = []
    for event in request.events:
        who = None
        if not requester_view or event.status == "pending":
            who = organisation_word(s.get(User, event.actor_id)) if event.actor_id else None
        elif event.status in ("approved", "refused"):
            who = f"la collectivité ({name})"
        history.append({"status": event.status, "date": iso(event.date), "by": who, "note": event.note})
    state = state_of(request)
    if state == "expired" and not any(event.status == "expired" for event in request.events):
        ended = expiry_of(request)  # not recorded yet (``record_expiries``): dated from the request
        history.append({"status": "expired", "date": ended.isoformat() if ended else None, "by": None, "note": None})
    organisation = request.organisation
    return {
        "id": request.id,
        "territory": request.territory,
        "territory_name": name,
        "role": request.role,
        "organisation": organisation.name if organisation else None,
        "organisation_id": organisation.id if organisation else None,
        "siren_verified": bool(organisation is not None and organisation.siren_status == "verified"),
        "requester": request.user.shown_name,
        "message": request.message,
        "status": state,
        "status_label": STATE_WORDS[state],
        "end": request.end.isoformat() if request.end else None,
        "reason": request.reason,
        "created_at": iso(request.created_at),
        "decided_at": iso(request.decided_at),
        "history": history,
    }


def _seen(space: DiscussionSpace, s, rights, territory: str | None, pending_only: bool):
    """(request, made by this user, decided by this user) of the requests this user may see,
    newest first (``territory``: made to it or to a commune of it)."""
    code = space.workspace.territory(territory).code if territory else None
    query = select(AccessRequest).order_by(AccessRequest.id.desc())
    if pending_only:  # what the dashboard polls: only the stored pending ones can be
        query = query.where(AccessRequest.status == "pending")
    for request in s.scalars(query):
        own, decider = request.user_id == rights.user_id, rights.can_decide(request.territory)
        if (own or decider) and not (code and not covers(code, request.territory, space.workspace.access_units)):
            yield request, own, decider


def requests(space: DiscussionSpace, territory: str | None = None, status: str | None = None) -> list[dict]:
    """The requests this user may see, newest first: those they made, and those made to the
    territories they decide for (``territory``: made to it or to a commune of it)."""
    rights = space.authorisation
    if not rights.identified:
        return []
    with space.store.session() as s:
        described = [
            _describe(space, s, request, requester_view=own and not decider)
            for request, own, decider in _seen(space, s, rights, territory, status == "pending")
        ]
    return [r for r in described if not status or r["status"] == status]


def pending_count(space: DiscussionSpace, territory: str | None = None) -> int:
    """Requests waiting for this user's decision (polled by the dashboard: nothing described)."""
    rights = space.authorisation
    if not rights.authority and not rights.admin:
        return 0
    today = date.today()
    with space.store.session() as s:
        return sum(
            1
            for request, _own, decider in _seen(space, s, rights, territory, True)
            if decider and state_of(request, today) == "pending"
        )


def record_expiries(workspace, today: date | None = None) -> int:
    """Record the requests that expired since the last run (a dated ``expired`` event) and
    tell their requesters; run with the e-mails (``notifications.delivery``). Returns how many."""
    today = today or date.today()
    recorded = 0
    with workspace.store.session() as s:
        candidates = s.scalars(
            select(AccessRequest).where(
                AccessRequest.status.in_(("pending", "approved")),
                ~AccessRequest.events.any(RequestEvent.status == "expired"),
            )
        )
        for request in candidates:
            if state_of(request, today) != "expired":
                continue
            ended = expiry_of(request)
            request.events.append(RequestEvent(status="expired", note=f"le {ended}" if ended else None))
            try:
                name = workspace.territory(request.territory).name
            except TerritoireError:
                name = request.territory
            if request.status == "approved":
                text = (
                    f"Votre accès partenaire à {name} a pris fin le {day(request.end)} : "
                    "vous pouvez demander à le renouveler."
                )
            else:
                text = (
                    f"Votre demande pour rejoindre {name} a expiré sans réponse après {PENDING_DAYS} jours : "
                    "vous pouvez la renouveler."
                )
            notify(s, [request.user], "request_expired", text, territory=request.territory, request_id=request.id)
            recorded += 1
    return recorded


def _request_to_decide(space: DiscussionSpace, s, request_id: int) -> AccessRequest:
    rights = space.authorisation
    request = s.get(AccessRequest, request_id)
    if request is None or not rights.can_decide(request.territory):
        raise AccessDenied("Demande introuvable ou non accessible.")  # same answer: nothing leaks
    state = state_of(request)
    if state != "pending":
        raise TerritoireError(f"Cette demande n'est plus en attente ({STATE_WORDS[state]}).")
    return request


def approve(space: DiscussionSpace, request_id: int, until: date) -> dict:
    """Admit the requester as partner until ``until`` (inclusive); they are told."""
    today = date.today()
    rights = space.authorisation
    with space.store.session() as s:
        request = _request_to_decide(space, s, request_id)  # rights first: nothing said to others
        if request.organisation is None or request.organisation.siren_status != "verified":
            name = request.organisation.name if request.organisation is not None else "cette organisation"
            raise TerritoireError(
                f"Le SIREN de {name} n'est pas encore vérifié par les administrateurs de la plateforme : "
                "la demande attend cette vérification (ou refusez-la)."
            )
        if until <= today:
            raise TerritoireError("La fin de l'accès partenaire doit être postérieure à aujourd'hui.")
        if until > latest_end(today):
            raise TerritoireError(
                f"Un accès partenaire dure trois ans au plus : choisissez une date jusqu'au {day(latest_end(today))}."
            )
        role = s.scalar(
            select(Role).where(
                Role.user_id == request.user_id, Role.role == request.role, Role.territory == request.territory
            )
        )
        if role is None:
            s.add(Role(user_id=request.user_id, role=request.role, territory=request.territory, start=today, end=until))
        else:
            role.start, role.end = today, until
        request.status, request.end = "approved", until
        request.decided_at, request.decided_by_id = now(), rights.user_id
        request.events.append(RequestEvent(status="approved", actor_id=rights.user_id, note=f"jusqu'au {until}"))
        name = space.workspace.territory(request.territory).name
        text = f"Votre demande pour rejoindre {name} est acceptée : accès partenaire jusqu'au {day(until)}."
        notify(s, [request.user], "request_decided", text, territory=request.territory, request_id=request.id)
        s.flush()
        return _describe(space, s, request, requester_view=False)


def refuse(space: DiscussionSpace, request_id: int, reason: str | None = None) -> dict:
    """Refuse a request, with a reason told to the requester if given."""
    rights = space.authorisation
    with space.store.session() as s:
        request = _request_to_decide(space, s, request_id)  # rights first: nothing said to others
        note = clean(reason, maximum=1_000, what="Le motif") if (reason or "").strip() else None
        request.status, request.reason = "refused", note
        request.decided_at, request.decided_by_id = now(), rights.user_id
        request.events.append(RequestEvent(status="refused", actor_id=rights.user_id, note=note))
        name = space.workspace.territory(request.territory).name
        text = f"Votre demande pour rejoindre {name} n'a pas été acceptée" + (f" : « {note} »" if note else ".")
        notify(s, [request.user], "request_decided", text, territory=request.territory, request_id=request.id)
        siren = request.organisation.siren if request.organisation is not None else None
        if siren:  # the cool-down holds for the organisation, whoever asks again, even after an erasure
            s.add(RequestRefusal(siren=siren, territory=request.territory, refused_at=request.decided_at))
        s.flush()
        return _describe(space, s, request, requester_view=False)


def withdraw(space: DiscussionSpace, request_id: int) -> None:
    """The requester withdraws a pending request."""
    rights = space.authorisation
    with space.store.session() as s:
        request = s.get(AccessRequest, request_id)
        if request is None or request.user_id != rights.user_id or not rights.identified:
            raise AccessDenied("Demande introuvable ou non accessible.")
        if state_of(request) != "pending":
            raise TerritoireError("Seule une demande en attente peut être retirée.")
        request.status = "withdrawn"
        request.events.append(RequestEvent(status="withdrawn", actor_id=rights.user_id))
