# Generated from wcs_ext/_async/transfer/download.py by `make generate` (unasync): do not edit.
# Change the async source and regenerate; `make test` fails when this file drifts.
"""The download loop: stream a URL into a partial file, continue it after a cut, and
name it only once it checked out (the decisions live in ``transfer/partial_download.py``).

Two kinds of failure are tried again. One before the first byte of an answer (a 5xx or
429, a connection refused or dropped, a timeout) is retried as any request is, with the
client's retry policy: waits that grow, or the server's ``Retry-After``. One after some
bytes (a connection cut mid-body) is continued at once where it stopped, with ``Range``,
up to ``connection_retries`` times. A body that crawls (``low_speed_limit`` bytes a
second for ``low_speed_time`` seconds, ``transfer/low_speed.py``) is given up on: its
connection is dropped and, like a cut, continued on a new one, within the same count.
"""

from __future__ import annotations

import os

import httpx

from ..._responses import status_failure, transport_failure
from ...errors import WcsTimeoutError
from ...transfer.low_speed import LowSpeedGuard
from ...transfer.partial_download import DownloadResult, PartialDownload
from ...transfer.progress import ProgressCallback, ProgressTracker
from ..client_core import SyncClientCore

__all__ = ["SyncDownloads"]


class SyncDownloads(SyncClientCore):
    """The download method of the client."""

    def download(
        self,
        url: str,
        dest: str | os.PathLike[str],
        *,
        resume: bool = True,
        progress: ProgressCallback | None = None,
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
        """
        what = f"download {url}"
        config = self._transfer_config
        with PartialDownload(url, dest, resume=resume) as partial:
            tracker = ProgressTracker(progress, None, done=partial.have)
            retries_taken = 0  # before a first byte, with the retry policy
            continued = 0  # after a cut mid-body, with Range
            while True:
                headers = partial.request_headers(config.traffic_limit)
                received = 0
                try:
                    with self._http("download").stream("GET", url, headers=headers) as response:
                        if response.status_code == 416 and partial.have:
                            partial.restart()  # the kept bytes do not fit the object any more
                            continue
                        if response.status_code not in (200, 206):
                            response.read()
                            failure = status_failure(response, what, idempotent=True)
                            self._wait_to_retry(failure, self._retry, retries_taken)
                            retries_taken += 1
                            continue
                        guard = LowSpeedGuard(
                            what,
                            limit=self.config.low_speed_limit,
                            period=self.config.low_speed_time,
                        )
                        with partial.accept(response) as out:
                            tracker.add(partial.have - tracker.done)  # 200: starting over
                            if partial.total is not None:
                                tracker.set_total(partial.total)
                            for chunk in response.iter_bytes():
                                partial.write(out, chunk, tracker)
                                received += len(chunk)
                                guard.add(len(chunk))
                    return partial.finish()
                except httpx.HTTPError as exc:
                    if not received:
                        failure = transport_failure(exc, what, idempotent=True)
                        self._wait_to_retry(failure, self._retry, retries_taken)
                        retries_taken += 1
                        continue
                    continued += 1
                    if not partial.can_continue or continued > config.download_retries:
                        raise transport_failure(exc, what, idempotent=True).error from exc
                except WcsTimeoutError:
                    # The speed floor gave up on this connection, not on the object: like
                    # a cut, it is continued where it stopped (a new connection may not
                    # crawl), as many times; a server that always crawls still ends it.
                    continued += 1
                    if not partial.can_continue or continued > config.download_retries:
                        raise
