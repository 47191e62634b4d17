"""Pure helpers of the filesystem: paths to bucket and key, fsspec info
dicts from listings and stats, and our errors as the ``OSError`` s fsspec expects."""

from __future__ import annotations

import base64
import contextlib
import errno
from collections.abc import Iterator
from typing import Any

from ..errors import WcsAuthError, WcsConflictError, WcsError, WcsNotFoundError
from ..models import ObjectInfo

__all__ = [
    "as_os_error",
    "bucket_entry",
    "checksum_of",
    "directory_entry",
    "file_entry",
    "os_errors",
    "split_path",
]

Info = dict[str, Any]


def split_path(path: str) -> tuple[str, str]:
    """``bucket/some/key`` → ``("bucket", "some/key")``; a bucket alone has key ``""``."""
    bucket, _, key = path.strip("/").partition("/")
    return bucket, key.rstrip("/")


def file_entry(bucket: str, item: ObjectInfo) -> Info:
    """An object's info: fsspec's ``name``/``size``/``type`` and what WCS tells of it."""
    return {
        "name": f"{bucket}/{item.key}",
        "size": item.size or 0,
        "type": "file",
        "etag": item.hash,
        "mime_type": item.mime_type,
        "created": item.put_time,
        "storage_class": item.storage_class,
    }


def directory_entry(bucket: str, prefix: str) -> Info:
    """A folder: a common prefix of keys (``a/b/``), which WCS has as no object."""
    return {"name": f"{bucket}/{prefix.rstrip('/')}", "size": 0, "type": "directory"}


def bucket_entry(name: str) -> Info:
    return {"name": name, "size": 0, "type": "directory"}


def checksum_of(etag: str) -> int:
    """The etag (21 bytes, URL-safe Base64) as the integer fsspec's ``checksum`` returns."""
    return int.from_bytes(base64.urlsafe_b64decode(etag + "=" * (-len(etag) % 4)), "big")


def as_os_error(exc: WcsError, path: str) -> Exception:
    """The exception fsspec and its callers expect for ``exc``: a missing object is
    ``FileNotFoundError``, a taken key ``FileExistsError``, a refused signature
    ``PermissionError``; anything else stays our own error. The message is ours (it
    names the object and the request id, never a secret)."""
    if isinstance(exc, WcsNotFoundError):
        return FileNotFoundError(errno.ENOENT, str(exc), path)
    if isinstance(exc, WcsConflictError):
        return FileExistsError(errno.EEXIST, str(exc), path)
    if isinstance(exc, WcsAuthError):
        return PermissionError(errno.EACCES, str(exc), path)
    return exc


@contextlib.contextmanager
def os_errors(path: str) -> Iterator[None]:
    """Raises what :func:`as_os_error` makes of a :class:`WcsError` inside the block."""
    try:
        yield
    except WcsError as exc:
        mapped = as_os_error(exc, path)
        if mapped is exc:
            raise
        raise mapped from exc
