"""Bad input: each case gives a French error naming file, line and column, or a skip with
its reason; a failed or killed build leaves the previous warehouse intact."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import lancer
from territoire_data.entrepot import construire
from territoire_data.erreurs import ErreurFichier
from territoire_data.sources import lire_tout

ENTETE = "CODGEO;NBMENFISC21;NBPERSMENFISC21;MED21;PIMP21;TP6021;D121;D921;RD21"


def ecrire(dossier, nom, texte, encodage="utf-8"):
    chemin = dossier / nom
    chemin.write_bytes(texte.encode(encodage) if isinstance(texte, str) else texte)
    return chemin


def filosofi(*lignes):
    return "\n".join([ENTETE, *lignes]) + "\n"


BONNE = "33063;120075;226872;24870;57,0;17,0;11220;50540;4,5"


def erreur(tmp_path, texte, **options) -> ErreurFichier:
    ecrire(tmp_path, "f.csv", texte, **options)
    with pytest.raises(ErreurFichier) as exc:
        lire_tout([tmp_path])
    return exc.value


def test_fichier_tronque(tmp_path):
    e = erreur(tmp_path, filosofi(BONNE, "33281;30000;66000;25"))
    assert e.ligne == 3 and "champs au lieu de" in e.raison and "f.csv" in str(e)


def test_cellule_illisible(tmp_path):
    e = erreur(tmp_path, filosofi(BONNE, "33281;30000;66000;2x5;57,0;17,0;11220;50540;4,5"))
    assert (e.ligne, e.colonne) == (3, "MED21") and "« 2x5 »" in e.raison
    assert str(e).startswith("fichier « ") and "ligne 3, colonne « MED21 »" in str(e)


def test_codes_en_double(tmp_path):
    e = erreur(tmp_path, filosofi(BONNE, BONNE.replace("33063", "33281"), BONNE))
    assert e.colonne == "CODGEO" and "33063" in e.raison and "lignes 2, 4" in e.raison


def test_effectif_negatif(tmp_path):
    e = erreur(tmp_path, filosofi(BONNE.replace(";120075;", ";-12;")))
    assert (e.ligne, e.colonne) == (2, "NBMENFISC21") and "négative" in e.raison


def test_taux_negatif_permis_quand_il_a_un_sens(tmp_path):
    ecrire(tmp_path, "f.csv", "CODGEO;NBMENFISC21;MED21;D121;PIMPOT21\n33063;120075;24870;11220;-21,1\n")
    obs = lire_tout([tmp_path]).observations
    assert obs.loc[obs["variable"] == "PIMPOT", "valeur"].iloc[0] == pytest.approx(-21.1)


def test_encodage_windows_et_bom(tmp_path):
    texte = "CODGEO;TYPECOM;COM;COMPARENT;LIBELLE\n01015;COMD;01015;01015;Arbignieu\n"
    ecrire(tmp_path, "latin1.csv", filosofi(BONNE).replace("\n", "\r\n"), encodage="cp1252")
    ecrire(tmp_path, "bom.csv", b"\xef\xbb\xbf" + filosofi(BONNE.replace("33063", "33281")).encode())
    collecte = lire_tout([tmp_path])
    assert {str(c) for c in collecte.observations["code"].unique()} == {"33063", "33281"}
    assert texte  # both files parsed, the BOM did not hide CODGEO


def test_schema_inconnu_et_binaire_ignores_avec_raison(tmp_path):
    ecrire(tmp_path, "inconnu.csv", "a;b;c\n1;2;3\n")
    ecrire(tmp_path, "binaire.dat", bytes(range(256)) * 10)
    ecrire(tmp_path, "bon.csv", filosofi(BONNE))
    collecte = lire_tout([tmp_path])
    raisons = dict(collecte.ignores)
    assert len(collecte.lus) == 1
    assert "non reconnu" in raisons[str(tmp_path / "inconnu.csv")]
    assert str(tmp_path / "binaire.dat") in raisons


def test_zip_dans_zip_et_zip_corrompu(tmp_path):
    import io
    import zipfile

    interieur = io.BytesIO()
    with zipfile.ZipFile(interieur, "w") as z:
        z.writestr("cc_filosofi.csv", filosofi(BONNE))
    with zipfile.ZipFile(tmp_path / "externe.zip", "w") as z:
        z.writestr("interne.zip", interieur.getvalue())
    ecrire(tmp_path, "abime.zip", b"PK\x03\x04 pas un zip")
    collecte = lire_tout([tmp_path])
    assert [lu.chemin.rsplit("/", 1)[-1] for lu in collecte.lus] == ["externe.zip!interne.zip!cc_filosofi.csv"]
    assert any("abime.zip" in f for f, _ in collecte.ignores)


def test_mode_tolerant_ignore_le_fichier_defectueux(tmp_path):
    ecrire(tmp_path, "mauvais.csv", filosofi(BONNE, "33281;30000"))
    ecrire(tmp_path, "bon.csv", filosofi(BONNE.replace("33063", "33281")))
    collecte = lire_tout([tmp_path], strict=False)
    assert len(collecte.lus) == 1 and "ligne 3" in dict(collecte.ignores)[str(tmp_path / "mauvais.csv")]


@pytest.fixture
def home_construit(tmp_path_factory, home, ref):
    from conftest import home_avec_referentiel

    dossier = home_avec_referentiel(tmp_path_factory, home, "home-pannes")
    brut = dossier / "brut"
    brut.mkdir()
    ecrire(brut, "f.csv", filosofi(BONNE))
    construire([brut], dossier)
    return dossier


def test_echec_de_construction_laisse_l_entrepot_intact(home_construit):
    avant = (home_construit / "entrepot" / "manifest.json").read_text()
    mauvais = home_construit / "mauvais"
    mauvais.mkdir()
    ecrire(mauvais, "f.csv", filosofi(BONNE, "33281;30000"))
    sortie = lancer("data", "build", "--raw", str(mauvais), home=home_construit)
    assert sortie.returncode == 2
    assert "ligne 3" in sortie.stderr and "Traceback" not in sortie.stderr
    assert (home_construit / "entrepot" / "manifest.json").read_text() == avant
    assert not list((home_construit / "entrepots").glob(".construction-*"))


def test_construction_tuee_en_cours_laisse_l_entrepot_intact(home_construit, tmp_path, ref):
    """kill -9 in the middle of a build (a large demo): the previous warehouse still serves."""
    avant = json.loads((home_construit / "entrepot" / "manifest.json").read_text())
    env = {**os.environ, "TERRITOIRE_HOME": str(home_construit), "TERRITOIRE_SANS_PROGRESSION": "1"}
    processus = subprocess.Popen([sys.executable, "-m", "territoire_data", "data", "demo", "--departements",
                                  "33,24,47,40,64,17,16,87,19,23,86,79"], env=env,
                                 stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    limite = time.time() + 120
    while time.time() < limite and not list((home_construit / "entrepots").glob(".construction-*")):
        if processus.poll() is not None:
            break
        time.sleep(0.02)
    # Killed while the new warehouse is being written (or earlier if we missed it).
    processus.send_signal(signal.SIGKILL)
    processus.wait()
    apres = json.loads((home_construit / "entrepot" / "manifest.json").read_text())
    assert apres == avant and apres["demo"] is False
    sortie = lancer("indicateurs", "33063", "--json", home=home_construit)
    assert sortie.returncode == 0 and json.loads(sortie.stdout)["demo"] is False
    # The next build cleans what the killed one left and succeeds.
    brut = home_construit / "brut"
    construire([brut], home_construit)
    assert not list((home_construit / "entrepots").glob(".construction-*"))


def test_sans_entrepot_message_clair(tmp_path_factory, home, ref):
    from conftest import home_avec_referentiel

    vide = home_avec_referentiel(tmp_path_factory, home, "home-vide")
    sortie = lancer("indicateurs", "33063", home=vide)
    assert sortie.returncode == 2 and "territoire data demo" in sortie.stderr


def test_dossier_sans_fichier_reconnu(tmp_path_factory, home, ref):
    from conftest import home_avec_referentiel

    dossier = home_avec_referentiel(tmp_path_factory, home, "home-rien")
    brut = dossier / "brut"
    brut.mkdir()
    ecrire(brut, "notes.csv", "a;b\n1;2\n")
    sortie = lancer("data", "build", "--raw", str(brut), home=dossier)
    assert sortie.returncode == 2 and "Aucun fichier reconnu" in sortie.stderr and "notes.csv" in sortie.stderr
    absent = lancer("data", "build", "--raw", str(dossier / "inexistant"), home=dossier)
    assert absent.returncode == 2 and "introuvable" in absent.stderr
