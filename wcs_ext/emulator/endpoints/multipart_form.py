"""A streaming ``multipart/form-data`` reader for ``/file/upload``.

Small fields are kept in memory (capped); the file part goes straight into a new blob
as it arrives, hashed on the way, so an upload of any size costs one pass over its
bytes and a few MiB of memory. ``on_field`` sees each field as soon as it is complete:
the token comes first, so a bad one stops the upload before the file is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Final
from urllib.parse import unquote

from python_multipart import MultipartParser
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import parse_options_header

from ..errors import bad_request
from ..state.blob_files import BlobStore, BlobWriter

__all__ = ["FormReceiver", "boundary_of"]

_MAX_FIELD_BYTES: Final = 64 * 1024
_MAX_FIELDS: Final = 100


def boundary_of(content_type: str | None) -> bytes:
    media, params = parse_options_header(content_type)
    boundary = params.get(b"boundary")
    if media != b"multipart/form-data" or not boundary:
        raise bad_request("expected a multipart/form-data body with a boundary")
    return boundary


class FormReceiver:
    """Feed it the body with :meth:`feed`, then call :meth:`finish`; not thread-safe."""

    def __init__(
        self, boundary: bytes, blobs: BlobStore, on_field: Callable[[str, str], None]
    ) -> None:
        self._blobs = blobs
        self._on_field = on_field
        self.fields: dict[str, str] = {}
        self.file: BlobWriter | None = None
        self.filename = ""
        self._headers: dict[bytes, bytes] = {}
        self._header_name = bytearray()
        self._header_value = bytearray()
        self._field: tuple[str, bytearray] | None = None
        self._ended = False
        try:
            self._parser = MultipartParser(
                boundary,
                callbacks={
                    "on_part_begin": self._part_begin,
                    "on_header_field": self._header_field,
                    "on_header_value": self._header_value_data,
                    "on_header_end": self._header_end,
                    "on_headers_finished": self._headers_finished,
                    "on_part_data": self._part_data,
                    "on_part_end": self._part_end,
                    "on_end": self._end,
                },
            )
        except FormParserError as exc:
            raise bad_request(f"bad multipart body: {exc}") from None

    def feed(self, data: bytes) -> None:
        try:
            self._parser.write(data)
        except FormParserError as exc:
            raise bad_request(f"bad multipart body: {exc}") from None

    def finish(self) -> None:
        if not self._ended:
            raise bad_request("the multipart body ends before its closing boundary")
        if self.file is None:
            raise bad_request("the form has no file part")

    def discard(self) -> None:
        if self.file is not None:
            self.file.discard()

    # -- parser callbacks ---------------------------------------------------------------

    def _part_begin(self) -> None:
        self._headers = {}

    def _header_field(self, data: bytes, start: int, end: int) -> None:
        self._header_name += data[start:end]

    def _header_value_data(self, data: bytes, start: int, end: int) -> None:
        self._header_value += data[start:end]

    def _header_end(self) -> None:
        self._headers[bytes(self._header_name).lower()] = bytes(self._header_value)
        self._header_name.clear()
        self._header_value.clear()

    def _headers_finished(self) -> None:
        disposition = self._headers.get(b"content-disposition", b"")
        _, params = parse_options_header(disposition)
        name = params.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" in params:
            if self.file is not None:
                raise bad_request("the form has more than one file part")
            # The SDKs percent-encode the name they send; it only feeds $(fname).
            self.filename = unquote(params[b"filename"].decode("utf-8", "replace"))
            self.file = self._blobs.writer()
            self._field = None
        else:
            if len(self.fields) >= _MAX_FIELDS:
                raise bad_request("the form has too many fields")
            self._field = (name, bytearray())

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._field is None:
            if self.file is not None:
                # A view, not a slice: the file part's bytes are not copied on the way.
                self.file.write(memoryview(data)[start:end])
            return
        buffer = self._field[1]
        buffer += data[start:end]
        if len(buffer) > _MAX_FIELD_BYTES:
            raise bad_request(f"form field {self._field[0]!r} is too long")

    def _part_end(self) -> None:
        if self._field is None:
            return
        name, raw = self._field
        self._field = None
        try:
            value = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise bad_request(f"form field {name!r} is not UTF-8") from None
        self.fields.setdefault(name, value)
        self._on_field(name, value)

    def _end(self) -> None:
        self._ended = True
