from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.fmgr_status_item import FmgrStatusItem


T = TypeVar("T", bound="FmgrStatus")


@_attrs_define
class FmgrStatus:
    """Status of an fmgr task. Task `code`: 0 pending, 1 processing, 3 done, 4 notifying,
    5 notify failed, 6 notify succeeded. Item `code`: 0 pending, 1 processing, 2 failed,
    3 succeeded.

        Attributes:
            id (str | Unset): The task's persistentId.
            code (int | str | Unset): WCS status code; sent sometimes as an integer and sometimes as a string.
            desc (str | Unset): Status text.
            separate (int | str | Unset): Notification mode of the task (0 or 1).
            items (list[FmgrStatusItem] | Unset): One entry per operation.
    """

    id: str | Unset = UNSET
    code: int | str | Unset = UNSET
    desc: str | Unset = UNSET
    separate: int | str | Unset = UNSET
    items: list[FmgrStatusItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id = self.id

        code: int | str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        else:
            code = self.code

        desc = self.desc

        separate: int | str | Unset
        if isinstance(self.separate, Unset):
            separate = UNSET
        else:
            separate = self.separate

        items: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.items, Unset):
            items = []
            for items_item_data in self.items:
                items_item = items_item_data.to_dict()
                items.append(items_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if code is not UNSET:
            field_dict["code"] = code
        if desc is not UNSET:
            field_dict["desc"] = desc
        if separate is not UNSET:
            field_dict["separate"] = separate
        if items is not UNSET:
            field_dict["items"] = items

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.fmgr_status_item import FmgrStatusItem  # noqa: PLC0415

        d = dict(src_dict)
        id = d.pop("id", UNSET)

        def _parse_code(data: object) -> int | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | str | Unset, data)

        code = _parse_code(d.pop("code", UNSET))

        desc = d.pop("desc", UNSET)

        def _parse_separate(data: object) -> int | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | str | Unset, data)

        separate = _parse_separate(d.pop("separate", UNSET))

        _items = d.pop("items", UNSET)
        items: list[FmgrStatusItem] | Unset = UNSET
        if _items is not UNSET:
            items = []
            for items_item_data in _items:
                items_item = FmgrStatusItem.from_dict(items_item_data)

                items.append(items_item)

        fmgr_status = cls(
            id=id,
            code=code,
            desc=desc,
            separate=separate,
            items=items,
        )

        fmgr_status.additional_properties = d
        return fmgr_status

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties
