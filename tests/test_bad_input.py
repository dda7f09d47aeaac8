"""Bad input: each case gives a French error naming file, line and column, or a skip with
its reason; a failed or killed build leaves the previous warehouse intact."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
from conftest import run_cli

from territoire_data.core.warehouse import build_warehouse
from territoire_data.errors import FileError
from territoire_data.sources import read_all

HEADER = "CODGEO;NBMENFISC21;NBPERSMENFISC21;MED21;PIMP21;TP6021;D121;D921;RD21"


def write(folder, name, text, encoding="utf-8"):
    path = folder / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def filosofi(*rows):
    return "\n".join([HEADER, *rows]) + "\n"


GOOD = "33063;120075;226872;24870;57,0;17,0;11220;50540;4,5"


def error(tmp_path, text, **options) -> FileError:
    write(tmp_path, "f.csv", text, **options)
    with pytest.raises(FileError) as exc:
        read_all([tmp_path])
    return exc.value


def test_truncated_file(tmp_path):
    e = error(tmp_path, filosofi(GOOD, "33281;30000;66000;25"))
    assert e.line == 3 and "champs au lieu de" in e.reason and "f.csv" in str(e)


def test_unreadable_cell(tmp_path):
    e = error(tmp_path, filosofi(GOOD, "33281;30000;66000;2x5;57,0;17,0;11220;50540;4,5"))
    assert (e.line, e.column) == (3, "MED21") and "« 2x5 »" in e.reason
    assert str(e).startswith("fichier « ") and "ligne 3, colonne « MED21 »" in str(e)


def test_duplicate_codes(tmp_path):
    e = error(tmp_path, filosofi(GOOD, GOOD.replace("33063", "33281"), GOOD))
    assert e.column == "CODGEO" and "33063" in e.reason and "lignes 2, 4" in e.reason


def test_negative_count(tmp_path):
    e = error(tmp_path, filosofi(GOOD.replace(";120075;", ";-12;")))
    assert (e.line, e.column) == (2, "NBMENFISC21") and "négative" in e.reason


def test_negative_rate_allowed_when_meaningful(tmp_path):
    write(tmp_path, "f.csv", "CODGEO;NBMENFISC21;MED21;D121;PIMPOT21\n33063;120075;24870;11220;-21,1\n")
    obs = read_all([tmp_path]).observations
    assert obs.loc[obs["variable"] == "PIMPOT", "value"].iloc[0] == pytest.approx(-21.1)


def test_encoding_windows_and_bom(tmp_path):
    text = "CODGEO;TYPECOM;COM;COMPARENT;LIBELLE\n01015;COMD;01015;01015;Arbignieu\n"
    write(tmp_path, "latin1.csv", filosofi(GOOD).replace("\n", "\r\n"), encoding="cp1252")
    write(tmp_path, "bom.csv", b"\xef\xbb\xbf" + filosofi(GOOD.replace("33063", "33281")).encode())
    collection = read_all([tmp_path])
    assert {str(c) for c in collection.observations["code"].unique()} == {"33063", "33281"}
    assert text  # both files parsed, the BOM did not hide CODGEO


def test_unknown_schema_and_binary_skipped_with_reason(tmp_path):
    write(tmp_path, "inconnu.csv", "a;b;c\n1;2;3\n")
    write(tmp_path, "binaire.dat", bytes(range(256)) * 10)
    write(tmp_path, "bon.csv", filosofi(GOOD))
    collection = read_all([tmp_path])
    reasons = dict(collection.ignores)
    assert len(collection.files_read) == 1
    assert "non reconnu" in reasons[str(tmp_path / "inconnu.csv")]
    assert str(tmp_path / "binaire.dat") in reasons


def test_zip_in_zip_and_corrupt_zip(tmp_path):
    import io
    import zipfile

    interior = io.BytesIO()
    with zipfile.ZipFile(interior, "w") as z:
        z.writestr("cc_filosofi.csv", filosofi(GOOD))
    with zipfile.ZipFile(tmp_path / "externe.zip", "w") as z:
        z.writestr("interne.zip", interior.getvalue())
    write(tmp_path, "abime.zip", b"PK\x03\x04 pas un zip")
    collection = read_all([tmp_path])
    assert [file_read.path.rsplit("/", 1)[-1] for file_read in collection.files_read] == [
        "externe.zip!interne.zip!cc_filosofi.csv"
    ]
    assert any("abime.zip" in f for f, _ in collection.ignores)


def test_tolerant_mode_skips_faulty_file(tmp_path):
    write(tmp_path, "mauvais.csv", filosofi(GOOD, "33281;30000"))
    write(tmp_path, "bon.csv", filosofi(GOOD.replace("33063", "33281")))
    collection = read_all([tmp_path], strict=False)
    assert len(collection.files_read) == 1 and "ligne 3" in dict(collection.ignores)[str(tmp_path / "mauvais.csv")]


@pytest.fixture
def home_built(tmp_path_factory, small_workspace):
    """A home on the small referential (four départements): builds take seconds."""
    from conftest import home_with_referential

    folder = home_with_referential(tmp_path_factory, small_workspace.home, "home-pannes")
    raw = folder / "brut"
    raw.mkdir()
    write(raw, "f.csv", filosofi(GOOD))
    build_warehouse([raw], folder)
    return folder


def test_failed_build_leaves_warehouse_intact(home_built):
    before = (home_built / "warehouse" / "manifest.json").read_text()
    bad = home_built / "mauvais"
    bad.mkdir()
    write(bad, "f.csv", filosofi(GOOD, "33281;30000"))
    output = run_cli("data", "build", "--raw", str(bad), home=home_built)
    assert output.returncode == 2
    assert "ligne 3" in output.stderr and "Traceback" not in output.stderr
    assert (home_built / "warehouse" / "manifest.json").read_text() == before
    assert not list((home_built / "warehouses").glob(".construction-*"))


def test_build_killed_midway_leaves_warehouse_intact(home_built, tmp_path):
    """kill -9 in the middle of a build (a demo of the referential's départements): the previous
    warehouse still serves."""
    before = json.loads((home_built / "warehouse" / "manifest.json").read_text())
    env = {**os.environ, "TERRITOIRE_HOME": str(home_built), "TERRITOIRE_NO_PROGRESS": "1"}
    processes = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "territoire_data",
            "data",
            "demo",
            "--departements",
            "33,24,15",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    limit = time.time() + 120
    while time.time() < limit and not list((home_built / "warehouses").glob(".construction-*")):
        if processes.poll() is not None:
            break
        time.sleep(0.02)
    # Killed while the new warehouse is being written (or earlier if we missed it).
    processes.send_signal(signal.SIGKILL)
    processes.wait()
    after = json.loads((home_built / "warehouse" / "manifest.json").read_text())
    assert after == before and after["demo"] is False
    output = run_cli("indicateurs", "33063", "--json", home=home_built)
    assert output.returncode == 0 and json.loads(output.stdout)["demo"] is False
    # The next build cleans what the killed one left and succeeds.
    raw = home_built / "brut"
    build_warehouse([raw], home_built)
    assert not list((home_built / "warehouses").glob(".construction-*"))


def test_clear_message_without_warehouse(tmp_path_factory, home, ref):
    from conftest import home_with_referential

    empty = home_with_referential(tmp_path_factory, home, "home-vide")
    output = run_cli("indicateurs", "33063", home=empty)
    assert output.returncode == 2 and "territoire data demo" in output.stderr


def test_folder_without_recognised_file(tmp_path_factory, home, ref):
    from conftest import home_with_referential

    folder = home_with_referential(tmp_path_factory, home, "home-rien")
    raw = folder / "brut"
    raw.mkdir()
    write(raw, "notes.csv", "a;b\n1;2\n")
    output = run_cli("data", "build", "--raw", str(raw), home=folder)
    assert output.returncode == 2 and "Aucun fichier reconnu" in output.stderr and "notes.csv" in output.stderr
    absent = run_cli("data", "build", "--raw", str(folder / "inexistant"), home=folder)
    assert absent.returncode == 2 and "introuvable" in absent.stderr


def _nested(depth: int, inner: bytes, name: str = "cc_filosofi.csv") -> bytes:
    """``depth`` zips one inside the other around a file."""
    import io
    import zipfile

    content, member = inner, name
    for level in range(depth):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
            z.writestr(member, content)
        content, member = buffer.getvalue(), f"niveau{level}.zip"
    return content


def test_zip_bomb_refused_before_inflating(tmp_path):
    """Finding 5: a small zip that inflates to hundreds of MB is refused, naming the member,
    without reading it whole (the process stays far from the 1.9 GB the audit measured)."""
    import resource
    import zipfile

    from territoire_data.archives import ArchiveRefused

    with zipfile.ZipFile(tmp_path / "bombe.zip", "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        with z.open("cc_filosofi.csv", "w", force_zip64=True) as member:
            member.write(filosofi(GOOD).encode())
            block = b"0" * (1 << 20)
            for _ in range(400):  # 400 MiB of zeros: ≈ 400 kB once deflated
                member.write(block)
    assert (tmp_path / "bombe.zip").stat().st_size < 1_000_000
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with pytest.raises(ArchiveRefused) as refused:
        read_all([tmp_path])
    assert "bombe.zip!cc_filosofi.csv" in str(refused.value) and "TERRITOIRE_ARCHIVE_MAX_RATIO" in str(refused.value)
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 100_000  # kB: < 100 MB more


def test_inflated_member_read_in_chunks_within_ratio(tmp_path):
    """The same bound holds while reading, not only on declared sizes."""
    import io
    import zipfile

    from territoire_data.archives import ArchiveLimits, ArchiveRefused, Budget

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("zeros.csv", b"0" * (8 << 20))
    archive = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    budget = Budget(ArchiveLimits(max_ratio=50), "x.zip")
    with pytest.raises(ArchiveRefused, match="50 fois"):
        budget.zip_member(archive, archive.infolist()[0], "x.zip!zeros.csv")()
    assert budget.used <= 2 << 20  # stopped after the first chunks


def test_total_uncompressed_size_bounded_by_setting(tmp_path):
    from territoire_data.archives import ArchiveLimits, ArchiveRefused

    rows = [GOOD.replace("33063", f"33{n:03d}") for n in range(1, 400)]
    write(tmp_path, "gros.zip", _nested(1, filosofi(*rows).encode()))
    with pytest.raises(ArchiveRefused, match="gros.zip.*TERRITOIRE_ARCHIVE_MAX_BYTES"):
        read_all([tmp_path], limits=ArchiveLimits(max_bytes=10_000))
    assert read_all([tmp_path], strict=False).files_read  # within the defaults: read


def test_deeply_nested_zips_refused_with_a_french_message(home_built):
    """Finding 5: 1,500 nested levels gave a bare RecursionError; now a French error naming the
    file, exit code 2, the previous warehouse untouched. Three levels (the default) still read."""
    before = (home_built / "warehouse" / "manifest.json").read_text()
    deep = home_built / "gigogne"
    deep.mkdir()
    write(deep, "gigogne.zip", _nested(1500, filosofi(GOOD).encode()))
    output = run_cli("data", "build", "--raw", str(deep), home=home_built)
    assert output.returncode == 2, output.stderr
    assert "gigogne.zip" in output.stderr and "imbriquées" in output.stderr
    assert "Traceback" not in output.stderr and "RecursionError" not in output.stderr
    assert (home_built / "warehouse" / "manifest.json").read_text() == before

    shallow = home_built / "trois-niveaux"
    shallow.mkdir()
    write(shallow, "ok.zip", _nested(3, filosofi(GOOD).encode()))
    assert len(read_all([shallow]).files_read) == 1
    output = run_cli("data", "build", "--raw", str(shallow), home=home_built, env={"TERRITOIRE_ARCHIVE_MAX_DEPTH": "2"})
    assert output.returncode == 2 and "2 niveaux" in output.stderr


def test_gzip_bomb_refused(tmp_path):
    import gzip

    from territoire_data.archives import ArchiveRefused

    write(tmp_path, "bombe.csv.gz", gzip.compress(filosofi(GOOD).encode() + b"0" * (64 << 20), 9))
    with pytest.raises(ArchiveRefused, match="bombe.csv.gz"):
        read_all([tmp_path])
