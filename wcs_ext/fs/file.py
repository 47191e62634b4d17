"""``WcsFile``: an object opened through the filesystem, read in ranges or written in
blocks (fsspec's ``AbstractBufferedFile`` does the buffering and caching).

Reading: each cache miss is one ranged GET of ``block_size`` bytes or more (the
``cache_type`` decides what is kept). Writing: every full WCS block (``block_size`` of
the config, a multiple of 4 MiB) goes to the server as the file is written; the object
appears only when the file is closed (mkfile). A ``with`` block that raises, a failed
block, or a file dropped without ``close`` leave nothing under the key.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from fsspec.asyn import sync
from fsspec.spec import AbstractBufferedFile

from .._async.transfer.object_io import AsyncObjectWriter
from ._paths import os_errors

if TYPE_CHECKING:
    from .filesystem import AsyncWcsFileSystem

__all__ = ["WcsFile", "WcsTextFile"]


class WcsFile(AbstractBufferedFile):  # type: ignore[misc]  # fsspec has no type information
    """A ``wcs://`` object as a binary file: ``'rb'``, ``'wb'`` or ``'xb'``."""

    # Set by AbstractBufferedFile, declared for the type checker.
    fs: AsyncWcsFileSystem
    buffer: io.BytesIO
    closed: bool
    offset: int

    def __init__(
        self,
        fs: AsyncWcsFileSystem,
        path: str,
        mode: str = "rb",
        block_size: int | str | None = "default",
        autocommit: bool = True,
        cache_type: str = "readahead",
        cache_options: dict[str, Any] | None = None,
        size: int | None = None,
        **kwargs: Any,
    ) -> None:
        self._writer: AsyncObjectWriter | None = None
        self._last = b""  # the rest of the object, kept for commit() without autocommit
        if mode != "rb":
            # Writes go in whole WCS blocks: the buffer fills to one before it is sent.
            block_size = fs.write_block_size
        super().__init__(
            fs,
            path,
            mode=mode,
            block_size=block_size,
            autocommit=autocommit,
            cache_type=cache_type,
            cache_options=cache_options,
            size=size,
            **kwargs,
        )

    def _fetch_range(self, start: int, end: int) -> bytes:
        data: bytes = sync(self.fs.loop, self.fs._cat_file, self.path, start=start, end=end)
        return data

    def _initiate_upload(self) -> None:
        self._writer = sync(
            self.fs.loop, self.fs._object_writer, self.path, overwrite=self.mode == "wb"
        )

    def _upload_chunk(self, final: bool = False) -> bool:
        writer = self._writer
        assert writer is not None  # flush() starts the upload before the first chunk
        data = self.buffer.getbuffer()
        size, sent = writer.block_size, 0
        try:
            with os_errors(self.path):
                # Every block but the last is whole; the last may be whole too, so at
                # the end one block (or what is left) is kept for the commit.
                while len(data) - sent > size or (not final and len(data) - sent == size):
                    sync(self.fs.loop, writer.write_block, bytes(data[sent : sent + size]))
                    sent += size
                rest = bytes(data[sent:])
                if final:
                    self._last = rest
                    if self.autocommit:
                        self.commit()
        finally:
            del data  # a view of the buffer: it must go before the buffer is replaced
        if final:
            return True
        self.offset += sent
        self.buffer = io.BytesIO(rest)
        self.buffer.seek(0, io.SEEK_END)
        return False  # the buffer holds the rest: flush() must not drop it

    def commit(self) -> None:
        """Make the object (mkfile): at close, or later in a transaction."""
        writer = self._writer
        if writer is None:  # an empty file never flushed a block: one empty upload
            self._initiate_upload()
            writer = self._writer
            assert writer is not None
        with os_errors(self.path):
            sync(self.fs.loop, writer.commit, self._last)
        self._writer = None
        self.fs.invalidate_cache(self.path)

    def discard(self) -> None:
        """Give up the object: nothing is made; its blocks are purged by the server."""
        self._writer = None
        self._last = b""

    def _abandon(self) -> None:
        if not self.closed:
            self.discard()
            self.closed = True

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        if exc_type is not None and self.writable():
            self._abandon()  # the with-block failed: its object must not appear
            return
        self.close()

    def __del__(self) -> None:
        # A writer dropped without close() makes no object: only close() commits.
        if not getattr(self, "closed", True) and self.mode != "rb":
            self._abandon()
            return
        super().__del__()

    def seek(self, loc: int, whence: int = 0) -> int:
        if self.mode != "rb":
            raise io.UnsupportedOperation(
                f"wcs://{self.path} is open for writing: WCS objects are written from "
                "start to end, a seek while writing is not possible"
            )
        position: int = super().seek(loc, whence)
        return position


class WcsTextFile(io.TextIOWrapper):
    """Text over a :class:`WcsFile`; a ``with`` block that raises makes no object
    (``io.TextIOWrapper`` would close, and so commit, whatever happened)."""

    def __exit__(self, exc_type: type[BaseException] | None, *rest: object) -> None:
        raw = self.buffer
        if exc_type is not None and isinstance(raw, WcsFile) and raw.writable():
            raw._abandon()
            return
        self.close()
