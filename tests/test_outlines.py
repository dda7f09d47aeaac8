"""Map outlines of a scope, kept on disk beside the referential (what a dashboard kernel reads)."""

from __future__ import annotations

import json
import shutil

import pytest

from territoire_data.core.referential import Referential
from territoire_data.core.referential.outlines import outlines, path_of, scope_codes


def test_outlines_of_a_departement_written_once_then_read(small_ref):
    path = path_of(small_ref, "dep:15")
    path.unlink(missing_ok=True)
    computed = outlines(small_ref, "dep:15")
    assert path.is_file()
    assert computed.codes == scope_codes(small_ref, "dep:15") and len(computed.codes) > 200
    assert computed.names[computed.codes.index("15014")] == "Aurillac"
    west, south, east, north = computed.bounds
    assert 2.0 < west < east < 3.5 and 44.5 < south < north < 45.6  # the Cantal
    aurillac = computed.geometries[computed.codes.index("15014")]
    assert aurillac["type"] in ("Polygon", "MultiPolygon")
    first_point = aurillac["coordinates"][0][0] if aurillac["type"] == "Polygon" else aurillac["coordinates"][0][0][0]
    assert all(round(x, 4) == x for x in first_point)  # rounded to ≈ 10 m
    data = json.loads(path.read_text(encoding="utf-8"))
    data["names"][0] = "lu depuis le disque"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert outlines(small_ref, "dep:15").names[0] == "lu depuis le disque"  # the file, not a recomputation
    path.unlink()


def test_epci_scope_and_unknown_key(small_ref):
    result = outlines(small_ref, "epci:243300316")
    assert len(result.codes) == 28 and "33063" in result.codes
    with pytest.raises(ValueError):
        scope_codes(small_ref, "scot:x")


def test_unwritable_cache_computes_without_keeping(small_ref, tmp_path):
    """Where the cache cannot be written (here its folder's name is taken by a file, which
    fails for root too), the outlines are computed and served all the same."""
    copy = tmp_path / "referentiel"
    shutil.copytree(small_ref.folder, copy, ignore=shutil.ignore_patterns("outlines"))
    (copy / "outlines").write_text("pas un dossier", encoding="utf-8")
    unwritable = Referential(copy, {"communes": small_ref.communes.reset_index(drop=True)} | _tables(small_ref), {})
    assert len(outlines(unwritable, "dep:15").codes) > 200
    assert (copy / "outlines").read_text(encoding="utf-8") == "pas un dossier"
    assert not list(copy.glob(".outlines-*"))


def _tables(ref):
    return {
        "sub_communes": ref.sub_communes,
        "epci": ref.epci.reset_index(drop=True),
        "departements": ref.departements.reset_index(drop=True),
        "regions": ref.regions.reset_index(drop=True),
    }
