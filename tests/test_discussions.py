"""Discussion store: access matrix, sanitising, bad input, rate limit, CLI."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from conftest import home_avec_referentiel, lancer, variables

PAYLOADS = [
    "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>", "<svg><script>alert(1)</script></svg>",
    "[clic](javascript:alert(1))", "[clic](JaVaScRiPt:alert(1))", "[clic](  javascript:alert(1))",
    "[clic](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)", "[clic](vbscript:msgbox(1))",
    "<a href=\"javascript:alert(1)\">x</a>", "<iframe src=https://exemple.org></iframe>",
    "<style>body{display:none}</style>", "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<p onclick=alert(1)>x</p>", "<body onload=alert(1)>", "<object data=x></object>", "<embed src=x>",
    "<form action=https://x><input name=a></form>", "<meta http-equiv=refresh content=0;url=https://x>",
    "<link rel=stylesheet href=https://x>", "![image](https://exemple.org/pixel.png)",
    "![x](javascript:alert(1))", "<math><mtext><script>alert(1)</script></mtext></math>",
    "<details open ontoggle=alert(1)>", "<a href=\"https://exemple.org\" onmouseover=alert(1)>x</a>",
    "[x](https://exemple.org \"titre\" onmouseover=alert(1))", "<scr<script>ipt>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;", "<!--<script>alert(1)</script>-->", "<base href=https://x>",
    "[x]: javascript:alert(1)\n\n[lien][x]", "<a href=\"&#106;avascript:alert(1)\">x</a>",
    "<video><source onerror=alert(1)></video>", "<input autofocus onfocus=alert(1)>",
    "`<script>` en code reste du texte", "<table><tr><td background=javascript:alert(1)>x</td></tr></table>",
]
AUTORISEES = {"p", "br", "strong", "em", "code", "pre", "ul", "ol", "li", "blockquote", "a", "h3", "h4", "hr",
              "table", "thead", "tbody", "tr", "th", "td"}


def _elements(html: str) -> list[tuple[str, dict]]:
    """The real tags and attributes of rendered HTML (escaped text is not markup)."""
    from html.parser import HTMLParser

    trouves = []

    class Lecteur(HTMLParser):
        def handle_starttag(self, tag, attrs):
            trouves.append((tag, dict(attrs)))

        handle_startendtag = handle_starttag

    Lecteur(convert_charrefs=True).feed(html)
    return trouves


@pytest.fixture(scope="module")
def magasin(tmp_path_factory, home, ref):
    """A home with the referential and an upgraded SQLite store, with a cast of users."""
    from territoire_data.discussions import ajouter_utilisateur, mettre_a_jour

    dossier = home_avec_referentiel(tmp_path_factory, home, "home-discussions")
    # The rate limit has its own test: here it must not get in the way.
    with variables(TERRITOIRE_HOME=dossier, TERRITOIRE_LIMITE_MESSAGES="100000/60"):
        mettre_a_jour()
        hier, demain = date.today() - timedelta(days=1), date.today() + timedelta(days=30)
        for login, role, territoire, fin in [
            ("elu", "elu", "33063", None), ("agent", "agent", "33063", None),
            ("elu.metropole", "elu", "epci:243300316", None), ("entreprise", "entreprise", "33063", demain),
            ("consultant", "consultant", "33063", None), ("entreprise.expiree", "entreprise", "33063", hier),
            ("elu.autre", "elu", "24322", None), ("entreprise.autre", "entreprise", "24322", None),
            ("admin", "admin", "france", None),
        ]:
            ajouter_utilisateur(login, role, territoire, jusqu_au=fin)
        yield dossier


@pytest.fixture(scope="module")
def fils(magasin):
    """One thread of each visibility on Bordeaux (33063), written by its élu."""
    from territoire_data.discussions import Espace

    elu = Espace("elu")
    return {v: elu.creer_fil("33063", f"Fil {v}", f"message {v}", v) for v in ("elus", "partenaires", "tous")}


# (login, visibility) → may read / may create on 33063. Mérignac (33281) is in Bordeaux Métropole.
MATRICE = {
    "elu":                {"elus": (True, True), "partenaires": (True, True), "tous": (True, True)},
    "agent":              {"elus": (True, True), "partenaires": (True, True), "tous": (True, True)},
    "elu.metropole":      {"elus": (True, True), "partenaires": (True, True), "tous": (True, True)},
    "entreprise":         {"elus": (False, False), "partenaires": (True, True), "tous": (True, True)},
    "consultant":         {"elus": (False, False), "partenaires": (True, True), "tous": (True, True)},
    "entreprise.expiree": {"elus": (False, False), "partenaires": (False, False), "tous": (False, False)},
    "elu.autre":          {"elus": (False, False), "partenaires": (False, False), "tous": (True, False)},
    "entreprise.autre":   {"elus": (False, False), "partenaires": (False, False), "tous": (True, False)},
    "admin":              {"elus": (True, True), "partenaires": (True, True), "tous": (True, True)},
    "inconnu":            {"elus": (False, False), "partenaires": (False, False), "tous": (False, False)},
}


@pytest.mark.parametrize("login", list(MATRICE))
@pytest.mark.parametrize("visibilite", ["elus", "partenaires", "tous"])
def test_matrice_d_acces(magasin, fils, login, visibilite):
    from territoire_data.discussions import AccesRefuse, Espace

    lire, ecrire = MATRICE[login][visibilite]
    espace = Espace(login)
    visibles = {f["id"] for f in espace.fils("33063")}
    assert (fils[visibilite] in visibles) is lire
    if lire:
        assert [m["text"] for m in espace.messages(fils[visibilite])] [0] == f"message {visibilite}"
        espace.repondre(fils[visibilite], f"réponse de {login}")
    else:
        with pytest.raises(AccesRefuse):
            espace.messages(fils[visibilite])
        with pytest.raises(AccesRefuse):
            espace.repondre(fils[visibilite], "intrusion")
    if ecrire:
        nouveau = espace.creer_fil("33063", "Nouveau", "texte", visibilite)
        assert nouveau in {f["id"] for f in Espace("admin").fils("33063")}
    else:
        with pytest.raises(AccesRefuse):
            espace.creer_fil("33063", "Nouveau", "texte", visibilite)


def test_elu_d_epci_sur_une_commune_membre_et_pas_au_dela(magasin):
    from territoire_data.discussions import AccesRefuse, Espace

    metropole = Espace("elu.metropole")
    fil = metropole.creer_fil("33281", "Mérignac", "commune membre de la métropole", "elus")
    assert fil in {f["id"] for f in Espace("elu.metropole").fils("33281")}
    assert fil not in {f["id"] for f in Espace("elu").fils("33281")}  # an élu of Bordeaux is not élu of Mérignac
    with pytest.raises(AccesRefuse):
        metropole.creer_fil("24322", "Périgueux", "hors de la métropole", "elus")
    assert metropole.visibilites("dep:33") == []  # a group larger than the EPCI is not covered


def test_edition_suppression_signalement_non_lus(magasin):
    from territoire_data.discussions import AccesRefuse, Espace

    elu, agent, admin = Espace("elu"), Espace("agent"), Espace("admin")
    fil = elu.creer_fil("33063", "Historique", "première version", "elus")
    message = elu.messages(fil)[0]["id"]
    assert {f["id"]: f["non_lus"] for f in agent.fils("33063")}[fil] == 1
    agent.marquer_lu(fil)
    assert {f["id"]: f["non_lus"] for f in agent.fils("33063")}[fil] == 0
    with pytest.raises(AccesRefuse):
        agent.modifier(message, "réécrit par un autre")
    elu.modifier(message, "seconde version")
    assert elu.messages(fil)[0]["text"] == "seconde version" and elu.messages(fil)[0]["modifie_le"]
    assert [r["html"] for r in elu.historique(message)] == ["<p>première version</p>\n"]
    agent.signaler(message, "hors sujet")
    assert [s["motif"] for s in admin.signalements()] == ["hors sujet"]
    with pytest.raises(AccesRefuse):
        agent.signalements()
    with pytest.raises(AccesRefuse):
        agent.supprimer(message)
    admin.supprimer(message)
    supprime = elu.messages(fil)[0]
    assert supprime["supprime"] and supprime["text"] == "" and "supprimé" in supprime["html"]


@pytest.mark.parametrize("charge", PAYLOADS, ids=range(len(PAYLOADS)))
def test_injections_rendues_inertes(magasin, charge):
    from territoire_data.discussions import Espace

    elu = Espace("elu")
    fil = elu.creer_fil("33063", charge[:150], charge, "elus")
    message = elu.messages(fil)[0]
    assert message["text"] == charge.strip()  # stored as written
    for balise, attributs in _elements(message["html"]):
        assert balise in AUTORISEES, (balise, message["html"])
        assert set(attributs) <= ({"href", "title", "rel"} if balise == "a" else set()), (attributs, message["html"])
        if "href" in attributs:
            assert attributs["href"].strip().lower().startswith(("https://", "http://", "mailto:")), message["html"]
            assert attributs["rel"] == "noopener noreferrer nofollow"


def test_entrees_invalides(magasin, monkeypatch):
    from territoire_data.discussions import Espace, TexteRefuse

    elu = Espace("elu")
    with pytest.raises(TexteRefuse, match="trop long"):
        elu.creer_fil("33063", "Long", "é" * 10_001, "elus")  # 20 002 bytes
    fil = elu.creer_fil("33063", "Contrôle", "a\x00b\x07c\u202ed\ud800e\r\nf", "elus")
    assert elu.messages(fil)[0]["text"] == "abcd\ufffde\nf"
    with pytest.raises(TexteRefuse, match="vide"):
        elu.repondre(fil, " \x00\u200b ")
    fil = elu.creer_fil("33063", "Octets", b"caf\xe9 \xff".decode("utf-8", "surrogateescape"), "elus")
    assert elu.messages(fil)[0]["text"] == "caf\ufffd \ufffd"
    monkeypatch.setenv("TERRITOIRE_LIMITE_MESSAGES", "3/60")
    from territoire_data.discussions import AccesRefuse, ajouter_utilisateur

    ajouter_utilisateur("rafale", "elu", "24322")  # a user who has not posted yet
    limite = Espace("rafale")
    fil = limite.creer_fil("24322", "Rafale", "1", "elus")
    limite.repondre(fil, "2")
    limite.repondre(fil, "3")
    with pytest.raises(AccesRefuse, match="Trop de messages"):
        limite.repondre(fil, "4")


def test_cli_users_discussions(magasin):
    sortie = lancer("users", "add", "cli.partenaire", "--role", "entreprise", "--territoire", "33063",
                    "--organisation", "Bâtiment & Cie", "--jusqu-au", "2031-01-01", home=magasin)
    assert sortie.returncode == 0, sortie.stderr
    assert "cli.partenaire" in lancer("users", "list", home=magasin).stdout
    refus = lancer("discussions", "post", "33063", "--as", "cli.partenaire", "--visibilite", "elus", "secret",
                   home=magasin)
    assert refus.returncode == 2 and "Vous ne pouvez pas publier" in refus.stderr and "Traceback" not in refus.stderr
    ok = lancer("discussions", "post", "33063", "--as", "cli.partenaire", "--visibilite", "partenaires",
                "**Bonjour** <script>x</script>", home=magasin)
    assert ok.returncode == 0, ok.stderr
    donnees = json.loads(lancer("discussions", "list", "33063", "--as", "cli.partenaire", "--json", home=magasin).stdout)
    messages = [m for f in donnees["fils"] for m in f["messages"] if "Bonjour" in m["text"]]
    assert messages[0]["text"] == "**Bonjour** <script>x</script>"
    assert messages[0]["html"] == "<p><strong>Bonjour</strong> &lt;script&gt;x&lt;/script&gt;</p>\n"
    assert all(f["visibilite"] != "elus" for f in donnees["fils"])
    mauvais = lancer("users", "add", "x", "--role", "roi", "--territoire", "33063", home=magasin)
    assert mauvais.returncode == 2 and "Rôle inconnu" in mauvais.stderr
    date_invalide = lancer("users", "add", "x", "--role", "elu", "--territoire", "33063", "--jusqu-au", "demain",
                           home=magasin)
    assert date_invalide.returncode == 2 and "Date invalide" in date_invalide.stderr


def test_base_non_migree(tmp_path, home):
    import shutil

    shutil.copytree(home / "referentiel", tmp_path / "referentiel")
    sortie = lancer("users", "list", home=tmp_path)
    assert sortie.returncode == 2 and "territoire db upgrade" in sortie.stderr
    assert lancer("db", "upgrade", home=tmp_path).returncode == 0
    assert lancer("users", "list", home=tmp_path).returncode == 0


class _Communes:
    """What ``Etat`` needs of a provider, on the real referential."""

    demo = False

    def territoire(self, code):
        from territoire_data.territoires import territoire

        return territoire(code)


def test_panneau_sans_identite_ne_montre_rien(magasin, fils):
    from widgets import DiscussionPanel, Etat

    etat = Etat(_Communes())
    etat.choisir("33063")
    panneau = DiscussionPanel(etat)
    panneau.connecter(None)
    assert "Connectez-vous" in panneau.entete.value and panneau.liste.value == ""
    assert panneau.formulaire.layout.display == "none"
    panneau.connecter("personne")  # unknown login: no role, nothing either
    assert panneau.liste.value == "" and "territoire-discussion" in panneau._dom_classes


def test_panneau_lire_publier_et_voir_arriver(magasin, fils):
    from territoire_data.discussions import Espace
    from widgets import DiscussionPanel, Etat

    etat = Etat(_Communes())
    etat.choisir("33063")
    panneau = DiscussionPanel(etat)
    panneau.connecter("entreprise")
    assert [v for _, v in panneau.visibilite.options] == ["partenaires", "tous"]  # limited to what is allowed
    assert panneau.visibilite.value == "partenaires"  # the most restricted by default
    assert "Fil partenaires" in panneau.liste.value and "Fil elus" not in panneau.liste.value
    panneau.texte.value = "Proposition <script>alert(1)</script> **chiffrée**"
    panneau.titre.value = "Devis"
    panneau.visibilite.value = "partenaires"
    panneau.ancre.value = "part_logements_vacants"
    panneau._publier()
    assert "Message publié" in panneau.retour.value and panneau.texte.value == ""
    assert "<strong>chiffrée</strong>" in panneau.liste.value and "<script>" not in panneau.liste.value
    assert etat.ancres.get("part_logements_vacants", 0) >= 1

    autre = DiscussionPanel(etat)
    autre.connecter("elu")
    assert "Devis" in autre.liste.value and "non lu" in autre.liste.value
    version = autre._version
    Espace("agent").repondre(fils["partenaires"], "réponse venue d'ailleurs")
    assert autre.verifier() and autre._version != version  # the poll sees it
    assert "réponse venue d&#x27;ailleurs" in autre.liste.value or "réponse venue d'ailleurs" in autre.liste.value

    panneau.fil.value = fils["elus"] if fils["elus"] in [v for _, v in panneau.fil.options] else 0
    assert panneau.fil.value == 0  # a thread the company cannot read is not even offered
    panneau.texte.value = "é" * 10_001
    panneau._publier()
    assert "trop long" in panneau.retour.value and panneau.texte.value == "é" * 10_001  # nothing lost


def test_identite_imposee_sans_bascule_demo(magasin, fils, monkeypatch):
    from territoire_data.discussions import identite
    from widgets import DiscussionPanel, Etat

    monkeypatch.setenv("JUPYTERHUB_USER", "entreprise")
    monkeypatch.setenv("TERRITOIRE_USER", "admin")
    assert identite.identite(recalculer=True) == "entreprise"  # the hub wins over a local variable
    monkeypatch.delenv("JUPYTERHUB_USER")
    monkeypatch.setenv("HTTP_X_TERRITOIRE_USER", "elu")
    assert identite.identite(recalculer=True) == "admin"  # a header is ignored unless configured
    monkeypatch.setenv("TERRITOIRE_EN_TETE_IDENTITE", "X-Territoire-User")
    assert identite.identite(recalculer=True) == "elu"
    etat = Etat(_Communes())
    etat.choisir("33063")
    panneau = DiscussionPanel(etat, demo_logins=["admin", "elu"])
    panneau.connecter("entreprise", impose=True)
    panneau.choix_utilisateur.value = "admin"  # what a forged widget message would do
    assert panneau.login == "entreprise" and "Fil elus" not in panneau.liste.value
    assert panneau.choix_utilisateur.layout.display == "none"
    identite.identite(recalculer=True)


def test_solutions_partagees_entre_territoires(magasin):
    sortie = lancer("discussions", "post", "33063", "--as", "elu", "--visibilite", "tous", "--solution", "--theme",
                    "foncier", "--titre", "Densifier avant d'étendre", "Notre méthode…", home=magasin)
    assert sortie.returncode == 0, sortie.stderr
    ailleurs = json.loads(lancer("discussions", "solutions", "--as", "elu.autre", "--theme", "foncier", "--json",
                                 home=magasin).stdout)  # an élu of Périgueux reads Bordeaux's shared solution
    assert [f["titre"] for f in ailleurs] == ["Densifier avant d'étendre"]
    assert "Aucune solution" in lancer("discussions", "solutions", "--as", "inconnu", home=magasin).stdout
    parcelle = lancer("discussions", "post", "33063", "--as", "elu", "--visibilite", "elus", "--parcelle",
                      "33063000AB0123", "Cette dent creuse appartient à la commune.", home=magasin)
    assert parcelle.returncode == 0, parcelle.stderr
    fils = json.loads(lancer("discussions", "list", "33063", "--as", "agent", "--json", home=magasin).stdout)["fils"]
    assert any(f["ancre_type"] == "parcelle" and f["ancre"] == "33063000AB0123" for f in fils)
    mauvais = lancer("discussions", "post", "33063", "--as", "elu", "--visibilite", "tous", "--solution", "--theme",
                     "astrologie", "x", home=magasin)
    assert mauvais.returncode == 2 and "Thème inconnu" in mauvais.stderr
