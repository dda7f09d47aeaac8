"""Demo accounts and threads around Bordeaux (``territoire db demo``, run by ``make demo``)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from territoire_data.discussions import base
from territoire_data.discussions.espace import Espace, ajouter_utilisateur
from territoire_data.discussions.modeles import Fil

COMPTES = [
    ("elu.bordeaux", "elu", "33063", "Ville de Bordeaux", None),
    ("agent.bordeaux", "agent", "33063", "Ville de Bordeaux", None),
    ("elu.metropole", "elu", "epci:243300316", "Bordeaux Métropole", None),
    ("entreprise.renov", "entreprise", "33063", "Rénov'Aquitaine", date(2030, 12, 31)),
    ("consultant.bet", "consultant", "dep:33", "Bureau d'études Garonne", date(2030, 12, 31)),
    ("admin", "admin", "france", "territoire", None),
]

FILS = [
    ("elu.bordeaux", "Vacance des logements : quelles priorités ?", "elus", "part_logements_vacants",
     "La **part des logements vacants** reste au-dessus de la médiane des communes comparables. "
     "Faut-il cibler le centre ancien en priorité ?",
     [("agent.bordeaux", "Le service habitat propose un repérage rue par rue, à partir des fichiers fonciers.")]),
    ("entreprise.renov", "Rénovation énergétique des copropriétés", "partenaires", "conso_electricite_par_habitant",
     "Nous accompagnons trois copropriétés en 2026 : retour d'expérience sur "
     "[le guide de l'ADEME](https://librairie.ademe.fr).",
     [("elu.bordeaux", "Merci : pouvons-nous organiser une réunion avec les syndics ?")]),
    ("elu.bordeaux", "Solution : densifier les dents creuses avant d'ouvrir des zones AU", "tous", None,
     "Retour d'expérience partagé : le radar foncier a repéré des parcelles mobilisables dans l'enveloppe urbaine.",
     []),
]


def semer(home=None) -> list[str]:
    lignes = []
    for login, role, territoire, organisation, fin in COMPTES:
        ajouter_utilisateur(login, role, territoire, organisation=organisation, jusqu_au=fin, home=home)
        lignes.append(f"compte de démonstration : {login} ({role} sur {territoire})")
    with base.session(home) as s:
        deja = s.scalar(select(func.count(Fil.id)).where(Fil.territoire == "33063", Fil.titre == FILS[0][1]))
    if deja:
        return lignes + ["discussions de démonstration déjà présentes"]
    for auteur, titre, visibilite, indicateur, texte, reponses in FILS:
        espace = Espace(auteur, home)
        fil = espace.creer_fil("33063", titre, texte, visibilite, ancre_type="indicateur" if indicateur else None,
                               ancre=indicateur, solution=visibilite == "tous", theme="foncier" if visibilite == "tous" else None)
        for qui, reponse in reponses:
            Espace(qui, home).repondre(fil, reponse)
        lignes.append(f"discussion de démonstration : {titre}")
    return lignes
