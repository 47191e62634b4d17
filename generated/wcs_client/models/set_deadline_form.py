from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

from ..types import UNSET, Unset

T = TypeVar("T", bound="SetDeadlineForm")


@_attrs_define
class SetDeadlineForm:
    """Body of `setdeadline`, in the order it is sent.

    Attributes:
        bucket (str): `b64u(bucket)`.
        key (str): `b64u(key)`.
        deadline (int): Days to keep the object from now; 0 = delete as soon as possible, -1 = never expire.
        relevance (int | Unset): 1 = also apply to the ts files of an m3u8 playlist.
    """

    bucket: str
    key: str
    deadline: int
    relevance: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        bucket = self.bucket

        key = self.key

        deadline = self.deadline

        relevance = self.relevance

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "bucket": bucket,
                "key": key,
                "deadline": deadline,
            }
        )
        if relevance is not UNSET:
            field_dict["relevance"] = relevance

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        bucket = d.pop("bucket")

        key = d.pop("key")

        deadline = d.pop("deadline")

        relevance = d.pop("relevance", UNSET)

        set_deadline_form = cls(
            bucket=bucket,
            key=key,
            deadline=deadline,
            relevance=relevance,
        )

        return set_deadline_form
