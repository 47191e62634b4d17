from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define

T = TypeVar("T", bound="ImageDetectForm")


@_attrs_define
class ImageDetectForm:
    """Body of `imageDetect`, in the order it is sent.

    Attributes:
        image (str): `b64u(image URL)`.
        type_ (str): Detection type, e.g. `porn`.
        bucket (str): Bucket name (raw).
    """

    image: str
    type_: str
    bucket: str

    def to_dict(self) -> dict[str, Any]:
        image = self.image

        type_ = self.type_

        bucket = self.bucket

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "image": image,
                "type": type_,
                "bucket": bucket,
            }
        )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        image = d.pop("image")

        type_ = d.pop("type")

        bucket = d.pop("bucket")

        image_detect_form = cls(
            image=image,
            type_=type_,
            bucket=bucket,
        )

        return image_detect_form
