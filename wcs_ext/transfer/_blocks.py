"""How a file is cut into blocks and chunks, and how each acknowledgement is checked.

A block is what one ``mkblk`` opens (``block_size``, a multiple of 4 MiB, except the
last); a chunk is one request body inside it (the first goes with ``mkblk``, the rest
with ``bput``), never crossing the block's end.
"""

from __future__ import annotations

import secrets
import string

import attrs

from .._upload_ops import BlockAck
from ..checksum import crc32_bytes
from ..errors import WcsIntegrityError

__all__ = ["BlockSpan", "check_ack", "new_upload_batch", "plan_blocks"]

_BATCH_ALPHABET = string.ascii_letters + string.digits


@attrs.frozen
class BlockSpan:
    index: int
    offset: int
    size: int


def plan_blocks(total: int, block_size: int) -> list[BlockSpan]:
    """The blocks of a ``total``-byte upload; the last one holds the remainder."""
    return [
        BlockSpan(index, offset, min(block_size, total - offset))
        for index, offset in enumerate(range(0, total, block_size))
    ]


def new_upload_batch() -> str:
    """A 32-character upload id (``uploadBatch``) from a cryptographic RNG."""
    return "".join(secrets.choice(_BATCH_ALPHABET) for _ in range(32))


def check_ack(ack: BlockAck, chunk: bytes | memoryview, expected_offset: int, what: str) -> None:
    """The server must have received exactly this chunk, and as much of the block as sent."""
    crc = crc32_bytes(chunk)
    if ack.crc32 != crc:
        raise WcsIntegrityError(
            f"{what}: the server's crc32 {ack.crc32} differs from the chunk's {crc}",
            request_id=ack.request_id,
        )
    if ack.offset != expected_offset:
        raise WcsIntegrityError(
            f"{what}: the server holds {ack.offset} bytes of the block, expected {expected_offset}",
            request_id=ack.request_id,
        )
