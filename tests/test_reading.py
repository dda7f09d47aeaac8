"""« Ce qu'il faut retenir »: every generated sentence checked against the figures it cites.

On the demo warehouse (Gironde, Dordogne): the sentences come from rules over the indicator
table and the ZAN trajectory; each number in a sentence must be the table's, formatted the
French way, with its year and its peer group.
"""

from __future__ import annotations

import re

import pytest

from territoire_data.rendering.formatting import number
from territoire_data.rendering.reading import DENSITY_LEVELS, describe_peers, rank_words, reading_of, takeaways


@pytest.fixture(scope="module")
def demo(home_demo):
    from territoire_data.workspace import Workspace

    return Workspace(home_demo)


@pytest.mark.parametrize("code", ["33063", "33440", "24322", "33281"])
def test_sentences_match_the_values_they_cite(demo, code):
    from territoire_data.core import zan
    from territoire_data.core.indicators import indicator_table

    territory = demo.territory(code)
    table = indicator_table(territory, peers="densite", warehouse=demo.warehouse)
    rows = {r["id"]: r for r in table.to_dict("records")}
    reading = reading_of(territory, "densite", demo.warehouse, table)
    assert 3 <= len(reading.takeaways) <= 6
    kinds = [t.kind for t in reading.takeaways]
    assert "zan" in kinds and "trend" in kinds
    for sentence in reading.takeaways:
        assert sentence.text.endswith(".") and "nan" not in sentence.text and "-0,0" not in sentence.text
        if sentence.kind in ("strength", "weakness"):
            row = rows[sentence.indicator]
            decimals = int(row["decimals"])
            assert sentence.values["value"] == row["value"] and sentence.year == row["year"]
            assert f"{number(row['value'], decimals)} {row['unit']}" in sentence.text
            assert str(int(row["year"])) in sentence.text
            assert rank_words(row, reading.peers.title) in sentence.text
            assert reading.peers.title in sentence.text and f"des {number(row['peers_n'])}" in sentence.text
            favourable = (row["percentile"] > 50) == (row["polarity"] == "hausse_favorable")
            assert (sentence.kind == "strength") == favourable
            assert sentence.text.endswith(": favorable.") if favourable else sentence.text.endswith(": défavorable.")
        if sentence.kind == "trend":
            row = rows[sentence.indicator]
            rate = row["value"]
            assert sentence.values["annual_rate"] == rate
            if abs(rate) >= 0.05:
                assert number(abs(rate), 1) in sentence.text
                assert ("augmente" in sentence.text) == (rate > 0) and ("diminue" in sentence.text) == (rate < 0)
            assert str(int(row["year"])) in sentence.text
        if sentence.kind == "zan":
            t = zan.trajectory(territory, warehouse=demo.warehouse)
            assert f"{number(t['consumed_since_2021_ha'], 1)} ha" in sentence.text
            assert f"{number(t['allowance_2021_2030_ha'], 1)} ha" in sentence.text
            share = t["consumed_since_2021_ha"] / t["allowance_2021_2030_ha"] * 100
            assert f"soit {number(share, 0)} %" in sentence.text
            if t["consumed_since_2021_ha"] < t["allowance_2021_2030_ha"] and t["exhaustion_year"] <= 2030:
                assert f"épuisée en {t['exhaustion_year']}" in sentence.text
    strengths = [t for t in reading.takeaways if t.kind == "strength"]
    weaknesses = [t for t in reading.takeaways if t.kind == "weakness"]
    assert len(strengths) <= 1 and len(weaknesses) <= 1


def test_peer_group_named_with_the_density_grid_level(demo):
    territory = demo.territory("33440")
    reading = reading_of(territory, "densite", demo.warehouse)
    level = int(demo.warehouse.density_classes.at["33440"])
    assert DENSITY_LEVELS[level] in reading.peers.title and f"niveau {level} sur 7" in reading.peers.definition
    assert "Saint-Martial" not in reading.peers.title and len(reading.peer_names) > 10
    epci = reading_of(territory, "epci", demo.warehouse)
    assert "«" in epci.peers.title and epci.peers.group == "epci"


