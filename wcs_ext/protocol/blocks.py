"""How an upload is cut into blocks and chunks, and what the server answers for each.

A block is what one ``mkblk`` opens (``block_size``, a multiple of 4 MiB, except the
last); a chunk is one request body inside it (the first goes with ``mkblk``, the rest
with ``bput``), never crossing the block's end. Every acknowledgement carries the ctx to
continue with, the bytes of the block the server holds and the crc32 of the chunk.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterator

import attrs

__all__ = [
    "CTX_LOST_CODE",
    "BlockAck",
    "BlockSpan",
    "block_count",
    "iter_blocks",
    "new_upload_batch",
]

CTX_LOST_CODE = 701
"""The WCS code for an expired or unknown ctx: the block must be sent again."""

_BATCH_ALPHABET = string.ascii_letters + string.digits


@attrs.frozen
class BlockSpan:
    """Block ``index`` of an upload: ``size`` bytes from ``offset``."""

    index: int
    offset: int
    size: int


def block_count(total: int, block_size: int) -> int:
    """How many blocks a ``total``-byte upload has (0 for an empty one)."""
    return -(-total // block_size)


def iter_blocks(total: int, block_size: int, *, start: int = 0) -> Iterator[BlockSpan]:
    """The blocks of a ``total``-byte upload from block ``start`` on, made one at a time
    (a 1 TiB file has 262,144 of 4 MiB: none of them is held before it is needed)."""
    for index in range(start, block_count(total, block_size)):
        offset = index * block_size
        yield BlockSpan(index, offset, min(block_size, total - offset))


def new_upload_batch() -> str:
    """A 32-character upload id (``uploadBatch``) from a cryptographic RNG."""
    return "".join(secrets.choice(_BATCH_ALPHABET) for _ in range(32))


@attrs.frozen(kw_only=True)
class BlockAck:
    """The server's receipt for a mkblk or bput: the ctx to continue with and checks."""

    ctx: str
    offset: int
    crc32: int
    checksum: str
    request_id: str | None = None
