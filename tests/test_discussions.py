"""Discussion store: access matrix, sanitising, bad input, rate limit, CLI."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from conftest import home_with_referential, run_cli

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    "[clic](javascript:alert(1))",
    "[clic](JaVaScRiPt:alert(1))",
    "[clic](  javascript:alert(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[clic](vbscript:msgbox(1))",
    '<a href="javascript:alert(1)">x</a>',
    "<iframe src=https://exemple.org></iframe>",
    "<style>body{display:none}</style>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<p onclick=alert(1)>x</p>",
    "<body onload=alert(1)>",
    "<object data=x></object>",
    "<embed src=x>",
    "<form action=https://x><input name=a></form>",
    "<meta http-equiv=refresh content=0;url=https://x>",
    "<link rel=stylesheet href=https://x>",
    "![image](https://exemple.org/pixel.png)",
    "![x](javascript:alert(1))",
    "<math><mtext><script>alert(1)</script></mtext></math>",
    "<details open ontoggle=alert(1)>",
    '<a href="https://exemple.org" onmouseover=alert(1)>x</a>',
    '[x](https://exemple.org "titre" onmouseover=alert(1))',
    "<scr<script>ipt>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<!--<script>alert(1)</script>-->",
    "<base href=https://x>",
    "[x]: javascript:alert(1)\n\n[lien][x]",
    '<a href="&#106;avascript:alert(1)">x</a>',
    "<video><source onerror=alert(1)></video>",
    "<input autofocus onfocus=alert(1)>",
    "`<script>` en code reste du texte",
    "<table><tr><td background=javascript:alert(1)>x</td></tr></table>",
]
ALLOWED = {
    "p",
    "br",
    "strong",
    "em",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "blockquote",
    "a",
    "h3",
    "h4",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}


def _elements(html: str) -> list[tuple[str, dict]]:
    """The real tags and attributes of rendered HTML (escaped text is not markup)."""
    from html.parser import HTMLParser

    found = []

    class Reader(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.append((tag, dict(attrs)))

        handle_startendtag = handle_starttag

    Reader(convert_charrefs=True).feed(html)
    return found


# The rate limit has its own test: here it must not get in the way (in process and in the CLI).
NO_LIMIT = {"TERRITOIRE_MESSAGE_LIMIT": "100000/60"}


@pytest.fixture(scope="module")
def store(tmp_path_factory, home, ref):
    """A workspace with the referential and an upgraded SQLite store, with a cast of users."""
    from territoire_data.access.users import add_user
    from territoire_data.settings import Settings
    from territoire_data.workspace import Workspace

    folder = home_with_referential(tmp_path_factory, home, "home-discussions")
    workspace = Workspace(folder, settings=Settings.from_environment({**NO_LIMIT}))
    workspace.store.upgrade()
    yesterday, tomorrow = date.today() - timedelta(days=1), date.today() + timedelta(days=30)
    for login, role, territory, end in [
        ("elu", "elu", "33063", None),
        ("agent", "agent", "33063", None),
        ("elu.metropole", "elu", "epci:243300316", None),
        ("entreprise", "entreprise", "33063", tomorrow),
        ("consultant", "consultant", "33063", None),
        ("entreprise.expiree", "entreprise", "33063", yesterday),
        ("elu.autre", "elu", "24322", None),
        ("entreprise.autre", "entreprise", "24322", None),
        ("admin", "admin", "france", None),
    ]:
        add_user(workspace, login, role, territory, until=end)
    yield workspace
    workspace.close()


def cli(*args: str, store):
    return run_cli(*args, home=store.home, env=NO_LIMIT)


@pytest.fixture(scope="module")
def threads(store):
    """One thread of each visibility on Bordeaux (33063), written by its élu."""
    elected = store.discussions("elu")
    return {v: elected.create_thread("33063", f"Fil {v}", f"message {v}", v) for v in ("elus", "partenaires", "tous")}


# (login, visibility) → may read / may create on 33063. Mérignac (33281) is in Bordeaux Métropole.
MATRIX = {
    "elu": {"elus": (True, True), "partenaires": (True, True), "tous": (True, True)},
    "agent": {"elus": (True, True), "partenaires": (True, True), "tous": (True, True)},
    "elu.metropole": {"elus": (True, True), "partenaires": (True, True), "tous": (True, True)},
    "entreprise": {"elus": (False, False), "partenaires": (True, True), "tous": (True, True)},
    "consultant": {"elus": (False, False), "partenaires": (True, True), "tous": (True, True)},
    "entreprise.expiree": {"elus": (False, False), "partenaires": (False, False), "tous": (False, False)},
    "elu.autre": {"elus": (False, False), "partenaires": (False, False), "tous": (True, False)},
    "entreprise.autre": {"elus": (False, False), "partenaires": (False, False), "tous": (True, False)},
    "admin": {"elus": (True, True), "partenaires": (True, True), "tous": (True, True)},
    "inconnu": {"elus": (False, False), "partenaires": (False, False), "tous": (False, False)},
}


@pytest.mark.parametrize("login", list(MATRIX))
@pytest.mark.parametrize("visibility", ["elus", "partenaires", "tous"])
def test_access_matrix(store, threads, login, visibility):
    from territoire_data.discussions import AccessDenied

    read, write = MATRIX[login][visibility]
    space = store.discussions(login)
    visible = {f["id"] for f in space.threads("33063")}
    assert (threads[visibility] in visible) is read
    if read:
        assert [m["text"] for m in space.messages(threads[visibility])][0] == f"message {visibility}"
        space.reply(threads[visibility], f"réponse de {login}")
    else:
        with pytest.raises(AccessDenied):
            space.messages(threads[visibility])
        with pytest.raises(AccessDenied):
            space.reply(threads[visibility], "intrusion")
    if write:
        new = space.create_thread("33063", "Nouveau", "texte", visibility)
        assert new in {f["id"] for f in store.discussions("admin").threads("33063")}
    else:
        with pytest.raises(AccessDenied):
            space.create_thread("33063", "Nouveau", "texte", visibility)


def test_epci_elu_on_member_commune_not_beyond(store):
    from territoire_data.discussions import AccessDenied

    mainland = store.discussions("elu.metropole")
    thread = mainland.create_thread("33281", "Mérignac", "commune membre de la métropole", "elus")
    assert thread in {f["id"] for f in store.discussions("elu.metropole").threads("33281")}
    assert thread not in {
        f["id"] for f in store.discussions("elu").threads("33281")
    }  # an élu of Bordeaux is not élu of Mérignac
    with pytest.raises(AccessDenied):
        mainland.create_thread("24322", "Périgueux", "hors de la métropole", "elus")
    assert mainland.visibilities("dep:33") == []  # a group larger than the EPCI is not covered


def test_edit_delete_flag_unread(store):
    from territoire_data.discussions import AccessDenied

    elected, agent, admin = store.discussions("elu"), store.discussions("agent"), store.discussions("admin")
    thread = elected.create_thread("33063", "Historique", "première version", "elus")
    message = elected.messages(thread)[0]["id"]
    assert {f["id"]: f["unread"] for f in agent.threads("33063")}[thread] == 1
    agent.mark_read(thread)
    assert {f["id"]: f["unread"] for f in agent.threads("33063")}[thread] == 0
    with pytest.raises(AccessDenied):
        agent.edit(message, "réécrit par un autre")
    elected.edit(message, "seconde version")
    assert elected.messages(thread)[0]["text"] == "seconde version" and elected.messages(thread)[0]["edited_at"]
    assert [r["html"] for r in elected.history(message)] == ["<p>première version</p>\n"]
    agent.flag(message, "hors sujet")
    assert [s["reason"] for s in admin.flags()] == ["hors sujet"]
    with pytest.raises(AccessDenied):
        agent.flags()
    with pytest.raises(AccessDenied):
        agent.delete(message)
    admin.delete(message)
    deleted = elected.messages(thread)[0]
    assert deleted["deleted"] and deleted["text"] == "" and "supprimé" in deleted["html"]


@pytest.mark.parametrize("loaded", PAYLOADS, ids=range(len(PAYLOADS)))
def test_injections_rendered_inert(store, loaded):
    elected = store.discussions("elu")
    thread = elected.create_thread("33063", loaded[:150], loaded, "elus")
    message = elected.messages(thread)[0]
    assert message["text"] == loaded.strip()  # stored as written
    for tag, attributes in _elements(message["html"]):
        assert tag in ALLOWED, (tag, message["html"])
        assert set(attributes) <= ({"href", "title", "rel"} if tag == "a" else set()), (attributes, message["html"])
        if "href" in attributes:
            assert attributes["href"].strip().lower().startswith(("https://", "http://", "mailto:")), message["html"]
            assert attributes["rel"] == "noopener noreferrer nofollow"


def test_invalid_inputs(store, monkeypatch):
    from territoire_data.discussions import TextRefused

    elected = store.discussions("elu")
    with pytest.raises(TextRefused, match="trop long"):
        elected.create_thread("33063", "Long", "é" * 10_001, "elus")  # 20 002 bytes
    thread = elected.create_thread("33063", "Contrôle", "a\x00b\x07c\u202ed\ud800e\r\nf", "elus")
    assert elected.messages(thread)[0]["text"] == "abcd\ufffde\nf"
    with pytest.raises(TextRefused, match="vide"):
        elected.reply(thread, " \x00\u200b ")
    thread = elected.create_thread("33063", "Octets", b"caf\xe9 \xff".decode("utf-8", "surrogateescape"), "elus")
    assert elected.messages(thread)[0]["text"] == "caf\ufffd \ufffd"
    from dataclasses import replace

    from territoire_data.access.users import add_user
    from territoire_data.discussions import AccessDenied
    from territoire_data.workspace import Workspace

    strict = Workspace(store.home, settings=replace(store.settings, message_limit=(3, 60)))
    add_user(strict, "rafale", "elu", "24322")  # a user who has not posted yet
    limit = strict.discussions("rafale")
    thread = limit.create_thread("24322", "Rafale", "1", "elus")
    limit.reply(thread, "2")
    limit.reply(thread, "3")
    with pytest.raises(AccessDenied, match="Trop de messages"):
        limit.reply(thread, "4")


def test_cli_users_discussions(store):
    output = cli(
        "users",
        "add",
        "cli.partenaire",
        "--role",
        "entreprise",
        "--territoire",
        "33063",
        "--organisation",
        "Bâtiment & Cie",
        "--jusqu-au",
        "2031-01-01",
        store=store,
    )
    assert output.returncode == 0, output.stderr
    assert "cli.partenaire" in cli("users", "list", store=store).stdout
    refusal = cli(
        "discussions", "post", "33063", "--as", "cli.partenaire", "--visibilite", "elus", "secret", store=store
    )
    assert (
        refusal.returncode == 2 and "Vous ne pouvez pas publier" in refusal.stderr and "Traceback" not in refusal.stderr
    )
    ok = cli(
        "discussions",
        "post",
        "33063",
        "--as",
        "cli.partenaire",
        "--visibilite",
        "partenaires",
        "**Bonjour** <script>x</script>",
        store=store,
    )
    assert ok.returncode == 0, ok.stderr
    data = json.loads(cli("discussions", "list", "33063", "--as", "cli.partenaire", "--json", store=store).stdout)
    messages = [m for f in data["threads"] for m in f["messages"] if "Bonjour" in m["text"]]
    assert messages[0]["text"] == "**Bonjour** <script>x</script>"
    assert messages[0]["html"] == "<p><strong>Bonjour</strong> &lt;script&gt;x&lt;/script&gt;</p>\n"
    assert all(f["visibility"] != "elus" for f in data["threads"])
    listed = cli("discussions", "list", "33063", "--as", "cli.partenaire", store=store).stdout
    line = next(line for line in listed.splitlines() if line.startswith("   ") and "Bonjour" in line)
    assert "**" not in line and "Bonjour <script>x</script>" in line  # read as plain text, written as typed
    assert " à " in line and " h " in line  # the moment in Paris time, in French
    bad = cli("users", "add", "x", "--role", "roi", "--territoire", "33063", store=store)
    assert bad.returncode == 2 and "Rôle inconnu" in bad.stderr
    date_invalid = cli(
        "users", "add", "x", "--role", "elu", "--territoire", "33063", "--jusqu-au", "demain", store=store
    )
    assert date_invalid.returncode == 2 and "Date invalide" in date_invalid.stderr


def test_store_not_migrated(tmp_path, home):
    import shutil

    shutil.copytree(home / "referential", tmp_path / "referential")
    output = run_cli("users", "list", home=tmp_path)
    assert output.returncode == 2 and "territoire db upgrade" in output.stderr
    assert run_cli("db", "upgrade", home=tmp_path).returncode == 0
    assert run_cli("users", "list", home=tmp_path).returncode == 0


class _Communes:
    """What ``State`` needs of a provider, on the real referential."""

    demo = False

    def __init__(self, workspace):
        self.workspace = workspace

    def territory(self, code):
        return self.workspace.territory(code)


def test_panel_without_identity_shows_nothing(store, threads):
    from widgets import DiscussionPanel, State, WorkspaceDiscussions

    state = State(_Communes(store))
    state.choose("33063")
    panel = DiscussionPanel(state, WorkspaceDiscussions(store))
    panel.connect(None)
    assert "Connectez-vous" in panel.header.value and panel.items.value == ""
    assert panel.form.layout.display == "none"
    panel.connect("personne")  # unknown login: no role, nothing either
    assert panel.items.value == "" and "territoire-discussion" in panel._dom_classes


def test_panel_read_post_and_see_arrival(store, threads):
    from widgets import DiscussionPanel, State, WorkspaceDiscussions

    state = State(_Communes(store))
    state.choose("33063")
    panel = DiscussionPanel(state, WorkspaceDiscussions(store))
    panel.connect("entreprise")
    assert [v for _, v in panel.visibility.options] == ["partenaires", "tous"]  # limited to what is allowed
    assert panel.visibility.value == "partenaires"  # the most restricted by default
    assert "Fil partenaires" in panel.items.value and "Fil elus" not in panel.items.value
    panel.text.value = "Proposition <script>alert(1)</script> **chiffrée**"
    panel.title.value = "Devis"
    panel.visibility.value = "partenaires"
    panel.anchor.value = "part_logements_vacants"
    panel._post()
    assert "Message publié" in panel.feedback.value and panel.text.value == ""
    assert "<strong>chiffrée</strong>" in panel.items.value and "<script>" not in panel.items.value
    assert state.anchors.get("part_logements_vacants", 0) >= 1

    other = DiscussionPanel(state, WorkspaceDiscussions(store))
    other.connect("elu")
    assert "Devis" in other.items.value and "non lu" in other.items.value
    version = other._version
    store.discussions("agent").reply(threads["partenaires"], "réponse venue d'ailleurs")
    assert other.check() and other._version != version  # the poll sees it
    assert "réponse venue d&#x27;ailleurs" in other.items.value or "réponse venue d'ailleurs" in other.items.value

    panel.thread.value = threads["elus"] if threads["elus"] in [v for _, v in panel.thread.options] else 0
    assert panel.thread.value == 0  # a thread the company cannot read is not even offered
    panel.text.value = "é" * 10_001
    panel._post()
    assert "trop long" in panel.feedback.value and panel.text.value == "é" * 10_001  # nothing lost


def test_panel_edits_and_deletes_ones_own_messages(store, threads):
    """One's own messages are offered for modification (the earlier version kept) and deletion
    (a second click confirms); others' are not; a bare web address becomes a link."""
    from widgets import DiscussionPanel, State, WorkspaceDiscussions

    state = State(_Communes(store))
    state.choose("33063")
    panel = DiscussionPanel(state, WorkspaceDiscussions(store))
    panel.connect("entreprise")
    assert "Markdown" not in panel.text.placeholder
    panel.thread.value = threads["partenaires"]
    panel.text.value = "Notre devis : https://devis.example.org/42."
    panel._post()
    assert 'href="https://devis.example.org/42"' in panel.items.value
    mine = {m["id"] for f in panel.space.threads("33063") for m in panel.space.messages(f["id"]) if m["editable"]}
    assert {value for _, value in panel.own.options} == mine  # the company's own messages only
    panel.own.value = next(value for label, value in panel.own.options if "Notre devis" in label)
    panel._start_edit()
    assert panel.text.value.startswith("Notre devis") and panel.post.description == "Enregistrer la modification"
    panel.text.value = "Notre devis révisé."
    panel._post()
    assert (
        "Message modifié" in panel.feedback.value and "révisé" in panel.items.value and "modifié" in panel.items.value
    )
    message = panel.own.value
    [earlier] = store.discussions("entreprise").history(message)  # the earlier version is kept
    assert 'href="https://devis.example.org/42"' in earlier["html"]
    panel._remove()
    assert panel.remove.description == "Confirmer la suppression"  # nothing deleted yet
    assert "révisé" in panel.items.value
    panel._remove()
    assert "Message supprimé" in panel.feedback.value and "révisé" not in panel.items.value
    assert message not in {value for _, value in panel.own.options}