def test_rules_on_made_up_rows():
    """The wording follows the polarity: more unemployment than most peers is a weakness."""
    peers = describe_peers("densite", "densite:5", [str(i) for i in range(17)])
    assert peers.title == "communes de même densité (bourgs ruraux)"
    rows = [
        {
            "id": "taux_chomage_15_64",
            "label": "Taux de chômage des 15-64 ans",
            "value": 12.345,
            "unit": "%",
            "year": 2021,
            "status": "ok",
            "comparable": True,
            "decimals": 1,
            "polarity": "baisse_favorable",
            "percentile": 80.0,
            "peers_n": 17,
            "median": 9.0,
        },
        {
            "id": "revenu_median",
            "label": "Revenu disponible médian",
            "value": 25000.0,
            "unit": "€",
            "year": 2021,
            "status": "ok",
            "comparable": True,
            "decimals": 0,
            "polarity": "hausse_favorable",
            "percentile": 90.0,
            "peers_n": 17,
            "median": 22000.0,
        },
        {
            "id": "variation_annuelle_population",
            "label": "Variation",
            "value": -0.42,
            "unit": "%/an",
            "year": 2021,
            "status": "ok",
            "decimals": 2,
            "polarity": "hausse_favorable",
            "percentile": None,
            "peers_n": 0,
        },
    ]
    sentences = takeaways(rows, peers)
    by_kind = {t.kind: t.text for t in sentences}
    assert by_kind["weakness"] == (
        "Point de vigilance : taux de chômage des 15-64 ans — 12,3 % en 2021, au-dessus de 80 % des 17 communes de "
        "même densité (bourgs ruraux) : défavorable."
    )
    assert by_kind["strength"].startswith(
        "Point fort : revenu disponible médian — 25\u202f000 € en 2021, au-dessus de 90 %"
    )
    assert by_kind["trend"].startswith("La population diminue de 0,4 % par an")
    few = [{**rows[0], "peers_n": 3}]
    assert not [t for t in takeaways(few, peers) if t.kind in ("strength", "weakness")]  # too few peers


def test_zan_trajectory_at_commune_epci_and_scot_levels(demo):
    """The dashboard's ZAN panel sets the commune's trajectory beside its EPCI's and its SCoT's."""
    from territoire_data.rendering.fragments import zan_frame
    from widgets.providers import WorkspaceProvider

    provider = WorkspaceProvider(demo)
    frame = provider.zan_frame("33440")
    names = [name for name, _ in frame]
    epci = demo.territory("33440").epci
    assert names[0] == demo.territory(f"epci:{epci}").name
    assert any(name.lower().startswith("scot") for name in names)
    own = provider.zan("33440")
    html = zan_frame([("Saint-Martial", own), *frame])
    for _name, t in [("Saint-Martial", own), *frame]:
        assert number(t["allowance_2021_2030_ha"], 2) in html
    assert own["floor_1ha_applied"] == (own["reference_2011_2020_ha"] / 2 < 1)  # the guarantee, by default


@pytest.mark.parametrize("value", [0.0, 1.0, 1.5, 5.5, 9.5, 10.0, 12.0])
def test_peer_distribution_labels_never_overlap(value):
    """Bottom labels (axis ends, the territory's value) keep apart, and stay inside the chart."""
    import re

    from territoire_data.rendering.svg import distribution

    svg = distribution(list(range(1, 11)), value, 5.0, title="t", unit="%", width=480)
    spans = []
    for x, anchor, text in re.findall(r'<text x="([\d.]+)" y="140"(?: text-anchor="(\w+)")?[^>]*>([^<]*)</text>', svg):
        width = 7.2 * len(text)
        left = {"end": float(x) - width, "middle": float(x) - width / 2}.get(anchor, float(x))
        spans.append((left, left + width))
        assert left >= 0 and left + width <= 480 + 1
    spans.sort()
    assert all(a[1] <= b[0] + 1 for a, b in zip(spans, spans[1:])), spans


def test_report_says_what_to_remember_and_defines_each_indicator(demo):
    from territoire_data.core.catalogue import BY_ID
    from territoire_data.rendering.portrait import Portrait

    portrait = Portrait("33440", workspace=demo)
    retenir = str(portrait.takeaways())
    assert "Ce qu'il faut retenir" in retenir and "ZAN" in retenir and "<a " not in retenir
    figures = str(portrait.key_figures())
    assert BY_ID["taux_pauvrete"].plain_definition.replace("'", "&#x27;") in figures
    assert "Pourquoi c'est important" in figures
    assert not re.search(r"\bnan\b", figures)  # a missing source reads « — », not « nan »


