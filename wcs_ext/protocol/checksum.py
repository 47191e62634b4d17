"""WCS etag and CRC-64/XZ of bytes, streams and files.

Etag (the "hash" WCS reports for an object): cut the content into 4 MiB blocks and
SHA-1 each one. One block (or none): ``b64u(0x16 || SHA1(block))``; several:
``b64u(0x96 || SHA1(SHA1(b1) || SHA1(b2) || ...))``. The 4 MiB is fixed by the protocol,
whatever block size a multipart upload uses (those are multiples of 4 MiB for this reason).
SHA-1 is created with ``usedforsecurity=False`` throughout: the etag is a content
fingerprint the protocol fixes, not a security measure, and saying so keeps it available
on FIPS-restricted interpreters.

CRC-64 is the standard CRC-64/XZ (ECMA-182 polynomial, reflected, init and xorout all
ones); WCS prints it as an unsigned decimal. ``fastcrc`` computes it: the fastest of the
candidates with wheels in ``bench/bench_checksum.py`` (about 60x the original SDK's
``crcmod``), and its second argument continues from a previous result.
"""

from __future__ import annotations

import base64
import hashlib
import mmap
import os
import threading
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from io import FileIO
from typing import TYPE_CHECKING, Final, Protocol, TypeAlias, runtime_checkable

from fastcrc import crc32 as _crc32
from fastcrc import crc64 as _crc64

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = [
    "ETAG_BLOCK_SIZE",
    "Crc64Hasher",
    "EtagHasher",
    "crc32_bytes",
    "crc64_bytes",
    "crc64_file",
    "etag_bytes",
    "etag_file",
    "etag_from_digests",
    "etag_stream",
]

Buffer: TypeAlias = bytes | bytearray | memoryview
StrPath: TypeAlias = str | os.PathLike[str]

ETAG_BLOCK_SIZE: Final = 4 * 1024 * 1024
_SINGLE_BLOCK_PREFIX: Final = b"\x16"
_MULTI_BLOCK_PREFIX: Final = b"\x96"
_SHA1_SIZE: Final = 20
# Read size for streams and CRC: large enough that per-call overhead vanishes next to the
# hashing, small enough to stay cache-friendly.
_READ_SIZE: Final = 1024 * 1024


@runtime_checkable
class Readable(Protocol):
    """Anything with ``read(n)``: files, sockets' makefile(), pipes, HTTP bodies."""

    def read(self, size: int = -1, /) -> bytes: ...


class EtagHasher:
    """Incremental etag: feed any chunking, read the etag or the per-block digests.

    Holds one running SHA-1 for the current 4 MiB block and 20 bytes per finished block,
    never the block's bytes. A multipart uploader can give each of its blocks a hasher
    of its own (they start on 4 MiB boundaries) and join all their
    :meth:`block_digests`, in order, with :func:`etag_from_digests`.
    """

    def __init__(self) -> None:
        self._done: list[bytes] = []
        self._block = hashlib.sha1(usedforsecurity=False)
        self._block_fill = 0
        self._total = 0

    def update(self, data: Buffer) -> None:
        view = memoryview(data).cast("B")
        while view:
            taken = min(ETAG_BLOCK_SIZE - self._block_fill, len(view))
            self._block.update(view[:taken])
            self._block_fill += taken
            self._total += taken
            view = view[taken:]
            if self._block_fill == ETAG_BLOCK_SIZE:
                self._done.append(self._block.digest())
                self._block = hashlib.sha1(usedforsecurity=False)
                self._block_fill = 0

    def block_digests(self) -> list[bytes]:
        """Raw SHA-1 of every 4 MiB block so far, the partial last one included.

        Exactly N blocks of input give N digests (no trailing empty block); empty input
        gives the SHA-1 of nothing, as the protocol defines. The hasher stays usable.
        """
        if self._block_fill or not self._done:
            return [*self._done, self._block.digest()]
        return list(self._done)

    def etag(self) -> str:
        return etag_from_digests(self.block_digests())

    @property
    def bytes_hashed(self) -> int:
        return self._total

    def copy(self) -> EtagHasher:
        """An independent hasher in the same state (to resume from it later)."""
        twin = EtagHasher()
        twin._done = list(self._done)
        twin._block = self._block.copy()
        twin._block_fill = self._block_fill
        twin._total = self._total
        return twin


def etag_from_digests(digests: Sequence[bytes]) -> str:
    """The etag from the raw SHA-1 of each 4 MiB block, in order (none: empty input)."""
    if not digests:
        digests = [hashlib.sha1(usedforsecurity=False).digest()]
    for digest in digests:
        if len(digest) != _SHA1_SIZE:
            raise ValueError(f"not a raw SHA-1 digest: {len(digest)} bytes instead of 20")
    if len(digests) == 1:
        payload = _SINGLE_BLOCK_PREFIX + digests[0]
    else:
        joined = hashlib.sha1(b"".join(digests), usedforsecurity=False)
        payload = _MULTI_BLOCK_PREFIX + joined.digest()
    return base64.urlsafe_b64encode(payload).decode("ascii")


def etag_bytes(data: Buffer) -> str:
    """The WCS etag of ``data``: the ``hash`` the server gives the object it is stored as."""
    hasher = EtagHasher()
    hasher.update(data)
    return hasher.etag()


def etag_stream(stream: Readable) -> str:
    """Etag of what is left in ``stream``: read once, 1 MiB at a time (pipes work)."""
    hasher = EtagHasher()
    while chunk := stream.read(_READ_SIZE):
        hasher.update(chunk)
    return hasher.etag()


