"""The Content-Type an upload sends: the one the call forces, else the one its key's
extension implies, else none (the server's default applies).

Guessing is the same on every machine. :func:`mimetypes.guess_type` also reads the host's
files (``/etc/mime.types``, the Windows registry), which give ``.ts`` as
``text/vnd.trolltech.linguist`` on one machine and ``.rs`` as an XML format on another,
and Python's own table has changed between versions (``.js`` was
``application/javascript`` until 3.12; ``.webp``, ``.woff2`` and ``.md`` are missing from
3.11's). So the key's extension is looked up in :data:`WEB_TYPES` first, then in Python's
built-in table alone (never the host's files).

Decisions in the map worth knowing:

* ``.ts`` is ``video/mp2t``: in a storage bucket behind a CDN, a ``.ts`` file is an HLS
  segment (its playlist is a ``.m3u8``); TypeScript sources are not served to browsers.
  Force ``content_type="text/plain"`` for those.
* ``.gz``, ``.tgz``, ``.bz2``, ``.xz``, ``.zst`` are the compressed file's own type. Python
  reads ``x.tar.gz`` as a tar file in gzip *encoding*, but the stored bytes are served
  with no ``Content-Encoding``, so ``application/x-tar`` would be a lie.
* ``application/octet-stream`` is never sent as a guess: it says nothing the server does
  not assume anyway, and without a type the server may know better.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from ..errors import WcsInputError
from ..protocol.media_types import DEFAULT_MEDIA_TYPE, MAX_MEDIA_TYPE_LENGTH, is_media_type

__all__ = [
    "WEB_TYPES",
    "check_content_type",
    "content_type_for",
    "content_type_problem",
    "guess_content_type",
]

WEB_TYPES: Final[Mapping[str, str]] = MappingProxyType(
    {
        # scripts: RFC 9239 made text/javascript the one type (Python < 3.12 says otherwise)
        ".js": "text/javascript",
        ".mjs": "text/javascript",
        ".cjs": "text/javascript",
        ".wasm": "application/wasm",
        ".json": "application/json",
        ".map": "application/json",  # source maps
        ".jsonld": "application/ld+json",
        ".geojson": "application/geo+json",
        ".webmanifest": "application/manifest+json",
        ".xml": "application/xml",  # RFC 7303; Python's table still says text/xml
        ".yaml": "application/yaml",  # RFC 9512
        ".yml": "application/yaml",
        ".md": "text/markdown",  # RFC 7763
        ".markdown": "text/markdown",
        # images
        ".svg": "image/svg+xml",
        ".webp": "image/webp",
        ".avif": "image/avif",
        ".apng": "image/apng",
        # fonts: RFC 8081
        ".woff": "font/woff",
        ".woff2": "font/woff2",
        ".ttf": "font/ttf",
        ".otf": "font/otf",
        # streaming: HLS and DASH
        ".m3u8": "application/vnd.apple.mpegurl",
        ".ts": "video/mp2t",
        ".mpd": "application/dash+xml",
        ".flac": "audio/flac",
        # compressed files, served as stored (no Content-Encoding)
        ".gz": "application/gzip",
        ".tgz": "application/gzip",
        ".bz2": "application/x-bzip2",
        ".xz": "application/x-xz",
        ".zst": "application/zstd",
    }
)
"""Web assets whose type Python gets wrong, leaves out, or takes from the host."""


@functools.cache
def _python_types() -> Mapping[str, str]:
    # A MimeTypes made without file names holds Python's built-in table only: the host's
    # files go into the module's own database, never into this one. Made once, on the
    # first guess, and never changed; imported here, so that a command line that only
    # checks a --content-type does not load it.
    import mimetypes  # noqa: PLC0415

    return MappingProxyType(dict(mimetypes.MimeTypes().types_map[True]))


def guess_content_type(name: str) -> str | None:
    """The type the extension of ``name`` (a key or a file name) implies, or None."""
    base = name.rpartition("/")[2]
    stem, dot, extension = base.rpartition(".")
    if not dot or not stem:  # no extension, or a dot file such as ".env"
        return None
    suffix = "." + extension.lower()
    guessed = WEB_TYPES.get(suffix) or _python_types().get(suffix)
    return None if guessed == DEFAULT_MEDIA_TYPE else guessed


def content_type_problem(value: str) -> str | None:
    """What is wrong with ``value`` as a type WCS can store and serve; None: nothing."""
    if is_media_type(value):
        return None
    return (
        f"{value!r} is not a MIME type: give type/subtype (e.g. text/html; charset=utf-8), "
        f"printable ASCII, at most {MAX_MEDIA_TYPE_LENGTH} characters"
    )


def check_content_type(value: object) -> str:
    """``value`` if it is a type WCS can store and serve, else :class:`WcsInputError`."""
    if not isinstance(value, str):
        raise WcsInputError(f"content_type must be a str, got {type(value).__name__}")
    problem = content_type_problem(value)
    if problem is not None:
        raise WcsInputError(f"content_type: {problem}")
    return value


def content_type_for(key: str, options: Mapping[str, object], *, guess: bool) -> str | None:
    """The type an upload of ``key`` sends: the ``content_type`` of ``options``, else
    (when guessing, as ``guess`` or the ``guess_mime_type`` of ``options`` says) the one
    :func:`guess_content_type` finds, else None: no type is sent."""
    forced = options.get("content_type")
    if forced is not None and forced != "":
        return check_content_type(forced)
    asked = options.get("guess_mime_type")
    if asked is not None and not isinstance(asked, bool):
        raise WcsInputError(f"guess_mime_type must be True, False or None, got {asked!r}")
    return guess_content_type(key) if (guess if asked is None else asked) else None
