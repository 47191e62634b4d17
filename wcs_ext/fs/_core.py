"""What every method of the ``wcs://`` filesystem stands on: its options (kept without
the secret key), the config they lead to (loaded on first use), one client per process
and event loop, object paths and URLs, and the listings cache."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Mapping
from typing import Any

from fsspec.asyn import AsyncFileSystem, get_loop

from .._async.client import AsyncWcs
from .._async.transfer.object_io import AsyncObjectWriter
from ..config import WcsConfig
from ..transfer.object_urls import object_url
from ._options import check_options, load_config, without_secrets
from ._paths import split_path

__all__ = ["WcsFileSystemCore"]


class WcsFileSystemCore(AsyncFileSystem):  # type: ignore[misc]  # fsspec has no types
    """The state of a filesystem; its methods are in the subclasses."""

    protocol = "wcs"
    root_marker = ""
    _pid: int  # set by AsyncFileSystem: the process that made the instance

    def __init__(
        self,
        *,
        asynchronous: bool = True,
        loop: asyncio.AbstractEventLoop | None = None,
        batch_size: int | None = None,
        use_listings_cache: bool = True,
        listings_expiry_time: float | None = None,
        max_paths: int | None = None,
        **options: Any,
    ) -> None:
        check_options(options)
        # Loaded on first use, not here: a pickled copy is also unpickled where it is
        # never used (a Dask scheduler), which need not have the settings.
        self._given = options
        self._loaded: WcsConfig | None = None
        self._options = without_secrets(options)
        super().__init__(
            asynchronous=asynchronous,
            loop=loop,
            batch_size=batch_size,
            use_listings_cache=use_listings_cache,
            listings_expiry_time=listings_expiry_time,
            max_paths=max_paths,
        )
        self._client: AsyncWcs | None = None
        self._client_owner: tuple[int, asyncio.AbstractEventLoop] | None = None

    # -- what is kept, shown and pickled --------------------------------------------

    @property
    def storage_options(self) -> dict[str, Any]:
        """The options this filesystem was made with, without the secret key: fsspec
        pickles and serialises these, so a copy elsewhere finds its own secret."""
        return self._public_options

    @storage_options.setter
    def storage_options(self, options: Mapping[str, Any]) -> None:
        self._public_options = without_secrets(options)

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in sorted(self._options.items()))
        return f"{type(self).__name__}({shown})"

    @property
    def loop(self) -> asyncio.AbstractEventLoop | None:
        # fsspec refuses a blocking call after fork; a forked child gets fsspec's new
        # I/O loop instead, and (see _wcs) a client of its own.
        if self._pid != os.getpid():
            self._pid = os.getpid()
            if not self.asynchronous:
                self._loop = get_loop()
        loop: asyncio.AbstractEventLoop | None = self._loop
        return loop

    @property
    def _config(self) -> WcsConfig:
        if self._loaded is None:
            self._loaded = load_config(self._given)
        return self._loaded

    def _wcs(self) -> AsyncWcs:
        owner = (os.getpid(), asyncio.get_running_loop())
        if self._client is None or self._client_owner != owner:
            # A client's connections belong to one process and to the loop that opened
            # them: a new process or loop gets its own (the old one is left unclosed,
            # as its sockets are not ours to close from here).
            self._client = AsyncWcs(self._config)
            self._client_owner = owner
        return self._client

    @property
    def write_block_size(self) -> int:
        """The size of every block of a write but the last (``block_size`` of the config)."""
        return self._config.block_size

    async def _object_writer(self, path: str, *, overwrite: bool) -> AsyncObjectWriter:
        """A writer of the object at ``path`` (made on the loop whose client it uses)."""
        bucket, key = self._object(path)
        return AsyncObjectWriter(self._wcs(), bucket, key, overwrite=overwrite)

    def _object(self, path: str) -> tuple[str, str]:
        bucket, key = split_path(self._strip_protocol(path))
        if not bucket or not key:
            raise IsADirectoryError(f"wcs://{bucket}: not an object (a bucket)")
        return bucket, key

    def _url(self, path: str) -> str:
        return object_url(self._config, *self._object(path))

    # -- the listings cache ---------------------------------------------------------

    def invalidate_cache(self, path: str | None = None) -> None:
        if path is None:
            self.dircache.clear()
        else:
            # The path's own listing and every folder above it may have changed.
            path = self._strip_protocol(path)
            while True:
                self.dircache.pop(path, None)
                if not path:
                    break
                path = self._parent(path)
        super().invalidate_cache(path)
