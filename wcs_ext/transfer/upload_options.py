"""The upload-policy options of one call (``upload_file(..., return_body=...)``), and
what they change in a policy. Pure and cheap to import: the command line builds them
before any client exists."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypedDict

from ..errors import WcsInputError

__all__ = ["UploadOptions", "lifetime_of", "policy_changes"]


class UploadOptions(TypedDict, total=False):
    """Upload-policy options of one call, overriding the configuration's for that call.

    Named as :class:`~wcs_ext.protocol.signing.PutPolicy`'s fields (``return_body`` is
    the policy's ``returnBody``, ...). An empty string or 0 turns a configured option
    off for the call; ``None`` (or leaving it out) keeps the configured one; True is 1.
    ``deadline`` is the token's lifetime in seconds, as the ``deadline`` setting.

    ``content_type`` and ``guess_mime_type`` are not policy fields either: the type
    travels with the upload (the form's ``mimeType`` field, mkfile's ``/mimeType/``
    segment). ``content_type`` is the MIME type stored with the object and served with
    it, whatever the key says; ``guess_mime_type`` (default: the ``guess_mime_type``
    setting, on) takes the type from the key's extension when none is forced
    (``wcs_ext/transfer/content_types.py``), False sends none.
    """

    overwrite: int | None
    return_url: str | None
    return_body: str | None
    callback_url: str | None
    callback_body: str | None
    persistent_ops: str | None
    persistent_notify_url: str | None
    separate: int | None
    content_detect: str | None
    detect_notify_url: str | None
    detect_notify_rule: str | None
    hash_algorithm: str | None
    save_key: str | None
    fsize_limit: int | None
    deadline: int | None
    content_type: str | None
    guess_mime_type: bool | None


_OPTION_NAMES = frozenset(UploadOptions.__annotations__)
_NOT_IN_THE_POLICY = frozenset({"deadline", "content_type", "guess_mime_type"})


def policy_changes(options: Mapping[str, object]) -> dict[str, Any]:
    """The PutPolicy fields ``options`` set: None keeps, "" or 0 clears, True is 1."""
    unknown = sorted(set(options) - _OPTION_NAMES)
    if unknown:
        raise WcsInputError(f"unknown upload-policy option(s): {', '.join(unknown)}")
    changes: dict[str, Any] = {}
    for name, value in options.items():
        if name in _NOT_IN_THE_POLICY or value is None:
            continue
        given = int(value) if isinstance(value, bool) else value
        changes[name] = given if given not in ("", 0) else None
    return changes


def lifetime_of(options: Mapping[str, object]) -> int | None:
    """The token lifetime (s) ``options`` ask for, if any."""
    lifetime = options.get("deadline")
    if lifetime is None:
        return None
    if isinstance(lifetime, bool) or not isinstance(lifetime, int) or lifetime <= 0:
        raise WcsInputError(
            f"deadline (token lifetime, s) must be a positive integer: {lifetime!r}"
        )
    return lifetime
