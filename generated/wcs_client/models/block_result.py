from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

T = TypeVar("T", bound="BlockResult")


@_attrs_define
class BlockResult:
    """Answer to `mkblk` and `bput`.

    Attributes:
        ctx (str): Context of the block so far; pass it to the next `bput` and, for the last chunk, to `mkfile`.
        checksum (str): SHA-1 of the block received so far.
        crc32 (int): CRC-32 (unsigned) of the chunk just received.
        offset (int): Bytes of this block received so far (= offset of the next chunk within the block).
        host (str | Unset): Upload host to send the following chunks of this block to.
    """

    ctx: str
    checksum: str
    crc32: int
    offset: int
    host: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        ctx = self.ctx

        checksum = self.checksum

        crc32 = self.crc32

        offset = self.offset

        host = self.host

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update(
            {
                "ctx": ctx,
                "checksum": checksum,
                "crc32": crc32,
                "offset": offset,
            }
        )
        if host is not UNSET:
            field_dict["host"] = host

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        ctx = d.pop("ctx")

        checksum = d.pop("checksum")

        crc32 = d.pop("crc32")

        offset = d.pop("offset")

        host = d.pop("host", UNSET)

        block_result = cls(
            ctx=ctx,
            checksum=checksum,
            crc32=crc32,
            offset=offset,
            host=host,
        )

        block_result.additional_properties = d
        return block_result

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
