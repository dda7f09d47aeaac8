"""ZAN trajectory (loi Climat et Résilience): reference, allowance, consumption, projection.

- reference: NAF consumption from 1 January 2011 to 31 December 2020 (Cerema yearly flows
  ``naf11art12`` … ``naf20art21``);
- allowance 2021-2030: 50 % of the reference; optionally at least 1 ha (the floor granted
  to communes covered by an urban plan);
- consumed since 2021, remaining allowance, recent pace (mean of the yearly flows since
  2021) and projection to 1 January 2031 at that pace — or at a pace given as a what-if.

Available for communes, EPCI, départements, régions (sums of member flows) and SCoT
(``scot:<name as in the Cerema file>``, members from the Cerema file).
"""

from __future__ import annotations

import math

import pandas as pd

from territoire_data.entrepot import ouvrir
from territoire_data.erreurs import TerritoireErreur

DEBUT_REFERENCE, FIN_REFERENCE = 2011, 2020
DEBUT_PERIODE, FIN_PERIODE = 2021, 2030
M2_PAR_HA = 10_000


def flux_annuels(code: str, entrepot=None) -> pd.Series:
    """Yearly NAF consumption (ha) of a territory code, or of a SCoT (``scot:…``)."""
    entrepot = entrepot or ouvrir()
    if code.startswith("scot:"):
        chemin = entrepot.dossier / "scot.parquet"
        if not chemin.exists():
            raise TerritoireErreur("Les périmètres de SCoT viennent du fichier Cerema : il n'est pas chargé.")
        membres = pd.read_parquet(chemin)
        codes = membres.loc[membres["scot"] == code[5:], "code"].tolist()
        if not codes:
            raise TerritoireErreur(f"SCoT inconnu : « {code[5:]} ».")
        obs = entrepot.observations(variable="NAF_ART", code=codes)
        if obs["statut"].astype(str).ne("ok").any():
            return pd.Series(dtype="float64")
        return obs.groupby("annee")["valeur"].sum(min_count=len(codes)) / M2_PAR_HA
    obs = entrepot.observations(variable="NAF_ART", code=code)
    obs = obs[obs["statut"].astype(str) == "ok"]
    return obs.set_index("annee")["valeur"].sort_index().astype("float64") / M2_PAR_HA


def trajectoire(territoire, *, rythme_ha_an: float | None = None, plancher_1ha: bool = False, entrepot=None) -> dict:
    """The ZAN figures of a territory (object with ``.code``/``.level``, or a ``scot:`` code)."""
    code = territoire if isinstance(territoire, str) else territoire.code
    niveau = "scot" if code.startswith("scot:") else getattr(territoire, "level", None)
    flux = flux_annuels(code, entrepot)
    annees_reference = range(DEBUT_REFERENCE, FIN_REFERENCE + 1)
    if flux.empty or any(a not in flux.index for a in annees_reference):
        return {"code": code, "disponible": False,
                "raison": "consommation d'espaces 2011-2020 non disponible (fichier Cerema absent ou incomplet)"}
    reference = float(flux.loc[list(annees_reference)].sum())
    enveloppe = reference / 2
    plancher_applique = plancher_1ha and niveau == "commune" and enveloppe < 1.0
    if plancher_applique:
        enveloppe = 1.0
    depuis = flux[(flux.index >= DEBUT_PERIODE) & (flux.index <= FIN_PERIODE)]
    consomme = float(depuis.sum())
    derniere = int(depuis.index.max()) if len(depuis) else DEBUT_PERIODE - 1
    rythme_constate = float(depuis.mean()) if len(depuis) else math.nan
    rythme = rythme_constate if rythme_ha_an is None else float(rythme_ha_an)
    annees_restantes = FIN_PERIODE - derniere
    projection = consomme + (rythme * annees_restantes if not math.isnan(rythme) else math.nan)
    restant = enveloppe - consomme
    epuisement = None
    if rythme and rythme > 0 and restant > 0:
        epuisement = derniere + math.ceil(restant / rythme)
    elif restant <= 0:
        epuisement = derniere
    return {
        "code": code,
        "disponible": True,
        "reference_2011_2020_ha": reference,
        "enveloppe_2021_2030_ha": enveloppe,
        "plancher_1ha_applique": plancher_applique,
        "consomme_depuis_2021_ha": consomme,
        "derniere_annee": derniere,
        "restant_ha": restant,
        "rythme_constate_ha_an": rythme_constate,
        "rythme_retenu_ha_an": rythme,
        "projection_2031_ha": projection,
        "projection_part_enveloppe": projection / enveloppe * 100 if enveloppe > 0 else math.nan,
        "depassement_projete": bool(projection > enveloppe),
        "annee_epuisement": epuisement,
        "serie_ha": {int(a): float(v) for a, v in flux.items()},
    }
