"""Keys under a prefix and the local paths they stand for.

Local to remote, a file's path relative to the source root, ``/`` separated, follows the
prefix: ``photos/`` + ``2026/cat.jpg``. Remote to local, each ``/``-separated component
of the key below the prefix goes through the one safe-name rule
(:func:`~wcs_ext.transfer.local_names.safe_name`): a key with an empty, ``.`` or ``..``
component makes no local path and is left out with a warning, so no key can reach
outside the target directory. Keys ending in ``/`` are folder markers: not files.
"""

from __future__ import annotations

from ..errors import WcsInputError
from ..transfer.local_names import safe_name

__all__ = ["MAX_KEY_BYTES", "is_folder_marker", "key_of", "local_rel", "prefix_of", "rel_of"]

MAX_KEY_BYTES = 1000
"""WCS keys are at most 1000 bytes of UTF-8 (wcs-api.md §5.1)."""


def prefix_of(key_part: str) -> str:
    """The prefix of ``wcs://B/PREFIX``: a folder, so ``photos`` and ``photos/`` are both
    ``photos/``; nothing is the whole bucket."""
    if not key_part:
        return ""
    return key_part if key_part.endswith("/") else key_part + "/"


def key_of(prefix: str, rel: str) -> str:
    """The key of a local file; a :class:`WcsInputError` when WCS cannot store it."""
    try:
        size = len((prefix + rel).encode("utf-8"))
    except UnicodeEncodeError:
        raise WcsInputError("its name is not UTF-8 text") from None
    if size > MAX_KEY_BYTES:
        raise WcsInputError(f"its key would be {size} bytes (WCS takes {MAX_KEY_BYTES} at most)")
    return prefix + rel


def rel_of(prefix: str, key: str) -> str:
    """The part of ``key`` below ``prefix`` (the listing asked for that prefix)."""
    return key[len(prefix) :] if key.startswith(prefix) else key


def is_folder_marker(rel: str) -> bool:
    return rel == "" or rel.endswith("/")


def local_rel(rel: str) -> str:
    """The local path (relative, ``/`` separated) of a key's part below the prefix, each
    component made safe; a :class:`WcsInputError` for a key that makes none."""
    parts = rel.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise WcsInputError(f"the key {rel!r} has an empty, '.' or '..' component")
    return "/".join(safe_name(part) for part in parts)
