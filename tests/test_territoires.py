"""The territory API used by notebooks."""

import pytest
import shapely

from territoire_data import TerritoireInconnu, territoire


def test_commune(ref):
    bordeaux = territoire("33063")
    assert (bordeaux.code, bordeaux.name, bordeaux.level) == ("33063", "Bordeaux", "commune")
    assert bordeaux.parents == ("epci:243300316", "dep:33", "reg:75", "france")
    assert bordeaux.communes == ("33063",)
    assert bordeaux.departement == "33" and bordeaux.epci == "243300316"
    assert bordeaux.geometry.contains(shapely.Point(-0.5792, 44.8378))  # place de la Comédie
    assert bordeaux.parent("departement").name == "Gironde"
    assert bordeaux.parent("epci").name == "Bordeaux Métropole"
    assert bordeaux.parent("region").code == "reg:75" and bordeaux.parent("france").code == "france"
    assert territoire("75101").parent("commune").code == "75056"
    assert territoire("dep:33").parent("epci") is None


@pytest.mark.parametrize(
    "code,niveau,nom,n",
    [
        ("epci:243300316", "epci", "Bordeaux Métropole", 28),
        ("dep:33", "departement", "Gironde", 534),
        ("DEP:33", "departement", "Gironde", 534),
        ("dep:2a", "departement", "Corse-du-Sud", 124),
        ("reg:75", "region", "Nouvelle-Aquitaine", 4_293),
        ("france", "france", "France", 34_875),
    ],
)
def test_groupes(ref, code, niveau, nom, n):
    t = territoire(code)
    assert (t.level, t.name, len(t.communes)) == (niveau, nom, n)


def test_un_groupe_est_la_somme_de_ses_membres(ref):
    region = territoire("reg:75")
    departements = [d for d in ref.departements.index if ref.departements.at[d, "region"] == "75"]
    membres = [c for d in departements for c in territoire(f"dep:{d}").communes]
    assert sorted(membres) == sorted(region.communes)
    assert region.superficie_km2 == pytest.approx(sum(territoire(f"dep:{d}").superficie_km2 for d in departements))


def test_geometrie_d_un_groupe(ref):
    gironde = territoire("dep:33")
    assert gironde.geometry.is_valid
    assert gironde.geometry.contains(territoire("33063").geometry.representative_point())
    # The union dissolves shared edges: a single outline (plus islands).
    assert len(shapely.get_parts(gironde.geometry)) < 10


def test_fiche(ref):
    fiche = territoire("33063").fiche()
    assert fiche["departement"] == {"code": "33", "name": "Gironde"}
    assert fiche["epci"] == {"code": "243300316", "name": "Bordeaux Métropole"}
    assert fiche["n_communes"] == 1 and 45 < fiche["area_km2"] < 55


@pytest.mark.parametrize(
    "code,suggestion",
    [("33999", "33"), ("bordeaux", "33063 (Bordeaux"), ("epci:24330031", "epci:243300316"), ("dep:330", "dep:33")],
)
def test_code_inconnu_avec_suggestions(ref, code, suggestion):
    with pytest.raises(TerritoireInconnu) as erreur:
        territoire(code)
    assert any(s.startswith(suggestion) for s in erreur.value.suggestions), erreur.value.suggestions
