"""One report: every figure and sentence of the draft of a territory, as a JSON-ready dict.

``draft(context, code, flows=…, corrections=…)`` gathers section 1° (``figures``), the note
on OCS GE (2° and 3°), section 4° (the ZAN trajectory of ``core.zan``, from the corrected
flows when a correction applies), the sentences of the zones to write (``sentences``), the
corrections' trace, the sources and the recipients. The writers (``documents``) lay it out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pandas as pd

from territoire_data.core import zan
from territoire_data.core.territories import DataContext, Territory
from territoire_data.rtla import figures, land_cover, sentences
from territoire_data.rtla.corrections import Correction, apply
from territoire_data.rtla.figures import Flows, Period

LEGAL_BASIS = (
    "Code général des collectivités territoriales, article L2231-1 (créé par l'article 206 de la loi "
    "n° 2021-1104 du 22 août 2021 « Climat et résilience ») et article R2231-1 (décret n° 2023-1096 du "
    "27 novembre 2023) ; loi n° 2023-630 du 20 juillet 2023 (garantie communale de 1 ha)."
)
OCSGE_INTRO = (
    "Les rubriques 2° (solde entre surfaces artificialisées et désartificialisées) et 3° (surfaces "
    "imperméabilisées) se mesurent avec l'occupation du sol à grande échelle (OCS GE) de l'IGN."
)
OCSGE_OMIT = (
    "L'article R2231-1 permet de les omettre tant que les documents d'urbanisme ne fixent pas "
    "d'objectifs de réduction de l'artificialisation (au plus tard en 2031)."
)


def _land_cover(flows: Flows, codes: list[str], area_ha: float | None) -> dict:
    """Sections 2° and 3°: the OCS GE figures, or in plain French why they are not given."""
    kinds = land_cover.measured(flows.land_cover, codes, area_ha)
    available = any(k["available"] for k in kinds.values())
    if available:
        text = OCSGE_INTRO + " Source : portail de l'artificialisation, tables communales (IGN, Cerema)."
    else:
        reasons = sorted({k["reason"] for k in kinds.values()})
        text = f"{OCSGE_INTRO} Elles ne sont pas renseignées : {' ; '.join(reasons)}. {OCSGE_OMIT}"
    return {"available": available, "text": text, **kinds}


def presenter(territory: Territory) -> str:
    if territory.level == "commune":
        return f"le maire de {territory.name}"
    if territory.level == "epci":
        return f"le président de {territory.name} (compétent en matière de plan local d'urbanisme)"
    return "l'autorité compétente en matière de document d'urbanisme"


def recipients(context: DataContext, territory: Territory, scot: str | None) -> list[dict]:
    """Who receives the report within fifteen days of the deliberation (CGCT L2231-1)."""
    ref = context.referential
    communes = ref.communes.loc[list(territory.communes)]
    regions = sorted(communes["region"].dropna().unique())
    departements = sorted(communes["departement"].dropna().unique())
    out = []
    for region in regions:
        name = ref.regions.at[region, "name"] if region in ref.regions.index else region
        out.append({"role": "Préfet de région", "name": f"Préfet de la région {name}"})
    for departement in departements:
        name = ref.departements.at[departement, "name"] if departement in ref.departements.index else departement
        out.append({"role": "Préfet de département", "name": f"Préfet du département {name} ({departement})"})
    for region in regions:
        name = ref.regions.at[region, "name"] if region in ref.regions.index else region
        out.append({"role": "Président du conseil régional", "name": f"Président du conseil régional {name}"})
    if territory.level == "commune" and territory.epci:
        epci = ref.epci.at[territory.epci, "name"] if territory.epci in ref.epci.index else territory.epci
        out.append({"role": "Président de l'EPCI", "name": f"Président de {epci}"})
    elif territory.level == "epci":
        out.append(
            {"role": "Maires des communes membres", "name": f"Maires des {len(territory.communes)} communes membres"}
        )
    if scot:
        out.append({"role": "Établissement public du SCoT", "name": f"Établissement public porteur du {scot}"})
    else:
        out.append(
            {
                "role": "Établissement public du SCoT",
                "name": "Établissement public du SCoT (périmètre non connu de l'entrepôt)",
            }
        )
    return out


def _scot_of(flows: Flows, territory: Territory) -> str | None:
    members = flows.scot_members
    if members is None or territory.level not in ("commune", "epci"):
        return None
    names = members.loc[members["code"].isin(territory.communes), "scot"].unique()
    return str(names[0]) if len(names) == 1 else None


def _sources(context: DataContext) -> list[dict]:
    manifest = context.warehouse.manifest
    out = []
    for name in ("cerema_naf", "ocsge_communes", "insee_comparateur", "insee_dossier_complet"):
        source = manifest.get("sources", {}).get(name)
        if source:
            out.append({"source": name, "editions": source.get("editions", []), "years": source.get("years", [])})
    return out


def _comparisons(
    context: DataContext, territory: Territory, flows: Flows, period: Period, peers: list[str] | None, scot: str | None
) -> dict:
    ref = context.referential
    if peers:
        codes, rule = (
            [c for c in peers if c in ref.communes.index and c != territory.code][:20],
            "liste choisie par l'auteur du rapport",
        )
    elif territory.level == "commune":
        codes, rule = figures.similar_communes(ref, flows, territory.code), figures.PEERS_RULE
    else:
        codes, rule = [], "sans objet pour un groupe de communes"
    lines = [
        figures.comparison_line(
            flows, c, str(ref.communes.at[c, "name"]), [c], ref.communes.at[c, "area_km2"], period, "commune comparable"
        )
        for c in codes
    ]
    groups = []
    if territory.level == "commune" and territory.epci:
        epci = context.territory(f"epci:{territory.epci}")
        groups.append((epci, "EPCI"))
    if scot:
        try:
            groups.append((context.territory(f"scot:{scot}"), "SCoT"))
        except Exception:
            pass
    if territory.departement:
        groups.append((context.territory(f"dep:{territory.departement}"), "département"))
    group_lines = [
        figures.comparison_line(flows, g.code, g.name, list(g.communes), g.area_km2, period, relation)
        for g, relation in groups
    ]
    available = [line["m2_per_ha_of_area"] for line in lines if line["m2_per_ha_of_area"] is not None]
    return {
        "rule": rule,
        "peers": lines,
        "peers_median_m2_per_ha_of_area": float(pd.Series(available).median()) if available else None,
        "groups": group_lines,
    }


def draft(
    context: DataContext,
    code: str,
    *,
    flows: Flows,
    period: Period | None = None,
    corrections: Sequence[Correction] = (),
    peers: list[str] | None = None,
    today: date | None = None,
) -> dict:
    """Every figure of the report of ``code`` (a commune, an EPCI, a SCoT or a département)."""
    territory = context.territory(code)
    period = period or Period(figures.FIRST_YEAR, flows.last_year or figures.FIRST_YEAR)
    codes = list(territory.communes)
    scot = _scot_of(flows, territory)
    national = figures.consumption(flows, codes, period)
    area_ha, area_source = figures.area(flows, codes, territory.area_km2)
    own = [c for c in corrections if c.territory == territory.code]
    rows, area_ha, trace = apply(national["years"], area_ha, own) if national["available"] else ([], area_ha, [])
    if own and not national["available"]:
        trace = [{**c.as_dict(), "national_value": None, "used": False} for c in own]
    if any(t["indicator"] == "superficie" and t["used"] for t in trace):
        area_source = "valeur locale (voir les corrections)"
    section_1 = {
        "available": national["available"],
        "reason": national["reason"],
        "area_ha": area_ha,
        "area_source": area_source,
        "years": rows,
        **(figures.summary(rows, area_ha, period) if national["available"] else {}),
        "demography": figures.demography(flows, codes, rows) if national["available"] else None,
        "comparisons": _comparisons(context, territory, flows, period, peers, scot),
    }
    series = pd.Series({r["year"]: r["total_ha"] for r in rows}, dtype="float64")
    # The allowance of the ZAN trajectory, from the flows as corrected (the national series
    # when no correction applies): the rule of core.zan, as everywhere else.
    full = series
    if period.start > zan.REFERENCE_START or period.end < zan.REFERENCE_END:  # the decade outside the period
        decade = figures.consumption(flows, codes, Period(zan.REFERENCE_START, zan.REFERENCE_END))
        full = series.combine_first(pd.Series({r["year"]: r["total_ha"] for r in decade["years"]}, dtype="float64"))
    trajectory = zan.from_flows(
        territory.code,
        territory.level,
        full,
        without_plan=frozenset(context.warehouse.manifest.get("zan_no_guarantee", ())),
    )
    target = next((c for c in own if c.indicator == "objectif_2021_2030"), None)
    if target is not None and trajectory.get("available"):
        consumed = trajectory["consumed_since_2021_ha"]
        trajectory["target"] = {
            "value_ha": target.value,
            "source": target.source,
            "reason": target.reason,
            "share_consumed_pct": 100 * consumed / target.value if target.value > 0 else None,
            "remaining_ha": target.value - consumed,
        }
    result = {
        "schema": 1,
        "territory": {
            "code": territory.code,
            "name": territory.name,
            "level": territory.level,
            "departement": territory.departement,
            "epci": territory.epci,
            "scot": scot,
            "communes": len(codes),
        },
        "demo": bool(context.warehouse.manifest.get("demo")),
        "drafted_on": (today or date.today()).isoformat(),
        "period": {"start": period.start, "end": period.end, "label": period.label()},
        "framework": {"legal_basis": LEGAL_BASIS, "presented_by": presenter(territory)},
        "sources": _sources(context),
        "consumption": section_1,
        "ocsge": _land_cover(flows, codes, area_ha),
        "zan": trajectory,
        "corrections": trace,
        "recipients": recipients(context, territory, scot),
    }
    result["texts"] = sentences.zones(result)
    result["deliberation"] = sentences.deliberation(result)
    return result
