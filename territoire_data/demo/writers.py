"""Writers of demo files in the official formats (separators, encodings, zips, markers).

Each writer takes the synthetic communes (``modele.communes``) and a folder, and writes
the file(s) as the publisher does, so that the demo travels the same parsers as real data.
"""

from __future__ import annotations

import gzip
import io
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

from territoire_data.demo.model import CENSUS_YEAR, PREVIOUS_CENSUS_YEAR, between, normal, poisson, random

YY, YP = CENSUS_YEAR % 100, PREVIOUS_CENSUS_YEAR % 100


def _csv(frame: pd.DataFrame, sep=";", crlf=False, bom=False, quote_all=False) -> bytes:
    import csv

    text = frame.to_csv(
        sep=sep,
        index=False,
        lineterminator="\r\n" if crlf else "\n",
        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL,
    )
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def _zip(path: Path, members: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, content in members.items():
            archive.writestr(name, content)


def _comma(values, decimals=1) -> list[str]:
    return [f"{v:.{decimals}f}".replace(".", ",") for v in values]


def comparateur(d: pd.DataFrame, folder: Path) -> None:
    """Comparateur de territoires, 2025-like edition: P22/P16, Filosofi 2021, secret ``s``."""
    small = d["nbmenfisc"] < 50
    frame = pd.DataFrame(
        {
            "CODGEO": d["code"],
            f"P{YY}_POP": d["p22"],
            f"P{YP}_POP": d["p16"],
            "SUPERF": d["surface"].round(2),
            # As in the 2025 edition: births and deaths of 2016 to 2021 included, named NAIS1621.
            f"NAIS{YP}{YY - 1}": d["nais"],
            f"DECE{YP}{YY - 1}": d["dece"],
            f"P{YY}_MEN": d["men"],
            "NAISD24": np.round(d["nais"] / 6),
            "DECESD24": np.round(d["dece"] / 6),
            f"P{YY}_LOG": d["log"],
            f"P{YY}_RP": d["rp"],
            f"P{YY}_RSECOCC": d["rsecocc"],
            f"P{YY}_LOGVAC": d["logvac"],
            f"P{YY}_RP_PROP": d["rp_prop"],
            "NBMENFISC21": d["nbmenfisc"],
            "PIMP21": np.where(small, "s", _comma(d["pimp"])),
            "MED21": np.where(small, "s", d["med"].astype(int).astype(str)),
            "TP6021": np.where(d["nbmenfisc"] < 1000, "s", _comma(d["tp60"])),
            f"P{YY}_EMPLT": d["emplt"],
            f"P{YY}_EMPLT_SAL": d["emplt_sal"],
            f"P{YP}_EMPLT": d["emplt16"],
            f"P{YY}_POP1564": d["pop1564"],
            f"P{YY}_CHOM1564": d["chom1564"],
            f"P{YY}_ACT1564": d["act1564"],
            "ETTOT23": d["ettot"],
        }
    )
    meta = pd.DataFrame(
        {
            "COD_VAR": frame.columns,
            "LIB_VAR": frame.columns,
            "LIB_VAR_LONG": frame.columns,
            "COD_MOD": "",
            "LIB_MOD": "",
            "TYPE_VAR": "NUM",
            "LONG_VAR": 10,
        }
    )
    _zip(
        folder / "base_cc_comparateur_csv.zip",
        {
            "base_cc_comparateur.CSV": _csv(frame, crlf=True),
            "meta_base_cc_comparateur.CSV": _csv(meta, crlf=True),
        },
    )


def dossier_complet(d: pd.DataFrame, folder: Path, columns: int = 320) -> None:
    """Dossier complet: the census variables and Filosofi 2023 ones, padded to its width."""
    frame = pd.DataFrame(
        {
            "CODGEO": d["code"],
            f"P{YY}_POP": d["p22"],
            f"P{YY}_PMEN": d["pmen"],
            f"P{YY}_MEN": d["men"],
            f"P{YY}_LOG": d["log"],
            f"P{YY}_MAISON": d["maison"],
            f"C{YY}_ACTOCC15P": d["actocc"],
            "MED_SL23": np.where(d["nbmenfisc"] < 50, "s", (d["med"] * 1.06).round(-1).astype(int).astype(str)),
            "PR_MD60_23": np.where(d["nbmenfisc"] < 1000, "s", _comma(d["tp60"] + 0.3)),
        }
    )
    filling = {f"P{YY}_X{i:04d}": (d["p22"] * ((i % 7) + 1) / 100).round(1) for i in range(columns - frame.shape[1])}
    frame = pd.concat([frame, pd.DataFrame(filling)], axis=1)
    _zip(folder / "dossier_complet.zip", {"dossier_complet.csv": _csv(frame)})


def census(d: pd.DataFrame, folder: Path) -> None:
    """The three census communal bases, each zipped with its ``-COM`` CSV."""
    population = pd.DataFrame(
        {
            "CODGEO": d["code"],
            f"P{YY}_POP": d["p22"],
            f"P{YY}_POP0014": d["pop0014"],
            f"P{YY}_POP1564": d["pop1564"],
            f"P{YY}_POP65P": d["pop65p"],
            f"P{YY}_POP75P": d["pop75p"],
            f"P{YY}_PMEN": d["pmen"],
            f"P{YY}_MEN": d["men"],
            f"P{YP}_POP": d["p16"],
            f"P{YP}_MEN": np.round(d["men"] * d["p16"] / d["p22"] * 0.97),
        }
    )
    housing = pd.DataFrame(
        {
            "CODGEO": d["code"],
            f"P{YY}_LOG": d["log"],
            f"P{YY}_RP": d["rp"],
            f"P{YY}_RSECOCC": d["rsecocc"],
            f"P{YY}_LOGVAC": d["logvac"],
            f"P{YY}_MAISON": d["maison"],
            f"P{YY}_APPART": d["log"] - d["maison"],
            f"P{YY}_RP_PROP": d["rp_prop"],
            f"P{YY}_RP_VOIT1P": d["rp_voit1p"],
            f"P{YP}_LOG": np.round(d["log"] / (1 + 0.006 + 0.5 * (d["p22"] / d["p16"] - 1) / 6) ** 6),
        }
    )
    employment = pd.DataFrame(
        {
            "CODGEO": d["code"],
            f"P{YY}_POP1564": d["pop1564"],
            f"P{YY}_ACT1564": d["act1564"],
            f"P{YY}_CHOM1564": d["chom1564"],
            f"P{YY}_ACTOCC15P": d["actocc"],
            f"P{YY}_ACTOCC15P_ILT1": d["ilt1"],
            f"C{YY}_ACTOCC15P": d["actocc"],
            **{f"C{YY}_ACTOCC15P_{m}": d[f"mode_{m}"] for m in ("PAS", "MAR", "VELO", "2ROUESMOT", "VOIT", "TCOM")},
        }
    )
    for name, frame in (("evol-struct-pop", population), ("logement", housing), ("emploi-pop-active", employment)):
        _zip(folder / f"base-cc-{name}-{CENSUS_YEAR}_csv.zip", {f"base-cc-{name}-{CENSUS_YEAR}-COM.CSV": _csv(frame)})


def filosofi(d: pd.DataFrame, folder: Path, ref) -> None:
    """Filosofi 2021 (wide, secret ``s``, comma decimals) and 2023 (long, CONF_STATUS)."""
    small, medium = d["nbmenfisc"] < 50, d["nbmenfisc"] < 1000
    wide = pd.DataFrame(
        {
            "CODGEO": d["code"],
            "NBMENFISC21": d["nbmenfisc"],
            "NBPERSMENFISC21": d["nbpers"],
            "MED21": np.where(small, "s", d["med"].astype(int).astype(str)),
            "PIMP21": np.where(small, "s", _comma(d["pimp"])),
            "TP6021": np.where(medium, "s", _comma(d["tp60"])),
            "D121": np.where(medium, "s", d["d1"].astype(int).astype(str)),
            "D921": np.where(medium, "s", d["d9"].astype(int).astype(str)),
            "RD21": np.where(medium, "s", _comma(d["d9"] / d["d1"])),
        }
    )
    _zip(folder / "base-cc-filosofi-2021-geo2024_csv.zip", {"cc_filosofi_2021_COM.csv": _csv(wide)})
    rows = []
    for measure, values, secret in (
        ("MED_SL", (d["med"] * 1.06).round(-1), small),
        ("PR_MD60", d["tp60"] + 0.3, medium),
        ("IR_D9_D1_SL", (d["d9"] / d["d1"]).round(1), medium),
    ):
        rows.append(
            pd.DataFrame(
                {
                    "FILOSOFI_MEASURE": measure,
                    "GEO": d["code"],
                    "GEO_OBJECT": "COM",
                    "OBS_VALUE": np.where(secret, "", values.round(1).astype(str)),
                    "CONF_STATUS": np.where(secret, "C", "F"),
                    "OBS_STATUS": "A",
                    "TIME_PERIOD": 2023,
                }
            )
        )
    # Group levels as INSEE publishes them (computed on the synthetic households).
    for obj, column in (("DEP", "departement"), ("EPCI", "epci")):
        groups = d.dropna(subset=[column]).groupby(column)
        med = groups.apply(lambda g: np.average(g["med"], weights=g["nbmenfisc"]) * 1.06, include_groups=False)
        rows.append(
            pd.DataFrame(
                {
                    "FILOSOFI_MEASURE": "MED_SL",
                    "GEO": med.index,
                    "GEO_OBJECT": obj,
                    "OBS_VALUE": med.round(-1).astype(str).to_numpy(),
                    "CONF_STATUS": "F",
                    "OBS_STATUS": "A",
                    "TIME_PERIOD": 2023,
                }
            )
        )
    _zip(folder / "FILOSOFI_CC_csv.zip", {"DS_FILOSOFI_CC_2023_data.csv": _csv(pd.concat(rows), quote_all=True)})


def sitadel(d: pd.DataFrame, folder: Path) -> None:
    """SITADEL monthly file (UTF-8 with BOM), 2015-01 … 2025-09, four types + « Tous Logements »."""
    codes, rows = d["code"].to_numpy(), []
    pace = between(codes, "construction", 2.0, 9.0) / 1000 * d["p22"].to_numpy()
    for year in range(2015, 2026):
        for month in range(1, 13 if year < 2025 else 10):
            key = f"{year}-{month}"
            authorised = poisson(codes, "aut" + key, pace / 12)
            com = poisson(codes, "com" + key, pace / 12 * 0.82)
            share_ind = np.clip(between(codes, "ind", 0.4, 0.95) - 0.5 * d["urbain"].to_numpy(), 0.05, 0.95)
            for type_lgt, share in (
                ("Individuel pur", share_ind * 0.7),
                ("Individuel groupé", share_ind * 0.3),
                ("Collectif", (1 - share_ind) * 0.9),
                ("Résidence", (1 - share_ind) * 0.1),
            ):
                rows.append(
                    pd.DataFrame(
                        {
                            "ANNEE": year,
                            "MOIS": month,
                            "CODE_INSEE": codes,
                            "TYPE_LGT": type_lgt,
                            "LOG_AUT": np.round(authorised * share).astype(int),
                            "LOG_COM": np.round(com * share).astype(int),
                        }
                    )
                )
    frame = pd.concat(rows, ignore_index=True)
    every = frame.groupby(["ANNEE", "MOIS", "CODE_INSEE"], as_index=False)[["LOG_AUT", "LOG_COM"]].sum()
    every["TYPE_LGT"] = "Tous Logements"
    frame = pd.concat([frame, every], ignore_index=True)
    frame = frame[(frame["LOG_AUT"] > 0) | (frame["LOG_COM"] > 0)]
    frame["SDP_AUT"] = frame["LOG_AUT"] * 85
    frame["SDP_COM"] = frame["LOG_COM"] * 85
    columns = ["ANNEE", "MOIS", "CODE_INSEE", "TYPE_LGT", "LOG_AUT", "LOG_COM", "SDP_AUT", "SDP_COM"]
    (folder / "sitadel_logements_mensuel.csv").write_bytes(_csv(frame[columns], bom=True))


def cerema(d: pd.DataFrame, folder: Path, ref) -> None:
    """Cerema NAF consumption 2009–2023 (m², ``;``, quoted names)."""
    codes = d["code"].to_numpy()
    frame = pd.DataFrame(
        {
            "idcom": codes,
            "idcomtxt": d["name"],
            "iddep": d["departement"],
            "epci23": d["epci"].fillna(""),
            "scot": "SCoT " + d["departement"].astype(str),
        }
    )
    base = d["surface"].to_numpy() * 1e6 * between(codes, "artif", 0.00008, 0.0006)
    base = base * (1 + 3 * np.maximum(normal(codes, "dyn", 0.004, 0.007), -0.002))
    housing = between(codes, "part_hab", 0.5, 0.8)
    total = np.zeros(len(codes))
    columns: dict[str, np.ndarray] = {}  # gathered, then joined at once (no fragmented frame)
    for year in range(2009, 2024):
        trend = 1 - 0.035 * (year - 2009)
        flows = np.round(base * trend * between(codes, f"naf{year}", 0.4, 1.6))
        yy, next_yy = f"{year % 100:02d}", f"{(year + 1) % 100:02d}"
        columns[f"naf{yy}art{next_yy}"] = flows
        columns[f"art{yy}hab{next_yy}"] = np.round(flows * housing)
        columns[f"art{yy}act{next_yy}"] = np.round(flows * (1 - housing) * 0.8)
        for destination, share in (("mix", 0.05), ("rou", 0.1), ("fer", 0.0), ("inc", 0.05)):
            columns[f"art{yy}{destination}{next_yy}"] = np.round(flows * (1 - housing) * share)
        total += flows
    columns["naf09art24"] = total
    p16, p22 = d["p16"].to_numpy(), d["p22"].to_numpy()
    columns["pop14"], columns["pop20"] = p16, p22
    households = between(codes, "taille_menage", 2.0, 2.5)
    columns["men14"], columns["men20"] = np.round(p16 / households), np.round(p22 / (households * 1.02))
    jobs = between(codes, "emplois", 0.15, 0.6)
    columns["emp14"] = np.round(p16 * jobs)
    columns["emp20"] = np.round(p22 * jobs * between(codes, "emp20", 0.95, 1.08))
    columns["surfcom2023"] = np.round(d["surface"].to_numpy() * 1e6)
    frame = pd.concat([frame, pd.DataFrame(columns, index=frame.index)], axis=1)
    (folder / "conso2009_2023_resultats_com.csv").write_bytes(_csv(frame))


OCSGE_NOT_COVERED = frozenset({"64"})  # the demo's département without two OCS GE millésimes


def ocsge(d: pd.DataFrame, folder: Path) -> None:
    """OCS GE commune tables of the artificialisation portal (artificialisation and
    imperviousness, millésimes 2018 and 2021, m², ``,``), for every commune but those of the
    Pyrénées-Atlantiques: a département without two millésimes, whose communes have no row."""
    covered = d[~d["departement"].astype(str).isin(OCSGE_NOT_COVERED)]
    codes = covered["code"].to_numpy()
    area = np.round(covered["surface"].to_numpy() * 1e6)
    artificialised = np.round(area * between(codes, "ocsge_artif", 0.03, 0.25))
    for kind, surface in (
        ("artif", artificialised),
        ("imper", np.round(artificialised * between(codes, "imper", 0.55, 0.7))),
    ):
        net = np.round(surface * normal(codes, f"ocsge_{kind}_net", 0.012, 0.01))
        frame = pd.DataFrame(
            {
                "commune_code": codes,
                "nom": covered["name"].to_numpy(),
                "millesimes_1": "2018",
                f"pourcent_{kind}_1": np.round(100 * (surface - net) / area, 4),
                f"surface_{kind}_1": surface - net,
                "millesimes_2": "2021",
                f"pourcent_{kind}_2": np.round(100 * surface / area, 4),
                f"surface_{kind}_2": surface,
                "flux_surface_1_2": net,
                "flux_percent_1_2": np.round(100 * net / np.maximum(surface - net, 1), 4),
                "departement_code": covered["departement"].to_numpy(),
                "commune_surface": area,
            }
        )
        (folder / f"ocsge_{kind}_commune.csv").write_bytes(_csv(frame, sep=","))


def commute_flows(d: pd.DataFrame, folder: Path) -> None:
    """Home-work flows: to the same commune, the département's main pole, and a neighbour."""
    pole = d.sort_values("p22").groupby("departement")["code"].last()
    rows = []
    codes = d["code"].to_numpy()
    on_place = d["ilt1"].to_numpy()
    outgoing = d["actocc"].to_numpy() - on_place
    to_pole = np.round(outgoing * between(codes, "vers_pole", 0.3, 0.7))
    neighbours = np.roll(codes, 1)
    rows.append(
        pd.DataFrame(
            {
                "CODGEO": codes,
                "LIBGEO": d["name"],
                "DCLT": codes,
                "L_DCLT": d["name"],
                f"NBFLUX_C{YY}_ACTOCC15P": on_place,
            }
        )
    )
    poles = d["departement"].map(pole).to_numpy()
    other = np.where(poles == codes, neighbours, poles)
    rows.append(
        pd.DataFrame(
            {"CODGEO": codes, "LIBGEO": d["name"], "DCLT": other, "L_DCLT": "", f"NBFLUX_C{YY}_ACTOCC15P": to_pole}
        )
    )
    rows.append(
        pd.DataFrame(
            {
                "CODGEO": codes,
                "LIBGEO": d["name"],
                "DCLT": neighbours,
                "L_DCLT": "",
                f"NBFLUX_C{YY}_ACTOCC15P": outgoing - to_pole,
            }
        )
    )
    frame = pd.concat(rows)
    frame = frame[frame[f"NBFLUX_C{YY}_ACTOCC15P"] > 0]
    _zip(
        folder / f"base-flux-mobilite-domicile-lieu-travail-{CENSUS_YEAR}_csv.zip",
        {f"base-flux-mobilite-domicile-lieu-travail-{CENSUS_YEAR}.csv": _csv(frame)},
    )


def ore(d: pd.DataFrame, folder: Path) -> None:
    """Agence ORE electricity and gas by commune, category and NAF sector, 2019–2023."""
    codes, rows = d["code"].to_numpy(), []
    p = d["p22"].to_numpy()
    gas = (p > 1500) | (random(codes, "gaz") < 0.2)
    for year in range(2019, 2024):
        climate = 1 + 0.05 * np.sin(year)
        for energy, factor, present in (("Electricité", 1.0, np.ones(len(codes), bool)), ("Gaz", 1.4, gas)):
            for category, naf, share in (("RES", "", 2.3), ("PRO", "47", 0.9), ("ENT", "25", 0.8), ("PRO", "01", 0.2)):
                consumption = p * share * factor * climate * between(codes, f"{year}{energy}{category}{naf}", 0.7, 1.3)
                secret = (category != "RES") & (p < 300) & (random(codes, f"s{year}{energy}{naf}") < 0.5)
                rows.append(
                    pd.DataFrame(
                        {
                            "annee": year,
                            "filiere": energy,
                            "code_commune": codes[present],
                            "code_categorie_consommation": category,
                            "code_secteur_naf2": naf,
                            "conso_totale_mwh": np.where(secret, 0, np.round(consumption, 3))[present],
                            "nombre_de_mailles_secretisees": secret.astype(int)[present],
                        }
                    )
                )
    (folder / "consommation-annuelle-d-electricite-et-gaz-par-commune.csv").write_bytes(_csv(pd.concat(rows)))


def odre(d: pd.DataFrame, folder: Path) -> None:
    """ODRÉ register: solar, wind and hydro installations, plus aggregated rows without code."""
    codes = d["code"].to_numpy()
    n_pv = poisson(codes, "pv", d["p22"].to_numpy() / 250)
    rows = [
        pd.DataFrame(
            {
                "codeinseecommune": np.repeat(codes, n_pv),
                "filiere": "Solaire",
                "technologie": "Photovoltaïque",
                "puismaxinstallee": np.round(np.repeat(between(codes, "kwpv", 3, 12), n_pv), 1),
                "datemiseenservice": "2023-06-30",
            }
        )
    ]
    wind = (random(codes, "eol") < 0.03) & (d["urbain"].to_numpy() < 0.4)
    rows.append(
        pd.DataFrame(
            {
                "codeinseecommune": codes[wind],
                "filiere": "Eolien",
                "technologie": "Terrestre",
                "puismaxinstallee": np.round(between(codes, "kweol", 6_000, 30_000)[wind]),
                "datemiseenservice": "2019-03-01",
            }
        )
    )
    rows.append(
        pd.DataFrame(
            {
                "codeinseecommune": ["", ""],
                "filiere": ["Solaire", "Thermique non renouvelable"],
                "technologie": ["Photovoltaïque", "Cogénération"],
                "puismaxinstallee": [1200.0, 800.0],
                "datemiseenservice": ["", ""],
            }
        )
    )
    (folder / "registre-national-installation-production-stockage-electricite-agrege.csv").write_bytes(
        _csv(pd.concat(rows))
    )


def bpe(d: pd.DataFrame, folder: Path) -> None:
    """BPE long format, 2024."""
    codes, p, rows = d["code"].to_numpy(), d["p22"].to_numpy(), []
    for type_eq, by in (
        ("D265", 1100),
        ("D307", 3500),
        ("C101", 1500),
        ("C104", 1100),
        ("B203", 900),
        ("B202", 1200),
        ("B105", 6000),
        ("A101", 5000),
    ):
        number = poisson(codes, type_eq, p / by)
        rows.append(
            pd.DataFrame(
                {
                    "GEO": codes,
                    "GEO_OBJECT": "COM",
                    "FACILITY_DOM": type_eq[0],
                    "FACILITY_SDOM": type_eq[:2],
                    "FACILITY_TYPE": type_eq,
                    "BPE_MEASURE": "FACILITIES",
                    "TIME_PERIOD": 2024,
                    "OBS_VALUE": number,
                }
            )[number > 0]
        )
    _zip(folder / "DS_BPE_CSV_FR.zip", {"DS_BPE_2024_data.csv": _csv(pd.concat(rows))})


def dvf(d: pd.DataFrame, folder: Path) -> None:
    """DVF géolocalisées, one gzipped CSV per département and year (2023–2024)."""
    for departement, block in d.groupby("departement"):
        codes = block["code"].to_numpy()
        for year in range(2023, 2025):
            sales = poisson(codes, f"dvf{year}", block["p22"].to_numpy() / 120)
            n = int(sales.sum())
            if n == 0:
                continue
            commune = np.repeat(codes, sales)
            urban = np.repeat(block["urbain"].to_numpy(), sales)
            rank = np.arange(n)
            key = np.array([f"{year}-{c}-{i}" for c, i in zip(commune, rank)])
            u = random(key, "u")
            house = u > urban * 0.85
            area = np.round(np.where(house, 70 + 80 * random(key, "s"), 25 + 60 * random(key, "s")))
            price_m2 = np.exp(
                normal(np.repeat(codes, sales), f"prix{year}", np.log(1800 + 3500 * urban**2), 0.1)
                + normal(key, "bruit", 0, 0.15)
            )
            ids = np.array([f"{year}-{departement}-{i:06d}" for i in rank])
            dwellings = pd.DataFrame(
                {
                    "id_mutation": ids,
                    "date_mutation": [f"{year}-{1 + i % 12:02d}-15" for i in rank],
                    "nature_mutation": np.where(random(key, "n") < 0.95, "Vente", "Echange"),
                    "valeur_fonciere": np.round(price_m2 * area, -2),
                    "code_commune": commune,
                    "type_local": np.where(house, "Maison", "Appartement"),
                    "surface_reelle_bati": area,
                    "nombre_pieces_principales": np.maximum(1, area // 22).astype(int),
                    "surface_terrain": np.where(house, np.round(300 + 900 * random(key, "t")), ""),
                    "longitude": "",
                    "latitude": "",
                }
            )
            dependencies = dwellings[random(key, "dep") < 0.3].assign(
                type_local="Dépendance", surface_reelle_bati="", nombre_pieces_principales=0
            )
            frame = pd.concat([dwellings, dependencies]).sort_values("id_mutation", kind="stable")
            output = folder / "dvf" / str(year)
            output.mkdir(parents=True, exist_ok=True)
            (output / f"{departement}.csv.gz").write_bytes(gzip.compress(_csv(frame, sep=","), compresslevel=1))


def density_grid(d: pd.DataFrame, folder: Path) -> None:
    """The density grid as INSEE publishes it: a workbook, sheet « Maille communale », header row 5."""
    import openpyxl

    from territoire_data.core.peer_groups import DENSITY_LEVELS, approximate_density_class

    dens7 = approximate_density_class(pd.Series(d["p22"].to_numpy() / d["surface"].to_numpy())).astype(int)
    labels = {level: name.capitalize() for level, name in DENSITY_LEVELS.items()}  # INSEE's labels
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Maille communale")
    sheet.append(["Grille communale de densité à 7 niveaux (données de démonstration)"])
    sheet.append(["Source : territoire, données synthétiques"])
    sheet.append([])
    sheet.append([])
    sheet.append(["CODGEO", "LIBGEO", "DENS", "LIBDENS", "PMUN22", "DENS7", "LIBDENS7"])
    for code, name, pop, class_ in zip(d["code"], d["name"], d["p22"], dens7):
        dens = 1 if class_ <= 2 else 2 if class_ <= 4 else 3
        sheet.append(
            [
                code,
                name,
                dens,
                ["", "Dense", "Intermédiaire", "Rural"][dens],
                int(pop),
                int(class_),
                labels[int(class_)],
            ]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    (folder / "fichier_diffusion_2025.xlsx").write_bytes(buffer.getvalue())


def cog(ref, departements, folder: Path) -> None:
    """v_commune_2026.csv from the referential (all fields quoted, CRLF)."""
    communes = ref.communes if not departements else ref.communes[ref.communes["departement"].isin(departements)]
    sub = ref.sub_communes[ref.sub_communes["parent"].isin(communes.index)]
    frame = pd.concat(
        [
            pd.DataFrame(
                {
                    "TYPECOM": "COM",
                    "COM": communes["code"],
                    "REG": communes["region"],
                    "DEP": communes["departement"],
                    "LIBELLE": communes["name"],
                    "COMPARENT": "",
                }
            ),
            pd.DataFrame(
                {
                    "TYPECOM": sub["type"],
                    "COM": sub["code"],
                    "REG": "",
                    "DEP": "",
                    "LIBELLE": sub["name"],
                    "COMPARENT": sub["parent"],
                }
            ),
        ]
    )
    for column in ("CTCD", "ARR", "TNCC", "NCC", "NCCENR", "CAN"):
        frame[column] = ""
    columns = ["TYPECOM", "COM", "REG", "DEP", "CTCD", "ARR", "TNCC", "NCC", "NCCENR", "LIBELLE", "CAN", "COMPARENT"]
    (folder / "v_commune_2026.csv").write_bytes(_csv(frame[columns], sep=",", crlf=True, quote_all=True))
