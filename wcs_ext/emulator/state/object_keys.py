"""What an object key may be, and the MIME type an upload stores."""

from __future__ import annotations

from typing import Final

from ...protocol.media_types import DEFAULT_MEDIA_TYPE, is_media_type
from ..errors import bad_request

__all__ = ["MAX_KEY_BYTES", "check_key", "fetched_mime_type", "stored_mime_type"]

MAX_KEY_BYTES: Final = 1000


def check_key(key: str) -> str:
    """The docs' key rules: 1..1000 bytes of UTF-8, no leading or trailing ``/``, no
    ``/../`` or ``/./`` segment. Keys never name files here, so nothing else matters."""
    if not key:
        raise bad_request("key must not be empty")
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise bad_request(f"key is longer than {MAX_KEY_BYTES} bytes")
    if key.startswith("/") or key.endswith("/"):
        raise bad_request("key must not start or end with '/'")
    if "/../" in key or "/./" in key:
        raise bad_request("key must not contain '/../' or '/./'")
    return key


def stored_mime_type(given: str | None) -> str:
    """The MIME type an upload gave (its form's ``mimeType``, mkfile's ``/mimeType/``),
    checked, since every download sends it as a header; without one,
    ``application/octet-stream``. The key's extension is not looked at: WCS's docs do not
    say that the server guesses, and a guess here would depend on this machine's
    ``/etc/mime.types``; so a client that sends no type sees that it sent none."""
    if not given:
        return DEFAULT_MEDIA_TYPE
    if not is_media_type(given):
        raise bad_request(f"mimeType must be type/subtype, printable ASCII: {given!r}")
    return given


def fetched_mime_type(answered: str | None) -> str:
    """The type a fetch job stores: the fetched answer's Content-Type, or its type
    without parameters, when a header can carry it (any server may answer anything);
    else ``application/octet-stream``."""
    whole = (answered or "").strip()
    for candidate in (whole, whole.split(";")[0].strip()):
        if candidate and is_media_type(candidate):
            return candidate
    return DEFAULT_MEDIA_TYPE
