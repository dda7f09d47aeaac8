"""Actor profiles and the directory « Acteurs du territoire ».

A profile is kept by the organisation's own users (self-service: the account is created at
the first save) and by administrators; élus and agents, the territory's side, keep none. The
directory lists the actors serving a territory (a served territory that shares a commune with
it, or ``france``), filterable by theme and by solutions already shared; the contacts appear
to élus and agents of a territory the actor serves only, never to another company.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy import select

from territoire_data.access.authorisation import AccessDenied
from territoire_data.access.users import ensure_user
from territoire_data.core.catalogue import THEMES
from territoire_data.errors import TerritoireError
from territoire_data.notifications.outbox import check_email, notify
from territoire_data.partners.identifiers import (
    activity,
    check_size_band,
    normalise_naf,
    normalise_siren,
    size_label,
)
from territoire_data.store.models import (
    Organisation,
    OrganisationTerritory,
    OrganisationTheme,
    Thread,
    User,
    now,
)
from territoire_data.text.messages import clean, web_host
from territoire_data.text.names import normalised, skeleton

if TYPE_CHECKING:
    from territoire_data.discussions.space import DiscussionSpace

MAX_TAGS = 10
SIREN_WORDS = {
    "pending": "SIREN en attente de vérification",
    "verified": "SIREN vérifié",
    "rejected": "SIREN non reconnu pour cette organisation",
}
MAX_TERRITORIES = 30
MAX_DESCRIPTION = 3_000  # bytes
PHONE = re.compile(r"^\+?[0-9 .()-]{6,25}$")
SERVED_LEVELS = ("commune", "epci", "departement", "region", "france")


def _website(text: str | None) -> str | None:
    """An actor's site: the links rule of the messages (absolute http(s), a host, no user part),
    ``https://`` added to a bare « www.exemple.fr »; ``javascript:``, ``mailto:``… refused."""
    value = (text or "").strip()
    if not value:
        return None
    if "://" not in value and not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:(?!\d)", value):
        value = "https://" + value  # a bare host (a port after it is fine)
    host = web_host(value)
    if host is None or "." not in host.rsplit(":", 1)[0] or len(value) > 300:
        raise TerritoireError(f"Site « {text} » : une adresse web est attendue (par ex. https://www.exemple.fr).")
    return value


def _phone(text: str | None) -> str | None:
    value = (text or "").strip()
    if not value:
        return None
    if not PHONE.match(value):
        raise TerritoireError(f"Téléphone « {text} » invalide (par ex. 05 56 00 00 00).")
    return value


def _tags(values) -> list[str]:
    """Distinct tags (case-insensitive), in linear time; past ``MAX_TAGS`` refused at once."""
    tags: dict[str, str] = {}
    for value in values or []:
        for piece in str(value).split(","):
            tag = " ".join(piece.split())
            if not tag or tag.lower() in tags:
                continue
            if len(tags) == MAX_TAGS:
                raise TerritoireError(f"Plus de {MAX_TAGS} étiquettes : {MAX_TAGS} au plus.")
            tags[tag.lower()] = clean(tag, maximum=60, what="Une étiquette")
    return list(tags.values())


def _themes(values) -> list[str]:
    themes = list(dict.fromkeys(values or []))
    unknown = [t for t in themes if t not in THEMES]
    if unknown:
        raise TerritoireError(f"Thème(s) inconnu(s) : {', '.join(unknown)} (choix : {', '.join(THEMES)}).")
    if not themes:
        raise TerritoireError("Choisissez au moins un thème de vos solutions (" + ", ".join(THEMES) + ").")
    return themes


def _territories(space: DiscussionSpace, values) -> list[str]:
    codes: list[str] = []
    for value in values or []:
        for piece in str(value).split(","):
            if not piece.strip():
                continue
            territory = space.workspace.territory(piece.strip())
            if territory.level not in SERVED_LEVELS:
                raise TerritoireError(
                    f"« {piece.strip()} » : indiquez des communes, EPCI (epci:SIREN), départements (dep:33), "
                    "régions (reg:75) ou france."
                )
            if territory.code not in codes:
                codes.append(territory.code)
    if not codes:
        raise TerritoireError("Indiquez au moins un territoire où vous intervenez (commune, epci:…, dep:…).")
    if len(codes) > MAX_TERRITORIES:
        raise TerritoireError(f"{len(codes)} territoires : {MAX_TERRITORIES} au plus (utilisez dep:… ou reg:…).")
    return codes


