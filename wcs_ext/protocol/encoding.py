"""Base64 and entry encoding exactly as WCS expects them.

WCS uses URL-safe Base64 *with* ``=`` padding, and those padded strings travel raw in
paths, query strings and form bodies. Keeping that in one module means the client, the
signer and the emulator can never disagree on a byte.
"""

from __future__ import annotations

import base64
import binascii
import re
from urllib.parse import quote

__all__ = ["entry", "key_path", "parse_entry", "urlsafe_b64decode", "urlsafe_b64encode"]

_URLSAFE_ALPHABET = re.compile(r"[A-Za-z0-9_-]*")


def urlsafe_b64encode(value: str | bytes) -> str:
    """URL-safe Base64 of ``value`` (text is UTF-8 encoded first), padding kept."""
    raw = value.encode("utf-8") if isinstance(value, str) else value
    return base64.urlsafe_b64encode(raw).decode("ascii")


def urlsafe_b64decode(value: str | bytes) -> bytes:
    """Decode URL-safe Base64, tolerating missing padding (other WCS SDKs strip it).

    Raises ``ValueError`` on anything that is not URL-safe Base64.
    """
    text = value.decode("ascii") if isinstance(value, bytes) else value
    stripped = text.rstrip("=")
    # b64decode(altchars=...) would also take "+" and "/": only the URL-safe alphabet here.
    if (
        len(text) - len(stripped) > 2
        or len(stripped) % 4 == 1
        or not _URLSAFE_ALPHABET.fullmatch(stripped)
    ):
        raise ValueError(f"not URL-safe Base64: {text[:40]!r}")
    try:
        return base64.b64decode(
            stripped + "=" * (-len(stripped) % 4), altchars=b"-_", validate=True
        )
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"not URL-safe Base64: {text[:40]!r}") from exc


def entry(bucket: str, key: str | None = None) -> str:
    """The ``EncodedEntryURI`` of an object: ``b64u("bucket:key")``, or ``b64u("bucket")``.

    An empty key still yields ``bucket:`` (as the original SDK does); only ``None`` omits it.
    """
    return urlsafe_b64encode(bucket if key is None else f"{bucket}:{key}")


def parse_entry(encoded: str) -> tuple[str, str | None]:
    """Inverse of :func:`entry`: ``(bucket, key)``; ``key`` is ``None`` when absent."""
    text = urlsafe_b64decode(encoded).decode("utf-8")
    bucket, sep, key = text.partition(":")
    return bucket, (key if sep else None)


def _path_segment(segment: str) -> str:
    if segment in (".", ".."):
        return segment.replace(".", "%2E")
    return quote(segment, safe="")


def key_path(key: str) -> str:
    """``key`` as the path of its download URL (after the domain, without the leading
    ``/``): percent-encoded segment by segment, ``/`` kept, and a ``.`` or ``..``
    segment encoded too, or an HTTP client would resolve it away and fetch another
    object."""
    return "/".join(_path_segment(part) for part in key.split("/"))
