"""From observations to indicator values, for communes and for groups of communes.

Observations are laid out as a dense cube per variable — territories × years — so that
aggregation and every formula of the catalogue run as whole-array operations:

1. each (code, variable, year) keeps its latest edition (``dedoublonner``);
2. group values (EPCI, département, région, France) of count variables are sums over
   member communes; a sum is ``ok`` only when every member is ``ok`` (a secret member
   makes it secret, an absent one missing). Variables that are not counts come only from
   the group rows a source publishes (``agreger``);
3. each indicator's formula runs over every (territory, year) (``calculer``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from territoire_data import catalogue
from territoire_data.referential import Referentiel

ABSENT, OK, SECRET, MANQUANT = 0, 1, 2, 3
STATUTS = {"ok": OK, "secret": SECRET, "missing": MANQUANT}
NOMS_STATUTS = np.array(["", "ok", "secret", "missing"], dtype=object)
# Counts whose absence from a file means zero, within the départements the file covers.
ZERO_SI_ABSENT = frozenset({"LOG_AUT", "LOG_COM", "SDP_AUT", "PUISSANCE_ENR", "PUISSANCE_PV", "BPE_D265",
                            "BPE_ECOLES", "BPE_ALIMENTAIRE", "BPE_D307", "FLUX_SORTANTS"})
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
    """Variables as dense arrays [territory, year]: values, statuses, period starts, provenance."""

    def __init__(self, codes: np.ndarray, annees: np.ndarray):
        self.codes = np.asarray(codes, dtype=object)
        self.annees = np.asarray(annees, dtype=np.int64)
        self.rang = {c: i for i, c in enumerate(self.codes)}
        self.categories_codes = pd.Index(self.codes, dtype=object)
        self.valeurs: dict[str, np.ndarray] = {}
        self.statuts: dict[str, np.ndarray] = {}
        self.debuts: dict[str, np.ndarray] = {}
        self.provenances: dict[str, np.ndarray] = {}
        self.origines: list[tuple[str, str]] = []  # provenance index → (source, edition)

    @property
    def forme(self) -> tuple[int, int]:
        return len(self.codes), len(self.annees)

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
        statuts_codes, noms_statuts = _codes_categorie(obs["statut"])
        statuts = np.array([STATUTS[str(n)] for n in noms_statuts], dtype=np.int8)[statuts_codes]
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
            if not np.isnan(debuts[ici]).all():
                cube.debuts[nom] = cube._vide(np.nan)
                cube.debuts[nom][l, c] = debuts[ici]
        return cube

    def _vide(self, remplissage) -> np.ndarray:
        return np.full(self.forme, remplissage, dtype="float64")

    def en_long(self) -> pd.DataFrame:
        """Back to tidy observations (present cells only)."""
        morceaux = []
        sources = np.array([s for s, _ in self.origines] + [None], dtype=object)
        editions = np.array([e for _, e in self.origines] + [None], dtype=object)
        for nom, statut in self.statuts.items():
            l, c = np.nonzero(statut)
            morceaux.append(pd.DataFrame({
                "code": pd.Categorical.from_codes(l.astype(np.int32), categories=self.categories_codes),
                "variable": nom, "annee": self.annees[c].astype(np.int16),
                "debut": self.debuts[nom][l, c] if nom in self.debuts else np.nan,
                "valeur": self.valeurs[nom][l, c], "statut": NOMS_STATUTS[statut[l, c]],
                "source": sources[self.provenances[nom][l, c]], "edition": editions[self.provenances[nom][l, c]],
            }))
        long = pd.concat(morceaux, ignore_index=True)
        long["debut"] = long["debut"].astype("Int16")
        for colonne in ("variable", "statut", "source", "edition"):
            long[colonne] = long[colonne].astype("category")
        return long


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
    for nom in list(cube.statuts):
        if catalogue.est_additive(nom):
            for cibles in appartenances:
                _sommer(cube, nom, nc, cibles)
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

    def somme(self, tableau: np.ndarray) -> np.ndarray:
        return np.add.reduceat(tableau[self.ordre], self.debuts, axis=0)

    def maximum(self, tableau: np.ndarray) -> np.ndarray:
        return np.maximum.reduceat(tableau[self.ordre], self.debuts, axis=0)


def _sommer(cube: Cube, nom: str, nc: int, appartenance: Appartenance) -> None:
    statut, valeurs = cube.statuts[nom][:nc], cube.valeurs[nom][:nc]
    groupes = appartenance.groupes
    ok = statut == OK
    total = appartenance.somme(np.where(ok, valeurs, 0.0))
    n_ok = appartenance.somme(ok.astype(np.int32))
    n_secret = appartenance.somme((statut == SECRET).astype(np.int32))
    n_present = appartenance.somme((statut != ABSENT).astype(np.int32))
    nouveau = np.where(n_ok == appartenance.membres[:, None], OK,
                       np.where(n_secret > 0, SECRET, np.where(n_present > 0, MANQUANT, ABSENT))).astype(np.int8)
    publie = cube.statuts[nom][groupes] != ABSENT  # a value the source publishes for the group wins
    cube.valeurs[nom][groupes] = np.where(publie, cube.valeurs[nom][groupes], np.where(nouveau == OK, total, np.nan))
    cube.statuts[nom][groupes] = np.where(publie, cube.statuts[nom][groupes], nouveau)
    provenance = appartenance.maximum(np.where(statut != ABSENT, cube.provenances[nom][:nc], -1))
    cube.provenances[nom][groupes] = np.where(publie, cube.provenances[nom][groupes], provenance)
    if nom in cube.debuts:
        debut = appartenance.maximum(np.nan_to_num(cube.debuts[nom][:nc], nan=-1))
        cube.debuts[nom][groupes] = np.where(publie, cube.debuts[nom][groupes], np.where(debut >= 0, debut, np.nan))


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


def calculer(cube: Cube) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every indicator for every (code, year), and each one's latest value per code.

    Both tables: code, indicateur, annee, valeur, statut, source, edition. The latest
    value is that of the latest year with a value, else of the latest year with a status.
    """
    v = Variables(cube)
    n, y = cube.forme
    sources = np.array([s for s, _ in cube.origines] + [None], dtype=object)
    editions = np.array([e for _, e in cube.origines] + [None], dtype=object)
    tous, derniers = [], []
    for indicateur in catalogue.INDICATEURS:
        with np.errstate(all="ignore"):
            valeurs = np.asarray(indicateur.formule(v), dtype="float64")
        valeurs = np.where(np.isfinite(valeurs), valeurs, np.nan)
        statuts = np.stack([v.statut(nom) for nom in indicateur.variables])
        statut = np.where(~np.isnan(valeurs), OK,
                          np.where((statuts == SECRET).any(axis=0), SECRET,
                                   np.where((statuts != ABSENT).any(axis=0), MANQUANT, ABSENT))).astype(np.int8)
        provenance = np.full(n * y, -1, np.int32)
        for nom in reversed(indicateur.variables):  # the first variable present gives the provenance
            origine = v.provenance(nom)
            if origine is not None:
                provenance = np.where(origine >= 0, origine, provenance)
        garder = np.flatnonzero(statut != ABSENT)
        if not len(garder):
            continue
        tous.append(_table(cube, v.lignes[garder], indicateur.id, v.annee[garder], valeurs[garder], statut[garder],
                           sources[provenance[garder]], editions[provenance[garder]]))
        grille = statut.reshape(n, y)
        positions = np.arange(y)
        dernier_ok = np.where(grille == OK, positions, -1).max(axis=1)
        dernier = np.where(grille != ABSENT, positions, -1).max(axis=1)
        choix = np.where(dernier_ok >= 0, dernier_ok, dernier)
        premier_ok = np.where(grille == OK, positions, y).min(axis=1)
        lignes = np.flatnonzero(choix >= 0)
        cellules = lignes * y + choix[lignes]
        table = _table(cube, lignes, indicateur.id, cube.annees[choix[lignes]], valeurs[cellules],
                       statut[cellules], sources[provenance[cellules]], editions[provenance[cellules]])
        # Dynamics: the first year with a value, for change and annual rate up to the latest.
        debut = premier_ok[lignes]
        connu = (debut < y) & (dernier_ok[lignes] > debut)
        table["annee_debut"] = np.where(connu, cube.annees[np.minimum(debut, y - 1)], -1).astype(np.int16)
        table["valeur_debut"] = np.where(connu, valeurs[lignes * y + np.minimum(debut, y - 1)], np.nan)
        derniers.append(table)
    return _assembler(tous), _assembler(derniers)


def _table(cube: Cube, lignes, indicateur, annees, valeurs, statuts, sources, editions) -> pd.DataFrame:
    # Codes stay integer references into the cube's territories (a categorical), not strings.
    codes = pd.Categorical.from_codes(np.asarray(lignes, dtype=np.int32), categories=cube.categories_codes)
    return pd.DataFrame({"code": codes, "indicateur": indicateur, "annee": np.asarray(annees).astype(np.int16),
                         "valeur": valeurs, "statut": NOMS_STATUTS[statuts], "source": sources, "edition": editions})


def _assembler(morceaux: list[pd.DataFrame]) -> pd.DataFrame:
    table = pd.concat(morceaux, ignore_index=True)  # same categories everywhere: codes stay categorical
    for colonne in ("indicateur", "statut", "source", "edition"):
        table[colonne] = table[colonne].astype("category")
    return table
