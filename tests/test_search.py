"""Search by name: accents, case, hyphens, articles, misspellings, homonyms by population."""

import pytest

from territoire_data import search


def codes(text, **options):
    return [r.code for r in search(text, **options)]


def test_saint_etienne_first_homonyms_by_population(ref):
    results = search("saint etienne", limit=10)
    assert results[0].code == "42218" and results[0].name == "Saint-Étienne"
    following = [r for r in results[1:] if r.match == "start"]
    populations = [r.population for r in following]
    assert populations == sorted(populations, reverse=True)


def test_exact_homonyms_ranked_by_population(ref):
    results = [r for r in search("merignac", limit=5) if r.match == "name"]
    assert [r.code for r in results] == ["33281", "16216", "17229"]
    assert search("MÉRIGNAC")[0].code == "33281"


@pytest.mark.parametrize(
    "text", ["l'abergement clemenciat", "L'Abergement-Clémenciat", "abergement-clemenciat", "L ABERGEMENT CLEMENCIAT"]
)
def test_article_accents_hyphens(ref, text):
    assert codes(text)[0] == "01001"


def test_abbreviation_saint(ref):
    assert codes("st etienne")[0] == "42218"


@pytest.mark.parametrize("text", ["bordeau", "bordaux", "bordeuax"])
def test_typos(ref, text):
    assert "33063" in codes(text, limit=3)


def test_by_code(ref):
    assert codes("33063")[0] == "33063"
    assert codes("dep:33", levels=("departement",)) == ["dep:33"]


def test_former_commune_leads_to_new_commune(ref):
    result = search("Bellegarde-sur-Valserine")[0]
    assert result.code == "01033" and result.name == "Valserhône"
    assert result.match == "former_commune:Bellegarde-sur-Valserine"


def test_other_levels(ref):
    levels = ("commune", "epci", "departement", "region")
    assert codes("gironde", levels=levels)[0] == "dep:33"
    assert codes("bordeaux metropole", levels=levels)[0] == "epci:243300316"
    assert codes("nouvelle aquitaine", levels=levels)[0] == "reg:75"
    assert all(":" not in c for c in codes("gironde"))  # communes only by default


def test_nothing_matches(ref):
    assert search("zzzzqqqq") == []
    assert search("   ") == []


@pytest.mark.parametrize(
    "text, code",
    [
        ("paris 15", "75115"),
        ("Paris 15e", "75115"),
        ("paris 15eme", "75115"),
        ("marseille 1er", "13201"),
        ("lyon 3", "69383"),
        ("75115", "75115"),
    ],
)
def test_municipal_arrondissements(ref, text, code):
    first_one = search(text)[0]
    assert first_one.code == code and first_one.level == "arrondissement"


def test_prefixes_ranked_by_population(ref):
    """A big town whose name starts with the text before a village bearing exactly that name."""
    assert codes("evry")[:2] == ["91228", "89162"]  # Évry-Courcouronnes, then Évry (Yonne)
    assert codes("aix")[0] == "13001"  # Aix-en-Provence before Aix (Corrèze)
    assert codes("saint denis")[0] in ("93066", "97411")


@pytest.mark.parametrize(
    "text, code",
    [
        ("saint denis 93", "93066"),
        ("saint-denis (93)", "93066"),
        ("saint denis reunion", "97411"),
        ("saint denis la reunion", "97411"),
    ],
)
def test_departement_in_search(ref, text, code):
    assert codes(text)[0] == code


def test_unknown_population_never_zero(ref):
    mamoudzou = search("mamoudzou")[0]
    assert mamoudzou.code == "97611" and mamoudzou.population is None
