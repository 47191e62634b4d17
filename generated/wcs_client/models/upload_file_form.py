from __future__ import annotations

from collections.abc import Mapping
from io import BytesIO
from typing import Any, TypeVar

from attrs import define as _attrs_define

from .. import types
from ..types import UNSET, File, Unset

T = TypeVar("T", bound="UploadFileForm")


@_attrs_define
class UploadFileForm:
    """Form fields of a simple upload, in the order they are sent.

    Attributes:
        token (str): The upload token `AK:sign:encodedPolicy`.
        file (File): The file content; the part's filename is the key percent-encoded with `/` kept.
        key (str | Unset): Key to store under when the policy scope names only a bucket (the scope wins).
        mime_type (str | Unset): MIME type to store with the object.
        deadline (int | Unset): Days to keep the object.
    """

    token: str
    file: File
    key: str | Unset = UNSET
    mime_type: str | Unset = UNSET
    deadline: int | Unset = UNSET

    def to_dict(self) -> dict[str, Any]:
        token = self.token

        file = self.file.to_tuple()

        key = self.key

        mime_type = self.mime_type

        deadline = self.deadline

        field_dict: dict[str, Any] = {}

        field_dict.update(
            {
                "token": token,
                "file": file,
            }
        )
        if key is not UNSET:
            field_dict["key"] = key
        if mime_type is not UNSET:
            field_dict["mimeType"] = mime_type
        if deadline is not UNSET:
            field_dict["deadline"] = deadline

        return field_dict

    def to_multipart(self) -> types.RequestFiles:
        files: types.RequestFiles = []

        files.append(("token", (None, str(self.token).encode(), "text/plain")))

        files.append(("file", self.file.to_tuple()))

        if not isinstance(self.key, Unset):
            files.append(("key", (None, str(self.key).encode(), "text/plain")))

        if not isinstance(self.mime_type, Unset):
            files.append(("mimeType", (None, str(self.mime_type).encode(), "text/plain")))

        if not isinstance(self.deadline, Unset):
            files.append(("deadline", (None, str(self.deadline).encode(), "text/plain")))

        return files

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        d = dict(src_dict)
        token = d.pop("token")

        file = File(payload=BytesIO(d.pop("file")))

        key = d.pop("key", UNSET)

        mime_type = d.pop("mimeType", UNSET)

        deadline = d.pop("deadline", UNSET)

        upload_file_form = cls(
            token=token,
            file=file,
            key=key,
            mime_type=mime_type,
            deadline=deadline,
        )

        return upload_file_form
