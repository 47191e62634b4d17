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

from ._version import __version__

if TYPE_CHECKING:
    from ._retry import RetryPolicy
    from .async_client import AsyncWcs
    from .auth import ManagementAuth
    from .client import Wcs
    from .config import WcsConfig
    from .errors import (
        WcsAPIError,
        WcsAuthError,
        WcsBadRequestError,
        WcsClosedError,
        WcsConfigError,
        WcsConflictError,
        WcsError,
        WcsInputError,
        WcsIntegrityError,
        WcsNotFoundError,
        WcsProtocolError,
        WcsRateLimitError,
        WcsServerError,
        WcsTimeoutError,
        WcsTransportError,
    )
    from .models import (
        BucketInfo,
        BucketStatistics,
        BucketUsage,
        DailyStorage,
        ImageDetection,
        Job,
        JobItem,
        JobState,
        JobStatus,
        LiveRecordings,
        ObjectInfo,
        ObjectPage,
        OperationResult,
        UploadResult,
    )
    from .protocol.checksum import crc64_bytes, crc64_file, etag_bytes, etag_file, etag_stream
    from .protocol.encoding import entry, urlsafe_b64decode, urlsafe_b64encode
    from .protocol.signing import Credentials, PutPolicy, management_token, upload_token
    from .transfer import DownloadResult

_LAZY: dict[str, str] = {
    "AsyncWcs": ".async_client",
    "BucketInfo": ".models",
    "BucketStatistics": ".models",
    "BucketUsage": ".models",
    "Credentials": ".protocol.signing",
    "DailyStorage": ".models",
    "DownloadResult": ".transfer",
    "ImageDetection": ".models",
    "Job": ".models",
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
    "UploadResult": ".models",
    "Wcs": ".client",
    "WcsAPIError": ".errors",
    "WcsAuthError": ".errors",
    "WcsBadRequestError": ".errors",
    "WcsClosedError": ".errors",
    "WcsConfig": ".config",
    "WcsConfigError": ".errors",
    "WcsConflictError": ".errors",
    "WcsError": ".errors",
    "WcsInputError": ".errors",
    "WcsIntegrityError": ".errors",
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


__all__ = [
    "AsyncWcs",
    "BucketInfo",
    "BucketStatistics",
    "BucketUsage",
    "Credentials",
    "DailyStorage",
    "DownloadResult",
    "ImageDetection",
    "Job",
    "JobItem",
    "JobState",
    "JobStatus",
    "LiveRecordings",
    "ManagementAuth",
    "ObjectInfo",
    "ObjectPage",
    "OperationResult",
    "PutPolicy",
    "RetryPolicy",
    "UploadResult",
    "Wcs",
    "WcsAPIError",
    "WcsAuthError",
    "WcsBadRequestError",
    "WcsClosedError",
    "WcsConfig",
    "WcsConfigError",
    "WcsConflictError",
    "WcsError",
    "WcsInputError",
    "WcsIntegrityError",
    "WcsNotFoundError",
    "WcsProtocolError",
    "WcsRateLimitError",
    "WcsServerError",
    "WcsTimeoutError",
    "WcsTransportError",
    "__version__",
    "crc64_bytes",
    "crc64_file",
    "entry",
    "etag_bytes",
    "etag_file",
    "etag_stream",
    "management_token",
    "upload_token",
    "urlsafe_b64decode",
    "urlsafe_b64encode",
]
