from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="FmgrStatusItem")


@_attrs_define
class FmgrStatusItem:
    """Status of one operation of an fmgr task.

    Attributes:
        cmd (str | Unset): The operation string.
        code (int | str | Unset): WCS status code; sent sometimes as an integer and sometimes as a string.
        desc (str | Unset): Status text, e.g. `fileOperateSucceed`.
        error (None | str | Unset): Error text, null when none.
        hash_ (str | Unset): Etag of the resulting object.
        fsize (int | Unset): Size of the resulting object in bytes.
        key (str | Unset): Key of the resulting object.
        url (str | Unset): URL of the fetched source (fetch).
        decompresslist (Any | Unset): Files extracted by a fetch with decompression.
    """

    cmd: str | Unset = UNSET
    code: int | str | Unset = UNSET
    desc: str | Unset = UNSET
    error: None | str | Unset = UNSET
    hash_: str | Unset = UNSET
    fsize: int | Unset = UNSET
    key: str | Unset = UNSET
    url: str | Unset = UNSET
    decompresslist: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        cmd = self.cmd

        code: int | str | Unset
        if isinstance(self.code, Unset):
            code = UNSET
        else:
            code = self.code

        desc = self.desc

        error: None | str | Unset
        if isinstance(self.error, Unset):
            error = UNSET
        else:
            error = self.error

        hash_ = self.hash_

        fsize = self.fsize

        key = self.key

        url = self.url

        decompresslist = self.decompresslist

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if cmd is not UNSET:
            field_dict["cmd"] = cmd
        if code is not UNSET:
            field_dict["code"] = code
        if desc is not UNSET:
            field_dict["desc"] = desc
        if error is not UNSET:
            field_dict["error"] = error
        if hash_ is not UNSET:
            field_dict["hash"] = hash_
        if fsize is not UNSET:
            field_dict["fsize"] = fsize
        if key is not UNSET:
            field_dict["key"] = key
        if url is not UNSET:
            field_dict["url"] = url
        if decompresslist is not UNSET:
            field_dict["decompresslist"] = decompresslist

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

        desc = d.pop("desc", UNSET)

        def _parse_error(data: object) -> None | str | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            return cast(None | str | Unset, data)

        error = _parse_error(d.pop("error", UNSET))

        hash_ = d.pop("hash", UNSET)

        fsize = d.pop("fsize", UNSET)

        key = d.pop("key", UNSET)

        url = d.pop("url", UNSET)

        decompresslist = d.pop("decompresslist", UNSET)

        fmgr_status_item = cls(
            cmd=cmd,
            code=code,
            desc=desc,
            error=error,
            hash_=hash_,
            fsize=fsize,
            key=key,
            url=url,
            decompresslist=decompresslist,
        )

        fmgr_status_item.additional_properties = d
        return fmgr_status_item

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
