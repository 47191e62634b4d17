"""``Client``: the original's methods, positional arguments and ``(status, body,
{"x-reqid": id})`` answers, each a call of :class:`~wcs_ext.Wcs`.

What each answer holds is in ``answers.py``. Where the original had a defect
(``wcs-api.md``, "defects to avoid") the shape stays and the defect does not; each
method's docstring says what differs.
"""

from __future__ import annotations

import os
import threading
from typing import Any, Literal, NoReturn

from wcs_ext import Wcs, WcsConfig

from . import answers
from .answers import Result, answer
from .config import Config

__all__ = ["Client"]

_MIB = 1024 * 1024
_FmgrName = Literal["move", "copy", "fetch", "delete", "deletePrefix", "deletem3u8", "compress"]


class Client:
    """The original's ``Client(cfg)``: the same calls, made by a :class:`~wcs_ext.Wcs`.

    Every method returns ``(status, body, {"x-reqid": id})``: the HTTP status (200 on
    success), the answer's JSON (the text of it for the form uploads, as the
    original), the request id (``"None"`` when there is none). A server's error is
    such a tuple with its status and body; no answer at all is ``(-1, {"message":
    ...})``. Bad input and corrupted transfers raise :class:`~wcs_ext.WcsError`.

    Uploads are checked (crc32 of every chunk, the etag at the end), retried with
    backoff and resumable; changes to ``cfg`` apply to the calls made after them.
    Close the client (or use it in a ``with`` block) to close its connections.
    """

    def __init__(self, config: Config) -> None:
        self._config = config
        self._lock = threading.Lock()
        self._wcs: Wcs | None = None
        self._made_from: WcsConfig | None = None

    @property
    def wcs(self) -> Wcs:
        """The :class:`~wcs_ext.Wcs` behind the calls, made again when ``cfg`` changed."""
        with self._lock:
            current = self._config.wcs_config
            if self._wcs is None or self._made_from is not current:
                if self._wcs is not None:
                    self._wcs.close()
                self._wcs, self._made_from = Wcs(current), current
            return self._wcs

    def close(self) -> None:
        with self._lock:
            if self._wcs is not None:
                self._wcs.close()
            self._wcs = None

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Client holds the secret key and is not pickled; make one per process")

    # -- uploads -----------------------------------------------------------------

    def simple_upload(self, path: str | os.PathLike[str], bucket: str, key: str) -> Result:
        """One form upload; the body is the server's answer as text (as the original).
        With ``returnUrl`` set: ``(303, Location, ...)``. Streamed from disk, not read
        whole; the answer is a 3-tuple even when the server sends no request id."""
        return answer(lambda: self.wcs.simple_upload(path, bucket, key), answers.upload_text)

    def stream_upload(self, stream: str, bucket: str, key: str) -> Result:
        """Upload what the URL ``stream`` serves; body as text, as :meth:`simple_upload`.
        Unlike the original, the source is streamed (never held whole) with a timeout."""
        return answer(lambda: self.wcs.stream_upload(stream, bucket, key), answers.upload_text)

    def multipart_upload(
        self,
        path: str | os.PathLike[str],
        bucket: str,
        key: str,
        upload_id: str | None = None,
    ) -> Result:
        """Upload in blocks; the body is mkfile's JSON. ``upload_id`` names the upload
        to resume; unlike the original, a new id starts a new upload (no exception), an
        empty file is uploaded, progress is kept after every chunk (in the user's
        record folder, never evaluated as code) and kept when mkfile fails, and an
        upload that cannot finish answers its error instead of a dict of records."""
        return answer(
            lambda: self.wcs.multipart_upload(path, bucket, key, upload_id=upload_id or None),
            answers.upload_body,
        )

    def smart_upload(
        self, path: str | os.PathLike[str], bucket: str, key: str, multi_size: int = 20
    ) -> Result:
        """Up to ``multi_size`` MiB a form upload (body as text), else in blocks (body:
        mkfile's JSON). Unlike the original, the blocks are resumable and checked."""
        # A missing file is for the upload to report (WcsInputError), not for getsize.
        small = os.path.isfile(path) and os.path.getsize(path) <= multi_size * _MIB
        as_body = answers.upload_text if small else answers.upload_body
        return answer(lambda: self.wcs.smart_upload(path, bucket, key, multi_size), as_body)

    # -- buckets and listings ----------------------------------------------------

    def list_buckets(self) -> Result:
        return answer(self.wcs.list_buckets, answers.bucket_list_body)

    def bucket_list(
        self,
        bucket: str,
        prefix: str | None = None,
        marker: str | None = None,
        limit: int | None = None,
        mode: int | None = None,
        starttime: int | None = None,
        endtime: int | None = None,
    ) -> Result:
        """One page of ``/list``; ``prefix``, ``marker``, ``limit`` and ``mode`` default
        to the config's. Values are encoded on the wire (a ``+`` in a marker stays a
        ``+``), unlike the original's raw query."""
        config = self._config.wcs_config
        return answer(
            lambda: self.wcs.list_objects(
                bucket,
                prefix=prefix if prefix is not None else config.prefix or None,
                marker=marker if marker is not None else config.marker or None,
                limit=limit,
                mode=mode,
                start_time=starttime,
                end_time=endtime,
            ),
            answers.page_body,
        )

    def bucket_listAll(  # the original's name
        self,
        bucket: str,
        prefix: str | None = None,
        marker: str | None = None,
        limit: int | None = None,
        mode: int | None = None,
        starttime: int | None = None,
        endtime: int | None = None,
    ) -> Result:
        """Every page of ``/list`` joined: ``items`` and ``commonPrefixes`` of all of
        them, ``marker`` empty. A page that fails answers that page's error."""
        body: dict[str, Any] = {"marker": "", "commonPrefixes": [], "items": []}
        while True:
            status, page, headers = self.bucket_list(
                bucket, prefix, marker, limit, mode, starttime, endtime
            )
            if status != 200:
                return status, page, headers
            body["items"] += page["items"]
            body["commonPrefixes"] += page["commonPrefixes"]
            if not page["marker"]:
                return status, body, headers
            marker = page["marker"]

    def bucket_stat(
        self,
        name: str,
        startdate: str,
        enddate: str,
        isListDetails: str | bool = "false",  # the original's name
        storageType: str | int | None = None,
    ) -> Result:
        """Storage per day of the buckets ``"b1|b2"``."""
        return answer(
            lambda: self.wcs.bucket_usage(
                name,
                startdate,
                enddate,
                list_details=str(isListDetails).lower() == "true",
                storage_type=None if storageType is None else str(storageType),
            ),
            answers.bucket_usage_body,
        )

    def bucket_statistics(self, name: str, type: str, startdate: str, enddate: str) -> Result:
        return answer(
            lambda: self.wcs.bucket_statistics(name, type, startdate, enddate),
            answers.statistics_body,
        )

    # -- one object --------------------------------------------------------------

    def stat(self, bucket: str, key: str) -> Result:
        return answer(lambda: self.wcs.stat(bucket, key), answers.object_body)

    def delete(self, bucket: str, key: str) -> Result:
        return answer(lambda: self.wcs.delete(bucket, key), answers.operation_body)

    def move(
        self, srcbucket: str, srckey: str, dstbucket: str, dstkey: str | None = None
    ) -> Result:
        """Move an object (``dstkey`` defaults to ``srckey``)."""
        return answer(
            lambda: self.wcs.move(srcbucket, srckey, dstbucket, dstkey or None),
            answers.operation_body,
        )

    def copy(
        self, srcbucket: str, srckey: str, dstbucket: str, dstkey: str | None = None
    ) -> Result:
        """Copy an object (``dstkey`` defaults to ``srckey``)."""
        return answer(
            lambda: self.wcs.copy(srcbucket, srckey, dstbucket, dstkey or None),
            answers.operation_body,
        )

    def setdeadline(self, bucket: str, key: str, deadline: int | str) -> Result:
        """Days to keep the object: 0 delete soon, -1 never expire (also ``"-1"``)."""
        days = int(str(deadline).strip().strip('"'))
        return answer(lambda: self.wcs.set_deadline(bucket, key, days), answers.operation_body)

    def image_detect(self, image: str, type: str, bucket: str) -> Result:
        return answer(
            lambda: self.wcs.image_detect(image, type, bucket),
            lambda found: {"code": 200, "message": found.message, "results": list(found.results)},
        )

    # -- jobs --------------------------------------------------------------------

    def _fmgr(self, name: _FmgrName, fops: str) -> Result:
        """An fmgr job from the caller's op string; notifyurl, separate and force come
        from the config, and a 0 read from the file is not sent (it was, before)."""
        return answer(lambda: self.wcs.fmgr.submit(name, fops), answers.job_body)

    def fmgr_move(self, fops: str) -> Result:
        return self._fmgr("move", fops)

    def fmgr_copy(self, fops: str) -> Result:
        return self._fmgr("copy", fops)

    def fmgr_fetch(self, fops: str) -> Result:
        return self._fmgr("fetch", fops)

    def fmgr_delete(self, fops: str) -> Result:
        return self._fmgr("delete", fops)

    def prefix_delete(self, fops: str) -> Result:
        return self._fmgr("deletePrefix", fops)

    def m3u8_delete(self, fops: str) -> Result:
        return self._fmgr("deletem3u8", fops)

    def fmgr_compress(self, fops: str) -> Result:
        return self._fmgr("compress", fops)

    def fmgr_status(self, persistentId: str) -> Result:  # the original's name
        """The job's status as the server reported it."""
        return answer(lambda: self.wcs.fmgr.status(persistentId), lambda s: dict(s.raw))

    def ops_execute(self, fops: str, bucket: str, key: str) -> Result:
        """A processing job on ``bucket/key``; unlike the original, no empty
        ``notifyURL=`` is sent when none is configured."""
        return answer(lambda: self.wcs.fops.execute(bucket, key, fops), answers.job_body)

    def ops_status(self, persistentId: str) -> Result:
        return answer(lambda: self.wcs.fops.status(persistentId), lambda s: dict(s.raw))

    def wslive_list(
        self,
        channelname: str,
        startTime: str,  # the original's names
        endTime: str,
        bucket: str,
        start: int | None = None,
        limit: int | None = None,
    ) -> Result:
        """Recordings of a live channel between two ``YYYYMMDDhhmmss`` times."""
        return answer(
            lambda: self.wcs.wslive_list(
                channelname, startTime, endTime, bucket, start=start, limit=limit
            ),
            answers.live_body,
        )
