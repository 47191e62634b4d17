"""The ``wcs://`` filesystem: the behaviour is written once, as coroutines on
:class:`~wcs_ext.AsyncWcs` (:class:`AsyncWcsFileSystem`); fsspec makes the blocking
methods from them (``ls`` from ``_ls``, ...) and runs them on its own I/O loop, which is
all :class:`WcsFileSystem` is.

Paths are ``bucket/key``; folders are the common prefixes of keys (WCS stores no empty
folder, so ``mkdir`` makes nothing and a folder exists while an object is under it).
Listings are kept in fsspec's listings cache (``use_listings_cache``,
``listings_expiry_time``, ``max_paths``) and every write of this filesystem drops the
listings it changes.

One client is made per process and event loop, on first use: a forked child, a
``ProcessPoolExecutor`` or Dask worker never shares the parent's connections.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fsspec.callbacks import DEFAULT_CALLBACK

from .._async.transfer.object_io import AsyncObjectWriter
from ..errors import WcsConflictError, WcsNotFoundError
from ..transfer.progress import TransferProgress
from ._listing import WcsListing
from ._paths import (
    checksum_of,
    os_errors,
    split_path,
)
from .file import WcsFile, WcsTextFile

__all__ = ["AsyncWcsFileSystem", "WcsFileSystem"]

_WRITE_MODES = frozenset({"wb", "xb"})


class AsyncWcsFileSystem(WcsListing):
    """WCS buckets as an fsspec filesystem, awaited (``asynchronous=True``: call the
    ``_ls``, ``_cat_file``, ``_pipe_file``... coroutines from your own event loop).

    ``storage_options``: ``config=`` (a ``.wcscfg`` file), ``profile=``, and any
    setting by name (``access_key``, ``secret_key``, ``put_url``, ``mgr_url``,
    ``download_url``, ``block_size``...), over the ``WCS_*`` environment and the file,
    as the command line reads them; plus fsspec's ``use_listings_cache``,
    ``listings_expiry_time``, ``max_paths``, ``batch_size`` and ``loop``.
    """

    # -- reading --------------------------------------------------------------------

    async def _cat_file(
        self, path: str, start: int | None = None, end: int | None = None, **kwargs: Any
    ) -> bytes:
        url = self._url(path)
        if (start is not None and start < 0) or (end is not None and end < 0):
            size = (await self._info(path))["size"]
            start = None if start is None else max(size + start, 0) if start < 0 else start
            end = None if end is None else max(size + end, 0) if end < 0 else end
        with os_errors(self._strip_protocol(path)):
            return await self._wcs().read_range(url, start or 0, end)

    async def _get_file(
        self, rpath: str, lpath: str, callback: Any = DEFAULT_CALLBACK, **kwargs: Any
    ) -> None:
        path = self._strip_protocol(rpath)
        if os.path.isdir(lpath):
            return
        try:
            with os_errors(path):
                await self._wcs().download(self._url(path), lpath, progress=_progress_to(callback))
        except FileNotFoundError:
            if not await self._isdir(path):
                raise
            os.makedirs(lpath, exist_ok=True)  # a folder: there is nothing to fetch

    # -- writing --------------------------------------------------------------------

    async def _pipe_file(
        self, path: str, value: bytes, mode: str = "overwrite", **kwargs: Any
    ) -> None:
        if mode == "create":
            await self._refuse_existing(path)
        writer = await self._object_writer(path, overwrite=mode == "overwrite")
        data, size, sent = memoryview(value), writer.block_size, 0
        with os_errors(self._strip_protocol(path)):
            while len(data) - sent > size:
                await writer.write_block(bytes(data[sent : sent + size]))
                sent += size
            await writer.commit(bytes(data[sent:]))
        self.invalidate_cache(path)

    async def _put_file(
        self,
        lpath: str,
        rpath: str,
        mode: str = "overwrite",
        callback: Any = DEFAULT_CALLBACK,
        **kwargs: Any,
    ) -> None:
        if os.path.isdir(lpath):
            return  # a folder exists once an object is under it
        bucket, key = self._object(rpath)
        with os_errors(self._strip_protocol(rpath)):
            if mode == "create":
                await self._refuse_existing(rpath)
                await self._put_new(lpath, bucket, key)
            else:
                await self._wcs().upload_file(lpath, bucket, key, progress=_progress_to(callback))
        self.invalidate_cache(rpath)

    async def _refuse_existing(self, path: str) -> None:
        # The server refuses too (overwrite 0), but takes the same bytes again as a
        # repeated upload: "create" must fail whatever the bytes.
        if await self._exists(path, refresh=True):
            raise FileExistsError(f"wcs://{self._strip_protocol(path)} exists")

    async def _put_new(self, lpath: str, bucket: str, key: str) -> None:
        """Upload that the server refuses when the key exists (``mode='create'``)."""
        writer = AsyncObjectWriter(self._wcs(), bucket, key, overwrite=False)
        with open(lpath, "rb") as handle:  # reads go to a thread below
            block = await asyncio.to_thread(handle.read, writer.block_size)
            while True:
                following = await asyncio.to_thread(handle.read, writer.block_size)
                if not following:
                    await writer.commit(block)
                    return
                await writer.write_block(block)
                block = following

    async def _cp_file(self, path1: str, path2: str, **kwargs: Any) -> None:
        src, dst = self._object(path1), self._object(path2)
        wcs = self._wcs()
        with os_errors(self._strip_protocol(path1)):
            try:
                await wcs.copy(*src, *dst)
            except WcsConflictError:
                # A copy over an existing object replaces it, as for files; WCS's copy
                # has no overwrite flag, so the target goes first.
                await wcs.delete(*dst)
                await wcs.copy(*src, *dst)
        self.invalidate_cache(path2)

    async def _rm_file(self, path: str, **kwargs: Any) -> None:
        bucket, key = self._object(path)
        with os_errors(self._strip_protocol(path)):
            await self._wcs().delete(bucket, key)
        self.invalidate_cache(path)

    async def _rm(
        self,
        path: str | list[str],
        recursive: bool = False,
        batch_size: int | None = None,
        maxdepth: int | None = None,
        **kwargs: Any,
    ) -> None:
        paths = await self._expand_path(path, recursive=recursive, maxdepth=maxdepth)
        folders = {self._parent(p) for p in paths}
        objects = [p for p in paths if split_path(p)[1]]
        semaphore = asyncio.Semaphore(batch_size or self.batch_size or 32)

        async def remove(one: str) -> None:
            async with semaphore:
                try:
                    await self._rm_file(one)
                except (FileNotFoundError, WcsNotFoundError):
                    # A folder is no object: only an object that vanished is an error.
                    if one not in folders and not await self._isdir(one):
                        raise

        await asyncio.gather(*(remove(one) for one in objects))
        for one in paths:
            self.invalidate_cache(one)

    # -- facts of an object ---------------------------------------------------------

    def ukey(self, path: str) -> str:
        """The object's etag: it changes whenever the content does."""
        etag: str | None = self.info(path).get("etag")
        return etag if etag else str(super().ukey(path))

    def checksum(self, path: str) -> int:
        """The etag as an integer (fsspec compares these to tell changed files)."""
        etag = self.info(path).get("etag")
        return checksum_of(etag) if etag else int(super().checksum(path))

    def modified(self, path: str) -> datetime:
        created: datetime | None = self.info(path).get("created")
        if created is None:
            raise IsADirectoryError(f"wcs://{self._strip_protocol(path)} is a folder")
        return created

    created = modified  # an object is written once: made and modified are the same

    # -- opening --------------------------------------------------------------------

    def open(self, path: str, mode: str = "rb", **kwargs: Any) -> Any:
        if "b" in mode:
            return super().open(path, mode, **kwargs)
        text = {k: kwargs.pop(k) for k in ("encoding", "errors", "newline") if k in kwargs}
        return WcsTextFile(self.open(path, mode.replace("t", "") + "b", **kwargs), **text)

    def _open(
        self,
        path: str,
        mode: str = "rb",
        block_size: int | None = None,
        autocommit: bool = True,
        cache_options: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> WcsFile:
        if "a" in mode:
            raise ValueError(
                f"wcs://{path}: append mode ({mode!r}) is not possible: a WCS object is "
                "made whole at once; read it and write it again with 'wb'"
            )
        if "+" in mode or (mode != "rb" and mode not in _WRITE_MODES):
            raise ValueError(
                f"wcs://{path}: mode {mode!r} is not possible: objects are read ('rb') or "
                "written from start to end ('wb', 'xb'), never changed in place"
            )
        if mode == "xb" and self.exists(path):
            raise FileExistsError(f"wcs://{path} exists")
        return WcsFile(
            self,
            path,
            mode,
            block_size=block_size or "default",
            autocommit=autocommit,
            cache_options=cache_options,
            **kwargs,
        )


class WcsFileSystem(AsyncWcsFileSystem):
    """The ``wcs://`` filesystem for blocking use (what ``fsspec.filesystem("wcs")``,
    pandas and Dask make): the same behaviour, each call run on fsspec's I/O loop."""

    def __init__(self, *, asynchronous: bool = False, **options: Any) -> None:
        super().__init__(asynchronous=asynchronous, **options)


def _progress_to(callback: Any) -> Callable[[TransferProgress], None]:
    """Our transfer progress as an fsspec callback's updates."""

    def report(progress: TransferProgress) -> None:
        if progress.total is not None:
            callback.set_size(progress.total)
        callback.absolute_update(progress.done)

    return report
