"""``territoire data fetch`` against a real HTTP server on 127.0.0.1 serving published-shaped files."""

import gzip
import hashlib
import json
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import DONNEES, home_avec_referentiel, lancer



class Serveur:
    """Serves a folder; honours ``Range: bytes=N-``; records every request."""

    def __init__(self, racine: Path):
        self.racine, self.requetes = racine, []
        serveur = self

        class Gestionnaire(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):  # noqa: N802 - http.server API
                chemin = serveur.racine / self.path.split("?", 1)[0].lstrip("/")
                plage = self.headers.get("Range")
                serveur.requetes.append((self.path, plage))
                if not chemin.is_file():
                    self.send_error(404)
                    return
                contenu = chemin.read_bytes()
                debut = int(plage.split("=")[1].rstrip("-")) if plage else 0
                if debut >= len(contenu) and plage:
                    self.send_response(416)
                    self.end_headers()
                    return
                self.send_response(206 if plage else 200)
                if plage:
                    self.send_header("Content-Range", f"bytes {debut}-{len(contenu) - 1}/{len(contenu)}")
                self.send_header("Content-Length", str(len(contenu) - debut))
                self.end_headers()
                self.wfile.write(contenu[debut:])

        self.http = ThreadingHTTPServer(("127.0.0.1", 0), Gestionnaire)
        self.url = f"http://127.0.0.1:{self.http.server_address[1]}"
        threading.Thread(target=self.http.serve_forever, daemon=True).start()

    def arreter(self):
        self.http.shutdown()


def _zip(chemin: Path, membres: dict[str, bytes]):
    chemin.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(chemin, "w", zipfile.ZIP_DEFLATED) as archive:
        for nom, contenu in membres.items():
            archive.writestr(nom, contenu)


@pytest.fixture
def site(tmp_path):
    racine = tmp_path / "site"
    comparateur = DONNEES / "insee_comparateur"
    _zip(racine / "2521169/base_cc_comparateur_csv.zip", {
        "base_cc_comparateur.CSV": (comparateur / "base_cc_comparateur.CSV").read_bytes(),
        "meta_base_cc_comparateur.CSV": (comparateur / "meta_base_cc_comparateur.CSV").read_bytes(),
    })
    _zip(racine / "7756729/base-cc-filosofi-2021-geo2024_csv.zip", {
        "cc_filosofi_2021_COM.csv": (DONNEES / "insee_filosofi" / "cc_filosofi_2021_COM.csv").read_bytes(),
    })
    long = ("FILOSOFI_MEASURE;GEO;GEO_OBJECT;OBS_VALUE;CONF_STATUS;OBS_STATUS;TIME_PERIOD\n"
            "MED_SL;33063;COM;26030;F;A;2023\nPR_MD60;33063;COM;;C;A;2023\nMED_SL;33;DEP;24400;F;A;2023\n")
    _zip(racine / "8984752/FILOSOFI_CC_csv.zip", {"DS_FILOSOFI_CC_2023_data.csv": long.encode()})
    dvf = ("id_mutation,date_mutation,nature_mutation,valeur_fonciere,code_commune,type_local,surface_reelle_bati\n"
           + "".join(f"2023-{i},2023-0{1 + i % 9}-10,Vente,{300000 + 1000 * i},33063,Appartement,{60 + i}\n"
                     for i in range(8)))
    for annee in (2020, 2021, 2022, 2023, 2024):
        chemin = racine / f"{annee}/departements/33.csv.gz"
        chemin.parent.mkdir(parents=True, exist_ok=True)
        chemin.write_bytes(gzip.compress(dvf.replace("2023", str(annee)).encode()))
    serveur = Serveur(racine)
    yield serveur
    serveur.arreter()


@pytest.fixture
def home_fetch(tmp_path_factory, home, ref):
    return home_avec_referentiel(tmp_path_factory, home, "home-fetch")


SOURCES = "insee_comparateur,insee_filosofi,dgfip_dvf"


def test_telecharge_enregistre_et_construit(site, home_fetch):
    sortie = lancer("data", "fetch", "--sources", SOURCES, "--departements", "33", "--base-url", site.url,
                    home=home_fetch)
    assert sortie.returncode == 0, sortie.stderr
    cache = home_fetch / "telechargements"
    journal = json.loads((cache / "telechargements.json").read_text())
    assert len(journal) == 3 + 5
    for relatif, entree in journal.items():
        assert hashlib.sha256((cache / relatif).read_bytes()).hexdigest() == entree["sha256"]
        assert entree["url"].startswith(site.url)
    statut = json.loads(lancer("data", "status", "--json", home=home_fetch).stdout)
    assert set(statut["sources"]) == {"insee_comparateur", "insee_filosofi", "dgfip_dvf"}
    assert statut["demo"] is False
    indicateurs = json.loads(lancer("indicateurs", "33063", "--json", home=home_fetch).stdout)
    par_id = {i["id"]: i for i in indicateurs["indicators"]}
    assert par_id["revenu_median"]["value"] == 26_030 and par_id["revenu_median"]["year"] == 2023
    assert par_id["prix_m2_appartements"]["status"] == "ok"

    # Second run: everything is in the cache, nothing is downloaded again.
    avant = len(site.requetes)
    assert lancer("data", "fetch", "--sources", SOURCES, "--departements", "33", "--base-url", site.url,
                  home=home_fetch).returncode == 0
    assert len(site.requetes) == avant


def test_reprise_d_un_telechargement_interrompu(site, home_fetch):
    dossier = home_fetch / "telechargements" / "insee_comparateur"
    dossier.mkdir(parents=True)
    complet = (site.racine / "2521169/base_cc_comparateur_csv.zip").read_bytes()
    (dossier / "base_cc_comparateur_csv.zip.part").write_bytes(complet[: len(complet) // 2])
    sortie = lancer("data", "fetch", "--sources", "insee_comparateur", "--base-url", site.url, home=home_fetch)
    assert sortie.returncode == 0, sortie.stderr
    assert (dossier / "base_cc_comparateur_csv.zip").read_bytes() == complet
    assert not (dossier / "base_cc_comparateur_csv.zip.part").exists()
    assert ("/2521169/base_cc_comparateur_csv.zip", f"bytes={len(complet) // 2}-") in site.requetes


def test_echec_de_telechargement_message_et_code(site, home_fetch):
    sortie = lancer("data", "fetch", "--sources", "insee_bpe", "--base-url", site.url, home=home_fetch)
    assert sortie.returncode == 2
    assert "téléchargement(s) en échec" in sortie.stderr and "Traceback" not in sortie.stderr


def test_source_inconnue_et_dvf_sans_departement(home_fetch):
    assert lancer("data", "fetch", "--sources", "inexistante", home=home_fetch).returncode == 2
    sortie = lancer("data", "fetch", "--sources", "dgfip_dvf", home=home_fetch)
    assert sortie.returncode == 2 and "--departements" in sortie.stderr
