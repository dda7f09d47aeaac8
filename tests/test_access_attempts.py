"""Authorisation attempts against a real store (issue #13's test plan).

Each case is one attempt an audit made — a user, an action, a target — and whether it must
succeed. Rights come from the store at every action: the revocation tests change a role
while a ``DiscussionSpace`` (what an open dashboard holds) stays alive.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import home_with_referential

NO_LIMIT = {"TERRITOIRE_MESSAGE_LIMIT": "100000/60"}
TODAY = date.today()

CAST = [
    ("elu.bdx", "elu", "33063", None, None),
    ("agent.bdx", "agent", "33063", None, None),
    ("elu.metropole", "elu", "epci:243300316", None, None),
    ("entreprise.bdx", "entreprise", "33063", None, TODAY + timedelta(days=30)),
    ("consultant.bdx", "consultant", "33063", None, None),
    ("entreprise.expiree", "entreprise", "33063", None, TODAY - timedelta(days=1)),
    ("entreprise.future", "entreprise", "33063", TODAY + timedelta(days=1), None),
    ("elu.perigueux", "elu", "24322", None, None),
    ("elu.13201", "elu", "13201", None, None),
    ("elu.marseille", "elu", "13055", None, None),
    ("elu.dep13", "elu", "dep:13", None, None),
    ("admin", "admin", "france", None, None),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory, home, ref):
    from territoire_data.access.users import add_user
    from territoire_data.settings import Settings
    from territoire_data.workspace import Workspace

    folder = home_with_referential(tmp_path_factory, home, "home-tentatives")
    workspace = Workspace(folder, settings=Settings.from_environment(NO_LIMIT))
    workspace.store.upgrade()
    for login, role, territory, since, until in CAST:
        add_user(workspace, login, role, territory, since=since, until=until)
    yield workspace
    workspace.close()


@pytest.fixture(scope="module")
def targets(store):
    """Threads and their first message, by key."""
    written = {
        "bdx.elus": ("elu.bdx", "33063", "elus"),
        "bdx.partenaires": ("elu.bdx", "33063", "partenaires"),
        "bdx.tous": ("elu.bdx", "33063", "tous"),
        "mrs.elus": ("elu.marseille", "13055", "elus"),
        "mrs8.elus": ("elu.marseille", "13208", "elus"),
        "mrs1.elus": ("elu.13201", "13201", "elus"),
        "perigueux.elus": ("elu.perigueux", "24322", "elus"),
    }
    threads = {}
    for key, (author, territory, visibility) in written.items():
        space = store.discussions(author)
        thread = space.create_thread(territory, f"Fil {key}", f"texte {key}", visibility)
        threads[key] = (thread, space.messages(thread)[0]["id"])
    return threads


def _attempt(store, targets, login: str, action: str, target: str):
    space = store.discussions(login)
    if action == "radar":
        return store.authorisation(login).can_run_radar(target)
    if action == "create":
        territory, visibility = target.split("/")
        return space.create_thread(territory, "Tentative", "texte", visibility)
    if action == "list":
        territory, key = target.split("/")
        if targets[key][0] not in {t["id"] for t in space.threads(territory)}:
            raise PermissionError("absent de la liste")
        return True
    thread, message = targets[target]
    return {
        "read": lambda: space.messages(thread),
        "reply": lambda: space.reply(thread, f"réponse de {login}"),
        "mark_read": lambda: space.mark_read(thread),
        "flag": lambda: space.flag(message, "signalement"),
        "history": lambda: space.history(message),
        "edit": lambda: space.edit(message, f"réécrit par {login}"),
        "delete": lambda: space.delete(message),
    }[action]()


# (login, action, target, allowed)
ATTEMPTS = [
    # Bordeaux's own people
    ("elu.bdx", "read", "bdx.elus", True),
    ("agent.bdx", "reply", "bdx.elus", True),
    ("agent.bdx", "create", "33063/elus", True),
    ("elu.metropole", "read", "bdx.elus", True),
    ("elu.metropole", "create", "33281/elus", True),
    ("elu.bdx", "create", "33281/elus", False),  # Mérignac is not Bordeaux
    ("elu.bdx", "create", "epci:243300316/elus", False),  # nor the whole métropole
    ("elu.metropole", "create", "dep:33/elus", False),
    ("elu.bdx", "radar", "33063", True),
    ("elu.bdx", "radar", "33281", False),
    ("agent.bdx", "radar", "33063", True),
    # partners
    ("entreprise.bdx", "read", "bdx.elus", False),
    ("entreprise.bdx", "list", "33063/bdx.elus", False),
    ("entreprise.bdx", "reply", "bdx.elus", False),
    ("entreprise.bdx", "create", "33063/elus", False),
    ("entreprise.bdx", "read", "bdx.partenaires", True),
    ("entreprise.bdx", "create", "33063/partenaires", True),
    ("consultant.bdx", "reply", "bdx.partenaires", True),
    ("entreprise.bdx", "radar", "33063", False),
    ("consultant.bdx", "radar", "33063", False),
    ("entreprise.bdx", "edit", "bdx.partenaires", False),  # someone else's message
    ("entreprise.bdx", "delete", "bdx.partenaires", False),
    ("entreprise.bdx", "history", "bdx.elus", False),
    ("entreprise.bdx", "flag", "bdx.elus", False),
    ("entreprise.bdx", "mark_read", "bdx.elus", False),
    # dates of the subscription
    ("entreprise.expiree", "read", "bdx.partenaires", False),
    ("entreprise.expiree", "read", "bdx.tous", False),
    ("entreprise.expiree", "create", "33063/partenaires", False),
    ("entreprise.future", "read", "bdx.partenaires", False),
    ("entreprise.future", "create", "33063/tous", False),
    # elsewhere
    ("elu.perigueux", "read", "bdx.tous", True),  # shared with every user
    ("elu.perigueux", "reply", "bdx.tous", True),
    ("elu.perigueux", "read", "bdx.partenaires", False),
    ("elu.perigueux", "create", "33063/tous", False),
    ("elu.perigueux", "radar", "33063", False),
    ("elu.bdx", "read", "perigueux.elus", False),
    # arrondissements (a role on one covers it only; the city's covers them all)
    ("elu.13201", "read", "mrs1.elus", True),
    ("elu.13201", "read", "mrs.elus", False),
    ("elu.13201", "list", "13055/mrs.elus", False),
    ("elu.13201", "read", "mrs8.elus", False),
    ("elu.13201", "create", "13208/elus", False),
    ("elu.13201", "create", "13055/partenaires", False),
    ("elu.13201", "radar", "13055", False),
    ("elu.13201", "radar", "13208", False),
    ("elu.13201", "radar", "13201", True),
    ("elu.marseille", "read", "mrs1.elus", True),
    ("elu.marseille", "read", "mrs8.elus", True),
    ("elu.marseille", "create", "13201/elus", True),
    ("elu.marseille", "radar", "13201", True),
    ("elu.dep13", "read", "mrs1.elus", True),
    ("elu.dep13", "create", "13055/elus", True),
    ("elu.dep13", "read", "bdx.elus", False),
    # authors, moderators, strangers
    ("agent.bdx", "edit", "bdx.elus", False),
    ("agent.bdx", "delete", "bdx.elus", False),
    ("admin", "read", "mrs1.elus", True),
    ("admin", "radar", "24322", True),
    ("inconnu", "read", "bdx.tous", False),
    ("inconnu", "create", "33063/tous", False),
    ("inconnu", "radar", "33063", False),
    ("", "read", "bdx.tous", False),
]


def test_matrix_is_large_enough():
    assert len(ATTEMPTS) >= 40


@pytest.mark.parametrize(("login", "action", "target", "allowed"), ATTEMPTS, ids=lambda v: str(v))
def test_attempt(store, targets, login, action, target, allowed):
    from territoire_data.discussions import AccessDenied

    if allowed:
        assert _attempt(store, targets, login, action, target) not in (False, None) or action in (
            "mark_read",
            "flag",
            "reply",
        )
    else:
        try:
            outcome = _attempt(store, targets, login, action, target)
        except (AccessDenied, PermissionError):
            return
        assert outcome is False, f"{login} a pu faire {action} sur {target}"


def test_forged_identifiers_leak_nothing(store, targets):
    from territoire_data.discussions import AccessDenied

    partner = store.discussions("entreprise.bdx")
    answers = set()
    for thread in (targets["bdx.elus"][0], 10**9, -1, 0):
        with pytest.raises(AccessDenied) as refused:
            partner.messages(thread)
        answers.add(str(refused.value))
    assert len(answers) == 1  # "does not exist" and "not yours" read the same


def test_revocation_takes_effect_in_an_open_session(store, targets):
    """Finding 1: a partner revoked while their dashboard is open cannot post any more."""
    from territoire_data.access.users import add_user
    from territoire_data.discussions import AccessDenied

    add_user(store, "partenaire.revoque", "entreprise", "33063", until=TODAY + timedelta(days=10))
    open_space = store.discussions("partenaire.revoque")  # what a dashboard keeps for its kernel's life
    open_space.create_thread("33063", "Avant", "avant la révocation", "partenaires")
    assert targets["bdx.partenaires"][0] in {t["id"] for t in open_space.threads("33063")}

    add_user(store, "partenaire.revoque", "entreprise", "33063", until=date(2020, 1, 1))
    with pytest.raises(AccessDenied):
        open_space.create_thread("33063", "Après", "après la révocation", "partenaires")
    with pytest.raises(AccessDenied):
        open_space.reply(targets["bdx.partenaires"][0], "encore là")
    assert open_space.threads("33063") == [] and not open_space.authenticated


def test_revocation_seen_by_the_dashboard_panel(store, targets):
    """The same through the dashboard's discussion panel, kept open."""
    from territoire_data.access.users import add_user
    from widgets.discussion import DiscussionPanel
    from widgets.providers import WorkspaceDiscussions
    from widgets.state import State

    add_user(store, "partenaire.panneau", "entreprise", "33063", until=TODAY + timedelta(days=10))

    class Communes:
        def territory(self, code):
            return store.territory(code)

    state = State(Communes())
    state.choose("33063")
    panel = DiscussionPanel(state, WorkspaceDiscussions(store))
    panel.connect("partenaire.panneau", imposed=True)
    assert "Fil bdx.partenaires" in panel.items.value
    add_user(store, "partenaire.panneau", "entreprise", "33063", until=date(2020, 1, 1))
    panel.title.value, panel.text.value = "Après révocation", "ne doit pas paraître"
    panel.visibility.value = "partenaires"
    panel._post()
    assert "ne pouvez pas publier" in panel.feedback.value and panel.text.value  # said, and the text kept
    assert "Après révocation" not in {t["title"] for t in store.discussions("admin").threads("33063")}
    panel.refresh()
    assert "Fil bdx.partenaires" not in panel.items.value


