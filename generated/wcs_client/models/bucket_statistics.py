from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="BucketStatistics")


@_attrs_define
class BucketStatistics:
    """Usage statistics of a bucket (shape not documented; unverified).

    Attributes:
        result (bool | str | Unset): Success flag (`true` or `"true"`).
        code (int | str | Unset): WCS status code; sent sometimes as an integer and sometimes as a string.
        message (str | Unset): Human-readable result.
        name (str | Unset): Bucket name.
        type_ (str | Unset): The statistic reported.
        data (list[Any] | Unset): The data points.
    """

    result: bool | str | Unset = UNSET
    code: int | str | Unset = UNSET
    message: str | Unset = UNSET
    name: str | Unset = UNSET
    type_: str | Unset = UNSET
    data: list[Any] | Unset = UNSET
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

        message = self.message

        name = self.name

        type_ = self.type_

        data: list[Any] | Unset = UNSET
        if not isinstance(self.data, Unset):
            data = self.data

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if result is not UNSET:
            field_dict["result"] = result
        if code is not UNSET:
            field_dict["code"] = code
        if message is not UNSET:
            field_dict["message"] = message
        if name is not UNSET:
            field_dict["name"] = name
        if type_ is not UNSET:
            field_dict["type"] = type_
        if data is not UNSET:
            field_dict["data"] = data

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

        message = d.pop("message", UNSET)

        name = d.pop("name", UNSET)

        type_ = d.pop("type", UNSET)

        data = cast(list[Any], d.pop("data", UNSET))

        bucket_statistics = cls(
            result=result,
            code=code,
            message=message,
            name=name,
            type_=type_,
            data=data,
        )

        bucket_statistics.additional_properties = d
        return bucket_statistics

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
