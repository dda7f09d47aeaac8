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
    return {"login": space.login, "authenticated": space.authenticated}


def _radar(space: DiscussionSpace, territory: str) -> bool:
    try:
        return space.authorisation.can_run_radar(space.workspace.territory(territory).code)
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
}


def _typed(name: str, value, kind: type):
    if value is None and kind is not bool:
        return None
    if kind is int and (isinstance(value, bool) or not isinstance(value, int)):
        raise BadRequest(f"Paramètre « {name} » : un entier est attendu.")
    if kind is str and not isinstance(value, str):
        raise BadRequest(f"Paramètre « {name} » : un texte est attendu.")
    if kind is bool and not isinstance(value, bool):
        raise BadRequest(f"Paramètre « {name} » : vrai ou faux est attendu.")
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
    values = {k: _typed(k, v, operation.required.get(k) or operation.optional[k]) for k, v in arguments.items()}
    return operation.call(space, **values)
