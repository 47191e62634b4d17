"""Moving bytes: simple, multipart (mkblk/bput/mkfile) and stream uploads, and downloads."""

from ._blocks import BlockSpan, new_upload_batch, plan_blocks, plan_chunks
from ._common import TransferSettings
from ._download import DownloadResult
from ._flow import TokenSource
from ._sync import SyncTransfer
from .progress import ProgressCallback, TransferProgress

__all__ = [
    "BlockSpan",
    "DownloadResult",
    "ProgressCallback",
    "SyncTransfer",
    "TokenSource",
    "TransferProgress",
    "TransferSettings",
    "new_upload_batch",
    "plan_blocks",
    "plan_chunks",
]
