# Generated from wcs_ext/_async/client.py by `make generate` (unasync): do not edit.
# Change the async source and regenerate; `make test` fails when this file drifts.
"""``Wcs``: every WCS operation as a typed method.

The methods come from one class per domain (``resources/``, ``transfer/``). The
asyncio client is the source; the synchronous one is generated from it by
``make generate``, so both take the same arguments and say the same in their help.
"""

from __future__ import annotations

from functools import cached_property

from .resources.buckets import SyncBuckets
from .resources.jobs import FmgrJobs
from .resources.live import SyncLive
from .resources.media import FopsJobs, SyncMedia
from .resources.objects import SyncObjects
from .transfer.download import SyncDownloads
from .transfer.object_io import SyncObjectIO
from .transfer.uploads import SyncUploads

__all__ = ["Wcs"]


class Wcs(SyncUploads, SyncDownloads, SyncObjectIO, SyncObjects, SyncBuckets, SyncMedia, SyncLive):
    """A WCS account: uploads go to ``put_url``, everything else to ``mgr_url`` (each one
    host, or several separated by commas that a retry fails over between).

    Safe to share between tasks (and, for the synchronous client, threads); reuse one
    instance (it pools connections) and close it when done, or use it as a context
    manager: a closed client raises :class:`~wcs_ext.errors.WcsClosedError`. Failures
    raise :class:`~wcs_ext.errors.WcsError`.
    """

    @cached_property
    def fmgr(self) -> FmgrJobs:
        """Server-side file jobs: move, copy, fetch, delete, delete_prefix, ... and status."""
        return FmgrJobs(self)

    @cached_property
    def fops(self) -> FopsJobs:
        """Audio/video processing jobs and their status."""
        return FopsJobs(self)
