"""Mise en relation (issue #17) against a real store, through the exchange client the
dashboard uses (``Workspace.exchange``: the same JSON operations as the JupyterHub service),
and e-mails through a real local SMTP server (aiosmtpd).

Cast: Saint-Martial (33440) and its élu, Bordeaux's élu, two companies that arrive by
themselves (no account in the store before their first action).
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from conftest import home_with_referential, run_cli
from smtp import smtp_server, smtp_settings

TODAY = date.today()
NEXT_YEAR = (TODAY + timedelta(days=365)).isoformat()
SOLAR = {
    "name": "Soleil d'Entre-deux-Mers",
    "siren": "123 456 782",
    "naf": "4321a",
    "size_band": "11",
    "themes": ["energie"],
    "territories": ["33440", "epci:200069581"],
    "description": "Centrales solaires en toiture pour les bâtiments publics.",
    "tags": ["solaire en toiture"],
    "contact_name": "Léa Martin",
    "contact_email": "lea.martin@soleil.test",
    "contact_phone": "05 56 00 00 00",
}
HEAT = {
    "name": "Chaleur Bois Gironde",
    "siren": "100000009",
    "naf": "35.30Z",
    "size_band": "12",
    "themes": ["energie", "logement"],
    "territories": ["dep:33"],
    "description": "Réseaux de chaleur bois pour les bourgs.",
    "tags": ["réseau de chaleur"],
    "contact_email": "contact@chaleur.test",
}


def _workspace(folder, **variables):
    from conftest import partners_workspace

    return partners_workspace(folder, **variables)


def _epci_of_saint_martial(store) -> str:
    return f"epci:{store.territory('33440').epci}"


def _profile(store, login: str, fields: dict, *, verified: bool = True) -> dict:
    """The profile saved by ``login``; ``verified``: its SIREN taken as confirmed already."""
    values = dict(fields)
    if "33440" in values["territories"]:
        values["territories"] = ["33440", _epci_of_saint_martial(store)]
    saved = store.exchange(login).save_profile(**values)
    if verified and saved["siren_status"] != "verified":  # set up as checked earlier (the check is tested apart)
        from territoire_data.store.models import Organisation

        with store.store.session() as s:
            s.get(Organisation, saved["id"]).siren_status = "verified"
        saved = {**saved, "siren_status": "verified"}
    return saved


def _admitted(store, login="solaire.lea", fields=SOLAR) -> dict:
    """A company with its profile, admitted to Saint-Martial as partner."""
    profile = _profile(store, login, fields)
    request = store.exchange(login).request_access("33440", "Présentation de nos toitures solaires.")
    store.exchange("elu.sm").approve_request(request["id"], NEXT_YEAR)
    return profile


# -- identifiers ----------------------------------------------------------------------------


def test_siren_naf_and_size_band_are_checked():
    from territoire_data.partners.identifiers import (
        InvalidIdentifier,
        activity,
        check_size_band,
        normalise_naf,
        normalise_siren,
    )

    assert normalise_siren("552 100 554") == "552100554"
    assert normalise_siren("356000000") == "356000000"  # La Poste
    with pytest.raises(InvalidIdentifier, match="clé de contrôle"):
        normalise_siren("552100555")
    with pytest.raises(InvalidIdentifier, match="SIRET"):
        normalise_siren("55210055400013")
    with pytest.raises(InvalidIdentifier, match="9 chiffres"):
        normalise_siren("5521")
    assert normalise_naf("4322a") == normalise_naf("43.22A") == "43.22A"
    assert activity("43.22A") == "43.22A — Travaux de construction spécialisés"
    assert activity("71.12B").endswith(
        "Activités d'architecture et d'ingénierie ; activités de contrôle et analyses techniques"
    )
    with pytest.raises(InvalidIdentifier, match="NAF"):
        normalise_naf("04.11Z")  # no division 04 in NAF rév. 2
    with pytest.raises(InvalidIdentifier, match="Tranche"):
        check_size_band("99")


def test_profile_errors_are_french_and_nothing_is_saved(store):
    from territoire_data.errors import TerritoireError

    client = store.exchange("nouvelle.entreprise")
    for wrong, message in (
        ({"siren": "123456789"}, "clé de contrôle"),
        ({"themes": []}, "au moins un thème"),
        ({"themes": ["chauffage"]}, r"Thème\(s\) inconnu\(s\) : chauffage"),
        ({"territories": []}, "au moins un territoire"),
        ({"contact_email": "pas-une-adresse"}, "invalide"),
        ({"website": "javascript:alert(1)"}, "adresse web"),
        ({"territories": ["99999"]}, "Aucune commune de code « 99999 »"),
    ):
        with pytest.raises(TerritoireError, match=message):
            client.save_profile(**{**SOLAR, "territories": ["33440"], **wrong})
    assert client.my_profile() is None
    assert store.exchange("elu.sm").directory("33440") == []


# -- the whole path, through the dashboard's client -----------------------------------------


def test_company_joins_saint_martial_and_talks_with_its_elu(store):
    company, elu = store.exchange("solaire.lea"), store.exchange("elu.sm")
    assert company.whoami()["identified"] is False  # nobody has created this account
    profile = _profile(store, "solaire.lea", SOLAR)
    assert profile["activity"] == "43.21A — Travaux de construction spécialisés"
    assert profile["size_label"] == "10 à 19 salariés" and profile["mine"]
    assert profile["contacts"]["email"] == SOLAR["contact_email"]  # one's own contacts

    listed = elu.directory("33440")
    assert [a["name"] for a in listed] == [SOLAR["name"]]
    assert listed[0]["contacts"]["phone"] == "05 56 00 00 00"  # the élu of a served commune sees them

    request = company.request_access("33440", "Présentation de nos toitures solaires.")
    assert request["status"] == "pending" and request["territory_name"] == "Saint-Martial"
    assert elu.counts("33440")["requests"] == 1
    assert "Soleil d'Entre-deux-Mers demande à rejoindre Saint-Martial" in elu.notifications()[0]["text"]
    assert store.exchange("agent.sm").counts("33440")["requests"] == 1  # agents decide too
    assert store.exchange("elu.bdx").counts("33063")["requests"] == 0

    thread_before = elu.create_thread("33440", "Toitures de l'école", "Quel potentiel solaire ?", "partenaires")
    assert thread_before not in {t["id"] for t in company.threads("33440")}  # not admitted yet

    approved = elu.approve_request(request["id"], NEXT_YEAR)
    assert approved["status"] == "approved" and approved["end"] == NEXT_YEAR
    assert [h["status"] for h in approved["history"]] == ["pending", "approved"]
    assert "acceptée : accès partenaire jusqu'au" in company.notifications()[0]["text"]
    assert thread_before in {t["id"] for t in company.threads("33440")}  # a partner now
    assert "elus" not in company.visibilities("33440")

    invitation = elu.invite(thread_before, profile["id"])
    assert company.counts("33440")["invitations"] == 1
    assert "vous invite dans la discussion « Toitures de l'école »" in company.notifications()[0]["text"]
    assert company.answer_invitation(invitation["id"], True)["status"] == "accepted"
    assert "a accepté votre invitation" in elu.notifications()[0]["text"]

    company.set_preferences("immediate", "lea.martin@soleil.test", "Léa Martin")
    company.reply(thread_before, "Environ 120 kWc sur le préau, nous pouvons venir le mesurer.")
    messages = elu.messages(thread_before)
    assert messages[-1]["author_name"] == "Léa Martin" and messages[-1]["organisation"] == SOLAR["name"]
    assert elu.notifications()[0]["text"] == "Léa Martin a répondu dans « Toitures de l'école » (Saint-Martial)."
    elu.mark_notifications_read()
    assert elu.counts("33440")["notifications"] == 0


# -- rights ---------------------------------------------------------------------------------


def test_contacts_are_for_the_elus_of_served_territories_only(store):
    _profile(store, "solaire.lea", SOLAR)
    _profile(store, "chaleur.paul", HEAT)
    for reader, sees in (("elu.sm", True), ("agent.sm", True), ("admin", True), ("chaleur.paul", False)):
        actor = next(a for a in store.exchange(reader).directory("33440") if a["name"] == SOLAR["name"])
        assert (actor["contacts"] is not None) is sees, reader
    # Bordeaux is not served by the solar company: its élu does not see it in Bordeaux's
    # directory, and sees the heat company (dep:33) with its contacts.
    bordeaux = store.exchange("elu.bdx").directory("33063")
    assert [a["name"] for a in bordeaux] == [HEAT["name"]] and bordeaux[0]["contacts"]["email"]
    # Without sign-in (the CLI's public view): descriptions, no contacts.
    from territoire_data.partners.profiles import directory

    public = directory(store.discussions(None), "33440", public=True)
    assert {a["name"] for a in public} == {SOLAR["name"], HEAT["name"]} and all(a["contacts"] is None for a in public)


def test_directory_filters_by_theme_tag_and_shared_solutions(store):
    _profile(store, "solaire.lea", SOLAR)
    _profile(store, "chaleur.paul", HEAT)
    elu = store.exchange("elu.sm")
    assert [a["name"] for a in elu.directory("33440", theme="logement")] == [HEAT["name"]]
    assert [a["name"] for a in elu.directory("33440", theme="solaire en toiture")] == [SOLAR["name"]]
    assert elu.directory("33440", shared=True) == []
    from territoire_data.access.users import add_user

    add_user(store, "chaleur.paul", "entreprise", "dep:33", until=TODAY + timedelta(days=30))
    solution = store.exchange("chaleur.paul").create_thread(
        "33440", "Solution : chaufferie bois de l'école", "Retour d'expérience.", "tous", solution=True, theme="energie"
    )
    shared = elu.directory("33440", shared=True)
    assert [a["name"] for a in shared] == [HEAT["name"]]
    assert shared[0]["solutions"] == [
        {"id": solution, "title": "Solution : chaufferie bois de l'école", "territory": "33440", "theme": "energie"}
    ]


def test_who_may_do_what(store):
    from territoire_data.access.authorisation import AccessDenied
    from territoire_data.errors import TerritoireError

    profile = _profile(store, "solaire.lea", SOLAR)
    _profile(store, "chaleur.paul", HEAT)
    company, other, elu, bordeaux = (store.exchange(x) for x in ("solaire.lea", "chaleur.paul", "elu.sm", "elu.bdx"))
    with pytest.raises(AccessDenied, match="ne tiennent pas de profil"):
        elu.save_profile(**HEAT)
    with pytest.raises(AccessDenied, match="déjà un profil"):  # a SIREN taken by another organisation
        store.exchange("intrus").save_profile(**{**SOLAR, "name": "Autre nom"})
    with pytest.raises(TerritoireError, match="ne change pas"):
        company.save_profile(**{**HEAT, "name": SOLAR["name"]})
    with pytest.raises(TerritoireError, match="Présentez d'abord"):
        store.exchange("sans.profil").request_access("33440")
    with pytest.raises(AccessDenied, match="n'ont pas à demander"):
        elu.request_access("33440")
    with pytest.raises(TerritoireError, match="commune ou d'un EPCI"):
        company.request_access("dep:33")

    request = company.request_access("33440", "")
    with pytest.raises(TerritoireError, match="déjà en attente"):
        company.request_access("33440")
    absent = None
    for stranger in (other, bordeaux, company):  # nobody but Saint-Martial's élus, agents, admins decides
        with pytest.raises(AccessDenied) as refused:
            stranger.approve_request(request["id"], NEXT_YEAR)
        with pytest.raises(AccessDenied) as missing:
            stranger.approve_request(999_999, NEXT_YEAR)
        assert str(refused.value) == str(missing.value)  # same answer: nothing leaks
        absent = str(missing.value)
    assert absent == "Demande introuvable ou non accessible."
    assert other.requests() == [] and bordeaux.requests() == []  # they do not even see it
    for until, message in (
        (TODAY.isoformat(), "postérieure"),
        ((TODAY + timedelta(days=4000)).isoformat(), "trois ans"),
    ):
        with pytest.raises(TerritoireError, match=message):
            elu.approve_request(request["id"], until)
    elu.approve_request(request["id"], NEXT_YEAR)
    with pytest.raises(TerritoireError, match="n'est plus en attente"):
        elu.refuse_request(request["id"])
    with pytest.raises(TerritoireError, match="déjà partenaire"):
        company.request_access("33440")

    elus_thread = elu.create_thread("33440", "Budget", "Réservé.", "elus")
    partners_thread = elu.create_thread("33440", "Chaufferie", "Ouvert.", "partenaires")
    with pytest.raises(AccessDenied, match="Seules les discussions ouvertes aux partenaires"):
        elu.invite(elus_thread, profile["id"])
    with pytest.raises(AccessDenied):
        company.invite(partners_thread, profile["id"])  # a company does not invite
    with pytest.raises(AccessDenied):
        bordeaux.invite(partners_thread, profile["id"])  # nor the élu of another commune
    invitation = elu.invite(partners_thread, profile["id"])
    with pytest.raises(AccessDenied, match="Invitation introuvable"):
        other.answer_invitation(invitation["id"], True)  # not theirs
    assert elu.invite(partners_thread, profile["id"])["id"] == invitation["id"]  # not sent twice


def test_an_invitation_opens_one_thread_to_an_actor_without_a_role(store):
    from territoire_data.access.authorisation import AccessDenied

    heat = _profile(store, "chaleur.paul", HEAT)
    actor, elu = store.exchange("chaleur.paul"), store.exchange("elu.sm")
    invited = elu.create_thread("33440", "Réseau de chaleur du bourg", "Étude de faisabilité.", "partenaires")
    other = elu.create_thread("33440", "Autre sujet partenaires", "…", "partenaires")
    private = elu.create_thread("33440", "Entre élus", "…", "elus")
    assert actor.threads("33440") == []
    invitation = elu.invite(invited, heat["id"])
    assert actor.threads("33440") == []  # not before accepting
    with pytest.raises(AccessDenied):
        actor.messages(invited)
    version = actor.version("33440")
    actor.answer_invitation(invitation["id"], True)
    assert [t["id"] for t in actor.threads("33440")] == [invited]
    assert actor.version("33440") != version  # the open panel redraws
    actor.reply(invited, "Nous pouvons présenter deux réalisations voisines.")
    for forbidden in (other, private):
        with pytest.raises(AccessDenied):
            actor.messages(forbidden)
        with pytest.raises(AccessDenied):
            actor.reply(forbidden, "…")
    assert actor.solutions() == []  # an invitation is not a role: no other territory opens
    # a declined invitation opens nothing
    declined = elu.invite(other, heat["id"])
    actor.answer_invitation(declined["id"], False)
    assert other not in {t["id"] for t in actor.threads("33440")}


def test_a_company_cannot_list_a_territorys_elus(store):
    """The answer to a request, its history and the directory name no élu; a territory without
    any élu answers exactly as one with élus."""
    _profile(store, "solaire.lea", {**SOLAR, "territories": ["33440", "dep:33"]})
    company = store.exchange("solaire.lea")
    with_elus = company.request_access("33440", "Bonjour")
    without = company.request_access("33003", "Bonjour")  # Ambarès-et-Lagrave: nobody in the store
    strip = lambda r: {k: v for k, v in r.items() if k not in ("id", "territory", "territory_name", "created_at")}
    assert strip(with_elus) | {"history": None} == strip(without) | {"history": None}
    assert [h["status"] for h in with_elus["history"]] == [h["status"] for h in without["history"]]
    store.exchange("elu.sm").refuse_request(with_elus["id"], "Nous avons déjà un prestataire.")
    seen = company.requests()
    text = repr(seen) + repr(company.notifications()) + repr(company.directory("33440"))
    for name in ("Henri Dubos", "elu.sm", "agent.sm", "Claire Martin", "Commune de Saint-Martial"):
        assert name not in text
    refused = next(r for r in seen if r["id"] == with_elus["id"])
    assert refused["history"][-1]["by"] == "la collectivité (Saint-Martial)"
    assert refused["reason"] == "Nous avons déjà un prestataire."
    assert "n'a pas été acceptée : « Nous avons déjà un prestataire. »" in company.notifications()[0]["text"]
    # the élu sees who asked and who decided
    decided = store.exchange("elu.sm").requests("33440")[0]
    assert decided["history"][-1]["by"] == "Henri Dubos (Commune de Saint-Martial)"


def test_request_states_expire_and_refusal_cools_down(store):
    from territoire_data.errors import TerritoireError
    from territoire_data.rendering.formatting import day
    from territoire_data.store.models import AccessRequest, RequestRefusal, Role

    _profile(store, "solaire.lea", SOLAR)
    company, elu = store.exchange("solaire.lea"), store.exchange("elu.sm")
    first = company.request_access("33440")
    elu.refuse_request(first["id"])
    with pytest.raises(TerritoireError, match="elle pourra être renouvelée à partir du"):
        company.request_access("33440")
    with store.store.session() as s:  # the refusal was 31 days ago
        s.get(AccessRequest, first["id"]).decided_at = datetime.now() - timedelta(days=31)
        for refusal in s.query(RequestRefusal):
            refusal.refused_at = datetime.now() - timedelta(days=31)
    second = company.request_access("33440")
    with store.store.session() as s:  # left unanswered for 61 days
        s.get(AccessRequest, second["id"]).created_at = datetime.now() - timedelta(days=61)
    assert next(r for r in company.requests() if r["id"] == second["id"])["status"] == "expired"
    assert elu.counts("33440")["requests"] == 0
    with pytest.raises(TerritoireError, match="plus en attente"):
        elu.approve_request(second["id"], NEXT_YEAR)
    third = company.request_access("33440")  # an expired request does not block a new one
    elu.approve_request(third["id"], NEXT_YEAR)
    with store.store.session() as s:  # the subscription ended yesterday
        s.get(AccessRequest, third["id"]).end = TODAY - timedelta(days=1)
        for role in s.query(Role).filter(Role.territory == "33440", Role.role == "entreprise"):
            role.end = TODAY - timedelta(days=1)
    state = next(r for r in company.requests() if r["id"] == third["id"])
    assert state["status"] == "expired" and state["history"][-1]["status"] == "expired"
    assert company.threads("33440") == []  # the role ended with it

    # The courier records both expiries once and tells the company (with or without e-mail).
    from territoire_data.service.courier import send_due

    assert send_due(store).disabled
    send_due(store)  # a second run records nothing more
    told = [n["text"] for n in company.notifications() if n["kind"] == "request_expired"]
    assert len(told) == 2
    assert any("a expiré sans réponse après 60 jours" in t for t in told)
    assert any(f"a pris fin le {day(TODAY - timedelta(days=1))}" in t for t in told)
    for request in company.requests():
        if request["status"] == "expired":
            assert [h["status"] for h in request["history"]].count("expired") == 1


def test_requests_and_invitations_are_rate_limited(tmp_path_factory, home, ref):
    from territoire_data.access.authorisation import AccessDenied
    from territoire_data.access.users import add_user

    folder = home_with_referential(tmp_path_factory, home, "home-limites")
    workspace = _workspace(folder, TERRITOIRE_REQUEST_LIMIT="2/3600", TERRITOIRE_INVITATION_LIMIT="1/3600")
    workspace.store.upgrade()
    add_user(workspace, "elu.sm", "elu", "33440")
    company = workspace.exchange("solaire.lea")
    company.save_profile(**{**SOLAR, "territories": ["dep:33"]})
    company.request_access("33440")
    company.request_access("33003")
    with pytest.raises(AccessDenied, match="Trop de demandes d'accès : 2 au plus en 1 h"):
        company.request_access("33063")
    heat = workspace.exchange("chaleur.paul").save_profile(**HEAT)
    elu = workspace.exchange("elu.sm")
    first = elu.create_thread("33440", "Un", "…", "partenaires")
    second = elu.create_thread("33440", "Deux", "…", "partenaires")
    elu.invite(first, heat["id"])
    with pytest.raises(AccessDenied, match="Trop d'invitations : 1 au plus"):
        elu.invite(second, heat["id"])
    workspace.close()


def test_a_user_exports_and_erases_their_data(store):
    from territoire_data.access.authorisation import AccessDenied

    _admitted(store)
    company = store.exchange("solaire.lea")
    company.set_preferences("daily", "lea.martin@soleil.test", "Léa Martin")
    thread = store.exchange("elu.sm").create_thread("33440", "Toitures", "…", "partenaires")
    company.reply(thread, "Notre réponse.")
    exported = company.export_data()
    assert exported["account"]["email"] == "lea.martin@soleil.test"
    assert exported["account"]["roles"][0]["territory"] == "33440"
    assert exported["profile"]["siren"] == "123456782"
    assert [r["status"] for r in exported["requests"]] == ["approved"]
    assert exported["messages"][0]["text"] == "Notre réponse." and exported["notifications"]

    company.delete_account()
    assert store.exchange("elu.sm").directory("33440") == []  # its only member: profile gone
    reply = store.exchange("elu.sm").messages(thread)[-1]
    assert reply["author_name"] == "Compte supprimé" and reply["organisation"] is None
    assert reply["text"] == "Notre réponse."  # the territory's record stays
    with store.store.session() as s:
        from territoire_data.store.models import User

        erased = s.query(User).filter(User.name == "Compte supprimé").one()
        assert erased.email is None and erased.login.startswith("compte-supprime-") and not erased.roles
    assert store.exchange("solaire.lea").whoami()["identified"] is False
    with pytest.raises(AccessDenied):
        store.exchange("solaire.lea").export_data()


# -- e-mails through a real SMTP server -----------------------------------------------------


def _mail_workspace(store, port: int, **more):
    return _workspace(store.home, **smtp_settings(port, TERRITOIRE_DASHBOARD_URL="https://tdb.test/", **more))


def test_immediate_emails_are_french_with_a_link_and_never_the_content(store):
    from territoire_data.notifications.delivery import deliver

    store.exchange("elu.sm").set_preferences("immediate", "henri.dubos@saint-martial.test")
    store.exchange("solaire.lea").set_preferences("immediate", "lea.martin@soleil.test")
    store.exchange("agent.sm").set_preferences("immediate", "agent@saint-martial.test")
    _admitted(store)
    elu, agent = store.exchange("elu.sm"), store.exchange("agent.sm")
    private = elu.create_thread("33440", "Budget confidentiel de l'école", "Montant : 2 M€.", "elus")
    agent.reply(private, "Le chiffre secret est 1 234 567 €.")  # the élu is told, by a generic e-mail
    shared = elu.create_thread("33440", "Toitures de l'école", "Quel potentiel ?", "partenaires")
    store.exchange("solaire.lea").reply(shared, "Environ 120 kWc, détail confidentiel.")
    with smtp_server() as (mailbox, port):
        result = deliver(_mail_workspace(store, port))
        assert result.failed == 0 and result.emails == len(mailbox.messages) >= 3
        to_elu = [m.get_content() for m in mailbox.to("henri.dubos@saint-martial.test")]
        generic = next(body for body in to_elu if "réservée aux élus" in body)
        assert "Budget" not in generic and "1 234 567" not in generic and "Karim" not in generic
        assert "https://tdb.test/?territoire=33440" in generic and generic.startswith("Bonjour Henri Dubos,")
        reply = next(body for body in to_elu if "a répondu dans « Toitures de l'école »" in body)
        assert "120 kWc" not in reply  # never a message's text
        company = mailbox.to("lea.martin@soleil.test")
        assert any("est acceptée : accès partenaire" in m.get_content() for m in company)
        assert all(m["Subject"].startswith("territoire : ") for m in mailbox.messages)
        assert deliver(_mail_workspace(store, port)).emails == 0  # nothing sent twice


def test_an_invited_actor_without_a_role_gets_its_invitation_by_email(store):
    """The invitation e-mail reaches an actor that cannot read the thread yet (it is not a
    partner of the commune), and stops being due once the invitation is declined."""
    from territoire_data.notifications.delivery import deliver

    store.exchange("chaleur.paul").set_preferences("immediate", "paul@chaleur.test")
    heat = _profile(store, "chaleur.paul", HEAT)
    elu = store.exchange("elu.sm")
    first = elu.create_thread("33440", "Réseau de chaleur du bourg", "…", "partenaires")
    second = elu.create_thread("33440", "Chaufferie de la salle des fêtes", "…", "partenaires")
    elu.invite(first, heat["id"])
    declined = elu.invite(second, heat["id"])
    store.exchange("chaleur.paul").answer_invitation(declined["id"], False)
    with smtp_server() as (mailbox, port):
        result = deliver(_mail_workspace(store, port))
        bodies = [m.get_content() for m in mailbox.to("paul@chaleur.test")]
    assert result.emails == 1 and result.dropped == 1
    assert "vous invite dans la discussion « Réseau de chaleur du bourg »" in bodies[0]


def test_a_failing_server_loses_nothing(store):
    from server import free_port

    from territoire_data.notifications.delivery import MAX_ATTEMPTS, deliver, state

    _profile(store, "solaire.lea", SOLAR)
    store.exchange("elu.sm").set_preferences("immediate", "henri.dubos@saint-martial.test")
    store.exchange("solaire.lea").request_access("33440", "Bonjour")
    port = free_port()  # nothing listens there yet
    now = datetime.now().astimezone()
    down = deliver(_mail_workspace(store, port), at=now)
    assert down.failed == 1 and "injoignable" in down.errors[0]
    assert state(store) == {"pending": 1, "none": 0} or state(store).get("pending") == 1
    assert store.exchange("elu.sm").counts("33440")["requests"] == 1  # the request itself is stored
    assert store.exchange("elu.sm").notifications()[0]["mail_state"] == "pending"
    with smtp_server(port) as (mailbox, _):
        assert deliver(_mail_workspace(store, port), at=now + timedelta(seconds=10)).emails == 0  # waits
        mailbox.refuse = True  # the server answers 451 (try later)
        later = deliver(_mail_workspace(store, port), at=now + timedelta(minutes=2))
        assert later.failed == 1 and "451" in later.errors[0]
        mailbox.refuse = False
        sent = deliver(_mail_workspace(store, port), at=now + timedelta(minutes=10))
        assert sent.emails == 1 and "demande à rejoindre Saint-Martial" in mailbox.messages[0].get_content()
    assert state(store).get("sent") == 1 and MAX_ATTEMPTS > 2


def test_daily_digest_and_lost_access(store):
    from zoneinfo import ZoneInfo

    from territoire_data.access.users import add_user
    from territoire_data.notifications.delivery import deliver

    store.exchange("solaire.lea").set_preferences("daily", "lea.martin@soleil.test")
    _admitted(store)
    company = store.exchange("solaire.lea")
    elu = store.exchange("elu.sm")
    threads = [elu.create_thread("33440", f"Sujet {i}", "…", "partenaires") for i in range(3)]
    for thread in threads:
        company.reply(thread, "Notre avis.")
        elu.reply(thread, "Merci.")
    add_user(store, "solaire.lea", "entreprise", "33440", until=TODAY - timedelta(days=1))  # access ended
    elu.reply(threads[0], "Encore un mot.")  # she may no longer read it: no notification
    now = datetime.now(ZoneInfo("Europe/Paris"))
    seven = now.replace(hour=7, minute=0, second=0, microsecond=0)
    seven += timedelta(days=1) if seven <= now else timedelta(0)  # the first 7 h after the notifications
    with smtp_server() as (mailbox, port):
        before = deliver(_mail_workspace(store, port), at=seven - timedelta(minutes=30))
        # the three replies were made while she could read: now she cannot, they are dropped
        assert before.emails == 0 and before.dropped == 3
        digest = deliver(_mail_workspace(store, port), at=seven + timedelta(minutes=5))
        assert digest.emails == 1 and digest.sent == 1
        message = mailbox.to("lea.martin@soleil.test")[0]
        assert message["Subject"] == "territoire : résumé du jour (1 notification)"
        body = message.get_content()
        assert "Sujet" not in body and "est acceptée" in body
        elu.reply(threads[1], "Un ajout.")  # she lost access: nothing for her
        assert deliver(_mail_workspace(store, port), at=seven + timedelta(hours=3)).emails == 0  # once a day


def test_starttls_refused_by_the_server_is_said_in_french(store):
    from territoire_data.notifications.delivery import deliver

    _profile(store, "solaire.lea", SOLAR)
    store.exchange("elu.sm").set_preferences("immediate", "henri.dubos@saint-martial.test")
    store.exchange("solaire.lea").request_access("33440")
    with smtp_server() as (mailbox, port):
        result = deliver(_mail_workspace(store, port, TERRITOIRE_SMTP_TLS="starttls"))
        assert result.failed == 1 and "n'accepte pas STARTTLS" in result.errors[0] and not mailbox.messages


def test_no_smtp_host_means_no_email(store):
    from territoire_data.notifications.delivery import deliver

    assert deliver(store).disabled


# -- the same from the command line ---------------------------------------------------------


def test_cli_equivalents(store):
    import json

    home = store.home
    store.close()
    epci = _epci_of_saint_martial(store)
    profile = run_cli(
        "acteurs", "profil", "--as", "solaire.lea", "--nom", SOLAR["name"], "--siren", "123456782",
        "--naf", "43.21A", "--effectif", "11", "--themes", "energie", "--territoires", f"33440,{epci}",
        "--description", SOLAR["description"], "--etiquettes", "solaire en toiture",
        "--contact-courriel", "lea.martin@soleil.test", home=home,
    )  # fmt: skip
    assert profile.returncode == 0, profile.stderr
    assert "Profil enregistré : Soleil d'Entre-deux-Mers (SIREN 123456782, 43.21A" in profile.stdout
    assert "SIREN en attente de vérification" in profile.stdout
    checked = run_cli("acteurs", "verifier", "123456782", home=home)
    assert checked.returncode == 0 and "SIREN vérifié" in checked.stdout, checked.stderr
    listed = run_cli("acteurs", "list", "33440", "--theme", "energie", "--json", "--as", "elu.sm", home=home)
    actors = json.loads(listed.stdout)["actors"]
    assert actors[0]["contacts"]["email"] == "lea.martin@soleil.test"
    public = json.loads(run_cli("acteurs", "list", "33440", "--json", home=home).stdout)["actors"]
    assert public[0]["contacts"] is None
    asked = run_cli("acces", "demander", "33440", "--as", "solaire.lea", "--message", "Bonjour", home=home)
    assert asked.returncode == 0 and "Demande #1 envoyée à Saint-Martial" in asked.stdout, asked.stderr
    refused = run_cli("acces", "approuver", "1", "--as", "elu.bdx", "--jusqu-au", NEXT_YEAR, home=home)
    assert refused.returncode == 2 and "Demande introuvable ou non accessible." in refused.stderr
    pending = run_cli("acces", "list", "33440", "--as", "elu.sm", home=home)
    assert "Soleil d'Entre-deux-Mers → Saint-Martial (33440) : en attente" in pending.stdout
    assert "pending" not in pending.stdout and " en attente par " in pending.stdout  # the history in French
    approved = run_cli("acces", "approuver", "1", "--as", "elu.sm", "--jusqu-au", NEXT_YEAR, home=home)
    assert approved.returncode == 0 and "acceptée" in approved.stdout, approved.stderr
    post = run_cli(
        "discussions", "post", "33440", "Quel potentiel ?", "--as", "elu.sm", "--visibilite", "partenaires",
        "--titre", "Toitures de l'école", home=home,
    )  # fmt: skip
    thread = post.stdout.split()[1]
    prefs = run_cli(
        "notifications", "preferences", "--as", "solaire.lea", "--courriel", "lea.martin@soleil.test",
        "--frequence", "immediate", "--nom", "Léa Martin", home=home,
    )  # fmt: skip
    assert "à chaque événement à lea.martin@soleil.test" in prefs.stdout, prefs.stderr
    invited = run_cli("discussions", "inviter", thread, "--acteur", "123 456 782", "--as", "elu.sm", home=home)
    assert invited.returncode == 0 and "Invitation #1" in invited.stdout, invited.stderr
    assert "en attente" in run_cli("discussions", "invitations", "--as", "solaire.lea", home=home).stdout
    accepted = run_cli("discussions", "accepter", "1", "--as", "solaire.lea", home=home)
    assert accepted.returncode == 0 and "acceptée" in accepted.stdout
    wrong = run_cli("notifications", "preferences", "--as", "solaire.lea", "--frequence", "hebdo", home=home)
    assert wrong.returncode == 2 and "Fréquence « hebdo »" in wrong.stderr
    no_server = run_cli("notifications", "envoyer", home=home)
    assert no_server.returncode == 2 and "Aucun serveur SMTP" in no_server.stderr
    with smtp_server() as (mailbox, port):
        sent = run_cli("notifications", "envoyer", home=home, env=smtp_settings(port))
        assert sent.returncode == 0, sent.stderr
        assert "courriel(s) envoyé(s)" in sent.stdout
        assert any("vous invite dans la discussion" in m.get_content() for m in mailbox.to("lea.martin@soleil.test"))
    listed = run_cli("notifications", "list", "--as", "solaire.lea", home=home)
    assert "vous invite dans la discussion « Toitures de l'école »" in listed.stdout
    exported = json.loads(run_cli("acteurs", "exporter", "--as", "solaire.lea", home=home).stdout)
    assert exported["account"]["email"] == "lea.martin@soleil.test"
    erased = run_cli("acteurs", "supprimer", "--as", "solaire.lea", "--compte", home=home)
    assert erased.returncode == 0 and "Compte effacé" in erased.stdout
    assert json.loads(run_cli("acteurs", "list", "33440", "--json", home=home).stdout)["actors"] == []


# -- the dashboard's panel, driven as a user would (plain pytest; the browser test plays it too)


@pytest.fixture
def demo_store(home_demo, tmp_path):
    """The demo home (its warehouse names the communes) with a store of its own."""
    from territoire_data.access.users import add_user

    workspace = _workspace(home_demo, TERRITOIRE_DB_URL=f"sqlite:///{tmp_path / 'echanges.sqlite'}")
    workspace.store.upgrade()
    add_user(workspace, "elu.sm", "elu", "33440", organisation="Commune de Saint-Martial", name="Henri Dubos")
    add_user(workspace, "admin", "admin", "france")
    yield workspace
    workspace.close()


def test_actors_panel_from_profile_to_invitation(demo_store):
    from widgets import State
    from widgets.actors import ActorsPanel
    from widgets.providers import WorkspaceDiscussions, WorkspaceProvider

    store = demo_store

    def panel_of(login: str) -> ActorsPanel:
        state = State(WorkspaceProvider(store))
        panel = ActorsPanel(state, WorkspaceDiscussions(store))
        state.choose("33440")
        panel.login = login
        return panel

    company = panel_of("solaire.lea")
    assert "Acteurs du territoire — Saint-Martial" in company.header.value
    assert company.ask.disabled  # no profile yet
    fields = company.profile_fields
    fields["name"].value, fields["siren"].value, fields["naf"].value = SOLAR["name"], "123456789", "43.21A"
    fields["themes"].value = ("energie",)
    fields["description"].value = SOLAR["description"]
    assert fields["territories"].value == "33440"  # the commune open, by default
    company.save_profile.click()
    assert "clé de contrôle" in company.feedback.value and 'role="alert"' in company.feedback.value
    assert fields["name"].value == SOLAR["name"]  # nothing typed is lost
    fields["siren"].value = "123 456 782"
    company.save_profile.click()
    assert "Profil enregistré" in company.feedback.value and not company.ask.disabled
    assert company.ask.description == "Demander à rejoindre Saint-Martial"
    company.request_message.value = "Nous posons des centrales solaires en toiture."
    company.ask.click()
    assert "Demande envoyée" in company.feedback.value and "en attente" in company.my_requests.value

    elu = panel_of("elu.sm")
    assert "1 demande(s) à traiter" in elu.header.value
    assert "SIREN en attente de vérification" in elu.directory.value  # a claim: élus see it as such
    store.exchange("admin").verify_organisation(store.exchange("solaire.lea").my_profile()["id"])
    elu = panel_of("elu.sm")
    assert "SIREN vérifié" in elu.directory.value
    assert elu.profile_box.layout.display == "none"  # élus keep no profile
    assert "Entre-deux-Mers" in elu.directory.value and "43.21A — Travaux de construction" in elu.directory.value
    request_row = elu.requests.children[1]
    assert "Nous posons des centrales solaires" in request_row.children[0].value
    until, approve = request_row.children[1].children
    until.value = "31/02/2027"
    approve.click()
    assert "illisible" in elu.feedback.value
    until.value = (TODAY + timedelta(days=200)).strftime("%d/%m/%Y")
    elu.requests.children[1].children[1].children[1].click()
    assert "Demande acceptée" in elu.feedback.value and "demande(s) à traiter" not in elu.header.value
    assert company.check() and "acceptée" in company.notices.value  # the company's open panel redraws

    assert elu.invite_row.layout.display == "none"  # no partners' thread yet
    thread = store.exchange("elu.sm").create_thread("33440", "Toitures de l'école", "Potentiel ?", "partenaires")
    assert elu.check()  # a new thread: the panel redraws and offers it
    assert elu.invite_row.layout.display is None and elu.invite_thread.value == thread
    elu.invite.click()
    assert "Invitation envoyée" in elu.feedback.value
    assert company.check() and "1 invitation(s) en attente" in company.header.value
    accept = company.invitations.children[0].children[1].children[0]
    assert accept.description == "Accepter l'invitation"
    accept.click()
    assert "Invitation acceptée" in company.feedback.value and company.invitations.children == ()

    company.pref_name.value, company.pref_email.value, company.pref_mode.value = "Léa Martin", "x@y", "daily"
    company.save_prefs.click()
    assert "invalide" in company.feedback.value
    company.pref_email.value = "lea.martin@soleil.test"
    company.save_prefs.click()
    assert store.exchange("solaire.lea").preferences() == {
        "name": "Léa Martin",
        "email": "lea.martin@soleil.test",
        "mode": "daily",
        "mode_label": "résumé quotidien",
    }
    elu.read_all.click()
    assert "notification(s) non lue(s)" not in elu.header.value and "Rien en attente." in elu.header.value


def test_an_administrator_corrects_a_profile(store):
    from territoire_data.errors import TerritoireError

    _profile(store, "solaire.lea", SOLAR)
    admin = store.exchange("admin")
    fixed = admin.save_profile(**{**SOLAR, "territories": ["33440"], "description": "Description corrigée."})
    assert fixed["description"] == "Description corrigée."
    assert store.exchange("solaire.lea").my_profile()["description"] == "Description corrigée."
    assert admin.whoami()["organisation_id"] is None  # not attached to the company
    with pytest.raises(TerritoireError, match="Aucun acteur de l'annuaire n'a le SIREN 100000009"):
        admin.save_profile(**HEAT)  # an administrator does not create profiles


# -- every partner operation, by every kind of user, through the service's JSON operations --

MATRIX = [
    # (login, operation, expected: "ok" or "refused")
    ("elu.sm", "approve", "ok"),
    ("agent.sm", "approve", "ok"),
    ("admin", "approve", "ok"),
    ("elu.bdx", "approve", "refused"),
    ("chaleur.paul", "approve", "refused"),
    ("solaire.lea", "approve", "refused"),
    ("inconnu", "approve", "refused"),
    ("", "approve", "refused"),
    ("elu.bdx", "approve_far", "refused"),  # the rights are checked before the date: nothing said
    ("chaleur.paul", "refuse_long", "refused"),  # too long for the reason, within the operation's bound
    ("chaleur.paul", "refuse_huge", "invalid"),  # beyond the operation's bound: refused before any work,
    ("elu.sm", "refuse_huge", "invalid"),  # the same for everyone, whatever the request (nothing said)
    ("elu.sm", "approve_far", "invalid"),
    ("elu.sm", "refuse", "ok"),
    ("elu.bdx", "refuse", "refused"),
    ("solaire.lea", "refuse", "refused"),
    ("elu.sm", "invite", "ok"),
    ("admin", "invite", "ok"),
    ("agent.sm", "invite", "ok"),
    ("elu.bdx", "invite", "refused"),
    ("solaire.lea", "invite", "refused"),
    ("chaleur.paul", "invite", "refused"),
    ("elu.sm", "thread_invitations", "ok"),
    ("solaire.lea", "thread_invitations", "refused"),
    ("solaire.lea", "answer", "refused"),  # the invitation is for the heat company
    ("chaleur.paul", "answer", "ok"),
    ("elu.sm", "answer", "refused"),
    ("solaire.lea", "withdraw", "ok"),
    ("chaleur.paul", "withdraw", "refused"),
    ("elu.sm", "withdraw", "refused"),
    ("elu.sm", "request", "refused"),  # élus do not ask
    ("chaleur.paul", "request", "ok"),
    ("sans.profil", "request", "invalid"),
    ("", "request", "refused"),
    ("elu.sm", "save_profile", "refused"),
    ("", "save_profile", "refused"),
    ("nouveau.venu", "export", "refused"),  # nothing stored about them
    ("solaire.lea", "export", "ok"),
    ("admin", "delete_account", "refused"),
    ("admin", "verify", "ok"),  # only administrators confirm a SIREN (round two)
    ("elu.sm", "verify", "refused"),
    ("solaire.lea", "verify", "refused"),  # not even its own
    ("chaleur.paul", "verify", "refused"),
    ("", "verify", "refused"),
    ("solaire.lea", "verify_null", "invalid"),  # bounds before rights: the same for everyone
    ("admin", "verify_null", "invalid"),
]


def _matrix_case(store, login: str, operation: str):
    from territoire_data.discussions.space import DiscussionSpace
    from territoire_data.service.client import outcome_of
    from territoire_data.service.operations import perform

    solar = _profile(store, "solaire.lea", SOLAR)
    heat = _profile(store, "chaleur.paul", HEAT)
    request = store.exchange("solaire.lea").request_access("33440")
    thread = store.exchange("elu.sm").create_thread("33440", "Chaufferie", "…", "partenaires")
    invitation = store.exchange("elu.sm").invite(thread, heat["id"])
    arguments = {
        "approve": ("approve_request", {"request_id": request["id"], "until": NEXT_YEAR}),
        "refuse": ("refuse_request", {"request_id": request["id"], "reason": "Non."}),
        "approve_far": ("approve_request", {"request_id": request["id"], "until": "2099-01-01"}),
        "refuse_long": ("refuse_request", {"request_id": request["id"], "reason": "x" * 1_500}),
        "refuse_huge": ("refuse_request", {"request_id": request["id"], "reason": "x" * 5_000}),
        "invite": ("invite", {"thread_id": thread, "organisation_id": solar["id"]}),
        "thread_invitations": ("thread_invitations", {"thread_id": thread}),
        "answer": ("answer_invitation", {"invitation_id": invitation["id"], "accept": True}),
        "withdraw": ("withdraw_request", {"request_id": request["id"]}),
        "request": ("request_access", {"territory": "33440"}),
        "save_profile": ("save_profile", {**HEAT, "name": "Autre", "siren": "200000008"}),
        "export": ("export_data", {}),
        "delete_account": ("delete_account", {}),
        "verify": ("verify_organisation", {"organisation_id": solar["id"]}),
        "verify_null": ("verify_organisation", {"organisation_id": None}),
    }[operation]
    status, body = outcome_of(lambda: perform(DiscussionSpace(login, workspace=store), *arguments))
    return {200: "ok", 403: "refused", 400: "invalid"}[status], body


@pytest.mark.parametrize("login, operation, expected", MATRIX, ids=[f"{u or 'vide'}-{o}" for u, o, _ in MATRIX])
def test_partner_operations_matrix(store, login, operation, expected):
    outcome, body = _matrix_case(store, login, operation)
    assert outcome == expected, body


def test_bad_arguments_are_refused_before_anything_runs(store):
    from territoire_data.discussions.space import DiscussionSpace
    from territoire_data.service.client import outcome_of
    from territoire_data.service.operations import perform

    space = DiscussionSpace("solaire.lea", workspace=store)
    for operation, arguments in (
        ("save_profile", {**SOLAR, "themes": "energie"}),  # a text where a list is expected
        ("save_profile", {**SOLAR, "territories": ["33440"] * 51}),
        ("approve_request", {"request_id": 1, "until": "demain"}),
        ("request_access", {"territory": "33440", "login": "elu.sm"}),  # never an identity argument
        ("answer_invitation", {"invitation_id": 1, "accept": "oui"}),
    ):
        status, body = outcome_of(lambda o=operation, a=arguments: perform(space, o, a))
        assert status == 400 and body["kind"] == "invalid", (operation, body)
    assert store.exchange("solaire.lea").whoami()["identified"] is False  # nothing was created


# -- the schema: revision 0004 over a store in use, on SQLite and PostgreSQL -----------------


def _migrate_and_play(store_url: str, folder):
    from sqlalchemy import select

    from territoire_data.access.users import add_user
    from territoire_data.store.models import User

    workspace = _workspace(folder, TERRITOIRE_DB_URL=store_url)
    assert workspace.store.upgrade("0003") == "0003"  # a store of the previous version, in use
    with workspace.store.engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO organisations (name) VALUES ('Commune de Saint-Martial');"
            "INSERT INTO users (login, name, organisation_id, created_at) VALUES ('elu.sm', 'Henri Dubos', 1, "
            "CURRENT_TIMESTAMP);"
            "INSERT INTO roles (user_id, role, territory) VALUES (1, 'elu', '33440');"
            if "sqlite" not in store_url
            else "INSERT INTO organisations (name) VALUES ('Commune de Saint-Martial')"
        )
        if "sqlite" in store_url:  # SQLite runs one statement at a time
            connection.exec_driver_sql(
                "INSERT INTO users (login, name, organisation_id, created_at) "
                "VALUES ('elu.sm', 'Henri Dubos', 1, CURRENT_TIMESTAMP)"
            )
            connection.exec_driver_sql("INSERT INTO roles (user_id, role, territory) VALUES (1, 'elu', '33440')")
    assert workspace.store.upgrade() == "0006"
    with workspace.store.session() as s:
        elu = s.scalar(select(User).where(User.login == "elu.sm"))
        assert elu.name == "Henri Dubos" and elu.notification_mode == "immediate" and elu.email is None
    add_user(workspace, "admin", "admin", "france")
    company = workspace.exchange("solaire.lea")
    profile = company.save_profile(**{**SOLAR, "territories": ["33440"]})
    request = company.request_access("33440", "Bonjour")
    elu_client = workspace.exchange("elu.sm")
    workspace.exchange("admin").verify_organisation(profile["id"])
    elu_client.approve_request(request["id"], NEXT_YEAR)
    thread = elu_client.create_thread("33440", "Toitures", "…", "partenaires")
    invitation = elu_client.invite(thread, profile["id"])
    company.answer_invitation(invitation["id"], True)
    company.reply(thread, "Réponse.")
    assert "a répondu" in elu_client.notifications()[0]["text"]
    assert [a["name"] for a in elu_client.directory("33440")] == [SOLAR["name"]]
    entry = elu_client.save_report_correction("33440", "consommation_naf", "0,45", "Observatoire", "Doublon", 2021)
    assert entry["recorded_by"].startswith("Henri Dubos, élu(e)") and entry["year"] == 2021
    again = elu_client.save_report_correction("33440", "consommation_naf", "0,5", "Observatoire", "Doublon", 2021)
    assert again["id"] == entry["id"] and elu_client.report_corrections("33440")[0]["value"] == 0.5  # replaced
    company.delete_account()
    assert workspace.store.downgrade("0003") == "0003"  # and back, for a rollback of the release
    with workspace.store.session() as s:
        assert s.scalar(select(User.name).where(User.login == "elu.sm")) == "Henri Dubos"
    assert workspace.store.upgrade() == "0006"
    workspace.close()


def test_revision_0004_on_a_sqlite_store_in_use(tmp_path_factory, home, ref):
    folder = home_with_referential(tmp_path_factory, home, "home-migration")
    _migrate_and_play(f"sqlite:///{folder / 'discussions.sqlite'}", folder)


@pytest.mark.postgres
def test_revision_0004_and_the_whole_path_on_postgresql(tmp_path_factory, home, ref, postgres):
    folder = home_with_referential(tmp_path_factory, home, "home-migration-pg")
    _migrate_and_play(postgres, folder)


def test_a_revoked_elu_cannot_decide_from_an_open_panel(demo_store):
    from territoire_data.store.models import Role
    from widgets import State
    from widgets.actors import ActorsPanel
    from widgets.providers import WorkspaceDiscussions, WorkspaceProvider

    store = demo_store
    _profile(store, "solaire.lea", SOLAR)
    store.exchange("solaire.lea").request_access("33440")
    state = State(WorkspaceProvider(store))
    elu = ActorsPanel(state, WorkspaceDiscussions(store))
    state.choose("33440")
    elu.login = "elu.sm"
    approve = elu.requests.children[1].children[1].children[1]
    assert approve.description == "Accepter la demande"
    with store.store.session() as s:  # the mandate ends while the page is open
        for role in s.query(Role).filter(Role.territory == "33440", Role.role == "elu"):
            s.delete(role)
    approve.click()
    assert "Demande introuvable ou non accessible." in elu.feedback.value and 'role="alert"' in elu.feedback.value
    assert store.exchange("solaire.lea").requests()[0]["status"] == "pending"
    assert elu.check() and elu.requests.children == ()  # the next redraw shows nothing of it


def test_what_is_typed_survives_the_panels_redraws(demo_store):
    """A poll redraw (a notification arrives) keeps what the user is typing: the profile being
    edited, the preferences, an élu's refusal reason."""
    from widgets import State
    from widgets.actors import ActorsPanel
    from widgets.providers import WorkspaceDiscussions, WorkspaceProvider

    store = demo_store
    profile = _profile(store, "solaire.lea", SOLAR)
    state = State(WorkspaceProvider(store))
    company = ActorsPanel(state, WorkspaceDiscussions(store))
    state.choose("33440")
    company.login = "solaire.lea"
    assert company.profile_fields["siren"].value == "123456782"  # filled from the store at sign-in
    company.edit_profile.value = True
    company.profile_fields["description"].value = "Texte en cours de frappe"
    company.pref_email.value = "en.cours@"
    store.exchange("solaire.lea").request_access("33440")  # something changes: the panel redraws
    elu_panel_state = State(WorkspaceProvider(store))
    elu = ActorsPanel(elu_panel_state, WorkspaceDiscussions(store))
    elu_panel_state.choose("33440")
    elu.login = "elu.sm"
    reason = elu.requests.children[1].children[2].children[0]
    reason.value = "Nous revenons vers vous"
    thread = store.exchange("elu.sm").create_thread("33440", "Autre sujet", "…", "partenaires")
    store.exchange("elu.sm").invite(thread, profile["id"])  # both panels have something new
    assert company.check() and elu.check()
    assert company.profile_fields["description"].value == "Texte en cours de frappe"
    assert company.pref_email.value == "en.cours@"
    assert elu.requests.children[1].children[2].children[0].value == "Nous revenons vers vous"
    company.save_prefs.click()  # refused: what was typed stays
    assert "invalide" in company.feedback.value and company.pref_email.value == "en.cours@"


def test_the_courier_sends_and_never_creates_a_store(store, tmp_path):
    """``run_courier`` (what ``territoire dashboard`` and the Hub service run): it sends the due
    e-mails by itself, and in a home without a store it waits without creating one."""
    import asyncio

    from territoire_data.service.courier import run_courier

    async def run_for(workspace, seconds: float) -> None:
        task = asyncio.ensure_future(run_courier(workspace, period_s=0.2))
        await asyncio.sleep(seconds)
        task.cancel()

    empty = _workspace(tmp_path, TERRITOIRE_SMTP_HOST="127.0.0.1")
    asyncio.run(run_for(empty, 0.6))
    assert not (tmp_path / "echanges" / "discussions.sqlite").exists()

    _profile(store, "solaire.lea", SOLAR)
    store.exchange("elu.sm").set_preferences("immediate", "henri.dubos@saint-martial.test")
    store.exchange("solaire.lea").request_access("33440")
    with smtp_server() as (mailbox, port):
        asyncio.run(run_for(_mail_workspace(store, port), 2.0))
        assert len(mailbox.to("henri.dubos@saint-martial.test")) == 1
