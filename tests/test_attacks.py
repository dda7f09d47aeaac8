"""The exchange space under attack, round two: each test replays an attack a registered
company that read the source could make, and shows it refused or harmless.

The attacker drives the same JSON operations as the JupyterHub service (``perform`` and its
HTTP status through ``outcome_of``), the CLI, a real SMTP server and the store's files.
"""

from __future__ import annotations

import json
import os
import stat
import time
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from smtp import smtp_server
from test_partners import SOLAR, _admitted, _mail_workspace, _profile

POISON = "=?utf-8?q?x=0ABcc:e=40a.io?=@example.com"


def _space(store, login):
    from territoire_data.discussions.space import DiscussionSpace

    return DiscussionSpace(login, workspace=store)


def _status(store, login, operation, arguments):
    from territoire_data.service.client import outcome_of
    from territoire_data.service.operations import perform

    return outcome_of(lambda: perform(_space(store, login), operation, arguments))


# -- 1. one address never stops the mail ------------------------------------------------------


def test_encoded_word_address_is_refused(store):
    from territoire_data.errors import TerritoireError

    for address in (POISON, "a@b.fr\nBcc: x@y.fr", '"x"@mairie.fr', "a b@mairie.fr", "x@mairie"):
        with pytest.raises(TerritoireError, match="invalide"):
            store.exchange("solaire.lea").set_preferences("immediate", address)
    assert store.exchange("solaire.lea").set_preferences("immediate", "lea@mairie-évry.fr")["email"] == (
        "lea@mairie-évry.fr"
    )


def test_a_poisoned_address_stops_nobody_elses_mail(store):
    """An address written in the store before the check (or by hand) that cannot be composed:
    its rows fail with the reason, every other e-mail and digest goes out, nothing loops."""
    from sqlalchemy import update

    from territoire_data.notifications.delivery import deliver
    from territoire_data.store.models import Notification, User

    store.exchange("elu.sm").set_preferences("immediate", "henri.dubos@saint-martial.test")
    store.exchange("agent.sm").set_preferences("immediate", "agent@saint-martial.test")
    store.exchange("elu.bdx").set_preferences("daily", "claire@bordeaux.test")
    with store.store.session() as s:
        s.execute(update(User).where(User.login == "agent.sm").values(email=POISON))
    _profile(store, "solaire.lea", SOLAR)
    store.exchange("solaire.lea").request_access("33440", "Bonjour")  # told to the élu and the agent
    store.exchange("solaire.lea").request_access("33063", "Bonjour")  # told to Bordeaux's élu, daily
    seven = datetime.now().astimezone().replace(hour=7, minute=0, second=0, microsecond=0) + timedelta(days=1)
    with smtp_server() as (mailbox, port):
        first = deliver(_mail_workspace(store, port), at=seven + timedelta(minutes=1))
        assert first.failed == 1 and "adresse" in first.errors[0].lower()
        assert len(mailbox.to("henri.dubos@saint-martial.test")) == 1
        assert len(mailbox.to("claire@bordeaux.test")) == 1  # the digest went out too
        again = deliver(_mail_workspace(store, port), at=seven + timedelta(hours=2))
        assert again.failed == 0 and again.emails == 0  # the poisoned row is not claimed again
    with store.store.session() as s:
        agent = s.query(User).filter_by(login="agent.sm").one()
        row = s.query(Notification).filter_by(user_id=agent.id).one()
        assert row.mail_state == "failed" and "adresse" in row.mail_error.lower()
    assert store.exchange("agent.sm").notifications()  # still shown in the dashboard


# -- 2. no request ties up the service ---------------------------------------------------------


def _valid(kind):
    return {int: 1, str: "33440", bool: True, list: ["energie"]}[kind]


HOSTILE = [None, 2**80, -(2**70), 1.5, "x" * 1_000_000, ["x" * 100_000] * 60, {"a": 1}, True, "2024-13-45", [None]]