def save_profile(
    space: DiscussionSpace,
    *,
    name: str,
    siren: str,
    naf: str,
    size_band: str,
    themes: list[str],
    territories: list[str],
    description: str,
    tags: list[str] | None = None,
    website: str | None = None,
    contact_name: str | None = None,
    contact_email: str | None = None,
    contact_phone: str | None = None,
) -> dict:
    """Create or update the profile of the signed-in user's organisation; an administrator
    corrects the existing profile of that SIREN instead (no account of theirs attached)."""
    if not space.login:
        raise AccessDenied("Connectez-vous pour présenter votre organisation.")
    rights = space.authorisation
    if rights.identified and not rights.admin and not rights.can_keep_profile():
        raise AccessDenied(
            "Les élus et agents d'un territoire ne tiennent pas de profil d'acteur : "
            "l'annuaire présente les entreprises et bureaux d'études."
        )
    number = normalise_siren(siren)
    organisation_name = normalised(
        clean(name, maximum=200, what="Le nom de l'organisation").replace("\n", " "), what="Le nom de l'organisation"
    )
    values = {
        "name": organisation_name,
        "siren": number,
        "naf": normalise_naf(naf),
        "size_band": check_size_band(size_band),
        "description": clean(description, maximum=MAX_DESCRIPTION, what="La présentation"),
        "tags": ", ".join(_tags(tags)) or None,
        "website": _website(website),
        "contact_name": clean(contact_name, maximum=200, what="Le nom du contact") if contact_name else None,
        "contact_email": check_email(contact_email),
        "contact_phone": _phone(contact_phone),
    }
    theme_list, codes = _themes(themes), _territories(space, territories)
    verdict = _register(space, number, organisation_name) if not rights.admin else None
    with space.store.session() as s:
        organisation = _listed(s, number) if rights.admin else _own_organisation(s, space.login, number)
        # Two names that read the same are the same name (case, accents, punctuation aside).
        wanted = skeleton(organisation_name)
        same_name = next(
            (o for o in s.scalars(select(Organisation).where(Organisation.name != "")) if skeleton(o.name) == wanted),
            None,
        )
        if same_name is not None and same_name is not organisation:
            raise TerritoireError(
                f"Une autre organisation s'appelle déjà « {same_name.name} » : précisez le nom (« {organisation_name} »)."
            )
        if organisation.id is None:
            s.add(organisation)
        for key, value in values.items():
            setattr(organisation, key, value)
        organisation.listed_at = organisation.listed_at or now()
        organisation.updated_at = now()
        organisation.themes = [OrganisationTheme(theme=t) for t in theme_list]
        organisation.territories = [OrganisationTerritory(territory=c) for c in codes]
        organisation.siren_status = organisation.siren_status or "pending"
        s.flush()
        if verdict is not None and verdict.status == "verified" and organisation.siren_status == "pending":
            competing = s.scalar(
                select(Organisation.id).where(
                    Organisation.siren == number,
                    Organisation.id != organisation.id,
                    Organisation.siren_status != "rejected",
                )
            )
            if competing is None:  # two claims for one SIREN: administrators decide
                organisation.siren_status = "verified"
                organisation.siren_checked_at, organisation.siren_checked_by = now(), "répertoire Sirene"
        organisation_id = organisation.id
    return actor(space, organisation_id)


def _register(space: DiscussionSpace, siren: str, name: str):
    """The Sirene register's verdict on a claim (None: no register configured). A SIREN the
    register does not know, or knows closed, is refused here, in French, nothing saved."""
    from territoire_data.partners import sirene

    settings = space.workspace.settings
    if not settings.sirene_url:
        return None
    verdict = sirene.check(settings.sirene_url, settings.sirene_token, siren, name)
    if verdict.status == "rejected":
        raise TerritoireError(f"Profil refusé : {verdict.note}.")
    return verdict


