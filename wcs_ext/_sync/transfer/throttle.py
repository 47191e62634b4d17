# Generated from wcs_ext/_async/transfer/throttle.py by `make generate` (unasync): do not edit.
# Change the async source and regenerate; `make test` fails when this file drifts.
"""Bytes through a transfer's controls (``transfer/controls.py``): taken from its
bandwidth bucket as they go, piece by piece, and stopped when its cancel signal is set.

Uploads send their request bodies through :class:`PacedStream` (every mkblk, bput,
mkfile and form upload of a controlled call); downloads :func:`take` what each read of
a response body brought, so the socket is read only as fast as the limit allows and
TCP slows the sender down. Waits are cut into short sleeps with a look at the signal
between them: a cancel is noticed within :data:`CANCEL_CHECK` seconds even at a low rate.
"""

from __future__ import annotations

from collections.abc import Iterator
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


def take(controls: TransferControls, size: int) -> None:
    """Wait until ``size`` bytes may go (or have come), and stop if cancelled."""
    controls.check()
    bandwidth = controls.bandwidth
    if bandwidth is None or size <= 0:
        return
    wait = bandwidth.reserve(size)
    while wait > 0:
        step = min(wait, CANCEL_CHECK)
        _io.sleep(step)
        wait -= step
        controls.check()


def paced(chunks: Iterator[bytes], controls: TransferControls) -> Iterator[bytes]:
    """A response body's reads, each taken from the bucket once it came (the next read
    waits: the socket fills, and TCP slows the sender to the limit)."""
    for chunk in chunks:
        take(controls, len(chunk))
        yield chunk


class PacedStream(httpx.SyncByteStream):
    """A request body handed out in pieces of at most the bucket's ``piece`` bytes,
    each taken from the bucket first: the bytes leave at the limit, not in a burst
    after a wait. A cancel raises between pieces, which abandons the request."""

    def __init__(self, inner: httpx.SyncByteStream, controls: TransferControls) -> None:
        self._inner = inner
        self._controls = controls
        bandwidth = controls.bandwidth
        self._piece = bandwidth.piece if bandwidth is not None else 64 * 1024

    def __iter__(self) -> Iterator[bytes]:
        for data in self._inner:
            view = memoryview(data)
            for start in range(0, len(view), self._piece):
                part = view[start : start + self._piece]
                take(self._controls, len(part))
                yield bytes(part)

    def close(self) -> None:
        self._inner.close()


def send_paced(http: httpx.Client, args: RequestArgs, controls: TransferControls) -> httpx.Response:
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
    assert isinstance(stream, httpx.SyncByteStream)  # bytes and forms are both kinds
    request.stream = PacedStream(stream, controls)
    if "auth" in args:  # an endpoint without security: no client-level signer
        return http.send(request, auth=args["auth"])
    return http.send(request)
