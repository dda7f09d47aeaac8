"""``StoreClient``: the exchange store as the dashboard sees it, in every mode.

Every call is one operation of ``operations.OPERATIONS`` with JSON arguments and a JSON
answer, whether it runs in this process (``LocalTransport``: local use, tests) or in the
JupyterHub service (``HubTransport``: the user's Hub token in an ``Authorization`` header;
the service decides who the user is). Refusals come back as ``AccessDenied``, invalid
input as ``TerritoireError``, with the service's French message.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import TYPE_CHECKING, Any, Protocol

from territoire_data.access.authorisation import AccessDenied
from territoire_data.errors import TerritoireError

if TYPE_CHECKING:
    from territoire_data.access.context import ExchangeContext

log = logging.getLogger("territoire.service")
UNAVAILABLE = "Espace d'échange momentanément indisponible : réessayez dans un instant."


class Transport(Protocol):
    def __call__(self, operation: str, arguments: dict) -> Any: ...


def answer(outcome: dict) -> Any:
    """The result of an answer ``{"result": …}``, or the error it carries, raised."""
    if "result" in outcome:
        return outcome["result"]
    message = str(outcome.get("error") or UNAVAILABLE)
    if outcome.get("kind") == "refused":
        raise AccessDenied(message)
    raise TerritoireError(message)


def outcome_of(call) -> tuple[int, dict]:
    """(HTTP status, answer) of running ``call()``: what both transports send back."""
    from territoire_data.service.operations import BadRequest

    try:
        return 200, {"result": call()}
    except AccessDenied as error:
        return 403, {"error": str(error), "kind": "refused"}
    except (BadRequest, TerritoireError) as error:
        return 400, {"error": str(error), "kind": "invalid"}
    except Exception:  # logged where it happened; the caller gets no trace
        log.exception("opération du service d'échange en échec")
        return 500, {"error": UNAVAILABLE, "kind": "unavailable"}


class LocalTransport:
    """Operations run here, on a workspace's store, for a login resolved by the deployment."""

    def __init__(self, workspace: ExchangeContext, login: str | None):
        self.workspace, self.login = workspace, login

    def __call__(self, operation: str, arguments: dict) -> Any:
        from territoire_data.discussions.space import DiscussionSpace
        from territoire_data.service.operations import perform

        space = DiscussionSpace(self.login, workspace=self.workspace)
        request = json.loads(json.dumps(arguments))  # the same JSON round trip as over HTTP
        _status, outcome = outcome_of(lambda: perform(space, operation, request))
        return answer(json.loads(json.dumps(outcome)))


