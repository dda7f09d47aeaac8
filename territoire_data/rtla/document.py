"""The report as a sequence of blocks — headings, paragraphs, tables, charts and zones to
write — laid out by each writer (``writers``) the same way. Text is plain: each writer
escapes or places it as text, so that nothing typed in a correction or a zone becomes
markup or a formula."""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from territoire_data.rendering.formatting import day, number


@dataclass
class Heading:
    text: str
    level: int = 1


@dataclass
class Paragraph:
    text: str
    style: str = "normal"  # normal, note, warning


@dataclass
class Table:
    columns: list[str]
    rows: list[list[str]]
    caption: str = ""
    numeric: list[bool] = field(default_factory=list)


@dataclass
class Chart:
    png: bytes
    caption: str
    width_cm: float = 16.0


@dataclass
class Zone:
    """A text the author completes or replaces, pre-filled from the figures."""

    title: str
    text: str


@dataclass
class PageBreak:
    pass


Block = Heading | Paragraph | Table | Chart | Zone | PageBreak


def _ha(value, decimals: int = 2) -> str:
    return "n.d." if value is None else f"{number(value, decimals)} ha"


LAND_COVER = {
    "artificialisation": (
        "2° Solde entre surfaces artificialisées et désartificialisées",
        "surface artificialisée",
        "artificialisation nette (artificialisée moins désartificialisée)",
    ),
    "impermeabilisation": (
        "3° Surfaces imperméabilisées",
        "surface imperméabilisée",
        "imperméabilisation nette (imperméabilisée moins désimperméabilisée)",
    ),
}


def _land_cover(figures: dict, title: str, surface: str, balance: str) -> list:
    """One of sections 2° and 3°: the two millésimes and the net flow, or why not."""
    if not figures["available"]:
        return [Heading(title, 2), Paragraph(f"Non renseigné : {figures['reason']}.", "note")]
    first, second = figures["first_year"], figures["second_year"]
    return [
        Heading(title, 2),
        Table(
            ["millésime OCS GE", surface, "part de la superficie"],
            [
                [str(first), _ha(figures["surface_first_ha"]), _pct(figures["share_first_pct"])],
                [str(second), _ha(figures["surface_second_ha"]), _pct(figures["share_second_pct"])],
            ],
            f"OCS GE (IGN), millésimes {first} et {second}",
            [False, True, True],
        ),
        Paragraph(
            f"De {first} à {second}, {balance} : {_ha(figures['net_ha'])}, soit {_ha(figures['net_per_year_ha'])} par an."
        ),
    ]


def _pct(value, decimals: int = 1) -> str:
    return "n.d." if value is None else f"{number(value, decimals)} %"


