# Generated from wcs_ext/_async/transfer/object_io.py by `make generate` (unasync): do not edit.
# Change the async source and regenerate; `make test` fails when this file drifts.
"""Object I/O for file-like use (``wcs_ext.fs``): a byte range of an object read into
memory, and an object written block by block as its bytes come.

:class:`SyncObjectWriter` sends every full block (mkblk/bput, each chunk's crc32 and
offset checked, as ``multipart.py`` does) while the caller is still writing, and makes
the object only at :meth:`~SyncObjectWriter.commit` (mkfile, its hash checked against
the etag of the bytes sent). Until then nothing is visible under the key: a writer that
is abandoned, or whose block failed, leaves only unmerged blocks, which the server
purges. An object that fits in one block goes as one form upload at commit.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import httpx

from ... import protocol, transfer
from ..._operation import Operation
from ...errors import WcsAPIError, WcsInputError
from ...models import UploadResult
from .._io import BytesReader, WorkerPool
from .multipart import SyncMultipartUploads

if TYPE_CHECKING:
    # Names for annotations; at run time these modules load on first use
    # (``transfer.record.BlockState``): a program that never transfers skips them.
    from ...transfer.record import BlockState

__all__ = ["SyncObjectIO", "SyncObjectWriter"]

_RANGE_NOT_SATISFIABLE = 416


def range_operation(url: str, start: int, end: int | None) -> Operation[bytes]:
    """A GET of ``url``'s bytes ``start`` up to ``end`` (exclusive; None: to the end)."""
    what = f"read {url}"
    last = "" if end is None else str(end - 1)
    headers = {} if start == 0 and end is None else {"Range": f"bytes={start}-{last}"}

    def read(response: httpx.Response) -> bytes:
        if response.status_code == 206 or not headers:
            return response.content
        # A server that ignores Range answers 200 with the whole object.
        return response.content[start:end]

    return Operation(
        what=what,
        host="download",
        request={"method": "GET", "url": url, "headers": headers},
        parse=read,
    )


class SyncObjectWriter:
    """One object being written: :meth:`write_block` for each full block, then
    :meth:`commit` with the rest. Nothing exists under the key before the commit."""

    def __init__(
        self, client: SyncMultipartUploads, bucket: str, key: str, *, overwrite: bool
    ) -> None:
        config = client._transfer_config
        self.block_size = config.block_size
        self._client = client
        self._job = transfer.upload_plan.UploadJob(
            bucket=bucket,
            key=key,
            requests=client._requests_for(key, None),
            tokens=client._upload_tokens(bucket, key, options={"overwrite": 1 if overwrite else 0}),
            batch=protocol.blocks.new_upload_batch(),
            config=config,
            progress=transfer.progress.ProgressTracker(None, None),
        )
        self._states: dict[int, BlockState] = {}
        self._sent = 0
        self._broken = False

    @property
    def bytes_sent(self) -> int:
        """Bytes of the blocks the server acknowledged so far."""
        return self._sent

    def write_block(self, data: bytes) -> None:
        """Send one full block (``block_size`` bytes); the object is not made yet."""
        if len(data) != self.block_size:
            raise WcsInputError(
                f"a block before the last must hold {self.block_size} bytes, got {len(data)}"
            )
        self._send(data)

    def _send(self, data: bytes) -> None:
        self._refuse_if_broken()
        block = protocol.blocks.BlockSpan(len(self._states), self._sent, len(data))
        try:
            # One block at a time, its chunks in order: a pool of one runs them.
            with WorkerPool(1) as pool:
                pool.submit(
                    self._client._send_block,
                    self._job,
                    block,
                    None,
                    BytesReader(data, self._sent),
                    pool,
                    self._states,
                )
        except BaseException:
            self._broken = True  # a commit now would make an object with a hole
            raise
        self._sent += len(data)

    def _refuse_if_broken(self) -> None:
        if self._broken:
            raise WcsInputError(
                f"wcs://{self._job.bucket}/{self._job.key} was not written: a block failed"
            )

    def commit(self, last: bytes = b"") -> UploadResult:
        """Make the object from the blocks sent and ``last`` (the rest, shorter than a
        block or empty); its hash is checked against the etag of every byte sent."""
        self._refuse_if_broken()
        job = self._job
        if not self._states:
            return self._form_upload(last)
        if last:
            self._send(last)
        states = [self._states[index] for index in range(len(self._states))]
        return self._client._finish(job, self._sent, states)

    def _form_upload(self, data: bytes) -> UploadResult:
        job = self._job
        op = job.requests.form_upload(
            job.tokens.token(), job.bucket, job.key, io.BytesIO(data), len(data)
        )
        result = self._client._run(op, job.config.retries.form)
        hasher = protocol.checksum.EtagHasher()
        hasher.update(data)
        return transfer.upload_plan.verify_hash(result, hasher.etag())


class SyncObjectIO(SyncMultipartUploads):
    """Ranged reads into memory and block-by-block writers, for file-like access."""

    def read_range(self, url: str, start: int = 0, end: int | None = None) -> bytes:
        """The bytes of the object at ``url`` from ``start`` up to ``end`` (exclusive;
        None: to its end), in memory. A range past the end is empty."""
        if start < 0 or (end is not None and end < start):
            raise WcsInputError(f"bad byte range {start}..{end}")
        if end == start:
            return b""
        try:
            return self._run(range_operation(url, start, end))
        except WcsAPIError as exc:
            if exc.status == _RANGE_NOT_SATISFIABLE:
                return b""
            raise

    def object_writer(self, bucket: str, key: str, *, overwrite: bool = True) -> SyncObjectWriter:
        """A writer of ``bucket/key``; with ``overwrite=False`` the commit fails with
        :class:`~wcs_ext.errors.WcsConflictError` when the key exists (the server checks)."""
        self._check_open()
        return SyncObjectWriter(self, bucket, key, overwrite=overwrite)
