"""What transfers share apart from their I/O: settings (:mod:`.settings`), the upload
requests (:mod:`.upload_requests`), the plan and checks of a multipart upload
(:mod:`.upload_plan`), resume records (:mod:`.record`), partial downloads
(:mod:`.partial_download`), hashing readers (:mod:`.readers`) and progress
(:mod:`.progress`). The I/O — the upload and download stories — is in
``wcs_ext/_async/transfer/`` and its generated sync twin.

Names and modules load on first use: ``transfer.progress`` stays cheap to import (the
CLI's progress bar needs it without the HTTP stack), and the client's transfer classes
reach what they use as ``transfer.record.BlockState``, so that a program that never
uploads or downloads does not import the upload plan, the records or the tuner.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ..protocol._submodules import load_submodule

if TYPE_CHECKING:
    from . import bandwidth as bandwidth
    from . import content_types as content_types
    from . import controls as controls
    from . import download_slices as download_slices
    from . import file_lock as file_lock
    from . import local_names as local_names
    from . import low_speed as low_speed
    from . import object_urls as object_urls
    from . import pace as pace
    from . import partial_download as partial_download
    from . import pool_view as pool_view
    from . import progress as progress
    from . import readers as readers
    from . import record as record
    from . import settings as settings
    from . import sliced_partial as sliced_partial
    from . import upload_options as upload_options
    from . import upload_plan as upload_plan
    from . import upload_requests as upload_requests
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
        return load_submodule(__name__, name)  # transfer.record and the like
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
