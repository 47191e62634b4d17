from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.fops_status_item import FopsStatusItem


T = TypeVar("T", bound="FopsStatus")


@_attrs_define
class FopsStatus:
    """Status of a persistent-processing task (codes as in `FmgrStatus`).

    Attributes:
        id (str | Unset): The task's persistentId.
        code (int | str | Unset): WCS status code; sent sometimes as an integer and sometimes as a string.
        desc (str | Unset): Status text.
        separate (int | str | Unset): Notification mode of the task (0 or 1).
        inputkey (str | Unset): Key of the processed object.
        inputbucket (str | Unset): Bucket of the processed object.
        inputfsize (int | Unset): Size of the processed object in bytes.
        items (list[FopsStatusItem] | Unset): One entry per command.
    """

    id: str | Unset = UNSET
    code: int | str | Unset = UNSET
    desc: str | Unset = UNSET
    separate: int | str | Unset = UNSET
    inputkey: str | Unset = UNSET
    inputbucket: str | Unset = UNSET
    inputfsize: int | Unset = UNSET
    items: list[FopsStatusItem] | Unset = UNSET
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

        inputkey = self.inputkey

        inputbucket = self.inputbucket

        inputfsize = self.inputfsize

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
        if inputkey is not UNSET:
            field_dict["inputkey"] = inputkey
        if inputbucket is not UNSET:
            field_dict["inputbucket"] = inputbucket
        if inputfsize is not UNSET:
            field_dict["inputfsize"] = inputfsize
        if items is not UNSET:
            field_dict["items"] = items

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.fops_status_item import FopsStatusItem  # noqa: PLC0415

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

        inputkey = d.pop("inputkey", UNSET)

        inputbucket = d.pop("inputbucket", UNSET)

        inputfsize = d.pop("inputfsize", UNSET)

        _items = d.pop("items", UNSET)
        items: list[FopsStatusItem] | Unset = UNSET
        if _items is not UNSET:
            items = []
            for items_item_data in _items:
                items_item = FopsStatusItem.from_dict(items_item_data)

                items.append(items_item)

        fops_status = cls(
            id=id,
            code=code,
            desc=desc,
            separate=separate,
            inputkey=inputkey,
            inputbucket=inputbucket,
            inputfsize=inputfsize,
            items=items,
        )

        fops_status.additional_properties = d
        return fops_status

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
