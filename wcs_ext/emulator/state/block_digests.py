"""The SHA-1s of a multipart block, computed once, as its bytes arrive.

Each bput answers the SHA-1 of the whole block so far (``checksum``); mkfile answers the
object's etag, made of the SHA-1 of each 4 MiB piece of the object. Every block but the
last is a multiple of 4 MiB, so each block starts on a piece boundary and its pieces are
the object's: kept with the block, they let mkfile make the etag without reading the
object again. A block of at most 4 MiB (the usual size) is one piece, so one SHA-1
serves both answers; only a larger block needs a second one.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Final

from ...protocol.checksum import ETAG_BLOCK_SIZE, EtagHasher

if TYPE_CHECKING:
    from _hashlib import HASH
    from io import FileIO

    from ...protocol.checksum import Buffer

__all__ = ["BlockDigests"]

_READ_SIZE: Final = 1024 * 1024


class BlockDigests:
    """Feed a block's bytes in order; read the bput checksum or the piece digests."""

    def __init__(self, block_size: int) -> None:
        self._pieces = EtagHasher()
        self._whole: HASH | None = None
        if block_size > ETAG_BLOCK_SIZE:
            self._whole = hashlib.sha1(usedforsecurity=False)

    @classmethod
    def of_file(cls, file: FileIO, block_size: int, length: int) -> BlockDigests:
        """The digests of the first ``length`` bytes of an open block file (when none were
        kept: after a restart, or a rewind); short of ``length`` is an OSError."""
        digests = cls(block_size)
        buffer = memoryview(bytearray(_READ_SIZE))
        remaining = length
        while remaining:
            got = file.readinto(buffer[: min(_READ_SIZE, remaining)])
            if not got:
                raise OSError(f"{file.name}: {remaining} bytes missing")
            digests.update(buffer[:got])
            remaining -= got
        return digests

    def update(self, data: Buffer) -> None:
        self._pieces.update(data)
        if self._whole is not None:
            self._whole.update(data)

    @property
    def size(self) -> int:
        return self._pieces.bytes_hashed

    def checksum(self) -> str:
        """Hex SHA-1 of the block so far (what a bput answers)."""
        if self._whole is None:
            return self._pieces.block_digests()[0].hex()  # at most 4 MiB: one piece
        return self._whole.hexdigest()

    def piece_digests(self) -> list[bytes]:
        """Raw SHA-1 of each 4 MiB piece so far, the partial last one included."""
        return self._pieces.block_digests()

    def copy(self) -> BlockDigests:
        twin = BlockDigests(0)
        twin._pieces = self._pieces.copy()
        twin._whole = None if self._whole is None else self._whole.copy()
        return twin