def verify(space: DiscussionSpace, organisation_id: int, accept: bool = True) -> dict:
    """An administrator confirms (or refuses) an organisation's claim to its SIREN. Confirming
    one refuses the other claims to the same SIREN; the members of each are told."""
    rights = space.authorisation
    if not rights.admin:
        raise AccessDenied("Seuls les administrateurs vérifient le SIREN d'une organisation.")
    with space.store.session() as s:
        organisation = s.get(Organisation, organisation_id)
        if organisation is None or not organisation.siren:
            raise AccessDenied("Acteur introuvable.")
        changed = [organisation]
        if accept:
            holder = s.scalar(
                select(Organisation).where(
                    Organisation.siren == organisation.siren,
                    Organisation.siren_status == "verified",
                    Organisation.id != organisation.id,
                )
            )
            if holder is not None:
                raise TerritoireError(
                    f"Le SIREN {organisation.siren} est déjà vérifié pour « {holder.name} » (n° {holder.id}) : "
                    "refusez d'abord cette revendication."
                )
            for other in s.scalars(
                select(Organisation).where(
                    Organisation.siren == organisation.siren,
                    Organisation.id != organisation.id,
                    Organisation.siren_status == "pending",
                )
            ):
                other.siren_status = "rejected"
                other.siren_checked_at, other.siren_checked_by = now(), f"administrateur {space.login}"[:60]
                changed.append(other)
        organisation.siren_status = "verified" if accept else "rejected"
        organisation.siren_checked_at, organisation.siren_checked_by = now(), f"administrateur {space.login}"[:60]
        for item in changed:
            members = s.scalars(select(User).where(User.organisation_id == item.id)).all()
            word = "confirmé" if item.siren_status == "verified" else "non reconnu"
            notify(
                s,
                members,
                "siren_checked",
                f"Le SIREN {item.siren} de « {item.name} » est {word} par les administrateurs de la plateforme.",
                actor_id=rights.user_id,
            )
        s.flush()
        return _describe(space, s, organisation, rights)


def _listed(s, siren: str) -> Organisation:
    """The actor of the directory with this SIREN (an administrator's correction): the one
    that holds it verified, else the only one claiming it."""
    claims = list(
        s.scalars(
            select(Organisation).where(
                Organisation.siren == siren,
                Organisation.listed_at.is_not(None),
                Organisation.siren_status != "rejected",
            )
        )
    )
    verified = [o for o in claims if o.siren_status == "verified"]
    if verified:
        return verified[0]
    if len(claims) == 1:
        return claims[0]
    if not claims:
        raise TerritoireError(
            f"Aucun acteur de l'annuaire n'a le SIREN {siren} : un administrateur corrige les profils "
            "existants, chaque organisation crée le sien."
        )
    raise TerritoireError(
        f"{len(claims)} organisations revendiquent le SIREN {siren} ("
        + ", ".join(f"n° {o.id} « {o.name} »" for o in claims)
        + ") : vérifiez d'abord la bonne (territoire acteurs verifier NUMÉRO)."
    )


def _own_organisation(s, login: str, siren: str) -> Organisation:
    """The signed-in user's organisation (created, and the account with it, the first time)."""
    user = ensure_user(s, login)
    organisation = user.organisation
    if organisation is not None and organisation.siren and organisation.siren != siren:
        raise TerritoireError(
            "Le SIREN d'un profil ne change pas : demandez à un administrateur de rattacher votre compte "
            "à l'autre organisation."
        )
    # A claim never locks the real company out: only a verified SIREN is taken.
    verified = s.scalar(
        select(Organisation).where(Organisation.siren == siren, Organisation.siren_status == "verified")
    )
    if verified is not None and verified is not organisation:
        raise AccessDenied(
            "Cette entreprise a déjà un profil vérifié dans l'annuaire : demandez à l'un de ses membres ou à un "
            "administrateur de vous y rattacher."
        )
    if organisation is None:
        organisation = Organisation(name="")
        user.organisation = organisation
    return organisation


def _solutions(s, organisation_id: int) -> list[dict]:
    threads = s.scalars(
        select(Thread)
        .join(User, User.id == Thread.author_id)
        .where(User.organisation_id == organisation_id, Thread.visibility == "tous", Thread.solution.is_(True))
        .order_by(Thread.active_at.desc())
    )
    return [{"id": t.id, "title": t.title, "territory": t.territory, "theme": t.theme} for t in threads]


