"""The download address of an object: the ``download_url`` setting and its key.

A bucket's download domain serves its objects at ``/<key>``; the setting may name the
bucket with ``{bucket}`` (a domain per bucket, or the emulator's ``/dl/{bucket}``). The
key is percent-encoded segment by segment, ``/`` kept, and a ``.`` or ``..`` segment is
encoded too: an HTTP client would otherwise resolve it away and fetch another object.
"""

from __future__ import annotations

from urllib.parse import quote

from ..config import WcsConfig

__all__ = ["BUCKET_PLACEHOLDER", "object_url"]

BUCKET_PLACEHOLDER = "{bucket}"


def _segment(segment: str) -> str:
    if segment in (".", ".."):
        return segment.replace(".", "%2E")
    return quote(segment, safe="")


def object_url(config: WcsConfig, bucket: str, key: str) -> str:
    """The URL ``get`` fetches ``bucket``/``key`` from; a
    :class:`~wcs_ext.errors.WcsConfigError` naming the setting when it is not set."""
    base = config.download_base_url.replace(BUCKET_PLACEHOLDER, quote(bucket, safe=""))
    return f"{base}/{'/'.join(_segment(part) for part in key.split('/'))}"
