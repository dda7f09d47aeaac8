"""The catalogue of indicators: stable ids, themes, French labels, units, formulas.

Each indicator is a formula over source variables (``variables.decouper`` names). For a
group of communes (EPCI, département, région, France) the formula is applied to the sums
of its members' counts — never to a mean of their rates. Variables that are not counts
(medians, rates published as such, classes) are not summed: groups get them only where
the source publishes them for the group.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

THEMES = {
    "demographie": "Démographie",
    "emploi": "Emploi et économie",
    "logement": "Logement",
    "revenus": "Revenus et pauvreté",
    "construction": "Construction",
    "foncier": "Foncier et ZAN",
    "mobilite": "Mobilités",
    "energie": "Transition énergétique",
    "cadre_de_vie": "Cadre de vie et services",
}
HAUSSE, BAISSE, NEUTRE = "hausse_favorable", "baisse_favorable", "neutre"

# Variables that are not counts: never summed over communes.
NON_ADDITIVES = frozenset({
    "MED", "TP60", "PIMP", "D1", "D9", "RD", "MED_SL", "PR_MD60", "IR_D9_D1_SL", "PR_PIMPOT",
    "PACT", "PTSA", "PCHO", "PBEN", "PPEN", "PPAT", "PPSOC", "PPFAM", "PPMINI", "PPLOGT", "PIMPOT",
    "DVF_PRIX_M2_MAISON", "DVF_PRIX_M2_APPART", "DVF_PRIX_M2_MOYEN", "DENS", "DENS7",
})
PREFIXES_NON_ADDITIFS = ("TP60",)


def est_additive(variable: str) -> bool:
    return variable not in NON_ADDITIVES and not variable.startswith(PREFIXES_NON_ADDITIFS)


@dataclass(frozen=True)
class Indicateur:
    id: str
    theme: str
    libelle: str
    unite: str
    definition: str  # the formula in source variables, as shown to users
    sources: tuple[str, ...]
    polarite: str
    variables: tuple[str, ...]  # the first one gives the provenance shown
    formule: Callable = field(repr=False, compare=False)
    decimales: int = 1


def _ratio(num, den, facteur=100.0):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, facteur * num / den, np.nan)


def _somme(v, *noms):
    return sum(v(n) for n in noms)


def _taux_annuel(v, variable):
    """Annual growth rate (%) between the previous census and this one."""
    debut = v.annee_precedente(variable)
    ancien = v.a(variable, debut)
    n = v.annee - debut
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((ancien > 0) & (n > 0), 100 * ((v(variable) / ancien) ** (1 / n) - 1), np.nan)


def _solde_naturel(v):
    """Contribution of births minus deaths to the annual change (%/an), on mean population."""
    debut = v.debut("NAIS")
    n = v.annee - debut
    moyenne = (v("P_POP") + v.a("P_POP", debut)) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((moyenne > 0) & (n > 0), 100 * (v("NAIS") - v("DECE")) / n / moyenne, np.nan)


def _conso(v, debut, fin):
    """NAF consumption (ha) over the yearly flows debut…fin (each flow = one calendar year)."""
    return v.cumul("NAF_ART", debut, fin) / 10_000


def _enveloppe_zan(v):
    return 0.5 * _conso(v, 2011, 2020)


I = Indicateur
RP = ("insee_comparateur", "insee_dossier_complet")
RP_POP = (*RP, "insee_rp_population")
RP_LOG = (*RP, "insee_rp_logement")
RP_EMP = (*RP, "insee_rp_emploi")
FILO = ("insee_filosofi", "insee_comparateur")
SITADEL = ("sdes_sitadel",)
NAF = ("cerema_naf",)

INDICATEURS: list[Indicateur] = [
    # --- Démographie
    I("population", "demographie", "Population municipale", "hab.", "P_POP", RP, NEUTRE, ("P_POP",),
      lambda v: v("P_POP"), 0),
    I("densite_population", "demographie", "Densité de population", "hab./km²", "P_POP / SUPERF", RP, NEUTRE,
      ("P_POP", "SUPERF"), lambda v: _ratio(v("P_POP"), v.recent("SUPERF"), 1.0), 1),
    I("variation_annuelle_population", "demographie", "Variation annuelle de la population", "%/an",
      "((P_POP / P_POP précédent)^(1/n) − 1) × 100, n années entre deux recensements", RP, HAUSSE,
      ("P_POP",), lambda v: _taux_annuel(v, "P_POP"), 2),
    I("contribution_solde_naturel", "demographie", "Variation annuelle due au solde naturel", "%/an",
      "(NAIS − DECE) / n / population moyenne × 100", RP, NEUTRE, ("NAIS", "DECE", "P_POP"), _solde_naturel, 2),
    I("contribution_solde_migratoire", "demographie", "Variation annuelle due au solde migratoire", "%/an",
      "variation annuelle totale − variation due au solde naturel", RP, NEUTRE, ("P_POP", "NAIS", "DECE"),
      lambda v: _taux_annuel(v, "P_POP") - _solde_naturel(v), 2),
    I("indice_vieillissement", "demographie", "Indice de vieillissement", "65 ans ou + pour 100 moins de 15 ans",
      "P_POP65P / P_POP0014 × 100", RP_POP, NEUTRE, ("P_POP65P", "P_POP0014"),
      lambda v: _ratio(v("P_POP65P"), v("P_POP0014")), 1),
    I("taille_menages", "demographie", "Taille moyenne des ménages", "pers./ménage", "P_PMEN / P_MEN",
      RP_POP, NEUTRE, ("P_PMEN", "P_MEN"), lambda v: _ratio(v("P_PMEN"), v("P_MEN"), 1.0), 2),
    I("part_plus_75_ans", "demographie", "Part des 75 ans ou plus", "%", "P_POP75P / P_POP × 100", RP_POP,
      NEUTRE, ("P_POP75P", "P_POP"), lambda v: _ratio(v("P_POP75P"), v("P_POP")), 1),
    # --- Emploi
    I("emplois", "emploi", "Emplois au lieu de travail", "emplois", "P_EMPLT", RP, HAUSSE, ("P_EMPLT",),
      lambda v: v("P_EMPLT"), 0),
    I("variation_annuelle_emplois", "emploi", "Variation annuelle de l'emploi", "%/an",
      "((P_EMPLT / P_EMPLT précédent)^(1/n) − 1) × 100", RP, HAUSSE, ("P_EMPLT",),
      lambda v: _taux_annuel(v, "P_EMPLT"), 2),
    I("taux_chomage_15_64", "emploi", "Taux de chômage des 15-64 ans (recensement)", "%",
      "P_CHOM1564 / P_ACT1564 × 100", RP, BAISSE, ("P_CHOM1564", "P_ACT1564"),
      lambda v: _ratio(v("P_CHOM1564"), v("P_ACT1564")), 2),
    I("taux_activite_15_64", "emploi", "Taux d'activité des 15-64 ans", "%", "P_ACT1564 / P_POP1564 × 100",
      RP, HAUSSE, ("P_ACT1564", "P_POP1564"), lambda v: _ratio(v("P_ACT1564"), v("P_POP1564")), 1),
    # INSEE's definition: jobs in the area per 100 employed residents aged 15 or more.
    I("concentration_emploi", "emploi", "Indicateur de concentration d'emploi",
      "emplois pour 100 actifs occupés de 15 ans ou plus", "P_EMPLT / P_ACTOCC15P × 100", RP_EMP, NEUTRE,
      ("P_EMPLT", "P_ACTOCC15P"), lambda v: _ratio(v("P_EMPLT"), v("P_ACTOCC15P")), 1),
    I("etablissements", "emploi", "Établissements actifs", "établissements", "ETTOT", RP, HAUSSE, ("ETTOT",),
      lambda v: v("ETTOT"), 0),
    I("part_emplois_salaries", "emploi", "Part des emplois salariés", "%", "P_EMPLT_SAL / P_EMPLT × 100", RP,
      NEUTRE, ("P_EMPLT_SAL", "P_EMPLT"), lambda v: _ratio(v("P_EMPLT_SAL"), v("P_EMPLT")), 1),
    # --- Logement
    I("logements", "logement", "Logements", "logements", "P_LOG", RP_LOG, NEUTRE, ("P_LOG",),
      lambda v: v("P_LOG"), 0),
    I("part_residences_principales", "logement", "Part des résidences principales", "%", "P_RP / P_LOG × 100",
      RP_LOG, NEUTRE, ("P_RP", "P_LOG"), lambda v: _ratio(v("P_RP"), v("P_LOG")), 1),
    I("part_residences_secondaires", "logement", "Part des résidences secondaires et logements occasionnels",
      "%", "P_RSECOCC / P_LOG × 100", RP_LOG, NEUTRE, ("P_RSECOCC", "P_LOG"),
      lambda v: _ratio(v("P_RSECOCC"), v("P_LOG")), 1),
    I("part_logements_vacants", "logement", "Part des logements vacants", "%", "P_LOGVAC / P_LOG × 100",
      RP_LOG, BAISSE, ("P_LOGVAC", "P_LOG"), lambda v: _ratio(v("P_LOGVAC"), v("P_LOG")), 2),
    I("part_proprietaires", "logement", "Part des ménages propriétaires", "%", "P_RP_PROP / P_RP × 100",
      RP_LOG, NEUTRE, ("P_RP_PROP", "P_RP"), lambda v: _ratio(v("P_RP_PROP"), v("P_RP")), 1),
    I("part_maisons", "logement", "Part des maisons", "%", "P_MAISON / P_LOG × 100", ("insee_rp_logement",),
      NEUTRE, ("P_MAISON", "P_LOG"), lambda v: _ratio(v("P_MAISON"), v("P_LOG")), 1),
    I("variation_annuelle_logements", "logement", "Variation annuelle du parc de logements", "%/an",
      "((P_LOG / P_LOG précédent)^(1/n) − 1) × 100", RP_LOG, NEUTRE, ("P_LOG",),
      lambda v: _taux_annuel(v, "P_LOG"), 2),
    # --- Revenus
    I("revenu_median", "revenus", "Revenu disponible médian par unité de consommation", "€ par an et par UC",
      "MED (Filosofi) : médiane du niveau de vie annuel (revenu disponible du ménage / unités de consommation)",
      FILO, HAUSSE, ("MED", "MED_SL"), lambda v: v.premier("MED", "MED_SL"), 0),
    I("taux_pauvrete", "revenus", "Taux de pauvreté (seuil à 60 % du revenu médian)", "%", "TP60 (Filosofi)",
      FILO, BAISSE, ("TP60", "PR_MD60"), lambda v: v.premier("TP60", "PR_MD60"), 1),
    I("part_menages_imposes", "revenus", "Part des ménages fiscaux imposés", "%", "PIMP (Filosofi)", FILO,
      NEUTRE, ("PIMP",), lambda v: v("PIMP"), 1),
    I("rapport_interdecile", "revenus", "Rapport interdécile D9/D1 du revenu disponible", "ratio",
      "D9 / D1 (Filosofi)", ("insee_filosofi",), BAISSE, ("D9", "D1", "IR_D9_D1_SL"),
      lambda v: v.premier_calcul(lambda: _ratio(v("D9"), v("D1"), 1.0), "IR_D9_D1_SL"), 2),
    I("menages_fiscaux", "revenus", "Ménages fiscaux", "ménages", "NBMENFISC", FILO, NEUTRE, ("NBMENFISC",),
      lambda v: v("NBMENFISC"), 0),
    # --- Construction
    I("logements_autorises", "construction", "Logements autorisés", "logements", "LOG_AUT (somme de l'année)",
      SITADEL, NEUTRE, ("LOG_AUT",), lambda v: v("LOG_AUT"), 0),
    I("logements_commences", "construction", "Logements commencés", "logements", "LOG_COM (somme de l'année)",
      SITADEL, NEUTRE, ("LOG_COM",), lambda v: v("LOG_COM"), 0),
    I("logements_autorises_1000_hab", "construction", "Logements autorisés pour 1 000 habitants",
      "‰ hab.", "LOG_AUT / P_POP (dernier recensement) × 1 000", SITADEL, NEUTRE, ("LOG_AUT",),
      lambda v: _ratio(v("LOG_AUT"), v.recent("P_POP"), 1000.0), 2),
    I("logements_commences_1000_hab", "construction", "Logements commencés pour 1 000 habitants",
      "‰ hab.", "LOG_COM / P_POP (dernier recensement) × 1 000", SITADEL, NEUTRE, ("LOG_COM",),
      lambda v: _ratio(v("LOG_COM"), v.recent("P_POP"), 1000.0), 2),
    I("surface_plancher_autorisee", "construction", "Surface de plancher autorisée (logements)", "m²",
      "SDP_AUT", SITADEL, NEUTRE, ("SDP_AUT",), lambda v: v("SDP_AUT"), 0),
    # --- Foncier et ZAN (years: the last yearly flow included)
    I("conso_naf_2011_2020", "foncier", "Consommation d'espaces NAF 2011-2020 (référence ZAN)", "ha",
      "Σ NAF_ART 2011…2020 / 10 000", NAF, BAISSE, ("NAF_ART",), lambda v: v.fige(_conso(v, 2011, 2020), 2020), 2),
    I("conso_naf_depuis_2021", "foncier", "Consommation d'espaces NAF depuis 2021", "ha",
      "Σ NAF_ART depuis 2021 / 10 000", NAF, BAISSE, ("NAF_ART",), lambda v: v.depuis(_conso(v, 2021, v.annee), 2021), 2),
    I("enveloppe_zan", "foncier", "Enveloppe ZAN 2021-2030 (50 % de la référence)", "ha",
      "0,5 × Σ NAF_ART 2011…2020 / 10 000", NAF, NEUTRE, ("NAF_ART",),
      lambda v: v.fige(_enveloppe_zan(v), 2020), 2),
    I("part_enveloppe_zan_consommee", "foncier", "Part de l'enveloppe ZAN déjà consommée", "%",
      "consommation depuis 2021 / enveloppe ZAN × 100", NAF, BAISSE, ("NAF_ART",),
      lambda v: v.depuis(_ratio(_conso(v, 2021, v.annee), _enveloppe_zan(v)), 2021), 1),
    I("m2_par_nouvel_habitant", "foncier", "Consommation d'espaces par habitant supplémentaire", "m²/hab.",
      "Σ NAF_ART sur la période / (P_POP − P_POP précédent)", NAF + RP, BAISSE, ("NAF_ART", "P_POP"),
      lambda v: v.par_variation("P_POP"), 0),
    I("m2_par_nouveau_menage", "foncier", "Consommation d'espaces par ménage supplémentaire", "m²/ménage",
      "Σ NAF_ART sur la période / (P_MEN − P_MEN précédent)", NAF + RP, BAISSE, ("NAF_ART", "P_MEN"),
      lambda v: v.par_variation("P_MEN"), 0),
    I("part_conso_naf_habitat", "foncier", "Part de l'habitat dans la consommation d'espaces", "%",
      "NAF_HAB / NAF_ART × 100", NAF, NEUTRE, ("NAF_HAB", "NAF_ART"),
      lambda v: _ratio(v("NAF_HAB"), v("NAF_ART")), 1),
    # --- Mobilités (commute modes of employed people aged 15+)
    *[
        I(f"part_{code}", "mobilite", libelle, "%", f"C_ACTOCC15P_{mode} / C_ACTOCC15P × 100", RP_EMP, polarite,
          (f"C_ACTOCC15P_{mode}", "C_ACTOCC15P"),
          (lambda m: lambda v: _ratio(v(f"C_ACTOCC15P_{m}"), v("C_ACTOCC15P")))(mode), 1)
        for code, mode, libelle, polarite in [
            ("voiture_domicile_travail", "VOIT", "Part de la voiture dans les trajets domicile-travail", BAISSE),
            ("transports_commun_domicile_travail", "TCOM", "Part des transports en commun (domicile-travail)", HAUSSE),
            ("velo_domicile_travail", "VELO", "Part du vélo (domicile-travail)", HAUSSE),
            ("marche_domicile_travail", "MAR", "Part de la marche (domicile-travail)", HAUSSE),
            ("deux_roues_motorises_domicile_travail", "2ROUESMOT", "Part des deux-roues motorisés (domicile-travail)", NEUTRE),
        ]
    ],
    I("part_travail_hors_commune", "mobilite", "Part des actifs occupés travaillant hors de leur commune", "%",
      "(1 − P_ACTOCC15P_ILT1 / P_ACTOCC15P) × 100", RP_EMP, BAISSE, ("P_ACTOCC15P_ILT1", "P_ACTOCC15P"),
      lambda v: 100 - _ratio(v("P_ACTOCC15P_ILT1"), v("P_ACTOCC15P")), 1),
    I("part_menages_motorises", "mobilite", "Part des ménages disposant d'au moins une voiture", "%",
      "P_RP_VOIT1P / P_RP × 100", ("insee_rp_logement",), NEUTRE, ("P_RP_VOIT1P", "P_RP"),
      lambda v: _ratio(v("P_RP_VOIT1P"), v("P_RP")), 1),
    I("flux_sortants_domicile_travail", "mobilite", "Actifs occupés travaillant dans une autre commune",
      "actifs", "Σ NBFLUX vers une autre commune", ("insee_flux_mobilite",), NEUTRE, ("FLUX_SORTANTS",),
      lambda v: v("FLUX_SORTANTS"), 0),
    # --- Énergie
    I("conso_electricite_par_habitant", "energie", "Consommation d'électricité par habitant", "MWh/hab.",
      "CONSO_ELEC / P_POP", ("agence_ore",), BAISSE, ("CONSO_ELEC",),
      lambda v: _ratio(v("CONSO_ELEC"), v.recent("P_POP"), 1.0), 2),
    I("conso_gaz_par_habitant", "energie", "Consommation de gaz par habitant", "MWh/hab.", "CONSO_GAZ / P_POP",
      ("agence_ore",), BAISSE, ("CONSO_GAZ",), lambda v: _ratio(v("CONSO_GAZ"), v.recent("P_POP"), 1.0), 2),
    I("conso_electricite_residentiel_par_habitant", "energie", "Électricité résidentielle par habitant",
      "MWh/hab.", "CONSO_ELEC_RES / P_POP", ("agence_ore",), BAISSE, ("CONSO_ELEC_RES",),
      lambda v: _ratio(v("CONSO_ELEC_RES"), v.recent("P_POP"), 1.0), 2),
    I("part_electricite_tertiaire", "energie", "Part du tertiaire dans la consommation d'électricité", "%",
      "CONSO_ELEC_TER / CONSO_ELEC × 100", ("agence_ore",), NEUTRE, ("CONSO_ELEC_TER", "CONSO_ELEC"),
      lambda v: _ratio(v("CONSO_ELEC_TER"), v("CONSO_ELEC")), 1),
    I("part_electricite_industrie", "energie", "Part de l'industrie dans la consommation d'électricité", "%",
      "CONSO_ELEC_IND / CONSO_ELEC × 100", ("agence_ore",), NEUTRE, ("CONSO_ELEC_IND", "CONSO_ELEC"),
      lambda v: _ratio(v("CONSO_ELEC_IND"), v("CONSO_ELEC")), 1),
    I("puissance_renouvelable", "energie", "Puissance électrique renouvelable installée", "MW",
      "Σ PUISSANCE_ENR / 1 000", ("odre_registre",), HAUSSE, ("PUISSANCE_ENR",),
      lambda v: v("PUISSANCE_ENR") / 1000, 2),
    I("puissance_renouvelable_par_habitant", "energie", "Puissance renouvelable installée par habitant",
      "W/hab.", "Σ PUISSANCE_ENR × 1 000 / P_POP", ("odre_registre",), HAUSSE, ("PUISSANCE_ENR",),
      lambda v: _ratio(v("PUISSANCE_ENR"), v.recent("P_POP"), 1000.0), 0),
    I("puissance_photovoltaique", "energie", "Puissance photovoltaïque installée", "MW", "Σ PUISSANCE_PV / 1 000",
      ("odre_registre",), HAUSSE, ("PUISSANCE_PV",), lambda v: v("PUISSANCE_PV") / 1000, 2),
    # --- Cadre de vie
    I("medecins_generalistes_1000_hab", "cadre_de_vie", "Médecins généralistes pour 1 000 habitants", "‰ hab.",
      "BPE médecins généralistes (D201 jusqu'en 2021, D265 ensuite) / P_POP × 1 000", ("insee_bpe",), HAUSSE,
      ("BPE_MEDECINS",), lambda v: _ratio(v("BPE_MEDECINS"), v.recent("P_POP"), 1000.0), 2),
    I("ecoles_1000_hab", "cadre_de_vie", "Écoles maternelles et élémentaires pour 1 000 habitants", "‰ hab.",
      "BPE C1xx / P_POP × 1 000", ("insee_bpe",), HAUSSE, ("BPE_ECOLES",),
      lambda v: _ratio(v("BPE_ECOLES"), v.recent("P_POP"), 1000.0), 2),
    I("commerces_alimentaires_1000_hab", "cadre_de_vie", "Commerces alimentaires pour 1 000 habitants",
      "‰ hab.", "BPE B1xx + B2xx / P_POP × 1 000", ("insee_bpe",), HAUSSE, ("BPE_ALIMENTAIRE",),
      lambda v: _ratio(v("BPE_ALIMENTAIRE"), v.recent("P_POP"), 1000.0), 2),
    I("pharmacies_1000_hab", "cadre_de_vie", "Pharmacies pour 1 000 habitants", "‰ hab.",
      "BPE D307 / P_POP × 1 000", ("insee_bpe",), HAUSSE, ("BPE_PHARMACIES",),
      lambda v: _ratio(v("BPE_PHARMACIES"), v.recent("P_POP"), 1000.0), 2),
    I("prix_m2_maisons", "cadre_de_vie", "Prix médian au m² des maisons (DVF)", "€/m²",
      "médiane(valeur foncière / surface bâtie), ventes d'une maison", ("dgfip_dvf",), NEUTRE,
      ("DVF_PRIX_M2_MAISON",), lambda v: v("DVF_PRIX_M2_MAISON"), 0),
    I("prix_m2_appartements", "cadre_de_vie", "Prix médian au m² des appartements (DVF)", "€/m²",
      "médiane(valeur foncière / surface bâtie), ventes d'un appartement", ("dgfip_dvf",), NEUTRE,
      ("DVF_PRIX_M2_APPART",), lambda v: v("DVF_PRIX_M2_APPART"), 0),
    I("ventes_logements", "cadre_de_vie", "Ventes de logements", "ventes",
      "nombre de mutations comprenant au moins une maison ou un appartement (chacune comptée une fois)",
      ("dgfip_dvf", "dvf_indicateurs_communes"), NEUTRE, ("DVF_NB_VENTES",), lambda v: v("DVF_NB_VENTES"), 0),
    I("prix_m2_moyen_logements", "cadre_de_vie", "Prix moyen au m² des logements vendus", "€/m²",
      "moyenne des prix au m² des ventes de maisons et d'appartements (indicateurs immobiliers DVF)",
      ("dvf_indicateurs_communes",), NEUTRE, ("DVF_PRIX_M2_MOYEN",), lambda v: v("DVF_PRIX_M2_MOYEN"), 0),
]

PAR_ID = {i.id: i for i in INDICATEURS}


def variables_utiles() -> set[str]:
    """Every source variable the catalogue reads (parsers keep only these)."""
    utiles = {"SUPERF", "P_POP", "P_MEN", "MED_SL", "PR_MD60", "IR_D9_D1_SL", "DENS", "DENS7", "NAF_HAB",
              "FLUX_SORTANTS", "NAF_ART", "SDP_AUT"}
    for indicateur in INDICATEURS:
        utiles.update(indicateur.variables)
    return utiles


def tableau(entrepot=None):
    """The catalogue as a DataFrame, with the years each indicator has values for."""
    import pandas as pd

    annees = {}
    if entrepot is not None:
        annees = entrepot.manifeste.get("annees_indicateurs", {})
    return pd.DataFrame([{
        "id": i.id, "theme": i.theme, "label": i.libelle, "unit": i.unite, "definition": i.definition,
        "sources": ", ".join(i.sources), "polarity": i.polarite, "variables": ", ".join(i.variables),
        "years": annees.get(i.id, []),
    } for i in INDICATEURS])


POLARITES = {HAUSSE: "une hausse est favorable", BAISSE: "une baisse est favorable",
             NEUTRE: "ni hausse ni baisse n'est favorable en soi"}


def fiche(identifiant: str, entrepot=None, communes=None) -> dict:
    """Provenance page of an indicator: definition, formula, sources and their editions, years,
    coverage of the warehouse (``entrepot``) when one is given, counted over ``communes``
    (the referential's codes)."""
    from territoire_data.erreurs import TerritoireErreur
    from territoire_data.sources import libelle as libelle_source

    if identifiant not in PAR_ID:
        import difflib

        proches = difflib.get_close_matches(identifiant, list(PAR_ID), n=3, cutoff=0.5)
        raise TerritoireErreur(f"Indicateur inconnu : « {identifiant} »."
                               + (f" Vouliez-vous dire : {', '.join(proches)} ?" if proches else ""))
    i = PAR_ID[identifiant]
    sortie = {
        "id": i.id, "theme": i.theme, "theme_label": THEMES[i.theme], "label": i.libelle, "unit": i.unite,
        "formula": i.definition, "variables": list(i.variables), "polarity": i.polarite,
        "polarity_label": POLARITES[i.polarite], "additive": all(est_additive(v) for v in i.variables),
        "sources": [{"id": s, "label": libelle_source(s)} for s in i.sources],
        "aggregation": ("sommes des numérateurs et des dénominateurs des communes membres"
                        if all(est_additive(v) for v in i.variables)
                        else "valeurs publiées par la source pour le groupe seulement (médianes et taux ne s'additionnent pas)"),
    }
    if entrepot is not None:
        manifeste = entrepot.manifeste
        editions = manifeste.get("sources", {})
        for source in sortie["sources"]:
            source["editions"] = editions.get(source["id"], {}).get("editions", [])
        sortie["years"] = manifeste.get("annees_indicateurs", {}).get(i.id, [])
        derniers = entrepot.derniers
        bloc = derniers[derniers["indicateur"] == i.id]
        if communes is not None:
            communes = bloc[bloc["code"].isin(communes)]
        else:
            communes = bloc[~bloc["code"].astype(str).str.contains(":") & (bloc["code"] != "france")]
        valeurs = communes[communes["statut"] == "ok"]
        sortie["sources_used"] = [
            {"id": str(s), "label": libelle_source(str(s)), "editions": sorted(map(str, b["edition"].dropna().unique())),
             "communes": int(len(b))} for s, b in valeurs.groupby("source", sort=False) if len(b)]
        sortie["coverage"] = {
            "reference_year": int(bloc.loc[bloc["comparable"], "annee"].max()) if bloc["comparable"].any() else None,
            "communes_with_value": int((communes["statut"] == "ok").sum()),
            "communes_secret": int((communes["statut"] == "secret").sum()),
            "communes_missing": int((communes["statut"] == "missing").sum()),
            "reasons": {str(k): int(v) for k, v in communes.loc[communes["statut"] == "missing", "raison"]
                        .replace("", "non précisée").value_counts().items()},
        }
        sortie["demo"] = entrepot.demo
    return sortie
