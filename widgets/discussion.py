"""``DiscussionPanel`` (``.territoire-discussion``): the commune's threads, post and reply.

Everything goes through ``territoire_data.discussions.Espace`` (the store decides what the
user may read and with which visibilities they may post); only the store's sanitised HTML
of a message is ever displayed. The panel polls the store every 2 s and redraws when
something visible changed, so a message posted elsewhere shows within seconds.
"""

from __future__ import annotations

import asyncio
import html

import ipywidgets as w
from traitlets import Unicode

from territoire_data.catalogue import INDICATEURS, PAR_ID
from territoire_data.discussions.modeles import LIBELLES_VISIBILITE
from widgets.etat import Etat
from widgets.garde import garde

PERIODE_S = 2.0


def html_fils(fils: list[dict], messages: dict[int, list[dict]]) -> str:
    if not fils:
        return '<div class="ti-aide">Aucune discussion sur cette commune pour l\'instant.</div>'
    blocs = []
    for fil in fils:
        ancre = ""
        if fil["ancre_type"] == "indicateur" and fil["ancre"] in PAR_ID:
            ancre = f' · à propos de « {html.escape(PAR_ID[fil["ancre"]].libelle)} »'
        elif fil["ancre_type"] in ("parcelle", "entite") and fil["ancre"]:
            ancre = f' · à propos de la parcelle {html.escape(fil["ancre"])}'
        non_lus = f' <span class="ti-non-lus">{fil["non_lus"]} non lu(s)</span>' if fil["non_lus"] else ""
        corps = "".join(
            f'<div class="ti-message{" ti-supprime" if m["supprime"] else ""}" data-message="{m["id"]}">'
            f'<div class="ti-auteur">{html.escape(m["auteur"])} · {html.escape(m["cree_le"][:16].replace("T", " "))}'
            f'{" · modifié" if m["modifie_le"] else ""}</div>{m["html"]}</div>'  # sanitised by the store
            for m in messages.get(fil["id"], []))
        blocs.append(f'<div class="ti-fil" data-fil="{fil["id"]}"><div class="ti-fil-titre">#{fil["id"]} '
                     f'{html.escape(fil["titre"])}{non_lus}</div><div class="ti-fil-meta">'
                     f'{html.escape(fil["visibilite_libelle"])}{ancre}</div>{corps}</div>')
    return "".join(blocs)


