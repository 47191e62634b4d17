"""The awaitable twin of the simple upload and the download of :mod:`._sync`."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Protocol, TypeVar

import httpx

from .._base_client import Operation, error_from_response, request_id_of
from .._upload_ops import UploadCalls
from ..errors import WcsInputError
from ..models import UploadResult
from ._readers import EtagFile
from ._sync import (
    DOWNLOAD_CHUNK,
    DownloadResult,
    check_length,
    download_transport_error,
    local_file,
    partial_path,
    verify_hash,
)

__all__ = ["AsyncTransfer"]

T = TypeVar("T")


class AsyncRunner(Protocol):
    def __call__(self, op: Operation[T], /) -> Awaitable[T]: ...


class AsyncTransfer:
    def __init__(
        self,
        *,
        run: AsyncRunner,
        calls: UploadCalls,
        token_for: Callable[[str, str], str],
        http: Callable[[], httpx.AsyncClient],
        traffic_limit: int = 0,
    ) -> None:
        self._run = run
        self._calls = calls
        self._token_for = token_for
        self._http = http
        self._traffic_limit = traffic_limit

    async def simple_upload(
        self, path: str | os.PathLike[str], bucket: str, key: str
    ) -> UploadResult:
        file = local_file(path)
        with EtagFile(os.fspath(file)) as stream:
            size = os.fstat(stream.fileno()).st_size
            token = self._token_for(bucket, key)
            result = await self._run(self._calls.form_upload(token, bucket, key, stream, size))
            if stream.hasher.bytes_hashed != size:
                raise WcsInputError(f"{file} changed while it was being uploaded")
            return verify_hash(result, stream.hasher.etag())

    async def download(self, url: str, dest: str | os.PathLike[str]) -> DownloadResult:
        target, partial = partial_path(dest)
        headers = {"x-wos-traffic-limit": str(self._traffic_limit)} if self._traffic_limit else {}
        try:
            async with self._http().stream("GET", url, headers=headers) as response:
                if response.status_code != 200:
                    await response.aread()
                    raise error_from_response(response, f"download {url}")
                size = 0
                with partial.open("wb") as out:
                    async for chunk in response.aiter_bytes(DOWNLOAD_CHUNK):
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
        return DownloadResult(path=Path(target), size=size, request_id=request_id)