def test_every_operation_answers_hostile_arguments_in_french_without_a_trace(store):
    """Wrong types, huge values and ``null`` for every argument of every operation: a 400 or
    a 403 in French, never a 500 (a traceback in the service's log). Their cost is measured
    in ``benchmarks/service.py``."""
    from territoire_data.service.operations import OPERATIONS

    _admitted(store)
    for name, operation in OPERATIONS.items():
        if name in ("delete_account", "delete_profile"):
            continue
        parameters = {**operation.required, **operation.optional}
        base = {k: _valid(v) for k, v in operation.required.items()}
        for parameter in parameters:
            for value in HOSTILE:
                status, body = _status(store, "solaire.lea", name, {**base, parameter: value})
                assert status in (200, 400, 403), (name, parameter, repr(value)[:60], status, body)
                if status != 200:
                    assert body["error"] and "Traceback" not in body["error"], body
                if value is None and parameter in operation.required:
                    assert status == 400 and "requis" in body["error"], (name, parameter, body)


def test_a_reply_with_null_posts_nothing(store):
    _admitted(store)
    thread = store.exchange("elu.sm").create_thread("33440", "Sujet", "…", "partenaires")
    status, body = _status(store, "solaire.lea", "reply", {"thread_id": thread, "content": None})
    assert status == 400
    assert all(m["text"] != "None" for m in store.exchange("elu.sm").messages(thread))


def test_the_largest_legal_profile_is_taken_and_a_larger_one_refused(store):
    """Fifty tag items (the most an operation takes) that reduce to seven distinct tags are
    accepted; ten thousand are refused before any work (costs: ``benchmarks/service.py``)."""
    from territoire_data.service.operations import MAX_LIST

    body = {**SOLAR, "territories": ["33440"], "tags": [f"étiquette {i % 7}" for i in range(MAX_LIST)]}
    status, answer = _status(store, "solaire.lea", "save_profile", body)
    assert status == 200 and len(answer["result"]["tags"]) == 7, answer
    status, answer = _status(store, "solaire.lea", "save_profile", {**body, "tags": ["x" * 60] * 10_000})
    assert status == 400 and "liste de textes" in answer["error"]
    many = [",".join(f"t{j}" for j in range(i * 20, i * 20 + 20)) for i in range(MAX_LIST)]  # 1,000 distinct
    status, answer = _status(store, "solaire.lea", "save_profile", {**body, "tags": many})
    assert status == 400 and "10 au plus" in answer["error"]


def test_unknown_messages_and_threads_answer_the_same(store):
    _admitted(store)
    private = store.exchange("elu.sm").create_thread("33440", "Budget", "…", "elus")
    message = store.exchange("elu.sm").messages(private)[0]["id"]
    answers = {
        _status(store, "solaire.lea", "history", {"message_id": message})[1]["error"],
        _status(store, "solaire.lea", "history", {"message_id": 999_999})[1]["error"],
        _status(store, "solaire.lea", "edit", {"message_id": message, "content": "x"})[1]["error"],
        _status(store, "solaire.lea", "edit", {"message_id": 999_999, "content": "x"})[1]["error"],
    }
    assert len(answers) == 1, answers


def test_an_approval_runs_three_years_at_most(store):
    _profile(store, "solaire.lea", SOLAR)
    request = store.exchange("solaire.lea").request_access("33440")
    today = date.today()
    too_far = (today.replace(year=today.year + 3) + timedelta(days=1)).isoformat()
    status, body = _status(store, "elu.sm", "approve_request", {"request_id": request["id"], "until": too_far})
    assert status == 400 and "trois ans" in body["error"]
    status, body = _status(store, "elu.sm", "approve_request", {"request_id": request["id"], "until": None})
    assert status == 400


# -- 3. no élu's address reaches a company -----------------------------------------------------


