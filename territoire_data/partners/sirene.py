"""The verification step of a SIREN claim: INSEE's Sirene register, asked for the company.

``GET {TERRITOIRE_SIRENE_URL}/siren/{siren}`` (the API Sirene 3.11 of INSEE, key in the
``X-INSEE-Api-Key-Integration`` header from ``TERRITOIRE_SIRENE_TOKEN``) answers the legal
unit with its periods; the current one (no end date) gives its state (``A`` active, ``C``
closed) and its names (``denominationUniteLegale``, ``sigleUniteLegale``, the usual names,
or for a sole trader ``prenomUsuelUniteLegale`` and ``nomUniteLegale``).

A claim is confirmed when the register knows the SIREN as active under the name the profile
gives (case, accents and punctuation aside); refused when the register does not know it or
knows it closed; left pending otherwise (another name, the register out of reach), for an
administrator to decide. The register proves that the company exists under that name, not
that the person claiming it works there: when two claims compete, or when in doubt,
administrators decide (``territoire acteurs verifier``).
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass

from territoire_data.text.names import skeleton

TIMEOUT_S = 10
NAME_FIELDS = (
    "denominationUniteLegale",
    "sigleUniteLegale",
    "denominationUsuelle1UniteLegale",
    "denominationUsuelle2UniteLegale",
    "denominationUsuelle3UniteLegale",
)


@dataclass(frozen=True)
class Verdict:
    status: str  # verified, rejected, pending
    note: str  # French, for the profile's history and the administrators


def _names(unit: dict, period: dict) -> list[str]:
    names = [period.get(field) or unit.get(field) for field in NAME_FIELDS]
    person = " ".join(filter(None, (unit.get("prenomUsuelUniteLegale"), period.get("nomUniteLegale"))))
    return [n for n in [*names, person] if n]


def check(base_url: str, token: str | None, siren: str, name: str) -> Verdict:
    """Ask the register about ``siren`` claimed under ``name``."""
    request = urllib.request.Request(
        f"{base_url.rstrip('/')}/siren/{siren}",
        headers={"Accept": "application/json", **({"X-INSEE-Api-Key-Integration": token} if token else {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as answer:
            unit = json.loads(answer.read(1_000_000)).get("uniteLegale") or {}
    except urllib.error.HTTPError as error:
        if error.code == 404:
            return Verdict("rejected", f"SIREN {siren} inconnu du répertoire Sirene")
        return Verdict("pending", f"répertoire Sirene indisponible (erreur {error.code}) : vérification à faire")
    except (urllib.error.URLError, OSError, ValueError):
        return Verdict("pending", "répertoire Sirene injoignable : vérification à faire par un administrateur")
    periods = unit.get("periodesUniteLegale") or [{}]
    current = next((p for p in periods if not p.get("dateFin")), periods[0])
    if unit.get("siren") not in (None, siren):
        return Verdict("pending", "réponse du répertoire Sirene pour un autre SIREN : vérification à faire")
    if current.get("etatAdministratifUniteLegale") == "C":
        return Verdict("rejected", f"SIREN {siren} d'une entreprise cessée selon le répertoire Sirene")
    names = _names(unit, current)
    if skeleton(name) in {skeleton(n) for n in names}:
        return Verdict("verified", f"SIREN {siren} actif au nom de « {name} » selon le répertoire Sirene")
    shown = names[0] if names else "sans nom"
    return Verdict("pending", f"le répertoire Sirene nomme ce SIREN « {shown} » : vérification à faire")
