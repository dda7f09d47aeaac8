"""INSEE column names → (variable, year, start of period); vintage-agnostic.

``P18_POP`` → ``("P_POP", 2018, None)``; ``NAIS1318`` → ``("NAIS", 2018, 2013)``;
``MED21`` → ``("MED", 2021, None)``; ``PR_MD60_23`` → ``("PR_MD60", 2023, None)``;
``SUPERF`` → ``("SUPERF", None, None)``. Next year's edition (``P23_POP``, ``MED22``)
therefore loads without a code change.
"""

from __future__ import annotations

import re

_CENSUS = re.compile(r"([A-Z]+)(\d{2})_(.+)")  # P18_POP, C18_ACTOCC15P_VOIT
_PERIOD = re.compile(r"(NAIS|DECE)(\d{2})(\d{2})")  # births / deaths between two censuses
_SUFFIX = re.compile(r"(.+?)_?(\d{2})")  # MED21, TP6021, ETTOT18, MED_SL23


def split_column(column: str) -> tuple[str, int | None, int | None]:
    name = column.strip().upper()
    if m := _CENSUS.fullmatch(name):
        return f"{m[1]}_{m[3]}", 2000 + int(m[2]), None
    if (m := _PERIOD.fullmatch(name)) and int(m[3]) > int(m[2]):
        return m[1], 2000 + int(m[3]), 2000 + int(m[2])
    if m := _SUFFIX.fullmatch(name):
        return m[1], 2000 + int(m[2]), None
    return name, None, None
