"""``ActorsPanel`` (``.territoire-acteurs``): « Acteurs du territoire », the mise en relation.

For everyone signed in: the directory of the actors serving the commune (by theme, or only
those who already shared a solution, with links to those solutions), their notifications
and their e-mail preferences. For an actor: their organisation's profile, a request to join
the commune as partner and its answer, the invitations received. For élus and agents: the
requests waiting for them (approve with an end date, or refuse) and inviting an actor into
a ``partenaires`` thread. Everything goes through the signed-in user's exchange client (the
store decides); the panel watches the counts every few seconds and redraws on a change.
"""

from __future__ import annotations

import asyncio
import html
import re
from datetime import date, timedelta

import ipywidgets as w
from traitlets import Unicode

from territoire_data.core.catalogue import THEMES
from territoire_data.errors import TerritoireError
from territoire_data.partners.identifiers import SIZE_BANDS
from territoire_data.rendering.formatting import day, moment
from territoire_data.service.client import StoreClient
from widgets.guard import guard
from widgets.state import CheckedTraits, State
from widgets.style import wrapping_row
from widgets.watch import start_watch

PERIOD_S = 3.0
FREQUENCIES = [("à chaque événement", "immediate"), ("résumé quotidien", "daily"), ("aucun courriel", "none")]
KIND_WORDS = {"pending": "en attente", "approved": "acceptée", "refused": "refusée", "expired": "expirée"}


def parse_day(text: str) -> date:
    """« 2027-12-01 », « 01/12/2027 » → a date; a French error otherwise."""
    text = (text or "").strip()
    found = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
    try:
        if found:
            return date(int(found.group(3)), int(found.group(2)), int(found.group(1)))
        return date.fromisoformat(text)
    except ValueError:
        raise TerritoireError(f"Date « {text} » illisible : écrivez-la comme 01/12/2027.") from None


def actor_html(actor: dict, code: str) -> str:
    """One actor of the directory (escaped; the store's contacts only when it gave them)."""
    e = html.escape
    themes = ", ".join(THEMES.get(t, t) for t in actor["themes"])
    tags = f" · {e(', '.join(actor['tags']))}" if actor["tags"] else ""
    contacts = ""
    if actor.get("contacts"):
        c = actor["contacts"]
        parts = [e(c["name"] or "")]
        if c.get("email"):
            parts.append(f'<a href="mailto:{e(c["email"])}">{e(c["email"])}</a>')
        if c.get("phone"):
            parts.append(e(c["phone"]))
        shown = " · ".join(p for p in parts if p)
        contacts = f'<div class="ti-contact">Contact : {shown}</div>' if shown else ""
    site = ""
    if actor.get("website"):
        site = f' · <a href="{e(actor["website"])}" target="_blank" rel="noopener noreferrer">site</a>'
    solutions = "".join(
        f'<li><a href="?territoire={e(s["territory"])}" target="_blank" rel="noopener">{e(s["title"])}</a></li>'
        for s in actor["solutions"]
    )
    if solutions:
        solutions = f'<div class="ti-aide">Solutions déjà partagées :</div><ul>{solutions}</ul>'
    served = ", ".join(t["name"] for t in actor["territories"])
    return (
        f'<div class="ti-acteur" data-acteur="{actor["id"]}"><div class="ti-fil-titre">{e(actor["name"])}</div>'
        f'<div class="ti-fil-meta">SIREN {e(actor["siren"] or "")} ({e(actor.get("siren_label") or "")}) · '
        f"{e(actor['activity'] or '')} · "
        f"{e(actor['size_label'] or '')}{site}</div>"
        f'<div class="ti-aide">Thèmes : {e(themes)}{tags} · intervient sur : {e(served)}</div>'
        f"<p>{e(actor['description'] or '')}</p>{contacts}{solutions}</div>"
    )


def request_html(request: dict, *, decider: bool) -> str:
    e = html.escape
    who = f"{e(request['organisation'] or '')}" + (f" — {e(request['requester'])}" if decider else "")
    end = f" jusqu'au {day(request['end'])}" if request["end"] and request["status"] in ("approved", "expired") else ""
    message = f"<blockquote>{e(request['message'])}</blockquote>" if request["message"] else ""
    reason = f'<div class="ti-aide">Motif : {e(request["reason"])}</div>' if request["reason"] else ""
    history = " → ".join(
        f"{KIND_WORDS.get(h['status'], h['status'])} le {e(moment(h['date']) if 'T' in (h['date'] or '') else day(h['date']))}"
        for h in request["history"]
        if h["date"]
    )
    return (
        f'<div class="ti-demande" data-demande="{request["id"]}"><strong>{who}</strong> → '
        f'{e(request["territory_name"])} : <span class="ti-etat">{e(request["status_label"])}{end}</span>'
        f'{message}{reason}<div class="ti-aide">Historique : {history}</div></div>'
    )


