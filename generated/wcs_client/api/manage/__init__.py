"""Contains endpoint functions for accessing the API

Each endpoint module is imported on first use (PEP 562), as ``package.endpoint``: a
program that calls one endpoint does not pay for importing the others.
"""

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import (
        bucket_stat,
        bucket_statistics,
        copy_object,
        delete_object,
        fmgr_compress,
        fmgr_copy,
        fmgr_delete,
        fmgr_delete_m3u8,
        fmgr_delete_prefix,
        fmgr_fetch,
        fmgr_move,
        fmgr_status,
        fops_execute,
        fops_status,
        image_detect,
        list_buckets,
        list_objects,
        move_object,
        set_deadline,
        stat_object,
        wslive_list,
    )

__all__ = (
    "bucket_stat",
    "bucket_statistics",
    "copy_object",
    "delete_object",
    "fmgr_compress",
    "fmgr_copy",
    "fmgr_delete",
    "fmgr_delete_m3u8",
    "fmgr_delete_prefix",
    "fmgr_fetch",
    "fmgr_move",
    "fmgr_status",
    "fops_execute",
    "fops_status",
    "image_detect",
    "list_buckets",
    "list_objects",
    "move_object",
    "set_deadline",
    "stat_object",
    "wslive_list",
)


def __getattr__(name: str) -> ModuleType:
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return importlib.import_module(f".{name}", __name__)


def __dir__() -> list[str]:
    return sorted(__all__)
