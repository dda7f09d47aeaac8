"""Demo accounts and threads around Bordeaux (``territoire db demo``, run by ``make demo``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import func, select

from territoire_data.access.users import add_user
from territoire_data.store.models import Organisation, Thread

COUNTED = [
    ("elu.bordeaux", "elu", "33063", "Ville de Bordeaux", None, "Claire Martin"),
    ("agent.bordeaux", "agent", "33063", "Ville de Bordeaux", None, "Karim Benali"),
    ("elu.metropole", "elu", "epci:243300316", "Bordeaux Métropole", None, "Jeanne Lefèvre"),
    ("entreprise.renov", "entreprise", "33063", "Rénov'Aquitaine", date(2030, 12, 31), "Paul Garnier"),
    ("consultant.bet", "consultant", "dep:33", "Bureau d'études Garonne", date(2030, 12, 31), "Sophie Roux"),
    ("elu.saint-martial", "elu", "33440", "Commune de Saint-Martial", None, "Henri Dubos"),  # the radar's demo commune
    ("admin", "admin", "france", "territoire", None, "Modération territoire"),
]

THREADS = [
    (
        "elu.bordeaux",
        "Vacance des logements : quelles priorités ?",
        "elus",
        "part_logements_vacants",
        "La **part des logements vacants** reste au-dessus de la médiane des communes comparables. "
        "Faut-il cibler le centre ancien en priorité ?",
        [("agent.bordeaux", "Le service habitat propose un repérage rue par rue, à partir des fichiers fonciers.")],
    ),
    (
        "entreprise.renov",
        "Rénovation énergétique des copropriétés",
        "partenaires",
        "conso_electricite_par_habitant",
        "Nous accompagnons trois copropriétés en 2026 : retour d'expérience sur "
        "[le guide de l'ADEME](https://librairie.ademe.fr).",
        [("elu.bordeaux", "Merci : pouvons-nous organiser une réunion avec les syndics ?")],
    ),
    (
        "elu.bordeaux",
        "Solution : densifier les dents creuses avant d'ouvrir des zones AU",
        "tous",
        None,
        "Retour d'expérience partagé : le radar foncier a repéré des parcelles mobilisables dans l'enveloppe urbaine.",
        [],
    ),
]


# Actor profiles of the demo companies (fictitious SIRENs whose check digit holds).
PROFILES: dict[str, dict[str, Any]] = {
    "entreprise.renov": {
        "name": "Rénov'Aquitaine",
        "siren": "842105710",
        "naf": "43.29A",
        "size_band": "12",
        "themes": ["logement", "energie"],
        "tags": ["rénovation des copropriétés", "isolation"],
        "territories": ["dep:33"],
        "description": "Rénovation énergétique des copropriétés et des bâtiments communaux : audit, "
        "isolation, pompes à chaleur.",
        "contact_name": "Paul Garnier",
        "contact_email": "contact@renov-aquitaine.example",
    },
    "consultant.bet": {
        "name": "Bureau d'études Garonne",
        "siren": "901138263",
        "naf": "71.12B",
        "size_band": "03",
        "themes": ["foncier", "mobilite"],
        "tags": ["PLUi", "plans de mobilité"],
        "territories": ["dep:33", "dep:24"],
        "description": "Études de densification, inventaires des dents creuses, plans de mobilité simplifiés.",
        "contact_name": "Sophie Roux",
        "contact_email": "contact@be-garonne.example",
    },
}


def seed(workspace) -> list[str]:
    """Create the demo accounts and threads in a workspace's store (idempotent)."""
    rows = []
    for login, role, territory, organisation, end, name in COUNTED:
        add_user(workspace, login, role, territory, organisation=organisation, until=end, name=name)
        rows.append(f"compte de démonstration : {login} ({role} sur {territory})")
    for login, profile in PROFILES.items():
        from territoire_data.partners.profiles import save_profile

        saved = save_profile(workspace.discussions(login), **profile)
        with workspace.store.session() as s:  # demo companies: their (fictitious) SIREN counts as checked
            organisation = s.get(Organisation, saved["id"])
            if organisation.siren_status != "verified":
                organisation.siren_status, organisation.siren_checked_by = "verified", "démonstration"
        rows.append(f"acteur de démonstration : {profile['name']}")
    with workspace.store.session() as s:
        already = s.scalar(
            select(func.count(Thread.id)).where(Thread.territory == "33063", Thread.title == THREADS[0][1])
        )
    if already:
        return rows + ["discussions de démonstration déjà présentes"]
    for author, title, visibility, indicator, text, replies in THREADS:
        space = workspace.discussions(author)
        thread = space.create_thread(
            "33063",
            title,
            text,
            visibility,
            anchor_type="indicator" if indicator else None,
            anchor=indicator,
            solution=visibility == "tous",
            theme="foncier" if visibility == "tous" else None,
        )
        for who, reply in replies:
            workspace.discussions(who).reply(thread, reply)
        rows.append(f"discussion de démonstration : {title}")
    return rows
