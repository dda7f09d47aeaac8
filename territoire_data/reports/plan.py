"""Which reports a batch makes, and the fingerprint of each report's inputs."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from territoire_data.errors import TerritoireError
from territoire_data.reports.execution import Task
from territoire_data.resources import checkout_root, notebooks_folder
from territoire_data.workspace import Workspace

SCHEMA = 1  # bump when the report's rendering changes: every report is redone
NOTEBOOK = notebooks_folder() / "portrait.ipynb"


def default_output(code: str, workspace: Workspace) -> Path:
    """``reports/sortie/<scope>`` of the repository in a checkout, else ``<home>/reports/<scope>``."""
    root = checkout_root()
    base = (
        root / "reports" / "sortie" if root is not None and (root / "reports").is_dir() else workspace.home / "reports"
    )
    return base / file_name(code, "x")[:-2]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def shared_inputs(notebook: Path, warehouse) -> dict:
    """What every report of a batch reads: the notebook and the warehouse, as hashes (with a
    report's parameters, its fingerprint: unchanged inputs, report not redone)."""
    return {
        "notebook": _sha256(Path(notebook).read_bytes()),
        "warehouse": _sha256(json.dumps(warehouse.manifest, sort_keys=True, default=str).encode()),
    }


def file_name(code: str, extension: str) -> str:
    if code.startswith("liste:"):
        return f"selection.{extension}"
    return f"{code.replace(':', '-')}.{extension}"


def scope(
    communes: str | None, epci: str | None, departement: str | None, *, workspace: Workspace
) -> tuple[list[str], str | None]:
    """(commune codes, group code) of the batch; exactly one option must be given."""
    given = [o for o in (communes, epci, departement) if o]
    if len(given) != 1:
        raise TerritoireError("Indiquez un périmètre et un seul : --communes C1,C2…, --epci SIREN ou --departement D.")
    if communes:
        codes = []
        for raw in communes.split(","):
            if raw.strip():
                t = workspace.territory(raw.strip())
                if t.level != "commune":
                    raise TerritoireError(f"« {raw.strip()} » n'est pas une commune.")
                codes.append(t.code)
        codes = list(dict.fromkeys(codes))
        if not codes:
            raise TerritoireError("--communes : aucune commune indiquée.")
        return codes, ("liste:" + ",".join(codes) if len(codes) > 1 else None)
    code = f"epci:{epci.removeprefix('epci:')}" if epci else f"dep:{(departement or '').removeprefix('dep:')}"
    group = workspace.territory(code)
    return sorted(group.communes), group.code


def tasks(
    codes: list[str],
    group: str | None,
    *,
    workspace: Workspace,
    notebook: Path = NOTEBOOK,
    peers: str = "densite",
    format: str = "html",
) -> list[Task]:
    """One task per commune, then the group's; each with the fingerprint of its inputs."""
    if format not in ("html", "pdf"):
        raise TerritoireError(f"Format inconnu : « {format} » (html ou pdf).")
    notebook = Path(notebook).resolve()
    if not notebook.is_file():
        raise TerritoireError(f"Carnet introuvable : {notebook}")
    ref = workspace.referential
    base = {**shared_inputs(notebook, workspace.warehouse), "schema": SCHEMA, "format": format}
    home = str(workspace.home)
    items = []
    for code in [*codes, *([group] if group else [])]:
        parameters = {"code": code, "pairs": peers}
        name = (
            ref.communes.at[code, "name"]
            if code in ref.communes.index
            else f"Sélection de {len(codes)} communes"
            if code.startswith("liste:")
            else workspace.territory(code).name
        )
        fingerprint = _sha256(json.dumps({**base, "parameters": parameters}, sort_keys=True).encode())
        items.append(
            Task(code, str(name), str(notebook), parameters, file_name(code, format), fingerprint, format, home)
        )
    return items
