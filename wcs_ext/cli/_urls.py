"""``wcs://BUCKET/KEY`` arguments, parsed strictly with one-line errors."""

from __future__ import annotations

from ..errors import WcsInputError

__all__ = ["parse_bucket", "parse_object", "parse_target"]

_SCHEME = "wcs://"


def _strip(text: str, expected: str) -> str:
    if not text.startswith(_SCHEME):
        raise WcsInputError(f"expected {expected}, got {text!r} (it must start with wcs://)")
    return text[len(_SCHEME) :]


def parse_target(text: str) -> tuple[str, str]:
    """``wcs://B/K`` -> (B, K); ``wcs://B`` and ``wcs://B/`` -> (B, "")."""
    rest = _strip(text, "wcs://BUCKET[/KEY]")
    bucket, _, key = rest.partition("/")
    if not bucket:
        raise WcsInputError(f"no bucket name in {text!r}: expected wcs://BUCKET[/KEY]")
    return bucket, key


def parse_object(text: str) -> tuple[str, str]:
    """``wcs://B/K`` with a non-empty key."""
    bucket, key = parse_target(text)
    if not key:
        raise WcsInputError(f"no object key in {text!r}: expected wcs://BUCKET/KEY")
    return bucket, key


def parse_bucket(text: str) -> str:
    """``wcs://B`` (a trailing ``/`` is allowed); a key is an error here."""
    bucket, key = parse_target(text)
    if key:
        raise WcsInputError(f"expected wcs://BUCKET without a key, got {text!r}")
    return bucket
