from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="FmgrRequest")


@_attrs_define
class FmgrRequest:
    """Body shared by every `/fmgr/<op>` submission, in the order it is sent.

    Attributes:
        fops (str): One or more operation strings joined by `;` (grammar per operation), sent verbatim.
        notify_url (str | Unset): `b64u(URL)` to POST the result to when the task ends.
        separate (int | Unset): 1 = notify once per operation, 0 = once per task.
        force (int | Unset): 1 = overwrite existing destination objects.
    """

    fops: str
    notify_url: str | Unset = UNSET
    separate: int | Unset = UNSET
    force: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        fops = self.fops

        notify_url = self.notify_url

        separate = self.separate

        force = self.force

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "fops": fops,
            }
        )
        if notify_url is not UNSET:
            field_dict["notifyURL"] = notify_url
        if separate is not UNSET:
            field_dict["separate"] = separate
        if force is not UNSET:
            field_dict["force"] = force

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        fops = d.pop("fops")

        notify_url = d.pop("notifyURL", UNSET)

        separate = d.pop("separate", UNSET)

        force = d.pop("force", UNSET)

        fmgr_request = cls(
            fops=fops,
            notify_url=notify_url,
            separate=separate,
            force=force,
        )

        return fmgr_request
