"""The upload-host calls (form upload, mkblk, bput, mkfile) as :class:`Operation` s."""

from __future__ import annotations

import io
import mimetypes
from collections.abc import Sequence
from typing import Any, BinaryIO
from urllib.parse import quote

from wcs_client.api.upload import make_block, make_file, put_chunk, upload_file
from wcs_client.models import BlockResult, UploadFileForm
from wcs_client.models import UploadResult as RawUploadResult
from wcs_client.types import UNSET, File, Response

from ._base_client import Operation, parsed_or_raise, protocol_error, request_id_of
from .models import UploadResult
from .protocol.blocks import BlockAck

__all__ = ["BlockAck", "UploadCalls"]


class _BytesPayload(io.BytesIO):
    """A chunk body that reads whole on every attempt, so a retry re-sends the same bytes.

    (Reading a ``BytesIO`` created from bytes returns that bytes object: no copy.)
    """

    def read(self, size: int | None = -1, /) -> bytes:
        if size is None or size < 0:
            self.seek(0)
        return super().read(size)


def _block_ack(what: str) -> Any:
    def parse(response: Response[Any]) -> BlockAck:
        ack = parsed_or_raise(response, what, BlockResult)
        return BlockAck(
            ctx=ack.ctx,
            offset=ack.offset,
            crc32=ack.crc32,
            checksum=ack.checksum,
            request_id=request_id_of(response),
        )

    return parse


def _upload_result(what: str, bucket: str, key: str, size: int | None) -> Any:
    def parse(response: Response[Any]) -> UploadResult:
        request_id = request_id_of(response)
        if 300 <= response.status_code < 400:
            return UploadResult(
                bucket=bucket,
                key=key,
                hash=None,
                size=size,
                request_id=request_id,
                redirect=response.headers.get("location"),
            )
        stored = parsed_or_raise(response, what, RawUploadResult)
        if isinstance(stored.key, str) and stored.key != key:
            raise protocol_error(response, what, f"the server stored key {stored.key!r}")
        return UploadResult(
            bucket=bucket,
            key=key,
            hash=stored.hash_ if isinstance(stored.hash_, str) else None,
            size=size,
            request_id=request_id,
            body=stored.to_dict(),
        )

    return parse


class UploadCalls:
    """Builds upload operations; ``traffic_limit`` (0 = none) goes on every request."""

    def __init__(self, *, traffic_limit: int = 0) -> None:
        self._traffic_limit: int | Any = traffic_limit or UNSET

    def form_upload(
        self, token: str, bucket: str, key: str, stream: BinaryIO, size: int | None
    ) -> Operation[UploadResult]:
        # The file part is named after the key (slashes kept), as every WCS SDK does; the
        # stored key comes from the token's scope.
        mime_type = mimetypes.guess_type(key)[0] or "application/octet-stream"
        form = UploadFileForm(
            token=token,
            file=File(payload=stream, file_name=quote(key, safe="/"), mime_type=mime_type),
        )
        what = f"upload wcs://{bucket}/{key}"
        return Operation(
            what=what,
            host="put",
            sync=upload_file.sync_detailed,
            asyncio=upload_file.asyncio_detailed,
            kwargs={"body": form, "x_wos_traffic_limit": self._traffic_limit},
            parse=_upload_result(what, bucket, key, size),
        )

    def _headers(self, token: str, upload_batch: str) -> dict[str, Any]:
        return {
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
            sync=make_block.sync_detailed,
            asyncio=make_block.asyncio_detailed,
            kwargs={
                "block_size": block_size,
                "block_index": block_index,
                "body": File(payload=_BytesPayload(chunk)),
                **self._headers(token, upload_batch),
            },
            parse=_block_ack(what),
        )

    def put_chunk(
        self, token: str, upload_batch: str, ctx: str, offset: int, chunk: bytes
    ) -> Operation[BlockAck]:
        what = f"bput at {offset}"
        return Operation(
            what=what,
            host="put",
            sync=put_chunk.sync_detailed,
            asyncio=put_chunk.asyncio_detailed,
            kwargs={
                "ctx": ctx,
                "offset": offset,
                "body": File(payload=_BytesPayload(chunk)),
                **self._headers(token, upload_batch),
            },
            parse=_block_ack(what),
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
    ) -> Operation[UploadResult]:
        what = f"mkfile wcs://{bucket}/{key}"
        return Operation(
            what=what,
            host="put",
            sync=make_file.sync_detailed,
            asyncio=make_file.asyncio_detailed,
            kwargs={
                "file_size": size,
                "body": ",".join(ctxs),
                **self._headers(token, upload_batch),
            },
            parse=_upload_result(what, bucket, key, size),
        )
