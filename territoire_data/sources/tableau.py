"""Delimited text tables as published: encoding, BOM, separator, CRLF, header row.

Tables are read by Arrow as strings (compact, multi-threaded), then converted column by
column into values and statuses so that a garbled cell is reported with its file, line
and column, and secret markers are kept apart from zeros.
"""

from __future__ import annotations

import codecs
import csv
import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from territoire_data.erreurs import ErreurFichier
from territoire_data.sources.brut import FichierBrut

SEPARATEURS = (";", ",", "\t", "|")
_NOMBRE = r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$"

OK, SECRET, MANQUANT, NON_COUVERT = "ok", "secret", "missing", "not_covered"
NOMS_STATUTS = np.array([OK, SECRET, MANQUANT, NON_COUVERT], dtype=object)
MANQUANTS = frozenset({"", "nd", "ND", "n.d.", "NA", "N/A"})  # "non disponible"


@dataclass(frozen=True)
class Entete:
    colonnes: tuple[str, ...]  # as written, quotes and spaces removed
    separateur: str
    encodage: str  # Python codec name (utf-8, utf-8-sig, cp1252)
    ligne: int  # 1-based line number of the header

    def index(self) -> dict[str, str]:
        """Upper-cased column name → column as written."""
        return {c.upper(): c for c in self.colonnes}


def lire_entete(fichier: FichierBrut, lignes_max: int = 12) -> Entete | None:
    """The header of a delimited text file, or None when the file is not such a table.

    Publishers put lines above the header: titles and notes (INSEE workbooks), or a line
    of long labels above the line of codes (SDES DiDo exports, the INSEE density grid).
    The header is therefore the line just above the first data line, among the widest
    lines followed by a line of the same width; a data line is one with a number in it.
    """
    debut = fichier.contenu()[:65536]
    if not debut or b"\x00" in debut[:4096]:
        return None
    encodage = _encodage(debut)
    texte = debut.decode(encodage, errors="replace")
    lignes = texte.splitlines()[: lignes_max + 1]
    candidats: list[tuple[int, str, int]] = []  # (line number, separator, fields)
    for numero, ligne in enumerate(lignes[:lignes_max], start=1):
        suivante = lignes[numero] if numero < len(lignes) else None
        for separateur in SEPARATEURS:
            n = _champs(ligne, separateur)
            if n < 2 or (suivante is not None and _champs(suivante, separateur) != n):
                continue
            candidats.append((numero, separateur, n))
    if not candidats:
        return None
    largeur = max(n for *_, n in candidats)
    separateur = next(s for _, s, n in candidats if n == largeur)
    numeros = [numero for numero, s, n in candidats if n == largeur and s == separateur]
    numero = numeros[0]
    for candidat in numeros:  # the last line of the block that is not yet data
        if _donnees(lignes[candidat - 1], separateur):
            break
        numero = candidat
    colonnes = tuple(c.strip().strip('"').strip() for c in next(csv.reader([lignes[numero - 1]], delimiter=separateur)))
    if sum(1 for c in colonnes if c) < 2:
        return None
    return Entete(colonnes, separateur, encodage, numero)


_CELLULE_NOMBRE = re.compile(r"^\s*[+-]?\d+([.,]\d+)?\s*$")


def _donnees(ligne: str, separateur: str) -> bool:
    """A line of values rather than of column names: at least one field is a number."""
    return any(_CELLULE_NOMBRE.match(c.strip('"')) for c in next(csv.reader([ligne], delimiter=separateur)))


def _champs(ligne: str, separateur: str) -> int:
    """Number of fields, separators inside double quotes not counted."""
    if separateur not in ligne:
        return 0
    return len(next(csv.reader([ligne], delimiter=separateur)))


def _encodage(debut: bytes) -> str:
    if debut.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    coupe = debut[: debut.rfind(b"\n") + 1] or debut
    try:
        coupe.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        return "cp1252"  # INSEE's and SDES's older files: Windows Latin-1


