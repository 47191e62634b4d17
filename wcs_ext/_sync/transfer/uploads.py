# Generated from wcs_ext/_async/transfer/uploads.py by `make generate` (unasync): do not edit.
# Change the async source and regenerate; `make test` fails when this file drifts.
"""The upload methods: one form POST for small files and streams, blocks above the
threshold (``multipart.py`` tells that story), and streams of unknown size."""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Unpack

from ... import protocol, transfer
from ...errors import WcsInputError
from ...models import UploadResult
from .._io import StreamReader
from .multipart import SyncMultipartUploads

if TYPE_CHECKING:
    # Names for annotations; at run time these modules load on first use
    # (``transfer.record.BlockState``): a program that never transfers skips them.
    from ...protocol.checksum import Readable
    from ...protocol.signing import PutPolicy
    from ...transfer.controls import CancelSignal, RateOption, TransferControls
    from ...transfer.progress import ProgressCallback
    from ...transfer.upload_options import UploadOptions
    from ...transfer.upload_plan import TokenSource
    from ...transfer.upload_requests import UploadRequests

__all__ = ["SyncUploads"]


def key_for(path: str | os.PathLike[str], key: str | None) -> str:
    """The key of an upload: the one given, else the file's name."""
    return key if key else os.path.basename(os.fspath(path))