def test_history_goes_with_the_deleted_message(store):
    """Finding 3: a message edited then deleted shows no earlier text to its readers."""
    elected, agent, admin = (store.discussions(x) for x in ("elu.bdx", "agent.bdx", "admin"))
    thread = elected.create_thread("33063", "Historique", "texte confidentiel d'origine", "elus")
    message = elected.messages(thread)[0]["id"]
    elected.edit(message, "version corrigée")
    assert "confidentiel" in agent.history(message)[0]["html"]
    elected.delete(message)
    assert agent.history(message) == [] and elected.history(message) == []
    assert "confidentiel" not in str(agent.messages(thread))
    assert "confidentiel" in admin.history(message)[0]["html"]  # moderation keeps its evidence


def test_edits_count_in_the_rate_limit_and_revisions_are_capped(tmp_path_factory, home, ref):
    """Finding 4: edits by a user refused for posting too much are refused too; a message keeps
    at most MAX_REVISIONS earlier versions."""
    from territoire_data.access.users import add_user
    from territoire_data.discussions import AccessDenied
    from territoire_data.discussions.space import MAX_REVISIONS
    from territoire_data.settings import Settings
    from territoire_data.store.models import Revision
    from territoire_data.workspace import Workspace

    folder = home_with_referential(tmp_path_factory, home, "home-limite")
    limited = Workspace(folder, settings=Settings.from_environment({"TERRITOIRE_MESSAGE_LIMIT": "5/3600"}))
    limited.store.upgrade()
    add_user(limited, "bavard", "elu", "33063")
    space = limited.discussions("bavard")
    thread = space.create_thread("33063", "Limite", "un", "elus")
    for n in range(4):
        space.reply(thread, f"message {n}")
    with pytest.raises(AccessDenied, match="Trop de messages"):
        space.reply(thread, "de trop")
    message = space.messages(thread)[0]["id"]
    with pytest.raises(AccessDenied, match="Trop de messages ou de modifications"):
        space.edit(message, "x" * 19_000)
    assert space.history(message) == []
    limited.close()

    free = Workspace(folder, settings=Settings.from_environment(NO_LIMIT))
    space = free.discussions("bavard")
    for n in range(MAX_REVISIONS):
        space.edit(message, f"version {n}")
    with pytest.raises(AccessDenied, match="modifié"):
        space.edit(message, "une de plus")
    with free.store.session() as s:
        assert s.query(Revision).filter(Revision.message_id == message).count() == MAX_REVISIONS
    free.close()


