# Generated from wcs_ext/_async/transfer/download.py by `make generate` (unasync): do not edit.
# Change the async source and regenerate; `make test` fails when this file drifts.
"""The download loop: stream a URL into a partial file, continue it after a cut, and
name it only once it checked out (the decisions live in ``transfer/partial_download.py``).

A body that crawls (``low_speed_limit`` bytes a second for ``low_speed_time`` seconds,
``transfer/low_speed.py``) is given up on.
"""

from __future__ import annotations

import os

import httpx

from ...errors import WcsTimeoutError, WcsTransportError
from ...transfer.low_speed import LowSpeedGuard
from ...transfer.partial_download import DownloadResult, PartialDownload
from ...transfer.progress import ProgressCallback, ProgressTracker
from ..client_core import SyncClientCore

__all__ = ["SyncDownloads"]


def _transport_error(url: str, exc: httpx.HTTPError) -> WcsTransportError:
    """The error for a download cut short: a timeout is a :class:`WcsTimeoutError`."""
    if isinstance(exc, httpx.TimeoutException):
        return WcsTimeoutError(f"download {url}: timed out ({type(exc).__name__})")
    return WcsTransportError(f"download {url}: {str(exc) or type(exc).__name__}")


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

        A connection cut mid-body is continued where it stopped (``connection_retries``).
        A body slower than ``low_speed_limit`` bytes a second for ``low_speed_time``
        seconds ends in a :class:`~wcs_ext.errors.WcsTimeoutError`. Another download to
        ``dest`` running at the same time is a :class:`~wcs_ext.errors.WcsInputError`.
        """
        config = self._transfer_config
        with PartialDownload(url, dest, resume=resume) as partial:
            tracker = ProgressTracker(progress, None, done=partial.have)
            attempts = 0
            while True:
                headers = partial.request_headers(config.traffic_limit)
                try:
                    with self._http("download").stream("GET", url, headers=headers) as response:
                        if response.status_code == 416 and partial.have:
                            partial.restart()  # the kept bytes do not fit the object any more
                            continue
                        if response.status_code not in (200, 206):
                            response.read()
                        guard = LowSpeedGuard(
                            f"download {url}",
                            limit=self.config.low_speed_limit,
                            period=self.config.low_speed_time,
                        )
                        with partial.accept(response) as out:
                            tracker.add(partial.have - tracker.done)  # 200: starting over
                            if partial.total is not None:
                                tracker.set_total(partial.total)
                            for chunk in response.iter_bytes():
                                partial.write(out, chunk, tracker)
                                guard.add(len(chunk))
                    return partial.finish()
                except httpx.HTTPError as exc:
                    attempts += 1
                    if not partial.can_continue or attempts > config.download_retries:
                        raise _transport_error(url, exc) from exc
