"""wcs-ext: a typed client, a drop-in ``wcscmd`` and a local emulator for WCS.

::

    from wcs_ext import Wcs, WcsConfig
    wcs = Wcs(WcsConfig.load())
    wcs.upload_file("cat.jpg", "photos", "2026/cat.jpg")

Names are imported on first use (PEP 562): ``wcs-ext etag`` or ``--help`` need neither
httpx nor the generated client, and a script pays only for what it touches.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._httpx_cli import defer_httpx_cli
from ._version import __version__ as __version__

defer_httpx_cli()

if TYPE_CHECKING:
    from ._async.resources.jobs import (
        AsyncJob as AsyncJob,
    )
    from ._retry import (
        RetryPolicy as RetryPolicy,
    )
    from ._sync.resources.jobs import (
        Job as Job,
    )
    from .async_client import (
        AsyncWcs as AsyncWcs,
    )
    from .auth import (
        ManagementAuth as ManagementAuth,
    )
    from .client import (
        Wcs as Wcs,
    )
    from .config import (
        WcsConfig as WcsConfig,
    )
    from .errors import (
        WcsAPIError as WcsAPIError,
    )
    from .errors import (
        WcsAuthError as WcsAuthError,
    )
    from .errors import (
        WcsBadRequestError as WcsBadRequestError,
    )
    from .errors import (
        WcsCancelledError as WcsCancelledError,
    )
    from .errors import (
        WcsClosedError as WcsClosedError,
    )
    from .errors import (
        WcsConfigError as WcsConfigError,
    )
    from .errors import (
        WcsConflictError as WcsConflictError,
    )
    from .errors import (
        WcsError as WcsError,
    )
    from .errors import (
        WcsInputError as WcsInputError,
    )
    from .errors import (
        WcsIntegrityError as WcsIntegrityError,
    )
    from .errors import (
        WcsJobTimeoutError as WcsJobTimeoutError,
    )
    from .errors import (
        WcsNotFoundError as WcsNotFoundError,
    )
    from .errors import (
        WcsProtocolError as WcsProtocolError,
    )
    from .errors import (
        WcsRateLimitError as WcsRateLimitError,
    )
    from .errors import (
        WcsServerError as WcsServerError,
    )
    from .errors import (
        WcsTimeoutError as WcsTimeoutError,
    )
    from .errors import (
        WcsTransportError as WcsTransportError,
    )
    from .models import (
        BucketInfo as BucketInfo,
    )
    from .models import (
        BucketStatistics as BucketStatistics,
    )
    from .models import (
        BucketUsage as BucketUsage,
    )
    from .models import (
        DailyStorage as DailyStorage,
    )
    from .models import (
        ImageDetection as ImageDetection,
    )
    from .models import (
        ItemState as ItemState,
    )
    from .models import (
        JobItem as JobItem,
    )
    from .models import (
        JobState as JobState,
    )
    from .models import (
        JobStatus as JobStatus,
    )
    from .models import (
        LiveRecordings as LiveRecordings,
    )
    from .models import (
        ObjectInfo as ObjectInfo,
    )
    from .models import (
        ObjectPage as ObjectPage,
    )
    from .models import (
        OperationResult as OperationResult,
    )
    from .models import (
        UploadResult as UploadResult,
    )
    from .protocol.checksum import (
        crc64_bytes as crc64_bytes,
    )
    from .protocol.checksum import (
        crc64_file as crc64_file,
    )
    from .protocol.checksum import (
        etag_bytes as etag_bytes,
    )
    from .protocol.checksum import (
        etag_file as etag_file,
    )
    from .protocol.checksum import (
        etag_stream as etag_stream,
    )
    from .protocol.encoding import (
        entry as entry,
    )
    from .protocol.encoding import (
        urlsafe_b64decode as urlsafe_b64decode,
    )
    from .protocol.encoding import (
        urlsafe_b64encode as urlsafe_b64encode,
    )
    from .protocol.signing import (
        Credentials as Credentials,
    )
    from .protocol.signing import (
        PutPolicy as PutPolicy,
    )
    from .protocol.signing import (
        management_token as management_token,
    )
    from .protocol.signing import (
        upload_token as upload_token,
    )
    from .transfer import (
        DownloadResult as DownloadResult,
    )
    from .transfer.bandwidth import (
        BandwidthLimit as BandwidthLimit,
    )
    from .transfer.upload_options import (
        UploadOptions as UploadOptions,
    )

_LAZY: dict[str, str] = {
    "AsyncJob": "._async.resources.jobs",
    "AsyncWcs": ".async_client",
    "BandwidthLimit": ".transfer.bandwidth",
    "BucketInfo": ".models",
    "BucketStatistics": ".models",
    "BucketUsage": ".models",
    "Credentials": ".protocol.signing",
    "DailyStorage": ".models",
    "DownloadResult": ".transfer",
    "ImageDetection": ".models",
    "ItemState": ".models",
    "Job": "._sync.resources.jobs",
    "JobItem": ".models",
    "JobState": ".models",
    "JobStatus": ".models",
    "LiveRecordings": ".models",
    "ManagementAuth": ".auth",
    "ObjectInfo": ".models",
    "ObjectPage": ".models",
    "OperationResult": ".models",
    "PutPolicy": ".protocol.signing",
    "RetryPolicy": "._retry",
    "UploadOptions": ".transfer.upload_options",
    "UploadResult": ".models",
    "Wcs": ".client",
    "WcsAPIError": ".errors",
    "WcsAuthError": ".errors",
    "WcsBadRequestError": ".errors",
    "WcsCancelledError": ".errors",
    "WcsClosedError": ".errors",
    "WcsConfig": ".config",
    "WcsConfigError": ".errors",
    "WcsConflictError": ".errors",
    "WcsError": ".errors",
    "WcsInputError": ".errors",
    "WcsIntegrityError": ".errors",
    "WcsJobTimeoutError": ".errors",
    "WcsNotFoundError": ".errors",
    "WcsProtocolError": ".errors",
    "WcsRateLimitError": ".errors",
    "WcsServerError": ".errors",
    "WcsTimeoutError": ".errors",
    "WcsTransportError": ".errors",
    "crc64_bytes": ".protocol.checksum",
    "crc64_file": ".protocol.checksum",
    "entry": ".protocol.encoding",
    "etag_bytes": ".protocol.checksum",
    "etag_file": ".protocol.checksum",
    "etag_stream": ".protocol.checksum",
    "management_token": ".protocol.signing",
    "upload_token": ".protocol.signing",
    "urlsafe_b64decode": ".protocol.encoding",
    "urlsafe_b64encode": ".protocol.encoding",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'wcs_ext' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


# The table above is the one list of public names (kept twice, names would drift).
__all__ = [*_LAZY, "__version__"]  # noqa: PLE0604
