"""Moving bytes: simple, block (mkblk/bput/mkfile) and stream uploads, and downloads."""

from ._blocks import BlockSpan, new_upload_batch, plan_blocks, plan_chunks
from ._sync import DownloadResult, SyncTransfer

__all__ = [
    "BlockSpan",
    "DownloadResult",
    "SyncTransfer",
    "new_upload_batch",
    "plan_blocks",
    "plan_chunks",
]
