"""Downloads in slices, the decisions: when an object is fetched over several
connections, how it is cut, and how one slice's bytes become hashed pieces of the file.

The unit is the etag's piece (4 MiB, ``protocol/checksum.py``): the WCS hash is the
SHA-1 of each piece in order, so a slice that starts on a piece boundary can hash its
own pieces as they arrive, whatever the other slices do, and the final check joins the
digests without reading the file again. A slice is a run of whole pieces (the object's
last piece may be short); what a crashed download keeps is counted in whole pieces too.

The I/O (requests, retries, the positional writes) is in
``wcs_ext/_async/transfer/slices.py``; the partial file and its journal in
:mod:`.sliced_partial`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import attrs
import httpx

from ..errors import WcsIntegrityError
from ..protocol.checksum import ETAG_BLOCK_SIZE

__all__ = ["PIECE", "Slice", "SliceCursor", "pieces_per_slice", "plan_slices", "sliced_size"]

PIECE = ETAG_BLOCK_SIZE

_WRITE_BATCH = 1024 * 1024
"""Bytes gathered before one positional write: a thread hop (asyncio) per network read
would cost more than the write."""


@attrs.frozen
class Slice:
    """Bytes ``start`` (a piece boundary) up to ``end`` (excluded) of the object."""

    start: int
    end: int


def sliced_size(response: httpx.Response, threshold: int) -> int | None:
    """The object's size when the first answer (a whole ``200``) says the rest can be
    fetched in slices: larger than ``threshold`` (0: never), byte ranges offered, no
    transfer encoding that would make ranges count other bytes, and a validator for
    ``If-Range`` (so every slice comes from the same version)."""
    headers = response.headers
    if threshold <= 0 or response.status_code != 200:
        return None
    if headers.get("accept-ranges", "").strip().lower() != "bytes":
        return None
    if "content-encoding" in headers:
        return None
    if not (headers.get("etag") or headers.get("last-modified")):
        return None
    length = headers.get("content-length", "")
    if not length.isdigit():
        return None
    size = int(length)
    return size if size > threshold else None


def piece_count(size: int) -> int:
    return -(-size // PIECE)


def pieces_per_slice(size: int, slice_size: int, concurrency: int) -> int:
    """Pieces in one slice: ``slice_size`` at most, fewer when that would leave some of
    the ``concurrency`` connections without a slice of a smaller object."""
    evenly = -(-piece_count(size) // max(concurrency, 1))
    return max(1, min(slice_size // PIECE, evenly))


def plan_slices(size: int, missing: Sequence[int], per_slice: int) -> list[Slice]:
    """The slices that fetch the ``missing`` pieces (indexes, ascending): runs of
    consecutive pieces, cut every ``per_slice`` pieces."""
    runs: list[tuple[int, int]] = []
    for index in missing:
        if runs and runs[-1][1] == index and index - runs[-1][0] < per_slice:
            runs[-1] = (runs[-1][0], index + 1)
        else:
            runs.append((index, index + 1))
    return [Slice(first * PIECE, min(end * PIECE, size)) for first, end in runs]


class SliceCursor:
    """One slice as its bytes arrive, in order (a connection cut mid-slice is continued
    from :attr:`offset`): gathered into batches for positional writes, and hashed piece
    by piece once written, each finished piece reported to ``on_piece(index, sha1)``.

    The loop is: :meth:`take` a chunk; write the batch it returns (if any) at its
    offset; :meth:`wrote` it. After a cut, :meth:`flush` what is gathered first.
    """

    def __init__(self, part: Slice, what: str, on_piece: Callable[[int, bytes], None]) -> None:
        self.part = part
        self.what = what
        self.offset = part.start
        """The next byte expected (bytes before it are written or gathered)."""
        self._on_piece = on_piece
        self._gathered = bytearray()
        self._gathered_at = part.start
        self._written = part.start
        self._piece = part.start // PIECE
        self._hasher = hashlib.sha1(usedforsecurity=False)

    @property
    def left(self) -> int:
        return self.part.end - self.offset

    @property
    def done(self) -> bool:
        return self._written == self.part.end

    def take(self, chunk: bytes) -> tuple[int, bytes] | None:
        """Gather ``chunk``; a batch ``(offset, bytes)`` to write when one is full."""
        if len(chunk) > self.left:
            raise WcsIntegrityError(f"{self.what}: the server sent more than the range asked for")
        self._gathered += chunk
        self.offset += len(chunk)
        if len(self._gathered) >= _WRITE_BATCH or not self.left:
            return self.flush()
        return None

    def flush(self) -> tuple[int, bytes] | None:
        """What is gathered and not written yet, as a batch (None: nothing)."""
        if not self._gathered:
            return None
        batch = (self._gathered_at, bytes(self._gathered))
        self._gathered.clear()
        self._gathered_at = self.offset
        return batch

    def wrote(self, offset: int, data: bytes) -> None:
        """``data`` is in the file at ``offset`` (the batch :meth:`take` gave): hash it,
        and report each piece it finishes (only then may a rerun skip that piece)."""
        if offset != self._written:
            raise AssertionError(f"batch at {offset}, expected {self._written}")
        view = memoryview(data)
        while view:
            piece_end = min((self._piece + 1) * PIECE, self.part.end)
            taken = min(piece_end - self._written, len(view))
            self._hasher.update(view[:taken])
            self._written += taken
            view = view[taken:]
            if self._written == piece_end:
                self._on_piece(self._piece, self._hasher.digest())
                self._piece += 1
                self._hasher = hashlib.sha1(usedforsecurity=False)