class SyncUploads(SyncMultipartUploads):
    """The upload methods of the client.

    Each takes the upload policy of its call: ``policy=PutPolicy(...)`` signed as given
    instead of the configured one (its scope must be the upload's bucket or
    ``bucket:key``), and keyword options (:class:`~wcs_ext._policy.UploadOptions`:
    ``overwrite=1``, ``return_body=...``, ``callback_url=...``, ``persistent_ops=...``,
    ``deadline=`` the token's lifetime in s, ...) overriding the configured ones, or
    those of ``policy``, for this call only; ``""`` or 0 turns one off.

    Each also takes ``limit_rate=`` (``"2M"``, ``"500K"``, bytes a second; 0: none;
    default: the ``limit_rate`` setting), one token bucket for all its workers, or a
    :class:`~wcs_ext.BandwidthLimit` shared with other calls; and ``cancel=``, a
    ``threading.Event`` (anything with ``is_set()``) that, once set from any
    thread, stops the upload within a second with
    :class:`~wcs_ext.errors.WcsCancelledError`, its resume record kept for a rerun.

    The MIME type stored with the object, and served with its downloads, is
    ``content_type=`` when given (``"text/html; charset=utf-8"``), else the one the
    key's extension implies (``wcs_ext/transfer/content_types.py``: the same on every
    machine). ``guess_mime_type=False`` (or the setting of that name) sends none: the
    server's default applies, which WCS's docs leave unsaid and the emulator makes
    ``application/octet-stream``.
    """

    def upload_file(
        self,
        path: str | os.PathLike[str],
        bucket: str,
        key: str | None = None,
        *,
        upload_id: str | None = None,
        progress: ProgressCallback | None = None,
        policy: PutPolicy | None = None,
        limit_rate: RateOption = None,
        cancel: CancelSignal | None = None,
        **options: Unpack[UploadOptions],
    ) -> UploadResult:
        """Upload a local file: one form POST when small, parallel blocks above the
        threshold (resumable: running it again after a failure sends only what is missing).

        ``key`` defaults to the file's name. The server's hash is checked against the
        file's etag; a mismatch raises :class:`~wcs_ext.errors.WcsIntegrityError`.
        ``policy`` and ``options``: this upload's policy (see the class).
        """
        return self._upload_by_size(
            path, bucket, key, self._transfer_config.multipart_threshold,
            upload_id=upload_id, progress=progress, policy=policy, options=options,
            controls=self._controls(limit_rate, cancel),
        )  # fmt: skip

    def smart_upload(
        self,
        path: str | os.PathLike[str],
        bucket: str,
        key: str | None = None,
        multi_size: int = 20,
        *,
        upload_id: str | None = None,
        progress: ProgressCallback | None = None,
        policy: PutPolicy | None = None,
        limit_rate: RateOption = None,
        cancel: CancelSignal | None = None,
        **options: Unpack[UploadOptions],
    ) -> UploadResult:
        """:meth:`upload_file` with the original's threshold: a file of up to
        ``multi_size`` MiB in one form POST, a larger one in blocks (resumable, unlike
        the original's ``smart_upload``)."""
        if multi_size < 0:
            raise WcsInputError(f"multi_size (MiB) must not be negative, got {multi_size}")
        return self._upload_by_size(
            path, bucket, key, multi_size * 1024 * 1024,
            upload_id=upload_id, progress=progress, policy=policy, options=options,
            controls=self._controls(limit_rate, cancel),
        )  # fmt: skip

    def _upload_by_size(
        self,
        path: str | os.PathLike[str],
        bucket: str,
        key: str | None,
        threshold: int,
        *,
        upload_id: str | None,
        progress: ProgressCallback | None,
        policy: PutPolicy | None,
        options: Mapping[str, object],
        controls: TransferControls,
    ) -> UploadResult:
        file = transfer.upload_plan.local_file(path)
        size = file.stat().st_size
        if size > threshold and size > 0:
            return self._multipart_file(
                file, bucket, key_for(path, key),
                upload_id=upload_id, progress=progress, policy=policy, options=options,
                controls=controls,
            )  # fmt: skip
        return self._simple_file(
            file, bucket, key_for(path, key), progress, policy, options, controls
        )

    def simple_upload(
        self,
        path: str | os.PathLike[str],
        bucket: str,
        key: str | None = None,
        *,
        progress: ProgressCallback | None = None,
        policy: PutPolicy | None = None,
        limit_rate: RateOption = None,
        cancel: CancelSignal | None = None,
        **options: Unpack[UploadOptions],
    ) -> UploadResult:
        """One form POST (``/file/upload``), streamed from disk and hashed as it is sent.
        ``policy`` and ``options``: this upload's policy (see the class)."""
        file = transfer.upload_plan.local_file(path)
        return self._simple_file(
            file, bucket, key_for(path, key), progress, policy, options,
            self._controls(limit_rate, cancel),
        )  # fmt: skip

    def _simple_file(
        self,
        file: Path,
        bucket: str,
        key: str,
        progress: ProgressCallback | None,
        policy: PutPolicy | None,
        options: Mapping[str, object],
        controls: TransferControls,
    ) -> UploadResult:
        tokens = self._upload_tokens(bucket, key, policy, options)
        requests = self._requests_for(key, options)
        size = file.stat().st_size
        tracker = transfer.progress.ProgressTracker(progress, size)
        with transfer.readers.EtagFile(os.fspath(file), size=size, progress=tracker) as stream:
            if size == 0 and os.pread(stream.fileno(), 1, 0):
                # procfs and sysfs files say 0 bytes and have content: no length to declare.
                raise WcsInputError(
                    f"cannot upload {file}: its size is not known in advance; "
                    f"upload it from stdin instead (cat {file} | wcs-ext put wcs://BUCKET/KEY -)"
                )
            op = requests.form_upload(tokens.token(), bucket, key, stream, size)
            result = self._run(op, self._transfer_config.retries.form, controls)
            if stream.hasher.bytes_hashed != size:
                raise WcsInputError(f"{file} changed while it was being uploaded")
            return transfer.upload_plan.verify_hash(result, stream.hasher.etag())

    def multipart_upload(
        self,
        path: str | os.PathLike[str],
        bucket: str,
        key: str | None = None,
        *,
        upload_id: str | None = None,
        progress: ProgressCallback | None = None,
        policy: PutPolicy | None = None,
        limit_rate: RateOption = None,
        cancel: CancelSignal | None = None,
        **options: Unpack[UploadOptions],
    ) -> UploadResult:
        """Upload in blocks (mkblk/bput/mkfile), ``concurrency`` blocks at a time.

        Progress is recorded in ``tmp_record_folder`` after every acknowledged chunk, under
        ``upload_id`` (default: derived from target, file size, mtime and block size), so
        an interrupted upload continues where it stopped. An empty file goes as a simple
        upload. ``policy`` and ``options``: this upload's policy (see the class).
        """
        return self._upload_by_size(
            path, bucket, key, 0,
            upload_id=upload_id, progress=progress, policy=policy, options=options,
            controls=self._controls(limit_rate, cancel),
        )  # fmt: skip

    def stream_upload(
        self,
        source: str | Readable | Iterable[bytes] | Iterable[bytes],
        bucket: str,
        key: str,
        *,
        progress: ProgressCallback | None = None,
        policy: PutPolicy | None = None,
        limit_rate: RateOption = None,
        cancel: CancelSignal | None = None,
        **options: Unpack[UploadOptions],
    ) -> UploadResult:
        """Upload from a URL (fetched and streamed, never held whole), a binary stream
        with ``read(n)`` (stdin, a pipe, a socket file) or an iterable of ``bytes``
        (with the asyncio client, an async iterable too); the size need not be known.

        A stream that ends within the first block goes as one form upload. ``policy``
        and ``options``: this upload's policy (see the class).
        """
        tokens = self._upload_tokens(bucket, key, policy, options)
        requests = self._requests_for(key, options)
        controls = self._controls(limit_rate, cancel)
        if not isinstance(source, str):
            reader = StreamReader(source)
            return self._stream(reader, bucket, key, progress, tokens, requests, controls)
        if not source.startswith(("http://", "https://")):
            raise WcsInputError(f"stream source must be an http(s) URL, got {source!r}")
        with self._download_http(source).stream("GET", source) as response:
            if response.status_code != 200:
                raise WcsInputError(f"cannot fetch {source}: HTTP {response.status_code}")
            reader = StreamReader(response.iter_bytes())
            return self._stream(reader, bucket, key, progress, tokens, requests, controls)

    def _stream(
        self,
        reader: StreamReader,
        bucket: str,
        key: str,
        progress: ProgressCallback | None,
        tokens: TokenSource,
        requests: UploadRequests,
        controls: TransferControls,
    ) -> UploadResult:
        block_size = self._transfer_config.block_size
        first = reader.read(block_size)
        if len(first) == block_size:
            return self._stream_in_blocks(
                reader, first, bucket, key, progress, tokens, requests, controls
            )
        op = requests.form_upload(tokens.token(), bucket, key, io.BytesIO(first), len(first))
        result = self._run(op, self._transfer_config.retries.form, controls)
        transfer.progress.ProgressTracker(progress, len(first)).add(len(first))
        hasher = protocol.checksum.EtagHasher()
        hasher.update(first)
        return transfer.upload_plan.verify_hash(result, hasher.etag())
