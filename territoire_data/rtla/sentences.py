"""The sentences of the zones to write, made by rules from the figures (as « Ce qu'il faut
retenir » is): the author keeps them or replaces them. Each sentence names its figure and
period; none is written about a figure that is missing."""

from __future__ import annotations

from territoire_data.rendering.formatting import number


def _ha(value: float) -> str:
    return f"{number(value, 2)} ha"


def zones(report: dict) -> dict[str, str]:
    """« Explication des évolutions observées », « Appréciation du conseil », « Actions engagées »."""
    c = report["consumption"]
    t = report["zan"]
    name = report["territory"]["name"]
    period = report["period"]
    explanation: list[str] = []
    council: list[str] = []
    actions: list[str] = []
    if not c["available"]:
        explanation.append(c["reason"])
    else:
        total = c["total_ha"]
        share = c["share_of_area_pct"]
        explanation.append(
            f"De {period['start']} à {period['end']}, {name} a consommé {_ha(total)} d'espaces naturels, agricoles "
            f"et forestiers" + (f", soit {number(share, 2)} % de sa superficie." if share is not None else ".")
        )
        habitat = c["by_destination"]["habitat"]
        activity = c["by_destination"]["activite"]
        if habitat["share_pct"] is not None:
            explanation.append(
                f"L'habitat en représente {number(habitat['share_pct'], 0)} %"
                + (f", l'activité {number(activity['share_pct'], 0)} %." if activity["share_pct"] is not None else ".")
            )
        before, after = c["reference_ha_per_year"], c["since_2021_ha_per_year"]
        if before is not None and after is not None and before > 0:
            change = 100 * (after - before) / before
            explanation.append(
                f"Depuis 2021, le rythme est de {number(after, 2)} ha par an, contre {number(before, 2)} ha par an "
                f"de 2011 à 2020 ({'+' if change >= 0 else '−'}{number(abs(change), 0)} %)."
            )
        median = c["comparisons"]["peers_median_m2_per_ha_of_area"]
        own = c["total_ha"] * 10_000 / c["area_ha"] if c["area_ha"] else None
        if median is not None and own is not None:
            n = len([p for p in c["comparisons"]["peers"] if p["m2_per_ha_of_area"] is not None])
            word = "plus" if own > median else "moins"
            explanation.append(
                f"Rapportée à sa superficie ({number(own, 0)} m² par hectare), c'est {word} que la médiane des "
                f"{n} communes comparables ({number(median, 0)} m² par hectare)."
            )
        households = (c.get("demography") or {}).get("households") or {}
        if households.get("m2_per_new") is not None:
            explanation.append(
                f"De 2014 à 2020, chaque ménage supplémentaire correspond à {number(households['m2_per_new'], 0)} m² "
                "consommés pour l'habitat."
            )
    if t.get("available"):
        allowance = t["allowance_2021_2030_ha"]
        guarantee = " (garantie communale de 1 ha appliquée)" if t["floor_1ha_applied"] else ""
        council.append(
            f"L'enveloppe de consommation 2021-2030 est de {_ha(allowance)}{guarantee} ; {_ha(t['consumed_since_2021_ha'])} "
            f"ont été consommés de 2021 à {t['last_year']}, soit {number(100 * t['consumed_since_2021_ha'] / allowance, 0)} % "
            "de l'enveloppe."
            if allowance > 0
            else f"L'enveloppe de consommation 2021-2030 est nulle ; {_ha(t['consumed_since_2021_ha'])} ont été consommés."
        )
        target = t.get("target")
        if target and target["share_consumed_pct"] is not None:
            council.append(
                f"Au regard de l'objectif territorialisé de {_ha(target['value_ha'])} ({target['source']}), "
                f"{number(target['share_consumed_pct'], 0)} % en sont consommés."
            )
        if t["exhaustion_year"] is not None and t["exhaustion_year"] <= 2030:
            council.append(
                f"Au rythme observé depuis 2021, l'enveloppe serait épuisée en {t['exhaustion_year']} : la trajectoire "
                "n'est pas tenue sans infléchir la consommation."
            )
        else:
            council.append(
                "Au rythme observé depuis 2021, l'enveloppe ne serait pas épuisée avant 2031 "
                f"(projection : {_ha(t['projection_2031_ha'])})."
            )
    else:
        council.append(f"La trajectoire ZAN n'est pas calculable : {t.get('reason', 'données absentes')}.")
    if c["available"] and c["by_destination"]["habitat"]["share_pct"] is not None:
        if c["by_destination"]["habitat"]["share_pct"] >= 50:
            actions.append(
                "L'habitat étant la première destination de la consommation, la mobilisation des dents creuses, "
                "des logements vacants et la densification des tissus existants sont les premiers leviers."
            )
        else:
            actions.append(
                "Les activités et les infrastructures pesant autant que l'habitat, la requalification des zones "
                "d'activités existantes est un levier à examiner."
            )
    actions.append(
        "[À compléter : actions engagées ou prévues par la collectivité (document d'urbanisme, opérations, acquisitions).]"
    )
    return {
        "explanation": " ".join(explanation),
        "council": " ".join(council),
        "actions": " ".join(actions),
    }


def deliberation(report: dict) -> str:
    """The draft deliberation, in the usual form of a council's act."""
    territory = report["territory"]
    council = "Le conseil municipal" if territory["level"] == "commune" else "Le conseil communautaire"
    lines = [
        f"{council} de {territory['name']},",
        "Vu le code général des collectivités territoriales, notamment ses articles L2231-1 et R2231-1 ;",
        "Vu la loi n° 2021-1104 du 22 août 2021 portant lutte contre le dérèglement climatique et renforcement de la "
        "résilience face à ses effets, notamment son article 206 ;",
        "Vu le rapport local de suivi de l'artificialisation des sols présenté par "
        f"{report['framework']['presented_by']}, portant sur la période {report['period']['label']} ;",
        "Considérant que ce rapport a donné lieu à un débat au sein du conseil ;",
        "Après en avoir délibéré,",
        "PREND ACTE de la présentation du rapport local de suivi de l'artificialisation des sols et de la tenue du débat ;",
        "DIT que le rapport et la présente délibération seront publiés dans les conditions de l'article L2131-1 du code "
        "général des collectivités territoriales et transmis dans un délai de quinze jours aux destinataires prévus "
        "par l'article L2231-1.",
        "[Lieu], le [date]. [Nom, qualité et signature.]",
    ]
    return "\n".join(lines)