class HubTransport:
    """Operations sent to the JupyterHub store service with the user's Hub token."""

    def __init__(self, url: str, token: str | None, timeout: float = 15.0):
        self.url, self.token, self.timeout = url.rstrip("/") + "/", token, timeout

    def __call__(self, operation: str, arguments: dict) -> Any:
        request = urllib.request.Request(
            f"{self.url}api/{operation}",
            data=json.dumps(arguments).encode("utf-8"),
            headers={"Content-Type": "application/json", "Authorization": f"token {self.token or ''}"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return answer(json.loads(response.read()))
        except urllib.error.HTTPError as error:
            if error.code in (401, 403) and "json" not in (error.headers.get("Content-Type") or ""):
                raise AccessDenied("Session expirée ou non reconnue par le service d'échange.") from None
            try:
                return answer(json.loads(error.read()))
            except ValueError:
                raise TerritoireError(UNAVAILABLE) from None
        except (OSError, ValueError):
            log.exception("service d'échange injoignable : %s", self.url)
            raise TerritoireError(UNAVAILABLE) from None


class StoreClient:
    """The exchange space of the signed-in user, through a transport (``DiscussionAccess``)."""

    def __init__(self, transport: Transport, login: str | None = None):
        self.transport = transport
        self.login = login

    def _call(self, operation: str, **arguments) -> Any:
        return self.transport(operation, {k: v for k, v in arguments.items() if v is not None})

    @property
    def authenticated(self) -> bool:
        return bool(self._call("whoami")["authenticated"])

    def whoami(self) -> dict:
        return self._call("whoami")

    def threads(self, territory: str) -> list[dict]:
        return self._call("threads", territory=territory)

    def solutions(self, theme: str | None = None) -> list[dict]:
        return self._call("solutions", theme=theme)

    def messages(self, thread_id: int) -> list[dict]:
        return self._call("messages", thread_id=thread_id)

    def history(self, message_id: int) -> list[dict]:
        return self._call("history", message_id=message_id)

    def visibilities(self, territory: str) -> list[str]:
        return self._call("visibilities", territory=territory)

    def anchors(self, territory: str, threads: list[dict] | None = None) -> dict[str, int]:
        if threads is None:
            return self._call("anchors", territory=territory)
        from territoire_data.discussions.space import count_anchors

        return count_anchors(threads)

    def unread(self, territory: str) -> int:
        return self._call("unread", territory=territory)

    def version(self, territory: str) -> tuple:
        return tuple(self._call("version", territory=territory))

    def create_thread(
        self,
        territory: str,
        title: str,
        content: str,
        visibility: str,
        *,
        anchor_type: str | None = None,
        anchor: str | None = None,
        theme: str | None = None,
        solution: bool | None = None,
    ) -> int:
        return self._call(
            "create_thread",
            territory=territory,
            title=title,
            content=content,
            visibility=visibility,
            anchor_type=anchor_type,
            anchor=anchor,
            theme=theme,
            solution=solution,
        )

    def reply(self, thread_id: int, content: str) -> int:
        return self._call("reply", thread_id=thread_id, content=content)

    def edit(self, message_id: int, content: str) -> None:
        self._call("edit", message_id=message_id, content=content)

    def delete(self, message_id: int) -> None:
        self._call("delete", message_id=message_id)

    def flag(self, message_id: int, reason: str) -> None:
        self._call("flag", message_id=message_id, reason=reason)

    def mark_read(self, thread_id: int) -> None:
        self._call("mark_read", thread_id=thread_id)

    def can_run_radar(self, territory: str) -> bool:
        return bool(self._call("can_run_radar", territory=territory))

    def can_draft_report(self, territory: str) -> bool:
        return bool(self._call("can_draft_report", territory=territory))

    def report_corrections(self, territory: str) -> list[dict]:
        """The triennial report's corrections entered for ``territory`` (élus and agents)."""
        return self._call("report_corrections", territory=territory)

    def save_report_correction(
        self, territory: str, indicator: str, value: str, source: str, reason: str, year: int | None = None
    ) -> dict:
        return self._call(
            "save_report_correction",
            territory=territory,
            indicator=indicator,
            value=value,
            source=source,
            reason=reason,
            year=year,
        )

    def delete_report_correction(self, correction_id: int) -> None:
        self._call("delete_report_correction", correction_id=correction_id)

    # -- mise en relation (issue #17): profiles, directory, requests, invitations, notifications

    def my_profile(self) -> dict | None:
        return self._call("my_profile")

    def save_profile(self, **fields) -> dict:
        return self._call("save_profile", **fields)

    def delete_profile(self) -> bool:
        return bool(self._call("delete_profile"))

    def verify_organisation(self, organisation_id: int, accept: bool = True) -> dict:
        return self._call("verify_organisation", organisation_id=organisation_id, accept=accept)

    def directory(self, territory: str, theme: str | None = None, shared: bool | None = None) -> list[dict]:
        return self._call("directory", territory=territory, theme=theme, shared=shared)

    def actor(self, organisation_id: int) -> dict:
        return self._call("actor", organisation_id=organisation_id)

    def request_access(self, territory: str, message: str | None = None, role: str | None = None) -> dict:
        return self._call("request_access", territory=territory, message=message, role=role)

    def requests(self, territory: str | None = None, status: str | None = None) -> list[dict]:
        return self._call("requests", territory=territory, status=status)

    def approve_request(self, request_id: int, until: str) -> dict:
        return self._call("approve_request", request_id=request_id, until=until)

    def refuse_request(self, request_id: int, reason: str | None = None) -> dict:
        return self._call("refuse_request", request_id=request_id, reason=reason)

    def withdraw_request(self, request_id: int) -> None:
        self._call("withdraw_request", request_id=request_id)

    def invite(self, thread_id: int, organisation_id: int) -> dict:
        return self._call("invite", thread_id=thread_id, organisation_id=organisation_id)

    def invitations(self, status: str | None = None) -> list[dict]:
        return self._call("invitations", status=status)

    def thread_invitations(self, thread_id: int) -> list[dict]:
        return self._call("thread_invitations", thread_id=thread_id)

    def answer_invitation(self, invitation_id: int, accept: bool) -> dict:
        return self._call("answer_invitation", invitation_id=invitation_id, accept=accept)

    def notifications(self, unread_only: bool | None = None) -> list[dict]:
        return self._call("notifications", unread_only=unread_only)

    def mark_notifications_read(self, notification_id: int | None = None) -> None:
        self._call("mark_notifications_read", notification_id=notification_id)

    def counts(self, territory: str) -> dict:
        return self._call("counts", territory=territory)

    def preferences(self) -> dict:
        return self._call("preferences")

    def set_preferences(self, mode: str, email: str | None = None, name: str | None = None) -> dict:
        return self._call("set_preferences", mode=mode, email=email, name=name)

    def export_data(self) -> dict:
        return self._call("export_data")

    def delete_account(self) -> None:
        self._call("delete_account")
