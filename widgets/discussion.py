"""``DiscussionPanel`` (``.territoire-discussion``): the commune's threads, post and reply.

Everything goes through a ``DiscussionProvider`` (on a workspace: the store decides what
the user may read and with which visibilities they may post); only the store's sanitised
HTML of a message is ever displayed. The panel polls the store every 2 s and redraws when
something visible changed, so a message posted elsewhere shows within seconds.
"""

from __future__ import annotations

import asyncio
import html

import ipywidgets as w
from traitlets import Unicode

from territoire_data.core.catalogue import BY_ID, INDICATORS
from territoire_data.rendering.formatting import moment
from territoire_data.store.models import VISIBILITY_LABELS
from widgets.guard import guard
from widgets.providers import DiscussionAccess, DiscussionProvider
from widgets.state import CheckedTraits, State
from widgets.watch import start_watch

PERIOD_S = 2.0


# A company's message says so: its author cannot pass for an élu.
ACTOR_BADGE = ' <span class="ti-badge-acteur">entreprise</span>'


def threads_html(threads: list[dict], messages: dict[int, list[dict]]) -> str:
    if not threads:
        return '<div class="ti-aide">Aucune discussion sur cette commune pour l\'instant.</div>'
    blocks = []
    for thread in threads:
        anchor = ""
        if thread["anchor_type"] == "indicator" and thread["anchor"] in BY_ID:
            anchor = f" · à propos de « {html.escape(BY_ID[thread['anchor']].label)} »"
        elif thread["anchor_type"] in ("parcel", "feature") and thread["anchor"]:
            anchor = f" · à propos de la parcelle {html.escape(thread['anchor'])}"
        unread = f' <span class="ti-non-lus">{thread["unread"]} non lu(s)</span>' if thread["unread"] else ""
        body = "".join(
            f'<div class="ti-message{" ti-supprime" if m["deleted"] else ""}" data-message="{m["id"]}">'
            f'<div class="ti-auteur"><strong>{html.escape(m.get("author_name") or m.get("author") or "")}</strong>'
            f"{' (' + html.escape(m['organisation']) + ')' if m.get('organisation') else ''}"
            f"{ACTOR_BADGE if m.get('actor') else ''}"
            f' · <time datetime="{html.escape(m["created_at"] or "")}">{html.escape(moment(m["created_at"]))}</time>'
            f"{' · modifié' if m['edited_at'] else ''}</div>{m['html']}</div>"  # sanitised by the store
            for m in messages.get(thread["id"], [])
        )
        blocks.append(
            f'<div class="ti-fil" data-fil="{thread["id"]}"><div class="ti-fil-titre">#{thread["id"]} '
            f'{html.escape(thread["title"])}{unread}</div><div class="ti-fil-meta">'
            f"{html.escape(thread['visibility_label'])}{anchor}</div>{body}</div>"
        )
    return "".join(blocks)


