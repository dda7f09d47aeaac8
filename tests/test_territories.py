"""The territory API used by notebooks."""

import pytest
import shapely

from territoire_data import UnknownTerritory, territory


def test_commune(ref):
    bordeaux = territory("33063")
    assert (bordeaux.code, bordeaux.name, bordeaux.level) == ("33063", "Bordeaux", "commune")
    assert bordeaux.parents == ("epci:243300316", "dep:33", "reg:75", "france")
    assert bordeaux.communes == ("33063",)
    assert bordeaux.departement == "33" and bordeaux.epci == "243300316"
    assert bordeaux.geometry.contains(shapely.Point(-0.5792, 44.8378))  # place de la Comédie
    assert bordeaux.parent("departement").name == "Gironde"
    assert bordeaux.parent("epci").name == "Bordeaux Métropole"
    assert bordeaux.parent("region").code == "reg:75" and bordeaux.parent("france").code == "france"
    assert territory("75101").parent("commune").code == "75056"
    assert territory("dep:33").parent("epci") is None


@pytest.mark.parametrize(
    "code, level, name, n",
    [
        ("epci:243300316", "epci", "Bordeaux Métropole", 28),
        ("dep:33", "departement", "Gironde", 534),
        ("DEP:33", "departement", "Gironde", 534),
        ("dep:2a", "departement", "Corse-du-Sud", 124),
        ("reg:75", "region", "Nouvelle-Aquitaine", 4_293),
        ("france", "france", "France", 34_875),
    ],
)
def test_groups(ref, code, level, name, n):
    t = territory(code)
    assert (t.level, t.name, len(t.communes)) == (level, name, n)


def test_a_group_is_the_sum_of_its_members(ref):
    region = territory("reg:75")
    departements = [d for d in ref.departements.index if ref.departements.at[d, "region"] == "75"]
    members = [c for d in departements for c in territory(f"dep:{d}").communes]
    assert sorted(members) == sorted(region.communes)
    assert region.area_km2 == pytest.approx(sum(territory(f"dep:{d}").area_km2 for d in departements))


def test_geometry_of_a_group(ref):
    gironde = territory("dep:33")
    assert gironde.geometry.is_valid
    assert gironde.geometry.contains(territory("33063").geometry.representative_point())
    # The union dissolves shared edges: a single outline (plus islands).
    assert len(shapely.get_parts(gironde.geometry)) < 10


def test_card(ref):
    card = territory("33063").card()
    assert card["departement"] == {"code": "33", "name": "Gironde"}
    assert card["epci"] == {"code": "243300316", "name": "Bordeaux Métropole"}
    assert card["n_communes"] == 1 and 45 < card["area_km2"] < 55


@pytest.mark.parametrize(
    "code,suggestion",
    [("33999", "33"), ("bordeaux", "33063 (Bordeaux"), ("epci:24330031", "epci:243300316"), ("dep:330", "dep:33")],
)
def test_unknown_code_with_suggestions(ref, code, suggestion):
    with pytest.raises(UnknownTerritory) as error:
        territory(code)
    assert any(s.startswith(suggestion) for s in error.value.suggestions), error.value.suggestions
