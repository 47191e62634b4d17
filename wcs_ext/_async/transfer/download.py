"""The download loop: stream a URL into a partial file, continue it after a cut, and
name it only once it checked out (the decisions live in ``transfer/partial_download.py``).

Two kinds of failure are tried again. One before the first byte of an answer (a 5xx or
429, a connection refused or dropped, a timeout) is retried as any request is, with the
client's retry policy: waits that grow, or the server's ``Retry-After``. One after some
bytes (a connection cut mid-body) is continued at once where it stopped, with ``Range``,
up to ``connection_retries`` times. A body that crawls (``low_speed_limit`` bytes a
second for ``low_speed_time`` seconds, ``transfer/low_speed.py``) is given up on: its
connection is dropped and, like a cut, continued on a new one, within the same count.

An object larger than ``download_parallel_threshold`` whose first answer offers byte
ranges goes on in slices over several connections (``slices.py``), and so does the rerun
of such a download. A slice answered by another version of the object (or by a server
that ignores ``Range`` after all) starts the download over, in one stream.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING

import httpx

from ... import transfer
from ..._responses import status_failure, transport_failure
from ...errors import WcsTimeoutError
from .slices import AsyncSlicedDownloads
from .throttle import paced

if TYPE_CHECKING:
    # Names for annotations; at run time these modules load on first use
    # (``transfer.record.BlockState``): a program that never transfers skips them.
    from ...transfer.controls import CancelSignal, RateOption, TransferControls
    from ...transfer.partial_download import DownloadResult, PartialDownload
    from ...transfer.progress import ProgressCallback, ProgressTracker

__all__ = ["AsyncDownloads"]


class AsyncDownloads(AsyncSlicedDownloads):
    """The download method of the client."""

    async def download(
        self,
        url: str,
        dest: str | os.PathLike[str],
        *,
        resume: bool = True,
        progress: ProgressCallback | None = None,
        limit_rate: RateOption = None,
        cancel: CancelSignal | None = None,
    ) -> DownloadResult:
        """Download ``url`` to ``dest``: written to a hidden ``.NAME.wcs-part`` file that a
        later call continues (``Range``), renamed once the size (and WCS hash) of the file
        kept check out.

        A failure before the first byte is retried with the client's retry policy; a
        connection cut mid-body is continued where it stopped (``connection_retries``).
        So is a body slower than ``low_speed_limit`` bytes a second for
        ``low_speed_time`` seconds; when it cannot be continued, or is still that slow
        after ``connection_retries`` new connections, it ends in a
        :class:`~wcs_ext.errors.WcsTimeoutError`. Another download to
        ``dest`` running at the same time is a :class:`~wcs_ext.errors.WcsInputError`.

        An object larger than ``download_parallel_threshold`` bytes, from a server that
        offers byte ranges, is fetched in slices of ``download_slice_size`` bytes,
        ``concurrency`` at once, each retried and continued as above on its own; a later
        call fetches only the 4 MiB pieces the earlier one did not finish.

        ``limit_rate=`` (``"2M"``, bytes a second; 0: none; default: the ``limit_rate``
        setting, or a :class:`~wcs_ext.BandwidthLimit` shared with other calls) holds
        every slice together to that rate. ``cancel=``, a ``threading.Event``,
        once set from any thread, stops the download within a second with
        :class:`~wcs_ext.errors.WcsCancelledError`: ``dest`` is not written, the
        partial file stays for a rerun.
        """
        controls = self._controls(limit_rate, cancel)
        threshold = self._transfer_config.download_parallel_threshold
        with transfer.partial_download.PartialDownload(url, dest, resume=resume) as partial:
            tracker = transfer.progress.ProgressTracker(progress, None, done=partial.have)
            sliced = transfer.sliced_partial.SlicedPartial.resume(partial) if resume else None
            if sliced is not None:
                try:
                    return await self._download_in_slices(sliced, tracker, None, controls)
                except transfer.sliced_partial.ObjectChanged:
                    partial.restart()
                    threshold = 0  # in one stream from now on: see the module
            return await self._download_stream(partial, tracker, threshold, controls)

    async def _download_stream(
        self,
        partial: PartialDownload,
        tracker: ProgressTracker,
        threshold: int,
        controls: TransferControls,
    ) -> DownloadResult:
        """The loop of the module; on to slices when the first answer allows them."""
        what = f"download {partial.url}"
        config = self._transfer_config
        retries_taken = 0  # before a first byte, with the retry policy
        continued = 0  # after a cut mid-body, with Range
        while True:
            headers = partial.request_headers(config.traffic_limit)
            received = 0
            asked_at = time.monotonic()
            try:
                async with self._download_http(partial.url).stream(
                    "GET", partial.url, headers=headers
                ) as response:
                    if response.status_code == 416 and partial.have:
                        partial.restart()  # the kept bytes do not fit the object any more
                        continue
                    if response.status_code not in (200, 206):
                        await response.aread()
                        failure = status_failure(response, what, idempotent=True)
                        await self._wait_to_retry(failure, self._retry, retries_taken, controls)
                        retries_taken += 1
                        continue
                    size = (
                        None
                        if partial.have
                        else transfer.download_slices.sliced_size(response, threshold)
                    )
                    if size is not None:
                        answered_in = time.monotonic() - asked_at  # the headers' round trip
                        result = await self._slices_from(
                            partial, response, size, tracker, answered_in, controls
                        )
                        if result is not None:
                            return result
                        threshold = 0  # the object changed: in one stream from now on
                        continue
                    guard = transfer.low_speed.LowSpeedGuard(
                        what,
                        limit=controls.speed_floor(self.config.low_speed_limit, 1),
                        period=self.config.low_speed_time,
                    )
                    with partial.accept(response) as out:
                        tracker.add(partial.have - tracker.done)  # 200: starting over
                        if partial.total is not None:
                            tracker.set_total(partial.total)
                        # Read no faster than the limit; a cancel stops between reads.
                        async for chunk in paced(response.aiter_bytes(), controls):
                            partial.write(out, chunk, tracker)
                            received += len(chunk)
                            guard.add(len(chunk))
                return partial.finish()
            except httpx.HTTPError as exc:
                if not received:
                    failure = transport_failure(exc, what, idempotent=True)
                    await self._wait_to_retry(failure, self._retry, retries_taken, controls)
                    retries_taken += 1
                    continue
                continued += 1
                if not partial.can_continue or continued > config.download_retries:
                    raise transport_failure(exc, what, idempotent=True).error from exc
            except WcsTimeoutError:
                # The speed floor gave up on this connection, not on the object: like a
                # cut, it is continued where it stopped (a new connection may not crawl),
                # as many times; a server that always crawls still ends it. Slices had
                # their own such retries: theirs is final.
                continued += 1
                final = not partial.can_continue or continued > config.download_retries
                if final or partial.sliced:
                    raise

    async def _slices_from(
        self,
        partial: PartialDownload,
        response: httpx.Response,
        size: int,
        tracker: ProgressTracker,
        answered_in: float,
        controls: TransferControls,
    ) -> DownloadResult | None:
        """The download in slices, its first one from ``response`` (whose headers came
        ``answered_in`` seconds after it was asked for); None when a slice found the
        object changed (everything kept is dropped)."""
        try:
            sliced = transfer.sliced_partial.SlicedPartial.start(partial, response, size)
            return await self._download_in_slices(sliced, tracker, response, controls, answered_in)
        except transfer.sliced_partial.ObjectChanged:
            partial.restart()
            return None
