"""Bytes through a transfer's controls (``transfer/controls.py``): taken from its
bandwidth bucket as they go, piece by piece, and stopped when its cancel signal is set.

Uploads send their request bodies through :class:`PacedStream` (every mkblk, bput,
mkfile and form upload of a controlled call); downloads :func:`take` what each read of
a response body brought, so the socket is read only as fast as the limit allows and
TCP slows the sender down. Waits are cut into short sleeps with a look at the signal
between them: a cancel is noticed within :data:`CANCEL_CHECK` seconds even at a low rate.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import httpx

from wcs_client.types import RequestArgs

from .. import _io

if TYPE_CHECKING:
    # Names for annotations; at run time these modules load on first use
    # (``transfer.record.BlockState``): a program that never transfers skips them.
    from ...transfer.controls import TransferControls

__all__ = ["CANCEL_CHECK", "PacedStream", "paced", "send_paced", "take"]

CANCEL_CHECK = 0.1
"""The longest sleep between two looks at the cancel signal (s)."""


async def take(controls: TransferControls, size: int) -> None:
    """Wait until ``size`` bytes may go (or have come), and stop if cancelled."""
    controls.check()
    bandwidth = controls.bandwidth
    if bandwidth is None or size <= 0:
        return
    wait = bandwidth.reserve(size)
    while wait > 0:
        step = min(wait, CANCEL_CHECK)
        await _io.sleep(step)
        wait -= step
        controls.check()


async def paced(chunks: AsyncIterator[bytes], controls: TransferControls) -> AsyncIterator[bytes]:
    """A response body's reads, each taken from the bucket once it came (the next read
    waits: the socket fills, and TCP slows the sender to the limit)."""
    async for chunk in chunks:
        await take(controls, len(chunk))
        yield chunk


class PacedStream(httpx.AsyncByteStream):
    """A request body handed out in pieces of at most the bucket's ``piece`` bytes,
    each taken from the bucket first: the bytes leave at the limit, not in a burst
    after a wait. A cancel raises between pieces, which abandons the request."""

    def __init__(self, inner: httpx.AsyncByteStream, controls: TransferControls) -> None:
        self._inner = inner
        self._controls = controls
        bandwidth = controls.bandwidth
        self._piece = bandwidth.piece if bandwidth is not None else 64 * 1024

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for data in self._inner:
            view = memoryview(data)
            for start in range(0, len(view), self._piece):
                part = view[start : start + self._piece]
                await take(self._controls, len(part))
                yield bytes(part)

    async def aclose(self) -> None:
        await self._inner.aclose()


async def send_paced(
    http: httpx.AsyncClient, args: RequestArgs, controls: TransferControls
) -> httpx.Response:
    """``http.request(**args)`` with its body through ``controls``. The request is
    built anew for each attempt (a retry reads its body again from the start)."""
    request = http.build_request(
        args["method"],
        args["url"],
        headers=args.get("headers"),
        content=args.get("content"),
        files=args.get("files"),
    )
    stream = request.stream
    assert isinstance(stream, httpx.AsyncByteStream)  # bytes and forms are both kinds
    request.stream = PacedStream(stream, controls)
    if "auth" in args:  # an endpoint without security: no client-level signer
        return await http.send(request, auth=args["auth"])
    return await http.send(request)