class DiscussionPanel(CheckedTraits, w.VBox):
    login = Unicode(None, allow_none=True)

    def __init__(
        self,
        state: State,
        discussions: DiscussionProvider | None = None,
        *,
        demo_logins: list[str] | None = None,
        **kwargs,
    ):
        self.state, self.provider = state, discussions
        self.space: DiscussionAccess | None = None
        self.imposed_identity = False
        self._version: tuple | None = None
        self._task: asyncio.Task | None = None
        self.header = w.HTML()
        self.user_choice = w.Dropdown(
            description="Démo : vous êtes",
            options=[("—", "")] + [(l, l) for l in (demo_logins or [])],
            style={"description_width": "initial"},
            layout=w.Layout(display="flex" if demo_logins else "none"),
        )
        self.items = w.HTML()
        self.items.add_class("territoire-fils")
        self.title = w.Text(placeholder="Titre de la nouvelle discussion", layout=w.Layout(width="100%"))
        self.text = w.Textarea(
            placeholder="Votre message. Mise en forme possible : **gras**, listes avec des tirets ; "
            "les adresses web deviennent des liens.",
            layout=w.Layout(width="100%", height="90px"),
        )
        self.visibility = w.Dropdown(description="Visible par", style={"description_width": "initial"})
        self.anchor = w.Dropdown(
            description="À propos de",
            options=[("(aucun indicateur)", "")] + [(i.label, i.id) for i in INDICATORS],
            style={"description_width": "initial"},
        )
        self.thread = w.Dropdown(
            description="Répondre dans", options=[("(nouvelle discussion)", 0)], style={"description_width": "initial"}
        )
        self.post = w.Button(description="Publier", button_style="primary", layout=w.Layout(width="auto"))
        self.mark_all_read = w.Button(description="Tout marquer comme lu", layout=w.Layout(width="auto"))
        # One's own messages: modified (the earlier version is kept) or deleted.
        self.own = w.Dropdown(description="Mes messages", style={"description_width": "initial"})
        self.edit = w.Button(description="Modifier", layout=w.Layout(width="auto"))
        self.remove = w.Button(description="Supprimer", layout=w.Layout(width="auto"))
        self.cancel = w.Button(description="Annuler la modification", layout=w.Layout(width="auto"))
        self.editing: int | None = None
        self._own: dict[int, dict] = {}
        self._confirm_removal: int | None = None
        self.own_row = w.HBox([self.own, self.edit, self.remove], layout=w.Layout(flex_flow="row wrap"))
        self.feedback = w.HTML()
        self.form = w.VBox(
            [
                self.own_row,
                self.thread,
                self.title,
                self.text,
                w.HBox([self.visibility, self.anchor], layout=w.Layout(flex_flow="row wrap")),
                w.HBox([self.post, self.cancel, self.mark_all_read], layout=w.Layout(flex_flow="row wrap")),
                self.feedback,
            ]
        )
        self.cancel.layout.display = "none"
        super().__init__([self.header, self.user_choice, self.items, self.form], **kwargs)
        self.add_class("territoire-discussion")
        self.post.on_click(lambda _b: self._post())
        self.mark_all_read.on_click(lambda _b: self._mark_all_read())
        self.edit.on_click(lambda _b: self._start_edit())
        self.remove.on_click(lambda _b: self._remove())
        self.cancel.on_click(lambda _b: self._stop_edit())
        self.thread.observe(self._choice_thread, "value")
        self.user_choice.observe(self._change_user, "value")
        state.observe(self._refresh, "code")
        self._show_outside_connection()

    # -- identity -------------------------------------------------------------------------

    def connect(self, login: str | None, *, imposed: bool = False) -> None:
        """Use the identity resolved for this kernel (or the demo switch); None: nothing shown.

        ``imposed``: the identity comes from the deployment (JupyterHub, proxy header,
        ``TERRITOIRE_USER``): the demo user switch disappears and cannot override it.
        """
        if imposed:
            self.imposed_identity = True
            self.user_choice.layout.display = "none"
            self.user_choice.disabled = True
        self.login = login
        try:
            self.space = self.provider.space(login) if login and self.provider is not None else None
        except Exception:  # a store not yet created: the panel says so, the dashboard goes on
            from widgets.state import log

            log.exception("base des discussions indisponible")
            self.space = None
            self.header.value = (
                '<div class="ti-aide">Espace d\'échange indisponible (base des discussions non '
                "initialisée : `territoire db upgrade`).</div>"
            )
            return
        self._version = None
        self._refresh()
        self._start_watch()

    @guard
    def _change_user(self, change) -> None:
        if self.imposed_identity:  # a forged widget message cannot change who is signed in
            return
        self.connect(change["new"] or None)

    def _show_outside_connection(self) -> None:
        self.header.value = (
            '<h2>Espace d\'échange</h2><div class="ti-aide">Connectez-vous pour voir et rejoindre '
            "les échanges sur votre territoire.</div>"
        )
        self.items.value = ""
        self.form.layout.display = "none"

    # -- display --------------------------------------------------------------------------

    @guard
    def _refresh(self, _change=None) -> None:
        self.refresh()

    def refresh(self) -> None:
        code = self.state.code
        threads = self.space.threads(code) if self.space is not None and code else []
        if self.space is None or not code or (not threads and not self.space.authenticated):
            # no role and no thread opened by an invitation: nothing to show
            self._show_outside_connection()
            self.state.anchors = {}
            return
        messages = {f["id"]: self.space.messages(f["id"]) for f in threads}
        unread = sum(f["unread"] for f in threads)
        self.header.value = (
            f'<h2>Espace d\'échange — {html.escape(self.state.name)}</h2><div class="ti-aide">'
            f"Connecté : <strong>{html.escape(self.login or '')}</strong> · {len(threads)} discussion(s)"
            f"{f' · <span class=ti-non-lus>{unread} non lu(s)</span>' if unread else ''}</div>"
        )
        self.items.value = threads_html(threads, messages)
        visibilities = self.space.visibilities(code)
        chosen = self.visibility.value
        self.visibility.options = [(VISIBILITY_LABELS[v], v) for v in visibilities]
        if visibilities:  # keep the user's choice if still allowed, else the most restricted one
            self.visibility.value = chosen if chosen in visibilities else visibilities[0]
        former = self.thread.value
        self.thread.options = [("(nouvelle discussion)", 0)] + [
            (f"#{f['id']} {f['title'][:60]}", f["id"]) for f in threads
        ]
        self.thread.value = former if former in {v for _, v in self.thread.options} else 0
        can_write = bool(visibilities) or bool(threads)
        self.form.layout.display = None if can_write else "none"
        mine = [m for f in threads for m in messages[f["id"]] if m.get("editable") or m.get("deletable")]
        self._own = {m["id"]: m for m in mine}
        chosen_own = self.own.value
        self.own.options = [
            (f"#{m['thread']} · {moment(m['created_at'])} · {(m['text'] or '')[:40]}", m["id"])
            for m in mine
            if m.get("editable")
        ]
        if self.own.options:
            values = [v for _, v in self.own.options]
            self.own.value = chosen_own if chosen_own in values else values[-1]
        self.own_row.layout.display = None if self.own.options else "none"
        self.state.anchors = self.space.anchors(code, threads)
        self._version = self.space.version(code)

    @guard
    def _choice_thread(self, change) -> None:
        new = not change["new"]
        for widget in (self.title, self.visibility, self.anchor):
            widget.layout.display = None if new else "none"

    # -- writing --------------------------------------------------------------------------

    @guard
    def _post(self) -> None:
        from territoire_data.errors import TerritoireError

        if self.space is None:
            return
        if self.editing is not None:
            try:
                self.space.edit(self.editing, self.text.value)
            except TerritoireError as e:
                self.feedback.value = f'<div class="ti-erreur" role="alert">{html.escape(str(e))}</div>'
                return
            self._stop_edit()
            self.feedback.value = '<div class="ti-ok">Message modifié.</div>'
            self.refresh()
            return
        try:
            if self.thread.value:
                self.space.reply(self.thread.value, self.text.value)
                self.space.mark_read(self.thread.value)
            else:
                title = self.title.value.strip() or self.text.value.strip().split("\n")[0][:80]
                self.space.create_thread(
                    self.state.code,
                    title,
                    self.text.value,
                    self.visibility.value or "",
                    anchor_type="indicator" if self.anchor.value else None,
                    anchor=self.anchor.value or None,
                )
        except TerritoireError as e:  # refused, too long, rate-limited: said in French, nothing lost
            self.feedback.value = f'<div class="ti-erreur" role="alert">{html.escape(str(e))}</div>'
            return
        self.text.value = ""
        self.title.value = ""
        self.feedback.value = '<div class="ti-ok">Message publié.</div>'
        self.refresh()

    @guard
    def _start_edit(self) -> None:
        message = self._own.get(self.own.value)
        if message is None:
            return
        self.editing = message["id"]
        self.text.value = message["text"]
        self.post.description = "Enregistrer la modification"
        self.cancel.layout.display = None
        for widget in (self.thread, self.title, self.visibility, self.anchor):
            widget.layout.display = "none"
        self.feedback.value = (
            '<div class="ti-aide">Modifiez le texte, puis enregistrez : la version précédente est conservée.</div>'
        )

    @guard
    def _stop_edit(self) -> None:
        self.editing = None
        self.text.value = ""
        self.post.description = "Publier"
        self.cancel.layout.display = "none"
        self.thread.layout.display = None
        self._choice_thread({"new": self.thread.value})
        self.feedback.value = ""

    @guard
    def _remove(self) -> None:
        from territoire_data.errors import TerritoireError

        if self.space is None or self.own.value is None:
            return
        if self._confirm_removal != self.own.value:  # a second click confirms
            self._confirm_removal = self.own.value
            self.remove.description, self.remove.button_style = "Confirmer la suppression", "danger"
            self.feedback.value = '<div class="ti-aide">Cliquez de nouveau pour supprimer ce message.</div>'
            return
        self._confirm_removal = None
        self.remove.description, self.remove.button_style = "Supprimer", ""
        try:
            self.space.delete(self.own.value)
        except TerritoireError as e:
            self.feedback.value = f'<div class="ti-erreur" role="alert">{html.escape(str(e))}</div>'
            return
        self.feedback.value = '<div class="ti-ok">Message supprimé.</div>'
        self.refresh()

    @guard
    def _mark_all_read(self) -> None:
        if self.space is None:
            return
        for thread in self.space.threads(self.state.code):
            self.space.mark_read(thread["id"])
        self.refresh()

    # -- polling --------------------------------------------------------------------------

    def check(self) -> bool:
        """Redraw if something visible changed since the last drawing; True if it did."""
        if self.space is None or not self.state.code:
            return False
        if self.space.version(self.state.code) != self._version:
            self.refresh()
            return True
        return False

    def _start_watch(self) -> None:
        if self._task is None:
            self._task = start_watch(self.check, PERIOD_S, "discussions")
