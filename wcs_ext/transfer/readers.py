"""Readers that hash what they hand out, or turn byte iterators into ``read(n)``."""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator

from ..errors import WcsInputError
from ..protocol.checksum import EtagHasher, Readable
from .progress import ProgressTracker

__all__ = ["EtagFile", "IteratorReader", "Readable", "read_exactly"]


class EtagFile(io.FileIO):
    """A file of ``size`` bytes that feeds every byte read into an etag, so hashing needs
    no second pass.

    The upload declared ``size`` as its length: a file that turns out shorter, or longer,
    while it is read raises :class:`~wcs_ext.errors.WcsInputError` at once, so the body
    is cut off and the server stores nothing. Rewinding to the start (as httpx does
    before sending a body again) restarts the hash.
    """

    def __init__(
        self, path: str | bytes | int, *, size: int, progress: ProgressTracker | None = None
    ) -> None:
        super().__init__(path, "rb")
        self.size = size
        self.hasher = EtagHasher()
        self._progress = progress

    def read(self, size: int | None = -1, /) -> bytes:
        remaining = self.size - self.hasher.bytes_hashed
        if remaining == 0:
            if super().read(1):
                raise self._changed()
            return b""
        data = super().read(remaining if size is None or size < 0 else min(size, remaining))
        if not data:
            raise self._changed()
        self.hasher.update(data)
        if self._progress is not None:
            self._progress.add(len(data))
        return data

    def _changed(self) -> WcsInputError:
        return WcsInputError(f"{self.name} changed while it was being uploaded")

    def seek(self, offset: int, whence: int = io.SEEK_SET, /) -> int:
        position = super().seek(offset, whence)
        if position == 0:
            if self._progress is not None:
                self._progress.add(-self.hasher.bytes_hashed)  # the body is sent again
            self.hasher = EtagHasher()
        return position


class IteratorReader:
    """``read(n)`` over an iterator of byte strings (an HTTP response body, a generator)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks: Iterator[bytes] = iter(chunks)
        self._pending = b""

    def read(self, size: int = -1, /) -> bytes:
        if size < 0:
            rest = self._pending + b"".join(self._chunks)
            self._pending = b""
            return rest
        while not self._pending:
            try:
                self._pending = next(self._chunks)
            except StopIteration:
                return b""
        data, self._pending = self._pending[:size], self._pending[size:]
        return data


def read_exactly(stream: Readable, size: int) -> bytes:
    """Up to ``size`` bytes, fewer only at end of stream (``read`` may return short)."""
    parts: list[bytes] = []
    remaining = size
    while remaining:
        data = stream.read(remaining)
        if not data:
            break
        parts.append(data)
        remaining -= len(data)
    return b"".join(parts)
