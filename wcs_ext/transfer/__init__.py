"""What transfers share apart from their I/O: settings (:mod:`.settings`), the upload
requests (:mod:`.upload_requests`), the plan and checks of a multipart upload
(:mod:`.upload_plan`), resume records (:mod:`.record`), partial downloads
(:mod:`.partial_download`), hashing readers (:mod:`.readers`) and progress
(:mod:`.progress`). The I/O — the upload and download stories — is in
``wcs_ext/_async/transfer/`` and its generated sync twin.

Names load on first use, so ``transfer.progress`` stays cheap to import (the CLI's
progress bar needs it without the HTTP stack).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .partial_download import DownloadResult
    from .progress import ProgressCallback, TransferProgress
    from .settings import TransferConfig
    from .upload_plan import TokenSource

_LAZY: dict[str, str] = {
    "DownloadResult": ".partial_download",
    "ProgressCallback": ".progress",
    "TokenSource": ".upload_plan",
    "TransferConfig": ".settings",
    "TransferProgress": ".progress",
}

__all__ = [
    "DownloadResult",
    "ProgressCallback",
    "TokenSource",
    "TransferConfig",
    "TransferProgress",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'wcs_ext.transfer' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