def lire(fichier: FichierBrut, entete: Entete, colonnes: list[str]) -> pa.Table:
    """The given columns as strings; a row of the wrong width is an error naming its line."""
    mauvaises: list = []

    def ligne_invalide(ligne) -> str:
        mauvaises.append(ligne)
        return "skip"

    encodage = "utf8" if entete.encodage.startswith("utf-8") else entete.encodage
    try:
        table = pacsv.read_csv(
            pa.py_buffer(fichier.contenu()),
            read_options=pacsv.ReadOptions(encoding=encodage, skip_rows=entete.ligne - 1, block_size=1 << 24),
            parse_options=pacsv.ParseOptions(delimiter=entete.separateur, invalid_row_handler=ligne_invalide),
            convert_options=pacsv.ConvertOptions(
                include_columns=colonnes,
                column_types={c: pa.string() for c in colonnes},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise ErreurFichier(fichier.chemin, None, None, f"illisible comme tableau : {_premiere_ligne(exc)}") from None
    if mauvaises:
        premiere = mauvaises[0]
        numero = None if premiere.number is None else premiere.number + entete.ligne - 1
        if numero is None:  # multi-threaded parsing does not number rows: find the text
            numero = _numero_de_ligne(fichier, entete, premiere.text)
        raise ErreurFichier(
            fichier.chemin, numero, None,
            f"{premiere.actual_columns} champs au lieu de {premiere.expected_columns} "
            f"(fichier tronqué ou séparateur incohérent ; {len(mauvaises)} ligne(s) en cause)",
        )
    return table


def _numero_de_ligne(fichier: FichierBrut, entete: Entete, texte: str) -> int | None:
    cible = texte.rstrip("\r\n")
    lignes = fichier.contenu().decode(entete.encodage, errors="replace").splitlines()
    for numero, ligne in enumerate(lignes[entete.ligne:], start=entete.ligne + 1):
        if ligne == cible:
            return numero
    return None


def _premiere_ligne(exc: Exception) -> str:
    return str(exc).strip().splitlines()[0][:200]


def codes_communes(fichier: FichierBrut, entete: Entete, colonne: pa.ChunkedArray, nom: str) -> np.ndarray:
    """Commune codes, trimmed, with the leading zero that spreadsheets drop put back."""
    codes = pc.utf8_trim(colonne, characters=' "')
    courts = pc.and_(pc.equal(pc.utf8_length(codes), 4), pc.utf8_is_digit(codes))
    codes = pc.if_else(courts, pc.utf8_lpad(codes, 5, "0"), codes)
    vides = pc.equal(pc.utf8_length(codes), 0).to_numpy(zero_copy_only=False)
    if vides.any():
        raise ErreurFichier(fichier.chemin, _ligne(entete, np.flatnonzero(vides)[0]), nom, "code géographique vide")
    return np.asarray(codes.to_numpy(zero_copy_only=False), dtype=object)


def verifier_doublons(fichier: FichierBrut, entete: Entete, codes: np.ndarray, nom: str) -> None:
    _, premiers, comptes = np.unique(codes, return_index=True, return_counts=True)
    if (comptes > 1).any():
        code = codes[premiers[np.argmax(comptes > 1)]]
        lignes = [_ligne(entete, i) for i in np.flatnonzero(codes == code)[:3]]
        raise ErreurFichier(
            fichier.chemin, lignes[1], nom,
            f"code « {code} » en double (lignes {', '.join(map(str, lignes))})",
        )


def valeurs(
    fichier: FichierBrut,
    entete: Entete,
    colonne: pa.ChunkedArray,
    nom: str,
    *,
    secrets: frozenset[str] = frozenset(),
    manquants: frozenset[str] = MANQUANTS,
    non_couverts: frozenset[str] = frozenset(),
    negatif_permis: bool = False,
) -> tuple[np.ndarray, np.ndarray]:
    """Values (float64, NaN when not a number) and statuses (ok / secret / missing /
    not_covered: ``non_couverts`` are the markers of a territory the source does not cover).

    Comma decimals are accepted. A cell that is neither a number nor a known marker, or
    a negative count, raises an ``ErreurFichier`` naming its line and column.
    """
    texte = pc.utf8_trim_whitespace(colonne)
    est_secret = pc.is_in(texte, pa.array(sorted(secrets - non_couverts), pa.string())).to_numpy(zero_copy_only=False)
    est_non_couvert = pc.is_in(texte, pa.array(sorted(non_couverts), pa.string())).to_numpy(zero_copy_only=False)
    est_manquant = pc.is_in(texte, pa.array(sorted(manquants - secrets - non_couverts), pa.string())
                            ).to_numpy(zero_copy_only=False)
    marque = est_secret | est_manquant | est_non_couvert
    candidats = pc.if_else(pa.array(marque), None, texte) if marque.any() else texte
    try:  # fast path: every other cell is a number (comma decimals allowed)
        resultat = pc.cast(pc.replace_substring(candidats, ",", "."), pa.float64())
    except pa.ArrowInvalid:
        nombre = pc.match_substring_regex(texte, _NOMBRE).to_numpy(zero_copy_only=False)
        i = int(np.flatnonzero(~(nombre | marque))[0])
        raise ErreurFichier(
            fichier.chemin, _ligne(entete, i), nom,
            f"valeur « {texte[i].as_py()[:40]} » illisible (ni nombre ni marqueur de secret)",
        ) from None
    resultat = resultat.to_numpy(zero_copy_only=False)
    if not negatif_permis and (negatifs := np.flatnonzero(resultat < 0)).size:
        i = int(negatifs[0])
        raise ErreurFichier(fichier.chemin, _ligne(entete, i), nom, f"valeur négative « {texte[i].as_py()} » pour un effectif")
    codes = np.where(est_secret, 1, np.where(est_manquant, 2, np.where(est_non_couvert, 3, 0)))
    return resultat, NOMS_STATUTS.take(codes)


def departement(code: str) -> str:
    """Département of a commune code (``97411`` → ``974``, ``2A004`` → ``2A``)."""
    return code[:3] if code.startswith("97") else code[:2]


def departements_non_couverts(codes: np.ndarray, statuts: np.ndarray, vides: np.ndarray) -> np.ndarray:
    """Statuses where blanks read as secret cover a whole département turned into not covered.

    Secrecy is scattered over small communes; a département where every commune is blank
    is one the source does not cover (Mayotte in Filosofi and in the 2018 census).
    """
    communes = np.array([len(c) == 5 for c in codes])
    if not communes.any():
        return statuts
    deps = np.array([departement(c) for c in codes], dtype=object)
    secret = (statuts == SECRET) & vides
    sortie = statuts.copy()
    for dep in np.unique(deps[communes & secret]):
        ici = communes & (deps == dep)
        if secret[ici].all():
            sortie[ici] = NON_COUVERT
    return sortie


def _ligne(entete: Entete, index: int) -> int:
    return entete.ligne + 1 + int(index)


def colonnes_presentes(entete: Entete, motif: str) -> list[str]:
    expression = re.compile(motif, re.IGNORECASE)
    return [c for c in entete.colonnes if expression.fullmatch(c)]
