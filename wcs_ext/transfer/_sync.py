"""Uploads and downloads over the synchronous client.

Blocks are sent one after another here, each chunk's crc32 checked against the server's
answer and the final hash against the etag computed while reading.
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable
from pathlib import Path
from typing import Protocol, TypeVar

import attrs
import httpx

from .._base_client import Operation, error_from_response, request_id_of
from .._upload_ops import UploadCalls
from ..checksum import EtagHasher
from ..errors import WcsInputError, WcsIntegrityError, WcsTimeoutError, WcsTransportError
from ..models import UploadResult
from ._blocks import BlockSpan, check_ack, new_upload_batch, plan_blocks, plan_chunks
from ._readers import EtagFile, Readable, read_exactly

__all__ = [
    "DOWNLOAD_CHUNK",
    "DownloadResult",
    "SyncTransfer",
    "check_length",
    "download_transport_error",
    "local_file",
    "partial_path",
    "verify_hash",
]

T = TypeVar("T")
DOWNLOAD_CHUNK = 1024 * 1024


class Runner(Protocol):
    def __call__(self, op: Operation[T], /) -> T: ...


@attrs.frozen(kw_only=True)
class DownloadResult:
    path: Path
    size: int
    request_id: str | None = None


def verify_hash(result: UploadResult, local_etag: str) -> UploadResult:
    """The object is uploaded only if the server hashed the same bytes we read."""
    if result.hash is not None and result.hash != local_etag:
        raise WcsIntegrityError(
            f"upload wcs://{result.bucket}/{result.key}: the server's hash {result.hash} "
            f"differs from the local etag {local_etag}",
            request_id=result.request_id,
        )
    return result


def local_file(path: str | os.PathLike[str]) -> Path:
    file = Path(path)
    if not file.is_file():
        raise WcsInputError(f"no such file: {file}" if not file.exists() else f"not a file: {file}")
    return file


def partial_path(dest: str | os.PathLike[str]) -> tuple[Path, Path]:
    """The download target and the hidden file beside it that receives the bytes."""
    target = Path(dest)
    if target.is_dir():
        raise WcsInputError(f"{target} is a directory; give a file name")
    if not target.parent.is_dir():
        raise WcsInputError(f"no such directory: {target.parent}")
    return target, target.with_name(f".{target.name}.wcs-part")


def check_length(response: httpx.Response, size: int, url: str) -> None:
    """A body shorter than its Content-Length is a cut connection, not a file."""
    expected = response.headers.get("content-length")
    if (
        expected is not None
        and "content-encoding" not in response.headers
        and int(expected) != size
    ):
        raise WcsIntegrityError(
            f"download {url}: got {size} bytes of {expected}",
            request_id=request_id_of(response),
        )


def download_transport_error(url: str, exc: httpx.HTTPError) -> WcsTransportError:
    """The error for a download cut short: a timeout is a :class:`WcsTimeoutError`."""
    if isinstance(exc, httpx.TimeoutException):
        return WcsTimeoutError(f"download {url}: timed out ({type(exc).__name__})")
    return WcsTransportError(f"download {url}: {str(exc) or type(exc).__name__}")


class SyncTransfer:
    """Runs upload operations through ``run`` (which retries) and downloads via ``http``."""

    def __init__(
        self,
        *,
        run: Runner,
        calls: UploadCalls,
        token_for: Callable[[str, str], str],
        http: Callable[[], httpx.Client],
        block_size: int,
        chunk_size: int,
        traffic_limit: int = 0,
    ) -> None:
        self._run = run
        self._calls = calls
        self._token_for = token_for
        self._http = http
        self._block_size = block_size
        self._chunk_size = chunk_size
        self._traffic_limit = traffic_limit

    # -- uploads -------------------------------------------------------------------------

    def simple_upload(self, path: str | os.PathLike[str], bucket: str, key: str) -> UploadResult:
        """One form POST; the file is streamed from disk and hashed as it is sent."""
        file = local_file(path)
        with EtagFile(os.fspath(file)) as stream:
            size = os.fstat(stream.fileno()).st_size
            token = self._token_for(bucket, key)
            result = self._run(self._calls.form_upload(token, bucket, key, stream, size))
            if stream.hasher.bytes_hashed != size:
                raise WcsInputError(f"{file} changed while it was being uploaded")
            return verify_hash(result, stream.hasher.etag())

    def block_upload(
        self,
        path: str | os.PathLike[str],
        bucket: str,
        key: str,
        *,
        upload_batch: str | None = None,
    ) -> UploadResult:
        """mkblk/bput/mkfile, block after block; an empty file goes as a simple upload."""
        file = local_file(path)
        size = file.stat().st_size
        if size == 0:
            return self.simple_upload(file, bucket, key)
        token = self._token_for(bucket, key)
        batch = upload_batch or new_upload_batch()
        hasher = EtagHasher()
        ctxs: list[str] = []
        with file.open("rb") as stream:
            for block in plan_blocks(size, self._block_size):
                data = read_exactly(stream, block.size)
                if len(data) != block.size:
                    raise WcsInputError(f"{file} changed while it was being uploaded")
                ctxs.append(self._send_block(token, batch, block, data, hasher))
        result = self._run(
            self._calls.make_file(
                token=token, upload_batch=batch, bucket=bucket, key=key, size=size, ctxs=ctxs
            )
        )
        return verify_hash(result, hasher.etag())

    def stream_upload(self, stream: Readable, bucket: str, key: str) -> UploadResult:
        """Upload from any readable stream, size unknown, holding at most one block.

        A stream that ends within the first block goes as one form upload.
        """
        first = read_exactly(stream, self._block_size)
        if len(first) < self._block_size:
            return self._small_stream(first, bucket, key)
        token = self._token_for(bucket, key)
        batch = new_upload_batch()
        hasher = EtagHasher()
        ctxs: list[str] = []
        total = 0
        data = first
        while data:
            block = BlockSpan(len(ctxs), total, len(data))
            ctxs.append(self._send_block(token, batch, block, data, hasher))
            total += len(data)
            data = read_exactly(stream, self._block_size)
        result = self._run(
            self._calls.make_file(
                token=token, upload_batch=batch, bucket=bucket, key=key, size=total, ctxs=ctxs
            )
        )
        return verify_hash(result, hasher.etag())

    def _small_stream(self, data: bytes, bucket: str, key: str) -> UploadResult:
        token = self._token_for(bucket, key)
        body = io.BytesIO(data)
        result = self._run(self._calls.form_upload(token, bucket, key, body, len(data)))
        hasher = EtagHasher()
        hasher.update(data)
        return verify_hash(result, hasher.etag())

    def _send_block(
        self, token: str, batch: str, block: BlockSpan, data: bytes, hasher: EtagHasher
    ) -> str:
        """Send one block as mkblk + bput chunks; returns the block's final ctx."""
        view = memoryview(data)
        ctx = ""
        for offset, size in plan_chunks(block.size, self._chunk_size):
            chunk = bytes(view[offset : offset + size]) if size != len(data) else data
            hasher.update(chunk)
            if offset == 0:
                op = self._calls.make_block(token, batch, block.size, block.index, chunk)
            else:
                op = self._calls.put_chunk(token, batch, ctx, offset, chunk)
            ack = self._run(op)
            check_ack(ack, chunk, offset + size, op.what)
            ctx = ack.ctx
        return ctx

    # -- downloads -----------------------------------------------------------------------

    def download(self, url: str, dest: str | os.PathLike[str]) -> DownloadResult:
        """Stream ``url`` into a hidden file beside ``dest``, then rename it into place.

        A failure leaves nothing under ``dest``'s name.
        """
        target, partial = partial_path(dest)
        headers = {"x-wos-traffic-limit": str(self._traffic_limit)} if self._traffic_limit else {}
        try:
            with self._http().stream("GET", url, headers=headers) as response:
                if response.status_code != 200:
                    response.read()
                    raise error_from_response(response, f"download {url}")
                size = 0
                with partial.open("wb") as out:
                    for chunk in response.iter_bytes(DOWNLOAD_CHUNK):
                        out.write(chunk)
                        size += len(chunk)
                check_length(response, size, url)
                request_id = request_id_of(response)
            os.replace(partial, target)
        except httpx.HTTPError as exc:
            raise download_transport_error(url, exc) from exc
        finally:
            with contextlib.suppress(FileNotFoundError):
                partial.unlink()
        return DownloadResult(path=target, size=size, request_id=request_id)
