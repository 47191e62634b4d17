"""Doing a plan: files sent up or fetched down, ``jobs`` at a time, and local deletions.

Every file is its own piece of work: one that fails is reported and the others go on
(``parallel.for_each``). An upload is the client's ``upload_file`` (one request, or
resumable blocks for a large file: a rerun after an interruption continues it); a
download is its ``download`` (a hidden partial file renamed once checked, continued by
a rerun). What was sent leaves its etag in the cache, so the next run need not read the
file again; a file just fetched is not kept there (it changed this very second, see
``etag_cache``): the next run reads it once.

A ``limit_rate`` setting holds the whole run to that rate (one bucket for every file and
worker, as rsync's and rclone's ``--bwlimit``), not each file to it.
"""

from __future__ import annotations

import os
import stat
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import attrs

from ..errors import WcsInputError
from ..transfer.bandwidth import BandwidthLimit, parse_rate
from ..transfer.local_names import path_inside
from ..transfer.object_urls import object_url
from ..transfer.progress import ProgressCallback, TransferProgress
from ..transfer.upload_options import UploadOptions
from .etag_cache import EtagCache
from .keys import key_of
from .local_tree import LocalFile, file_of
from .parallel import failure_message, for_each

if TYPE_CHECKING:
    from ..client import Wcs

__all__ = [
    "RemoteFile",
    "Report",
    "delete_local",
    "download_files",
    "safe_destination",
    "upload_files",
]


@attrs.frozen
class RemoteFile:
    key: str
    size: int
    hash: str | None


class Report(Protocol):
    """What a run tells as it goes."""

    def progress(self, delta: int) -> None:
        """Bytes moved (negative when a retry starts a piece over); any thread."""

    def finished(self, action: str, rel: str, failure: str | None) -> None:
        """``rel`` was sent, fetched or deleted (``action``), or failed; calling thread."""


def _bytes_of(report: Report) -> ProgressCallback:
    seen = [0]

    def update(progress: TransferProgress) -> None:
        delta, seen[0] = progress.done - seen[0], progress.done
        if delta:
            report.progress(delta)

    return update


def _shared_limit(wcs: Wcs) -> BandwidthLimit | None:
    """One bucket for the whole run, if the configuration limits the rate."""
    rate = parse_rate(wcs.config.limit_rate)
    return BandwidthLimit(rate) if rate else None


def upload_files(
    wcs: Wcs,
    files: Mapping[str, LocalFile],
    rels: Sequence[str],
    *,
    bucket: str,
    prefix: str,
    cache: EtagCache,
    jobs: int,
    report: Report,
    upload: UploadOptions,
) -> None:
    """Each of ``rels`` sent under ``prefix``, with the policy options ``upload``."""
    limit = _shared_limit(wcs)

    def send(rel: str) -> None:
        file = files[rel]
        started = time.time_ns()
        key = key_of(prefix, rel)
        result = wcs.upload_file(
            file.path, bucket, key, progress=_bytes_of(report), limit_rate=limit, **upload
        )
        if result.hash and file_of(file.path, file.path.stat()) == file:
            cache.remember(rel, file, result.hash, started=started)
        else:
            cache.forget(rel)

    for_each(rels, send, jobs=jobs, done=lambda rel, failure: report.finished("sent", rel, failure))


def safe_destination(root: Path, rel: str) -> Path:
    """The local path of ``rel`` (safe components, see ``keys.local_rel``) under
    ``root``, its folders made; a folder that is a link or a file is an error: nothing
    is written through a link, whatever it points at."""
    *folders, name = rel.split("/")
    current = root
    for part in folders:
        current = path_inside(current, part)
        try:
            info = current.lstat()
        except FileNotFoundError:
            try:
                current.mkdir()
                continue
            except FileExistsError:  # another download made it meanwhile: look again
                info = current.lstat()
        if not stat.S_ISDIR(info.st_mode):
            raise WcsInputError(f"{current} is not a folder (a link or a file): not written")
    target = path_inside(current, name)
    if target.is_symlink():
        raise WcsInputError(f"{target} is a symbolic link: not written through")
    return target


def download_files(
    wcs: Wcs,
    remote: Mapping[str, RemoteFile],
    rels: Sequence[str],
    *,
    bucket: str,
    root: Path,
    cache: EtagCache,
    jobs: int,
    report: Report,
) -> None:
    config = wcs.config
    limit = _shared_limit(wcs)

    def fetch(rel: str) -> None:
        dest = safe_destination(root, rel)
        url = object_url(config, bucket, remote[rel].key)
        wcs.download(url, dest, progress=_bytes_of(report), limit_rate=limit)
        cache.forget(rel)

    for_each(
        rels, fetch, jobs=jobs, done=lambda rel, failure: report.finished("fetched", rel, failure)
    )


def delete_local(
    files: Mapping[str, LocalFile], rels: Sequence[str], *, cache: EtagCache, report: Report
) -> None:
    """Remove local files (one after another: an unlink is quick)."""
    remove: Callable[[Path], None] = os.unlink
    for rel in rels:
        try:
            remove(files[rel].path)
        except OSError as exc:
            report.finished("deleted", rel, failure_message(exc))
            continue
        cache.forget(rel)
        report.finished("deleted", rel, None)