def test_evolution_chart_draws_every_year_the_warehouse_holds(demo):
    """A yearly flow (dwellings started) is drawn year by year, each point labelled with its
    year; a census indicator gets one point per vintage loaded."""
    import re

    from territoire_data.rendering import svg

    for indicator in ("logements_commences", "population"):
        series = demo.warehouse.series_of("33063", indicator)
        ok = series[series["status"].astype(str) == "ok"]
        drawn = svg.line_chart(ok["year"].to_numpy(), ok["value"].astype(float).to_numpy(), title=indicator)
        years = [int(y) for y in re.findall(r"<title>(\d{4}) : ", drawn)]
        assert years == sorted(int(y) for y in ok["year"]) and len(years) >= 2
    assert len(demo.warehouse.series_of("33063", "logements_commences")) >= 8


def test_cumulative_indicators_show_no_growth_rate(demo):
    """Consumption since 2011 or 2021 only grows: no « ▲ +54,0 %/an » on its card."""
    from territoire_data.core.indicators import indicator_table
    from widgets.cards import card_html

    table = indicator_table(demo.territory("33063"), peers="densite", warehouse=demo.warehouse)
    cumulative = table[table["cumulative"].astype(bool)]
    assert set(cumulative["id"]) == {
        "conso_naf_2011_2020",
        "conso_naf_depuis_2021",
        "enveloppe_zan",
        "part_enveloppe_zan_consommee",
    }
    assert cumulative["annual_rate"].isna().all() and cumulative["change"].isna().all()
    for record in cumulative.to_dict("records"):
        card = card_html(record)
        assert "%/an" not in card and "ti-evolution" not in card and "-0,0" not in card
    stocks = table[~table["cumulative"].astype(bool) & table["annual_rate"].notna()]
    assert len(stocks)  # other stocks keep their annual rate


def test_density_peers_are_narrowed_by_size_nearest_first(demo):
    """Bordeaux is compared with cities, not hamlets of the same density grid level: the
    density group is narrowed to its INSEE size class, widened to the neighbouring classes
    until it holds ``MIN_SIMILAR`` communes, and the rule is written; peers are listed
    nearest in population first."""
    import math

    from territoire_data.core.peer_groups import MIN_SIMILAR, SIZE_BOUNDS, populations, size_class

    warehouse, communes = demo.warehouse, demo.referential.communes
    population = populations(communes, warehouse.matrix)
    dens7 = warehouse.density_classes
    for code in ("33063", "33440", "24322"):
        reading = reading_of(demo.territory(code), "densite", warehouse)
        codes = [c for c, _ in reading.peer_names]
        level = dens7.at[code]
        same_level = dens7.index[dens7 == level]
        classes = size_class(population.reindex(same_level).fillna(-1))
        mine = int(classes.at[code])
        kept = classes.loc[codes]
        # The narrowest band of classes around the commune's that reaches MIN_SIMILAR communes.
        low, high = int(kept.min()), int(kept.max())
        assert low <= mine <= high and len(codes) == int(((classes >= low) & (classes <= high)).sum())
        assert len(codes) >= MIN_SIMILAR or (low == 1 and high == len(SIZE_BOUNDS))
        if high > low:
            narrower = (classes >= max(low + 1, min(mine, high))) & (classes <= min(high - 1, max(mine, low)))
            assert narrower.sum() < MIN_SIMILAR
        assert str(reading.peers.definition).count("habitants") >= 1
        distances = [abs(math.log(population[c] / population[code])) for c in codes]
        assert distances == sorted(distances) and codes[0] == code
    bordeaux = reading_of(demo.territory("33063"), "densite", demo.warehouse)
    small = [c for c, _ in bordeaux.peer_names if population[c] < 5_000]
    assert not small, small  # no rural town among Bordeaux's density peers any more
    assert "élargie aux classes voisines" in bordeaux.peers.definition
    assert "5\u202f000 habitants ou plus" in bordeaux.peers.title


def test_density_groups_in_one_pass_are_the_groups_of_each_commune(demo):
    """``similar_groups`` (a national site's shared lists) gives every commune the group that
    ``peers`` gives it alone: same key, same communes — with the grid (Gironde) and without
    (Territoire de Belfort, approximate classes)."""
    from territoire_data.core.peer_groups import peers, similar_groups

    warehouse, communes = demo.warehouse, demo.referential.communes
    sample = ["33063", "33440", "33281", "24322", "90010", "90001", "75056"]
    groups = similar_groups(communes, warehouse.matrix, warehouse.density_classes, sample)
    for code in sample:
        alone = peers(demo.territory(code), "densite", warehouse.matrix, warehouse.density_classes)
        assert alone.key in groups, (code, alone.key)
        assert set(groups[alone.key]) == set(alone.codes), code