def test_imposed_identity_without_demo_switch(store, threads, monkeypatch):
    from territoire_data.access import identity
    from widgets import DiscussionPanel, State, WorkspaceDiscussions

    monkeypatch.setenv("JUPYTERHUB_USER", "entreprise")
    monkeypatch.setenv("TERRITOIRE_USER", "admin")
    assert identity.identity() == "entreprise"  # the hub wins over a local variable
    monkeypatch.delenv("JUPYTERHUB_USER")
    monkeypatch.setenv("HTTP_X_TERRITOIRE_USER", "elu")
    assert identity.identity() == "admin"  # a header is ignored unless configured
    monkeypatch.setenv("TERRITOIRE_IDENTITY_HEADER", "X-Territoire-User")
    assert identity.identity() == "elu"
    state = State(_Communes(store))
    state.choose("33063")
    panel = DiscussionPanel(state, WorkspaceDiscussions(store), demo_logins=["admin", "elu"])
    panel.connect("entreprise", imposed=True)
    panel.user_choice.value = "admin"  # what a forged widget message would do
    assert panel.login == "entreprise" and "Fil elus" not in panel.items.value
    assert panel.user_choice.layout.display == "none"


def test_shared_solutions_across_territories(store):
    output = cli(
        "discussions",
        "post",
        "33063",
        "--as",
        "elu",
        "--visibilite",
        "tous",
        "--solution",
        "--theme",
        "foncier",
        "--titre",
        "Densifier avant d'étendre",
        "Notre méthode…",
        store=store,
    )
    assert output.returncode == 0, output.stderr
    elsewhere = json.loads(
        cli("discussions", "solutions", "--as", "elu.autre", "--theme", "foncier", "--json", store=store).stdout
    )  # an élu of Périgueux reads Bordeaux's shared solution
    assert [f["title"] for f in elsewhere] == ["Densifier avant d'étendre"]
    assert "Aucune solution" in cli("discussions", "solutions", "--as", "inconnu", store=store).stdout
    parcel = cli(
        "discussions",
        "post",
        "33063",
        "--as",
        "elu",
        "--visibilite",
        "elus",
        "--parcelle",
        "33063000AB0123",
        "Cette dent creuse appartient à la commune.",
        store=store,
    )
    assert parcel.returncode == 0, parcel.stderr
    threads = json.loads(cli("discussions", "list", "33063", "--as", "agent", "--json", store=store).stdout)["threads"]
    assert any(f["anchor_type"] == "parcel" and f["anchor"] == "33063000AB0123" for f in threads)
    bad = cli(
        "discussions",
        "post",
        "33063",
        "--as",
        "elu",
        "--visibilite",
        "tous",
        "--solution",
        "--theme",
        "astrologie",
        "x",
        store=store,
    )
    assert bad.returncode == 2 and "Thème inconnu" in bad.stderr
