"""What identifies an actor, checked: SIREN (with its check digit), NAF rév. 2 activity code
and INSEE's size band (« tranche d'effectif salarié » of the Sirene register)."""

from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

from territoire_data.errors import TerritoireError

NAF_DIVISIONS_FILE = Path(__file__).resolve().parent.parent / "core" / "data" / "naf_divisions.csv"

# Sirene's « tranche d'effectif salarié » codes and their labels (INSEE).
SIZE_BANDS = {
    "NN": "non employeuse",
    "00": "0 salarié",
    "01": "1 ou 2 salariés",
    "02": "3 à 5 salariés",
    "03": "6 à 9 salariés",
    "11": "10 à 19 salariés",
    "12": "20 à 49 salariés",
    "21": "50 à 99 salariés",
    "22": "100 à 199 salariés",
    "31": "200 à 249 salariés",
    "32": "250 à 499 salariés",
    "41": "500 à 999 salariés",
    "42": "1 000 à 1 999 salariés",
    "51": "2 000 à 4 999 salariés",
    "52": "5 000 à 9 999 salariés",
    "53": "10 000 salariés et plus",
}
LA_POSTE = "356000000"  # its SIREN is accepted as such by INSEE (the check applies to its SIRETs otherwise)


class InvalidIdentifier(TerritoireError):
    pass


def luhn_valid(digits: str) -> bool:
    """Luhn check (SIREN, SIRET): every second digit from the right doubled."""
    total = 0
    for position, character in enumerate(reversed(digits)):
        value = int(character)
        if position % 2 == 1:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def normalise_siren(text: str) -> str:
    """« 552 100 554 » → ``"552100554"``; a French error if it is not a SIREN (nine digits whose
    check digit holds). A SIRET (14 digits) is refused with the hint to keep its first nine."""
    digits = re.sub(r"[\s.\-\u00a0\u202f]", "", text or "")
    if len(digits) == 14 and digits.isdigit():
        raise InvalidIdentifier(
            f"« {text} » est un SIRET (établissement) : indiquez le SIREN de l'entreprise, ses 9 premiers chiffres."
        )
    if len(digits) != 9 or not digits.isdigit():
        raise InvalidIdentifier(f"SIREN « {text} » : 9 chiffres sont attendus (par ex. 552 100 554).")
    if digits != LA_POSTE and not luhn_valid(digits):
        raise InvalidIdentifier(
            f"SIREN « {text} » : la clé de contrôle ne correspond pas (faute de frappe ?). "
            "Vous le trouverez sur annuaire-entreprises.data.gouv.fr."
        )
    return digits


@cache
def naf_divisions() -> dict[str, str]:
    """NAF rév. 2 divisions (two digits) and their INSEE labels (a package file: same for everyone)."""
    with NAF_DIVISIONS_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["division"]: row["label"] for row in csv.DictReader(handle)}


def normalise_naf(text: str) -> str:
    """« 4322a », « 43.22A », « 43 22 A » → ``"43.22A"`` (NAF rév. 2 sub-class, as Sirene writes it)."""
    compact = re.sub(r"[\s.]", "", text or "").upper()
    found = re.fullmatch(r"(\d{2})(\d{2})([A-Z])", compact)
    if not found or found.group(1) not in naf_divisions():
        raise InvalidIdentifier(
            f"Code NAF « {text} » : un code de la NAF rév. 2 est attendu, comme 43.22A ou 71.12B "
            "(il figure sur l'avis de situation Sirene)."
        )
    return f"{found.group(1)}.{found.group(2)}{found.group(3)}"


def activity(naf: str | None) -> str | None:
    """The activity a NAF code says, at the division level (« 43 — Travaux de construction spécialisés »)."""
    if not naf:
        return None
    label = naf_divisions().get(naf[:2])
    return f"{naf} — {label}" if label else naf


def size_label(band: str | None) -> str | None:
    return SIZE_BANDS.get(band or "")


def check_size_band(band: str) -> str:
    band = (band or "").strip().upper()
    if band not in SIZE_BANDS:
        raise InvalidIdentifier(
            f"Tranche d'effectif « {band} » inconnue : "
            + ", ".join(f"{code} ({label})" for code, label in SIZE_BANDS.items())
            + "."
        )
    return band