def test_logins_never_leave_the_service_for_non_administrators(store):
    """With the deployment's default username claim (``email``), a login is an e-mail address."""
    from territoire_data.access.users import add_user

    add_user(store, "henri.dubos@saint-martial.fr", "elu", "33440", name="Henri Dubos")
    elu = store.exchange("henri.dubos@saint-martial.fr")
    shared = elu.create_thread("33440", "Toitures", "Qui est intéressé ?", "partenaires", solution=False)
    solution = elu.create_thread("33440", "Notre méthode", "Ce qui a marché.", "tous", theme="energie", solution=True)
    _admitted(store)
    company = store.exchange("solaire.lea")
    seen = json.dumps(
        [company.threads("33440"), company.messages(shared), company.solutions(), company.messages(solution)]
    )
    assert "saint-martial.fr" not in seen and "henri.dubos" not in seen
    assert "Henri Dubos" in seen
    admin = json.dumps(store.exchange("admin").messages(shared))
    assert "henri.dubos@saint-martial.fr" in admin  # administrators still see who wrote


# -- 7. rights read again for every notification -----------------------------------------------


def test_a_former_elu_no_longer_hears_of_requests(store):
    from territoire_data.access.users import add_user
    from territoire_data.notifications.delivery import deliver

    store.exchange("agent.sm").set_preferences("daily", "agent@saint-martial.test")
    _profile(store, "solaire.lea", {**SOLAR, "contact_phone": "06 12 34 56 78"})
    store.exchange("solaire.lea").request_access("33440", "Appelez-moi au 06 12 34 56 78.")
    add_user(store, "agent.sm", "agent", "33440", until=date.today() - timedelta(days=1))  # role ended
    assert store.exchange("agent.sm").notifications() == []
    assert store.exchange("agent.sm").counts("33440")["notifications"] == 0
    seven = datetime.now().astimezone().replace(hour=7, minute=0, second=0, microsecond=0) + timedelta(days=1)
    with smtp_server() as (mailbox, port):
        result = deliver(_mail_workspace(store, port), at=seven + timedelta(minutes=1))
        assert not mailbox.to("agent@saint-martial.test") and result.dropped >= 1


# -- 8. the store is not readable by other local accounts --------------------------------------


def test_store_files_are_private(store):
    store.exchange("elu.sm").create_thread("33440", "Sujet", "…", "elus")
    folder = store.store.folder
    assert folder is not None and stat.S_IMODE(folder.stat().st_mode) == 0o700
    for path in folder.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) & 0o077 == 0, path