def test_change_counter_scoped_to_what_the_user_may_read(store, targets):
    """Weaker finding: activity on `elus` threads does not move a partner's change counter."""
    partner, elected = store.discussions("entreprise.bdx"), store.discussions("elu.bdx")
    before_partner, before_elected = partner.version("33063"), elected.version("33063")
    elected.reply(targets["bdx.elus"][0], "entre élus")
    assert partner.version("33063") == before_partner
    assert elected.version("33063") != before_elected
    elected.reply(targets["bdx.partenaires"][0], "avec les partenaires")
    assert partner.version("33063") != before_partner


def test_header_identity_has_no_fallback():
    """Behind an authenticating proxy, a request without the header has no identity, even when
    TERRITOIRE_USER is set on the server."""
    from territoire_data.access.identity import identity
    from territoire_data.settings import Settings

    proxied = {"TERRITOIRE_IDENTITY_HEADER": "X-Forwarded-User", "TERRITOIRE_USER": "admin"}
    settings = Settings.from_environment(proxied)
    assert identity(settings, proxied) is None
    assert identity(settings, {**proxied, "HTTP_X_FORWARDED_USER": "elu.bdx"}) == "elu.bdx"
    assert identity(settings, {**proxied, "JUPYTERHUB_USER": "alice"}) == "alice"
    local = {"TERRITOIRE_USER": "elu.bdx"}
    assert identity(Settings.from_environment(local), local) == "elu.bdx"


