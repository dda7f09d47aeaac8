"""From observations to indicator values, for communes and for groups of communes.

Observations are laid out as a dense cube per variable — territories × years — so that
aggregation and every formula of the catalogue run as whole-array operations:

1. each (code, variable, year) keeps its latest edition (``dedoublonner``);
2. group values (EPCI, département, région, France) of count variables are sums over
   member communes (``agreger``). A secret member makes the sum secret. Members the
   source does not cover are left out, and the sum is published with its coverage stated
   (« hors Mayotte ») when the covered members make at least ``COUVERTURE_MIN`` of the
   group, in communes and in population; otherwise it is missing for insufficient
   coverage. A restored commune's figure inside its former parent's counts as covered.
   Variables that are not counts come only from the group rows a source publishes;
3. each indicator's formula runs over every (territory, year) (``calculer``); its latest
   value is that of the indicator's reference year (the newest year with values): a value
   secret that year stays secret, and an older value shown instead of a missing one is
   labelled with its year and never compared with the reference year's peers.

Statuses travel as the integer codes of ``statuts`` (status and reason in one).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from territoire_data import catalogue
from territoire_data.referential import Referentiel
from territoire_data.statuts import (ABSENT, AUTRE_GEO, C_MANQUANT, C_OK, C_SECRET, COUVERTURE, INCLUS, NOMS_RAISONS,
                                     NOMS_STATUTS, NON_COUVERT, PRIORITE)
from territoire_data.statuts import code as code_statut

OK, SECRET, MANQUANT = C_OK, C_SECRET, C_MANQUANT
# Counts whose absence from a file means zero, within the départements the file covers
# (no permit, no installation, no facility, no sale, no gas delivery point).
ZERO_SI_ABSENT = frozenset({"LOG_AUT", "LOG_COM", "SDP_AUT", "PUISSANCE_ENR", "PUISSANCE_PV", "BPE_MEDECINS",
                            "BPE_ECOLES", "BPE_ALIMENTAIRE", "BPE_PHARMACIES", "FLUX_SORTANTS", "DVF_NB_MAISON",
                            "DVF_NB_APPART", "DVF_NB_VENTES", "CONSO_GAZ", "CONSO_GAZ_RES", "CONSO_GAZ_TER",
                            "CONSO_GAZ_IND", "CONSO_GAZ_AGR"})
# A group sum over its covered members is published when they make this share of the group.
COUVERTURE_MIN = 0.95
# Members that count in a sum: published values, former-territory figures, and the restored
# communes those figures include.
COMPTES = (C_OK, AUTRE_GEO, INCLUS)
ECART_RECENSEMENTS = 5  # years between the two censuses an evolution compares
NIVEAUX = (("epci", "epci:"), ("departement", "dep:"), ("region", "reg:"))


def _codes_categorie(serie: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Integer codes and categories of a column (factorised once, whatever its dtype)."""
    if isinstance(serie.dtype, pd.CategoricalDtype):
        return serie.cat.codes.to_numpy(), serie.cat.categories
    codes, uniques = pd.factorize(serie)
    return codes, pd.Index(uniques)


def dedoublonner(obs: pd.DataFrame) -> pd.DataFrame:
    """Keep, for each (code, variable, year), the value of the latest edition."""
    editions, noms = _codes_categorie(obs["edition"])
    rang_edition = np.argsort(np.argsort(np.asarray(noms.astype(str), dtype=object)))[editions]
    codes, _ = pd.factorize(obs["code"])
    variables, _ = _codes_categorie(obs["variable"])
    annees = obs["annee"].to_numpy(dtype="float64", na_value=-1).astype(np.int64) + 1
    cle = (codes.astype(np.int64) * 1_000 + variables) * 10_000 + annees
    ordre = np.lexsort((rang_edition, cle))  # by key, then edition: the last of each key wins
    cles_triees = cle[ordre]
    derniers = ordre[np.r_[cles_triees[1:] != cles_triees[:-1], True]]
    return obs.iloc[np.sort(derniers)].reset_index(drop=True)


