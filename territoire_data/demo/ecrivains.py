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

from territoire_data.demo.modele import ANNEE_RP, ANNEE_RP_PRECEDENT, alea, entre, normale, poisson

YY, YP = ANNEE_RP % 100, ANNEE_RP_PRECEDENT % 100


def _csv(cadre: pd.DataFrame, sep=";", crlf=False, bom=False, quote_all=False) -> bytes:
    import csv

    texte = cadre.to_csv(sep=sep, index=False, lineterminator="\r\n" if crlf else "\n",
                         quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    return (b"\xef\xbb\xbf" if bom else b"") + texte.encode("utf-8")


def _zip(chemin: Path, membres: dict[str, bytes]) -> None:
    with zipfile.ZipFile(chemin, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for nom, contenu in membres.items():
            archive.writestr(nom, contenu)


def _virgule(valeurs, decimales=1) -> list[str]:
    return [f"{v:.{decimales}f}".replace(".", ",") for v in valeurs]


def comparateur(d: pd.DataFrame, dossier: Path) -> None:
    """Comparateur de territoires, 2025-like edition: P22/P16, Filosofi 2021, secret ``s``."""
    petits = d["nbmenfisc"] < 50
    cadre = pd.DataFrame({
        "CODGEO": d["code"], f"P{YY}_POP": d["p22"], f"P{YP}_POP": d["p16"], "SUPERF": d["surface"].round(2),
        # As in the 2025 edition: births and deaths of 2016 to 2021 included, named NAIS1621.
        f"NAIS{YP}{YY - 1}": d["nais"], f"DECE{YP}{YY - 1}": d["dece"], f"P{YY}_MEN": d["men"],
        "NAISD24": np.round(d["nais"] / 6), "DECESD24": np.round(d["dece"] / 6),
        f"P{YY}_LOG": d["log"], f"P{YY}_RP": d["rp"], f"P{YY}_RSECOCC": d["rsecocc"], f"P{YY}_LOGVAC": d["logvac"],
        f"P{YY}_RP_PROP": d["rp_prop"], "NBMENFISC21": d["nbmenfisc"],
        "PIMP21": np.where(petits, "s", _virgule(d["pimp"])), "MED21": np.where(petits, "s", d["med"].astype(int).astype(str)),
        "TP6021": np.where(d["nbmenfisc"] < 1000, "s", _virgule(d["tp60"])),
        f"P{YY}_EMPLT": d["emplt"], f"P{YY}_EMPLT_SAL": d["emplt_sal"], f"P{YP}_EMPLT": d["emplt16"],
        f"P{YY}_POP1564": d["pop1564"], f"P{YY}_CHOM1564": d["chom1564"], f"P{YY}_ACT1564": d["act1564"],
        "ETTOT23": d["ettot"],
    })
    meta = pd.DataFrame({"COD_VAR": cadre.columns, "LIB_VAR": cadre.columns, "LIB_VAR_LONG": cadre.columns,
                         "COD_MOD": "", "LIB_MOD": "", "TYPE_VAR": "NUM", "LONG_VAR": 10})
    _zip(dossier / "base_cc_comparateur_csv.zip", {
        "base_cc_comparateur.CSV": _csv(cadre, crlf=True), "meta_base_cc_comparateur.CSV": _csv(meta, crlf=True),
    })


def dossier_complet(d: pd.DataFrame, dossier: Path, colonnes: int = 320) -> None:
    """Dossier complet: the census variables and Filosofi 2023 ones, padded to its width."""
    cadre = pd.DataFrame({
        "CODGEO": d["code"], f"P{YY}_POP": d["p22"], f"P{YY}_PMEN": d["pmen"], f"P{YY}_MEN": d["men"],
        f"P{YY}_LOG": d["log"], f"P{YY}_MAISON": d["maison"], f"C{YY}_ACTOCC15P": d["actocc"],
        "MED_SL23": np.where(d["nbmenfisc"] < 50, "s", (d["med"] * 1.06).round(-1).astype(int).astype(str)),
        "PR_MD60_23": np.where(d["nbmenfisc"] < 1000, "s", _virgule(d["tp60"] + 0.3)),
    })
    remplissage = {f"P{YY}_X{i:04d}": (d["p22"] * ((i % 7) + 1) / 100).round(1) for i in range(colonnes - cadre.shape[1])}
    cadre = pd.concat([cadre, pd.DataFrame(remplissage)], axis=1)
    _zip(dossier / "dossier_complet.zip", {"dossier_complet.csv": _csv(cadre)})


def recensement(d: pd.DataFrame, dossier: Path) -> None:
    """The three census communal bases, each zipped with its ``-COM`` CSV."""
    population = pd.DataFrame({
        "CODGEO": d["code"], f"P{YY}_POP": d["p22"], f"P{YY}_POP0014": d["pop0014"], f"P{YY}_POP1564": d["pop1564"],
        f"P{YY}_POP65P": d["pop65p"], f"P{YY}_POP75P": d["pop75p"], f"P{YY}_PMEN": d["pmen"], f"P{YY}_MEN": d["men"],
        f"P{YP}_POP": d["p16"], f"P{YP}_MEN": np.round(d["men"] * d["p16"] / d["p22"] * 0.97),
    })
    logement = pd.DataFrame({
        "CODGEO": d["code"], f"P{YY}_LOG": d["log"], f"P{YY}_RP": d["rp"], f"P{YY}_RSECOCC": d["rsecocc"],
        f"P{YY}_LOGVAC": d["logvac"], f"P{YY}_MAISON": d["maison"], f"P{YY}_APPART": d["log"] - d["maison"],
        f"P{YY}_RP_PROP": d["rp_prop"], f"P{YY}_RP_VOIT1P": d["rp_voit1p"],
        f"P{YP}_LOG": np.round(d["log"] / (1 + 0.006 + 0.5 * (d["p22"] / d["p16"] - 1) / 6) ** 6),
    })
    emploi = pd.DataFrame({
        "CODGEO": d["code"], f"P{YY}_POP1564": d["pop1564"], f"P{YY}_ACT1564": d["act1564"],
        f"P{YY}_CHOM1564": d["chom1564"], f"P{YY}_ACTOCC15P": d["actocc"], f"P{YY}_ACTOCC15P_ILT1": d["ilt1"],
        f"C{YY}_ACTOCC15P": d["actocc"], **{f"C{YY}_ACTOCC15P_{m}": d[f"mode_{m}"]
                                           for m in ("PAS", "MAR", "VELO", "2ROUESMOT", "VOIT", "TCOM")},
    })
    for nom, cadre in (("evol-struct-pop", population), ("logement", logement), ("emploi-pop-active", emploi)):
        _zip(dossier / f"base-cc-{nom}-{ANNEE_RP}_csv.zip", {f"base-cc-{nom}-{ANNEE_RP}-COM.CSV": _csv(cadre)})


def filosofi(d: pd.DataFrame, dossier: Path, ref) -> None:
    """Filosofi 2021 (wide, secret ``s``, comma decimals) and 2023 (long, CONF_STATUS)."""
    petits, moyens = d["nbmenfisc"] < 50, d["nbmenfisc"] < 1000
    large = pd.DataFrame({
        "CODGEO": d["code"], "NBMENFISC21": d["nbmenfisc"], "NBPERSMENFISC21": d["nbpers"],
        "MED21": np.where(petits, "s", d["med"].astype(int).astype(str)),
        "PIMP21": np.where(petits, "s", _virgule(d["pimp"])), "TP6021": np.where(moyens, "s", _virgule(d["tp60"])),
        "D121": np.where(moyens, "s", d["d1"].astype(int).astype(str)),
        "D921": np.where(moyens, "s", d["d9"].astype(int).astype(str)),
        "RD21": np.where(moyens, "s", _virgule(d["d9"] / d["d1"])),
    })
    _zip(dossier / "base-cc-filosofi-2021-geo2024_csv.zip", {"cc_filosofi_2021_COM.csv": _csv(large)})
    lignes = []
    for mesure, valeurs, secret in (("MED_SL", (d["med"] * 1.06).round(-1), petits),
                                    ("PR_MD60", d["tp60"] + 0.3, moyens),
                                    ("IR_D9_D1_SL", (d["d9"] / d["d1"]).round(1), moyens)):
        lignes.append(pd.DataFrame({"FILOSOFI_MEASURE": mesure, "GEO": d["code"], "GEO_OBJECT": "COM",
                                    "OBS_VALUE": np.where(secret, "", valeurs.round(1).astype(str)),
                                    "CONF_STATUS": np.where(secret, "C", "F"), "OBS_STATUS": "A",
                                    "TIME_PERIOD": 2023}))
    # Group levels as INSEE publishes them (computed on the synthetic households).
    for objet, colonne in (("DEP", "departement"), ("EPCI", "epci")):
        groupes = d.dropna(subset=[colonne]).groupby(colonne)
        med = groupes.apply(lambda g: np.average(g["med"], weights=g["nbmenfisc"]) * 1.06, include_groups=False)
        lignes.append(pd.DataFrame({"FILOSOFI_MEASURE": "MED_SL", "GEO": med.index, "GEO_OBJECT": objet,
                                    "OBS_VALUE": med.round(-1).astype(str).to_numpy(), "CONF_STATUS": "F",
                                    "OBS_STATUS": "A", "TIME_PERIOD": 2023}))
    _zip(dossier / "FILOSOFI_CC_csv.zip", {"DS_FILOSOFI_CC_2023_data.csv": _csv(pd.concat(lignes), quote_all=True)})


def sitadel(d: pd.DataFrame, dossier: Path) -> None:
    """SITADEL monthly file (UTF-8 with BOM), 2015-01 … 2025-09, four types + « Tous Logements »."""
    codes, lignes = d["code"].to_numpy(), []
    rythme = entre(codes, "construction", 2.0, 9.0) / 1000 * d["p22"].to_numpy()
    for annee in range(2015, 2026):
        for mois in range(1, 13 if annee < 2025 else 10):
            cle = f"{annee}-{mois}"
            aut = poisson(codes, "aut" + cle, rythme / 12)
            com = poisson(codes, "com" + cle, rythme / 12 * 0.82)
            part_ind = np.clip(entre(codes, "ind", 0.4, 0.95) - 0.5 * d["urbain"].to_numpy(), 0.05, 0.95)
            for type_lgt, part in (("Individuel pur", part_ind * 0.7), ("Individuel groupé", part_ind * 0.3),
                                   ("Collectif", (1 - part_ind) * 0.9), ("Résidence", (1 - part_ind) * 0.1)):
                lignes.append(pd.DataFrame({"ANNEE": annee, "MOIS": mois, "CODE_INSEE": codes, "TYPE_LGT": type_lgt,
                                            "LOG_AUT": np.round(aut * part).astype(int),
                                            "LOG_COM": np.round(com * part).astype(int)}))
    cadre = pd.concat(lignes, ignore_index=True)
    tous = cadre.groupby(["ANNEE", "MOIS", "CODE_INSEE"], as_index=False)[["LOG_AUT", "LOG_COM"]].sum()
    tous["TYPE_LGT"] = "Tous Logements"
    cadre = pd.concat([cadre, tous], ignore_index=True)
    cadre = cadre[(cadre["LOG_AUT"] > 0) | (cadre["LOG_COM"] > 0)]
    cadre["SDP_AUT"] = cadre["LOG_AUT"] * 85
    cadre["SDP_COM"] = cadre["LOG_COM"] * 85
    colonnes = ["ANNEE", "MOIS", "CODE_INSEE", "TYPE_LGT", "LOG_AUT", "LOG_COM", "SDP_AUT", "SDP_COM"]
    (dossier / "sitadel_logements_mensuel.csv").write_bytes(_csv(cadre[colonnes], bom=True))


def cerema(d: pd.DataFrame, dossier: Path, ref) -> None:
    """Cerema NAF consumption 2009–2023 (m², ``;``, quoted names)."""
    codes = d["code"].to_numpy()
    cadre = pd.DataFrame({"idcom": codes, "idcomtxt": d["nom"], "iddep": d["departement"],
                          "epci23": d["epci"].fillna(""), "scot": "SCoT " + d["departement"].astype(str)})
    base = d["surface"].to_numpy() * 1e6 * entre(codes, "artif", 0.00008, 0.0006)
    base = base * (1 + 3 * np.maximum(normale(codes, "dyn", 0.004, 0.007), -0.002))
    habitat = entre(codes, "part_hab", 0.5, 0.8)
    total = np.zeros(len(codes))
    for annee in range(2009, 2024):
        tendance = 1 - 0.035 * (annee - 2009)
        flux = np.round(base * tendance * entre(codes, f"naf{annee}", 0.4, 1.6))
        cadre[f"naf{annee % 100:02d}art{(annee + 1) % 100:02d}"] = flux
        cadre[f"art{annee % 100:02d}hab{(annee + 1) % 100:02d}"] = np.round(flux * habitat)
        cadre[f"art{annee % 100:02d}act{(annee + 1) % 100:02d}"] = np.round(flux * (1 - habitat) * 0.8)
        total += flux
    cadre["naf09art24"] = total
    cadre["pop14"], cadre["pop20"] = d["p16"], d["p22"]
    cadre["surfcom2023"] = np.round(d["surface"] * 1e6)
    (dossier / "conso2009_2023_resultats_com.csv").write_bytes(_csv(cadre))


def flux(d: pd.DataFrame, dossier: Path) -> None:
    """Home-work flows: to the same commune, the département's main pole, and a neighbour."""
    pole = d.sort_values("p22").groupby("departement")["code"].last()
    lignes = []
    codes = d["code"].to_numpy()
    sur_place = d["ilt1"].to_numpy()
    sortants = d["actocc"].to_numpy() - sur_place
    vers_pole = np.round(sortants * entre(codes, "vers_pole", 0.3, 0.7))
    voisins = np.roll(codes, 1)
    lignes.append(pd.DataFrame({"CODGEO": codes, "LIBGEO": d["nom"], "DCLT": codes, "L_DCLT": d["nom"],
                                f"NBFLUX_C{YY}_ACTOCC15P": sur_place}))
    poles = d["departement"].map(pole).to_numpy()
    autre = np.where(poles == codes, voisins, poles)
    lignes.append(pd.DataFrame({"CODGEO": codes, "LIBGEO": d["nom"], "DCLT": autre, "L_DCLT": "",
                                f"NBFLUX_C{YY}_ACTOCC15P": vers_pole}))
    lignes.append(pd.DataFrame({"CODGEO": codes, "LIBGEO": d["nom"], "DCLT": voisins, "L_DCLT": "",
                                f"NBFLUX_C{YY}_ACTOCC15P": sortants - vers_pole}))
    cadre = pd.concat(lignes)
    cadre = cadre[cadre[f"NBFLUX_C{YY}_ACTOCC15P"] > 0]
    _zip(dossier / f"base-flux-mobilite-domicile-lieu-travail-{ANNEE_RP}_csv.zip",
         {f"base-flux-mobilite-domicile-lieu-travail-{ANNEE_RP}.csv": _csv(cadre)})


def ore(d: pd.DataFrame, dossier: Path) -> None:
    """Agence ORE electricity and gas by commune, category and NAF sector, 2019–2023."""
    codes, lignes = d["code"].to_numpy(), []
    p = d["p22"].to_numpy()
    gaz = (p > 1500) | (alea(codes, "gaz") < 0.2)
    for annee in range(2019, 2024):
        climat = 1 + 0.05 * np.sin(annee)
        for filiere, facteur, present in (("Electricité", 1.0, np.ones(len(codes), bool)), ("Gaz", 1.4, gaz)):
            for categorie, naf, part in (("RES", "", 2.3), ("PRO", "47", 0.9), ("ENT", "25", 0.8), ("PRO", "01", 0.2)):
                conso = p * part * facteur * climat * entre(codes, f"{annee}{filiere}{categorie}{naf}", 0.7, 1.3)
                secret = (categorie != "RES") & (p < 300) & (alea(codes, f"s{annee}{filiere}{naf}") < 0.5)
                lignes.append(pd.DataFrame({
                    "annee": annee, "filiere": filiere, "code_commune": codes[present],
                    "code_categorie_consommation": categorie, "code_secteur_naf2": naf,
                    "conso_totale_mwh": np.where(secret, 0, np.round(conso, 3))[present],
                    "nombre_de_mailles_secretisees": secret.astype(int)[present],
                }))
    (dossier / "consommation-annuelle-d-electricite-et-gaz-par-commune.csv").write_bytes(_csv(pd.concat(lignes)))


def odre(d: pd.DataFrame, dossier: Path) -> None:
    """ODRÉ register: solar, wind and hydro installations, plus aggregated rows without code."""
    codes = d["code"].to_numpy()
    n_pv = poisson(codes, "pv", d["p22"].to_numpy() / 250)
    lignes = [pd.DataFrame({"codeinseecommune": np.repeat(codes, n_pv), "filiere": "Solaire",
                            "technologie": "Photovoltaïque",
                            "puismaxinstallee": np.round(np.repeat(entre(codes, "kwpv", 3, 12), n_pv), 1),
                            "datemiseenservice": "2023-06-30"})]
    eolien = (alea(codes, "eol") < 0.03) & (d["urbain"].to_numpy() < 0.4)
    lignes.append(pd.DataFrame({"codeinseecommune": codes[eolien], "filiere": "Eolien", "technologie": "Terrestre",
                                "puismaxinstallee": np.round(entre(codes, "kweol", 6_000, 30_000)[eolien]),
                                "datemiseenservice": "2019-03-01"}))
    lignes.append(pd.DataFrame({"codeinseecommune": ["", ""], "filiere": ["Solaire", "Thermique non renouvelable"],
                                "technologie": ["Photovoltaïque", "Cogénération"], "puismaxinstallee": [1200.0, 800.0],
                                "datemiseenservice": ["", ""]}))
    (dossier / "registre-national-installation-production-stockage-electricite-agrege.csv").write_bytes(
        _csv(pd.concat(lignes)))


def bpe(d: pd.DataFrame, dossier: Path) -> None:
    """BPE long format, 2024."""
    codes, p, lignes = d["code"].to_numpy(), d["p22"].to_numpy(), []
    for type_eq, par in (("D265", 1100), ("D307", 3500), ("C101", 1500), ("C104", 1100), ("B203", 900),
                         ("B202", 1200), ("B105", 6000), ("A101", 5000)):
        nombre = poisson(codes, type_eq, p / par)
        lignes.append(pd.DataFrame({"GEO": codes, "GEO_OBJECT": "COM", "FACILITY_DOM": type_eq[0],
                                    "FACILITY_SDOM": type_eq[:2], "FACILITY_TYPE": type_eq,
                                    "BPE_MEASURE": "FACILITIES", "TIME_PERIOD": 2024, "OBS_VALUE": nombre})[nombre > 0])
    _zip(dossier / "DS_BPE_CSV_FR.zip", {"DS_BPE_2024_data.csv": _csv(pd.concat(lignes))})


def dvf(d: pd.DataFrame, dossier: Path) -> None:
    """DVF géolocalisées, one gzipped CSV per département and year (2023–2024)."""
    for (departement, bloc) in d.groupby("departement"):
        codes = bloc["code"].to_numpy()
        for annee in range(2023, 2025):
            ventes = poisson(codes, f"dvf{annee}", bloc["p22"].to_numpy() / 120)
            n = int(ventes.sum())
            if n == 0:
                continue
            commune = np.repeat(codes, ventes)
            urbain = np.repeat(bloc["urbain"].to_numpy(), ventes)
            rang = np.arange(n)
            cle = np.array([f"{annee}-{c}-{i}" for c, i in zip(commune, rang)])
            u = alea(cle, "u")
            maison = u > urbain * 0.85
            surface = np.round(np.where(maison, 70 + 80 * alea(cle, "s"), 25 + 60 * alea(cle, "s")))
            prix_m2 = np.exp(normale(np.repeat(codes, ventes), f"prix{annee}", np.log(1800 + 3500 * urbain ** 2), 0.1)
                             + normale(cle, "bruit", 0, 0.15))
            ids = np.array([f"{annee}-{departement}-{i:06d}" for i in rang])
            logements = pd.DataFrame({
                "id_mutation": ids, "date_mutation": [f"{annee}-{1 + i % 12:02d}-15" for i in rang],
                "nature_mutation": np.where(alea(cle, "n") < 0.95, "Vente", "Echange"),
                "valeur_fonciere": np.round(prix_m2 * surface, -2), "code_commune": commune,
                "type_local": np.where(maison, "Maison", "Appartement"), "surface_reelle_bati": surface,
                "nombre_pieces_principales": np.maximum(1, surface // 22).astype(int),
                "surface_terrain": np.where(maison, np.round(300 + 900 * alea(cle, "t")), ""),
                "longitude": "", "latitude": "",
            })
            dependances = logements[alea(cle, "dep") < 0.3].assign(type_local="Dépendance", surface_reelle_bati="",
                                                                   nombre_pieces_principales=0)
            cadre = pd.concat([logements, dependances]).sort_values("id_mutation", kind="stable")
            sortie = dossier / "dvf" / str(annee)
            sortie.mkdir(parents=True, exist_ok=True)
            (sortie / f"{departement}.csv.gz").write_bytes(gzip.compress(_csv(cadre, sep=","), compresslevel=1))


def grille_densite(d: pd.DataFrame, dossier: Path) -> None:
    """The density grid as INSEE publishes it: a workbook, sheet « Maille communale », header row 5."""
    import openpyxl

    from territoire_data.compare import classe_densite_approchee

    dens7 = classe_densite_approchee(pd.Series(d["p22"].to_numpy() / d["surface"].to_numpy())).astype(int)
    libelles = {1: "Grands centres urbains", 2: "Centres urbains intermédiaires", 3: "Ceintures urbaines",
                4: "Petites villes", 5: "Bourgs ruraux", 6: "Rural à habitat dispersé", 7: "Rural à habitat très dispersé"}
    classeur = openpyxl.Workbook(write_only=True)
    feuille = classeur.create_sheet("Maille communale")
    feuille.append(["Grille communale de densité à 7 niveaux (données de démonstration)"])
    feuille.append(["Source : territoire, données synthétiques"])
    feuille.append([])
    feuille.append([])
    feuille.append(["CODGEO", "LIBGEO", "DENS", "LIBDENS", "PMUN22", "DENS7", "LIBDENS7"])
    for code, nom, pop, classe in zip(d["code"], d["nom"], d["p22"], dens7):
        dens = 1 if classe <= 2 else 2 if classe <= 4 else 3
        feuille.append([code, nom, dens, ["", "Dense", "Intermédiaire", "Rural"][dens], int(pop), int(classe),
                        libelles[int(classe)]])
    tampon = io.BytesIO()
    classeur.save(tampon)
    (dossier / "fichier_diffusion_2025.xlsx").write_bytes(tampon.getvalue())


def cog(ref, departements, dossier: Path) -> None:
    """v_commune_2026.csv from the referential (all fields quoted, CRLF)."""
    communes = ref.communes if not departements else ref.communes[ref.communes["departement"].isin(departements)]
    sous = ref.sous_communes[ref.sous_communes["parent"].isin(communes.index)]
    cadre = pd.concat([
        pd.DataFrame({"TYPECOM": "COM", "COM": communes["code"], "REG": communes["region"],
                      "DEP": communes["departement"], "LIBELLE": communes["nom"], "COMPARENT": ""}),
        pd.DataFrame({"TYPECOM": sous["type"], "COM": sous["code"], "REG": "", "DEP": "", "LIBELLE": sous["nom"],
                      "COMPARENT": sous["parent"]}),
    ])
    for colonne in ("CTCD", "ARR", "TNCC", "NCC", "NCCENR", "CAN"):
        cadre[colonne] = ""
    colonnes = ["TYPECOM", "COM", "REG", "DEP", "CTCD", "ARR", "TNCC", "NCC", "NCCENR", "LIBELLE", "CAN", "COMPARENT"]
    (dossier / "v_commune_2026.csv").write_bytes(_csv(cadre[colonnes], sep=",", crlf=True, quote_all=True))
