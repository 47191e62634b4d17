"""Contains some shared types for properties"""

from collections.abc import Iterable, Mapping, MutableMapping
from enum import Enum
from typing import IO, BinaryIO, Generic, Literal, TypedDict, TypeVar
from urllib.parse import quote

import httpx
from attrs import define


class Unset:
    def __bool__(self) -> Literal[False]:
        return False


UNSET: Unset = Unset()

# The types that `httpx.Client(files=)` can accept, copied from that library.
FileContent = IO[bytes] | bytes | str
FileTypes = (
    # (filename, file (or bytes), content_type)
    tuple[str | None, FileContent, str | None]
    # (filename, file (or bytes), content_type, headers)
    | tuple[str | None, FileContent, str | None, Mapping[str, str]]
)
RequestFiles = list[tuple[str, FileTypes]]


@define
class File:
    """Contains information for file uploads"""

    payload: BinaryIO
    file_name: str | None = None
    mime_type: str | None = None

    def to_tuple(self) -> FileTypes:
        """Return a tuple representation that httpx will accept for multipart/form-data"""
        return self.file_name, self.payload, self.mime_type


class RequestArgs(TypedDict, total=False):
    """The keywords of ``httpx.Client.request`` an endpoint's ``build_request`` returns

    ``auth`` is present (``None``) only for endpoints without security: a client-level signer
    must not sign them.
    """

    method: str
    url: str
    headers: dict[str, str]
    content: bytes
    files: RequestFiles
    auth: None


T = TypeVar("T")


@define
class Response(Generic[T]):
    """A response from an endpoint

    ``status_code`` is a plain ``int``: WCS answers with non-standard statuses such as 579,
    which ``http.HTTPStatus`` cannot represent. ``parsed`` is ``None`` when the body is not
    the documented JSON (empty, HTML from a proxy, another shape): read ``content`` then.
    """

    status_code: int
    content: bytes
    headers: MutableMapping[str, str]
    parsed: T | None


# WCS sends Base64 values (padded with "=") raw in query strings, and raw operation strings
# ("resource/<b64>/bucket/<b64>;...", "avthumb/mp4|saveas/<b64>") in form bodies; the
# management signature covers the exact bytes. These are the characters left unescaped.
QUERY_SAFE = "="
FORM_SAFE = "=/|;:,@!$'()*"


def release(response: httpx.Response) -> httpx.Response:
    """Detach a read response from its stream, for prompt freeing

    httpx 0.28 keeps every response in a reference cycle with its stream until the cyclic
    garbage collector runs, and the response keeps its request: with a 4 MiB upload chunk
    per request, that is tens of MiB held for nothing. The body is read already
    (``content``); dropping the stream breaks the cycle, so reference counting frees both.
    """
    response.stream = httpx.ByteStream(b"")
    return response


def wire_text(value: object) -> str:
    """One query or form value as text: enums by value, booleans as ``true``/``false``"""
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def encode_query(params: Iterable[tuple[str, object]]) -> str:
    """``name=value&...`` in the given order, leaving out UNSET and None values

    Built here rather than by httpx (``params=``), which would send ``=`` as ``%3D``.
    """
    return "&".join(
        f"{name}={quote(wire_text(value), safe=QUERY_SAFE)}"
        for name, value in params
        if not isinstance(value, Unset) and value is not None
    )


def encode_form(fields: Mapping[str, object]) -> bytes:
    """An application/x-www-form-urlencoded body, ``name=value&...`` in the mapping's order"""
    return "&".join(
        f"{name}={quote(wire_text(value), safe=FORM_SAFE)}"
        for name, value in fields.items()
        if not isinstance(value, Unset) and value is not None
    ).encode("ascii")


__all__ = [
    "FORM_SAFE",
    "QUERY_SAFE",
    "UNSET",
    "File",
    "FileTypes",
    "RequestArgs",
    "RequestFiles",
    "Response",
    "Unset",
    "encode_form",
    "encode_query",
    "release",
    "wire_text",
]
