"""Rules of computation on small known inputs: sums of numerators, secrets, mergers, ranks."""

import numpy as np
import pandas as pd
import pytest

from territoire_data.core import calculation, history, peer_groups
from territoire_data.sources import observations, variables


def obs(rows):
    frame = pd.DataFrame(rows, columns=["code", "variable", "year", "value", "status"])
    return observations.block(
        frame["code"], frame["variable"], frame["year"], np.nan, frame["value"], frame["status"], "test", "E1"
    )


@pytest.mark.parametrize(
    "column, expected",
    [
        ("P18_POP", ("P_POP", 2018, None)),
        ("P22_RP_PROP", ("P_RP_PROP", 2022, None)),
        ("C22_ACTOCC15P_VOIT", ("C_ACTOCC15P_VOIT", 2022, None)),
        ("NAIS1318", ("NAIS", 2018, 2013)),
        ("DECE1622", ("DECE", 2022, 2016)),
        ("MED21", ("MED", 2021, None)),
        ("TP6019", ("TP60", 2019, None)),
        ("ETTEFP1018", ("ETTEFP10", 2018, None)),
        ("MED_SL23", ("MED_SL", 2023, None)),
        ("PR_MD60_23", ("PR_MD60", 2023, None)),
        ("SUPERF", ("SUPERF", None, None)),
        ("P23_POP", ("P_POP", 2023, None)),  # next year's edition, no code change
    ],
)
def test_variables_independent_of_vintage(column, expected):
    assert variables.split_column(column) == expected


def test_group_is_sum_of_numerators_and_denominators(small_ref):
    rows = []
    for code, unemployed, act in (("33063", 10, 100), ("33281", 1, 1000)):
        rows += [(code, "P_CHOM1564", 2020, unemployed, "ok"), (code, "P_ACT1564", 2020, act, "ok")]
    base = obs(rows)
    # Only two communes of Bordeaux Métropole: the EPCI sum is incomplete, hence missing.
    aggregated = calculation.aggregate(base, small_ref).to_long()
    epci = aggregated[(aggregated["code"] == "epci:243300316") & (aggregated["variable"] == "P_CHOM1564")].iloc[0]
    assert epci["status"] == "missing" and np.isnan(epci["value"])
    # With every member present, the rate is Σ chômeurs / Σ actifs (11/1100 = 1 %), not the mean (5.05 %).
    members = small_ref.communes.index[small_ref.communes["epci"] == "243300316"]
    complete = obs(
        [(c, v, 2020, 0, "ok") for c in members if c not in ("33063", "33281") for v in ("P_CHOM1564", "P_ACT1564")]
        + rows
    )
    indicators, latest = calculation.compute(calculation.aggregate(complete, small_ref))
    rate = indicators[(indicators["code"] == "epci:243300316") & (indicators["indicator"] == "taux_chomage_15_64")]
    assert rate["value"].iloc[0] == pytest.approx(1.0)
    assert latest.set_index(["code", "indicator"]).loc[("33063", "taux_chomage_15_64"), "value"] == 10.0


def test_secret_member_makes_group_secret(small_ref):
    members = small_ref.communes.index[small_ref.communes["epci"] == "243300316"]
    rows = [(c, "NBMENFISC", 2021, 10, "ok") for c in members]
    rows[0] = (members[0], "NBMENFISC", 2021, np.nan, "secret")
    aggregated = calculation.aggregate(obs(rows), small_ref).to_long()
    line = aggregated[(aggregated["code"] == "epci:243300316")].iloc[0]
    assert line["status"] == "secret" and np.isnan(line["value"])


def test_non_additive_values_never_summed(small_ref):
    members = small_ref.communes.index[small_ref.communes["epci"] == "243300316"]
    aggregated = calculation.aggregate(obs([(c, "MED", 2021, 20_000, "ok") for c in members]), small_ref).to_long()
    assert not (aggregated["code"] == "epci:243300316").any()


def test_newest_secret_value_stays_secret(small_ref):
    base = obs(
        [
            ("33063", "TP60", 2019, 16.0, "ok"),
            ("33063", "TP60", 2021, np.nan, "secret"),
            ("33281", "TP60", 2021, 12.0, "ok"),
            ("33069", "TP60", 2019, 11.0, "ok"),
        ]
    )
    every, latest = calculation.compute(calculation.aggregate(base, small_ref))
    rows = latest.set_index(["code", "indicator"])
    line = rows.loc[("33063", "taux_pauvrete")]
    assert (line["year"], line["status"], line["comparable"]) == (2021, "secret", False)
    assert np.isnan(line["value"]) and (line["previous_year"], line["previous_value"]) == (2019, 16.0)
    # No 2021 value at all: the 2019 one is shown with its year, not compared with 2021's peers.
    former = rows.loc[("33069", "taux_pauvrete")]
    assert (former["year"], former["value"], former["comparable"]) == (2019, 11.0, False)
    assert rows.loc[("33281", "taux_pauvrete"), "comparable"]
    series_of = every[(every["code"] == "33063") & (every["indicator"] == "taux_pauvrete")]
    assert series_of.set_index("year")["status"].to_dict() == {2019: "ok", 2021: "secret"}


def _all_communes(small_ref, status_of=lambda code: ("ok", "")):
    rows = []
    for code in small_ref.communes.index:
        status, reason = status_of(code)
        rows.append((code, "P_POP", 2020, 100.0 if status == "ok" else np.nan, status, reason))
    frame = pd.DataFrame(rows, columns=["code", "variable", "year", "value", "status", "reason"])
    return observations.block(
        frame["code"],
        frame["variable"],
        frame["year"],
        np.nan,
        frame["value"],
        frame["status"],
        "test",
        "E1",
        reason=frame["reason"],
    )


def test_not_covered_is_not_secret_sum_with_coverage(small_ref):
    mayotte = small_ref.communes.index[small_ref.communes["departement"] == "976"]
    base = _all_communes(small_ref, lambda c: ("missing", "not_covered") if c in mayotte else ("ok", ""))
    aggregated = calculation.aggregate(base, small_ref).to_long().set_index(["code", "variable"])
    france = aggregated.loc[("france", "P_POP")]
    assert (france["status"], france["note"]) == ("ok", "hors Mayotte")
    assert france["value"] == 100.0 * (len(small_ref.communes) - len(mayotte))
    assert (aggregated.loc[("dep:976", "P_POP"), "status"], aggregated.loc[("dep:976", "P_POP"), "reason"]) == (
        "missing",
        "not_covered",
    )
    assert aggregated.loc[("dep:33", "P_POP"), "status"] == "ok" and not aggregated.loc[("dep:33", "P_POP"), "note"]
    # One genuinely secret member blanks the sums it belongs to, and only those.
    secret = _all_communes(
        small_ref,
        lambda c: ("secret", "") if c == "33063" else ("missing", "not_covered") if c in mayotte else ("ok", ""),
    )
    aggregated = calculation.aggregate(secret, small_ref).to_long().set_index(["code", "variable"])
    assert (
        aggregated.loc[("france", "P_POP"), "status"] == "secret"
        and aggregated.loc[("dep:33", "P_POP"), "status"] == "secret"
    )
    assert aggregated.loc[("dep:24", "P_POP"), "status"] == "ok"


def test_insufficient_coverage_no_sum(small_ref):
    gironde = small_ref.communes.index[small_ref.communes["departement"] == "33"]
    base = _all_communes(small_ref, lambda c: ("ok", "") if c in gironde else ("missing", "not_covered"))
    aggregated = calculation.aggregate(base, small_ref).to_long().set_index(["code", "variable"])
    france = aggregated.loc[("france", "P_POP")]
    assert (france["status"], france["reason"]) == ("missing", "insufficient_coverage") and np.isnan(france["value"])
    assert aggregated.loc[("dep:33", "P_POP"), "status"] == "ok"


