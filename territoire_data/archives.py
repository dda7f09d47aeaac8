"""Archives opened with bounds: what a zip bomb or a thousand nested zips meets.

Published files arrive as zip (sometimes zip in zip) or gzip. Their members are read in
chunks, counting the bytes really produced (a forged header cannot lie about them), against
three limits a deployment can set (``TERRITOIRE_ARCHIVE_MAX_BYTES``, ``…_MAX_RATIO``,
``…_MAX_DEPTH``): uncompressed bytes read from one file on disk in all, uncompressed /
compressed ratio of a member, nesting depth. Crossing one raises ``ArchiveRefused``, a French
error naming the member; the build stops before touching the warehouse in place.
"""

from __future__ import annotations

import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass

from territoire_data.errors import TerritoireError

CHUNK = 1 << 20
RATIO_FLOOR = 1 << 20  # a member under 1 MiB uncompressed is never refused for its ratio


class ArchiveRefused(TerritoireError):
    pass


@dataclass(frozen=True)
class ArchiveLimits:
    max_bytes: int = 8 * 2**30
    max_ratio: int = 200
    max_depth: int = 3


def _size(n: int) -> str:
    for unit, factor in (("Gio", 2**30), ("Mio", 2**20), ("kio", 2**10)):
        if n >= factor:
            return f"{n / factor:.1f} {unit}".replace(".", ",")
    return f"{n} octets"


class Budget:
    """Uncompressed bytes left for one file on disk and everything inside it."""

    def __init__(self, limits: ArchiveLimits, path: str):
        self.limits, self.path, self.used = limits, path, 0

    def spend(self, n: int, where: str) -> None:
        self.used += n
        if self.used > self.limits.max_bytes:
            raise ArchiveRefused(
                f"Archive refusée : « {where} » décompresse plus de {_size(self.limits.max_bytes)} "
                "(limite TERRITOIRE_ARCHIVE_MAX_BYTES). L'entrepôt existant n'a pas été modifié."
            )

    def check_depth(self, depth: int, where: str) -> None:
        if depth > self.limits.max_depth:
            raise ArchiveRefused(
                f"Archive refusée : « {where} » contient des archives imbriquées sur plus de "
                f"{self.limits.max_depth} niveaux (limite TERRITOIRE_ARCHIVE_MAX_DEPTH). "
                "L'entrepôt existant n'a pas été modifié."
            )

    def _check_ratio(self, produced: int, compressed: int, where: str) -> None:
        if produced > RATIO_FLOOR and produced > self.limits.max_ratio * max(compressed, 1):
            raise ArchiveRefused(
                f"Archive refusée : « {where} » se décompresse plus de {self.limits.max_ratio} fois "
                "(bombe de décompression probable ; limite TERRITOIRE_ARCHIVE_MAX_RATIO). "
                "L'entrepôt existant n'a pas été modifié."
            )

    def check_declared(self, archive: zipfile.ZipFile, where: str) -> None:
        """Refuse before reading when the declared sizes already cross a limit."""
        total = 0
        for info in archive.infolist():
            self._check_ratio(info.file_size, info.compress_size, f"{where}!{info.filename}")
            total += info.file_size
        if self.used + total > self.limits.max_bytes:
            self.spend(total, where)

    def zip_member(self, archive: zipfile.ZipFile, info: zipfile.ZipInfo, where: str) -> Callable[[], bytes]:
        """A reader of one member, in chunks, within the budget and the ratio."""

        def read() -> bytes:
            pieces, produced = [], 0
            with archive.open(info) as member:
                while chunk := member.read(CHUNK):
                    produced += len(chunk)
                    self._check_ratio(produced, info.compress_size, where)
                    self.spend(len(chunk), where)
                    pieces.append(chunk)
            return b"".join(pieces)

        return read

    def gunzip(self, read: Callable[[], bytes], where: str) -> Callable[[], bytes]:
        """A reader of a gzip stream, in chunks, within the budget and the ratio."""

        def decompress() -> bytes:
            data = read()
            inflater = zlib.decompressobj(wbits=31)
            pieces, produced, pending = [], 0, data
            while pending:
                chunk = inflater.decompress(pending, CHUNK)
                pending = inflater.unconsumed_tail
                produced += len(chunk)
                self._check_ratio(produced, len(data), where)
                self.spend(len(chunk), where)
                pieces.append(chunk)
                if inflater.eof:
                    break
            return b"".join(pieces)

        return decompress
