from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ObjectItem")


@_attrs_define
class ObjectItem:
    """One object of a listing.

    Attributes:
        key (str): Object key.
        put_time (int | Unset): Upload time, epoch milliseconds.
        hash_ (str | Unset): WCS etag.
        fsize (int | Unset): Size in bytes.
        mime_type (str | Unset): MIME type.
        expiration_date (str | Unset): Expiry date; empty when the object never expires.
        storage_class (str | Unset): Storage class (`Standard`, `InfrequentAccess`, `Archive`).
    """

    key: str
    put_time: int | Unset = UNSET
    hash_: str | Unset = UNSET
    fsize: int | Unset = UNSET
    mime_type: str | Unset = UNSET
    expiration_date: str | Unset = UNSET
    storage_class: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        key = self.key

        put_time = self.put_time

        hash_ = self.hash_

        fsize = self.fsize

        mime_type = self.mime_type

        expiration_date = self.expiration_date

        storage_class = self.storage_class

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "key": key,
            }
        )
        if put_time is not UNSET:
            field_dict["putTime"] = put_time
        if hash_ is not UNSET:
            field_dict["hash"] = hash_
        if fsize is not UNSET:
            field_dict["fsize"] = fsize
        if mime_type is not UNSET:
            field_dict["mimeType"] = mime_type
        if expiration_date is not UNSET:
            field_dict["expirationDate"] = expiration_date
        if storage_class is not UNSET:
            field_dict["storageClass"] = storage_class

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        key = d.pop("key")

        put_time = d.pop("putTime", UNSET)

        hash_ = d.pop("hash", UNSET)

        fsize = d.pop("fsize", UNSET)

        mime_type = d.pop("mimeType", UNSET)

        expiration_date = d.pop("expirationDate", UNSET)

        storage_class = d.pop("storageClass", UNSET)

        object_item = cls(
            key=key,
            put_time=put_time,
            hash_=hash_,
            fsize=fsize,
            mime_type=mime_type,
            expiration_date=expiration_date,
            storage_class=storage_class,
        )

        object_item.additional_properties = d
        return object_item

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
