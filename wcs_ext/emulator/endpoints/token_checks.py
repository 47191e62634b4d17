"""Token checks exactly as WCS makes them (wcs-api.md §3).

Upload token ``AK:sign:encodedPolicy``: split from the right, look the AK up, recompute
the signature over the policy text *as received* (constant-time compare), then decode
the policy (its strings must be text) and check its deadline (ms). Management token
``AK:sign``: the signature covers ``path[?query]\\n`` + body, recomputed over the raw
request target as received and, failing that, over its percent-decoded form (what the
original SDK signed before its HTTP library re-quoted the URL).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Mapping
from urllib.parse import unquote_to_bytes

import attrs

from ...protocol.encoding import urlsafe_b64decode
from ...protocol.signing import PutPolicy
from ..clock import now_ms
from ..errors import unauthorized

__all__ = ["VerifiedUpload", "Verifier"]


@attrs.frozen
class VerifiedUpload:
    access_key: str
    policy: PutPolicy


def _signature_matches(secret_key: str, message: bytes, presented: str) -> bool:
    """``presented`` is ``b64u(hex digest)``; padded or not, both are accepted."""
    try:
        claimed = urlsafe_b64decode(presented)
    except ValueError:
        return False
    expected = hmac.new(secret_key.encode("utf-8"), message, hashlib.sha1).hexdigest()
    return hmac.compare_digest(claimed, expected.encode("ascii"))


def _all_text(policy: PutPolicy) -> bool:
    """Whether every string of the policy is text: JSON can spell a lone surrogate
    (``\\ud800``), which no encoder, SQLite included, takes."""
    try:
        for value in attrs.astuple(policy):
            if isinstance(value, str):
                value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Verifier:
    def __init__(
        self, credentials: Mapping[str, str], *, clock: Callable[[], int] = now_ms
    ) -> None:
        self._credentials = credentials
        self._clock = clock

    def secret_of(self, access_key: str) -> str | None:
        return self._credentials.get(access_key)

    def upload(self, token: str | None) -> VerifiedUpload:
        if not token:
            raise unauthorized("no upload token")
        parts = token.strip().rsplit(":", 2)
        if len(parts) != 3:
            raise unauthorized("bad token: expected AK:sign:policy")
        access_key, signature, encoded = parts
        secret_key = self._credentials.get(access_key)
        if secret_key is None:
            raise unauthorized("bad token: unknown access key")
        if not encoded.isascii() or not _signature_matches(
            secret_key, encoded.encode("ascii"), signature
        ):
            raise unauthorized("bad token: signature mismatch")
        try:
            policy = PutPolicy.decode(encoded)
        except ValueError as exc:
            raise unauthorized(f"bad token: {exc}") from None
        if not _all_text(policy):
            raise unauthorized("bad token: the policy holds text that is not valid Unicode")
        if policy.deadline < self._clock():
            raise unauthorized("token expired")
        return VerifiedUpload(access_key, policy)

    def management(
        self, authorization: str | None, raw_path: bytes, query: bytes, body: bytes
    ) -> str:
        """The access key of a correctly signed management request."""
        if not authorization:
            raise unauthorized("no Authorization header")
        access_key, sep, signature = authorization.strip().rpartition(":")
        if not sep:
            raise unauthorized("bad token: expected AK:sign")
        secret_key = self._credentials.get(access_key)
        if secret_key is None:
            raise unauthorized("bad token: unknown access key")
        as_received = raw_path + (b"?" + query if query else b"")
        decoded = unquote_to_bytes(raw_path) + (b"?" + unquote_to_bytes(query) if query else b"")
        for target in dict.fromkeys((as_received, decoded)):
            if _signature_matches(secret_key, target + b"\n" + body, signature):
                return access_key
        raise unauthorized("bad token: signature mismatch")
