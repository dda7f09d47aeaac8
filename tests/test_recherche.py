"""Search by name: accents, case, hyphens, articles, misspellings, homonyms by population."""

import pytest

from territoire_data import search


def codes(texte, **options):
    return [r.code for r in search(texte, **options)]


def test_saint_etienne_d_abord_les_homonymes_par_population(ref):
    resultats = search("saint etienne", limite=10)
    assert resultats[0].code == "42218" and resultats[0].name == "Saint-Étienne"
    suivants = [r for r in resultats[1:] if r.match == "debut"]
    populations = [r.population for r in suivants]
    assert populations == sorted(populations, reverse=True)


def test_homonymes_exacts_classes_par_population(ref):
    resultats = [r for r in search("merignac", limite=5) if r.match == "nom"]
    assert [r.code for r in resultats] == ["33281", "16216", "17229"]
    assert search("MÉRIGNAC")[0].code == "33281"


@pytest.mark.parametrize(
    "texte", ["l'abergement clemenciat", "L'Abergement-Clémenciat", "abergement-clemenciat", "L ABERGEMENT CLEMENCIAT"]
)
def test_article_accents_tirets(ref, texte):
    assert codes(texte)[0] == "01001"


def test_abreviation_saint(ref):
    assert codes("st etienne")[0] == "42218"


@pytest.mark.parametrize("texte", ["bordeau", "bordaux", "bordeuax"])
def test_fautes_de_frappe(ref, texte):
    assert "33063" in codes(texte, limite=3)


def test_par_code(ref):
    assert codes("33063")[0] == "33063"
    assert codes("dep:33", niveaux=("departement",)) == ["dep:33"]


def test_ancienne_commune_mene_a_la_commune_nouvelle(ref):
    resultat = search("Bellegarde-sur-Valserine")[0]
    assert resultat.code == "01033" and resultat.name == "Valserhône"
    assert resultat.match == "ancienne_commune:Bellegarde-sur-Valserine"


def test_autres_niveaux(ref):
    niveaux = ("commune", "epci", "departement", "region")
    assert codes("gironde", niveaux=niveaux)[0] == "dep:33"
    assert codes("bordeaux metropole", niveaux=niveaux)[0] == "epci:243300316"
    assert codes("nouvelle aquitaine", niveaux=niveaux)[0] == "reg:75"
    assert all(":" not in c for c in codes("gironde"))  # communes only by default


def test_rien_ne_correspond(ref):
    assert search("zzzzqqqq") == []
    assert search("   ") == []


@pytest.mark.parametrize("texte, code", [
    ("paris 15", "75115"), ("Paris 15e", "75115"), ("paris 15eme", "75115"), ("marseille 1er", "13201"),
    ("lyon 3", "69383"), ("75115", "75115"),
])
def test_arrondissements_municipaux(ref, texte, code):
    premier = search(texte)[0]
    assert premier.code == code and premier.level == "arrondissement"


def test_prefixes_classes_par_population(ref):
    """A big town whose name starts with the text before a village bearing exactly that name."""
    assert codes("evry")[:2] == ["91228", "89162"]  # Évry-Courcouronnes, then Évry (Yonne)
    assert codes("aix")[0] == "13001"  # Aix-en-Provence before Aix (Corrèze)
    assert codes("saint denis")[0] in ("93066", "97411")


@pytest.mark.parametrize("texte, code", [("saint denis 93", "93066"), ("saint-denis (93)", "93066"),
                                         ("saint denis reunion", "97411"), ("saint denis la reunion", "97411")])
def test_departement_dans_la_recherche(ref, texte, code):
    assert codes(texte)[0] == code


def test_population_inconnue_jamais_zero(ref):
    mamoudzou = search("mamoudzou")[0]
    assert mamoudzou.code == "97611" and mamoudzou.population is None
