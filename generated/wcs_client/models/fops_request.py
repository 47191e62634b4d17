from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="FopsRequest")


@_attrs_define
class FopsRequest:
    """Body of `/fops`, in the order it is sent.

    Attributes:
        bucket (str): `b64u(bucket)`.
        key (str): `b64u(key)`.
        fops (str): `b64u` of the processing commands (joined by `;`, each optionally `|saveas/<entry>`).
        notify_url (str | Unset): `b64u(URL)` to POST the result to; may be empty.
        force (int | Unset): 1 = overwrite existing output objects.
        separate (int | Unset): 1 = notify once per command, 0 = once per task.
    """

    bucket: str
    key: str
    fops: str
    notify_url: str | Unset = UNSET
    force: int | Unset = UNSET
    separate: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        bucket = self.bucket

        key = self.key

        fops = self.fops

        notify_url = self.notify_url

        force = self.force

        separate = self.separate

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "bucket": bucket,
                "key": key,
                "fops": fops,
            }
        )
        if notify_url is not UNSET:
            field_dict["notifyURL"] = notify_url
        if force is not UNSET:
            field_dict["force"] = force
        if separate is not UNSET:
            field_dict["separate"] = separate

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        bucket = d.pop("bucket")

        key = d.pop("key")

        fops = d.pop("fops")

        notify_url = d.pop("notifyURL", UNSET)

        force = d.pop("force", UNSET)

        separate = d.pop("separate", UNSET)

        fops_request = cls(
            bucket=bucket,
            key=key,
            fops=fops,
            notify_url=notify_url,
            force=force,
            separate=separate,
        )

        return fops_request
