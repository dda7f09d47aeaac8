"""The portrait of a territory: what a report says, as HTML fragments for a notebook.

``notebooks/portrait.ipynb`` calls these in order; each returns a ``Fragment`` (static
HTML), so the executed notebook converts to a self-contained page without scripts.

A commune's portrait: identity card, key figures of each theme with their position among
peers, trends, ZAN trajectory, a static map of the commune in its département, provenance.
A group (``epci:…``, ``dep:…``, ``liste:C1,C2…``): the same for the group's totals, plus a
table comparing its communes and a map of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cached_property

import numpy as np
import pandas as pd

from territoire_data import couleurs, indicateurs, svg, zan
from territoire_data.catalogue import PAR_ID, THEMES
from territoire_data.entrepot import ouvrir
from territoire_data.erreurs import TerritoireErreur
from territoire_data.format import nombre
from territoire_data.fragments import Fragment, e, libelle_pairs, table_indicateurs, valeur_affichee
from territoire_data.fragments import legende as legende_html
from territoire_data.fragments import zan as zan_html
from territoire_data.projections import epsg_local, reprojeter
from territoire_data.referential import charger
from territoire_data.sources import libelle as libelle_source
from territoire_data.territoires import territoire

TENDANCES = ("population", "emplois", "logements", "revenu_median")
COMPARAISON = ("population", "variation_annuelle_population", "taux_chomage_15_64", "part_logements_vacants",
               "revenu_median", "taux_pauvrete", "conso_naf_depuis_2021", "part_enveloppe_zan_consommee")
INDICATEUR_CARTE = "densite_population"
_FORMES: dict[str, object] = {}
_CARTES: dict[tuple, tuple] = {}  # (warehouse, scope) → (svg.Carte, codes in drawing order, legend items)


def formes_departement(departement: str):
    """A département's commune shapes in its official projection, read once per process."""
    if departement not in _FORMES:
        formes = charger().geometries("departement", departements=[departement]).sort_values("code")
        formes = formes.reset_index(drop=True)
        formes["geometry"] = reprojeter(formes.geometry.to_numpy(), 4326, epsg_local(departement))
        _FORMES[departement] = formes
    return _FORMES[departement]


@dataclass(frozen=True)
class _Liste:
    """A list of communes given by the user, reported as a group without totals."""

    code: str
    name: str
    communes: tuple[str, ...]
    level: str = "liste"


