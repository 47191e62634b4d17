"""What the sync and async transfer twins share: settings, and preparing an upload."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

import attrs
import httpx

from .._base_client import Operation
from .._retry import RetryPolicy
from .._upload_ops import UploadCalls
from ..config import WcsConfig
from ..errors import WcsInputError, WcsIntegrityError, WcsTimeoutError, WcsTransportError
from ..models import UploadResult
from ..protocol.blocks import BlockSpan, iter_blocks, new_upload_batch
from ..protocol.checksum import EtagHasher
from ._flow import StepRetries, TokenSource, UploadJob
from ._readers import EtagFile
from ._record import BlockState, ResumeRecord, UploadIdentity, derive_upload_id
from .progress import ProgressCallback, ProgressTracker

H = TypeVar("H")

__all__ = [
    "FileUpload",
    "TransferBase",
    "TransferSettings",
    "download_transport_error",
    "local_file",
    "prepare_file_upload",
    "verify_hash",
]


_UPLOAD_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


@attrs.frozen(kw_only=True)
class TransferSettings:
    """The tunables of transfers, from the configuration."""

    block_size: int
    chunk_size: int
    concurrency: int
    record_folder: str
    retries: StepRetries
    download_retries: int
    traffic_limit: int = 0

    @classmethod
    def from_config(cls, config: WcsConfig, backoff: RetryPolicy | None = None) -> TransferSettings:
        """Attempts per step from the config; waits between them as ``backoff`` says."""
        base = backoff or RetryPolicy()

        def attempts(retries: int) -> RetryPolicy:
            return attrs.evolve(base, max_retries=retries)

        return cls(
            block_size=config.block_size,
            chunk_size=config.bput_size,
            concurrency=max(config.concurrency, 1),  # 0 means "one block at a time"
            record_folder=config.tmp_record_folder,
            retries=StepRetries(
                mkblk=attempts(config.mkblk_retries),
                bput=attempts(config.bput_retries),
                mkfile=attempts(config.mkfile_retries),
                form=attempts(config.connection_retries),
            ),
            download_retries=config.connection_retries,
            traffic_limit=config.traffic_limit,
        )


def local_file(path: str | os.PathLike[str]) -> Path:
    file = Path(path)
    if not file.is_file():
        raise WcsInputError(f"no such file: {file}" if not file.exists() else f"not a file: {file}")
    return file


def verify_hash(result: UploadResult, local_etag: str) -> UploadResult:
    """The object is uploaded only if the server hashed the same bytes we read."""
    if result.hash is not None and result.hash != local_etag:
        raise WcsIntegrityError(
            f"upload wcs://{result.bucket}/{result.key}: the server's hash {result.hash} "
            f"differs from the local etag {local_etag}",
            request_id=result.request_id,
        )
    return result


def download_transport_error(url: str, exc: httpx.HTTPError) -> WcsTransportError:
    """The error for a download cut short: a timeout is a :class:`WcsTimeoutError`."""
    if isinstance(exc, httpx.TimeoutException):
        return WcsTimeoutError(f"download {url}: timed out ({type(exc).__name__})")
    return WcsTransportError(f"download {url}: {str(exc) or type(exc).__name__}")


@attrs.frozen(kw_only=True)
class FileUpload:
    """A multipart upload of a file, ready to run: what is left to send, and its job."""

    job: UploadJob
    record: ResumeRecord
    path: Path
    size: int
    mtime_ns: int
    blocks: list[BlockSpan]
    resumed: dict[int, BlockState]

    def __enter__(self) -> FileUpload:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.record.close()  # kept on disk for a later run unless the upload finished

    @property
    def pending(self) -> list[BlockSpan]:
        """Blocks the server does not hold whole yet."""
        return [
            block
            for block in self.blocks
            if not (block.index in self.resumed and self.resumed[block.index].complete)
        ]

    def check_unchanged(self) -> None:
        stat = self.path.stat()
        if (stat.st_size, stat.st_mtime_ns) != (self.size, self.mtime_ns):
            raise WcsInputError(f"{self.path} changed while it was being uploaded")


def prepare_file_upload(
    settings: TransferSettings,
    *,
    path: Path,
    bucket: str,
    key: str,
    upload_id: str | None,
    calls: UploadCalls,
    tokens: TokenSource,
    progress: ProgressCallback | None,
) -> FileUpload:
    """Open (or resume) the record of this upload and work out what is left to send.

    The upload id is the caller's, or derived from target and file so that running the
    same upload again resumes by itself. A record made for another file is not used.
    """
    stat = path.stat()
    identity = UploadIdentity(
        bucket=bucket,
        key=key,
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
        block_size=settings.block_size,
    )
    if upload_id is not None and not _UPLOAD_ID.fullmatch(upload_id):
        raise WcsInputError(
            f"upload id must be 1-64 letters, digits, '-' or '_', got {upload_id!r}"
        )
    upload_id = upload_id or derive_upload_id(identity)
    record = ResumeRecord.open(settings.record_folder, upload_id, identity)
    blocks = list(iter_blocks(stat.st_size, settings.block_size))
    sizes = {block.index: block.size for block in blocks}
    resumed = {i: s for i, s in record.blocks().items() if sizes.get(i) == s.size}
    tracker = ProgressTracker(
        progress, stat.st_size, done=sum(state.acked for state in resumed.values())
    )
    job = UploadJob(
        bucket=bucket,
        key=key,
        calls=calls,
        tokens=tokens,
        batch=upload_id,
        chunk_size=settings.chunk_size,
        retries=settings.retries,
        progress=tracker,
        record=record,
    )
    return FileUpload(
        job=job,
        record=record,
        path=path,
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
        blocks=blocks,
        resumed=resumed,
    )


class TransferBase(Generic[H]):
    """What the sync and async transfer twins share; they add only the I/O."""

    def __init__(
        self,
        *,
        settings: TransferSettings,
        calls: UploadCalls,
        tokens_for: Callable[[str, str], TokenSource],
        http: Callable[[], H],
    ) -> None:
        self._settings = settings
        self._calls = calls
        self._tokens_for = tokens_for
        self._http = http

    def _prepare(
        self,
        file: Path,
        bucket: str,
        key: str,
        upload_id: str | None,
        progress: ProgressCallback | None,
    ) -> FileUpload:
        return prepare_file_upload(
            self._settings,
            path=file,
            bucket=bucket,
            key=key,
            upload_id=upload_id,
            calls=self._calls,
            tokens=self._tokens_for(bucket, key),
            progress=progress,
        )

    def _stream_job(self, bucket: str, key: str, progress: ProgressCallback | None) -> UploadJob:
        """A job for an upload of unknown size: no resume record (a stream can't be re-read)."""
        return UploadJob(
            bucket=bucket,
            key=key,
            calls=self._calls,
            tokens=self._tokens_for(bucket, key),
            batch=new_upload_batch(),
            chunk_size=self._settings.chunk_size,
            retries=self._settings.retries,
            progress=ProgressTracker(progress, None),
        )

    def _small_stream_op(self, data: bytes, bucket: str, key: str) -> Operation[UploadResult]:
        token = self._tokens_for(bucket, key).token()
        return self._calls.form_upload(token, bucket, key, io.BytesIO(data), len(data))

    @staticmethod
    def _small_stream_done(
        data: bytes, result: UploadResult, progress: ProgressCallback | None
    ) -> UploadResult:
        ProgressTracker(progress, len(data)).add(len(data))
        hasher = EtagHasher()
        hasher.update(data)
        return verify_hash(result, hasher.etag())

    def _form_upload_op(
        self, stream: EtagFile, bucket: str, key: str, size: int
    ) -> Operation[UploadResult]:
        return self._calls.form_upload(
            self._tokens_for(bucket, key).token(), bucket, key, stream, size
        )

    @staticmethod
    def _form_upload_done(
        file: Path, stream: EtagFile, size: int, result: UploadResult
    ) -> UploadResult:
        if stream.hasher.bytes_hashed != size:
            raise WcsInputError(f"{file} changed while it was being uploaded")
        return verify_hash(result, stream.hasher.etag())
