"""The partial file of a download in slices, and the journal that says which of its
pieces are in place.

The partial file (``.NAME.wcs-part``) has the object's length from the start; slices
write their bytes into it at their offsets, so until the end it has holes, and its
length tells nothing. What a later run may keep is in the journal, the meta file
beside it (``.NAME.wcs-part.json``), one JSON object a line: first the header (URL,
validator for ``If-Range``, size, the WCS hash announced, the piece size), then one
line per piece once its bytes are written: its index and SHA-1. Lines are only
appended, each with one ``write``; a line cut off by a crash is ignored, and so is its
piece, which is fetched again.

A rerun reads back each piece the journal names and keeps it only if its SHA-1 still
matches (the file kept is what is checked, as for a download in one stream); the
final check joins the digests of every piece into the etag, without reading the file
a second time. Only then is it renamed over the target.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
from typing import Any

import httpx

from .._responses import request_id_of
from ..errors import WcsIntegrityError
from ..protocol.checksum import etag_from_digests
from .download_slices import PIECE, Slice, piece_count, plan_slices
from .partial_download import DownloadResult, PartialDownload, open_no_follow, wcs_hash

__all__ = ["ObjectChanged", "SlicedPartial"]

_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")
_SHA1_HEX = re.compile(r"[0-9a-f]{40}")


class ObjectChanged(Exception):
    """A slice's answer is of another version of the object (or the server sent the
    whole object to a ranged request): the slices cannot be joined; start over."""


def _open_data(path: os.PathLike[str], *, create: bool) -> int:
    flags = os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC
    if create:
        flags |= os.O_CREAT | os.O_TRUNC
    return os.open(path, flags, 0o666)


class SlicedPartial:
    """One download in slices: its partial file (the descriptor :attr:`fd`, which the
    positional writer takes over), its journal and the digests of the pieces in place.
    Safe to call from several threads (each piece is reported once)."""

    def __init__(
        self,
        partial: PartialDownload,
        fd: int,
        *,
        size: int,
        validator: str,
        announced_hash: str | None,
        digests: list[bytes | None],
    ) -> None:
        self.partial = partial
        self.url = partial.url
        self.fd = fd
        self.size = size
        self.validator = validator
        self.announced_hash = announced_hash
        self.digests = digests
        self.resumed_from = sum(self._piece_size(i) for i, d in enumerate(digests) if d)
        self._lock = threading.Lock()
        self._journal: int | None = os.open(
            partial.meta, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC
        )
        partial.sliced = True

    @classmethod
    def start(cls, partial: PartialDownload, response: httpx.Response, size: int) -> SlicedPartial:
        """A new download in slices from its first answer (a whole ``200`` that
        :func:`~.download_slices.sliced_size` accepted); what was kept is dropped."""
        validator = response.headers.get("etag") or response.headers.get("last-modified") or ""
        announced = wcs_hash(response.headers.get("etag"))
        partial.request_id = request_id_of(response)
        header = {
            "url": partial.url,
            "validator": validator,
            "size": size,
            "hash": announced,
            "piece": PIECE,
        }
        with open_no_follow(partial.meta, "wb") as meta:
            meta.write(json.dumps(header).encode("utf-8") + b"\n")
        fd = _open_data(partial.partial, create=True)
        try:
            os.ftruncate(fd, size)
            return cls(
                partial,
                fd,
                size=size,
                validator=validator,
                announced_hash=announced,
                digests=[None] * piece_count(size),
            )
        except BaseException:
            os.close(fd)
            raise

    @classmethod
    def resume(cls, partial: PartialDownload) -> SlicedPartial | None:
        """The download in slices an earlier run left for this URL, with the pieces
        that are still whole on disk; None when there is none to continue."""
        try:
            lines = partial.meta.read_bytes().split(b"\n")
            header = json.loads(lines[0])
        except (OSError, ValueError):
            return None
        if not _usable_header(header, partial.url):
            return None
        size: int = header["size"]
        try:
            fd = _open_data(partial.partial, create=False)
        except OSError:
            return None
        try:
            if os.fstat(fd).st_size != size:
                os.close(fd)
                return None
            digests: list[bytes | None] = [None] * piece_count(size)
            for index, digest in _recorded_pieces(lines[1:], len(digests)):
                if _sha1_at(fd, index * PIECE, min(PIECE, size - index * PIECE)) == digest:
                    digests[index] = digest
            return cls(
                partial,
                fd,
                size=size,
                validator=str(header["validator"]),
                announced_hash=header.get("hash"),
                digests=digests,
            )
        except BaseException:
            os.close(fd)
            raise

    def _piece_size(self, index: int) -> int:
        return min(PIECE, self.size - index * PIECE)

    def missing(self) -> list[int]:
        return [index for index, digest in enumerate(self.digests) if digest is None]

    def range_headers(self, offset: int, end: int, traffic_limit: int) -> dict[str, str]:
        """Bytes ``offset`` up to ``end`` of the version the slices are of."""
        headers = {
            "Accept-Encoding": "identity",  # ranges of the object, not of a compressed form
            "Range": f"bytes={offset}-{end - 1}",
            "If-Range": self.validator,
        }
        if traffic_limit:
            headers["x-wos-traffic-limit"] = str(traffic_limit)
        return headers

    def check_answer(self, response: httpx.Response, offset: int, end: int) -> bool:
        """True for the ``206`` of exactly the range asked, False for an answer that is
        no range at all (an error: the caller decides about retrying it). Raises
        :class:`ObjectChanged` when the answer is of another version."""
        status = response.status_code
        if status in (200, 416):  # If-Range did not match, or the object shrank
            raise ObjectChanged(f"download {self.url}: the object changed (HTTP {status})")
        if status != 206:
            return False
        self.partial.request_id = request_id_of(response)
        match = _CONTENT_RANGE.fullmatch(response.headers.get("content-range", ""))
        announced = wcs_hash(response.headers.get("etag"))
        if (match is not None and int(match[3]) != self.size) or (
            self.announced_hash and announced and announced != self.announced_hash
        ):
            raise ObjectChanged(f"download {self.url}: the object changed")
        if match is None or (int(match[1]), int(match[2])) != (offset, end - 1):
            raise WcsIntegrityError(
                f"download {self.url}: the server answered another range",
                request_id=self.partial.request_id,
            )
        return True

    def piece_done(self, index: int, digest: bytes) -> None:
        """Piece ``index`` is written: remember it, and journal it for a later run."""
        line = json.dumps({"piece": index, "sha1": digest.hex()}).encode("utf-8") + b"\n"
        with self._lock:
            self.digests[index] = digest
            if self._journal is not None:  # None: closed, a straggling worker after the end
                os.write(self._journal, line)

    def finish(self) -> DownloadResult:
        """Every piece in place, the file's length and the etag of the digests checked:
        rename over the target. A mismatch deletes the partial file and journal."""
        try:
            self._check()
        except WcsIntegrityError:
            self.close()
            self.partial.discard()
            raise
        self.close()
        os.replace(self.partial.partial, self.partial.target)
        with contextlib.suppress(FileNotFoundError):
            self.partial.meta.unlink()
        return DownloadResult(
            path=self.partial.target,
            size=self.size,
            resumed_from=self.resumed_from,
            hash=self.announced_hash,
            request_id=self.partial.request_id,
        )

    def _check(self) -> None:
        def failed(detail: str) -> WcsIntegrityError:
            return WcsIntegrityError(
                f"download {self.url}: {detail}", request_id=self.partial.request_id
            )

        missing = self.missing()
        if missing:
            raise failed(f"{len(missing)} pieces were never written")
        kept = os.fstat(self.fd).st_size
        if kept != self.size:
            raise failed(
                f"the partial file {self.partial.partial.name} has {kept} bytes, not the "
                f"{self.size} downloaded: something else wrote to it"
            )
        if self.announced_hash is None:
            return
        etag = etag_from_digests([d for d in self.digests if d is not None])
        if etag != self.announced_hash:
            raise failed(f"the file's hash {etag} differs from the server's {self.announced_hash}")

    def close(self) -> None:
        """The journal is closed (the data descriptor belongs to its writer)."""
        with self._lock:
            journal, self._journal = self._journal, None
        if journal is not None:
            os.close(journal)

    def slices_left(self, per_slice: int) -> list[Slice]:
        return plan_slices(self.size, self.missing(), per_slice)


def _usable_header(header: Any, url: str) -> bool:
    return (
        isinstance(header, dict)
        and header.get("url") == url
        and bool(header.get("validator"))
        and header.get("piece") == PIECE
        and isinstance(header.get("size"), int)
        and header["size"] > 0
        and (header.get("hash") is None or isinstance(header.get("hash"), str))
    )


def _recorded_pieces(lines: list[bytes], count: int) -> list[tuple[int, bytes]]:
    """(index, SHA-1) of the whole piece lines; a torn or foreign line is skipped."""
    pieces = []
    for line in lines:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if not isinstance(entry, dict):
            continue
        index, sha1 = entry.get("piece"), entry.get("sha1")
        if not (isinstance(index, int) and 0 <= index < count and isinstance(sha1, str)):
            continue
        if _SHA1_HEX.fullmatch(sha1):
            pieces.append((index, bytes.fromhex(sha1)))
    return pieces


def _sha1_at(fd: int, offset: int, size: int) -> bytes:
    hasher = hashlib.sha1(usedforsecurity=False)
    while size > 0:
        data = os.pread(fd, min(size, 1024 * 1024), offset)
        if not data:
            break
        hasher.update(data)
        offset += len(data)
        size -= len(data)
    return hasher.digest()
