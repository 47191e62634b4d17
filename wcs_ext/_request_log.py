"""One line per HTTP exchange, for ``-v``: method, URL, status and request id, with
every secret masked (pure: the clients' response hooks log it).

An ``Authorization`` header (a management signature or an upload token) shows as
``****``; so do the values of query parameters that name a token, a signature or a key
(a private download URL's ``wsSecret``, ``token``, ``sign``, ...) and a URL's password.
Bodies (chunks, form fields holding the upload token) are never logged.
"""

from __future__ import annotations

import logging
import re

import httpx

__all__ = ["MASK", "exchange_line", "masked_url", "request_log"]

request_log = logging.getLogger("wcs_ext.http")
MASK = "****"
_SECRET_NAME = re.compile(r"token|sign|secret|key|auth|pass|credential", re.IGNORECASE)


def masked_url(url: httpx.URL) -> str:
    """``url`` as text, the values of secret-looking query parameters and any password
    replaced by ``****``."""
    if url.password:
        url = url.copy_with(password=MASK)
    if not url.query:
        return str(url)
    pairs = [
        (name, MASK if _SECRET_NAME.search(name) else value)
        for name, value in url.params.multi_items()
    ]
    # Rebuilt by hand: httpx would percent-encode the mask's asterisks.
    query = "&".join(f"{name}={value}" for name, value in pairs)
    return str(url).partition("?")[0] + "?" + query


def exchange_line(response: httpx.Response) -> str:
    """``POST http://host/mkblk/4194304/0 [auth ****] -> 200 (request id 1f2e)``."""
    request = response.request
    auth = f" [auth {MASK}]" if "authorization" in request.headers else ""
    request_id = response.headers.get("x-reqid")
    answer = str(response.status_code)
    if request_id:
        answer += f" (request id {request_id})"
    return f"{request.method} {masked_url(request.url)}{auth} -> {answer}"
