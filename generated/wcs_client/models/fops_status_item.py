from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="FopsStatusItem")


@_attrs_define
class FopsStatusItem:
    """Status of one command of a persistent-processing task.

    Attributes:
        cmd (str | Unset): The processing command.
        code (int | str | Unset): WCS status code; sent sometimes as an integer and sometimes as a string.
        cost_time (Any | Unset): Processing time.
        desc (str | Unset): Status text.
        error (None | str | Unset): Error text, null when none.
        fsize (int | Unset): Size of the output in bytes.
        hash_ (str | Unset): Etag of the output.
        key (str | Unset): Key of the output.
        url (str | Unset): URL of the output.
        duration (Any | Unset): Media duration of the output.
        bit_rate (Any | Unset): Bit rate of the output.
        resolution (Any | Unset): Resolution of the output.
        detail (list[Any] | Unset): Command-specific details.
    """

    cmd: str | Unset = UNSET
    code: int | str | Unset = UNSET
    cost_time: Any | Unset = UNSET
    desc: str | Unset = UNSET
    error: None | str | Unset = UNSET
    fsize: int | Unset = UNSET
    hash_: str | Unset = UNSET
    key: str | Unset = UNSET
    url: str | Unset = UNSET
    duration: Any | Unset = UNSET
    bit_rate: Any | Unset = UNSET
    resolution: Any | Unset = UNSET
    detail: list[Any] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cmd = self.cmd

        code: int | str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        else:
            code = self.code

        cost_time = self.cost_time

        desc = self.desc

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        fsize = self.fsize

        hash_ = self.hash_

        key = self.key

        url = self.url

        duration = self.duration

        bit_rate = self.bit_rate

        resolution = self.resolution

        detail: list[Any] | Unset = UNSET
        if not isinstance(self.detail, Unset):
            detail = self.detail

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if cmd is not UNSET:
            field_dict["cmd"] = cmd
        if code is not UNSET:
            field_dict["code"] = code
        if cost_time is not UNSET:
            field_dict["costTime"] = cost_time
        if desc is not UNSET:
            field_dict["desc"] = desc
        if error is not UNSET:
            field_dict["error"] = error
        if fsize is not UNSET:
            field_dict["fsize"] = fsize
        if hash_ is not UNSET:
            field_dict["hash"] = hash_
        if key is not UNSET:
            field_dict["key"] = key
        if url is not UNSET:
            field_dict["url"] = url
        if duration is not UNSET:
            field_dict["duration"] = duration
        if bit_rate is not UNSET:
            field_dict["bit_rate"] = bit_rate
        if resolution is not UNSET:
            field_dict["resolution"] = resolution
        if detail is not UNSET:
            field_dict["detail"] = detail

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        cmd = d.pop("cmd", UNSET)

        def _parse_code(data: object) -> int | str | Unset:
            if isinstance(data, Unset):
                return data
            return cast(int | str | Unset, data)

        code = _parse_code(d.pop("code", UNSET))

        cost_time = d.pop("costTime", UNSET)

        desc = d.pop("desc", UNSET)

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        fsize = d.pop("fsize", UNSET)

        hash_ = d.pop("hash", UNSET)

        key = d.pop("key", UNSET)

        url = d.pop("url", UNSET)

        duration = d.pop("duration", UNSET)

        bit_rate = d.pop("bit_rate", UNSET)

        resolution = d.pop("resolution", UNSET)

        detail = cast(list[Any], d.pop("detail", UNSET))

        fops_status_item = cls(
            cmd=cmd,
            code=code,
            cost_time=cost_time,
            desc=desc,
            error=error,
            fsize=fsize,
            hash_=hash_,
            key=key,
            url=url,
            duration=duration,
            bit_rate=bit_rate,
            resolution=resolution,
            detail=detail,
        )

        fops_status_item.additional_properties = d
        return fops_status_item

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
