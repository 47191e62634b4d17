"""Credentials, the upload policy and token, and the management signature.

Upload token: ``AK:b64u(hex(HMAC-SHA1(SK, encodedPolicy))):encodedPolicy`` where
``encodedPolicy`` is the padded URL-safe Base64 of the policy JSON. Management token:
``AK:b64u(hex(HMAC-SHA1(SK, signingStr)))`` over ``path[?query]`` + ``\\n`` + body.
Both sign the *hex text* of the digest, not the raw digest: that is what WCS checks.

Pure functions of the protocol, shared by the client (``wcs_ext.auth`` signs each request
with them) and the emulator (which checks what it receives against them).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Mapping
from typing import Any

import attrs

from .encoding import urlsafe_b64decode, urlsafe_b64encode

__all__ = [
    "DEFAULT_TOKEN_LIFETIME",
    "Credentials",
    "PutPolicy",
    "management_token",
    "sign",
    "upload_token",
]

DEFAULT_TOKEN_LIFETIME = 7200
"""Seconds an upload token stays valid unless configured otherwise (the original's default)."""


@attrs.frozen(kw_only=True)
class Credentials:
    """An access key and its secret. The secret never appears in ``repr``."""

    access_key: str
    secret_key: str = attrs.field(repr=False)

    def __attrs_post_init__(self) -> None:
        if not self.access_key or not self.secret_key:
            raise ValueError("access key and secret key must both be non-empty")


def sign(secret_key: str, message: bytes) -> str:
    """``b64u`` of the lowercase hex HMAC-SHA1 of ``message``: the signature WCS checks."""
    digest = hmac.new(secret_key.encode("utf-8"), message, hashlib.sha1).hexdigest()
    return urlsafe_b64encode(digest)


# JSON name -> attribute name, in the order the policy JSON is written. Signatures cover
# the exact JSON text, so the order is fixed: scope and deadline first (as the original's
# Auth.uploadtoken keeps a caller's policy), then the optional fields.
_POLICY_FIELDS: tuple[tuple[str, str], ...] = (
    ("scope", "scope"),
    ("deadline", "deadline"),
    ("overwrite", "overwrite"),
    ("saveKey", "save_key"),
    ("fsizeLimit", "fsize_limit"),
    ("returnUrl", "return_url"),
    ("returnBody", "return_body"),
    ("callbackUrl", "callback_url"),
    ("callbackBody", "callback_body"),
    ("persistentOps", "persistent_ops"),
    ("persistentNotifyUrl", "persistent_notify_url"),
    ("separate", "separate"),
    ("contentDetect", "content_detect"),
    ("detectNotifyURL", "detect_notify_url"),
    ("detectNotifyRule", "detect_notify_rule"),
    ("hashAlgorithm", "hash_algorithm"),
    ("instant", "instant"),
)
_INT_FIELDS = frozenset({"deadline", "overwrite", "fsize_limit", "separate", "instant"})


def _optional_flag(value: int | None) -> int | None:
    if value is not None and value not in (0, 1):
        raise ValueError(f"must be 0 or 1, got {value!r}")
    return value


@attrs.frozen(kw_only=True)
class PutPolicy:
    """The upload policy ("putPolicy") WCS checks on every upload request.

    ``deadline`` is the absolute expiry in **milliseconds** since the epoch; use
    :meth:`for_object` to derive it from a lifetime in seconds. ``None`` fields are left
    out of the JSON.
    """

    scope: str
    deadline: int
    overwrite: int | None = attrs.field(default=None, converter=_optional_flag)
    save_key: str | None = None
    fsize_limit: int | None = None
    return_url: str | None = None
    return_body: str | None = None
    callback_url: str | None = None
    callback_body: str | None = None
    persistent_ops: str | None = None
    persistent_notify_url: str | None = None
    separate: int | None = attrs.field(default=None, converter=_optional_flag)
    content_detect: str | None = None
    detect_notify_url: str | None = None
    detect_notify_rule: str | None = None
    hash_algorithm: str | None = None
    instant: int | None = None

    @classmethod
    def for_object(
        cls,
        bucket: str,
        key: str | None = None,
        *,
        lifetime: int = DEFAULT_TOKEN_LIFETIME,
        now: float | None = None,
        **options: Any,
    ) -> PutPolicy:
        """A policy scoped to ``bucket:key`` (or the whole bucket) valid ``lifetime`` s."""
        if lifetime <= 0:
            raise ValueError(f"token lifetime must be positive, got {lifetime}")
        issued = int(time.time() if now is None else now)
        scope = bucket if key is None else f"{bucket}:{key}"
        return cls(scope=scope, deadline=(issued + lifetime) * 1000, **options)

    @property
    def bucket(self) -> str:
        return self.scope.partition(":")[0]

    @property
    def key(self) -> str | None:
        """The key the policy is scoped to; ``None`` for a bucket-wide policy."""
        _, sep, key = self.scope.partition(":")
        return key if sep else None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for json_name, attr in _POLICY_FIELDS:
            value = getattr(self, attr)
            if value is not None:
                out[json_name] = value
        return out

    def to_json(self) -> str:
        # Python's default separators (", " and ": ") and \\uXXXX escapes: the same text
        # every other WCS SDK signs, so our tokens reproduce theirs byte for byte.
        return json.dumps(self.to_dict())

    def encode(self) -> str:
        return urlsafe_b64encode(self.to_json())

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PutPolicy:
        """Build from policy JSON fields; unknown fields are ignored, wrong types raise."""
        kwargs: dict[str, Any] = {}
        for json_name, attr in _POLICY_FIELDS:
            if json_name not in data or data[json_name] is None:
                continue
            value = data[json_name]
            if attr in _INT_FIELDS:
                if isinstance(value, bool) or not isinstance(value, int):
                    raise ValueError(f"policy field {json_name} must be an integer")
            elif not isinstance(value, str):
                raise ValueError(f"policy field {json_name} must be a string")
            kwargs[attr] = value
        if "scope" not in kwargs or "deadline" not in kwargs:
            raise ValueError("policy needs scope and deadline")
        return cls(**kwargs)

    @classmethod
    def decode(cls, encoded: str) -> PutPolicy:
        """Parse the Base64 policy part of an upload token."""
        try:
            data = json.loads(urlsafe_b64decode(encoded))
        except ValueError as exc:
            raise ValueError("upload policy is not Base64 JSON") from exc
        if not isinstance(data, dict):
            raise ValueError("upload policy is not a JSON object")
        return cls.from_dict(data)


def upload_token(credentials: Credentials, policy: PutPolicy) -> str:
    """The upload token for ``policy``: ``AK:sign:encodedPolicy``."""
    encoded = policy.encode()
    signature = sign(credentials.secret_key, encoded.encode("ascii"))
    return f"{credentials.access_key}:{signature}:{encoded}"


def management_token(
    credentials: Credentials, path_and_query: str | bytes, body: str | bytes = b""
) -> str:
    """The management token for a request target (``/path`` or ``/path?query``) and body.

    An empty body counts as no body; both cases sign ``target + "\\n" + body``.
    """
    target = path_and_query.encode("utf-8") if isinstance(path_and_query, str) else path_and_query
    payload = body.encode("utf-8") if isinstance(body, str) else body
    signature = sign(credentials.secret_key, target + b"\n" + payload)
    return f"{credentials.access_key}:{signature}"
