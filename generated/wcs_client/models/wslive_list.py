from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.wslive_record import WsliveRecord


T = TypeVar("T", bound="WsliveList")


@_attrs_define
class WsliveList:
    """Recordings of a live channel (shape not documented; unverified).

    Attributes:
        code (int | str | Unset): WCS status code; sent sometimes as an integer and sometimes as a string.
        message (str | Unset): Human-readable result.
        total (int | Unset): Number of recordings in the window.
        items (list[WsliveRecord] | Unset): The recordings.
    """

    code: int | str | Unset = UNSET
    message: str | Unset = UNSET
    total: int | Unset = UNSET
    items: list[WsliveRecord] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        code: int | str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        else:
            code = self.code

        message = self.message

        total = self.total

        items: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.items, Unset):
            items = []
            for items_item_data in self.items:
                items_item = items_item_data.to_dict()
                items.append(items_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if code is not UNSET:
            field_dict["code"] = code
        if message is not UNSET:
            field_dict["message"] = message
        if total is not UNSET:
            field_dict["total"] = total
        if items is not UNSET:
            field_dict["items"] = items

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.wslive_record import WsliveRecord  # noqa: PLC0415

        d = dict(src_dict)

        def _parse_code(data: object) -> int | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | str | Unset, data)

        code = _parse_code(d.pop("code", UNSET))

        message = d.pop("message", UNSET)

        total = d.pop("total", UNSET)

        _items = d.pop("items", UNSET)
        items: list[WsliveRecord] | Unset = UNSET
        if _items is not UNSET:
            items = []
            for items_item_data in _items:
                items_item = WsliveRecord.from_dict(items_item_data)

                items.append(items_item)

        wslive_list = cls(
            code=code,
            message=message,
            total=total,
            items=items,
        )

        wslive_list.additional_properties = d
        return wslive_list

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
