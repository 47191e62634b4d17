from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="ObjectStat")


@_attrs_define
class ObjectStat:
    """Metadata of one object.

    Attributes:
        result (bool | str | Unset): Success flag (`true` or `"true"`).
        code (int | str | Unset): WCS status code; sent sometimes as an integer and sometimes as a string.
        name (str | Unset): Object key.
        message (str | Unset): Human-readable result.
        fsize (int | Unset): Size in bytes.
        hash_ (str | Unset): WCS etag.
        mime_type (str | Unset): MIME type.
        put_time (int | Unset): Upload time, epoch milliseconds.
        expiration_date (str | Unset): Expiry date; empty when the object never expires.
        storage_class (str | Unset): Storage class (`Standard`, `InfrequentAccess`, `Archive`).
    """

    result: bool | str | Unset = UNSET
    code: int | str | Unset = UNSET
    name: str | Unset = UNSET
    message: str | Unset = UNSET
    fsize: int | Unset = UNSET
    hash_: str | Unset = UNSET
    mime_type: str | Unset = UNSET
    put_time: int | Unset = UNSET
    expiration_date: str | Unset = UNSET
    storage_class: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        result: bool | str | Unset
        if isinstance(self.result, Unset):
            result = UNSET
        else:
            result = self.result

        code: int | str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        else:
            code = self.code

        name = self.name

        message = self.message

        fsize = self.fsize

        hash_ = self.hash_

        mime_type = self.mime_type

        put_time = self.put_time

        expiration_date = self.expiration_date

        storage_class = self.storage_class

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if result is not UNSET:
            field_dict["result"] = result
        if code is not UNSET:
            field_dict["code"] = code
        if name is not UNSET:
            field_dict["name"] = name
        if message is not UNSET:
            field_dict["message"] = message
        if fsize is not UNSET:
            field_dict["fsize"] = fsize
        if hash_ is not UNSET:
            field_dict["hash"] = hash_
        if mime_type is not UNSET:
            field_dict["mimeType"] = mime_type
        if put_time is not UNSET:
            field_dict["putTime"] = put_time
        if expiration_date is not UNSET:
            field_dict["expirationDate"] = expiration_date
        if storage_class is not UNSET:
            field_dict["storageClass"] = storage_class

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)

        def _parse_result(data: object) -> bool | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(bool | str | Unset, data)

        result = _parse_result(d.pop("result", UNSET))

        def _parse_code(data: object) -> int | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | str | Unset, data)

        code = _parse_code(d.pop("code", UNSET))

        name = d.pop("name", UNSET)

        message = d.pop("message", UNSET)

        fsize = d.pop("fsize", UNSET)

        hash_ = d.pop("hash", UNSET)

        mime_type = d.pop("mimeType", UNSET)

        put_time = d.pop("putTime", UNSET)

        expiration_date = d.pop("expirationDate", UNSET)

        storage_class = d.pop("storageClass", UNSET)

        object_stat = cls(
            result=result,
            code=code,
            name=name,
            message=message,
            fsize=fsize,
            hash_=hash_,
            mime_type=mime_type,
            put_time=put_time,
            expiration_date=expiration_date,
            storage_class=storage_class,
        )

        object_stat.additional_properties = d
        return object_stat

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
