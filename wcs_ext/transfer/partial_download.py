"""Downloads that survive interruptions: bytes go to a hidden ``.NAME.wcs-part`` file
beside the target, which a later run continues with ``Range``; the target name appears
only after the size (and the WCS hash, when the server sends it as ``ETag``) of the file
kept on disk checked out.

One download at a time per target: a :class:`PartialDownload` is used as a context
manager, which holds an exclusive lock (``.NAME.wcs-part.lock``) from before it looks at
the partial file until it is done with it. A second download to the same target fails
at once with :class:`~wcs_ext.errors.WcsInputError` ("another download to NAME is
running") instead of waiting: it would only fetch again what the first one is fetching.

The decisions are here once; the sync and async loops only move bytes.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, cast

import attrs
import httpx

from .._responses import error_from_response, request_id_of
from ..errors import WcsInputError, WcsIntegrityError
from ..protocol.checksum import EtagHasher
from .file_lock import ExclusiveLock
from .progress import ProgressTracker

__all__ = ["DownloadResult", "PartialDownload", "open_no_follow", "wcs_hash"]

_HASH_READ = 4 * 1024 * 1024
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")
_WCS_HASH = re.compile(r"[A-Za-z0-9_-]{28}")


@attrs.frozen(kw_only=True)
class DownloadResult:
    """A finished download: ``path`` the file written, ``size`` its length in bytes,
    ``request_id`` the server's for the answer, when it sent one."""

    path: Path
    size: int
    resumed_from: int = 0
    """Bytes that were already on disk from an earlier, interrupted run."""
    hash: str | None = None
    """The WCS hash the server announced and the file was checked against, if any."""
    request_id: str | None = None


def wcs_hash(etag_header: str | None) -> str | None:
    if not etag_header:
        return None
    value = etag_header.removeprefix("W/").strip('"')
    return value if _WCS_HASH.fullmatch(value) else None


def open_no_follow(path: Path, mode: str) -> BinaryIO:
    """``path`` opened for ``wb``, ``ab`` or ``rb``, never through a symbolic link."""
    flags = {
        "wb": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
        "ab": os.O_WRONLY | os.O_CREAT | os.O_APPEND,
        "rb": os.O_RDONLY,
    }[mode]
    fd = os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    return cast("BinaryIO", os.fdopen(fd, mode))


class PartialDownload:
    """One download's partial file and the validators that say it may be continued;
    ``with`` it: see the module."""

    def __init__(self, url: str, dest: str | os.PathLike[str], *, resume: bool = True) -> None:
        self.url = url
        self.target = Path(dest)
        if self.target.is_dir():
            raise WcsInputError(f"{self.target} is a directory; give a file name")
        if not self.target.parent.is_dir():
            raise WcsInputError(f"no such directory: {self.target.parent}")
        self.partial = self.target.with_name(f".{self.target.name}.wcs-part")
        self.meta = self.target.with_name(f".{self.target.name}.wcs-part.json")
        """Its validators; for a download in slices, also the journal of its pieces."""
        self._lock = ExclusiveLock(
            self.target.with_name(f".{self.target.name}.wcs-part.lock"),
            busy=f"another download to {self.target} is running",
        )
        self._resume = resume
        self.have = self.resumed_from = 0
        self.total: int | None = None
        self.announced_hash: str | None = None
        self.request_id: str | None = None
        self.sliced = False
        """In slices (``sliced_partial.py``): what is kept is told by the journal, not
        by the length of the partial file."""

    def __enter__(self) -> PartialDownload:
        self._lock.acquire()
        self.have = self.resumed_from = self._usable_partial() if self._resume else 0
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if exc_type is not None:
                self.keep_if_resumable()
        finally:
            self._lock.release()

    def _usable_partial(self) -> int:
        try:
            meta = json.loads(self.meta.read_text(encoding="utf-8"))
            size = self.partial.stat().st_size
        except (OSError, ValueError):
            return 0
        if not isinstance(meta, dict) or meta.get("url") != self.url or not meta.get("validator"):
            return 0
        if "size" in meta:  # a partial file in slices has holes: its length says nothing
            return 0
        return size

    def request_headers(self, traffic_limit: int) -> dict[str, str]:
        # Byte ranges must mean bytes of the object, not of a compressed form of it.
        headers = {"Accept-Encoding": "identity"}
        if traffic_limit:
            headers["x-wos-traffic-limit"] = str(traffic_limit)
        if self.have:
            meta = json.loads(self.meta.read_text(encoding="utf-8"))
            headers["Range"] = f"bytes={self.have}-"
            # If-Range: the server sends the whole object instead when it changed since.
            headers["If-Range"] = str(meta["validator"])
        return headers

    def accept(self, response: httpx.Response) -> BinaryIO:
        """Check the answer's status and headers; the file to append the body to."""
        self.request_id = request_id_of(response)
        if response.status_code == 206 and self.have:
            match = _CONTENT_RANGE.fullmatch(response.headers.get("content-range", ""))
            if match is None or int(match[1]) != self.have:
                raise WcsIntegrityError(
                    f"download {self.url}: the server answered another range",
                    request_id=self.request_id,
                )
            self.total = None if match[3] == "*" else int(match[3])
            mode = "ab"
        elif response.status_code == 200:
            self.have = self.resumed_from = 0
            length = response.headers.get("content-length")
            encoded = "content-encoding" in response.headers
            self.total = int(length) if length is not None and not encoded else None
            mode = "wb"
        else:
            raise error_from_response(response, f"download {self.url}")
        self.announced_hash = wcs_hash(response.headers.get("etag"))
        validator = response.headers.get("etag") or response.headers.get("last-modified")
        self._save_meta(validator)
        return open_no_follow(self.partial, mode)

    def _save_meta(self, validator: str | None) -> None:
        if validator:
            text = json.dumps({"url": self.url, "validator": validator})
            with open_no_follow(self.meta, "wb") as meta:
                meta.write(text.encode("utf-8"))
        else:
            with contextlib.suppress(FileNotFoundError):
                self.meta.unlink()

    def write(self, out: BinaryIO, chunk: bytes, progress: ProgressTracker) -> None:
        out.write(chunk)
        self.have += len(chunk)
        progress.add(len(chunk))

    def _integrity_error(self, detail: str) -> WcsIntegrityError:
        return WcsIntegrityError(f"download {self.url}: {detail}", request_id=self.request_id)

    def _check_kept(self) -> None:
        """The file that will be renamed into place, read back: exactly the bytes this
        download wrote (nobody else's), and the server's hash when it sent one."""
        with open_no_follow(self.partial, "rb") as kept:
            size = os.fstat(kept.fileno()).st_size
            if size != self.have:
                raise self._integrity_error(
                    f"the partial file {self.partial.name} has {size} bytes, not the "
                    f"{self.have} downloaded: something else wrote to it"
                )
            if self.announced_hash is None:
                return
            hasher = EtagHasher()
            while data := kept.read(_HASH_READ):
                hasher.update(data)
        if hasher.etag() != self.announced_hash:
            raise self._integrity_error(
                f"the file's hash {hasher.etag()} differs from the server's {self.announced_hash}"
            )

    def finish(self) -> DownloadResult:
        """Size and hash of the file kept checked: rename into place. A mismatch
        deletes the partial file; a body cut short keeps it if it can be continued."""
        if self.total is not None and self.have != self.total:
            self.keep_if_resumable()
            raise self._integrity_error(f"the body ended after {self.have} of {self.total} bytes")
        try:
            self._check_kept()
        except WcsIntegrityError:
            self.discard()
            raise
        os.replace(self.partial, self.target)
        with contextlib.suppress(FileNotFoundError):
            self.meta.unlink()
        return DownloadResult(
            path=self.target,
            size=self.have,
            resumed_from=self.resumed_from,
            hash=self.announced_hash,
            request_id=self.request_id,
        )

    def keep_if_resumable(self) -> None:
        """After a failure: keep the partial file only if a later run can continue it."""
        if not self.can_continue:
            self.discard()

    def restart(self) -> None:
        """Drop the partial file and start from the first byte."""
        self.discard()
        self.have = self.resumed_from = 0
        self.sliced = False

    def discard(self) -> None:
        for path in (self.partial, self.meta):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()

    @property
    def can_continue(self) -> bool:
        """A cut connection can be continued from where it stopped."""
        return (self.have > 0 or self.sliced) and self.meta.exists()