def _button(description: str, action, style: str = "") -> w.Button:
    """A button as wide as its words, calling ``action()`` when clicked."""
    button = w.Button(
        description=description, button_style=style, layout=w.Layout(width="auto", align_self="flex-start")
    )
    button.on_click(lambda _b: action())
    return button


def profile_fields() -> dict[str, w.Widget]:
    """The fields of an actor's profile, by the name the store gives them."""
    fields: dict[str, w.Widget] = {
        "name": w.Text(description="Nom de l'organisation"),
        "siren": w.Text(description="SIREN", placeholder="123 456 782"),
        "naf": w.Text(description="Code NAF", placeholder="43.22A"),
        "size_band": w.Dropdown(
            description="Effectif", options=[(label, code) for code, label in SIZE_BANDS.items()], value="11"
        ),
        "themes": w.SelectMultiple(description="Thèmes", options=[(v, k) for k, v in THEMES.items()], rows=5),
        "tags": w.Text(description="Étiquettes", placeholder="réseau de chaleur, solaire en toiture"),
        "territories": w.Text(description="Territoires", placeholder="33440, epci:…, dep:33"),
        "description": w.Textarea(description="Présentation"),
        "website": w.Text(description="Site web"),
        "contact_name": w.Text(description="Contact"),
        "contact_email": w.Text(description="Courriel du contact"),
        "contact_phone": w.Text(description="Téléphone"),
    }
    for field in fields.values():
        field.style = {"description_width": "150px"}
        field.layout.width, field.layout.max_width = "100%", "720px"
    fields["description"].layout.height = "80px"
    return fields


def _offer(dropdown: w.Dropdown, options: list[tuple[str, int]]) -> None:
    """New choices for a dropdown, keeping the user's choice while it is still offered."""
    chosen = dropdown.value
    dropdown.options = options
    values = [v for _, v in options]
    dropdown.value = chosen if chosen in values else (values[0] if values else None)


