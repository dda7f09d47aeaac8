"""``territoire data fetch`` against a real HTTP server on 127.0.0.1 serving published-shaped files."""

import gzip
import hashlib
import json
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from conftest import TEST_DATA, home_with_referential, run_cli


class Server:
    """Serves a folder; honours ``Range: bytes=N-``; records every request."""

    def __init__(self, root: Path):
        self.root, self.requests = root, []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                path = server.root / self.path.split("?", 1)[0].lstrip("/")
                byte_range = self.headers.get("Range")
                server.requests.append((self.path, byte_range))
                if not path.is_file():
                    self.send_error(404)
                    return
                content = path.read_bytes()
                start = int(byte_range.split("=")[1].rstrip("-")) if byte_range else 0
                if start >= len(content) and byte_range:
                    self.send_response(416)
                    self.end_headers()
                    return
                self.send_response(206 if byte_range else 200)
                if byte_range:
                    self.send_header("Content-Range", f"bytes {start}-{len(content) - 1}/{len(content)}")
                self.send_header("Content-Length", str(len(content) - start))
                self.end_headers()
                self.wfile.write(content[start:])

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def stop(self):
        self.http.shutdown()


def _zip(path: Path, members: dict[str, bytes]):
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)


@pytest.fixture
def site(tmp_path):
    root = tmp_path / "site"
    comparateur = TEST_DATA / "insee_comparateur"
    _zip(
        root / "2521169/base_cc_comparateur_csv.zip",
        {
            "base_cc_comparateur.CSV": (comparateur / "base_cc_comparateur.CSV").read_bytes(),
            "meta_base_cc_comparateur.CSV": (comparateur / "meta_base_cc_comparateur.CSV").read_bytes(),
        },
    )
    _zip(
        root / "7756729/base-cc-filosofi-2021-geo2024_csv.zip",
        {
            "cc_filosofi_2021_COM.csv": (TEST_DATA / "insee_filosofi" / "cc_filosofi_2021_COM.csv").read_bytes(),
        },
    )
    long = (
        "FILOSOFI_MEASURE;GEO;GEO_OBJECT;OBS_VALUE;CONF_STATUS;OBS_STATUS;TIME_PERIOD\n"
        "MED_SL;33063;COM;26030;F;A;2023\nPR_MD60;33063;COM;;C;A;2023\nMED_SL;33;DEP;24400;F;A;2023\n"
    )
    _zip(root / "8984752/FILOSOFI_CC_csv.zip", {"DS_FILOSOFI_CC_2023_data.csv": long.encode()})
    dvf = (
        "id_mutation,date_mutation,nature_mutation,valeur_fonciere,code_commune,type_local,surface_reelle_bati\n"
        + "".join(
            f"2023-{i},2023-0{1 + i % 9}-10,Vente,{300000 + 1000 * i},33063,Appartement,{60 + i}\n" for i in range(8)
        )
    )
    for year in (2020, 2021, 2022, 2023, 2024):
        path = root / f"{year}/departements/33.csv.gz"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(dvf.replace("2023", str(year)).encode()))
    server = Server(root)
    yield server
    server.stop()


@pytest.fixture
def home_fetch(tmp_path_factory, home, ref):
    return home_with_referential(tmp_path_factory, home, "home-fetch")


SOURCES = "insee_comparateur,insee_filosofi,dgfip_dvf"


def test_download_records_and_builds(site, home_fetch):
    output = run_cli(
        "data", "fetch", "--sources", SOURCES, "--departements", "33", "--base-url", site.url, home=home_fetch
    )
    assert output.returncode == 0, output.stderr
    cache = home_fetch / "downloads"
    log = json.loads((cache / "downloads.json").read_text())
    assert len(log) == 3 + 5
    for relative, inbound in log.items():
        assert hashlib.sha256((cache / relative).read_bytes()).hexdigest() == inbound["sha256"]
        assert inbound["url"].startswith(site.url)
    status = json.loads(run_cli("data", "status", "--json", home=home_fetch).stdout)
    assert set(status["sources"]) == {"insee_comparateur", "insee_filosofi", "dgfip_dvf"}
    assert status["demo"] is False
    indicators = json.loads(run_cli("indicateurs", "33063", "--json", home=home_fetch).stdout)
    by_id = {i["id"]: i for i in indicators["indicators"]}
    assert by_id["revenu_median"]["value"] == 26_030 and by_id["revenu_median"]["year"] == 2023
    assert by_id["prix_m2_appartements"]["status"] == "ok"

    # Second run: everything is in the cache, nothing is downloaded again.
    before = len(site.requests)
    assert (
        run_cli(
            "data", "fetch", "--sources", SOURCES, "--departements", "33", "--base-url", site.url, home=home_fetch
        ).returncode
        == 0
    )
    assert len(site.requests) == before


def test_resume_an_interrupted_download(site, home_fetch):
    folder = home_fetch / "downloads" / "insee_comparateur"
    folder.mkdir(parents=True)
    complete = (site.root / "2521169/base_cc_comparateur_csv.zip").read_bytes()
    (folder / "base_cc_comparateur_csv.zip.part").write_bytes(complete[: len(complete) // 2])
    output = run_cli("data", "fetch", "--sources", "insee_comparateur", "--base-url", site.url, home=home_fetch)
    assert output.returncode == 0, output.stderr
    assert (folder / "base_cc_comparateur_csv.zip").read_bytes() == complete
    assert not (folder / "base_cc_comparateur_csv.zip.part").exists()
    assert ("/2521169/base_cc_comparateur_csv.zip", f"bytes={len(complete) // 2}-") in site.requests


def test_download_failure_message_and_code(site, home_fetch):
    output = run_cli("data", "fetch", "--sources", "insee_bpe", "--base-url", site.url, home=home_fetch)
    assert output.returncode == 2
    assert "téléchargement(s) en échec" in output.stderr and "Traceback" not in output.stderr


def test_unknown_source_and_dvf_without_departement(home_fetch):
    assert run_cli("data", "fetch", "--sources", "inexistante", home=home_fetch).returncode == 2
    output = run_cli("data", "fetch", "--sources", "dgfip_dvf", home=home_fetch)
    assert output.returncode == 2 and "--departements" in output.stderr
