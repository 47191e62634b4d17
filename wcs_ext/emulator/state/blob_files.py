"""Object bytes on disk, under names that have nothing to do with keys.

Every object is one immutable file ``objects/<2 hex>/<32 hex>``; the name is random, so
no key (``..``, ``/``, unicode, 1000 bytes) can reach outside the data directory or
collide with another. Bytes are written to ``tmp/`` first, fsynced, then renamed into
place: a crash leaves an unreferenced file (removed at the next start), never half an
object under a key. Copies are hard links, which is safe because blobs never change.

A new blob is written (``BlobWriter``: a body, hashed on the way in), joined from a
multipart upload's block files (``JoinedBlob``: copied by the kernel where it can), or
is the file the blocks were written into, each at its place (``AdoptedBlob``: renamed,
no byte copied). Neither of the last two is hashed again: the blocks' digests were kept
as their bytes arrived.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO, Final, Protocol

from ...protocol.checksum import ETAG_BLOCK_SIZE, EtagHasher, etag_from_digests
from .private_files import create_file, make_folder, narrow

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from io import FileIO

__all__ = ["AdoptedBlob", "BlobStore", "BlobWriter", "JoinedBlob", "NewBlob", "copy_file_bytes"]

_BLOB_ID = re.compile(r"[0-9a-f]{32}")
_COPY_CHUNK = 1024 * 1024
# What copy_file_range answers where the kernel or the file system cannot do the copy
# (an old kernel, two file systems, some FUSE or network ones): Python copies instead.
_NO_KERNEL_COPY: Final = frozenset(
    {errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EPERM}
)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_file_bytes(source: FileIO, target: BinaryIO, length: int) -> None:
    """Copy ``length`` bytes from ``source``'s position to ``target``'s, moving both.

    ``target`` must have nothing buffered. ``os.copy_file_range`` first: the bytes never
    come up to Python, and file systems that share extents (btrfs, XFS) clone them
    rather than copy. Where there is none, or the kernel refuses, one reusable buffer.
    """
    remaining = length
    if hasattr(os, "copy_file_range"):
        try:
            while remaining:
                copied = os.copy_file_range(source.fileno(), target.fileno(), remaining)
                if not copied:
                    raise OSError(f"{source.name}: {remaining} bytes missing")
                remaining -= copied
        except OSError as exc:
            if exc.errno not in _NO_KERNEL_COPY:
                raise
    buffer = memoryview(bytearray(min(_COPY_CHUNK, remaining)))
    while remaining:
        got = source.readinto(buffer[: min(len(buffer), remaining)])
        if not got:
            raise OSError(f"{source.name}: {remaining} bytes missing")
        target.write(buffer[:got])
        remaining -= got
    target.flush()


class NewBlob(Protocol):
    """A blob being made in ``tmp/``: what :meth:`BlobStore.commit` and a store need."""

    path: Path
    size: int

    @property
    def hash(self) -> str: ...

    def finish(self) -> None: ...

    def discard(self) -> None: ...

    def reclaim(self, committed: Path) -> bool:
        """The store could not keep the committed blob: take its file back (True), or
        leave it to be removed (False)."""
        ...


class BlobWriter:
    """A new blob being written, its etag (and, on request, MD5) computed on the way in."""

    def __init__(self, path: Path, *, md5: bool = False) -> None:
        self.path = path
        self._file: BinaryIO = create_file(path)
        self.etag = EtagHasher()
        self._md5 = hashlib.md5(usedforsecurity=False) if md5 else None
        self.size = 0

    def write(self, data: bytes | memoryview) -> None:
        self._file.write(data)
        self.etag.update(data)
        if self._md5 is not None:
            self._md5.update(data)
        self.size += len(data)

    @property
    def hash(self) -> str:
        return self.etag.etag()

    def md5_hex(self) -> str:
        if self._md5 is None:
            raise RuntimeError("this writer was not asked for an MD5")
        return self._md5.hexdigest()

    def copy_from(self, source: BinaryIO, length: int) -> None:
        remaining = length
        while remaining:
            data = source.read(min(_COPY_CHUNK, remaining))
            if not data:
                raise OSError(f"{source.name}: {remaining} bytes missing")
            self.write(data)
            remaining -= len(data)

    def finish(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()

    def discard(self) -> None:
        self._file.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def reclaim(self, committed: Path) -> bool:
        return False


class JoinedBlob:
    """A new blob made of files put end to end (a multipart upload's blocks); its etag
    comes from the digests of their 4 MiB pieces, computed as the blocks arrived."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: BinaryIO = create_file(path)
        self._digests: list[bytes] = []
        self.size = 0

    def append(
        self, source: Path, offset: int, length: int, piece_digests: Sequence[bytes]
    ) -> None:
        """Append ``length`` bytes of ``source`` from ``offset``."""
        # The etag's pieces are the object's 4 MiB pieces: a part must start on one.
        if self.size % ETAG_BLOCK_SIZE:
            raise ValueError("only the last part may end inside a 4 MiB piece")
        if len(piece_digests) != max(1, -(-length // ETAG_BLOCK_SIZE)):
            raise ValueError(f"{len(piece_digests)} piece digests for {length} bytes")
        with source.open("rb", buffering=0) as file:
            file.seek(offset)
            copy_file_bytes(file, self._file, length)
        self._digests += piece_digests
        self.size += length

    @property
    def hash(self) -> str:
        return etag_from_digests(self._digests)

    def finish(self) -> None:
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()

    def discard(self) -> None:
        self._file.close()
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()

    def reclaim(self, committed: Path) -> bool:
        return False


class AdoptedBlob:
    """A new blob that is a multipart upload's block file as it stands: the blocks were
    written into it each at its place in the object, so committing it is a rename.
    Cut to the object's size (nothing after it belongs to a live block); on discard or
    when the store cannot keep it, the file stays or goes back: it is still the blocks'."""

    def __init__(self, path: Path, size: int, piece_digests: Sequence[bytes]) -> None:
        self.path = path
        self.size = size
        self._digests = list(piece_digests)

    @property
    def hash(self) -> str:
        return etag_from_digests(self._digests)

    def finish(self) -> None:
        with self.path.open("r+b", buffering=0) as file:
            file.truncate(self.size)
            os.fsync(file.fileno())  # little is left to write: each block synced as it ended

    def discard(self) -> None:
        """Nothing to remove: uncommitted, the file is the blocks' still."""

    def reclaim(self, committed: Path) -> bool:
        os.replace(committed, self.path)
        return True


class BlobStore:
    def __init__(self, root: Path) -> None:
        """Opens (or makes) the folders under ``root``, which must exist."""
        self.root = root
        self._objects = root / "objects"
        self._tmp = root / "tmp"
        self._blocks = root / "blocks"
        for folder in (self._objects, self._tmp, self._blocks):
            make_folder(folder)
            narrow(folder)

    @staticmethod
    def new_id() -> str:
        return secrets.token_hex(16)

    def path(self, blob_id: str) -> Path:
        if not _BLOB_ID.fullmatch(blob_id):
            raise ValueError(f"not a blob id: {blob_id!r}")
        return self._objects / blob_id[:2] / blob_id

    def block_path(self, block_id: str) -> Path:
        if not _BLOB_ID.fullmatch(block_id):
            raise ValueError(f"not a block id: {block_id!r}")
        return self._blocks / block_id

    def writer(self, *, md5: bool = False) -> BlobWriter:
        return BlobWriter(self._tmp / f"{self.new_id()}.part", md5=md5)

    def joined(self) -> JoinedBlob:
        return JoinedBlob(self._tmp / f"{self.new_id()}.part")

    def commit(self, writer: NewBlob) -> str:
        """Make the written bytes durable under a new blob id (not yet any key's)."""
        writer.finish()
        blob_id = self.new_id()
        target = self.path(blob_id)
        make_folder(target.parent)
        os.replace(writer.path, target)
        _fsync_dir(target.parent)
        return blob_id

    def duplicate(self, blob_id: str, opened: BinaryIO) -> str:
        """A second blob with the same bytes: a hard link where the file system allows,
        else a copy of ``opened`` (the blob, open: it may be unlinked by now)."""
        new_id = self.new_id()
        target = self.path(new_id)
        make_folder(target.parent)
        try:
            os.link(self.path(blob_id), target)
        except OSError:
            partial = self._tmp / f"{new_id}.part"
            with create_file(partial) as out:
                opened.seek(0)
                shutil.copyfileobj(opened, out, _COPY_CHUNK)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, target)
        _fsync_dir(target.parent)
        return new_id

    def open(self, blob_id: str) -> BinaryIO:
        """The blob's bytes, readable even after :meth:`remove` (POSIX) until closed."""
        return self.path(blob_id).open("rb", buffering=0)

    def remove(self, blob_id: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path(blob_id).unlink()

    def new_block_file(self, block_id: str) -> None:
        create_file(self.block_path(block_id)).close()

    def remove_block(self, block_id: str) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.block_path(block_id).unlink()

    def clean(self, live_blobs: Iterable[str], live_blocks: Iterable[str]) -> int:
        """Delete what no row refers to (left by a crash); returns the number removed."""
        keep_blobs, keep_blocks = set(live_blobs), set(live_blocks)
        removed = 0
        for leftover in self._tmp.iterdir():
            leftover.unlink()
            removed += 1
        for folder in self._objects.iterdir():
            narrow(folder)
            for blob in folder.iterdir():
                if blob.name not in keep_blobs:
                    blob.unlink()
                    removed += 1
                else:
                    narrow(blob)
        for block in self._blocks.iterdir():
            if block.name not in keep_blocks:
                block.unlink()
                removed += 1
            else:
                narrow(block)
        return removed
