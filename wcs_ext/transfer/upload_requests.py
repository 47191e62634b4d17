"""The upload host's calls (form upload, mkblk, bput, mkfile) as :class:`Operation` s.

Pure: each builds its request with the generated endpoint's typed ``build_request`` and
reads the answer with its ``parse_response``; the clients' send loops do the I/O.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO, TypedDict
from urllib.parse import quote

import attrs
import httpx

from wcs_client import models as generated
from wcs_client.api import upload as upload_api
from wcs_client.types import UNSET, File, Unset

from .._operation import Operation
from .._responses import answer_reader, parsed_or_raise, protocol_error, request_id_of
from ..protocol.blocks import BlockAck
from ..protocol.encoding import urlsafe_b64encode
from ..protocol.media_types import DEFAULT_MEDIA_TYPE

__all__ = ["UploadAnswer", "UploadRequests"]


@attrs.frozen(kw_only=True)
class UploadAnswer:
    """What the server says it stored, before its hash is checked against the local
    etag (``upload_plan.verify_hash`` makes the :class:`~wcs_ext.models.UploadResult`).
    ``hash`` is ``None`` when the answer has none (a ``returnBody`` without it, a
    ``returnUrl`` redirect)."""

    bucket: str
    key: str
    hash: str | None
    size: int | None = None
    request_id: str | None = None
    body: dict[str, Any] = attrs.field(factory=dict)
    redirect: str | None = None


def _block_ack(ack: generated.BlockResult, response: httpx.Response) -> BlockAck:
    return BlockAck(
        ctx=ack.ctx,
        offset=ack.offset,
        crc32=ack.crc32,
        checksum=ack.checksum,
        request_id=request_id_of(response),
    )


class _ChunkFields(TypedDict):
    """What mkblk and bput send besides their path: the chunk and the upload headers."""

    body: File
    authorization: str
    upload_batch: str
    x_wos_traffic_limit: int | Unset


class _FileFields(TypedDict):
    """What mkfile sends besides its path: the ctx list and the upload headers."""

    body: str
    authorization: str
    upload_batch: str
    x_wos_traffic_limit: int | Unset


def _upload_answer(
    what: str, bucket: str, key: str, size: int | None, parse: Callable[[httpx.Response], object]
) -> Callable[[httpx.Response], UploadAnswer]:
    def read(response: httpx.Response) -> UploadAnswer:
        request_id = request_id_of(response)
        if 300 <= response.status_code < 400:
            return UploadAnswer(
                bucket=bucket,
                key=key,
                hash=None,
                size=size,
                request_id=request_id,
                redirect=response.headers.get("location"),
            )
        stored = parsed_or_raise(parse(response), response, what, generated.UploadResult)
        if isinstance(stored.key, str) and stored.key != key:
            raise protocol_error(response, what, f"the server stored key {stored.key!r}")
        return UploadAnswer(
            bucket=bucket,
            key=key,
            hash=stored.hash_ if isinstance(stored.hash_, str) else None,
            size=size,
            request_id=request_id,
            body=stored.to_dict(),
        )

    return read


class UploadRequests:
    """Builds upload operations; ``traffic_limit`` (0 = none) goes on every request,
    ``content_type`` (None: none is sent, the server's default applies) on form uploads
    and mkfile."""

    def __init__(self, *, traffic_limit: int = 0, content_type: str | None = None) -> None:
        self._traffic_limit: int | Unset = traffic_limit or UNSET
        self._content_type = content_type

    def form_upload(
        self, token: str, bucket: str, key: str, stream: BinaryIO, size: int | None
    ) -> Operation[UploadAnswer]:
        # The file part is named after the key (slashes kept), as every WCS SDK does; the
        # stored key comes from the token's scope. The type WCS stores is the mimeType
        # field (the docs'); the part is labelled alike, or as the docs' example labels
        # bytes of no stated type, so that nothing on the wire says otherwise.
        form = generated.UploadFileForm(
            token=token,
            mime_type=self._content_type or UNSET,
            file=File(
                payload=stream,
                file_name=quote(key, safe="/"),
                mime_type=self._content_type or DEFAULT_MEDIA_TYPE,
            ),
        )
        what = f"upload wcs://{bucket}/{key}"
        return Operation(
            what=what,
            host="put",
            request=upload_api.upload_file.build_request(
                body=form, x_wos_traffic_limit=self._traffic_limit
            ),
            parse=_upload_answer(what, bucket, key, size, upload_api.upload_file.parse_response),
        )

    def _chunk(self, token: str, upload_batch: str, chunk: bytes) -> _ChunkFields:
        return {
            "body": File(payload=io.BytesIO(chunk)),
            "authorization": token,
            "upload_batch": upload_batch,
            "x_wos_traffic_limit": self._traffic_limit,
        }

    def make_block(
        self, token: str, upload_batch: str, block_size: int, block_index: int, chunk: bytes
    ) -> Operation[BlockAck]:
        what = f"mkblk {block_index}"
        return Operation(
            what=what,
            host="put",
            request=upload_api.make_block.build_request(
                block_size=block_size,
                block_index=block_index,
                **self._chunk(token, upload_batch, chunk),
            ),
            parse=answer_reader(
                what, upload_api.make_block.parse_response, generated.BlockResult, _block_ack
            ),
        )

    def put_chunk(
        self, token: str, upload_batch: str, ctx: str, offset: int, chunk: bytes
    ) -> Operation[BlockAck]:
        what = f"bput at {offset}"
        return Operation(
            what=what,
            host="put",
            request=upload_api.put_chunk.build_request(
                ctx=ctx, offset=offset, **self._chunk(token, upload_batch, chunk)
            ),
            parse=answer_reader(
                what, upload_api.put_chunk.parse_response, generated.BlockResult, _block_ack
            ),
        )

    def make_file(
        self,
        *,
        token: str,
        upload_batch: str,
        bucket: str,
        key: str,
        size: int,
        ctxs: Sequence[str],
    ) -> Operation[UploadAnswer]:
        what = f"mkfile wcs://{bucket}/{key}"
        fields: _FileFields = {
            "body": ",".join(ctxs),
            "authorization": token,
            "upload_batch": upload_batch,
            "x_wos_traffic_limit": self._traffic_limit,
        }
        if self._content_type is None:
            request = upload_api.make_file.build_request(file_size=size, **fields)
        else:
            request = upload_api.make_file_typed.build_request(
                file_size=size, mime_type=urlsafe_b64encode(self._content_type), **fields
            )
        return Operation(
            what=what,
            host="put",
            request=request,
            parse=_upload_answer(what, bucket, key, size, upload_api.make_file.parse_response),
        )
