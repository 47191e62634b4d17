"""``GET /``: a read-only HTML page of the buckets and their objects, with download links.

For people looking at what a test left behind. Keys are anyone's input, so every text
is HTML-escaped after characters that do not print (controls, bidi marks) are shown as
``\\xNN`` / ``\\uNNNN``, every link is built from percent-encoded parts only, and the page
forbids scripts outright (``Content-Security-Policy``) in case anything slipped through.
``?bucket=NAME`` shows one bucket, ``&after=KEY`` its objects after that key.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Final
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from ...protocol.encoding import key_path
from ..clock import format_time
from ..runtime import Runtime, runtime_of
from ..state.object_store import ObjectRecord
from .stats import STATS_PATH

__all__ = ["PAGE_SIZE", "routes"]

PAGE_SIZE: Final = 200
"""Objects shown per bucket; a link continues after the last one."""
_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
}
_STYLE: Final = (
    "body{font-family:sans-serif;margin:1.5em}table{border-collapse:collapse}"
    "td,th{padding:.2em .8em;text-align:left;border-bottom:1px solid #ddd}"
    "td.size{text-align:right}code{font-size:.9em}"
)


def shown(text: str) -> str:
    """``text`` safe to put into HTML, what does not print made visible."""
    visible = "".join(
        c if c.isprintable() else (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
        for c in text
    )
    return html.escape(visible, quote=True)


def _page_link(bucket: str, after: str | None = None) -> str:
    query = {"bucket": bucket}
    if after is not None:
        query["after"] = after
    return html.escape(f"/?{urlencode(query)}", quote=True)


def _object_rows(bucket: str, records: list[ObjectRecord]) -> Iterator[str]:
    for record in records:
        href = html.escape(f"/dl/{key_path(bucket)}/{key_path(record.key)}", quote=True)
        yield (
            f'<tr><td><a class="object" href="{href}">{shown(record.key)}</a></td>'
            f'<td class="size">{record.size}</td><td>{format_time(record.put_ms)}</td>'
            f"<td><code>{shown(record.hash)}</code></td></tr>"
        )


def _bucket_section(rt: Runtime, bucket: str, after: str) -> Iterator[str]:
    records, more = rt.objects.list_flat(bucket, "", after=after, limit=PAGE_SIZE)
    yield f'<section class="bucket"><h2><a href="{_page_link(bucket)}">{shown(bucket)}</a></h2>'
    if after:
        yield f"<p>objects after <code>{shown(after)}</code></p>"
    if records:
        yield "<table><tr><th>key</th><th>bytes</th><th>uploaded (UTC)</th><th>hash</th></tr>"
        yield from _object_rows(bucket, records)
        yield "</table>"
    else:
        yield "<p>no objects</p>"
    if more:
        yield f'<p><a class="more" href="{_page_link(bucket, records[-1].key)}">more</a></p>'
    yield "</section>"


def _render(rt: Runtime, bucket: str | None, after: str) -> str:
    names = [name for name, _ in rt.objects.buckets()]
    if bucket is not None:
        rt.objects.require_bucket(bucket)  # a 404 for a bucket that is not there
        names = [bucket]
    parts = [
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">',
        f"<title>WCS emulator</title><style>{_STYLE}</style></head><body>",
        f'<h1>WCS emulator</h1><p>Read-only. <a href="{STATS_PATH}">stats</a></p>',
    ]
    for name in names:
        parts.extend(_bucket_section(rt, name, after if bucket is not None else ""))
    parts.append("</body></html>")
    return "\n".join(parts)


async def browse(request: Request) -> Response:
    rt = runtime_of(request)
    bucket = request.query_params.get("bucket")
    after = request.query_params.get("after", "")
    page = await run_in_threadpool(_render, rt, bucket, after)
    return HTMLResponse(page, headers=_HEADERS)


def routes() -> list[Route]:
    return [Route("/", browse, methods=["GET"])]
