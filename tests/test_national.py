"""The national site (``territoire reports --france``), on two small départements of the demo.

Territoire de Belfort (90, 101 communes) and Paris (75) keep the suite quick: the demo has no
figures there, so the pages also show how a territory without data reads. Checked: one page
per territory with the shared files written once and referenced (no per-page style, map or
definitions), indexes per level and per département, a run interrupted mid-way resumed
without redoing finished pages, and the search driven in Chromium from the files themselves.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import run_cli

DEPARTEMENTS = ["90", "75"]


@pytest.fixture(scope="module")
def site(home_demo, tmp_path_factory):
    """The site of the two départements, built in two goes: stopped after 40 pages (as a
    Ctrl-C would), then resumed by the command."""
    from territoire_data.reports import national, read_manifest
    from territoire_data.workspace import Workspace

    output = tmp_path_factory.mktemp("site") / "france"
    workspace = Workspace(home_demo)
    first = national.run(workspace, output, departements=DEPARTEMENTS, workers=2, progress=False, stop_after=40)
    finished = {p["path"] for p in read_manifest(output)["pages"] if p["status"] == "ok"}
    stamps = {path: (output / path).stat().st_mtime_ns for path in finished}
    resumed = run_cli("reports", "--france", "--departements", "90,75", "--out", str(output), home=home_demo)
    return {"output": output, "first": first, "finished": finished, "stamps": stamps, "resumed": resumed}


def test_an_interrupted_run_resumes_without_redoing_finished_pages(site, home_demo):
    output, first, finished = site["output"], site["first"], site["finished"]
    assert first.interrupted and len(finished) >= 40
    pages = json.loads((output / "manifest.json").read_text(encoding="utf-8"))["pages"]
    assert all(p["status"] == "ok" for p in pages), [p for p in pages if p["status"] != "ok"][:3]
    resumed = site["resumed"]
    assert resumed.returncode == 0, resumed.stderr
    done, unchanged = (
        int(n) for n in re.search(r"(\d+) page\(s\) produite\(s\), (\d+) inchangée", resumed.stdout).groups()
    )
    assert unchanged == len(finished) and done == len(pages) - len(finished)
    # The finished pages were not rewritten.
    assert all((output / path).stat().st_mtime_ns == stamp for path, stamp in site["stamps"].items())
    again = run_cli("reports", "--france", "--departements", "90,75", "--out", str(output), home=home_demo)
    assert again.returncode == 0 and "0 page(s) produite(s)" in again.stdout


def test_every_territory_has_its_page_and_shares_what_every_page_shares(site, home_demo):
    from territoire_data.workspace import Workspace

    output = site["output"]
    communes = Workspace(home_demo).referential.communes
    members = communes[communes["departement"].isin(DEPARTEMENTS)]
    for code, dep in zip(members.index, members["departement"]):
        assert (output / "communes" / dep / f"{code}.html").is_file(), code
    assert (output / "france.html").is_file() and (output / "departements" / "90.html").is_file()
    assert (output / "regions" / "27.html").is_file() and (output / "regions" / "11.html").is_file()
    assert list((output / "epci").glob("*.html"))
    # The shared files, once: style, the two maps, definitions, search index.
    shared = output / "partage"
    assert {p.name for p in (shared / "cartes").iterdir()} == {"90.svg", "75.svg"}
    assert (shared / "rapport.css").is_file() and (shared / "definitions.html").is_file()
    page = (output / "communes" / "90" / "90010.html").read_text(encoding="utf-8")
    assert '<link rel="stylesheet" href="../../partage/rapport.css">' in page and "<style" not in page
    assert 'src="../../partage/cartes/90.svg"' in page and 'href="../../partage/definitions.html#population"' in page
    assert "Pourquoi c'est important" not in page  # the definitions live once, in the shared page
    assert len(page.encode("utf-8")) < 60_000
    sizes = [p.stat().st_size for p in (output / "communes").rglob("*.html")]
    assert max(sizes) < 80_000
    # A long peer group: its nearest communes named on the page, the whole group on one shared page.
    linked = set()
    for path in (output / "communes").rglob("*.html"):
        linked |= set(re.findall(r'href="\.\./\.\./(partage/pairs/[^"]+)">liste complète', path.read_text("utf-8")))
    assert linked and all((output / link).is_file() for link in linked), sorted(linked)[:3]
    france = (output / "france.html").read_text(encoding="utf-8")
    assert "trop pour une page" in france and len(france) < 200_000
    # Indexes: the home page, one per level, one per département with key figures.
    home = (output / "index.html").read_text(encoding="utf-8")
    assert 'href="departements/90-communes.html"' in home and 'href="epci/index.html"' in home
    listing = (output / "departements" / "90-communes.html").read_text(encoding="utf-8")
    assert listing.count('href="../communes/90/') == len(members[members["departement"] == "90"])
    # One per région too (Bourgogne-Franche-Comté here holds only the Territoire de Belfort),
    # each commune named with its département, every one two clicks from the home page.
    for region, dep in (("27", "90"), ("11", "75")):
        assert f'href="regions/{region}-communes.html"' in home
        listing = (output / "regions" / f"{region}-communes.html").read_text(encoding="utf-8")
        assert listing.count(f'href="../communes/{dep}/') == len(members[members["departement"] == dep])
    assert "Belfort (90)" in (output / "regions" / "27-communes.html").read_text(encoding="utf-8")
    index = (output / "partage" / "recherche.js").read_text(encoding="utf-8")
    rows = json.loads(index.removeprefix("const TERRITOIRES = ").rstrip().rstrip(";"))
    pages = json.loads((output / "manifest.json").read_text())["pages"]
    own = [r for r in rows if r[2] in ("commune", "EPCI", "SCoT", "département", "région")]
    assert len(own) == len(pages) - 1  # every page but France's, found by its own name
    # Paris's arrondissements lead to Paris's page.
    arrondissements = [r for r in rows if r[2] == "arrondissement de Paris"]
    assert len(arrondissements) == 20 and {r[3] for r in arrondissements} == {"communes/75/75056.html"}


@pytest.mark.browser
def test_the_site_is_searched_in_a_browser_from_its_files(site, browser, artifacts):
    """From ``index.html`` opened as a file: « belfort » finds Belfort, a click opens its page;
    no request leaves the site; axe finds no serious violation on either page."""
    from test_dashboard_audience import _axe_violations

    output = site["output"]
    page = browser.new_page(viewport={"width": 1360, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto((output / "index.html").as_uri())
    page.fill("#recherche", "BELFORT 90")
    page.wait_for_selector("#resultats li a")
    first = page.locator("#resultats li a").first
    assert first.inner_text() == "Belfort"
    assert _axe_violations(page) == []
    page.screenshot(path=str(artifacts / "site_national_recherche.png"))
    first.click()
    page.wait_for_selector("h1.r-titre:has-text('Belfort')")
    assert page.locator("img[src$='partage/cartes/90.svg']").count() == 1
    assert _axe_violations(page) == []
    page.screenshot(path=str(artifacts / "site_national_commune.png"), full_page=True)
    assert all(url.startswith("file://") for url in requests), [u for u in requests if not u.startswith("file")]
    page.close()


def test_another_peer_group_changes_every_fingerprint(home_demo):
    """A run with ``--pairs taille`` after one with the density group redoes every page."""
    from territoire_data.reports import national
    from territoire_data.workspace import Workspace

    workspace = Workspace(home_demo)
    density = national.plan(workspace, ["90"])
    size = national.plan(workspace, ["90"], peers="taille")
    assert [p.path for p in density] == [p.path for p in size]
    assert all(a.fingerprint != b.fingerprint for a, b in zip(density, size))


def test_a_dask_cluster_of_two_workers_writes_the_same_pages(site, home_demo, tmp_path):
    """``--scheduler``: the pages written on a local cluster of two worker processes (each
    reading the warehouse itself) are byte for byte those of the forked run."""
    from distributed import LocalCluster

    output = tmp_path / "france"
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
        result = run_cli(
            "reports",
            "--france",
            "--departements",
            "90",
            "--out",
            str(output),
            "--scheduler",
            cluster.scheduler_address,
            home=home_demo,
            timeout=600,
        )
        # Each worker read the warehouse itself, through the plugin the command registered.
        from distributed import Client

        from territoire_data.reports.remote import PLUGIN

        with Client(cluster) as client:
            setups = client.run(lambda dask_worker: dask_worker.plugins[PLUGIN].setup_s)
    assert result.returncode == 0, result.stderr
    assert len(setups) == 2 and all(seconds > 0 for seconds in setups.values()), setups
    assert "sur le cluster Dask" in result.stderr and "0 en échec" in result.stdout
    pages = json.loads((output / "manifest.json").read_text(encoding="utf-8"))["pages"]
    communes = [p["path"] for p in pages if p["level"] == "commune"]
    assert len(communes) == 101 and all(p["status"] == "ok" for p in pages)
    for path in [*communes, "departements/90.html", "partage/cartes/90.svg"]:
        assert (output / path).read_bytes() == (site["output"] / path).read_bytes(), path


def test_a_dask_worker_reading_another_warehouse_refuses_to_write(home_demo, tmp_path, monkeypatch):
    """Pages carry the fingerprint of the client's warehouse: a worker that reads another
    build says so instead of writing pages from other data; a worker without the folder
    says where it looked."""
    from territoire_data.errors import TerritoireError
    from territoire_data.reports.remote import SiteWorker

    class Worker:  # what ``setup`` reads of a Dask worker: its address, for the message
        address = "tcp://10.0.0.7:40000"

    notebook = "{}"
    with pytest.raises(TerritoireError, match=r"tcp://10\.0\.0\.7:40000 lit un autre entrepôt"):
        SiteWorker(str(home_demo), "2000-01-01T00:00:00+00:00", notebook, []).setup(Worker())
    monkeypatch.delenv("TERRITOIRE_HOME", raising=False)  # the worker's own folder, if any, is not there either
    with pytest.raises(TerritoireError, match="ne trouve pas le dossier de travail"):
        SiteWorker(str(tmp_path / "absent"), None, notebook, []).setup(Worker())


def test_an_unreachable_scheduler_is_said_in_french_and_loses_nothing(home_demo, tmp_path, monkeypatch):
    from territoire_data.errors import TerritoireError
    from territoire_data.reports import national, read_manifest, remote
    from territoire_data.workspace import Workspace

    monkeypatch.setattr(remote, "CONNECT_TIMEOUT", "2s")
    with pytest.raises(TerritoireError, match=r"Ordonnanceur Dask injoignable à tcp://127\.0\.0\.1:9 \(pas de"):
        national.run(Workspace(home_demo), tmp_path, departements=["90"], scheduler="tcp://127.0.0.1:9", progress=False)
    pages = read_manifest(tmp_path)["pages"]  # written all the same: the next run knows what is left
    assert len(pages) > 101 and {p["status"] for p in pages} == {"pending"}
    assert (tmp_path / "index.html").is_file()