def test_a_loose_store_is_tightened_with_a_french_warning(tmp_path, caplog):
    from territoire_data.store.database import Store

    folder = tmp_path / "base"
    folder.mkdir(mode=0o755)
    database = folder / "discussions.sqlite"
    database.write_bytes(b"")
    os.chmod(database, 0o644)
    with caplog.at_level("WARNING"):
        Store.private_folder(folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700 and stat.S_IMODE(database.stat().st_mode) == 0o600
    assert any("lisible par d'autres comptes" in r.getMessage() for r in caplog.records)


# -- 9. identity header mode -------------------------------------------------------------------


def test_header_mode_without_header_has_no_identity_and_no_switcher():
    from territoire_data.access.identity import identity, imposed
    from territoire_data.settings import Settings

    env = {"TERRITOIRE_IDENTITY_HEADER": "X-Forwarded-User", "TERRITOIRE_USER": "admin"}
    settings = Settings.from_environment(env)
    assert identity(settings, env) is None and imposed(settings, env)
    assert identity(settings, {**env, "HTTP_X_FORWARDED_USER": "elu.sm"}) == "elu.sm"
    assert not imposed(Settings.from_environment({}), {})


def test_dashboard_behind_a_proxy_never_offers_the_demo_switch(monkeypatch):
    """A request that reached the server without the proxy's header: no identity, no switch,
    even on demo data where the switch lists ``admin``."""
    from fakes import FakeDiscussions, FakeProvider, FakeRadar

    from widgets import Dashboard
    from widgets.dashboard import open_dashboard

    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.delenv("TERRITOIRE_USER", raising=False)
    monkeypatch.setenv("TERRITOIRE_IDENTITY_HEADER", "X-Forwarded-User")
    view = Dashboard(FakeProvider(), "99001", discussions=FakeDiscussions(), radar=FakeRadar())
    assert "admin" in [v for _, v in view.discussion.user_choice.options]  # the demo switch exists…
    open_dashboard(view, "99001")
    assert view.discussion.login is None
    assert view.discussion.user_choice.layout.display == "none" and view.discussion.user_choice.disabled
    view.discussion.user_choice.value = "admin"  # what a forged widget message would do
    assert view.discussion.login is None


# -- 10, 11. kernels over private sockets; nothing outlives its server -------------------------


def test_leftovers_of_a_killed_server_are_ended_by_the_next(tmp_path):
    """What a previous run on the same port left (a process naming its zygote socket, a
    recorded zygote) is ended before the next server starts; a live server is left alone."""
    import subprocess
    import sys

    from territoire_data.server import runtime
    from territoire_data.server.launch_kernel import ZYGOTE_VARIABLE

    folder = runtime.folder_for(59_999)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    env = {**os.environ, ZYGOTE_VARIABLE: str(folder / runtime.SOCKET)}
    orphan = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"], env=env)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])  # not ours
    try:
        (folder / runtime.RECORD).write_text(json.dumps({"server": 2**22 + 7, "zygote": None}))
        time.sleep(0.3)
        assert orphan.pid in runtime.end_leftovers(folder)
        assert orphan.wait(10) is not None and other.poll() is None
    finally:
        for process in (orphan, other):
            process.kill()
            process.wait()


@pytest.mark.slow
def test_a_killed_server_leaves_no_process_behind(home_demo, tmp_path):
    """SIGKILL on ``territoire dashboard`` (a supervisor's hard stop, the OOM killer): ten
    seconds later none of its processes — zygote, preheated kernels, launchers — is alive.
    Its kernels' channels were UNIX sockets in a private folder, not TCP ports (ipykernel still
    binds one loopback port of its own, to gather the output of processes a kernel forks)."""
    import signal
    import subprocess
    import sys

    import psutil
    from server import ANNOUNCEMENT, free_port

    from territoire_data.server import runtime

    port = free_port()
    log = tmp_path / "serveur.log"
    env = {**os.environ, "TERRITOIRE_HOME": str(home_demo), "TERRITOIRE_NO_PROGRESS": "1"}
    with open(log, "w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "territoire_data", "dashboard", "--port", str(port), "--no-browser"],
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        limit = time.monotonic() + 180
        while ANNOUNCEMENT not in log.read_text(errors="replace"):
            assert server.poll() is None and time.monotonic() < limit, log.read_text()[-3000:]
            time.sleep(0.3)
        folder = runtime.folder_for(port)
        family = {p.pid for p in psutil.Process(server.pid).children(recursive=True)}
        family |= set(runtime.processes_of(folder))
        assert len(family) >= 5, family  # zygote, two launchers, two forked kernels
        commands = [psutil.Process(p).cmdline() for p in family]
        launchers = [c for c in commands if any(part.endswith("launch_kernel.py") for part in c)]
        assert len(launchers) >= 2
        for command in launchers:
            connection = Path(command[command.index("-f") + 1])
            assert json.loads(connection.read_text())["transport"] == "ipc"  # the five channels: UNIX sockets
            assert stat.S_IMODE(connection.parent.stat().st_mode) & 0o077 == 0  # in a private folder
        os.kill(server.pid, signal.SIGKILL)
        server.wait(10)
        time.sleep(10)
        alive = [p for p in family if psutil.pid_exists(p) and psutil.Process(p).status() != psutil.STATUS_ZOMBIE]
        assert not alive, [" ".join(psutil.Process(p).cmdline())[:120] for p in alive]
    finally:
        try:
            os.killpg(server.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


# -- 5. cool-downs and limits per organisation ------------------------------------------------


def _join(store, login: str, organisation_name: str) -> None:
    """Attach a second login to an organisation (what an administrator does)."""
    from sqlalchemy import select

    from territoire_data.access.users import ensure_user
    from territoire_data.store.models import Organisation

    with store.store.session() as s:
        user = ensure_user(s, login)
        user.organisation_id = s.scalar(select(Organisation.id).where(Organisation.name == organisation_name))


def test_the_cool_down_holds_for_the_organisation_and_survives_erasure(store):
    from territoire_data.errors import TerritoireError

    _profile(store, "solaire.lea", SOLAR)
    request = store.exchange("solaire.lea").request_access("33440", "Bonjour")
    store.exchange("elu.sm").refuse_request(request["id"], "Pas maintenant.")
    _join(store, "solaire.marc", SOLAR["name"])  # a second login of the same company
    with pytest.raises(TerritoireError, match="refusée le"):
        store.exchange("solaire.marc").request_access("33440", "Et moi ?")
    store.exchange("solaire.marc").delete_account()
    store.exchange("solaire.lea").delete_account()  # the company's last member: its row goes
    _profile(store, "solaire.retour", SOLAR)  # back with the same SIREN under a new login
    with pytest.raises(TerritoireError, match="refusée le"):
        store.exchange("solaire.retour").request_access("33440", "Bonjour à nouveau")


def test_the_request_limit_holds_for_the_organisation(tmp_path_factory, home, ref):
    from conftest import home_with_referential, partners_workspace

    from territoire_data.access.authorisation import AccessDenied

    workspace = partners_workspace(
        home_with_referential(tmp_path_factory, home, "home-limite"), TERRITOIRE_REQUEST_LIMIT="2/86400"
    )
    workspace.store.upgrade()
    _profile(workspace, "solaire.lea", SOLAR)
    _join(workspace, "solaire.marc", SOLAR["name"])
    workspace.exchange("solaire.lea").request_access("33440")
    workspace.exchange("solaire.marc").request_access("33063")
    with pytest.raises(AccessDenied, match="Trop de demandes"):
        workspace.exchange("solaire.marc").request_access("33281")
    workspace.close()


@pytest.mark.postgres
def test_the_request_limit_is_atomic_on_postgresql(tmp_path_factory, home, ref, postgres):
    """Twelve requests at once from one company's twelve logins, five allowed: five accepted."""
    from concurrent.futures import ThreadPoolExecutor

    from conftest import home_with_referential, partners_workspace

    from territoire_data.errors import TerritoireError

    workspace = partners_workspace(
        home_with_referential(tmp_path_factory, home, "home-limite-pg"),
        TERRITOIRE_DB_URL=postgres,
        TERRITOIRE_REQUEST_LIMIT="5/86400",
    )
    workspace.store.upgrade()
    _profile(workspace, "solaire.lea", SOLAR)
    logins = [f"solaire.{i}" for i in range(12)]
    for login in logins:
        _join(workspace, login, SOLAR["name"])
    communes = [c for c in workspace.territory("dep:33").communes[:12]]

    def ask(pair):
        login, commune = pair
        try:
            workspace.exchange(login).request_access(commune, "Bonjour")
            return True
        except TerritoireError:
            return False

    with ThreadPoolExecutor(12) as pool:
        accepted = sum(pool.map(ask, zip(logins, communes)))
    assert accepted == 5
    workspace.close()


# -- 6. erasure erases; the export lists everything --------------------------------------------


def test_erasure_reaches_what_others_were_told_and_the_export_is_complete(store):
    from sqlalchemy import select

    from territoire_data.store.models import (
        AccessRequest,
        Flag,
        Invitation,
        Message,
        Notification,
        Organisation,
        ReadMark,
        Revision,
        User,
    )

    _admitted(store)
    lea = store.exchange("solaire.lea")
    lea.set_preferences("immediate", "lea.martin@soleil.test", "Léa Martin")
    lea.request_access("33063", "Appelez-moi au 06 12 34 56 78.")  # told to Bordeaux's élu, with the text
    elu = store.exchange("elu.sm")
    thread = elu.create_thread("33440", "Toitures", "Qui est intéressé ?", "partenaires")
    lea.reply(thread, "Nous, volontiers.")
    mine = lea.messages(thread)[-1]["id"]
    lea.edit(mine, "Nous, volontiers : 120 kWc.")
    lea.flag(store.exchange("elu.sm").messages(thread)[0]["id"], "Léa Martin trouve ce message confus.")
    elu.reply(thread, "Merci.")
    lea.mark_read(thread)

    exported = lea.export_data()
    with store.store.session() as s:
        me = s.scalar(select(User).where(User.login == "solaire.lea"))
        dump = {
            "messages": set(s.scalars(select(Message.id).where(Message.author_id == me.id))),
            "revisions": set(s.scalars(select(Revision.id).join(Message).where(Message.author_id == me.id))),
            "notifications": set(s.scalars(select(Notification.id).where(Notification.user_id == me.id))),
            "flags": set(s.scalars(select(Flag.id).where(Flag.user_id == me.id))),
            "requests": set(s.scalars(select(AccessRequest.id).where(AccessRequest.user_id == me.id))),
            "invitations": set(
                s.scalars(select(Invitation.id).where(Invitation.organisation_id == me.organisation_id))
            ),
            "read_marks": set(s.scalars(select(ReadMark.thread_id).where(ReadMark.user_id == me.id))),
        }
        organisation_id = me.organisation_id
    assert {m["id"] for m in exported["messages"]} == dump["messages"]
    assert sum(len(m["revisions"]) for m in exported["messages"]) == len(dump["revisions"]) == 1
    assert {n["id"] for n in exported["notifications"]} == dump["notifications"]
    assert {f["id"] for f in exported["flags"]} == dump["flags"]
    assert {r["id"] for r in exported["requests"]} == dump["requests"]
    assert {i["id"] for i in exported["invitations"]} == dump["invitations"]
    assert {r["thread"] for r in exported["read_marks"]} == dump["read_marks"]
    assert exported["account"]["email"] == "lea.martin@soleil.test" and exported["profile"]["siren"]

    lea.delete_profile()  # the profile first, then the account: the organisation's row goes all the same
    lea.delete_account()
    told = json.dumps(
        [store.exchange(login).notifications() for login in ("elu.sm", "agent.sm", "elu.bdx", "admin")],
        ensure_ascii=False,
    )
    assert "Léa Martin" not in told and "06 12 34 56 78" not in told and "Compte supprimé" in told
    with store.store.session() as s:
        texts = " ".join(n.text + n.mail_text for n in s.scalars(select(Notification)))
        assert "Léa Martin" not in texts and "06 12 34 56 78" not in texts
        assert s.get(Organisation, organisation_id) is None
        assert all("Léa" not in f.reason for f in s.scalars(select(Flag)))
        assert s.scalar(select(User).where(User.login == "solaire.lea")) is None


# -- 4. nobody passes for someone else ---------------------------------------------------------


def test_a_claim_never_locks_the_real_company_out(store):
    """A squatter claims the SIREN first: the real company can still claim it; an administrator
    confirms the real one, the squatter's claim is refused, and no élu could admit it before."""
    from territoire_data.errors import TerritoireError

    squatter = _profile(store, "faux.soleil", {**SOLAR, "name": "Soleil Entre Deux Mers SAS"}, verified=False)
    assert squatter["siren_status"] == "pending"
    asked = store.exchange("faux.soleil").request_access("33440", "Bonjour")
    with pytest.raises(TerritoireError, match="pas encore vérifié"):
        store.exchange("elu.sm").approve_request(asked["id"], (date.today() + timedelta(days=30)).isoformat())
    real = _profile(store, "solaire.lea", SOLAR, verified=False)  # not refused: a claim locks nothing
    confirmed = store.exchange("admin").verify_organisation(real["id"])
    assert confirmed["siren_status"] == "verified"
    names = [a["name"] for a in store.exchange("elu.sm").directory("33440")]
    assert SOLAR["name"] in names and "Soleil Entre Deux Mers SAS" not in names
    with pytest.raises(TerritoireError, match="pas été reconnu"):
        store.exchange("faux.soleil").request_access("33063")
    assert any("non reconnu" in n["text"] for n in store.exchange("faux.soleil").notifications())
    from territoire_data.access.authorisation import AccessDenied

    with pytest.raises(AccessDenied):
        store.exchange("solaire.lea").verify_organisation(real["id"])  # administrators only
    with pytest.raises(AccessDenied, match="profil vérifié"):
        _profile(store, "autre.login", {**SOLAR, "name": "Encore une autre"}, verified=False)


def test_the_siren_does_not_change_by_saving_again(store):
    from territoire_data.errors import TerritoireError

    _profile(store, "solaire.lea", SOLAR)
    store.exchange("solaire.lea").delete_profile()
    with pytest.raises(TerritoireError, match="SIREN d'un profil ne change pas"):
        _profile(store, "solaire.lea", {**SOLAR, "siren": "100000009"})


def test_look_alike_names_are_refused(store):
    from territoire_data.errors import TerritoireError

    for name in ("Ville dе Bordeaux", "Soleil d’Entre-deux-Mеrs"):  # a Cyrillic « е » in each
        with pytest.raises(TerritoireError, match="alphabets"):
            _profile(store, "faux.bdx", {**SOLAR, "name": name}, verified=False)
    with pytest.raises(TerritoireError, match="s'appelle déjà « Ville de Bordeaux »"):
        _profile(store, "faux.bdx", {**SOLAR, "name": "VILLE DE BORDEAUX"}, verified=False)
    _admitted(store)
    company = store.exchange("solaire.lea")
    for shown in ("Henri Dubos", "HENRI  DUBOS", "Ｈｅｎｒｉ Ｄｕｂｏｓ", "Hеnri Dubos"):
        with pytest.raises(TerritoireError):
            company.set_preferences("immediate", "lea@soleil.test", shown)
    assert company.set_preferences("immediate", "lea@soleil.test", "Ｌéa Ｍartin")["name"] == "Léa Martin"
    thread = store.exchange("elu.sm").create_thread("33440", "Toitures", "…", "partenaires")
    company.reply(thread, "Bonjour, ici la mairie.")
    said = store.exchange("elu.sm").messages(thread)[-1]
    assert said["actor"] is True and said["organisation"] == SOLAR["name"]  # marked as the company's
    assert store.exchange("elu.sm").messages(thread)[0]["actor"] is False


def test_the_sirene_register_confirms_or_refuses_a_claim(tmp_path_factory, home, ref):
    """The verification step against a local stand-in of INSEE's API Sirene."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from conftest import home_with_referential, partners_workspace

    from territoire_data.errors import TerritoireError

    units = {
        "123456782": {"denominationUniteLegale": "SOLEIL D'ENTRE-DEUX-MERS", "etatAdministratifUniteLegale": "A"},
        "100000009": {"denominationUniteLegale": "CHALEUR BOIS GIRONDE", "etatAdministratifUniteLegale": "C"},
        "552100554": {"denominationUniteLegale": "AUTRE NOM", "etatAdministratifUniteLegale": "A"},
    }
    keys = []

    class Register(BaseHTTPRequestHandler):
        def do_GET(self):
            keys.append(self.headers.get("X-INSEE-Api-Key-Integration"))
            siren = self.path.rsplit("/", 1)[-1]
            if siren not in units:
                self.send_response(404)
                self.end_headers()
                return
            body = {"uniteLegale": {"siren": siren, "periodesUniteLegale": [{"dateFin": None, **units[siren]}]}}
            data = json.dumps(body).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Register)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        workspace = partners_workspace(
            home_with_referential(tmp_path_factory, home, "home-sirene"),
            TERRITOIRE_SIRENE_URL=f"http://127.0.0.1:{server.server_port}/api-sirene/3.11",
            TERRITOIRE_SIRENE_TOKEN="cle-de-test",
        )
        workspace.store.upgrade()
        assert _profile(workspace, "solaire.lea", SOLAR, verified=False)["siren_status"] == "verified"
        with pytest.raises(TerritoireError, match="cessée"):
            _profile(workspace, "chaleur.paul", {**SOLAR, "name": "Chaleur Bois Gironde", "siren": "100000009"})
        with pytest.raises(TerritoireError, match="inconnu du répertoire Sirene"):
            _profile(workspace, "inconnu", {**SOLAR, "name": "Inconnue", "siren": "732829320"}, verified=False)
        other = _profile(workspace, "autre", {**SOLAR, "name": "Un autre nom", "siren": "552100554"}, verified=False)
        assert other["siren_status"] == "pending"  # the register names it otherwise: an administrator decides
        assert set(keys) == {"cle-de-test"}
        workspace.close()
    finally:
        server.shutdown()
