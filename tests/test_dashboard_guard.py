"""What a visitor can send to a dashboard's kernel: widget messages, never code.

Against the real ``territoire dashboard``: a page is rendered, then its kernel's websocket is
opened directly (as a hostile visitor would, without the page's JavaScript) and sent an
``execute_request`` and a forged widget message.
"""

from __future__ import annotations

import json
import re
import time
import urllib.request
import uuid

import pytest

pytestmark = [pytest.mark.slow, pytest.mark.browser]


def _message(msg_type: str, content: dict, session: str) -> str:
    return json.dumps(
        {
            "header": {
                "msg_id": uuid.uuid4().hex,
                "msg_type": msg_type,
                "username": "visiteur",
                "session": session,
                "version": "5.3",
                "date": "2026-12-01T00:00:00Z",
            },
            "parent_header": {},
            "metadata": {},
            "content": content,
            "buffers": [],
            "channel": "shell",
        }
    )


def _received(connection, seconds: float) -> list[dict]:
    messages, end = [], time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        try:
            raw = connection.recv(timeout=left)
        except TimeoutError:
            break
        if isinstance(raw, str):
            messages.append(json.loads(raw))
    return messages


@pytest.fixture
def kernel_socket(demo_dashboard):
    """A websocket to the kernel of a freshly rendered dashboard page, and that page's HTML."""
    from websockets.sync.client import connect

    with urllib.request.urlopen(f"{demo_dashboard}/?territoire=33063", timeout=120) as answer:
        page = answer.read().decode("utf-8")
    kernel = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page)
    assert kernel, "identifiant du noyau absent de la page"
    ws_url = demo_dashboard.replace("http://", "ws://") + f"/api/kernels/{kernel.group(1)}/channels?session_id=visiteur"
    with connect(ws_url, open_timeout=20, max_size=None) as connection:
        yield connection, page


def test_execute_request_from_the_page_is_dropped(kernel_socket, tmp_path):
    connection, _page = kernel_socket
    proof = tmp_path / "execute.txt"
    connection.send(_message("kernel_info_request", {}, "visiteur"))
    replies = _received(connection, 5)
    assert any(m["header"]["msg_type"] == "kernel_info_reply" for m in replies)  # the channel works

    code = f"open({str(proof)!r}, 'w').write('code exécuté')"
    connection.send(_message("execute_request", {"code": code, "silent": False, "store_history": False}, "visiteur"))
    connection.send(_message("inspect_request", {"code": "import os", "cursor_pos": 5}, "visiteur"))
    after = _received(connection, 5)
    assert not proof.exists()
    assert not {m["header"]["msg_type"] for m in after} & {"execute_reply", "execute_input", "inspect_reply"}


def test_forged_widget_message_sends_no_traceback(kernel_socket, artifacts):
    connection, page = kernel_socket
    models = set(re.findall(r'"model_id":\s*"([0-9a-f]{32})"', page))
    assert models
    for model in models:  # the page's root widgets: an invalid state for each
        forged = {"comm_id": model, "data": {"method": "update", "state": {"children": "pas une liste"}}}
        connection.send(_message("comm_msg", forged, "visiteur"))
        connection.send(_message("comm_msg", {"comm_id": model, "data": {"method": "inconnue"}}, "visiteur"))
    connection.send(_message("comm_msg", {"comm_id": "0" * 32, "data": {}}, "visiteur"))
    received = json.dumps(_received(connection, 5), ensure_ascii=False)
    for trace in ("Traceback", "TraitError", "Exception in comm", "No such comm"):
        assert trace not in received
    # … it went to the server's log, where the operator reads it
    log = (artifacts / "voila.log").read_text(encoding="utf-8", errors="replace")
    assert "message de widget refusé" in log and "TraitError" in log