class Cube:
    """Variables as dense arrays [territory, year]: values, status codes, period starts,
    provenance and notes (French text on a figure's geography or coverage)."""

    def __init__(self, codes: np.ndarray, annees: np.ndarray):
        self.codes = np.asarray(codes, dtype=object)
        self.annees = np.asarray(annees, dtype=np.int64)
        self.rang = {c: i for i, c in enumerate(self.codes)}
        self.categories_codes = pd.Index(self.codes, dtype=object)
        self.valeurs: dict[str, np.ndarray] = {}
        self.statuts: dict[str, np.ndarray] = {}
        self.debuts: dict[str, np.ndarray] = {}
        self.provenances: dict[str, np.ndarray] = {}
        self.notes: dict[str, np.ndarray] = {}
        self.origines: list[tuple[str, str]] = []  # provenance index → (source, edition)
        self.textes_notes: list[str] = []  # note index → text
        self._index_notes: dict[str, int] = {}

    @property
    def forme(self) -> tuple[int, int]:
        return len(self.codes), len(self.annees)

    def note(self, texte: str) -> int:
        """Index of a note text (added once)."""
        if texte not in self._index_notes:
            self._index_notes[texte] = len(self.textes_notes)
            self.textes_notes.append(texte)
        return self._index_notes[texte]

    def notes_de(self, nom: str) -> np.ndarray:
        if nom not in self.notes:
            self.notes[nom] = np.full(self.forme, -1, np.int32)
        return self.notes[nom]

    @classmethod
    def depuis_observations(cls, obs: pd.DataFrame, codes_supplementaires=()) -> "Cube":
        codes_obs, uniques = pd.factorize(obs["code"])
        uniques = np.asarray(uniques, dtype=object)
        codes = pd.unique(np.concatenate([np.asarray(codes_supplementaires, dtype=object), uniques]))
        annees = obs["annee"].dropna().astype(int)
        cube = cls(codes, np.arange(annees.min(), annees.max() + 1) if len(annees) else np.arange(2000, 2001))
        lignes = pd.Index(codes).get_indexer(uniques)[codes_obs]
        colonnes = obs["annee"].to_numpy(dtype="float64", na_value=np.nan) - cube.annees[0]
        sources, noms_sources = _codes_categorie(obs["source"])
        editions, noms_editions = _codes_categorie(obs["edition"])
        origine, paires = pd.factorize(sources.astype(np.int64) * (len(noms_editions) + 1) + editions)
        cube.origines = [(str(noms_sources[p // (len(noms_editions) + 1)]), str(noms_editions[p % (len(noms_editions) + 1)]))
                         for p in paires]
        variables, noms_variables = _codes_categorie(obs["variable"])
        statuts = _codes_statuts(obs)
        if "note" in obs.columns:
            notes_obs, noms_notes = _codes_categorie(obs["note"])
            index_notes = np.array([cube.note(str(t)) if str(t) else -1 for t in noms_notes] + [-1], dtype=np.int32)
            notes = index_notes[notes_obs]  # a missing note (code -1) takes the last entry: -1
        else:
            notes = np.full(len(obs), -1, np.int32)
        valeurs = obs["valeur"].to_numpy(dtype="float64")
        debuts = obs["debut"].to_numpy(dtype="float64", na_value=np.nan)
        ordre = np.argsort(variables, kind="stable")
        tries = variables[ordre]
        frontieres = np.flatnonzero(np.r_[True, tries[1:] != tries[:-1], True])
        for a, b in zip(frontieres[:-1], frontieres[1:]):
            ici = ordre[a:b]
            ici = ici[~np.isnan(colonnes[ici])]
            nom = str(noms_variables[tries[a]])
            l, c = lignes[ici], colonnes[ici].astype(np.int64)
            cube.valeurs[nom] = cube._vide(np.nan)
            cube.valeurs[nom][l, c] = valeurs[ici]
            cube.statuts[nom] = np.zeros(cube.forme, np.int8)
            cube.statuts[nom][l, c] = statuts[ici]
            cube.provenances[nom] = np.full(cube.forme, -1, np.int32)
            cube.provenances[nom][l, c] = origine[ici]
            if (notes[ici] >= 0).any():
                cube.notes_de(nom)[l, c] = notes[ici]
            if not np.isnan(debuts[ici]).all():
                cube.debuts[nom] = cube._vide(np.nan)
                cube.debuts[nom][l, c] = debuts[ici]
        return cube

    def _vide(self, remplissage) -> np.ndarray:
        return np.full(self.forme, remplissage, dtype="float64")

    def masquer(self) -> None:
        """Only published values remain as values: a former territory's figure (kept for the
        group sums) is not the commune's own."""
        for nom, statut in self.statuts.items():
            self.valeurs[nom][statut != C_OK] = np.nan

    def en_long(self) -> pd.DataFrame:
        """Back to tidy observations (present cells only)."""
        categories = Categories(self)
        morceaux = []
        for nom, statut in self.statuts.items():
            l, c = np.nonzero(statut)
            codes = statut[l, c]
            provenances = self.provenances[nom][l, c]
            notes = self.notes[nom][l, c] if nom in self.notes else np.full(len(l), -1, np.int32)
            morceaux.append(pd.DataFrame({
                "code": pd.Categorical.from_codes(l.astype(np.int32), categories=self.categories_codes),
                "variable": pd.Categorical.from_codes(np.zeros(len(l), np.int8), categories=[nom]),
                "annee": self.annees[c].astype(np.int16),
                "debut": self.debuts[nom][l, c] if nom in self.debuts else np.nan,
                "valeur": self.valeurs[nom][l, c],
                "statut": pd.Categorical.from_codes(categories.code_statut[codes], categories=categories.STATUTS),
                "source": pd.Categorical.from_codes(categories.origine_source[provenances], categories=categories.sources),
                "edition": pd.Categorical.from_codes(categories.origine_edition[provenances],
                                                     categories=categories.editions),
                "raison": pd.Categorical.from_codes(categories.code_raison[codes], categories=categories.RAISONS),
                "note": pd.Categorical.from_codes(notes + 1, categories=categories.notes),
            }))
        variables = pd.api.types.union_categoricals([m["variable"] for m in morceaux]).categories
        for m in morceaux:
            m["variable"] = m["variable"].cat.set_categories(variables)
        long = pd.concat(morceaux, ignore_index=True)
        long["debut"] = long["debut"].astype("Int16")
        return long


def _codes_statuts(obs: pd.DataFrame) -> np.ndarray:
    """Integer status code of every observation (status and reason together)."""
    statuts, noms_statuts = _codes_categorie(obs["statut"])
    if "raison" not in obs.columns:
        return np.array([code_statut(str(n)) for n in noms_statuts], dtype=np.int8)[statuts]
    raisons, noms_raisons = _codes_categorie(obs["raison"])
    k = len(noms_raisons)
    raisons = np.where(raisons < 0, k, raisons)  # no reason
    paires, uniques = pd.factorize(statuts.astype(np.int64) * (k + 1) + raisons)
    table = np.array([code_statut(str(noms_statuts[p // (k + 1)]), str(noms_raisons[p % (k + 1)]) if p % (k + 1) < k
                                  else "") for p in uniques], dtype=np.int8)
    return table[paires]


class Couverture:
    """What a group sum needs to state its coverage: members' weights, départements, names."""

    def __init__(self, ref: Referentiel):
        communes = ref.communes
        self.poids = communes["population_municipale"].astype("float64").fillna(0.0).to_numpy()
        self.departements = communes["departement"].astype(str).to_numpy()
        self.noms = communes["nom"].astype(str).to_numpy()
        self.codes = communes.index.to_numpy(dtype=object)
        self.noms_departements = ref.departements["nom"].to_dict()
        self.communes_par_departement = pd.Series(self.departements).value_counts().to_dict()
        self._cache: dict[tuple, str] = {}

    def texte(self, manquants: np.ndarray) -> str:
        """« hors Mayotte », « hors Sannerville (14666) », « hors 12 communes »."""
        cle = tuple(manquants.tolist())
        if cle not in self._cache:
            deps = pd.Series(self.departements[manquants]).value_counts()
            entiers = sorted(d for d, n in deps.items() if n == self.communes_par_departement.get(d))
            reste = [i for i in manquants if self.departements[i] not in entiers]
            morceaux = [self.noms_departements.get(d, d) for d in entiers]
            if 0 < len(reste) <= 3:
                morceaux += [f"{self.noms[i]} ({self.codes[i]})" for i in reste]
            elif reste:
                morceaux.append(f"{len(reste)} communes")
            self._cache[cle] = "hors " + ", ".join(morceaux)
        return self._cache[cle]


def agreger(obs: pd.DataFrame, ref: Referentiel) -> Cube:
    """The cube of observations plus the sums of count variables for every group level."""
    communes = ref.communes
    groupes = [f"{p}{c}" for col, p in NIVEAUX for c in pd.unique(communes[col].dropna())] + ["france"]
    cube = Cube.depuis_observations(obs, np.concatenate([communes.index.to_numpy(dtype=object), groupes]))
    nc = len(communes)
    departements = pd.factorize(communes["departement"])[0]
    for nom in list(cube.statuts):
        if nom in ZERO_SI_ABSENT:
            _completer_zeros(cube, nom, nc, departements)
    appartenances = []
    for colonne, prefixe in NIVEAUX:
        cibles = (prefixe + communes[colonne].astype("string")).map(cube.rang)
        appartenances.append(Appartenance(cibles.fillna(-1).to_numpy(dtype=np.int64)))
    appartenances.append(Appartenance(np.full(nc, cube.rang["france"], np.int64)))
    couverture = Couverture(ref)
    for appartenance in appartenances:
        appartenance.poids = appartenance.somme(couverture.poids)
    for nom in list(cube.statuts):
        if catalogue.est_additive(nom):
            for appartenance in appartenances:
                _sommer(cube, nom, nc, appartenance, couverture)
    cube.masquer()
    return cube


def _completer_zeros(cube: Cube, nom: str, nc: int, departements: np.ndarray) -> None:
    statut, valeurs, provenance = cube.statuts[nom], cube.valeurs[nom], cube.provenances[nom]
    for j in range(cube.forme[1]):
        # Only a published year (values, not "not yet published" markers) says absence is zero.
        publies = statut[:nc, j] == OK
        if not publies.any():
            continue
        presents = statut[:nc, j] != ABSENT
        couverts = np.isin(departements, np.unique(departements[publies]))
        trous = couverts & ~presents
        statut[:nc, j][trous] = OK
        valeurs[:nc, j][trous] = 0.0
        provenance[:nc, j][trous] = np.bincount(provenance[:nc, j][publies]).argmax()


class Appartenance:
    """Member communes of each group of one level, sorted so that sums are one ``reduceat``."""

    def __init__(self, cibles: np.ndarray):
        garder = np.flatnonzero(cibles >= 0)
        ordre = garder[np.argsort(cibles[garder], kind="stable")]
        self.ordre = ordre
        tries = cibles[ordre]
        self.debuts = np.flatnonzero(np.r_[True, tries[1:] != tries[:-1]])
        self.groupes = tries[self.debuts]
        self.membres = np.diff(np.r_[self.debuts, len(tries)])
        self.poids: np.ndarray | None = None

    def somme(self, tableau: np.ndarray) -> np.ndarray:
        return np.add.reduceat(tableau[self.ordre], self.debuts, axis=0)

    def maximum(self, tableau: np.ndarray) -> np.ndarray:
        return np.maximum.reduceat(tableau[self.ordre], self.debuts, axis=0)

    def membres_de(self, g: int) -> np.ndarray:
        """Commune indices of the g-th group."""
        return self.ordre[self.debuts[g]:self.debuts[g] + self.membres[g]]


def _sommer(cube: Cube, nom: str, nc: int, appartenance: Appartenance, couverture: Couverture) -> None:
    statut, valeurs = cube.statuts[nom][:nc], cube.valeurs[nom][:nc]
    groupes = appartenance.groupes
    compte = np.isin(statut, COMPTES)
    total = appartenance.somme(np.where(compte, np.nan_to_num(valeurs), 0.0))
    n_compte = appartenance.somme(compte.astype(np.int32))
    n_secret = appartenance.somme((statut == SECRET).astype(np.int32))
    n_non_couvert = appartenance.somme((statut == NON_COUVERT).astype(np.int32))
    n_present = appartenance.somme((statut != ABSENT).astype(np.int32))
    membres = appartenance.membres[:, None]
    poids_compte = appartenance.somme(np.where(compte, couverture.poids[:, None], 0.0))
    with np.errstate(divide="ignore", invalid="ignore"):
        part_poids = np.where(appartenance.poids[:, None] > 0, poids_compte / appartenance.poids[:, None], 1.0)
    complet = n_compte == membres
    partiel = ~complet & (n_compte >= COUVERTURE_MIN * membres) & (part_poids >= COUVERTURE_MIN)
    nouveau = np.select(
        [n_secret > 0, complet | partiel, n_compte > 0, n_non_couvert == n_present, n_present > 0],
        [SECRET, OK, COUVERTURE, NON_COUVERT, MANQUANT], ABSENT).astype(np.int8)
    nouveau = np.where(n_present == 0, ABSENT, nouveau).astype(np.int8)
    publie = cube.statuts[nom][groupes] != ABSENT  # a value the source publishes for the group wins
    cube.valeurs[nom][groupes] = np.where(publie, cube.valeurs[nom][groupes], np.where(nouveau == OK, total, np.nan))
    cube.statuts[nom][groupes] = np.where(publie, cube.statuts[nom][groupes], nouveau)
    provenance = appartenance.maximum(np.where(statut != ABSENT, cube.provenances[nom][:nc], -1))
    cube.provenances[nom][groupes] = np.where(publie, cube.provenances[nom][groupes], provenance)
    if nom in cube.debuts:
        debut = appartenance.maximum(np.nan_to_num(cube.debuts[nom][:nc], nan=-1))
        cube.debuts[nom][groupes] = np.where(publie, cube.debuts[nom][groupes], np.where(debut >= 0, debut, np.nan))
    # The coverage of partial sums, in words.
    for g, j in zip(*np.nonzero(partiel & (nouveau == OK) & ~publie)):
        membres_g = appartenance.membres_de(g)
        manquants = membres_g[~compte[membres_g, j]]
        cube.notes_de(nom)[groupes[g], j] = cube.note(couverture.texte(manquants))


class Variables:
    """What catalogue formulas see: each variable as a flat array over (territory, year)."""

    def __init__(self, cube: Cube):
        self.cube = cube
        n, y = cube.forme
        self.codes = np.repeat(cube.codes, y)
        self.annee = np.tile(cube.annees, n)
        self._ligne = self.lignes = np.repeat(np.arange(n), y)
        self._nan = np.full(n * y, np.nan)
        self._cache: dict = {}

    def __call__(self, variable: str) -> np.ndarray:
        tableau = self.cube.valeurs.get(variable)
        return self._nan if tableau is None else tableau.ravel()

    def statut(self, variable: str) -> np.ndarray:
        tableau = self.cube.statuts.get(variable)
        return np.zeros(len(self.annee), np.int8) if tableau is None else tableau.ravel()

    def provenance(self, variable: str) -> np.ndarray | None:
        tableau = self.cube.provenances.get(variable)
        return None if tableau is None else tableau.ravel()

    def _indices(self, annees) -> tuple[np.ndarray, np.ndarray]:
        annees = np.broadcast_to(np.asarray(annees, dtype="float64"), self.annee.shape)
        colonne = annees - self.cube.annees[0]
        valide = ~np.isnan(colonne) & (colonne >= 0) & (colonne < self.cube.forme[1])
        return valide, colonne

    def a(self, variable: str, annees) -> np.ndarray:
        """The variable at a given year for each row (NaN outside the cube)."""
        tableau = self.cube.valeurs.get(variable)
        sortie = np.full(len(self.annee), np.nan)
        if tableau is None:
            return sortie
        valide, colonne = self._indices(annees)
        sortie[valide] = tableau[self._ligne[valide], colonne[valide].astype(np.int64)]
        return sortie

    def debut(self, variable: str) -> np.ndarray:
        tableau = self.cube.debuts.get(variable)
        return self._nan if tableau is None else tableau.ravel()

    def _connues(self, variable: str) -> tuple[np.ndarray, np.ndarray]:
        """Per cell: the latest year index ≤ it, and the first ≥ it, with a value (-1 / Y if none)."""
        cle = ("connues", variable)
        if cle not in self._cache:
            valeurs = self.cube.valeurs.get(variable)
            n, y = self.cube.forme
            if valeurs is None:
                self._cache[cle] = (np.full((n, y), -1), np.full((n, y), y))
            else:
                connu = ~np.isnan(valeurs)
                positions = np.arange(y)
                avant = np.maximum.accumulate(np.where(connu, positions, -1), axis=1)
                apres = np.minimum.accumulate(np.where(connu, positions, y)[:, ::-1], axis=1)[:, ::-1]
                self._cache[cle] = (avant, apres)
        return self._cache[cle]

    def annee_precedente(self, variable: str) -> np.ndarray:
        """The latest year with a value at least ``ECART_RECENSEMENTS`` before each row's year."""
        avant, _ = self._connues(variable)
        colonne = self.annee - ECART_RECENSEMENTS - self.cube.annees[0]
        sortie = np.full(len(self.annee), np.nan)
        valide = colonne >= 0
        trouve = avant[self._ligne[valide], colonne[valide]]
        sortie[valide] = np.where(trouve >= 0, trouve + self.cube.annees[0], np.nan)
        return sortie

    def recent(self, variable: str) -> np.ndarray:
        """The variable at the nearest year it is known (a census population for yearly data)."""
        avant, apres = self._connues(variable)
        y = self.cube.forme[1]
        a, p = avant.ravel(), apres.ravel()
        ici = np.tile(np.arange(y), self.cube.forme[0])
        choix = np.where((a >= 0) & ((p >= y) | (ici - a <= p - ici)), a, np.where(p < y, p, -1))
        return np.where(choix >= 0, self.a(variable, choix + self.cube.annees[0]), np.nan)

    def premier(self, *variables: str) -> np.ndarray:
        sortie = self._nan
        for variable in variables:
            sortie = np.where(np.isnan(sortie), self(variable), sortie)
        return sortie

    def premier_calcul(self, calcul, *variables: str) -> np.ndarray:
        return np.where(np.isnan(base := calcul()), self.premier(*variables), base)

    def cumul(self, variable: str, debut: int, fin) -> np.ndarray:
        """Σ variable over years debut…fin (fin per row or fixed); NaN when a year is missing."""
        cle = ("cumul", variable)
        valeurs = self.cube.valeurs.get(variable)
        if valeurs is None:
            return self._nan
        if cle not in self._cache:
            zeros = np.zeros((self.cube.forme[0], 1))
            self._cache[cle] = (np.hstack([zeros, np.cumsum(np.nan_to_num(valeurs), axis=1)]),
                                np.hstack([zeros, np.cumsum(np.isnan(valeurs), axis=1)]))
        sommes, trous = self._cache[cle]
        y0, y = self.cube.annees[0], self.cube.forme[1]
        fin = np.broadcast_to(np.asarray(fin, dtype=np.int64), self.annee.shape)
        d, f = debut - y0, fin - y0
        valide = (d >= 0) & (f >= d) & (f < y)
        sortie = np.full(len(self.annee), np.nan)
        lignes, f = self._ligne[valide], f[valide]
        total = sommes[lignes, f + 1] - sommes[lignes, d]
        manquants = trous[lignes, f + 1] - trous[lignes, d]
        sortie[valide] = np.where(manquants == 0, total, np.nan)
        return sortie

    def fige(self, valeurs, annee: int) -> np.ndarray:
        return np.where(self.annee == annee, valeurs, np.nan)

    def depuis(self, valeurs, annee: int) -> np.ndarray:
        return np.where(self.annee >= annee, valeurs, np.nan)

    def par_variation(self, variable: str) -> np.ndarray:
        """m² of NAF land consumed between two censuses per unit of change of ``variable``."""
        precedente = self.annee_precedente(variable)
        variation = self(variable) - self.a(variable, precedente)
        conso = np.full(len(self.annee), np.nan)
        for debut in np.unique(precedente[~np.isnan(precedente)]).astype(int):
            ici = precedente == debut
            conso[ici] = self.cumul("NAF_ART", debut, self.annee - 1)[ici]
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(variation > 0, conso / variation, np.nan)


def _statut_indicateur(valeurs: np.ndarray, statuts: np.ndarray) -> np.ndarray:
    """A computed value is ok; otherwise the most telling status among its variables."""
    sortie = np.where((statuts != ABSENT).any(axis=0), MANQUANT, ABSENT).astype(np.int8)
    for code in reversed(PRIORITE):  # the first of PRIORITE found wins
        sortie = np.where((statuts == code).any(axis=0), code, sortie).astype(np.int8)
    return np.where(~np.isnan(valeurs), OK, sortie).astype(np.int8)


def calculer(cube: Cube) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every indicator for every (code, year), and each one's latest value per code.

    Both tables: code, indicateur, annee, valeur, statut, source, edition, raison, note.
    The latest value is that of the indicator's reference year (the newest year with a
    value anywhere): ok, or secret, or missing with its reason; when the reference year
    has no value for a territory but an older year has, the older value is given with its
    year and ``comparable`` false (it is not placed among the reference year's peers). A
    secret reference-year value keeps the newest earlier value in ``valeur_anterieure``
    and ``annee_anterieure``, for display with its year only.
    """
    v = Variables(cube)
    n, y = cube.forme
    categories = Categories(cube)
    positions = np.arange(y)
    tous, derniers = [], []
    for indicateur in catalogue.INDICATEURS:
        with np.errstate(all="ignore"):
            valeurs = np.asarray(indicateur.formule(v), dtype="float64")
        valeurs = np.where(np.isfinite(valeurs), valeurs, np.nan)
        statut = _statut_indicateur(valeurs, np.stack([v.statut(nom) for nom in indicateur.variables]))
        provenance = np.full(n * y, -1, np.int32)
        note = np.full(n * y, -1, np.int32)
        for nom in reversed(indicateur.variables):  # the first variable present gives the provenance
            origine = v.provenance(nom)
            if origine is not None:
                provenance = np.where(origine >= 0, origine, provenance)
            if nom in cube.notes:
                note = np.where(cube.notes[nom].ravel() >= 0, cube.notes[nom].ravel(), note)
        garder = np.flatnonzero(statut != ABSENT)
        if not len(garder):
            continue
        tous.append(categories.table(v.lignes[garder], indicateur.id, v.annee[garder], valeurs[garder], statut[garder],
                                     provenance[garder], note[garder]))
        grille = statut.reshape(n, y)
        ok = grille == OK
        avec_valeur = np.flatnonzero(ok.any(axis=0))
        reference = int(avec_valeur.max()) if len(avec_valeur) else -1
        dernier_ok = np.where(ok, positions, -1).max(axis=1)
        dernier = np.where(grille != ABSENT, positions, -1).max(axis=1)
        if reference >= 0:
            a_la_reference = grille[:, reference]
            choix = np.where(np.isin(a_la_reference, (OK, SECRET)), reference,
                             np.where(dernier_ok >= 0, dernier_ok,
                                      np.where(a_la_reference != ABSENT, reference, dernier)))
            anterieur = np.where(ok & (positions < reference), positions, -1).max(axis=1)
        else:
            choix, anterieur = dernier, np.full(n, -1)
        premier_ok = np.where(ok, positions, y).min(axis=1)
        lignes = np.flatnonzero(choix >= 0)
        cellules = lignes * y + choix[lignes]
        table = categories.table(lignes, indicateur.id, cube.annees[choix[lignes]], valeurs[cellules],
                                 statut[cellules], provenance[cellules], note[cellules])
        table["comparable"] = (choix[lignes] == reference) & (statut[cellules] == OK)
        # Dynamics: the first year with a value, for change and annual rate up to the one shown.
        debut = premier_ok[lignes]
        connu = (debut < y) & (statut[cellules] == OK) & (choix[lignes] > debut)
        table["annee_debut"] = np.where(connu, cube.annees[np.minimum(debut, y - 1)], -1).astype(np.int16)
        table["valeur_debut"] = np.where(connu, valeurs[lignes * y + np.minimum(debut, y - 1)], np.nan)
        precedent = anterieur[lignes]
        secret_avec_passe = (statut[cellules] == SECRET) & (precedent >= 0)
        table["annee_anterieure"] = np.where(secret_avec_passe, cube.annees[np.maximum(precedent, 0)], -1
                                             ).astype(np.int16)
        table["valeur_anterieure"] = np.where(secret_avec_passe, valeurs[lignes * y + np.maximum(precedent, 0)], np.nan)
        derniers.append(table)
    return _assembler(tous), _assembler(derniers)


class Categories:
    """Output columns built as categoricals straight from the cube's integer codes (no
    object arrays of strings: the indicator tables have millions of rows)."""

    STATUTS = ["ok", "secret", "missing"]
    RAISONS = ["", *sorted(set(NOMS_RAISONS) - {""}), "partial_coverage"]

    def __init__(self, cube: Cube):
        self.cube = cube
        self.sources = sorted({s for s, _ in cube.origines})
        self.editions = sorted({e for _, e in cube.origines})
        rang_source = {s: i for i, s in enumerate(self.sources)}
        rang_edition = {e: i for i, e in enumerate(self.editions)}
        self.origine_source = np.array([rang_source[s] for s, _ in cube.origines] + [-1], dtype=np.int32)
        self.origine_edition = np.array([rang_edition[e] for _, e in cube.origines] + [-1], dtype=np.int32)
        self.notes = ["", *cube.textes_notes]
        index_statut = {"ok": 0, "secret": 1, "missing": 2, "": -1}
        self.code_statut = np.array([index_statut[str(x)] for x in NOMS_STATUTS], dtype=np.int8)
        index_raison = {r: i for i, r in enumerate(self.RAISONS)}
        self.code_raison = np.array([index_raison[str(x)] for x in NOMS_RAISONS], dtype=np.int8)
        self.partielle = index_raison["partial_coverage"]

    def table(self, lignes, indicateur, annees, valeurs, statuts, provenances, notes) -> pd.DataFrame:
        n = len(lignes)
        raisons = np.where((statuts == OK) & (notes >= 0), self.partielle, self.code_raison[statuts])
        return pd.DataFrame({
            # Codes stay integer references into the cube's territories (a categorical), not strings.
            "code": pd.Categorical.from_codes(np.asarray(lignes, dtype=np.int32), categories=self.cube.categories_codes),
            "indicateur": pd.Categorical.from_codes(np.zeros(n, np.int8), categories=[indicateur]),
            "annee": np.asarray(annees).astype(np.int16), "valeur": valeurs,
            "statut": pd.Categorical.from_codes(self.code_statut[statuts], categories=self.STATUTS),
            "source": pd.Categorical.from_codes(self.origine_source[provenances], categories=self.sources),
            "edition": pd.Categorical.from_codes(self.origine_edition[provenances], categories=self.editions),
            "raison": pd.Categorical.from_codes(raisons, categories=self.RAISONS),
            "note": pd.Categorical.from_codes(notes + 1, categories=self.notes),
        })


def _assembler(morceaux: list[pd.DataFrame]) -> pd.DataFrame:
    indicateurs = pd.api.types.union_categoricals([m["indicateur"] for m in morceaux]).categories
    for m in morceaux:
        m["indicateur"] = m["indicateur"].cat.set_categories(indicateurs)
    return pd.concat(morceaux, ignore_index=True)  # same categories everywhere: columns stay categorical