def _describe(space: DiscussionSpace, s, organisation: Organisation, rights) -> dict:
    served = [t.territory for t in organisation.territories]
    names = {}
    for code in served:
        try:
            names[code] = space.workspace.territory(code).name
        except TerritoireError:
            names[code] = code
    contacts = None
    if rights.organisation_id == organisation.id or rights.sees_contacts(served):
        contacts = {
            "name": organisation.contact_name,
            "email": organisation.contact_email,
            "phone": organisation.contact_phone,
        }
    return {
        "id": organisation.id,
        "name": organisation.name,
        "siren": organisation.siren,
        "siren_status": organisation.siren_status,
        "siren_label": SIREN_WORDS.get(organisation.siren_status, organisation.siren_status),
        "naf": organisation.naf,
        "activity": activity(organisation.naf),
        "size_band": organisation.size_band,
        "size_label": size_label(organisation.size_band),
        "themes": sorted(t.theme for t in organisation.themes),
        "tags": [t.strip() for t in (organisation.tags or "").split(",") if t.strip()],
        "territories": [{"code": c, "name": names[c]} for c in served],
        "description": organisation.description,
        "website": organisation.website,
        "contacts": contacts,
        "solutions": _solutions(s, organisation.id),
        "mine": rights.organisation_id == organisation.id,
    }


def actor(space: DiscussionSpace, organisation_id: int) -> dict:
    """One actor of the directory, as this user may see it."""
    rights = space.authorisation
    with space.store.session() as s:
        organisation = s.get(Organisation, organisation_id)
        if organisation is None or organisation.listed_at is None or not space.login:
            raise AccessDenied("Acteur introuvable.")
        return _describe(space, s, organisation, rights)


def my_profile(space: DiscussionSpace) -> dict | None:
    """The profile of the user's organisation (None: none yet)."""
    rights = space.authorisation
    if rights.organisation_id is None:
        return None
    with space.store.session() as s:
        organisation = s.get(Organisation, rights.organisation_id)
        if organisation is None or organisation.listed_at is None:
            return None
        return _describe(space, s, organisation, rights)


def serves(space: DiscussionSpace, served: list[str], code: str) -> bool:
    """Does an actor serving ``served`` serve the territory ``code`` (a shared commune)?"""
    units = space.workspace.access_units(code)
    for territory in served:
        if territory == "france":
            return True
        try:
            if space.workspace.access_units(territory) & units:
                return True
        except TerritoireError:
            continue
    return False


def directory(
    space: DiscussionSpace, territory: str, theme: str | None = None, shared: bool = False, *, public: bool = False
) -> list[dict]:
    """The actors serving a territory (any signed-in user), by name; ``theme``: one of the nine
    themes or a free tag; ``shared``: only those who already shared a solution. ``public``:
    the view without sign-in (the CLI without ``--as``): descriptions, never contacts."""
    if not space.login and not public:
        return []
    code = space.workspace.territory(territory).code
    wanted = (theme or "").strip().lower() or None
    rights = space.authorisation
    listed = []
    with space.store.session() as s:
        for organisation in s.scalars(
            select(Organisation)
            .where(Organisation.listed_at.is_not(None), Organisation.siren_status != "rejected")
            .order_by(Organisation.name)
        ):
            if not serves(space, [t.territory for t in organisation.territories], code):
                continue
            described = _describe(space, s, organisation, rights)
            if wanted and wanted not in described["themes"] and wanted not in {t.lower() for t in described["tags"]}:
                continue
            if shared and not described["solutions"]:
                continue
            listed.append(described)
    return listed


def delete_profile(space: DiscussionSpace) -> bool:
    """Take the user's organisation out of the directory: profile, themes, territories and
    contacts erased (its members' accounts and messages stay). True if there was one."""
    rights = space.authorisation
    if rights.organisation_id is None or not rights.can_keep_profile():
        return False
    with space.store.session() as s:
        organisation = s.get(Organisation, rights.organisation_id)
        if organisation is None or organisation.listed_at is None:
            return False
        # The SIREN stays with the organisation (unlisted): a profile saved again is that company's,
        # never another one's (a SIREN cannot be changed by removing and re-saving a profile).
        for key in (
            "naf",
            "size_band",
            "description",
            "tags",
            "website",
            "contact_name",
            "contact_email",
            "contact_phone",
            "listed_at",
        ):
            setattr(organisation, key, None)
        organisation.updated_at = now()
        organisation.themes, organisation.territories = [], []
        return True
