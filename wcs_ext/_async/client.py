"""``AsyncWcs``: every WCS operation as a typed method.

The methods come from one class per domain (``resources/``, ``transfer/``). The
asyncio client is the source; the synchronous one is generated from it by
``make generate``, so both take the same arguments and say the same in their help.
"""

from __future__ import annotations

from functools import cached_property

from .resources.buckets import AsyncBuckets
from .resources.jobs import AsyncFmgrJobs
from .resources.live import AsyncLive
from .resources.media import AsyncFopsJobs, AsyncMedia
from .resources.objects import AsyncObjects
from .transfer.download import AsyncDownloads
from .transfer.object_io import AsyncObjectIO
from .transfer.uploads import AsyncUploads

__all__ = ["AsyncWcs"]


class AsyncWcs(
    AsyncUploads, AsyncDownloads, AsyncObjectIO, AsyncObjects, AsyncBuckets, AsyncMedia, AsyncLive
):
    """A WCS account: uploads go to ``put_url``, everything else to ``mgr_url`` (each one
    host, or several separated by commas that a retry fails over between).

    Safe to share between tasks (and, for the synchronous client, threads); reuse one
    instance (it pools connections) and close it when done, or use it as a context
    manager: a closed client raises :class:`~wcs_ext.errors.WcsClosedError`. Failures
    raise :class:`~wcs_ext.errors.WcsError`.
    """

    @cached_property
    def fmgr(self) -> AsyncFmgrJobs:
        """Server-side file jobs: move, copy, fetch, delete, delete_prefix, ... and status."""
        return AsyncFmgrJobs(self)

    @cached_property
    def fops(self) -> AsyncFopsJobs:
        """Audio/video processing jobs and their status."""
        return AsyncFopsJobs(self)
