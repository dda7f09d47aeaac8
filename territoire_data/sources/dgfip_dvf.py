"""DGFiP, demandes de valeurs foncières géolocalisées (DVF, Etalab).

``id_mutation,date_mutation,nature_mutation,valeur_fonciere,code_commune,type_local,
surface_reelle_bati,…`` (``,``): one row per property of a mutation. A sale (``Vente``)
of exactly one dwelling (one ``Maison`` or one ``Appartement``, no other built property)
gives a price per m² = valeur_fonciere / surface_reelle_bati. Per commune and year: the
median (``DVF_PRIX_M2_MAISON``, ``DVF_PRIX_M2_APPART``) when there are at least
``MIN_SALES`` sales, else missing; and the number of such sales.

The real layout has one row per (mutation × parcel × property): ``valeur_fonciere`` repeats
on every row of a mutation, and a mutation may span several parcels and communes. A mutation
is therefore counted once (``id_mutation``): ``DVF_NB_VENTES`` is the number of sales holding
at least one dwelling, placed in the commune of its first dwelling.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from territoire_data.sources import observations, tabular
from territoire_data.sources.base import Reading, Source, has_columns, integers, read_named_columns

MIN_SALES = 5
# DVF is not published where the livre foncier applies (Bas-Rhin, Haut-Rhin, Moselle) nor in Mayotte.
NOT_COVERED_DEPARTEMENTS = ("57", "67", "68", "976")
NOT_COVERED_REASON = "DVF ne couvre pas l'Alsace-Moselle (Bas-Rhin, Haut-Rhin, Moselle : livre foncier) ni Mayotte"
TYPES = {"Maison": "MAISON", "Appartement": "APPART"}
SALE_NATURES = ("Vente", "Vente en l'état futur d'achèvement", "Adjudication")
BUILT_TYPES = ["Maison", "Appartement", "Dépendance", "Local industriel. commercial ou assimilé"]


class Dvf(Source):
    name = "dgfip_dvf"
    label = "DGFiP, demandes de valeurs foncières (DVF)"
    producer = "DGFiP / Etalab"

    def recognises(self, header):
        return has_columns(header, "id_mutation", "date_mutation", "valeur_fonciere", "code_commune", "type_local")

    def read(self, file, header, useful):
        cols = read_named_columns(
            file,
            header,
            [
                "id_mutation",
                "date_mutation",
                "nature_mutation",
                "valeur_fonciere",
                "code_commune",
                "type_local",
                "surface_reelle_bati",
            ],
        )
        value, _ = tabular.parse_values(file, header, cols["valeur_fonciere"], "valeur_fonciere")
        area, _ = tabular.parse_values(file, header, cols["surface_reelle_bati"], "surface_reelle_bati")
        types = pc.utf8_trim_whitespace(cols["type_local"])
        # Arrow aggregations: per-file overhead matters, DVF comes as one file per département and year.
        table = pa.table(
            {
                "mutation": cols["id_mutation"],
                "date": cols["date_mutation"],
                "nature": cols["nature_mutation"],
                "value": value,
                "code": tabular.commune_codes(file, header, cols["code_commune"], "code_commune"),
                "type": types,
                "area": area,
                "built": pc.is_in(types, pa.array(BUILT_TYPES)),
                "outbuilding": pc.equal(types, "Dépendance"),
                "dwelling": pc.is_in(types, pa.array(list(TYPES))),
            }
        )
        built = (
            table.filter(table["built"])
            .group_by("mutation")
            .aggregate([("built", "count"), ("outbuilding", "sum"), ("dwelling", "sum")])
        )
        dwellings = (
            table.filter(table["dwelling"])
            .group_by("mutation", use_threads=False)
            .aggregate(
                [
                    ("type", "first"),
                    ("area", "sum"),
                    ("value", "first"),
                    ("nature", "first"),
                    ("date", "first"),
                    ("code", "first"),
                ]
            )
        )
        mutations = built.join(dwellings, "mutation", join_type="inner")
        keep = pc.and_(
            pc.and_(
                pc.equal(mutations["dwelling_sum"], 1),
                pc.equal(pc.subtract(mutations["built_count"], mutations["outbuilding_sum"]), 1),
            ),
            pc.and_(
                pc.equal(pc.utf8_trim_whitespace(mutations["nature_first"]), "Vente"),
                pc.and_(pc.greater(mutations["area_sum"], 0), pc.greater(mutations["value_first"], 0)),
            ),
        )
        sales = dwellings.filter(pc.is_in(pc.utf8_trim_whitespace(dwellings["nature_first"]), pa.array(SALE_NATURES)))
        sales = sales.append_column("annee", pc.cast(pc.utf8_slice_codeunits(sales["date_first"], 0, 4), pa.int32()))
        sales = sales.group_by(["code_first", "annee"]).aggregate([("mutation", "count")]).to_pandas()
        # Every (commune, year) the file has a mutation for: a listed commune without a sale of a
        # dwelling that year had none (zero), which a commune the file does not list cannot say.
        dated = table.filter(pc.greater_equal(pc.utf8_length(table["date"]), 4))
        listed = (
            pa.table(
                {
                    "code_first": dated["code"],
                    "annee": pc.cast(pc.utf8_slice_codeunits(dated["date"], 0, 4), pa.int32()),
                }
            )
            .group_by(["code_first", "annee"])
            .aggregate([])
            .to_pandas()
        )
        sales = listed.merge(sales, on=["code_first", "annee"], how="left").fillna({"mutation_count": 0})
        simple = mutations.filter(keep).to_pandas()
        simple["annee"] = simple["date_first"].str[:4].astype(int)
        simple["prix_m2"] = simple["value_first"] / simple["area_sum"]
        simple["code"] = simple["code_first"]
        simple["type"] = simple["type_first"]
        years = [*simple["annee"], *sales["annee"]]
        edition = str(max(years)) if years else "inconnue"
        # Medians do not add up: the département's is computed here, from the sales themselves.
        simple["departement"] = "dep:" + simple["code"].str[:2].where(
            ~simple["code"].str.startswith("97"), simple["code"].str[:3]
        )
        pieces = [
            observations.block(
                sales["code_first"],
                "DVF_NB_VENTES",
                sales["annee"],
                np.nan,
                sales["mutation_count"],
                "ok",
                self.name,
                edition,
            )
        ]
        for type_local, suffix in TYPES.items():
            block = simple[simple["type"] == type_local]
            stats = pd.concat(
                [
                    block.groupby(["code", "annee"])["prix_m2"].agg(["median", "size"]).reset_index(),
                    block.groupby(["departement", "annee"])["prix_m2"]
                    .agg(["median", "size"])
                    .reset_index()
                    .rename(columns={"departement": "code"}),
                ],
                ignore_index=True,
            )
            status = np.where(stats["size"] >= MIN_SALES, "ok", "missing")
            pieces.append(
                observations.block(
                    stats["code"],
                    f"DVF_PRIX_M2_{suffix}",
                    stats["annee"],
                    np.nan,
                    stats["median"],
                    status,
                    self.name,
                    edition,
                    reason=np.where(status == "ok", "", "insufficient_sample"),
                )
            )
            counts = listed.rename(columns={"code_first": "code"}).merge(
                stats.loc[~stats["code"].str.startswith("dep:"), ["code", "annee", "size"]],
                on=["code", "annee"],
                how="left",
            )
            pieces.append(
                observations.block(
                    counts["code"],
                    f"DVF_NB_{suffix}",
                    counts["annee"],
                    np.nan,
                    counts["size"].fillna(0),
                    "ok",
                    self.name,
                    edition,
                )
            )
        return Reading(observations.concatenate(pieces), edition)


class DvfCommuneIndicators(Source):
    """« Indicateurs immobiliers par commune et par année (prix et volumes) » (data.gouv.fr),
    aggregates of DVF per commune and year.

    Two real headers: ``"","INSEE_COM","Annee","Nb_mutations","NbMaisons","NbApparts",
    "propmaison","propappart","PrixMoyen","Prixm2Moyen","SurfaceMoy"`` (2023, with an R row
    index first) and ``INSEE_COM,annee,nb_mutations,…`` (2024). In the 2024 file the shares
    ``PropMaison``/``PropAppart`` are swapped in most rows: they are not read. Read: the
    number of sales of dwellings (counted once per mutation) and the mean price per m².
    """

    name = "dvf_indicateurs_communes"
    label = "DGFiP, DVF : indicateurs immobiliers par commune (prix et volumes)"
    producer = "DGFiP / data.gouv.fr"

    def recognises(self, header):
        return has_columns(header, "INSEE_COM", "annee", "nb_mutations", "Prixm2Moyen")

    def read(self, file, header, useful):
        cols = read_named_columns(file, header, ["INSEE_COM", "annee", "nb_mutations", "Prixm2Moyen"])
        codes = tabular.commune_codes(file, header, cols["INSEE_COM"], "INSEE_COM")
        years = integers(file, header, cols["annee"], "annee")
        sales, statuses_sales = tabular.parse_values(file, header, cols["nb_mutations"], "nb_mutations")
        price, statuses_price = tabular.parse_values(file, header, cols["Prixm2Moyen"], "Prixm2Moyen")
        # The 2024 file ends with a row without commune (``NA``): sales that could not be placed.
        located = np.array([len(c) == 5 and c[:2].isalnum() for c in codes])
        remarks = []
        if not located.all():
            remarks.append(
                f"DVF (indicateurs par commune) : {int((~located).sum())} ligne(s) sans code commune "
                f"écartée(s) ({int(np.nansum(sales[~located]))} ventes non localisées)"
            )
        edition = str(years.max()) if len(years) else "inconnue"
        obs = observations.concatenate(
            [
                observations.block(
                    codes[located],
                    "DVF_NB_VENTES",
                    years[located],
                    np.nan,
                    sales[located],
                    statuses_sales[located],
                    self.name,
                    edition,
                ),
                observations.block(
                    codes[located],
                    "DVF_PRIX_M2_MOYEN",
                    years[located],
                    np.nan,
                    price[located],
                    statuses_price[located],
                    self.name,
                    edition,
                ),
            ]
        )
        return Reading(obs, edition, remarks)
