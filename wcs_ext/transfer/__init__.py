"""Moving bytes: simple, multipart (mkblk/bput/mkfile) and stream uploads, and downloads.

Names load on first use, so ``transfer.progress`` stays cheap to import (the CLI's
progress bar needs it without the HTTP stack).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._common import TransferSettings
    from ._download import DownloadResult
    from ._flow import TokenSource
    from ._sync import SyncTransfer
    from .progress import ProgressCallback, TransferProgress

_LAZY: dict[str, str] = {
    "TransferSettings": "._common",
    "DownloadResult": "._download",
    "TokenSource": "._flow",
    "SyncTransfer": "._sync",
    "ProgressCallback": ".progress",
    "TransferProgress": ".progress",
}

__all__ = [
    "DownloadResult",
    "ProgressCallback",
    "SyncTransfer",
    "TokenSource",
    "TransferProgress",
    "TransferSettings",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'wcs_ext.transfer' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
