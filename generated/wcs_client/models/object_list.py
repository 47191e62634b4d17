from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

if TYPE_CHECKING:
    from ..models.object_item import ObjectItem


T = TypeVar("T", bound="ObjectList")


@_attrs_define
class ObjectList:
    """One page of a listing.

    Attributes:
        marker (str | Unset): Continuation token for the next page; empty or absent on the last page.
        common_prefixes (list[str] | Unset): Directories at this level (with `mode` 0 or 1).
        items (list[ObjectItem] | Unset): The objects of this page.
    """

    marker: str | Unset = UNSET
    common_prefixes: list[str] | Unset = UNSET
    items: list[ObjectItem] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        marker = self.marker

        common_prefixes: list[str] | Unset = UNSET
        if not isinstance(self.common_prefixes, Unset):
            common_prefixes = self.common_prefixes

        items: list[dict[str, Any]] | Unset = UNSET
        if not isinstance(self.items, Unset):
            items = []
            for items_item_data in self.items:
                items_item = items_item_data.to_dict()
                items.append(items_item)

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if marker is not UNSET:
            field_dict["marker"] = marker
        if common_prefixes is not UNSET:
            field_dict["commonPrefixes"] = common_prefixes
        if items is not UNSET:
            field_dict["items"] = items

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        from ..models.object_item import ObjectItem  # noqa: PLC0415

        d = dict(src_dict)
        marker = d.pop("marker", UNSET)

        common_prefixes = cast(list[str], d.pop("commonPrefixes", UNSET))

        _items = d.pop("items", UNSET)
        items: list[ObjectItem] | Unset = UNSET
        if _items is not UNSET:
            items = []
            for items_item_data in _items:
                items_item = ObjectItem.from_dict(items_item_data)

                items.append(items_item)

        object_list = cls(
            marker=marker,
            common_prefixes=common_prefixes,
            items=items,
        )

        object_list.additional_properties = d
        return object_list

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
