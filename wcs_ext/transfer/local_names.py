"""The one rule for local names made of remote data: a key, a URL's last component or a
name a server sent becomes a single safe file-name component, and a path made of such
a name stays inside the directory it was joined under.

A safe name is never empty, ``.`` or ``..``; it has no separator (``/`` and ``\\``
become ``_``), no NUL, control character, line or paragraph separator, or bidirectional
override (each becomes ``_``: a name must not rewrite the terminal it is shown on, nor
read backwards); it is at most :data:`MAX_NAME_BYTES` bytes of UTF-8 (a longer one is
cut, keeping a short extension); and it does not end like the hidden files a download
keeps beside its target (``.wcs-part``...).
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..errors import WcsInputError

__all__ = ["MAX_NAME_BYTES", "name_from_url", "path_inside", "safe_name"]

MAX_NAME_BYTES = 200
"""File systems allow 255 bytes per name; a download's hidden partial file adds 15."""

_MAX_EXTENSION = 16
_RESERVED_ENDINGS = (".wcs-part", ".wcs-part.json", ".wcs-part.lock")
_SEPARATORS = frozenset("/\\")
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)
# Cc: C0 and C1 controls (NUL, ESC, CSI, newline, ...); Cs: lone surrogates (an
# undecodable byte of a command line); Zl, Zp: line and paragraph separators.
_UNSAFE_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})


def _safe_char(char: str) -> str:
    if char in _SEPARATORS or char in _BIDI_CONTROLS:
        return "_"
    return "_" if unicodedata.category(char) in _UNSAFE_CATEGORIES else char


def _cut(name: str, limit: int) -> str:
    """``name`` in at most ``limit`` bytes of UTF-8, cut between characters."""
    return name.encode("utf-8")[:limit].decode("utf-8", "ignore")


def _bounded(name: str) -> str:
    if len(name.encode("utf-8")) <= MAX_NAME_BYTES:
        return name
    stem, dot, extension = name.rpartition(".")
    if dot and stem and len(extension) < _MAX_EXTENSION:
        suffix = dot + extension
        return _cut(stem, MAX_NAME_BYTES - len(suffix.encode("utf-8"))) + suffix
    return _cut(name, MAX_NAME_BYTES)


def safe_name(remote: str) -> str:
    """``remote`` as one safe file-name component (see the module); a
    :class:`~wcs_ext.errors.WcsInputError` when it makes none."""
    name = _bounded("".join(_safe_char(char) for char in remote))
    if not name.strip() or name in (".", "..") or name.endswith(_RESERVED_ENDINGS):
        raise WcsInputError(f"{remote!r} is not a safe file name")
    return name


def name_from_url(url: str) -> str:
    """The file name ``get URL`` saves to: the last component of the URL's decoded
    path (query and fragment left out), made safe. Decoding comes first, so an encoded
    separator (``..%2Fx``) separates, and only what follows the last one is the name."""
    path = unquote(urlsplit(url).path, errors="replace")
    last = path.rstrip("/").rpartition("/")[2]
    try:
        return safe_name(last)
    except WcsInputError:
        raise WcsInputError(f"cannot name a file after {url!r}: give FILENAME") from None


def path_inside(directory: str | os.PathLike[str], name: str) -> Path:
    """``directory / name``, for a ``name`` that is already safe (:func:`safe_name`);
    checked to be a direct child of ``directory``, whatever ``name`` holds."""
    if safe_name(name) != name:
        raise WcsInputError(f"{name!r} is not a safe file name")
    base = Path(directory)
    joined = base / name
    inside = os.path.normpath(joined.parent) == os.path.normpath(base) and joined.name == name
    if not inside:  # pragma: no cover  (a safe name cannot get here; the check stays)
        raise WcsInputError(f"{name!r} is not a safe file name")
    return joined
