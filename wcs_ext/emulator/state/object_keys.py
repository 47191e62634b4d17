"""What an object key may be, and the MIME type an object gets from its key."""

from __future__ import annotations

import mimetypes
from typing import Final

from ..errors import bad_request

__all__ = ["MAX_KEY_BYTES", "check_key", "mime_type_for"]

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


def mime_type_for(key: str, given: str | None = None) -> str:
    """The MIME type given with the object, else the one its key's extension implies."""
    return given or mimetypes.guess_type(key)[0] or "application/octet-stream"
