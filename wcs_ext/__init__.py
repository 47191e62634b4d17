"""wcs-ext: a typed client, a drop-in ``wcscmd`` and a local emulator for WCS.

::

    from wcs_ext import Wcs, WcsConfig
    wcs = Wcs(WcsConfig.load())
    wcs.upload_file("cat.jpg", "photos", "2026/cat.jpg")
"""

from ._retry import RetryPolicy
from ._version import __version__
from .async_client import AsyncWcs
from .auth import Credentials, ManagementAuth, PutPolicy, management_token, upload_token
from .checksum import crc64_bytes, crc64_file, etag_bytes, etag_file, etag_stream
from .client import Wcs
from .config import WcsConfig
from .encoding import entry, urlsafe_b64decode, urlsafe_b64encode
from .errors import (
    WcsAPIError,
    WcsAuthError,
    WcsBadRequestError,
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
from .transfer import DownloadResult

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