class Portrait:
    def __init__(self, code: str, pairs: str = "densite", *, home=None):
        self.referentiel = charger(home)
        self.entrepot = ouvrir(home)
        self.pairs = pairs
        if str(code).startswith("liste:"):
            codes = tuple(dict.fromkeys(c.strip() for c in code[6:].split(",") if c.strip()))
            inconnus = [c for c in codes if c not in self.referentiel.communes.index]
            if not codes or inconnus:
                raise TerritoireErreur(f"Liste de communes invalide : {', '.join(inconnus) or 'vide'}.")
            self.territoire = _Liste(code, f"Sélection de {len(codes)} communes", codes)
        else:
            self.territoire = territoire(code, referentiel=self.referentiel)

    @property
    def est_groupe(self) -> bool:
        return self.territoire.level not in ("commune", "arrondissement")

    @cached_property
    def table(self) -> pd.DataFrame | None:
        if self.territoire.level == "liste":
            return None
        return indicateurs.tableau(self.territoire, pairs=self.pairs, entrepot=self.entrepot)

    @cached_property
    def lignes(self) -> dict[str, dict]:
        return {} if self.table is None else {r["id"]: r for r in self.table.to_dict("records")}

    # -- sections ---------------------------------------------------------------------------

    def entete(self) -> Fragment:
        t = self.territoire
        niveau = {"commune": "Commune", "epci": "Intercommunalité", "departement": "Département",
                  "region": "Région", "france": "France", "liste": "Sélection de communes",
                  "arrondissement": "Arrondissement municipal"}.get(t.level, t.level)
        demo = ('<div class="r-demo" role="note"><strong>Données de démonstration.</strong> Les valeurs de ce '
                "rapport sont synthétiques (plausibles, dérivées des populations et superficies réelles) : "
                "ne les citez pas.</div>" if self.entrepot.demo else "")
        groupe = "" if self.table is None or self.table.empty else self.table["peers_group"].iloc[0]
        return Fragment(
            f'<header class="r-entete"><div class="r-marque">territoire · portrait de territoire</div>'
            f'<h1 class="r-titre">{e(t.name)}</h1><div class="r-sous-titre">{e(niveau)} · {e(t.code)} · '
            f"rapport du {date.today().strftime('%d/%m/%Y')} · comparaison : {e(libelle_pairs(groupe) or '—')}</div>"
            f"{demo}</header>")

    def identite(self) -> Fragment:
        t = self.territoire
        lignes = []
        if t.level != "liste":
            fiche = t.fiche()
            if fiche.get("departement"):
                lignes.append(("Département", f"{fiche['departement']['name']} ({fiche['departement']['code']})"))
            if fiche.get("region"):
                lignes.append(("Région", f"{fiche['region']['name']} ({fiche['region']['code']})"))
            if fiche.get("epci"):
                lignes.append(("Intercommunalité", f"{fiche['epci']['name']} ({fiche['epci']['code']})"))
            if fiche.get("area_km2"):
                lignes.append(("Superficie", f"{nombre(fiche['area_km2'], 1)} km²"))
        if self.est_groupe:
            lignes.append(("Communes", nombre(len(t.communes))))
        for ident in ("population", "densite_population", "logements", "emplois"):
            if ident in self.lignes:
                ligne = self.lignes[ident]
                annee = f" ({int(ligne['year'])})" if ligne.get("status") == "ok" else ""
                lignes.append((PAR_ID[ident].libelle, valeur_affichee(ligne) + annee))
        corps = "".join(f'<tr><th scope="row">{e(a)}</th><td>{e(b)}</td></tr>' for a, b in lignes)
        return Fragment(f'<section class="r-section"><h2>Carte d\'identité</h2><table class="r-fiche">{corps}</table>'
                        "</section>")

    def chiffres_cles(self) -> Fragment:
        if self.table is None:
            return Fragment("")
        morceaux = ['<section class="r-section"><h2>Chiffres clés par thème</h2>'
                    f'<p class="r-note">Position : rang centile parmi les {e(libelle_pairs(self.table["peers_group"].iloc[0]))}'
                    " (0 : la plus faible valeur, 100 : la plus forte) et médiane de ce groupe.</p>"]
        for theme, libelle in THEMES.items():
            lignes = [r for r in self.lignes.values() if r["theme"] == theme]
            morceaux.append(f"<h3>{e(libelle)}</h3>" + table_indicateurs(lignes))
        return Fragment("".join(morceaux) + "</section>")

    def tendances(self) -> Fragment:
        if self.table is None:
            return Fragment("")
        graphiques = []
        series = self.entrepot.series(self.territoire.code, TENDANCES)
        for ident in TENDANCES:
            indicateur = PAR_ID[ident]
            serie = series.get(ident, pd.DataFrame(columns=["annee", "valeur", "statut"]))
            valeurs = np.where(serie["statut"].astype(str) == "ok", serie["valeur"].astype("float64"), np.nan)
            graphiques.append(f'<figure class="r-figure"><figcaption>{e(indicateur.libelle)} ({e(indicateur.unite)})'
                              "</figcaption>" + svg.courbe(serie["annee"].to_numpy(), valeurs,
                                                           titre=f"{indicateur.libelle} — {self.territoire.name}",
                                                           unite=indicateur.unite, decimales=indicateur.decimales)
                              + "</figure>")
        return Fragment('<section class="r-section"><h2>Évolutions</h2><div class="r-grille">'
                        + "".join(graphiques) + "</div></section>")

    def trajectoire_zan(self) -> Fragment:
        if self.territoire.level == "liste":
            return Fragment("")
        t = zan.trajectoire(self.territoire, entrepot=self.entrepot)
        return Fragment('<section class="r-section"><h2>Trajectoire ZAN (zéro artificialisation nette)</h2>'
                        + zan_html(t, self.territoire.name) + "</section>")

    def _membres_carte(self) -> tuple[list[str], str, str]:
        """(communes drawn, what they are, caption)."""
        t = self.territoire
        if self.est_groupe:
            perimetre = f"les {len(t.communes)} communes de {t.name}"
            return list(t.communes), perimetre, perimetre
        dep = t.departement
        communes = self.referentiel.communes
        perimetre = f"communes du département {self.referentiel.departements.at[dep, 'nom']}"
        return communes.index[communes["departement"] == dep].tolist(), perimetre, f"{t.name} parmi les {perimetre}"

    def carte(self) -> Fragment:
        """Static SVG map (no tiles, no script): density classes, the commune outlined."""
        codes, perimetre, legende = self._membres_carte()
        if len(codes) > 3_000:
            return Fragment('<section class="r-section"><h2>Carte</h2><p class="r-note">Carte non produite au-delà '
                            "de 3 000 communes.</p></section>")
        indicateur = PAR_ID[INDICATEUR_CARTE]
        # A commune's map is its département's, outlined: drawn once per département and process.
        cle = (str(self.entrepot.dossier),  # a rebuilt warehouse gets new colours
               f"dep:{self.territoire.departement}" if not self.est_groupe else self.territoire.code)
        if cle not in _CARTES:
            departements = self.referentiel.communes.loc[codes, "departement"].dropna().unique()
            formes = pd.concat([formes_departement(d) for d in sorted(departements)])
            formes = formes[formes["code"].isin(codes)].sort_values("code").reset_index(drop=True)
            valeurs = (self.entrepot.matrice[INDICATEUR_CARTE].reindex(formes["code"]).to_numpy(dtype="float64")
                       if INDICATEUR_CARTE in self.entrepot.matrice else np.full(len(formes), np.nan))
            classes = couleurs.quantiles(valeurs)
            dessin = svg.Carte(formes.geometry.to_numpy(), [classes.couleur(v) for v in valeurs],
                               titre=f"{indicateur.libelle} : {perimetre}")
            cles = legende_html(classes, indicateur.unite, indicateur.decimales)
            _CARTES[cle] = (dessin, formes["code"].tolist(), cles)
        dessin, ordre, cles = _CARTES[cle]
        surligne = None if self.est_groupe or self.territoire.code not in ordre else ordre.index(self.territoire.code)
        return Fragment(f'<section class="r-section"><h2>Carte</h2><figure class="r-carte"><figcaption>'
                        f"{e(indicateur.libelle)} — {e(legende)}"
                        f"{' (contour rouge)' if surligne is not None else ''}</figcaption>{dessin.rendu(surligne)}"
                        f"{cles}</figure></section>")

    def communes(self) -> Fragment:
        """For a group: its communes side by side on a few key indicators."""
        if not self.est_groupe:
            return Fragment("")
        matrice = self.entrepot.matrice
        noms = self.referentiel.communes["nom"]
        colonnes = [i for i in COMPARAISON if i in matrice.columns]
        entete = "".join(f"<th>{e(PAR_ID[i].libelle)} ({e(PAR_ID[i].unite)})</th>" for i in colonnes)
        corps = []
        for code in sorted(self.territoire.communes, key=lambda c: str(noms.get(c, c))):
            valeurs = matrice.loc[code, colonnes] if code in matrice.index else pd.Series(np.nan, index=colonnes)
            cellules = "".join(f'<td class="r-valeur">{e(nombre(valeurs[i], PAR_ID[i].decimales))}</td>' for i in colonnes)
            corps.append(f'<tr data-code="{e(code)}"><th scope="row">{e(noms.get(code, code))} ({e(code)})</th>{cellules}</tr>')
        return Fragment('<section class="r-section"><h2>Les communes</h2><p class="r-note">Dernière valeur disponible ; '
                        "n.d. : secret statistique ou non disponible.</p><div class=\"r-defile\"><table class=\"r-table\">"
                        f"<thead><tr><th>Commune</th>{entete}</tr></thead><tbody>{''.join(corps)}</tbody></table></div>"
                        "</section>")

    def provenance(self) -> Fragment:
        sources = self.entrepot.manifeste.get("sources", {})
        lignes = "".join(
            f"<tr><th scope=\"row\">{e(libelle_source(nom))}</th><td>{e(', '.join(s.get('editions', [])))}</td>"
            f"<td>{e('–'.join(str(a) for a in s.get('annees', [])))}</td><td>{e(nombre(s.get('communes')))}</td></tr>"
            for nom, s in sorted(sources.items()))
        construit = self.entrepot.manifeste.get("construit_le", "")
        return Fragment(
            '<section class="r-section"><h2>Provenance et méthode</h2>'
            "<p>Chaque valeur indique sa source et son édition (colonne « Source » ; la formule de calcul "
            "s'affiche au survol). Les agrégats (EPCI, département…) sont des sommes de numérateurs sur des "
            "sommes de dénominateurs, jamais des moyennes de taux ; une valeur secrète ou absente n'est jamais "
            "remplacée par zéro.</p>"
            '<table class="r-table"><thead><tr><th>Source</th><th>Éditions</th><th>Années</th><th>Communes couvertes'
            f"</th></tr></thead><tbody>{lignes}</tbody></table>"
            f'<p class="r-note">Entrepôt construit le {e(construit)}. Données publiques sous Licence Ouverte '
            "Etalab 2.0 ou ODbL selon les sources.</p></section>")