@pytest.mark.parametrize(
    "link",
    [
        "//evil.example/x",
        "/voila/render/x.ipynb",
        "page.html",
        "?territoire=13055",
        "https://user@evil.example",
        "http:x",
    ],
)
def test_relative_and_protocol_relative_links_dropped(link):
    from territoire_data.text.messages import to_html

    rendered = to_html(f"[lien]({link})")
    assert "href" not in rendered and "lien" in rendered


def test_absolute_links_kept():
    from territoire_data.text.messages import to_html

    assert 'href="https://www.ecologie.gouv.fr/zan"' in to_html("[ZAN](https://www.ecologie.gouv.fr/zan)")
    assert 'href="mailto:mairie@exemple.fr"' in to_html("[écrire](mailto:mairie@exemple.fr)")


def test_admin_role_is_nationwide_or_refused(store):
    from territoire_data.access.users import add_user
    from territoire_data.errors import TerritoireError

    with pytest.raises(TerritoireError, match="--territoire france"):
        add_user(store, "admin.local", "admin", "33063")
    assert not store.authorisation("admin.local").authenticated


def test_dashboard_forwards_the_identity_header():
    from conftest import run_cli

    from territoire_data.cli.dashboard import voila_command

    command = voila_command(8866, identity_header="X-Forwarded-User")
    assert "--VoilaConfiguration.http_header_envs=X-Forwarded-User" in command
    assert any(a.startswith("--MappingKernelManager.allowed_message_types=") for a in command)
    assert "--en-tete-identite" in run_cli("dashboard", "--help").stdout
    refused = run_cli("dashboard", "--en-tete-identite", "X-User; rm -rf /")
    assert refused.returncode == 2 and "En-tête d'identité invalide" in refused.stderr


def test_exchange_panel_shows_names_organisations_and_french_dates(store):
    """Élus read « Claire Martin (Ville de Bordeaux) · 30 nov. 2026 à 17 h 33 », not logins and ISO dates."""
    import re

    from territoire_data.access.users import add_user
    from territoire_data.rendering.formatting import moment
    from widgets.discussion import threads_html

    add_user(store, "c.martin", "elu", "33063", organisation="Ville de Bordeaux", name="Claire Martin")
    space = store.discussions("c.martin")
    thread = space.create_thread("33063", "Noms lisibles", "Bonjour à tous", "elus")
    messages = space.messages(thread)
    assert messages[0]["author_name"] == "Claire Martin" and messages[0]["organisation"] == "Ville de Bordeaux"
    page = threads_html([t for t in space.threads("33063") if t["id"] == thread], {thread: messages})
    assert "<strong>Claire Martin</strong> (Ville de Bordeaux)" in page and "c.martin" not in page
    assert re.search(
        r"\d{1,2}(er)? (janv\.|févr\.|mars|avr\.|mai|juin|juil\.|août|sept\.|oct\.|nov\.|déc\.) "
        r"\d{4} à \d{1,2} h \d{2}",
        page,
    )
    assert "T" not in re.search(r"<time[^>]*>([^<]*)</time>", page).group(1)
    assert moment("2026-11-30T16:33:00+00:00") == "30 nov. 2026 à 17 h 33"  # Paris time, winter
    assert moment("2026-07-01T08:05:00+00:00") == "1er juil. 2026 à 10 h 05"  # summer time
