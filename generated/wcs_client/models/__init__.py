"""Contains all the data models used in inputs/outputs"""

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
