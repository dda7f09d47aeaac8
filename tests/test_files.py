"""Files written whole, with the user's umask (reports a web server can publish)."""

from __future__ import annotations

import os
import stat

import pytest


@pytest.mark.parametrize("mask, mode", [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_write_atomic_follows_the_umask(tmp_path, mask, mode):
    from territoire_data.files import current_umask, write_atomic

    previous = os.umask(mask)
    try:
        assert current_umask() == mask
        write_atomic(tmp_path / "rapport.html", "<p>bonjour</p>")
    finally:
        os.umask(previous)
    written = tmp_path / "rapport.html"
    assert stat.S_IMODE(written.stat().st_mode) == mode
    assert written.read_text(encoding="utf-8") == "<p>bonjour</p>"
    assert [p.name for p in tmp_path.iterdir()] == ["rapport.html"]  # no temporary left


def test_write_atomic_leaves_the_old_file_on_failure(tmp_path):
    from territoire_data.files import write_atomic

    target = tmp_path / "index.html"
    target.write_text("ancien", encoding="utf-8")
    with pytest.raises(TypeError):
        write_atomic(target, 12345)  # type: ignore[arg-type]
    assert target.read_text(encoding="utf-8") == "ancien" and len(list(tmp_path.iterdir())) == 1
