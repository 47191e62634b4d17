"""Listing ``wcs://``: folders from the common prefixes of a one-level listing, ``find``
as one flat listing of every key below, ``info`` from the listings cache or a stat."""

from __future__ import annotations

from typing import Any

from ._core import WcsFileSystemCore
from ._paths import Info, bucket_entry, directory_entry, file_entry, os_errors, split_path

__all__ = ["WcsListing"]


class WcsListing(WcsFileSystemCore):
    """The listing coroutines of the filesystem (fsspec makes ``ls``, ``find``... of them)."""

    # -- listing --------------------------------------------------------------------

    async def _ls(
        self, path: str, detail: bool = True, refresh: bool = False, **kwargs: Any
    ) -> Any:
        path = self._strip_protocol(path)
        entries: list[Info] | None = None
        if not refresh and path in self.dircache:
            entries = self.dircache[path]
        if entries is None:
            entries = await self._list_folder(path)
        return entries if detail else [entry["name"] for entry in entries]

    async def _list_folder(self, path: str) -> list[Info]:
        wcs = self._wcs()
        if not path:
            with os_errors(path):
                entries = [bucket_entry(b.name) for b in await wcs.list_buckets()]
            self.dircache[path] = entries
            return entries
        bucket, key = split_path(path)
        entries = []
        with os_errors(path):
            # mode 0: one level, with the folders below as common prefixes.
            async for page in wcs.iter_pages(bucket, prefix=f"{key}/" if key else None, mode=0):
                entries += [directory_entry(bucket, prefix) for prefix in page.common_prefixes]
                entries += [file_entry(bucket, item) for item in page.items]
        if not entries and key:
            return [await self._stat(bucket, key)]  # a file lists as itself
        self.dircache[path] = entries
        return entries

    async def _stat(self, bucket: str, key: str) -> Info:
        with os_errors(f"{bucket}/{key}"):
            found = await self._wcs().stat(bucket, key)
        return {**file_entry(bucket, found), "name": f"{bucket}/{key}"}

    async def _info(self, path: str, **kwargs: Any) -> Info:
        path = self._strip_protocol(path)
        if not path:
            return bucket_entry("")
        cached = self._cached_info(path)
        if cached is not None:
            return cached
        bucket, key = split_path(path)
        wcs = self._wcs()
        with os_errors(path):
            if not key:
                await wcs.list_objects(bucket, limit=1)  # a missing bucket is a 404
                return bucket_entry(bucket)
            try:
                return await self._stat(bucket, key)
            except FileNotFoundError:
                page = await wcs.list_objects(bucket, prefix=f"{key}/", limit=1)
                if page.items or page.common_prefixes:
                    return directory_entry(bucket, key)
                raise

    def _cached_info(self, path: str) -> Info | None:
        if path in self.dircache:
            bucket, key = split_path(path)
            return directory_entry(bucket, key) if key else bucket_entry(bucket)
        parent = self._parent(path)
        if parent not in self.dircache:
            return None
        for entry in self.dircache[parent]:
            if entry["name"] == path:
                found: Info = entry
                return found
        raise FileNotFoundError(path)  # the parent was listed without it

    async def _find(
        self,
        path: str,
        maxdepth: int | None = None,
        withdirs: bool = False,
        detail: bool = False,
        **kwargs: Any,
    ) -> Any:
        path = self._strip_protocol(path)
        bucket, key = split_path(path)
        if maxdepth is not None or not bucket:
            return await super()._find(path, maxdepth, withdirs=withdirs, detail=detail, **kwargs)
        found: dict[str, Info] = {}
        with os_errors(path):
            # A flat listing (no mode): every key below, page by page, in one pass.
            async for item in self._wcs().iter_objects(bucket, prefix=f"{key}/" if key else None):
                entry = file_entry(bucket, item)
                found[entry["name"]] = entry
                if withdirs:
                    self._add_folders(found, path, entry["name"])
        if found and withdirs:
            found[path] = directory_entry(bucket, key) if key else bucket_entry(bucket)
        if not found and key:
            try:
                info = await self._info(path)
            except FileNotFoundError:
                info = {}
            if info.get("type") == "file":
                found[path] = info
        names = sorted(found)
        return {name: found[name] for name in names} if detail else names

    def _add_folders(self, found: dict[str, Info], root: str, name: str) -> None:
        folder = self._parent(name)
        while folder != root and folder not in found and len(folder) > len(root):
            found[folder] = directory_entry(*split_path(folder))
            folder = self._parent(folder)
