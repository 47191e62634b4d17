"""Contains all the data models used in inputs/outputs.

Each model is imported on first use (PEP 562): a program that needs one endpoint does
not pay for importing every model.
"""

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .block_result import BlockResult
    from .bucket import Bucket
    from .bucket_list import BucketList
    from .bucket_stat_bucket import BucketStatBucket
    from .bucket_stat_day import BucketStatDay
    from .bucket_stat_is_list_details import BucketStatIsListDetails
    from .bucket_stat_result import BucketStatResult
    from .bucket_statistics import BucketStatistics
    from .code_message import CodeMessage
    from .error_body import ErrorBody
    from .fmgr_request import FmgrRequest
    from .fmgr_status import FmgrStatus
    from .fmgr_status_item import FmgrStatusItem
    from .fops_request import FopsRequest
    from .fops_status import FopsStatus
    from .fops_status_item import FopsStatusItem
    from .image_detect_form import ImageDetectForm
    from .image_detect_result import ImageDetectResult
    from .list_objects_mode import ListObjectsMode
    from .object_item import ObjectItem
    from .object_list import ObjectList
    from .object_stat import ObjectStat
    from .persistent_id_result import PersistentIdResult
    from .set_deadline_form import SetDeadlineForm
    from .upload_file_form import UploadFileForm
    from .upload_result import UploadResult
    from .wslive_list import WsliveList
    from .wslive_record import WsliveRecord

_MODULES = {
    "BlockResult": ".block_result",
    "Bucket": ".bucket",
    "BucketList": ".bucket_list",
    "BucketStatBucket": ".bucket_stat_bucket",
    "BucketStatDay": ".bucket_stat_day",
    "BucketStatIsListDetails": ".bucket_stat_is_list_details",
    "BucketStatResult": ".bucket_stat_result",
    "BucketStatistics": ".bucket_statistics",
    "CodeMessage": ".code_message",
    "ErrorBody": ".error_body",
    "FmgrRequest": ".fmgr_request",
    "FmgrStatus": ".fmgr_status",
    "FmgrStatusItem": ".fmgr_status_item",
    "FopsRequest": ".fops_request",
    "FopsStatus": ".fops_status",
    "FopsStatusItem": ".fops_status_item",
    "ImageDetectForm": ".image_detect_form",
    "ImageDetectResult": ".image_detect_result",
    "ListObjectsMode": ".list_objects_mode",
    "ObjectItem": ".object_item",
    "ObjectList": ".object_list",
    "ObjectStat": ".object_stat",
    "PersistentIdResult": ".persistent_id_result",
    "SetDeadlineForm": ".set_deadline_form",
    "UploadFileForm": ".upload_file_form",
    "UploadResult": ".upload_result",
    "WsliveList": ".wslive_list",
    "WsliveRecord": ".wslive_record",
}

__all__ = (
    "BlockResult",
    "Bucket",
    "BucketList",
    "BucketStatBucket",
    "BucketStatDay",
    "BucketStatIsListDetails",
    "BucketStatistics",
    "BucketStatResult",
    "CodeMessage",
    "ErrorBody",
    "FmgrRequest",
    "FmgrStatus",
    "FmgrStatusItem",
    "FopsRequest",
    "FopsStatus",
    "FopsStatusItem",
    "ImageDetectForm",
    "ImageDetectResult",
    "ListObjectsMode",
    "ObjectItem",
    "ObjectList",
    "ObjectStat",
    "PersistentIdResult",
    "SetDeadlineForm",
    "UploadFileForm",
    "UploadResult",
    "WsliveList",
    "WsliveRecord",
)


def __getattr__(name: str) -> Any:
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(_MODULES[name], __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