def chart(report: dict) -> bytes | None:
    """Bar chart of the yearly consumption by destination (PNG), or None without figures."""
    rows = report["consumption"]["years"]
    if not rows:
        return None
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    figure = Figure(figsize=(7.5, 3.4), dpi=120)
    axes = figure.add_subplot()
    years = [r["year"] for r in rows]
    bottom = [0.0] * len(rows)
    colours = {
        "habitat": "#2e6f9e",
        "activite": "#d08b2c",
        "mixte": "#8a6bb1",
        "routes": "#7a7a7a",
        "ferre": "#4d4d4d",
        "inconnu": "#b9b9b9",
    }
    detailed = all(r.get("habitat_ha") is not None for r in rows)
    if detailed:
        from territoire_data.rtla.figures import DESTINATIONS

        for _variable, (key, label) in DESTINATIONS.items():
            values = [r.get(f"{key}_ha") or 0.0 for r in rows]
            if any(values):
                axes.bar(years, values, bottom=bottom, label=label, color=colours[key], width=0.7)
                bottom = [b + v for b, v in zip(bottom, values, strict=True)]
        axes.legend(fontsize=7, ncols=3, frameon=False, loc="upper right")
    else:
        axes.bar(years, [r["total_ha"] for r in rows], color=colours["habitat"], width=0.7)
    axes.axvline(2020.5, color="#c0392b", linewidth=1, linestyle="--")
    axes.set_ylabel("hectares", fontsize=8)
    axes.set_xticks(years)
    axes.tick_params(labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    axes.yaxis.set_major_formatter(lambda v, _p: number(v, 1))
    figure.subplots_adjust(left=0.08, right=0.99, top=0.96, bottom=0.1)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def blocks(report: dict) -> list[Block]:
    """The report of ``report`` (``report.draft``) in the order of article R2231-1."""
    t = report["territory"]
    c = report["consumption"]
    z = report["zan"]
    out: list[Block] = [
        Heading(f"Rapport local de suivi de l'artificialisation des sols — {t['name']}", 0),
        Paragraph(
            f"Projet de rapport triennal, période {report['period']['label']}. Document de travail établi le "
            f"{day(report['drafted_on'])} à partir des données ouvertes : les zones à rédiger sont pré-remplies et "
            "se modifient librement."
        ),
    ]
    if report["demo"]:
        out.append(
            Paragraph("DONNÉES DE DÉMONSTRATION : valeurs synthétiques, à ne pas présenter au conseil.", "warning")
        )
    out += [
        Heading("Cadre"),
        Paragraph(report["framework"]["legal_basis"]),
        Paragraph(
            f"Le rapport est présenté par {report['framework']['presented_by']} au conseil, qui en débat ; il fait "
            "l'objet d'une délibération, est publié et transmis dans les quinze jours aux destinataires listés en annexe."
        ),
        Table(
            ["source", "éditions", "années"],
            [[s["source"], ", ".join(s["editions"]), "–".join(str(y) for y in s["years"])] for s in report["sources"]],
            "Sources des chiffres",
        ),
        Heading("1° Consommation d'espaces naturels, agricoles et forestiers"),
    ]
    if not c["available"]:
        out.append(Paragraph(c["reason"], "warning"))
    else:
        out.append(
            Paragraph(
                f"Consommation de la période : {_ha(c['total_ha'])}, soit {_pct(c['share_of_area_pct'], 2)} de la "
                f"superficie du territoire ({_ha(c['area_ha'], 0)} ; source : {c['area_source']}). Période de référence "
                f"2011-2020 : {_ha(c['reference_2011_2020_ha'])} ({_ha(c['reference_ha_per_year'])} par an) ; depuis "
                f"2021 : {_ha(c['since_2021_ha'])} ({_ha(c['since_2021_ha_per_year'])} par an)."
            )
        )
        png = chart(report)
        if png:
            out.append(
                Chart(
                    png,
                    "Consommation d'espaces par année et par destination (Cerema) ; tirets : début de la période 2021-2030.",
                )
            )
        destinations = ["habitat", "activite", "mixte", "routes", "ferre", "inconnu"]
        out.append(
            Table(
                [
                    "année",
                    "total (ha)",
                    *(c["by_destination"][d]["label"].lower() + " (ha)" for d in destinations),
                    "part de la superficie",
                ],
                [
                    [
                        str(r["year"]) + (" *" if r.get("corrected") else ""),
                        number(r["total_ha"], 2),
                        *("n.d." if r.get(f"{d}_ha") is None else number(r[f"{d}_ha"], 2) for d in destinations),
                        _pct(100 * r["total_ha"] / c["area_ha"], 3) if c["area_ha"] else "n.d.",
                    ]
                    for r in c["years"]
                ],
                "Consommation par année et par destination (* : valeur corrigée, voir « Corrections locales »)",
                [False] + [True] * 8,
            )
        )
        out.append(
            Table(
                ["destination", "hectares", "part"],
                [[v["label"], _ha(v["ha"]), _pct(v["share_pct"], 1)] for v in c["by_destination"].values()],
                f"Par destination, {report['period']['start']}-{report['period']['end']}",
                [False, True, True],
            )
        )
        d = c["demography"]
        out.append(
            Table(
                ["", "2014", "2020", "évolution", "m² consommés par unité supplémentaire"],
                [
                    [
                        f"{v['label']}s".replace("ménages", "ménages (flux habitat)").replace(
                            "emplois", "emplois (flux activité)"
                        ),
                        number(v["count_2014"], 0) if v["count_2014"] is not None else "n.d.",
                        number(v["count_2020"], 0) if v["count_2020"] is not None else "n.d.",
                        number(v["change"], 0) if v["change"] is not None else "n.d.",
                        number(v["m2_per_new"], 0)
                        if v["m2_per_new"] is not None
                        else "sans objet"
                        if v["change"] is not None
                        else "n.d.",
                    ]
                    for v in (d["inhabitants"], d["households"], d["jobs"])
                ],
                f"Consommation et évolution de la population, des ménages et des emplois (Cerema, {d['flows']})",
                [False, True, True, True, True],
            )
        )
    comparisons = c["comparisons"]
    lines = comparisons["peers"] + comparisons["groups"]
    if lines:
        out.append(Paragraph(f"Territoires comparés : {comparisons['rule']}.", "note"))
        out.append(
            Table(
                [
                    "territoire",
                    "relation",
                    "consommation (ha)",
                    "ha par an",
                    "part de la superficie",
                    "m² par ha de superficie",
                ],
                [
                    [
                        f"{line['name']} ({line['code']})",
                        line["relation"],
                        _ha(line["total_ha"]),
                        _ha(line["ha_per_year"]),
                        _pct(line["share_of_area_pct"], 2),
                        number(line["m2_per_ha_of_area"], 0) if line["m2_per_ha_of_area"] is not None else "n.d.",
                    ]
                    for line in lines
                ],
                f"Comparaisons sur la période {report['period']['start']}-{report['period']['end']}",
                [False, False, True, True, True, True],
            )
        )
    out += [Heading("2° Artificialisation nette et 3° imperméabilisation des sols"), Paragraph(report["ocsge"]["text"])]
    if report["ocsge"]["available"]:
        for kind, (title, surface, balance) in LAND_COVER.items():
            out += _land_cover(report["ocsge"][kind], title, surface, balance)
    out.append(Heading("4° Appréciation au regard des objectifs"))
    if z.get("available"):
        out.append(
            Table(
                ["", "valeur"],
                [
                    ["Consommation de référence 2011-2020", _ha(z["reference_2011_2020_ha"])],
                    [
                        "Enveloppe 2021-2030 (50 % de la référence"
                        + (", garantie communale de 1 ha)" if z["floor_1ha_applied"] else ")"),
                        _ha(z["allowance_2021_2030_ha"]),
                    ],
                    [f"Consommé de 2021 à {z['last_year']}", _ha(z["consumed_since_2021_ha"])],
                    [
                        "Part de l'enveloppe consommée",
                        _pct(100 * z["consumed_since_2021_ha"] / z["allowance_2021_2030_ha"], 0)
                        if z["allowance_2021_2030_ha"] > 0
                        else "n.d.",
                    ],
                    ["Reste à consommer d'ici 2031", _ha(z["remaining_ha"])],
                    ["Rythme observé depuis 2021", f"{number(z['observed_pace_ha_per_year'], 2)} ha par an"],
                    ["Projection au 1er janvier 2031", _ha(z["projection_2031_ha"])],
                    [
                        "Année d'épuisement de l'enveloppe à ce rythme",
                        str(z["exhaustion_year"]) if z["exhaustion_year"] else "après 2030",
                    ],
                    *(
                        [
                            [
                                f"Objectif territorialisé 2021-2030 ({z['target']['source']})",
                                _ha(z["target"]["value_ha"]),
                            ],
                            ["Part de l'objectif territorialisé consommée", _pct(z["target"]["share_consumed_pct"], 0)],
                            ["Reste au regard de l'objectif territorialisé", _ha(z["target"]["remaining_ha"])],
                        ]
                        if z.get("target")
                        else []
                    ),
                ],
                "Trajectoire de réduction de la consommation (objectif national, loi Climat et résilience)"
                + (
                    " et objectif territorialisé"
                    if z.get("target")
                    else " ; aucun objectif territorialisé (SRADDET, SCoT, PLU) n'est donné : il s'ajoute dans le "
                    "fichier de corrections (indicateur objectif_2021_2030)"
                ),
                [False, True],
            )
        )
        out.append(Paragraph(z["floor_1ha_reference"] + ".", "note"))
    else:
        out.append(Paragraph(f"Trajectoire non calculable : {z.get('reason', '')}.", "warning"))
    out += [
        Zone("Explication des évolutions observées", report["texts"]["explanation"]),
        Zone("Appréciation du conseil", report["texts"]["council"]),
        Zone("Actions engagées", report["texts"]["actions"]),
        Heading("Corrections locales"),
    ]
    if report["corrections"]:
        out.append(
            Table(
                ["chiffre", "année", "valeur nationale", "valeur retenue", "source", "motif", "saisie"],
                [
                    [
                        k["label"],
                        str(k["year"] or ""),
                        (_ha(k["national_value"]) + " (Cerema)") if k["national_value"] is not None else "n.d.",
                        _ha(k["value"]) + ("" if k["used"] else " (hors période, non utilisée)"),
                        k["source"],
                        k["reason"],
                        " ".join(x for x in (k["recorded_by"], k["recorded_on"]) if x),
                    ]
                    for k in report["corrections"]
                ],
                "Chiffres nationaux remplacés par des valeurs locales (article R2231-1)",
            )
        )
    else:
        out.append(Paragraph("Aucune : tous les chiffres sont ceux des sources nationales citées."))
    out += [
        PageBreak(),
        Heading("Annexe 1 — Projet de délibération"),
        *(Paragraph(line) for line in report["deliberation"].split("\n")),
        Heading("Annexe 2 — Destinataires (dans les quinze jours, CGCT L2231-1)"),
        Table(["destinataire", "désignation"], [[r["role"], r["name"]] for r in report["recipients"]]),
    ]
    return out