class ActorsPanel(CheckedTraits, w.VBox):
    login = Unicode(None, allow_none=True)

    def __init__(self, state: State, partners=None, **kwargs):
        self.state, self.provider = state, partners
        self.space: StoreClient | None = None  # the signed-in user's exchange client
        self._counts: tuple | None = None
        self._decisions: dict[int, list[w.Widget]] = {}  # pending request id → its controls
        self._fill_forms = True  # forms take the stored values once (sign-in, save), not at every poll
        self._task: asyncio.Task | None = None
        self.header = w.HTML()
        self.body = w.VBox()  # built at the first sign-in: an anonymous page carries none of it
        self.built = False
        super().__init__([self.header, self.body], **kwargs)
        self.add_class("territoire-acteurs")
        self.layout.display = "none" if partners is None else None
        self.observe(self._connect, "login")
        state.observe(self._refresh, "code")
        self._outside()

    def _build(self) -> None:
        """Create the panel's controls (once, at the first sign-in)."""
        if self.built:
            return
        self.built = True
        self.feedback = w.HTML()
        # notifications, invitations received, requests to decide (élus, agents)
        self.notices = w.HTML()
        self.read_all = _button("Tout marquer comme lu", self._read_all)
        self.invitations = w.VBox()
        self.invitations.add_class("ti-invitations")
        self.requests = w.VBox()
        self.requests.add_class("ti-demandes")
        # the directory, and inviting an actor of it
        self.theme = w.Dropdown(
            description="Thème",
            options=[("tous les thèmes", "")] + [(label, key) for key, label in THEMES.items()],
            style={"description_width": "initial"},
        )
        self.shared = w.Checkbox(
            description="Seulement ceux qui ont partagé une solution", indent=False, layout=w.Layout(width="auto")
        )
        self.directory = w.HTML()
        self.directory.add_class("ti-annuaire")
        self.invite_actor = w.Dropdown(description="Inviter", style={"description_width": "initial"})
        self.invite_thread = w.Dropdown(description="dans", style={"description_width": "initial"})
        self.invite = _button("Inviter dans la discussion", self._invite)
        self.invite_row = wrapping_row([self.invite_actor, self.invite_thread, self.invite])
        # an actor's own profile and request
        self.profile_fields = profile_fields()
        self.save_profile = _button("Enregistrer le profil", self._save_profile, "primary")
        self.profile_summary = w.HTML()
        self.edit_profile = w.ToggleButton(
            description="Modifier le profil", layout=w.Layout(width="auto", align_self="flex-start")
        )
        self.profile_form = w.VBox([*self.profile_fields.values(), self.save_profile])
        self.profile_box = w.VBox(
            [w.HTML("<h3>Votre organisation</h3>"), self.profile_summary, self.edit_profile, self.profile_form]
        )
        self.profile_box.add_class("ti-profil")
        self.request_message = w.Textarea(
            placeholder="Quelques mots pour les élus : ce que vous proposez à la commune",
            layout=w.Layout(width="100%", max_width="720px", height="60px"),
        )
        self.ask = _button("Demander à rejoindre", self._ask, "primary")
        self.my_requests = w.HTML()
        self.request_form = w.VBox([self.request_message, self.ask])
        self.request_box = w.VBox([w.HTML("<h3>Partenaire de la commune</h3>"), self.request_form, self.my_requests])
        # preferences
        wide = {"style": {"description_width": "150px"}, "layout": w.Layout(width="100%", max_width="480px")}
        self.pref_name = w.Text(description="Votre nom", **wide)
        self.pref_email = w.Text(description="Courriel", placeholder="prenom.nom@exemple.fr", **wide)
        self.pref_mode = w.Dropdown(description="Fréquence", options=FREQUENCIES, **wide)
        self.save_prefs = _button("Enregistrer mes préférences", self._save_prefs)
        self.prefs_box = w.VBox(
            [w.HTML("<h3>Mes notifications</h3>"), self.pref_name, self.pref_email, self.pref_mode, self.save_prefs]
        )
        self.body.children = (
            self.notices,
            self.read_all,
            self.invitations,
            self.requests,
            w.HTML("<h3>Annuaire</h3>"),
            wrapping_row([self.theme, self.shared]),
            self.directory,
            self.invite_row,
            self.profile_box,
            self.request_box,
            self.prefs_box,
            self.feedback,
        )
        self.edit_profile.observe(self._toggle_form, "value")
        self.theme.observe(self._refresh, "value")
        self.shared.observe(self._refresh, "value")

    # -- identity and display ---------------------------------------------------------------

    def _client(self) -> StoreClient:
        if self.space is None:
            raise TerritoireError("Connectez-vous pour accéder aux acteurs du territoire.")
        return self.space

    @guard
    def _connect(self, _change=None) -> None:
        if self.provider is None:
            return
        self.space = self.provider.space(self.login) if self.login else None
        self._counts, self._decisions, self._fill_forms = None, {}, True
        if self.space is not None:
            self._build()
        self.refresh()
        self._start_watch()

    def _outside(self) -> None:
        self.header.value = (
            '<h2>Acteurs du territoire</h2><div class="ti-aide">Connectez-vous (le choix du compte est dans '
            "l'« Espace d'échange », plus bas) pour voir les acteurs qui interviennent sur ce territoire, "
            "présenter votre organisation ou répondre aux demandes.</div>"
        )
        self.body.layout.display = "none"

    def _say(self, text: str, ok: bool = True) -> None:
        css, role = ("ti-ok", "status") if ok else ("ti-erreur", "alert")
        self.feedback.value = f'<div class="{css}" role="{role}">{html.escape(text)}</div>'

    @guard
    def _refresh(self, _change=None) -> None:
        self.refresh()

    def refresh(self) -> None:
        code = self.state.code
        if self.space is None or not code:
            self._outside()
            return
        self.body.layout.display = None
        authority = bool(self._client().whoami().get("authority"))
        counts = self._client().counts(code)
        self._counts = (counts, self._client().version(code))
        # What waits for the user, as red badges; nothing waiting is said in plain words.
        waiting = [
            (counts["notifications"], "notification(s) non lue(s)"),
            (counts["requests"] if authority else 0, "demande(s) à traiter"),
            (counts["invitations"], "invitation(s) en attente"),
        ]
        badges = [f"<span class=ti-non-lus>{n} {what}</span>" for n, what in waiting if n]
        self.header.value = (
            f"<h2>Acteurs du territoire — {html.escape(self.state.name)}</h2>"
            f'<div class="ti-compteurs">{" · ".join(badges) if badges else "Rien en attente."}</div>'
        )
        self._notices()
        self._invitations()
        self._requests(code, authority)
        self._directory(code, authority)
        self._own(code, authority)
        if self._fill_forms:
            prefs = self._client().preferences()
            self.pref_name.value = prefs.get("name") or ""
            self.pref_email.value = prefs.get("email") or ""
            self.pref_mode.value = prefs.get("mode") or "immediate"
        self._fill_forms = False

    def _notices(self) -> None:
        items = self._client().notifications()
        if not items:
            self.notices.value = '<div class="ti-aide">Aucune notification.</div>'
            return
        rows = "".join(
            f'<li class="{"ti-lu" if n["read"] else "ti-nouveau"}">{html.escape(moment(n["created_at"]))} — '
            f"{html.escape(n['text'])}</li>"
            for n in items[:10]
        )
        self.notices.value = f'<div class="ti-notifications"><ul>{rows}</ul></div>'

    def _invitations(self) -> None:
        rows = []
        for invitation in self._client().invitations("pending"):
            accept = _button("Accepter l'invitation", lambda i=invitation["id"]: self._answer(i, True), "primary")
            decline = _button("Décliner", lambda i=invitation["id"]: self._answer(i, False))
            text = w.HTML(
                f"<div>{html.escape(invitation['territory_name'])} vous invite dans la discussion "
                f"« {html.escape(invitation['thread_title'])} ».</div>"
            )
            rows.append(w.VBox([text, wrapping_row([accept, decline])]))
        self.invitations.children = rows

    def _requests(self, code: str, authority: bool) -> None:
        if not authority:
            self.requests.children = []
            return
        rows: list[w.Widget] = [w.HTML("<h3>Demandes d'accès partenaire</h3>")]
        items = self._client().requests(code)
        for request in items:
            row: list[w.Widget] = [w.HTML(request_html(request, decider=True))]
            if request["status"] == "pending":
                row += self._decision(request["id"])
            rows.append(w.VBox(row))
        if not items:
            rows.append(w.HTML('<div class="ti-aide">Aucune demande d\'accès pour ce territoire.</div>'))
        self.requests.children = rows

    def _decision(self, request_id: int) -> list[w.Widget]:
        """The date, reason and buttons of a pending request, kept across redraws (what the
        élu typed survives a poll)."""
        if request_id not in self._decisions:
            until = w.Text(
                description="Accès jusqu'au",
                value=(date.today() + timedelta(days=365)).strftime("%d/%m/%Y"),
                style={"description_width": "initial"},
            )
            reason = w.Text(placeholder="Motif, si vous refusez (transmis au demandeur)")
            approve = _button("Accepter la demande", lambda: self._decide(request_id, True, until.value, ""), "success")
            refuse = _button("Refuser", lambda: self._decide(request_id, False, "", reason.value), "danger")
            self._decisions[request_id] = [wrapping_row([until, approve]), wrapping_row([reason, refuse])]
        return self._decisions[request_id]

    def _directory(self, code: str, authority: bool) -> None:
        actors = self._client().directory(code, theme=self.theme.value or None, shared=bool(self.shared.value))
        if actors:
            self.directory.value = "".join(actor_html(a, code) for a in actors)
        else:
            self.directory.value = '<div class="ti-aide">Aucun acteur référencé ici pour ce choix.</div>'
        threads = [t for t in self._client().threads(code) if t["visibility"] == "partenaires"] if authority else []
        others = [a for a in actors if not a.get("mine")]
        self.invite_row.layout.display = None if authority and threads and others else "none"
        _offer(self.invite_actor, [(a["name"], a["id"]) for a in others])
        _offer(self.invite_thread, [(f"#{t['id']} {t['title'][:50]}", t["id"]) for t in threads])

    def _own(self, code: str, authority: bool) -> None:
        if authority:
            self.profile_box.layout.display = self.request_box.layout.display = "none"
            return
        self.profile_box.layout.display = self.request_box.layout.display = None
        profile = self._client().my_profile()
        if profile is not None:
            self.save_profile.description = "Mettre à jour le profil"
            self.profile_summary.value = actor_html(profile, code)
        if profile is not None and self._fill_forms:
            fields = self.profile_fields
            for key in ("name", "siren", "naf", "description", "website"):
                fields[key].value = profile.get(key) or ""
            fields["size_band"].value = profile.get("size_band") or "11"
            fields["themes"].value = tuple(profile["themes"])
            fields["tags"].value = ", ".join(profile["tags"])
            fields["territories"].value = ", ".join(t["code"] for t in profile["territories"])
            contacts = profile.get("contacts") or {}
            fields["contact_name"].value = contacts.get("name") or ""
            fields["contact_email"].value = contacts.get("email") or ""
            fields["contact_phone"].value = contacts.get("phone") or ""
        elif profile is None and not self.profile_fields["territories"].value:
            self.profile_fields["territories"].value = code
        self.profile_summary.layout.display = self.edit_profile.layout.display = None if profile else "none"
        self.profile_form.layout.display = None if profile is None or self.edit_profile.value else "none"
        self.ask.description = f"Demander à rejoindre {self.state.name}"
        self.ask.disabled = profile is None
        mine = self._client().requests(code)
        # one request at a time: none while one waits or the access runs
        waiting = any(r["status"] in ("pending", "approved") for r in mine)
        self.request_form.layout.display = "none" if waiting else None
        self.my_requests.value = "".join(request_html(r, decider=False) for r in mine) or (
            '<div class="ti-aide">Présentez votre organisation, puis demandez à rejoindre la commune : '
            "ses élus et services en seront avertis.</div>"
            if profile is None
            else ""
        )

    @guard
    def _toggle_form(self, change) -> None:
        self.profile_form.layout.display = None if change["new"] else "none"

    # -- actions --------------------------------------------------------------------------

    def _act(self, action, success: str, *, refill: bool = False) -> bool:
        """Run an action of the store; its refusal said in French, the form kept as typed.
        ``refill``: on success, the forms show the stored values again (normalised SIREN…)."""
        if self.space is None:
            return False
        try:
            action()
        except TerritoireError as error:
            self._say(str(error), ok=False)
            return False
        self._say(success)
        self._fill_forms = refill
        self.refresh()
        return True

    @guard
    def _save_profile(self) -> None:
        f = self.profile_fields
        fields = {
            "name": f["name"].value,
            "siren": f["siren"].value,
            "naf": f["naf"].value,
            "size_band": f["size_band"].value,
            "themes": list(f["themes"].value),
            "territories": [t.strip() for t in f["territories"].value.split(",") if t.strip()],
            "description": f["description"].value,
            "tags": [t.strip() for t in f["tags"].value.split(",") if t.strip()],
            "website": f["website"].value or None,
            "contact_name": f["contact_name"].value or None,
            "contact_email": f["contact_email"].value or None,
            "contact_phone": f["contact_phone"].value or None,
        }
        if self._act(
            lambda: self._client().save_profile(**fields), "Profil enregistré : il figure dans l'annuaire.", refill=True
        ):
            self.edit_profile.value = False

    @guard
    def _ask(self) -> None:
        code, message = self.state.code, self.request_message.value
        if self._act(
            lambda: self._client().request_access(code, message),
            f"Demande envoyée : les élus et services de {self.state.name} en sont avertis.",
        ):
            self.request_message.value = ""

    @guard
    def _decide(self, request_id: int, approve: bool, until: str, reason: str) -> None:
        if approve:
            self._act(
                lambda: self._client().approve_request(request_id, parse_day(until).isoformat()),
                "Demande acceptée : le demandeur est averti.",
            )
        else:
            self._act(
                lambda: self._client().refuse_request(request_id, reason or None),
                "Demande refusée : le demandeur est averti.",
            )

    @guard
    def _invite(self) -> None:
        actor, thread = self.invite_actor.value, self.invite_thread.value
        if actor is None or thread is None:
            return
        self._act(lambda: self._client().invite(thread, actor), "Invitation envoyée : l'acteur est averti.")

    @guard
    def _answer(self, invitation_id: int, accept: bool) -> None:
        self._act(
            lambda: self._client().answer_invitation(invitation_id, accept),
            "Invitation acceptée : la discussion apparaît dans l'espace d'échange."
            if accept
            else "Invitation déclinée.",
        )

    @guard
    def _read_all(self) -> None:
        self._act(lambda: self._client().mark_notifications_read(), "Notifications marquées comme lues.")

    @guard
    def _save_prefs(self) -> None:
        name, email, mode = self.pref_name.value, self.pref_email.value, self.pref_mode.value
        self._act(
            lambda: self._client().set_preferences(mode, email or None, name or None),
            "Préférences enregistrées.",
            refill=True,
        )

    # -- polling --------------------------------------------------------------------------

    def check(self) -> bool:
        """Redraw when the counts (a request, a decision, an invitation) or the threads the
        user may read changed; True if so."""
        if self.space is None or not self.state.code:
            return False
        if (self._client().counts(self.state.code), self._client().version(self.state.code)) != self._counts:
            self.refresh()
            return True
        return False

    def _start_watch(self) -> None:
        if self._task is None:
            self._task = start_watch(self.check, PERIOD_S, "acteurs du territoire")