class DiscussionPanel(w.VBox):
    login = Unicode(None, allow_none=True)

    def __init__(self, etat: Etat, *, demo_logins: list[str] | None = None, home=None, **kwargs):
        self.etat, self.home = etat, home
        self.espace = None
        self.identite_imposee = False
        self._version = None
        self._tache = None
        self.entete = w.HTML()
        self.choix_utilisateur = w.Dropdown(description="Démo : vous êtes", options=[("—", "")] + [(l, l) for l in (demo_logins or [])],
                                            style={"description_width": "initial"},
                                            layout=w.Layout(display="flex" if demo_logins else "none"))
        self.liste = w.HTML()
        self.liste.add_class("territoire-fils")
        self.titre = w.Text(placeholder="Titre de la nouvelle discussion", layout=w.Layout(width="100%"))
        self.texte = w.Textarea(placeholder="Votre message (Markdown : **gras**, listes, liens https://…)",
                                layout=w.Layout(width="100%", height="90px"))
        self.visibilite = w.Dropdown(description="Visible par", style={"description_width": "initial"})
        self.ancre = w.Dropdown(description="À propos de", options=[("(aucun indicateur)", "")]
                                + [(i.libelle, i.id) for i in INDICATEURS], style={"description_width": "initial"})
        self.fil = w.Dropdown(description="Répondre dans", options=[("(nouvelle discussion)", 0)],
                              style={"description_width": "initial"})
        self.publier = w.Button(description="Publier", button_style="primary")
        self.tout_lu = w.Button(description="Tout marquer comme lu")
        self.retour = w.HTML()
        self.formulaire = w.VBox([self.fil, self.titre, self.texte, w.HBox([self.visibilite, self.ancre]),
                                  w.HBox([self.publier, self.tout_lu]), self.retour])
        super().__init__([self.entete, self.choix_utilisateur, self.liste, self.formulaire], **kwargs)
        self.add_class("territoire-discussion")
        self.publier.on_click(lambda _b: self._publier())
        self.tout_lu.on_click(lambda _b: self._tout_lu())
        self.fil.observe(self._choix_fil, "value")
        self.choix_utilisateur.observe(self._changer_utilisateur, "value")
        etat.observe(self._rafraichir, "code")
        self._afficher_hors_connexion()

    # -- identity -------------------------------------------------------------------------

    def connecter(self, login: str | None, *, impose: bool = False) -> None:
        """Use the identity resolved for this kernel (or the demo switch); None: nothing shown.

        ``impose``: the identity comes from the deployment (JupyterHub, proxy header,
        ``TERRITOIRE_USER``): the demo user switch disappears and cannot override it.
        """
        from territoire_data.discussions import Espace

        if impose:
            self.identite_imposee = True
            self.choix_utilisateur.layout.display = "none"
            self.choix_utilisateur.disabled = True
        self.login = login
        try:
            self.espace = Espace(login, self.home) if login else None
        except Exception:  # a store not yet created: the panel says so, the dashboard goes on
            from widgets.etat import journal

            journal.exception("base des discussions indisponible")
            self.espace = None
            self.entete.value = ('<div class="ti-aide">Espace d\'échange indisponible (base des discussions non '
                                 "initialisée : `territoire db upgrade`).</div>")
            return
        self._version = None
        self._rafraichir()
        self._demarrer_veille()

    @garde
    def _changer_utilisateur(self, change) -> None:
        if self.identite_imposee:  # a forged widget message cannot change who is signed in
            return
        self.connecter(change["new"] or None)

    def _afficher_hors_connexion(self) -> None:
        self.entete.value = ("<h2>Espace d'échange</h2><div class=\"ti-aide\">Connectez-vous pour voir et rejoindre "
                             "les échanges sur votre territoire.</div>")
        self.liste.value = ""
        self.formulaire.layout.display = "none"

    # -- display --------------------------------------------------------------------------

    @garde
    def _rafraichir(self, _change=None) -> None:
        self.rafraichir()

    def rafraichir(self) -> None:
        code = self.etat.code
        if self.espace is None or not self.espace.autorisation.authentifie or not code:
            self._afficher_hors_connexion()
            self.etat.ancres = {}
            return
        fils = self.espace.fils(code)
        messages = {f["id"]: self.espace.messages(f["id"]) for f in fils}
        non_lus = sum(f["non_lus"] for f in fils)
        self.entete.value = (f"<h2>Espace d'échange — {html.escape(self.etat.nom)}</h2><div class=\"ti-aide\">"
                             f"Connecté : <strong>{html.escape(self.login or '')}</strong> · {len(fils)} discussion(s)"
                             f"{f' · <span class=ti-non-lus>{non_lus} non lu(s)</span>' if non_lus else ''}</div>")
        self.liste.value = html_fils(fils, messages)
        visibilites = self.espace.visibilites(code)
        choisie = self.visibilite.value
        self.visibilite.options = [(LIBELLES_VISIBILITE[v], v) for v in visibilites]
        if visibilites:  # keep the user's choice if still allowed, else the most restricted one
            self.visibilite.value = choisie if choisie in visibilites else visibilites[0]
        ancien = self.fil.value
        self.fil.options = [("(nouvelle discussion)", 0)] + [(f"#{f['id']} {f['titre'][:60]}", f["id"]) for f in fils]
        self.fil.value = ancien if ancien in {v for _, v in self.fil.options} else 0
        peut_ecrire = bool(visibilites) or bool(fils)
        self.formulaire.layout.display = None if peut_ecrire else "none"
        self.etat.ancres = self.espace.ancres(code, fils)
        self._version = self.espace.version(code)

    @garde
    def _choix_fil(self, change) -> None:
        nouveau = not change["new"]
        for widget in (self.titre, self.visibilite, self.ancre):
            widget.layout.display = None if nouveau else "none"

    # -- writing --------------------------------------------------------------------------

    @garde
    def _publier(self) -> None:
        from territoire_data.erreurs import TerritoireErreur

        if self.espace is None:
            return
        try:
            if self.fil.value:
                self.espace.repondre(self.fil.value, self.texte.value)
                self.espace.marquer_lu(self.fil.value)
            else:
                titre = self.titre.value.strip() or self.texte.value.strip().split("\n")[0][:80]
                self.espace.creer_fil(self.etat.code, titre, self.texte.value, self.visibilite.value or "",
                                      ancre_type="indicateur" if self.ancre.value else None,
                                      ancre=self.ancre.value or None)
        except TerritoireErreur as e:  # refused, too long, rate-limited: said in French, nothing lost
            self.retour.value = f'<div class="ti-erreur" role="alert">{html.escape(str(e))}</div>'
            return
        self.texte.value = ""
        self.titre.value = ""
        self.retour.value = '<div class="ti-ok">Message publié.</div>'
        self.rafraichir()

    @garde
    def _tout_lu(self) -> None:
        if self.espace is None:
            return
        for fil in self.espace.fils(self.etat.code):
            self.espace.marquer_lu(fil["id"])
        self.rafraichir()

    # -- polling --------------------------------------------------------------------------

    def verifier(self) -> bool:
        """Redraw if something visible changed since the last drawing; True if it did."""
        if self.espace is None or not self.etat.code:
            return False
        if self.espace.version(self.etat.code) != self._version:
            self.rafraichir()
            return True
        return False

    def _demarrer_veille(self) -> None:
        if self._tache is not None:
            return
        try:
            boucle = asyncio.get_running_loop()
        except RuntimeError:
            return  # no event loop (tests, scripts): ``verifier`` is called by hand
        self._tache = boucle.create_task(self._veiller())

    async def _veiller(self) -> None:
        while True:
            await asyncio.sleep(PERIODE_S)
            try:
                self.verifier()
            except Exception:  # noqa: BLE001 — a failed poll is retried at the next period
                from widgets.etat import journal

                journal.exception("veille des discussions")
