"""What one multipart upload is, apart from its I/O: the blocks left to send (from the
resume record), its tokens, and the checks every answer must pass.

The story that uses these, top to bottom, is ``wcs_ext/_async/transfer/multipart.py``.
"""

from __future__ import annotations

import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import attrs

from ..errors import WcsAPIError, WcsInputError, WcsIntegrityError
from ..models import UploadResult
from ..protocol.blocks import CTX_LOST_CODE, BlockAck, BlockSpan, block_count, iter_blocks
from ..protocol.checksum import crc32_bytes, etag_from_digests
from .controls import NO_CONTROLS, TransferControls
from .progress import RESUME_LOGGER, ProgressCallback, ProgressTracker
from .record import BlockState, ResumeRecord, UploadIdentity, derive_upload_id
from .settings import TransferConfig
from .upload_requests import UploadAnswer, UploadRequests

__all__ = [
    "FileUpload",
    "TokenSource",
    "UploadJob",
    "check_ack",
    "ctx_lost",
    "etag_of",
    "local_file",
    "prepare_file_upload",
    "verify_hash",
]

_resume_log = logging.getLogger(RESUME_LOGGER)

_UPLOAD_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_CTX_LOST_CODES = frozenset({CTX_LOST_CODE, str(CTX_LOST_CODE)})


class TokenSource:
    """The upload token of one object, made again before it expires (uploads can outlive
    the 2-hour default lifetime; the original failed then)."""

    def __init__(self, make: Callable[[], tuple[str, int]], *, margin: float = 600.0) -> None:
        self._make = make
        self._margin = margin
        self._lock = threading.Lock()
        self._token = ""
        self._deadline_ms = 0

    def token(self) -> str:
        with self._lock:
            if self._deadline_ms / 1000 - time.time() < self._margin:
                self._token, self._deadline_ms = self._make()
            return self._token


@attrs.frozen(kw_only=True)
class UploadJob:
    """Everything the blocks of one upload share."""

    bucket: str
    key: str
    requests: UploadRequests
    tokens: TokenSource
    batch: str
    config: TransferConfig
    progress: ProgressTracker
    record: ResumeRecord | None = None
    controls: TransferControls = NO_CONTROLS


def check_ack(ack: BlockAck, chunk: bytes, expected_offset: int, what: str) -> None:
    """The server must have received exactly this chunk, and as much of the block as sent."""
    crc = crc32_bytes(chunk)
    if ack.crc32 != crc:
        raise WcsIntegrityError(
            f"{what}: the server's crc32 {ack.crc32} differs from the chunk's {crc}",
            request_id=ack.request_id,
        )
    if ack.offset != expected_offset:
        raise WcsIntegrityError(
            f"{what}: the server holds {ack.offset} bytes of the block, expected {expected_offset}",
            request_id=ack.request_id,
        )


def ctx_lost(exc: WcsAPIError) -> bool:
    """The server no longer knows a block's ctx (it expired): the block must go again."""
    return exc.status == 400 and exc.code in _CTX_LOST_CODES


def etag_of(states: Sequence[BlockState]) -> str:
    """The file's etag from its blocks' digests, in block order."""
    return etag_from_digests([bytes.fromhex(d) for state in states for d in state.digests])


def verify_hash(answer: UploadAnswer, local_etag: str) -> UploadResult:
    """The object is uploaded only if the server hashed the same bytes we read; an
    answer without a hash leaves the result unverified, with the local etag."""
    if answer.hash is not None and answer.hash != local_etag:
        raise WcsIntegrityError(
            f"upload wcs://{answer.bucket}/{answer.key}: the server's hash {answer.hash} "
            f"differs from the local etag {local_etag}",
            request_id=answer.request_id,
        )
    return UploadResult(
        bucket=answer.bucket,
        key=answer.key,
        hash=local_etag,
        size=answer.size,
        request_id=answer.request_id,
        body=answer.body,
        redirect=answer.redirect,
        verified=answer.hash is not None,
    )


@attrs.frozen(kw_only=True)
class FileUpload:
    """A multipart upload of a file, ready to run: its job, and what the record holds."""

    job: UploadJob
    record: ResumeRecord
    path: Path
    size: int
    mtime_ns: int
    resumed: dict[int, BlockState]

    def __enter__(self) -> FileUpload:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.record.close()  # kept on disk for a later run unless the upload finished

    @property
    def block_count(self) -> int:
        return block_count(self.size, self.job.config.block_size)

    def pending(self) -> Iterator[BlockSpan]:
        """The blocks the server does not hold whole yet, made one at a time."""
        for block in iter_blocks(self.size, self.job.config.block_size):
            state = self.resumed.get(block.index)
            if state is None or not state.complete:
                yield block

    def check_unchanged(self) -> None:
        stat = self.path.stat()
        if (stat.st_size, stat.st_mtime_ns) != (self.size, self.mtime_ns):
            raise WcsInputError(f"{self.path} changed while it was being uploaded")


def local_file(path: str | os.PathLike[str]) -> Path:
    """``path`` as a file to upload; an input error when it is missing or not a file."""
    file = Path(path)
    if not file.is_file():
        raise WcsInputError(f"no such file: {file}" if not file.exists() else f"not a file: {file}")
    return file


def prepare_file_upload(
    config: TransferConfig,
    *,
    path: Path,
    bucket: str,
    key: str,
    upload_id: str | None,
    requests: UploadRequests,
    tokens: TokenSource,
    progress: ProgressCallback | None,
    controls: TransferControls = NO_CONTROLS,
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
        block_size=config.block_size,
    )
    if upload_id is not None and not _UPLOAD_ID.fullmatch(upload_id):
        raise WcsInputError(
            f"upload id must be 1-64 letters, digits, '-' or '_', got {upload_id!r}"
        )
    upload_id = upload_id or derive_upload_id(identity)
    record = ResumeRecord.open(config.record_folder, upload_id, identity)
    count = block_count(stat.st_size, config.block_size)

    def block_size_of(index: int) -> int:
        return min(config.block_size, stat.st_size - index * config.block_size)

    resumed = {
        i: state
        for i, state in record.blocks().items()
        if 0 <= i < count and state.size == block_size_of(i)
    }
    if resumed:
        stored = sum(1 for state in resumed.values() if state.complete)
        _resume_log.info(
            "resuming upload %s: %d of %d blocks already stored", upload_id, stored, count
        )
    tracker = ProgressTracker(
        progress, stat.st_size, done=sum(state.acked for state in resumed.values())
    )
    job = UploadJob(
        bucket=bucket,
        key=key,
        requests=requests,
        tokens=tokens,
        batch=upload_id,
        config=config,
        progress=tracker,
        record=record,
        controls=controls,
    )
    return FileUpload(
        job=job,
        record=record,
        path=path,
        size=stat.st_size,
        mtime_ns=stat.st_mtime_ns,
        resumed=resumed,
    )
