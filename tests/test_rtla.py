"""The triennial artificialisation report (``territoire rtla``): figures recomputed from the
real Cerema rows, documents read back (ODT, DOCX, and LibreOffice opening them), corrections
with their trace, batches with an index, and bad input refused in French."""

from __future__ import annotations

import html
import json
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from conftest import TEST_DATA, binary, home_with_referential, run_cli

from territoire_data.rendering.formatting import number

CEREMA = TEST_DATA / "formats_reels" / "cerema_conso_espaces_2009_2023_extract.csv"
AMBERIEU = "01004"


@pytest.fixture(scope="module")
def home_cerema(tmp_path_factory, home, ref) -> Path:
    """A warehouse built from the real Cerema extract (five communes of Ain)."""
    from territoire_data.workspace import Workspace

    folder = home_with_referential(tmp_path_factory, home, "home-cerema")
    raw = folder / "brut"
    raw.mkdir()
    shutil.copy(CEREMA, raw)
    Workspace(folder).build_warehouse([raw])
    return folder


@pytest.fixture(scope="module")
def drafted(home_cerema, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("rtla-ambérieu")
    run = run_cli(
        "rtla", AMBERIEU, "--format", "odt,docx,html,json", "--out", str(out), "--workers", "1", home=home_cerema
    )
    assert run.returncode == 0, run.stderr
    assert "1 rapport(s) triennal(aux) rédigé(s)" in run.stdout
    return out


def _expected() -> dict:
    """Section 1° of Ambérieu-en-Bugey recomputed with pandas from the Cerema row itself."""
    frame = pd.read_csv(CEREMA, sep=";", dtype={"idcom": str})
    row = frame.set_index("idcom").loc[AMBERIEU]
    years = range(2011, 2023)  # flows naf11art12 … naf22art23: the file's last year is 2022
    per_year = {y: row[f"naf{y % 100:02d}art{(y + 1) % 100:02d}"] / 10_000 for y in years}
    destinations = {
        key: {y: row[f"art{y % 100:02d}{short}{(y + 1) % 100:02d}"] / 10_000 for y in years}
        for key, short in (
            ("habitat", "hab"),
            ("activite", "act"),
            ("mixte", "mix"),
            ("routes", "rou"),
            ("ferre", "fer"),
            ("inconnu", "inc"),
        )
    }
    total = sum(per_year.values())
    area_ha = row["surfcom2023"] / 10_000
    habitat_2014_2019 = sum(row[f"art{y % 100:02d}hab{(y + 1) % 100:02d}"] for y in range(2014, 2020))
    return {
        "per_year": per_year,
        "destinations": destinations,
        "total": total,
        "share": 100 * total / area_ha,
        "area_ha": area_ha,
        "reference": sum(per_year[y] for y in range(2011, 2021)),
        "since_2021": per_year[2021] + per_year[2022],
        "m2_per_household": habitat_2014_2019 / (row["men20"] - row["men14"]),
        "m2_per_inhabitant": sum(row[f"naf{y % 100:02d}art{(y + 1) % 100:02d}"] for y in range(2014, 2020))
        / (row["pop20"] - row["pop14"]),
    }


def test_section_1_figures_match_the_cerema_rows(drafted):
    expected = _expected()
    report = json.loads((drafted / f"rapport_triennal_{AMBERIEU}.json").read_text(encoding="utf-8"))
    c = report["consumption"]
    assert c["available"] and report["period"]["start"] == 2011 and report["period"]["end"] == 2022
    assert {r["year"]: r["total_ha"] for r in c["years"]} == pytest.approx(expected["per_year"])
    for key, values in expected["destinations"].items():
        assert {r["year"]: r[f"{key}_ha"] for r in c["years"]} == pytest.approx(values), key
        assert c["by_destination"][key]["ha"] == pytest.approx(sum(values.values()))
    assert c["total_ha"] == pytest.approx(expected["total"])
    assert c["area_ha"] == pytest.approx(expected["area_ha"]) and c["area_source"].startswith("Cerema")
    assert c["share_of_area_pct"] == pytest.approx(expected["share"])
    assert c["reference_2011_2020_ha"] == pytest.approx(expected["reference"])
    assert c["since_2021_ha"] == pytest.approx(expected["since_2021"])
    assert c["demography"]["households"]["m2_per_new"] == pytest.approx(expected["m2_per_household"])
    assert c["demography"]["inhabitants"]["m2_per_new"] == pytest.approx(expected["m2_per_inhabitant"])
    # Section 4°: the allowance of core.zan, from the same flows.
    z = report["zan"]
    assert z["reference_2011_2020_ha"] == pytest.approx(expected["reference"])
    assert z["allowance_2021_2030_ha"] == pytest.approx(max(expected["reference"] / 2, 1.0))


def _odt_text(path: Path) -> str:
    from odf import teletype
    from odf.opendocument import load
    from odf.text import H, P

    document = load(str(path))
    return "\n".join(teletype.extractText(e) for kind in (H, P) for e in document.getElementsByType(kind))


def _docx_text(path: Path) -> str:
    from docx import Document

    document = Document(str(path))
    texts = [p.text for p in document.paragraphs]
    for table in document.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def test_the_documents_carry_the_figures(drafted):
    """The ODT and DOCX, read again, hold the section 1° figures as printed, real headings, the
    chart as an image, the zones to write and the annexes."""
    from docx import Document
    from odf.opendocument import load

    expected = _expected()
    shown = [
        number(expected["total"], 2),
        number(expected["per_year"][2015], 2),
        number(expected["destinations"]["habitat"][2019], 2),
        number(expected["m2_per_household"], 0),
        number(expected["share"], 2),
    ]
    odt = _odt_text(drafted / f"rapport_triennal_{AMBERIEU}.odt")
    docx = _docx_text(drafted / f"rapport_triennal_{AMBERIEU}.docx")
    for text in (odt, docx):
        for figure in shown:
            assert figure in text, figure
        for title in (
            "Cadre",
            "1° Consommation d'espaces naturels",
            "4° Appréciation au regard des objectifs",
            "Explication des évolutions observées",
            "Projet de délibération",
            "Préfet du département Ain (01)",
        ):
            assert title in text, title
        assert "OCS GE" in text
    document = load(str(drafted / f"rapport_triennal_{AMBERIEU}.odt"))
    assert any(name.startswith("Pictures/") for name in document.Pictures)
    word = Document(str(drafted / f"rapport_triennal_{AMBERIEU}.docx"))
    assert [p.style.name for p in word.paragraphs if p.text.startswith("1° Consommation")] == ["Heading 1"]
    assert len(word.inline_shapes) == 1
    page = (drafted / f"rapport_triennal_{AMBERIEU}.html").read_text(encoding="utf-8")
    assert number(expected["total"], 2) in page and '<html lang="fr">' in page and "<script" not in page


@pytest.mark.slow
def test_libreoffice_opens_both_documents(drafted, tmp_path):
    """The office suite a town hall uses opens the ODT and the DOCX (converted to text here)."""
    soffice = binary("soffice")
    for extension in ("odt", "docx"):
        source = drafted / f"rapport_triennal_{AMBERIEU}.{extension}"
        run = subprocess.run(
            [
                soffice,
                "--headless",
                f"-env:UserInstallation=file://{tmp_path}/profil",
                "--convert-to",
                "txt:Text",
                "--outdir",
                str(tmp_path / extension),
                str(source),
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert run.returncode == 0, run.stderr
        text = (tmp_path / extension / f"rapport_triennal_{AMBERIEU}.txt").read_text(encoding="utf-8", errors="replace")
        assert number(_expected()["total"], 2) in text and "Appréciation du conseil" in text


def test_a_territory_absent_from_the_cerema_file_says_so(home_cerema, tmp_path):
    run = run_cli("rtla", "33440", "--format", "json,html", "--out", str(tmp_path), "--workers", "1", home=home_cerema)
    assert run.returncode == 0, run.stderr
    report = json.loads((tmp_path / "rapport_triennal_33440.json").read_text(encoding="utf-8"))
    assert not report["consumption"]["available"] and "jamais remplacée par zéro" in report["consumption"]["reason"]
    assert report["consumption"]["years"] == [] and not report["zan"]["available"]
    assert "ne couvre pas" in (tmp_path / "rapport_triennal_33440.html").read_text(encoding="utf-8")


def _corrections(folder: Path, lines: list[str]) -> Path:
    path = folder / "corrections.csv"
    path.write_text("territoire;indicateur;annee;valeur;source;motif\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_correction_replaces_a_figure_with_its_trace(home_cerema, tmp_path):
    path = _corrections(
        tmp_path,
        [
            f"{AMBERIEU};consommation_naf;2021;1,5;Observatoire départemental de l'Ain, relevé 2025;Une zone d'activité comptée deux fois"
        ],
    )
    out = tmp_path / "sortie"
    run = run_cli(
        "rtla",
        AMBERIEU,
        "--format",
        "json,odt",
        "--out",
        str(out),
        "--corrections",
        str(path),
        "--workers",
        "1",
        home=home_cerema,
    )
    assert run.returncode == 0, run.stderr
    report = json.loads((out / f"rapport_triennal_{AMBERIEU}.json").read_text(encoding="utf-8"))
    expected = _expected()
    row = next(r for r in report["consumption"]["years"] if r["year"] == 2021)
    assert row["total_ha"] == 1.5 and row["corrected"] == ["total_ha"]
    assert report["consumption"]["since_2021_ha"] == pytest.approx(1.5 + expected["per_year"][2022])
    assert report["zan"]["consumed_since_2021_ha"] == pytest.approx(1.5 + expected["per_year"][2022])
    (trace,) = report["corrections"]
    assert trace["national_value"] == pytest.approx(expected["per_year"][2021]) and trace["value"] == 1.5
    text = _odt_text(out / f"rapport_triennal_{AMBERIEU}.odt")
    assert "Observatoire départemental de l'Ain, relevé 2025" in text and "comptée deux fois" in text
    assert f"{number(expected['per_year'][2021], 2)} ha (Cerema)" in text


@pytest.mark.parametrize(
    "line, message",
    [
        (f"{AMBERIEU};consommation_naf;2021;1,5;;Un motif", "ligne 2 : source manquante"),
        (f"{AMBERIEU};consommation_naf;2021;1,5;Une source;", "ligne 2 : motif manquant"),
        (f"{AMBERIEU};hectares_magiques;2021;1,5;Une source;Un motif", "ligne 2 : indicateur inconnu"),
        (f"{AMBERIEU};consommation_naf;1850;1,5;Une source;Un motif", "ligne 2 : année invalide"),
        (f"{AMBERIEU};consommation_naf;2021;=1+1;Une source;Un motif", "ligne 2 : valeur qui n'est pas un nombre"),
        ("99999;consommation_naf;2021;1,5;Une source;Un motif", "ligne 2 : territoire inconnu"),
    ],
)
def test_a_bad_correction_refuses_the_whole_file(line, message, home_cerema, tmp_path):
    """Read in-process (the command's path is shown once below): the first bad line refuses all."""
    from territoire_data.errors import TerritoireError
    from territoire_data.rtla.corrections import read
    from territoire_data.workspace import Workspace

    workspace = Workspace(home_cerema)
    good = f"{AMBERIEU};consommation_naf;2022;2;Une source;Un motif"
    path = _corrections(tmp_path, [line, good])
    with pytest.raises(TerritoireError, match="Aucune correction n'est appliquée") as refused:
        read(path, lambda c: workspace.territory(c).code)
    assert message in str(refused.value)


def test_the_command_refuses_a_bad_corrections_file_in_french(home_cerema, tmp_path):
    path = _corrections(tmp_path, [f"{AMBERIEU};consommation_naf;2021;1,5;;Un motif"])
    out = tmp_path / "sortie"
    run = run_cli("rtla", AMBERIEU, "--format", "json", "--out", str(out), "--corrections", str(path), home=home_cerema)
    assert run.returncode == 2 and "ligne 2 : source manquante" in run.stderr
    assert "Aucune correction n'est appliquée" in run.stderr and "Traceback" not in run.stderr
    assert not (out / f"rapport_triennal_{AMBERIEU}.json").exists()


def test_text_stays_inert_in_every_format(home_cerema, tmp_path):
    import csv

    hostile = '<script>alert(1)</script> =HYPERLINK("http://x")'
    path = tmp_path / "corrections.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.writer(file, delimiter=";")
        writer.writerow(["territoire", "indicateur", "annee", "valeur", "source", "motif"])
        writer.writerow([AMBERIEU, "superficie", "", "2500", hostile, "motif <b>gras</b>"])
    out = tmp_path / "sortie"
    run = run_cli(
        "rtla", AMBERIEU, "--format", "html,odt,docx", "--out", str(out), "--corrections", str(path), home=home_cerema
    )
    assert run.returncode == 0, run.stderr
    page = (out / f"rapport_triennal_{AMBERIEU}.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "&lt;script&gt;" in page and "<b>gras" not in page
    assert hostile in _odt_text(out / f"rapport_triennal_{AMBERIEU}.odt")  # as text, not markup
    assert hostile in _docx_text(out / f"rapport_triennal_{AMBERIEU}.docx")


@pytest.mark.slow
def test_a_departement_batch_with_an_index_and_nothing_redone(home_demo, tmp_path):
    from territoire_data.workspace import Workspace

    workspace = Workspace(home_demo)
    dordogne = workspace.territory("dep:24")
    epcis = workspace.referential.communes.loc[list(dordogne.communes), "epci"].dropna().unique()
    out = tmp_path / "dordogne"
    run = run_cli(
        "rtla", "dep:24", "--format", "json", "--out", str(out), "--workers", "2", home=home_demo, timeout=900
    )
    assert run.returncode == 0, run.stderr
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    levels = pd.Series([t["level"] for t in manifest["territories"]]).value_counts()
    assert levels["commune"] == len(dordogne.communes) and levels["epci"] == len(epcis)
    assert all(t["status"] == "ok" for t in manifest["territories"])
    index = (out / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr>") == len(manifest["territories"]) + 1
    sample = json.loads((out / f"rapport_triennal_{dordogne.communes[0]}.json").read_text(encoding="utf-8"))
    assert (
        sample["demo"]
        and sample["consumption"]["available"]
        and len(sample["consumption"]["comparisons"]["peers"]) <= 8
    )
    from territoire_data.rtla import batch
    from territoire_data.rtla.corrections import read

    again = batch.run(workspace, "dep:24", out, formats=["json"], progress=False)  # in-process: quicker
    assert (again.done, again.unchanged) == (0, len(manifest["territories"]))
    # A correction for one commune redoes that commune only.
    code = dordogne.communes[0]
    path = _corrections(tmp_path, [f"{code};consommation_naf;2015;0,25;Observatoire;Vérification de terrain"])
    corrections = read(path, lambda c: workspace.territory(c).code)
    third = batch.run(workspace, "dep:24", out, formats=["json"], corrections=corrections, progress=False)
    assert (third.done, third.unchanged) == (1, len(manifest["territories"]) - 1)


def test_france_by_folder_resumes_after_an_interruption(home_demo, tmp_path):
    """``--france`` (here restricted to the Dordogne and the Territoire de Belfort): one folder
    per département and one for the EPCI, each with its index; a batch stopped mid-way (as a
    Ctrl-C would) keeps what it wrote, says what is left, and the command finishes it
    without redoing anything."""
    from territoire_data.rtla import batch
    from territoire_data.workspace import Workspace

    workspace = Workspace(home_demo)
    communes = workspace.referential.communes
    members = communes[communes["departement"].isin(["24", "90"])]
    epcis = sorted(members["epci"].dropna().astype(str).unique())
    out = tmp_path / "france"
    first = batch.run(
        workspace, "france", out, formats=["json"], departements=["24", "90"], workers=2, progress=False, stop_after=60
    )
    assert first.interrupted and first.done >= 60
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["territories"]
    assert len(manifest) == len(members) + len(epcis)
    finished = {t["code"]: t for t in manifest if t["status"] == "ok"}
    assert len(finished) == first.done and {t["status"] for t in manifest} == {"ok", "pending"}
    stamps = {c: (out / t["files"][0]).stat().st_mtime_ns for c, t in finished.items()}
    assert "pas encore rédigé" in (out / "24" / "index.html").read_text(encoding="utf-8")

    resumed = run_cli(
        "rtla",
        "--france",
        "--departements",
        "24,90",
        "--format",
        "json",
        "--out",
        str(out),
        home=home_demo,
        timeout=900,
    )
    assert resumed.returncode == 0, resumed.stderr
    assert f"{len(manifest) - len(finished)} rapport(s) triennal(aux) rédigé(s), {len(finished)} inchangé(s)" in (
        resumed.stdout
    )
    assert all((out / finished[c]["files"][0]).stat().st_mtime_ns == stamp for c, stamp in stamps.items())
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["territories"]
    assert all(t["status"] == "ok" for t in manifest)
    # The layout: communes in their département's folder, EPCI in epci/, an index in each.
    for code, dep in zip(members.index, members["departement"]):
        assert (out / dep / f"rapport_triennal_{code}.json").is_file()
    assert sorted(p.name for p in (out / "epci").glob("*.json")) == [f"rapport_triennal_epci-{e}.json" for e in epcis]
    top = (out / "index.html").read_text(encoding="utf-8")
    assert "Dordogne (24)" in top and "Territoire de Belfort (90)" in top
    for folder, count in (("24", (members["departement"] == "24").sum()), ("90", 101), ("epci", len(epcis))):
        assert f'<a href="{folder}/index.html">' in top
        index = (out / folder / "index.html").read_text(encoding="utf-8")
        assert index.count("<tr>") == count + 1 and 'href="../index.html"' in index
    assert 'href="rapport_triennal_24001.json"' in (out / "24" / "index.html").read_text(encoding="utf-8")
    drafted = json.loads((out / "24" / "rapport_triennal_24001.json").read_text(encoding="utf-8"))
    assert drafted["territory"]["code"] == "24001" and drafted["consumption"]["available"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--france", "33063"], "indiquez un territoire (CODE) ou --france"),
        ([], "indiquez un territoire (CODE) ou --france"),
        (["--departements", "24", "33063"], "s'emploie avec --france seulement"),
        (["--france", "--departements", "24,2c"], "Départements inconnus : 2C."),
    ],
    ids=["france-et-code", "rien", "departements-sans-france", "departement-inconnu"],
)
def test_france_or_a_territory_not_both(arguments, message, home_demo, tmp_path, use_home, capsys):
    from territoire_data.cli import main

    use_home(home_demo)  # in this process: the command's own parsing, without a new interpreter each time
    assert main(["rtla", *arguments, "--out", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert message in " ".join(error.split()), error


@pytest.mark.notebooks
def test_the_notebook_drafts_with_papermill(home_demo, tmp_path):
    """``notebooks/rtla.ipynb``, parameterised for Papermill, writes the same documents."""
    import os
    import sys

    from conftest import ROOT

    out = tmp_path / "sortie"
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            str(ROOT / "notebooks" / "rtla.ipynb"),
            str(tmp_path / "rtla.ipynb"),
            "-p",
            "code",
            "33440",
            "-p",
            "formats",
            "odt,json",
            "-p",
            "sortie",
            str(out),
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "TERRITOIRE_HOME": str(home_demo), "TERRITOIRE_NO_PROGRESS": "1"},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads((out / "rapport_triennal_33440.json").read_text(encoding="utf-8"))
    assert report["zan"]["allowance_2021_2030_ha"] == 1.0 and (out / "rapport_triennal_33440.odt").is_file()


def test_the_dashboard_offers_the_draft_to_elus_only(home_demo, tmp_path):
    """The « Rapport triennal » action: shown to the élu of Saint-Martial, hidden from a company
    of the territory and from nobody; the files are the ODT and a readable version."""
    from fakes import FakeProvider

    from territoire_data.access.users import add_user
    from territoire_data.workspace import Workspace
    from widgets.providers import WorkspaceTriennial
    from widgets.state import State
    from widgets.triennial import TriennialPanel

    folder = tmp_path / "home"  # the demo data, and a store of its own
    shutil.copytree(home_demo, folder, symlinks=True, ignore=shutil.ignore_patterns("echanges", "discussions.sqlite*"))
    workspace = Workspace(folder)
    workspace.store.upgrade()
    add_user(workspace, "maire.rtla", "elu", "33440")
    add_user(workspace, "entreprise.rtla", "entreprise", "33440")
    state = State(FakeProvider())
    panel = TriennialPanel(state, WorkspaceTriennial(workspace))
    state.code = "33440"
    panel.login = "entreprise.rtla"
    assert panel.layout.display == "none"
    panel.login = "maire.rtla"
    assert panel.layout.display is None
    panel._make()
    assert "ti-rtla-odt" in panel.output.value and (
        "ti-rtla-pdf" in panel.output.value or "ti-rtla-html" in panel.output.value
    )
    files = WorkspaceTriennial(workspace).documents("maire.rtla", "33440")
    assert files["odt"][:2] == b"PK"
    from territoire_data.access.authorisation import AccessDenied

    with pytest.raises(AccessDenied):
        WorkspaceTriennial(workspace).documents("entreprise.rtla", "33440")


def test_a_territorial_target_is_set_beside_the_national_allowance(home_cerema, tmp_path):
    """A SCoT or SRADDET target for 2021-2030, given in the corrections file with its source,
    appears in section 4° with the share consumed against it; the national allowance stays."""
    path = _corrections(
        tmp_path, [f"{AMBERIEU};objectif_2021_2030;;12;SCoT BUCOPA, DOO 2025;Territorialisation du SCoT"]
    )
    out = tmp_path / "sortie"
    run = run_cli(
        "rtla", AMBERIEU, "--format", "json,docx", "--out", str(out), "--corrections", str(path), home=home_cerema
    )
    assert run.returncode == 0, run.stderr
    report = json.loads((out / f"rapport_triennal_{AMBERIEU}.json").read_text(encoding="utf-8"))
    z = report["zan"]
    assert z["allowance_2021_2030_ha"] == pytest.approx(max(_expected()["reference"] / 2, 1.0))
    assert z["target"]["value_ha"] == 12 and z["target"]["share_consumed_pct"] == pytest.approx(
        100 * z["consumed_since_2021_ha"] / 12
    )
    text = _docx_text(out / f"rapport_triennal_{AMBERIEU}.docx")
    assert "Objectif territorialisé 2021-2030 (SCoT BUCOPA, DOO 2025)" in text and "12,00 ha" in text


def test_corrections_entered_in_the_dashboard_are_signed_dated_and_used(home_demo, tmp_path):
    """An élu of Saint-Martial enters a local figure in the dashboard: refused in French without
    a source or with a value that is not a number, then recorded with his name and the date;
    the draft (dashboard, command) uses it with its trace; a company can neither see nor enter
    one; a right withdrawn while the page is open stops the next entry; an agent withdraws it;
    the author's erased account leaves « Compte supprimé » in the trace."""
    from fakes import FakeProvider
    from sqlalchemy import delete, select

    from territoire_data.access.authorisation import AccessDenied
    from territoire_data.access.users import add_user
    from territoire_data.rtla import batch, entered
    from territoire_data.store.models import ReportCorrection, Role, User
    from territoire_data.workspace import Workspace
    from widgets.providers import WorkspaceTriennial
    from widgets.state import State
    from widgets.triennial import TriennialPanel

    folder = tmp_path / "home"
    shutil.copytree(home_demo, folder, symlinks=True, ignore=shutil.ignore_patterns("echanges", "discussions.sqlite*"))
    workspace = Workspace(folder)
    assert entered.of_home(workspace) == []  # no store yet: none, and nothing created to find out
    workspace.store.upgrade()
    add_user(workspace, "maire.sm", "elu", "33440", name="Henri Dubos")
    add_user(workspace, "agent.sm", "agent", "33440", name="Karim Benali")
    add_user(workspace, "entreprise.sm", "entreprise", "33440")
    state = State(FakeProvider())
    panel = TriennialPanel(state, WorkspaceTriennial(workspace))
    form = panel.corrections
    state.code = "33440"
    panel.login = "maire.sm"
    assert form.layout.display is None and "Aucune correction saisie" in form.listing.value

    form.indicator.value, form.year.value, form.value.value = "consommation_naf", 2021, "0,45"
    form.reason.value = "Lotissement compté deux fois"
    form._save()
    assert "source manquante" in form.message.value and "ti-erreur" in form.message.value
    form.source.value, form.value.value = "Observatoire départemental, relevé 2025", "beaucoup"
    form._save()
    assert "n'est pas un nombre « beaucoup ». Rien n'est enregistré." in html.unescape(form.message.value)
    assert WorkspaceTriennial(workspace).corrections("maire.sm", "33440") == []  # nothing kept
    form.value.value = "0,45"
    form._save()
    assert "Correction enregistrée" in form.message.value
    assert "Henri Dubos, élu(e) (tableau de bord) le " in form.listing.value
    assert form.chosen.value == WorkspaceTriennial(workspace).corrections("maire.sm", "33440")[0]["id"]
    form.indicator.value = "superficie"
    assert form.year.disabled and form.year.value is None  # the area has no year

    found = entered.of_home(workspace)
    assert [(c.indicator, c.year, c.value, c.origin) for c in found] == [
        ("consommation_naf", 2021, 0.45, "tableau de bord")
    ]
    draft = batch.draft_of(workspace, workspace.territory("33440"), corrections=found)
    trace = draft["corrections"][0]
    assert trace["used"] and trace["value"] == 0.45 and trace["national_value"] is not None
    assert trace["recorded_by"].startswith("Henri Dubos, élu(e)")
    assert next(r for r in draft["consumption"]["years"] if r["year"] == 2021)["total_ha"] == 0.45
    assert draft["ocsge"]["artificialisation"]["first_year"] == 2018  # the demo's OCS GE tables (Gironde)
    files = WorkspaceTriennial(workspace).documents("maire.sm", "33440")
    assert b"Henri Dubos" in files["html"] and "1 correction(s) locale(s) appliquée(s)" in files["note"]
    out = tmp_path / "cli"
    run = run_cli("rtla", "33440", "--format", "json", "--out", str(out), "--workers", "1", home=folder)
    assert run.returncode == 0, run.stderr
    assert "1 correction(s) saisie(s) dans le tableau de bord." in run.stdout
    report = json.loads((out / "rapport_triennal_33440.json").read_text(encoding="utf-8"))
    assert report["corrections"][0]["recorded_by"].startswith("Henri Dubos, élu(e)")

    panel.login = "entreprise.sm"
    assert panel.layout.display == "none" and form.layout.display == "none" and form.listing.value == ""
    with pytest.raises(AccessDenied):
        workspace.exchange("entreprise.sm").save_report_correction("33440", "superficie", "10", "x", "y")
    with pytest.raises(AccessDenied):
        workspace.exchange("entreprise.sm").report_corrections("33440")

    panel.login = "maire.sm"
    with workspace.store.session() as s:  # the élu's mandate ends while his page is open
        elu = s.scalar(select(User.id).where(User.login == "maire.sm"))
        s.execute(delete(Role).where(Role.user_id == elu))
    form.indicator.value, form.value.value = "superficie", "300"
    form.source.value, form.reason.value = "Cadastre", "Surface recalculée"
    form._save()
    assert form.layout.display == "none"
    with workspace.store.session() as s:
        assert s.scalar(select(ReportCorrection.value)) == 0.45  # unchanged

    agent = WorkspaceTriennial(workspace)
    [listed] = agent.corrections("agent.sm", "33440")
    workspace.exchange("maire.sm").delete_account()
    assert entered.of_home(workspace)[0].recorded_by.startswith("Compte supprimé")
    agent.withdraw("agent.sm", listed["id"])
    assert agent.corrections("agent.sm", "33440") == [] and entered.of_home(workspace) == []
    workspace.close()


OCSGE = TEST_DATA / "ocsge"


@pytest.fixture(scope="module")
def home_ocsge(tmp_path_factory, home, ref) -> Path:
    """The real Cerema extract and the OCS GE commune tables of two of its communes."""
    from territoire_data.workspace import Workspace

    folder = home_with_referential(tmp_path_factory, home, "home-ocsge")
    raw = folder / "brut"
    raw.mkdir()
    for path in (CEREMA, OCSGE / "artif_commune.csv", OCSGE / "imper_commune.csv"):
        shutil.copy(path, raw)
    Workspace(folder).build_warehouse([raw])
    return folder


def test_ocs_ge_fills_sections_2_and_3_or_says_why(home_ocsge, tmp_path):
    """Sections 2° and 3° from the portal's commune tables, recomputed with pandas from the
    files; a commune without a row and an EPCI only partly covered get a reason, never zeros."""
    cerema = pd.read_csv(CEREMA, sep=";", dtype={"idcom": str}).set_index("idcom")
    area_ha = cerema.at[AMBERIEU, "surfcom2023"] / 10_000
    for code in (AMBERIEU, "01001", "epci:240100883"):
        done = run_cli("rtla", code, "--format", "json,odt", "--out", str(tmp_path), "--workers", "1", home=home_ocsge)
        assert done.returncode == 0, done.stderr
    report = json.loads((tmp_path / f"rapport_triennal_{AMBERIEU}.json").read_text(encoding="utf-8"))
    assert report["ocsge"]["available"] and "ocsge_communes" in [s["source"] for s in report["sources"]]
    for kind, short in (("artificialisation", "artif"), ("impermeabilisation", "imper")):
        row = pd.read_csv(OCSGE / f"{short}_commune.csv", dtype={"commune_code": str}).set_index("commune_code")
        row = row.loc[AMBERIEU]
        got = report["ocsge"][kind]
        assert (got["first_year"], got["second_year"]) == (2018, 2021)
        assert got["surface_first_ha"] == pytest.approx(row[f"surface_{short}_1"] / 10_000)
        assert got["surface_second_ha"] == pytest.approx(row[f"surface_{short}_2"] / 10_000)
        assert got["net_ha"] == pytest.approx(row["flux_surface_1_2"] / 10_000)
        assert got["net_per_year_ha"] == pytest.approx(row["flux_surface_1_2"] / 10_000 / 3)
        assert got["share_second_pct"] == pytest.approx(100 * row[f"surface_{short}_2"] / 10_000 / area_ha)
        assert got["share_second_pct"] == pytest.approx(row[f"pourcent_{short}_2"], abs=0.01)  # the file agrees
    text = _odt_text(tmp_path / f"rapport_triennal_{AMBERIEU}.odt")
    assert "2° Solde entre surfaces artificialisées et désartificialisées" in text
    assert number(report["ocsge"]["artificialisation"]["net_ha"], 2) in text and "3° Surfaces imperméabilisées" in text

    alone = json.loads((tmp_path / "rapport_triennal_01001.json").read_text(encoding="utf-8"))
    assert not alone["ocsge"]["available"] and "pas encore publiée" in alone["ocsge"]["artificialisation"]["reason"]
    assert "au plus tard en 2031" in alone["ocsge"]["text"] and "pas encore publiée" in alone["ocsge"]["text"]
    epci = json.loads((tmp_path / "rapport_triennal_epci-240100883.json").read_text(encoding="utf-8"))
    assert "ne couvre pas encore" in epci["ocsge"]["impermeabilisation"]["reason"]
    assert "un total serait partiel" in _odt_text(tmp_path / "rapport_triennal_epci-240100883.odt")


def test_ocs_ge_tables_in_hectares_read_the_same(tmp_path):
    """A table converted to hectares (its areas in ha) gives the same observations."""
    from territoire_data.sources import read_all

    converted = pd.read_csv(OCSGE / "artif_commune.csv", dtype={"commune_code": str})
    for column in ("surface_artif_1", "surface_artif_2", "flux_surface_1_2", "commune_surface"):
        converted[column] = converted[column] / 10_000
    converted.to_csv(tmp_path / "artif_ha.csv", index=False, sep=";", decimal=",")
    in_m2, in_ha = (read_all([p], progress=False) for p in (OCSGE / "artif_commune.csv", tmp_path / "artif_ha.csv"))
    assert not in_m2.ignores and not in_ha.ignores
    key = ["code", "variable", "year"]
    first = in_m2.observations.sort_values(key)["value"].to_numpy()
    second = in_ha.observations.sort_values(key)["value"].to_numpy()
    assert first == pytest.approx(second) and len(first) == 6  # 2 communes × (2 surfaces + 1 flow)
    net = in_m2.observations[in_m2.observations["variable"].astype(str) == "OCSGE_ARTIF_NET"]
    assert sorted(net["start"].astype(int)) == [2018, 2018] and sorted(net["year"].astype(int)) == [2021, 2021]
