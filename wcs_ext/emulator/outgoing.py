"""URLs the emulator is told to reach (upload callbacks, job notifications, fetches)
and the one it answers with (a form upload's ``returnUrl`` redirect).

They come from signed policies and job commands, so they can be anything. A URL to
reach is checked before any request is made: a malformed one is then the same clean
failure as an unreachable one, never an exception from deep in the HTTP client. A
redirect target is percent-encoded where a header cannot hold it raw.
"""

from __future__ import annotations

import httpx

from .errors import bad_request

__all__ = ["checked_url", "header_safe"]


def checked_url(url: str) -> httpx.URL:
    """``url`` parsed, if it is an absolute http(s) URL with a host and a valid port;
    otherwise a 400 saying so (each caller turns it into its own kind of failure)."""
    try:
        parsed = httpx.URL(url)
        valid = (
            parsed.scheme in ("http", "https")
            and bool(parsed.host)
            and (parsed.port is None or 0 < parsed.port < 65536)
        )
    except (httpx.InvalidURL, ValueError):
        valid = False
    if not valid:
        raise bad_request(f"not an http(s) URL: {url[:200]!r}")
    return parsed


def header_safe(url: str) -> str:
    """``url`` with what a header value cannot hold (controls, space, non-ASCII)
    percent-encoded as UTF-8: no header injection, no unencodable header."""
    return "".join(
        c if "!" <= c <= "~" else "".join(f"%{b:02X}" for b in c.encode("utf-8", "replace"))
        for c in url
    )
