"""Where a block's bytes are kept: at its place in its upload's shared file, or alone.

An upload's blocks all have one size but the last (the client's ``block_size``) and come
with the upload's id (the ``uploadBatch`` header). The emulator writes block ``i`` of an
upload at ``i * stride`` of one file per upload (scope and batch), the stride being the
size of the first full block; mkfile then finds the object already laid out and renames
the file into place instead of copying every byte of it again (``AdoptedBlob``).

A block gets a file of its own, as before, where a shared place would be wrong or
unsafe: no batch, a block longer than the stride, a place another live block of the
upload already holds (a block sent again under a new ctx), a place past what one file
can sensibly hold. mkfile copies such blocks (``JoinedBlob``), so each rule only costs
speed, never correctness.

Pure SQL over an open transaction: :class:`~.multipart_store.BlockStore` calls it.
"""

from __future__ import annotations

import sqlite3
from typing import Final

from ...protocol.checksum import ETAG_BLOCK_SIZE

__all__ = ["MAX_SHARED_END", "Placement", "claim_shared_file", "place_block", "users_of"]

# A shared file is sparse until its blocks arrive; past this end a block lives alone
# (file systems cap a file's size, ext4 at 16 TiB with 4 KiB blocks).
MAX_SHARED_END: Final = 2**40

Placement = tuple[str, int]
"""``(file id, offset)``; ``("", 0)``: the block's own file, named by its id."""

_ALONE: Final[Placement] = ("", 0)


def place_block(
    conn: sqlite3.Connection, *, scope: str, batch: str, index: int, size: int, new_id: str
) -> tuple[Placement, bool]:
    """Where a new block goes, and whether its shared file must be created (``new_id``
    names it: the caller creates the file, in the same transaction)."""
    if not batch:
        return _ALONE, False
    found = conn.execute(
        "SELECT id, stride FROM block_files WHERE scope = ? AND batch = ?", (scope, batch)
    ).fetchone()
    created = found is None
    if created:
        if size % ETAG_BLOCK_SIZE:
            return _ALONE, False  # a short block (the last, or a one-block file) sets no stride
        file_id, stride = new_id, size
    else:
        file_id, stride = found
    offset = index * stride
    if size > stride or offset + size > MAX_SHARED_END:
        return _ALONE, False
    if not created:
        taken = conn.execute(
            "SELECT 1 FROM blocks WHERE file = ? AND file_offset = ?", (file_id, offset)
        ).fetchone()
        if taken is not None:
            return _ALONE, False
    else:
        conn.execute(
            "INSERT INTO block_files (id, scope, batch, stride) VALUES (?, ?, ?, ?)",
            (file_id, scope, batch, stride),
        )
    return (file_id, offset), created


def users_of(conn: sqlite3.Connection, file_id: str) -> int:
    """How many live blocks keep their bytes in the file ``file_id``."""
    (count,) = conn.execute(
        "SELECT count(*) FROM blocks WHERE file = ? OR (file = '' AND id = ?)",
        (file_id, file_id),
    ).fetchone()
    return int(count)


def claim_shared_file(conn: sqlite3.Connection, file_id: str) -> None:
    """No new block goes into ``file_id``: it is about to become an object."""
    conn.execute("DELETE FROM block_files WHERE id = ?", (file_id,))