def etag_file(path: StrPath, *, workers: int | None = None) -> str:
    """Etag of a local file, hashing its 4 MiB blocks on up to ``workers`` threads.

    The calling thread reads blocks in order into ``workers + 1`` reusable buffers while
    the pool hashes them (hashlib releases the GIL on large buffers), so memory stays
    at a few blocks whatever the file size. ``workers`` defaults to
    ``min(4, os.cpu_count())``; with 1, or for a file of at most two blocks, where
    threads would cost more than they save, the blocks are hashed inline.
    """
    if workers is None:
        workers = min(4, os.cpu_count() or 1)
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    with FileIO(path, "r") as file:
        if workers == 1 or os.fstat(file.fileno()).st_size <= 2 * ETAG_BLOCK_SIZE:
            return _etag_file_inline(file)
        return _etag_file_parallel(file, workers)


def read_buffer(size: int) -> mmap.mmap:
    """A buffer to read a file into, again and again: anonymous, page-aligned memory.

    Reading a file into the same heap ``bytearray`` over and over was measured 4-5x
    slower (1 GiB: 2.0 s, 0.64 s of it in the kernel) than into a fresh one or an
    anonymous mapping (0.4 s) on a Linux VM; the mapping is fast either way.
    """
    return mmap.mmap(-1, size)


def _read_full(file: FileIO, buffer: mmap.mmap | bytearray) -> memoryview:
    """Fill ``buffer`` from ``file``, retrying short reads; shorter only at end of file."""
    view = memoryview(buffer)
    filled = 0
    while filled < len(buffer):
        got = file.readinto(view[filled:])
        if not got:
            break
        filled += got
    return view[:filled]


def _etag_file_inline(file: FileIO) -> str:
    hasher = EtagHasher()
    buffer = read_buffer(ETAG_BLOCK_SIZE)
    while block := _read_full(file, buffer):
        hasher.update(block)
    return hasher.etag()


def _block_digest(block: memoryview) -> bytes:
    return hashlib.sha1(block, usedforsecurity=False).digest()


def _etag_file_parallel(file: FileIO, workers: int) -> str:
    """Each worker reads its own block at its offset (``os.preadv``) into a buffer of its
    own and hashes it: reading is a copy from the page cache as costly as a third of the
    hashing, and done by one thread in front of the others it kept the second core idle
    part of the time. At most ``2 * workers`` blocks are asked for at once, so memory
    stays at ``workers`` buffers whatever the file size."""
    size = os.fstat(file.fileno()).st_size
    reader = _BlockReader(file.fileno(), size)
    in_flight: deque[Future[bytes]] = deque()
    digests: list[bytes] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="wcs-etag") as pool:
        for offset in range(0, size, ETAG_BLOCK_SIZE):
            if len(in_flight) == 2 * workers:
                digests.append(in_flight.popleft().result())
            in_flight.append(pool.submit(reader.digest, offset))
        digests.extend(future.result() for future in in_flight)
    if reader.short:
        # The file shrank while it was read: a block came back short, so the digests
        # describe no content the file ever had. Hash it again, in one pass.
        file.seek(0)
        return _etag_file_inline(file)
    return etag_from_digests(digests)


class _BlockReader:
    """The blocks of a file of ``size`` bytes by offset, each worker thread reading into
    a buffer of its own; ``short`` tells that one came back short (the file shrank)."""

    def __init__(self, fd: int, size: int) -> None:
        self._fd = fd
        self._size = size
        self._buffers = threading.local()
        self.short = False

    def digest(self, offset: int) -> bytes:
        buffer: mmap.mmap | None = getattr(self._buffers, "buffer", None)
        if buffer is None:
            buffer = self._buffers.buffer = read_buffer(ETAG_BLOCK_SIZE)
        wanted = min(ETAG_BLOCK_SIZE, self._size - offset)
        view = memoryview(buffer)[:wanted]
        filled = 0
        while filled < wanted:
            got = os.preadv(self._fd, [view[filled:]], offset + filled)
            if not got:
                self.short = True
                break
            filled += got
        return _block_digest(view[:filled])


def crc32_bytes(data: Buffer, crc: int = 0) -> int:
    """CRC-32 (zlib's, what WCS answers per chunk) of ``data``, as an unsigned int,
    continuing from ``crc`` (the CRC-32 of the data before it), as ``zlib.crc32`` does.

    fastcrc's is 3 to 13 times faster than ``zlib.crc32`` from 16 KiB to 4 MiB pieces
    (measured on two machines).
    """
    return _crc32.iso_hdlc(data, crc)


def crc64_bytes(data: Buffer, crc: int = 0) -> int:
    """CRC-64/XZ of ``data``, continuing from ``crc``, the CRC-64 of the data before it.

    ``crc64_bytes(b, crc64_bytes(a)) == crc64_bytes(a + b)``; the empty input gives 0.
    """
    return _crc64.xz(data, crc)


class Crc64Hasher:
    """Running CRC-64/XZ of pieces fed in order; ``crc`` resumes from a known value."""

    def __init__(self, crc: int = 0) -> None:
        self._crc = crc

    def update(self, data: Buffer) -> None:
        self._crc = _crc64.xz(data, self._crc)

    @property
    def value(self) -> int:
        return self._crc


def crc64_file(path: StrPath) -> int:
    """CRC-64/XZ of a local file, read 1 MiB at a time into one reusable buffer."""
    crc = 0
    buffer = read_buffer(_READ_SIZE)
    with FileIO(path, "r") as file:
        while piece := _read_full(file, buffer):
            crc = _crc64.xz(piece, crc)
    return crc
