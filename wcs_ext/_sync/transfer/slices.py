# Generated from wcs_ext/_async/transfer/slices.py by `make generate` (unasync): do not edit.
# Change the async source and regenerate; `make test` fails when this file drifts.
"""A large object over several connections: slices fetched side by side with ``Range``,
each written in place into the partial file and hashed piece by piece as it arrives
(the decisions live in ``transfer/download_slices.py`` and ``transfer/sliced_partial.py``).

The first answer (a whole ``200``, asked for before the size was known) is not wasted:
it carries the first slice, and is closed once that slice is in. The other slices go
``concurrency`` at once at first, more while the throughput grows (up to
``max_concurrency``), through the client's :class:`RequestLimit` (a storm of 503s
lowers how many are in flight) and its retry budget. Each slice is retried on its own
as one download in one stream is: a failure before its first byte with the retry
policy, a cut after some bytes (or a crawling connection, ``low_speed_limit``)
continued at once with a narrower ``Range``, up to ``connection_retries`` times.
The first slice that fails for good stops the others; what they wrote stays for a rerun.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import httpx

from ... import transfer
from ..._responses import Failure, status_failure, transport_failure
from ...errors import WcsTimeoutError
from .._io import FileWriter, WorkerPool
from ..client_core import SyncClientCore
from .throttle import take

if TYPE_CHECKING:
    # Names for annotations; at run time these modules load on first use
    # (``transfer.record.BlockState``): a program that never transfers skips them.
    from ...transfer.controls import TransferControls
    from ...transfer.download_slices import Slice, SliceCursor
    from ...transfer.partial_download import DownloadResult
    from ...transfer.progress import ProgressTracker
    from ...transfer.sliced_partial import SlicedPartial

__all__ = ["SyncSlicedDownloads"]


class SyncSlicedDownloads(SyncClientCore):
    """Downloads in slices; :meth:`download` decides when."""

    def _download_in_slices(
        self,
        sliced: SlicedPartial,
        tracker: ProgressTracker,
        first: httpx.Response | None,
        controls: TransferControls,
        first_answered_in: float | None = None,
    ) -> DownloadResult:
        """Fetch every piece ``sliced`` lacks (``first``: the answer that holds the
        object from its first byte, if one is open, its headers ``first_answered_in``
        seconds after it was asked for), then check and rename."""
        config = self._transfer_config
        tracker.add(sliced.resumed_from - tracker.done)
        tracker.set_total(sliced.size)
        writer = FileWriter(sliced.fd)
        try:
            # Widens from concurrency to max_concurrency while the throughput grows (on a
            # long path to long_path_width times that at once: a slice holds no memory).
            with WorkerPool(
                config.max_concurrency,
                start=config.concurrency,
                long_path_width=config.long_path_width,
            ) as pool:
                if first_answered_in is not None:
                    pool.opened(first_answered_in)  # a long path opens it wide at once
                per_slice = transfer.download_slices.pieces_per_slice(
                    sliced.size, config.download_slice_size, pool.most
                )
                for part in sliced.slices_left(per_slice):
                    given, first = (first, None) if part.start == 0 else (None, first)
                    pool.submit(
                        self._fetch_slice, sliced, part, given, writer, tracker, pool, controls
                    )
            return sliced.finish()
        finally:
            sliced.close()
            writer.close()

    def _fetch_slice(
        self,
        sliced: SlicedPartial,
        part: Slice,
        first: httpx.Response | None,
        writer: FileWriter,
        tracker: ProgressTracker,
        pool: WorkerPool,
        controls: TransferControls,
    ) -> None:
        what = f"download {sliced.url}"
        cursor = transfer.download_slices.SliceCursor(part, what, sliced.piece_done)
        retries_taken = 0  # failures before a byte of an answer, with the retry policy
        continued = 0  # cuts and crawls after some bytes, with a narrower Range
        while not cursor.done:
            controls.check()
            offset = cursor.offset
            try:
                if first is not None:
                    response, first = first, None
                    try:
                        self._pour(response, cursor, writer, tracker, pool, controls, clip=True)
                    finally:
                        response.close()  # the rest is other slices': stop it now
                    continue
                failure = self._fetch_range(sliced, cursor, writer, tracker, pool, controls)
                if failure is not None:
                    self._wait_to_retry(failure, self._retry, retries_taken)
                    retries_taken += 1
            except httpx.HTTPError as exc:
                self._write_gathered(cursor, writer, tracker)
                if cursor.offset == offset:
                    failure = transport_failure(exc, what, idempotent=True)
                    self._request_limit.throttled()
                    self._wait_to_retry(failure, self._retry, retries_taken)
                    retries_taken += 1
                    continue
                continued += 1
                if continued > self._transfer_config.download_retries:
                    raise transport_failure(exc, what, idempotent=True).error from exc
            except WcsTimeoutError:
                # The speed floor gave up on this connection, not on the slice: continued
                # on a new one, as a cut is, within the same count.
                self._write_gathered(cursor, writer, tracker)
                continued += 1
                if continued > self._transfer_config.download_retries:
                    raise

    def _fetch_range(
        self,
        sliced: SlicedPartial,
        cursor: SliceCursor,
        writer: FileWriter,
        tracker: ProgressTracker,
        pool: WorkerPool,
        controls: TransferControls,
    ) -> Failure | None:
        """One request for the rest of the slice; the failure to retry, if it failed
        before its body."""
        end = cursor.part.end
        headers = sliced.range_headers(cursor.offset, end, self._transfer_config.traffic_limit)
        failure: Failure | None = None
        with (
            self._request_limit,
            self._download_http(sliced.url).stream("GET", sliced.url, headers=headers) as response,
        ):
            if sliced.check_answer(response, cursor.offset, end):
                self._pour(response, cursor, writer, tracker, pool, controls, clip=False)
            else:
                response.read()
                failure = status_failure(response, cursor.what, idempotent=True)
        if failure is None:
            self._request_limit.succeeded()
        elif failure.retryable:
            self._request_limit.throttled()  # the client backs off as a whole
        return failure

    def _pour(
        self,
        response: httpx.Response,
        cursor: SliceCursor,
        writer: FileWriter,
        tracker: ProgressTracker,
        pool: WorkerPool,
        controls: TransferControls,
        *,
        clip: bool,
    ) -> None:
        """The body into the slice's place; ``clip``: the answer runs on past the slice
        (the whole object), stop reading at the slice's end."""
        # Every slice shares the bucket: its floor is a part of the limit, if one is set.
        floor = controls.speed_floor(
            self.config.low_speed_limit, self._transfer_config.max_concurrency
        )
        guard = transfer.low_speed.LowSpeedGuard(
            cursor.what, limit=floor, period=self.config.low_speed_time
        )
        sent_at, carried = time.monotonic(), 0
        for received in response.iter_bytes():
            pool.checkpoint()
            chunk = received[: cursor.left] if clip else received
            take(controls, len(chunk))  # every slice from the one bucket
            guard.add(len(chunk))
            batch = cursor.take(chunk)
            if batch is not None:
                writer.write_at(*batch)
                cursor.wrote(*batch)
                tracker.add(len(batch[1]))
                carried += len(batch[1])
                pool.acknowledged(len(batch[1]))  # widens as the bytes come
            if clip and not cursor.left:
                break
        if cursor.left:
            raise httpx.RemoteProtocolError(f"{cursor.what}: the body ended before its range")
        # Judged over the whole request, as an upload's (a part of it would be mostly
        # TCP's slow start on a new connection).
        pool.request_took(carried, time.monotonic() - sent_at)

    def _write_gathered(
        self, cursor: SliceCursor, writer: FileWriter, tracker: ProgressTracker
    ) -> None:
        """After a cut: what arrived is kept, and the slice goes on after it."""
        batch = cursor.flush()
        if batch is not None:
            writer.write_at(*batch)
            cursor.wrote(*batch)
            tracker.add(len(batch[1]))