def test_balances_over_the_change_period(small_ref, tmp_path):
    """2025 comparateur: P22/P16 with births of 2016 to 2021 included (NAIS1621): the natural
    balance explains the 2016-2022 change, and natural + migratory = total."""
    (tmp_path / "comparateur.csv").write_text(
        "CODGEO;P22_POP;P16_POP;NAIS1621;DECE1621;P22_LOGVAC;P22_LOG\r\n33063;1200;1000;120;60;10;100\r\n",
        encoding="utf-8",
    )
    from territoire_data.sources import read_all

    base = read_all([tmp_path]).observations
    births = base[base["variable"] == "NAIS"].iloc[0]
    assert (births["year"], births["start"]) == (2022, 2016)
    _, latest = calculation.compute(calculation.aggregate(base, small_ref))
    d = latest.set_index(["code", "indicator"])
    natural = d.loc[("33063", "contribution_solde_naturel")]
    assert natural["year"] == 2022
    assert natural["value"] == pytest.approx(100 * (120 - 60) / 6 / 1100)
    total = d.loc[("33063", "variation_annuelle_population"), "value"]
    assert total == pytest.approx(100 * ((1200 / 1000) ** (1 / 6) - 1))
    assert d.loc[("33063", "contribution_solde_migratoire"), "value"] == pytest.approx(total - natural["value"])


def test_latest_edition_wins():
    a = obs([("33063", "P_POP", 2018, 100, "ok")])
    b = obs([("33063", "P_POP", 2018, 101, "ok")])
    b["edition"] = b["edition"].cat.rename_categories({"E1": "E2"})
    result = calculation.deduplicate(observations.concatenate([b, a]))
    assert result["value"].tolist() == [101]


def test_merger_of_communes(small_ref):
    # 33409 is now a commune déléguée of 33008: counts add up, medians cannot.
    base = obs(
        [
            ("33409", "P_POP", 2018, 90, "ok"),
            ("33008", "P_POP", 2018, 1000, "ok"),
            ("33409", "MED", 2019, 21_000, "ok"),
            ("33008", "MED", 2019, 23_000, "ok"),
            ("99999", "P_POP", 2018, 5, "ok"),
        ]
    )
    result, log = history.harmonise(base, small_ref)
    result = result.set_index(["code", "variable"])
    assert result.loc[("33008", "P_POP"), "value"] == 1090
    assert result.loc[("33008", "MED"), "status"] == "missing"
    assert any("99999" in line for line in log) and any("écarté" in line for line in log)


def test_cog_movements_chained(small_ref):
    movements = pd.DataFrame(
        {"old": ["99901", "99902"], "new": ["99902", "33063"], "date": pd.to_datetime(["2015-01-01", "2019-01-01"])}
    )
    passage = history.passage_table(small_ref, movements)
    assert passage["99901"] == "33063" and passage["99902"] == "33063"


def test_rank_percentile_ex_aequo_and_missing():
    values = np.array([1, 2, 2, 3, np.nan])
    position = peer_groups.position(2.0, values)
    assert position["n"] == 4 and position["percentile"] == 50.0 and position["median"] == 2.0
    assert peer_groups.position(3.0, values)["percentile"] == 87.5
    assert peer_groups.position(np.nan, values)["percentile"] is None


def test_size_and_density_classes():
    classes = peer_groups.size_class(pd.Series([0, 199, 200, 1_999, 2_000, 150_000]))
    assert classes.tolist() == [1, 1, 2, 4, 5, 10]
    density = peer_groups.approximate_density_class(pd.Series([5.0, 60.0, 5_000.0, np.nan]))
    assert density.tolist()[:3] == [7, 5, 1] and np.isnan(density.iloc[3])
