"""The operations a user may ask of the exchange store, typed, with JSON answers.

Identity is never an argument: the caller (``LocalTransport`` or the Hub service) builds
the ``DiscussionSpace`` of the authenticated login, and every operation goes through its
rights, read from the store at that moment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from territoire_data.discussions.space import DiscussionSpace
from territoire_data.errors import TerritoireError
from territoire_data.notifications import outbox
from territoire_data.partners import invitations, privacy, profiles, requests
from territoire_data.rtla import entered


class BadRequest(TerritoireError):
    pass


@dataclass(frozen=True)
class Operation:
    call: Callable[..., Any]
    required: dict[str, type]
    optional: dict[str, type]


def _version(space: DiscussionSpace, territory: str) -> list:
    return [v.isoformat() if isinstance(v, datetime) else v for v in _flatten(space.version(territory))]


def _flatten(values) -> list:
    out: list = []
    for v in values:
        out.extend(_flatten(v) if isinstance(v, tuple | list) else [v])
    return out


def _whoami(space: DiscussionSpace) -> dict:
    rights = space.authorisation
    return {
        "login": space.login,
        "authenticated": rights.authenticated,
        "identified": rights.identified,
        "authority": rights.authority or rights.admin,
        "organisation_id": rights.organisation_id,
    }


def _date(text: str):
    from datetime import date

    try:
        if len(text) != 10:
            raise ValueError
        return date.fromisoformat(text)
    except ValueError:
        raise BadRequest(f"Date invalide : « {text[:20]} » (attendu : AAAA-MM-JJ).") from None


def _counts(space: DiscussionSpace, territory: str) -> dict:
    """What waits for this user: unread notifications, requests to decide (on ``territory``),
    invitations to answer."""
    return {
        "notifications": outbox.unread_count(space),
        "requests": requests.pending_count(space, territory),
        "invitations": len(invitations.invitations(space, "pending")),
    }


def _radar(space: DiscussionSpace, territory: str) -> bool:
    try:
        return space.authorisation.can_run_radar(space.workspace.territory(territory).code)
    except TerritoireError:
        return False


def _report(space: DiscussionSpace, territory: str) -> bool:
    try:
        return space.authorisation.can_draft_report(space.workspace.territory(territory).code)
    except TerritoireError:
        return False


OPERATIONS: dict[str, Operation] = {
    "whoami": Operation(_whoami, {}, {}),
    "threads": Operation(lambda s, territory: s.threads(territory), {"territory": str}, {}),
    "solutions": Operation(lambda s, theme=None: s.solutions(theme), {}, {"theme": str}),
    "messages": Operation(lambda s, thread_id: s.messages(thread_id), {"thread_id": int}, {}),
    "history": Operation(lambda s, message_id: s.history(message_id), {"message_id": int}, {}),
    "anchors": Operation(lambda s, territory: s.anchors(territory), {"territory": str}, {}),
    "unread": Operation(lambda s, territory: s.unread(territory), {"territory": str}, {}),
    "version": Operation(_version, {"territory": str}, {}),
    "visibilities": Operation(lambda s, territory: s.visibilities(territory), {"territory": str}, {}),
    "create_thread": Operation(
        lambda s, territory, title, content, visibility, **anchor: s.create_thread(
            territory, title, content, visibility, **anchor
        ),
        {"territory": str, "title": str, "content": str, "visibility": str},
        {"anchor_type": str, "anchor": str, "theme": str, "solution": bool},
    ),
    "reply": Operation(
        lambda s, thread_id, content: s.reply(thread_id, content), {"thread_id": int, "content": str}, {}
    ),
    "edit": Operation(
        lambda s, message_id, content: s.edit(message_id, content), {"message_id": int, "content": str}, {}
    ),
    "delete": Operation(lambda s, message_id: s.delete(message_id), {"message_id": int}, {}),
    "flag": Operation(lambda s, message_id, reason: s.flag(message_id, reason), {"message_id": int, "reason": str}, {}),
    "mark_read": Operation(lambda s, thread_id: s.mark_read(thread_id), {"thread_id": int}, {}),
    "can_run_radar": Operation(_radar, {"territory": str}, {}),
    "can_draft_report": Operation(_report, {"territory": str}, {}),
    "report_corrections": Operation(lambda s, territory: entered.listed(s, territory), {"territory": str}, {}),
    "save_report_correction": Operation(
        lambda s, territory, indicator, value, source, reason, year=None: entered.record(
            s, territory, indicator, value, source, reason, year
        ),
        {"territory": str, "indicator": str, "value": str, "source": str, "reason": str},
        {"year": int},
    ),
    "delete_report_correction": Operation(
        lambda s, correction_id: entered.withdraw(s, correction_id), {"correction_id": int}, {}
    ),
    # mise en relation (issue #17)
    "my_profile": Operation(profiles.my_profile, {}, {}),
    "save_profile": Operation(
        lambda s, **fields: profiles.save_profile(s, **fields),
        {
            "name": str,
            "siren": str,
            "naf": str,
            "size_band": str,
            "themes": list,
            "territories": list,
            "description": str,
        },
        {"tags": list, "website": str, "contact_name": str, "contact_email": str, "contact_phone": str},
    ),
    "delete_profile": Operation(profiles.delete_profile, {}, {}),
    "verify_organisation": Operation(
        lambda s, organisation_id, accept=True: profiles.verify(s, organisation_id, accept),
        {"organisation_id": int},
        {"accept": bool},
    ),
    "directory": Operation(
        lambda s, territory, theme=None, shared=False: profiles.directory(s, territory, theme, shared),
        {"territory": str},
        {"theme": str, "shared": bool},
    ),
    "actor": Operation(lambda s, organisation_id: profiles.actor(s, organisation_id), {"organisation_id": int}, {}),
    "request_access": Operation(
        lambda s, territory, message="", role="entreprise": requests.request_access(s, territory, message or "", role),
        {"territory": str},
        {"message": str, "role": str},
    ),
    "requests": Operation(
        lambda s, territory=None, status=None: requests.requests(s, territory, status),
        {},
        {"territory": str, "status": str},
    ),
    "approve_request": Operation(
        lambda s, request_id, until: requests.approve(s, request_id, _date(until)),
        {"request_id": int, "until": str},
        {},
    ),
    "refuse_request": Operation(
        lambda s, request_id, reason=None: requests.refuse(s, request_id, reason),
        {"request_id": int},
        {"reason": str},
    ),
    "withdraw_request": Operation(lambda s, request_id: requests.withdraw(s, request_id), {"request_id": int}, {}),
    "invite": Operation(
        lambda s, thread_id, organisation_id: invitations.invite(s, thread_id, organisation_id),
        {"thread_id": int, "organisation_id": int},
        {},
    ),
    "invitations": Operation(lambda s, status=None: invitations.invitations(s, status), {}, {"status": str}),
    "thread_invitations": Operation(lambda s, thread_id: invitations.sent(s, thread_id), {"thread_id": int}, {}),
    "answer_invitation": Operation(
        lambda s, invitation_id, accept: invitations.answer(s, invitation_id, accept),
        {"invitation_id": int, "accept": bool},
        {},
    ),
    "notifications": Operation(
        lambda s, unread_only=False: outbox.notifications(s, unread_only), {}, {"unread_only": bool}
    ),
    "mark_notifications_read": Operation(
        lambda s, notification_id=None: outbox.mark_read(s, notification_id), {}, {"notification_id": int}
    ),
    "counts": Operation(_counts, {"territory": str}, {}),
    "preferences": Operation(outbox.preferences, {}, {}),
    "set_preferences": Operation(
        lambda s, mode, email=None, name=None: outbox.set_preferences(s, email, mode, name),
        {"mode": str},
        {"email": str, "name": str},
    ),
    "export_data": Operation(privacy.export_data, {}, {}),
    "delete_account": Operation(privacy.delete_account, {}, {}),
}
MAX_LIST = 50  # items of a list argument (themes, tags, territories)
MAX_ITEM = 200  # characters of one item of a list
MAX_ID = 2**31 - 1  # identifiers are positive integers that fit the store's columns
# Characters of a text argument, by name (``TEXT_DEFAULT`` otherwise): bounded before any work,
# whatever the operation does with it afterwards (its own, finer checks in French).
TEXT_LIMITS = {"content": 20_000, "description": 3_000, "message": 2_000, "reason": 2_000, "source": 2_000}
TEXT_DEFAULT = 300


def _typed(name: str, value, kind: type):
    """``value`` checked against its declared type and bounds; a French ``BadRequest`` otherwise."""
    if kind is int:
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_ID:
            raise BadRequest(f"Paramètre « {name} » : un entier de 1 à {MAX_ID} est attendu.")
    elif kind is str:
        if not isinstance(value, str):
            raise BadRequest(f"Paramètre « {name} » : un texte est attendu.")
        limit = TEXT_LIMITS.get(name, TEXT_DEFAULT)
        if len(value) > limit:
            raise BadRequest(f"Paramètre « {name} » : {limit} caractères au plus.")
    elif kind is bool:
        if not isinstance(value, bool):
            raise BadRequest(f"Paramètre « {name} » : vrai ou faux est attendu.")
    elif kind is list:
        if (
            not isinstance(value, list)
            or len(value) > MAX_LIST
            or not all(isinstance(v, str) and len(v) <= MAX_ITEM for v in value)
        ):
            raise BadRequest(
                f"Paramètre « {name} » : une liste de textes ({MAX_LIST} au plus, de {MAX_ITEM} caractères "
                "au plus chacun) est attendue."
            )
    return value


def perform(space: DiscussionSpace, name: str, arguments) -> Any:
    """Run one operation for the user of ``space``; arguments checked against its signature."""
    operation = OPERATIONS.get(name)
    if operation is None:
        raise BadRequest(f"Opération inconnue : « {name} ».")
    if not isinstance(arguments, dict):
        raise BadRequest("Les paramètres doivent former un objet JSON.")
    unknown = set(arguments) - set(operation.required) - set(operation.optional)
    missing = set(operation.required) - set(arguments)
    if unknown or missing:
        raise BadRequest(
            "Paramètres refusés : "
            + ", ".join(
                [*(f"« {u} » inconnu" for u in sorted(unknown)), *(f"« {m} » manquant" for m in sorted(missing))]
            )
            + "."
        )
    absent = sorted(k for k in operation.required if arguments[k] is None)
    if absent:
        raise BadRequest(f"Paramètre « {absent[0]} » : une valeur est requise (pas null).")
    values = {
        k: _typed(k, v, operation.required.get(k) or operation.optional[k])
        for k, v in arguments.items()
        if v is not None  # an optional null is an absent argument
    }
    return operation.call(space, **values)
