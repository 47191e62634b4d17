from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="BucketStatDay")


@_attrs_define
class BucketStatDay:
    """Storage of one bucket on one day.

    Attributes:
        data_time (str | Unset): The day, `yyyy-MM-dd`.
        storage (float | str | Unset): Storage used in MB (docs send a string with 3 decimals).
    """

    data_time: str | Unset = UNSET
    storage: float | str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data_time = self.data_time

        storage: float | str | Unset
        if isinstance(self.storage, Unset):
            storage = UNSET
        else:
            storage = self.storage

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if data_time is not UNSET:
            field_dict["data_time"] = data_time
        if storage is not UNSET:
            field_dict["storage"] = storage

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        data_time = d.pop("data_time", UNSET)

        def _parse_storage(data: object) -> float | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(float | str | Unset, data)

        storage = _parse_storage(d.pop("storage", UNSET))

        bucket_stat_day = cls(
            data_time=data_time,
            storage=storage,
        )

        bucket_stat_day.additional_properties = d
        return bucket_stat_day

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
