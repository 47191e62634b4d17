"""The download address of an object: the ``download_url`` setting and its key.

A bucket's download domain serves its objects at ``/<key>``; the setting may name the
bucket with ``{bucket}`` (a domain per bucket, or the emulator's ``/dl/{bucket}``); the
key is encoded as ``protocol.encoding.key_path`` says (the emulator's page links the same).
"""

from __future__ import annotations

from urllib.parse import quote

from ..config import WcsConfig
from ..protocol.encoding import key_path

__all__ = ["BUCKET_PLACEHOLDER", "object_url"]

BUCKET_PLACEHOLDER = "{bucket}"


def object_url(config: WcsConfig, bucket: str, key: str) -> str:
    """The URL ``get`` fetches ``bucket``/``key`` from; a
    :class:`~wcs_ext.errors.WcsConfigError` naming the setting when it is not set."""
    base = config.download_base_url.replace(BUCKET_PLACEHOLDER, quote(bucket, safe=""))
    return f"{base}/{key_path(key)}"
