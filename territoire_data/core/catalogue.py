"""The catalogue of indicators: stable ids, themes, French labels, units, formulas.

Each indicator is a formula over source variables (``variables.decouper`` names). For a
group of communes (EPCI, département, région, France) the formula is applied to the sums
of its members' counts — never to a mean of their rates. Variables that are not counts
(medians, rates published as such, classes) are not summed: groups get them only where
the source publishes them for the group.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from territoire_data.core import zan
from territoire_data.core.coverage import EVENT_COUNTS

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
UP_GOOD, DOWN_GOOD, NEUTRAL = "hausse_favorable", "baisse_favorable", "neutre"
PER_THOUSAND = "pour 1 000 hab."
# Rates: their change is told in points (per thousand: in their unit), never as a growth rate of a rate.
RATE_UNITS = frozenset({"%", "%/an", PER_THOUSAND})
# Counts and areas grow with a territory's size: their rank among peers mostly says the size,
# so they get a position in words but never a verdict (favourable, défavorable).
EXTENSIVE_UNITS = frozenset(
    {"hab.", "emplois", "établissements", "logements", "ménages", "ha", "m²", "MW", "actifs", "ventes"}
)
# Figures of a period rather than of a year (ZAN): shown with their period, « 2021-2030 »;
# None for a period that runs to the latest year of the figure.
PERIODS: dict[str, tuple[int, int | None]] = {
    "conso_naf_2011_2020": (2011, 2020),
    "enveloppe_zan": (2021, 2030),
    "conso_naf_depuis_2021": (2021, None),
    "part_enveloppe_zan_consommee": (2021, None),
}


def period_of(indicator_id: str, year: int | None) -> str | None:
    """« 2021-2030 » for a figure of a period (``year``: the latest year of its data), None
    for a figure of one year."""
    period = PERIODS.get(indicator_id)
    if period is None or year is None:
        return None
    start, end = period
    return f"{start}-{end if end is not None else year}"


# A count of events (permits, sales…) below this in its first year is no base for a trend.
MIN_EVENTS_BASE = 10

# Variables that are not counts: never summed over communes.
NOT_ADDITIVE_VARIABLES = frozenset(
    {
        "MED",
        "TP60",
        "PIMP",
        "D1",
        "D9",
        "RD",
        "MED_SL",
        "PR_MD60",
        "IR_D9_D1_SL",
        "PR_PIMPOT",
        "PACT",
        "PTSA",
        "PCHO",
        "PBEN",
        "PPEN",
        "PPAT",
        "PPSOC",
        "PPFAM",
        "PPMINI",
        "PPLOGT",
        "PIMPOT",
        "DVF_PRIX_M2_MAISON",
        "DVF_PRIX_M2_APPART",
        "DVF_PRIX_M2_MOYEN",
        "DENS",
        "DENS7",
    }
)
NOT_ADDITIVE_PREFIXES = ("TP60",)


# The definitions are written for a commune; for a group (EPCI, SCoT, département, région,
# France) the same sentence speaks of « le territoire ». Longest phrases first.
GROUP_WORDING = (
    ("de territoire communal", "de territoire"),
    ("dans la commune", "sur le territoire"),
    ("de la commune", "du territoire"),
    ("Si la commune", "Si le territoire"),
    ("si la commune", "si le territoire"),
    ("la commune", "le territoire"),
    ("La commune", "Le territoire"),
)


def worded_for(text: str | None, level: str) -> str | None:
    """A definition or an explanation written for a commune, worded for ``level``."""
    if not text or level == "commune":
        return text
    for phrase, group in GROUP_WORDING:
        text = text.replace(phrase, group)
    return text


def is_additive(variable: str) -> bool:
    return variable not in NOT_ADDITIVE_VARIABLES and not variable.startswith(NOT_ADDITIVE_PREFIXES)


@dataclass(frozen=True)
class Indicator:
    id: str
    theme: str
    label: str
    unit: str
    definition: str  # the formula in source variables, as shown to users
    sources: tuple[str, ...]
    polarity: str
    variables: tuple[str, ...]  # the first one gives the provenance shown
    formula: Callable = field(repr=False, compare=False)
    decimals: int = 1
    # For élus, in plain French (``data/explanations.csv``): what it measures, why it matters.
    plain_definition: str = ""
    importance: str = ""
    # A stock summed since a fixed date (consumption since 2011 or 2021, the ZAN allowance):
    # it only grows, so no growth rate is shown for it.
    cumulative: bool = False

    @property
    def is_rate(self) -> bool:
        return self.unit in RATE_UNITS

    @property
    def extensive(self) -> bool:
        """A count or an area: positioned among peers in words, never judged."""
        return self.unit in EXTENSIVE_UNITS

    @property
    def counts_events(self) -> bool:
        """A yearly count of events (dwellings authorised, sales…), not a rate of them."""
        return not self.is_rate and bool(self.variables) and set(self.variables) <= EVENT_COUNTS

    def dynamics(self, value, year, first_value, first_year) -> tuple[float | None, float | None]:
        """Change and annual rate (%/an) between the first and the latest year with a value.

        One rule for every view: a rate changes in points (no annual rate); a stock summed
        since a fixed date has none (it only grows); a count of events whose first year
        holds fewer than ``MIN_EVENTS_BASE`` events starts no trend.
        """
        if self.cumulative or value is None or first_value is None or first_year is None:
            return None, None
        if first_year < 0 or year is None or year <= first_year:
            return None, None
        if self.counts_events and first_value < MIN_EVENTS_BASE:
            return None, None
        variation = value - first_value
        if not self.is_rate and value > 0 and first_value > 0:
            return variation, 100.0 * ((value / first_value) ** (1.0 / (year - first_year)) - 1.0)
        return variation, None


def _ratio(num, den, factor=100.0):
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, factor * num / den, np.nan)


def _summed(v, *names):
    return sum(v(n) for n in names)


def _rate_yearly(v, variable):
    """Annual growth rate (%) between the previous census and this one."""
    start = v.previous_census_year(variable)
    former = v.at(variable, start)
    n = v.year - start
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((former > 0) & (n > 0), 100 * ((v(variable) / former) ** (1 / n) - 1), np.nan)


def _balance_natural(v):
    """Contribution of births minus deaths to the annual change (%/an), on mean population."""
    start = v.start("NAIS")
    n = v.year - start
    mean = (v("P_POP") + v.at("P_POP", start)) / 2
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((mean > 0) & (n > 0), 100 * (v("NAIS") - v("DECE")) / n / mean, np.nan)


def _consumption(v, start, end):
    """NAF consumption (ha) over the yearly flows debut…fin (each flow = one calendar year)."""
    return v.cumulative_sum("NAF_ART", start, end) / 10_000


def _zan_allowance(v):
    """The allowance of ``zan.allowance`` (half the reference, 1 ha guaranteed to communes)."""
    return zan.allowance(_consumption(v, 2011, 2020), v.zan_guaranteed)[0]


I = Indicator
CENSUS = ("insee_comparateur", "insee_dossier_complet")
CENSUS_POP = (*CENSUS, "insee_rp_population")
CENSUS_HOUSING = (*CENSUS, "insee_rp_logement")
CENSUS_EMPLOYMENT = (*CENSUS, "insee_rp_emploi")
FILOSOFI_SOURCES = ("insee_filosofi", "insee_comparateur")
SITADEL_SOURCES = ("sdes_sitadel",)
NAF_SOURCES = ("cerema_naf",)

INDICATORS: list[Indicator] = [
    # --- Démographie
    I(
        "population",
        "demographie",
        "Population municipale",
        "hab.",
        "P_POP",
        CENSUS,
        NEUTRAL,
        ("P_POP",),
        lambda v: v("P_POP"),
        0,
    ),
    I(
        "densite_population",
        "demographie",
        "Densité de population",
        "hab./km²",
        "P_POP / SUPERF",
        CENSUS,
        NEUTRAL,
        ("P_POP", "SUPERF"),
        lambda v: _ratio(v("P_POP"), v.nearest("SUPERF"), 1.0),
        1,
    ),
    I(
        "variation_annuelle_population",
        "demographie",
        "Variation annuelle de la population",
        "%/an",
        "((P_POP / P_POP précédent)^(1/n) − 1) × 100, n années entre deux recensements",
        CENSUS,
        UP_GOOD,
        ("P_POP",),
        lambda v: _rate_yearly(v, "P_POP"),
        2,
    ),
    I(
        "contribution_solde_naturel",
        "demographie",
        "Variation annuelle due au solde naturel",
        "%/an",
        "(NAIS − DECE) / n / population moyenne × 100",
        CENSUS,
        NEUTRAL,
        ("NAIS", "DECE", "P_POP"),
        _balance_natural,
        2,
    ),
    I(
        "contribution_solde_migratoire",
        "demographie",
        "Variation annuelle due au solde migratoire",
        "%/an",
        "variation annuelle totale − variation due au solde naturel",
        CENSUS,
        NEUTRAL,
        ("P_POP", "NAIS", "DECE"),
        lambda v: _rate_yearly(v, "P_POP") - _balance_natural(v),
        2,
    ),
    I(
        "indice_vieillissement",
        "demographie",
        "Indice de vieillissement",
        "personnes de 65 ans ou plus pour 100 de moins de 15 ans",
        "P_POP65P / P_POP0014 × 100",
        CENSUS_POP,
        NEUTRAL,
        ("P_POP65P", "P_POP0014"),
        lambda v: _ratio(v("P_POP65P"), v("P_POP0014")),
        1,
    ),
    I(
        "taille_menages",
        "demographie",
        "Taille moyenne des ménages",
        "pers./ménage",
        "P_PMEN / P_MEN",
        CENSUS_POP,
        NEUTRAL,
        ("P_PMEN", "P_MEN"),
        lambda v: _ratio(v("P_PMEN"), v("P_MEN"), 1.0),
        2,
    ),
    I(
        "part_plus_75_ans",
        "demographie",
        "Part des 75 ans ou plus",
        "%",
        "P_POP75P / P_POP × 100",
        CENSUS_POP,
        NEUTRAL,
        ("P_POP75P", "P_POP"),
        lambda v: _ratio(v("P_POP75P"), v("P_POP")),
        1,
    ),
    # --- Emploi
    I(
        "emplois",
        "emploi",
        "Emplois au lieu de travail",
        "emplois",
        "P_EMPLT",
        CENSUS,
        UP_GOOD,
        ("P_EMPLT",),
        lambda v: v("P_EMPLT"),
        0,
    ),
    I(
        "variation_annuelle_emplois",
        "emploi",
        "Variation annuelle de l'emploi",
        "%/an",
        "((P_EMPLT / P_EMPLT précédent)^(1/n) − 1) × 100",
        CENSUS,
        UP_GOOD,
        ("P_EMPLT",),
        lambda v: _rate_yearly(v, "P_EMPLT"),
        2,
    ),
    I(
        "taux_chomage_15_64",
        "emploi",
        "Taux de chômage des 15-64 ans (recensement)",
        "%",
        "P_CHOM1564 / P_ACT1564 × 100",
        CENSUS,
        DOWN_GOOD,
        ("P_CHOM1564", "P_ACT1564"),
        lambda v: _ratio(v("P_CHOM1564"), v("P_ACT1564")),
        2,
    ),
    I(
        "taux_activite_15_64",
        "emploi",
        "Taux d'activité des 15-64 ans",
        "%",
        "P_ACT1564 / P_POP1564 × 100",
        CENSUS,
        UP_GOOD,
        ("P_ACT1564", "P_POP1564"),
        lambda v: _ratio(v("P_ACT1564"), v("P_POP1564")),
        1,
    ),
    # INSEE's definition: jobs in the area per 100 employed residents aged 15 or more.
    I(
        "concentration_emploi",
        "emploi",
        "Indicateur de concentration d'emploi",
        "emplois pour 100 actifs occupés de 15 ans ou plus",
        "P_EMPLT / P_ACTOCC15P × 100",
        CENSUS_EMPLOYMENT,
        NEUTRAL,
        ("P_EMPLT", "P_ACTOCC15P"),
        lambda v: _ratio(v("P_EMPLT"), v("P_ACTOCC15P")),
        1,
    ),
    I(
        "etablissements",
        "emploi",
        "Établissements actifs",
        "établissements",
        "ETTOT",
        CENSUS,
        UP_GOOD,
        ("ETTOT",),
        lambda v: v("ETTOT"),
        0,
    ),
    I(
        "part_emplois_salaries",
        "emploi",
        "Part des emplois salariés",
        "%",
        "P_EMPLT_SAL / P_EMPLT × 100",
        CENSUS,
        NEUTRAL,
        ("P_EMPLT_SAL", "P_EMPLT"),
        lambda v: _ratio(v("P_EMPLT_SAL"), v("P_EMPLT")),
        1,
    ),
    # --- Logement
    I(
        "logements",
        "logement",
        "Logements",
        "logements",
        "P_LOG",
        CENSUS_HOUSING,
        NEUTRAL,
        ("P_LOG",),
        lambda v: v("P_LOG"),
        0,
    ),
    I(
        "part_residences_principales",
        "logement",
        "Part des résidences principales",
        "%",
        "P_RP / P_LOG × 100",
        CENSUS_HOUSING,
        NEUTRAL,
        ("P_RP", "P_LOG"),
        lambda v: _ratio(v("P_RP"), v("P_LOG")),
        1,
    ),
    I(
        "part_residences_secondaires",
        "logement",
        "Part des résidences secondaires et logements occasionnels",
        "%",
        "P_RSECOCC / P_LOG × 100",
        CENSUS_HOUSING,
        NEUTRAL,
        ("P_RSECOCC", "P_LOG"),
        lambda v: _ratio(v("P_RSECOCC"), v("P_LOG")),
        1,
    ),
    I(
        "part_logements_vacants",
        "logement",
        "Part des logements vacants",
        "%",
        "P_LOGVAC / P_LOG × 100",
        CENSUS_HOUSING,
        DOWN_GOOD,
        ("P_LOGVAC", "P_LOG"),
        lambda v: _ratio(v("P_LOGVAC"), v("P_LOG")),
        2,
    ),
    I(
        "part_proprietaires",
        "logement",
        "Part des ménages propriétaires",
        "%",
        "P_RP_PROP / P_RP × 100",
        CENSUS_HOUSING,
        NEUTRAL,
        ("P_RP_PROP", "P_RP"),
        lambda v: _ratio(v("P_RP_PROP"), v("P_RP")),
        1,
    ),
    I(
        "part_maisons",
        "logement",
        "Part des maisons",
        "%",
        "P_MAISON / P_LOG × 100",
        ("insee_rp_logement",),
        NEUTRAL,
        ("P_MAISON", "P_LOG"),
        lambda v: _ratio(v("P_MAISON"), v("P_LOG")),
        1,
    ),
    I(
        "variation_annuelle_logements",
        "logement",
        "Variation annuelle du parc de logements",
        "%/an",
        "((P_LOG / P_LOG précédent)^(1/n) − 1) × 100",
        CENSUS_HOUSING,
        NEUTRAL,
        ("P_LOG",),
        lambda v: _rate_yearly(v, "P_LOG"),
        2,
    ),
    # --- Revenus
    I(
        "revenu_median",
        "revenus",
        "Revenu disponible médian par unité de consommation",
        "€ par an et par UC",
        "MED (Filosofi) : médiane du niveau de vie annuel (revenu disponible du ménage / unités de consommation)",
        FILOSOFI_SOURCES,
        UP_GOOD,
        ("MED", "MED_SL"),
        lambda v: v.first_of("MED", "MED_SL"),
        0,
    ),
    I(
        "taux_pauvrete",
        "revenus",
        "Taux de pauvreté (seuil à 60 % du revenu médian)",
        "%",
        "TP60 (Filosofi)",
        FILOSOFI_SOURCES,
        DOWN_GOOD,
        ("TP60", "PR_MD60"),
        lambda v: v.first_of("TP60", "PR_MD60"),
        1,
    ),
    I(
        "part_menages_imposes",
        "revenus",
        "Part des ménages fiscaux imposés",
        "%",
        "PIMP (Filosofi)",
        FILOSOFI_SOURCES,
        NEUTRAL,
        ("PIMP",),
        lambda v: v("PIMP"),
        1,
    ),
    I(
        "rapport_interdecile",
        "revenus",
        "Rapport interdécile D9/D1 du revenu disponible",
        "ratio",
        "D9 / D1 (Filosofi)",
        ("insee_filosofi",),
        DOWN_GOOD,
        ("D9", "D1", "IR_D9_D1_SL"),
        lambda v: v.first_computed(lambda: _ratio(v("D9"), v("D1"), 1.0), "IR_D9_D1_SL"),
        2,
    ),
    I(
        "menages_fiscaux",
        "revenus",
        "Ménages fiscaux",
        "ménages",
        "NBMENFISC",
        FILOSOFI_SOURCES,
        NEUTRAL,
        ("NBMENFISC",),
        lambda v: v("NBMENFISC"),
        0,
    ),
    # --- Construction
    I(
        "logements_autorises",
        "construction",
        "Logements autorisés",
        "logements",
        "LOG_AUT (somme de l'année)",
        SITADEL_SOURCES,
        NEUTRAL,
        ("LOG_AUT",),
        lambda v: v("LOG_AUT"),
        0,
    ),
    I(
        "logements_commences",
        "construction",
        "Logements commencés",
        "logements",
        "LOG_COM (somme de l'année)",
        SITADEL_SOURCES,
        NEUTRAL,
        ("LOG_COM",),
        lambda v: v("LOG_COM"),
        0,
    ),
    I(
        "logements_autorises_1000_hab",
        "construction",
        "Logements autorisés pour 1 000 habitants",
        PER_THOUSAND,
        "LOG_AUT / P_POP (dernier recensement) × 1 000",
        SITADEL_SOURCES,
        NEUTRAL,
        ("LOG_AUT",),
        lambda v: _ratio(v("LOG_AUT"), v.nearest("P_POP"), 1000.0),
        2,
    ),
    I(
        "logements_commences_1000_hab",
        "construction",
        "Logements commencés pour 1 000 habitants",
        PER_THOUSAND,
        "LOG_COM / P_POP (dernier recensement) × 1 000",
        SITADEL_SOURCES,
        NEUTRAL,
        ("LOG_COM",),
        lambda v: _ratio(v("LOG_COM"), v.nearest("P_POP"), 1000.0),
        2,
    ),
    I(
        "surface_plancher_autorisee",
        "construction",
        "Surface de plancher autorisée (logements)",
        "m²",
        "SDP_AUT",
        SITADEL_SOURCES,
        NEUTRAL,
        ("SDP_AUT",),
        lambda v: v("SDP_AUT"),
        0,
    ),
    # --- Foncier et ZAN (years: the last yearly flow included)
    I(
        "conso_naf_2011_2020",
        "foncier",
        "Consommation d'espaces NAF 2011-2020 (référence ZAN)",
        "ha",
        "Σ NAF_ART 2011…2020 / 10 000",
        NAF_SOURCES,
        DOWN_GOOD,
        ("NAF_ART",),
        lambda v: v.at_year(_consumption(v, 2011, 2020), 2020),
        2,
    ),
    I(
        "conso_naf_depuis_2021",
        "foncier",
        "Consommation d'espaces NAF depuis 2021",
        "ha",
        "Σ NAF_ART depuis 2021 / 10 000",
        NAF_SOURCES,
        DOWN_GOOD,
        ("NAF_ART",),
        lambda v: v.from_year(_consumption(v, 2021, v.year), 2021),
        2,
    ),
    I(
        "enveloppe_zan",
        "foncier",
        "Enveloppe ZAN 2021-2030 (50 % de la référence, 1 ha au moins pour une commune)",
        "ha",
        "0,5 × Σ NAF_ART 2011…2020 / 10 000, au moins 1 ha pour une commune (garantie communale)",
        NAF_SOURCES,
        NEUTRAL,
        ("NAF_ART",),
        lambda v: v.at_year(_zan_allowance(v), 2020),
        2,
    ),
    I(
        "part_enveloppe_zan_consommee",
        "foncier",
        "Part de l'enveloppe ZAN déjà consommée",
        "%",
        "consommation depuis 2021 / enveloppe ZAN × 100",
        NAF_SOURCES,
        DOWN_GOOD,
        ("NAF_ART",),
        lambda v: v.from_year(_ratio(_consumption(v, 2021, v.year), _zan_allowance(v)), 2021),
        1,
    ),
    I(
        "m2_par_nouvel_habitant",
        "foncier",
        "Consommation d'espaces par habitant supplémentaire",
        "m²/hab.",
        "Σ NAF_ART sur la période / (P_POP − P_POP précédent)",
        NAF_SOURCES + CENSUS,
        DOWN_GOOD,
        ("NAF_ART", "P_POP"),
        lambda v: v.per_change("P_POP"),
        0,
    ),
    I(
        "m2_par_nouveau_menage",
        "foncier",
        "Consommation d'espaces par ménage supplémentaire",
        "m²/ménage",
        "Σ NAF_ART sur la période / (P_MEN − P_MEN précédent)",
        NAF_SOURCES + CENSUS,
        DOWN_GOOD,
        ("NAF_ART", "P_MEN"),
        lambda v: v.per_change("P_MEN"),
        0,
    ),
    I(
        "part_conso_naf_habitat",
        "foncier",
        "Part de l'habitat dans la consommation d'espaces",
        "%",
        "NAF_HAB / NAF_ART × 100",
        NAF_SOURCES,
        NEUTRAL,
        ("NAF_HAB", "NAF_ART"),
        lambda v: _ratio(v("NAF_HAB"), v("NAF_ART")),
        1,
    ),
    # --- Mobilités (commute modes of employed people aged 15+)
    *[
        I(
            f"part_{code}",
            "mobilite",
            label,
            "%",
            f"C_ACTOCC15P_{mode} / C_ACTOCC15P × 100",
            CENSUS_EMPLOYMENT,
            polarity,
            (f"C_ACTOCC15P_{mode}", "C_ACTOCC15P"),
            (lambda m: lambda v: _ratio(v(f"C_ACTOCC15P_{m}"), v("C_ACTOCC15P")))(mode),
            1,
        )
        for code, mode, label, polarity in [
            ("voiture_domicile_travail", "VOIT", "Part de la voiture dans les trajets domicile-travail", DOWN_GOOD),
            ("transports_commun_domicile_travail", "TCOM", "Part des transports en commun (domicile-travail)", UP_GOOD),
            ("velo_domicile_travail", "VELO", "Part du vélo (domicile-travail)", UP_GOOD),
            ("marche_domicile_travail", "MAR", "Part de la marche (domicile-travail)", UP_GOOD),
            (
                "deux_roues_motorises_domicile_travail",
                "2ROUESMOT",
                "Part des deux-roues motorisés (domicile-travail)",
                NEUTRAL,
            ),
        ]
    ],
    I(
        "part_travail_hors_commune",
        "mobilite",
        "Part des actifs occupés travaillant hors de leur commune",
        "%",
        "(1 − P_ACTOCC15P_ILT1 / P_ACTOCC15P) × 100",
        CENSUS_EMPLOYMENT,
        DOWN_GOOD,
        ("P_ACTOCC15P_ILT1", "P_ACTOCC15P"),
        lambda v: 100 - _ratio(v("P_ACTOCC15P_ILT1"), v("P_ACTOCC15P")),
        1,
    ),
    I(
        "part_menages_motorises",
        "mobilite",
        "Part des ménages disposant d'au moins une voiture",
        "%",
        "P_RP_VOIT1P / P_RP × 100",
        ("insee_rp_logement",),
        NEUTRAL,
        ("P_RP_VOIT1P", "P_RP"),
        lambda v: _ratio(v("P_RP_VOIT1P"), v("P_RP")),
        1,
    ),
    I(
        "flux_sortants_domicile_travail",
        "mobilite",
        "Actifs occupés travaillant dans une autre commune",
        "actifs",
        "Σ NBFLUX vers une autre commune",
        ("insee_flux_mobilite",),
        NEUTRAL,
        ("FLUX_SORTANTS",),
        lambda v: v("FLUX_SORTANTS"),
        0,
    ),
    # --- Énergie
    I(
        "conso_electricite_par_habitant",
        "energie",
        "Consommation d'électricité par habitant",
        "MWh/hab.",
        "CONSO_ELEC / P_POP",
        ("agence_ore",),
        DOWN_GOOD,
        ("CONSO_ELEC",),
        lambda v: _ratio(v("CONSO_ELEC"), v.nearest("P_POP"), 1.0),
        2,
    ),
    I(
        "conso_gaz_par_habitant",
        "energie",
        "Consommation de gaz par habitant",
        "MWh/hab.",
        "CONSO_GAZ / P_POP",
        ("agence_ore",),
        DOWN_GOOD,
        ("CONSO_GAZ",),
        lambda v: _ratio(v("CONSO_GAZ"), v.nearest("P_POP"), 1.0),
        2,
    ),
    I(
        "conso_electricite_residentiel_par_habitant",
        "energie",
        "Électricité résidentielle par habitant",
        "MWh/hab.",
        "CONSO_ELEC_RES / P_POP",
        ("agence_ore",),
        DOWN_GOOD,
        ("CONSO_ELEC_RES",),
        lambda v: _ratio(v("CONSO_ELEC_RES"), v.nearest("P_POP"), 1.0),
        2,
    ),
    I(
        "part_electricite_tertiaire",
        "energie",
        "Part du tertiaire dans la consommation d'électricité",
        "%",
        "CONSO_ELEC_TER / CONSO_ELEC × 100",
        ("agence_ore",),
        NEUTRAL,
        ("CONSO_ELEC_TER", "CONSO_ELEC"),
        lambda v: _ratio(v("CONSO_ELEC_TER"), v("CONSO_ELEC")),
        1,
    ),
    I(
        "part_electricite_industrie",
        "energie",
        "Part de l'industrie dans la consommation d'électricité",
        "%",
        "CONSO_ELEC_IND / CONSO_ELEC × 100",
        ("agence_ore",),
        NEUTRAL,
        ("CONSO_ELEC_IND", "CONSO_ELEC"),
        lambda v: _ratio(v("CONSO_ELEC_IND"), v("CONSO_ELEC")),
        1,
    ),
    I(
        "puissance_renouvelable",
        "energie",
        "Puissance électrique renouvelable installée",
        "MW",
        "Σ PUISSANCE_ENR / 1 000",
        ("odre_registre",),
        UP_GOOD,
        ("PUISSANCE_ENR",),
        lambda v: v("PUISSANCE_ENR") / 1000,
        2,
    ),
    I(
        "puissance_renouvelable_par_habitant",
        "energie",
        "Puissance renouvelable installée par habitant",
        "W/hab.",
        "Σ PUISSANCE_ENR × 1 000 / P_POP",
        ("odre_registre",),
        UP_GOOD,
        ("PUISSANCE_ENR",),
        lambda v: _ratio(v("PUISSANCE_ENR"), v.nearest("P_POP"), 1000.0),
        0,
    ),
    I(
        "puissance_photovoltaique",
        "energie",
        "Puissance photovoltaïque installée",
        "MW",
        "Σ PUISSANCE_PV / 1 000",
        ("odre_registre",),
        UP_GOOD,
        ("PUISSANCE_PV",),
        lambda v: v("PUISSANCE_PV") / 1000,
        2,
    ),
    # --- Cadre de vie
    I(
        "medecins_generalistes_1000_hab",
        "cadre_de_vie",
        "Médecins généralistes pour 1 000 habitants",
        PER_THOUSAND,
        "BPE médecins généralistes (D201 jusqu'en 2021, D265 ensuite) / P_POP × 1 000",
        ("insee_bpe",),
        UP_GOOD,
        ("BPE_MEDECINS",),
        lambda v: _ratio(v("BPE_MEDECINS"), v.nearest("P_POP"), 1000.0),
        2,
    ),
    I(
        "ecoles_1000_hab",
        "cadre_de_vie",
        "Écoles maternelles et élémentaires pour 1 000 habitants",
        PER_THOUSAND,
        "BPE C1xx / P_POP × 1 000",
        ("insee_bpe",),
        UP_GOOD,
        ("BPE_ECOLES",),
        lambda v: _ratio(v("BPE_ECOLES"), v.nearest("P_POP"), 1000.0),
        2,
    ),
    I(
        "commerces_alimentaires_1000_hab",
        "cadre_de_vie",
        "Commerces alimentaires pour 1 000 habitants",
        PER_THOUSAND,
        "BPE B1xx + B2xx / P_POP × 1 000",
        ("insee_bpe",),
        UP_GOOD,
        ("BPE_ALIMENTAIRE",),
        lambda v: _ratio(v("BPE_ALIMENTAIRE"), v.nearest("P_POP"), 1000.0),
        2,
    ),
    I(
        "pharmacies_1000_hab",
        "cadre_de_vie",
        "Pharmacies pour 1 000 habitants",
        PER_THOUSAND,
        "BPE D307 / P_POP × 1 000",
        ("insee_bpe",),
        UP_GOOD,
        ("BPE_PHARMACIES",),
        lambda v: _ratio(v("BPE_PHARMACIES"), v.nearest("P_POP"), 1000.0),
        2,
    ),
    I(
        "prix_m2_maisons",
        "cadre_de_vie",
        "Prix médian au m² des maisons (DVF)",
        "€/m²",
        "médiane(valeur foncière / surface bâtie), ventes d'une maison",
        ("dgfip_dvf",),
        NEUTRAL,
        ("DVF_PRIX_M2_MAISON",),
        lambda v: v("DVF_PRIX_M2_MAISON"),
        0,
    ),
    I(
        "prix_m2_appartements",
        "cadre_de_vie",
        "Prix médian au m² des appartements (DVF)",
        "€/m²",
        "médiane(valeur foncière / surface bâtie), ventes d'un appartement",
        ("dgfip_dvf",),
        NEUTRAL,
        ("DVF_PRIX_M2_APPART",),
        lambda v: v("DVF_PRIX_M2_APPART"),
        0,
    ),
    I(
        "ventes_logements",
        "cadre_de_vie",
        "Ventes de logements",
        "ventes",
        "nombre de mutations comprenant au moins une maison ou un appartement (chacune comptée une fois)",
        ("dgfip_dvf", "dvf_indicateurs_communes"),
        NEUTRAL,
        ("DVF_NB_VENTES",),
        lambda v: v("DVF_NB_VENTES"),
        0,
    ),
    I(
        "prix_m2_moyen_logements",
        "cadre_de_vie",
        "Prix moyen au m² des logements vendus",
        "€/m²",
        "moyenne des prix au m² des ventes de maisons et d'appartements (indicateurs immobiliers DVF)",
        ("dvf_indicateurs_communes",),
        NEUTRAL,
        ("DVF_PRIX_M2_MOYEN",),
        lambda v: v("DVF_PRIX_M2_MOYEN"),
        0,
    ),
]

CUMULATIVE = frozenset(
    {"conso_naf_2011_2020", "conso_naf_depuis_2021", "enveloppe_zan", "part_enveloppe_zan_consommee"}
)


def _explained(indicators: list[Indicator]) -> list[Indicator]:
    """The indicators with their plain definition and "why it matters" line (package data)."""
    import csv
    from dataclasses import replace

    path = Path(__file__).parent / "data" / "explanations.csv"
    with path.open(encoding="utf-8", newline="") as file:
        texts = {row["id"]: row for row in csv.DictReader(file, delimiter=";")}
    return [
        replace(
            i,
            plain_definition=texts.get(i.id, {}).get("definition", ""),
            importance=texts.get(i.id, {}).get("importance", ""),
            cumulative=i.id in CUMULATIVE,
        )
        for i in indicators
    ]


INDICATORS = _explained(INDICATORS)
BY_ID = {i.id: i for i in INDICATORS}


# Read for the triennial artificialisation report (territoire_data.rtla), beside the indicators:
# the Cerema flows by destination and the Cerema file's own population, households, jobs and area;
# OCS GE's artificialised and impervious surfaces and their net flows (sections 2° and 3°).
REPORT_VARIABLES = frozenset(
    {
        "OCSGE_ARTIF",
        "OCSGE_ARTIF_NET",
        "OCSGE_IMPER",
        "OCSGE_IMPER_NET",
        "NAF_ART",
        "NAF_HAB",
        "NAF_ACT",
        "NAF_MIX",
        "NAF_ROU",
        "NAF_FER",
        "NAF_INC",
        "NAF_POP",
        "NAF_MEN",
        "NAF_EMP",
        "NAF_SURF",
    }
)


def useful_variables() -> set[str]:
    """Every source variable the catalogue and the triennial report read (parsers keep only these)."""
    useful = {
        *REPORT_VARIABLES,
        "SUPERF",
        "P_POP",
        "P_MEN",
        "MED_SL",
        "PR_MD60",
        "IR_D9_D1_SL",
        "DENS",
        "DENS7",
        "NAF_HAB",
        "FLUX_SORTANTS",
        "NAF_ART",
        "SDP_AUT",
    }
    for indicator in INDICATORS:
        useful.update(indicator.variables)
    return useful


def catalogue_table(warehouse=None):
    """The catalogue as a DataFrame, with the years each indicator has values for."""
    import pandas as pd

    years = {}
    if warehouse is not None:
        years = warehouse.manifest.get("indicator_years", {})
    return pd.DataFrame(
        [
            {
                "id": i.id,
                "theme": i.theme,
                "label": i.label,
                "unit": i.unit,
                "definition": i.definition,
                "plain_definition": i.plain_definition,
                "importance": i.importance,
                "sources": ", ".join(i.sources),
                "polarity": i.polarity,
                "variables": ", ".join(i.variables),
                "years": years.get(i.id, []),
            }
            for i in INDICATORS
        ]
    )


POLARITY_LABELS = {
    UP_GOOD: "une hausse est favorable",
    DOWN_GOOD: "une baisse est favorable",
    NEUTRAL: "ni hausse ni baisse n'est favorable en soi",
}


def provenance_card(identifier: str, warehouse=None, communes=None) -> dict:
    """Provenance page of an indicator: definition, formula, sources and their editions, years,
    coverage of the warehouse (``warehouse``) when one is given, counted over ``communes``
    (the referential's codes)."""
    from territoire_data.errors import TerritoireError
    from territoire_data.sources import label as libelle_source

    if identifier not in BY_ID:
        import difflib

        closest = difflib.get_close_matches(identifier, list(BY_ID), n=3, cutoff=0.5)
        raise TerritoireError(
            f"Indicateur inconnu : « {identifier} »."
            + (f" Vouliez-vous dire : {', '.join(closest)} ?" if closest else "")
        )
    i = BY_ID[identifier]
    sources: list[dict[str, object]] = [{"id": s, "label": libelle_source(s)} for s in i.sources]
    output: dict[str, object] = {
        "id": i.id,
        "theme": i.theme,
        "theme_label": THEMES[i.theme],
        "label": i.label,
        "unit": i.unit,
        "formula": i.definition,
        "plain_definition": i.plain_definition,
        "importance": i.importance,
        "variables": list(i.variables),
        "polarity": i.polarity,
        "polarity_label": POLARITY_LABELS[i.polarity],
        "additive": all(is_additive(v) for v in i.variables),
        "sources": sources,
        "aggregation": (
            "sommes des numérateurs et des dénominateurs des communes membres"
            if all(is_additive(v) for v in i.variables)
            else "valeurs publiées par la source pour le groupe seulement (médianes et taux ne s'additionnent pas)"
        ),
    }
    if warehouse is not None:
        manifest = warehouse.manifest
        editions: dict[str, dict] = manifest.get("sources", {})
        for source in sources:
            source["editions"] = editions.get(str(source["id"]), {}).get("editions", [])
        output["years"] = manifest.get("indicator_years", {}).get(i.id, [])
        latest = warehouse.latest
        block = latest[latest["indicator"] == i.id]
        if communes is not None:
            total = len(communes)
            communes = block[block["code"].isin(communes)]
        else:
            communes = block[~block["code"].astype(str).str.contains(":") & (block["code"] != "france")]
            total = len(communes)
        values = communes[communes["status"] == "ok"]
        output["sources_used"] = [
            {
                "id": str(s),
                "label": libelle_source(str(s)),
                "editions": sorted(map(str, b["edition"].dropna().unique())),
                "communes": int(len(b)),
            }
            for s, b in values.groupby("source", sort=False)
            if len(b)
        ]
        # Counted over every commune of the referential: a commune no file mentions is not covered.
        reasons = {
            str(k): int(v)
            for k, v in communes.loc[communes["status"] == "missing", "reason"]
            .replace("", "unavailable")
            .fillna("unavailable")
            .value_counts()
            .items()
        }
        without_row = total - len(communes)
        if without_row:
            key = "not_covered" if len(communes) else "not_loaded"
            reasons[key] = reasons.get(key, 0) + without_row
        output["coverage"] = {
            "reference_year": int(block.loc[block["comparable"], "year"].max()) if block["comparable"].any() else None,
            "communes": total,
            "communes_with_value": int((communes["status"] == "ok").sum()),
            "communes_secret": int((communes["status"] == "secret").sum()),
            "communes_missing": int((communes["status"] == "missing").sum()) + without_row,
            "reasons": dict(sorted(reasons.items(), key=lambda kv: -kv[1])),
        }
        output["demo"] = warehouse.demo
    return output
