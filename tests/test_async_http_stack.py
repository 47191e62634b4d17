"""What the async client's HTTP stack costs per request, beyond the request itself.

httpcore asks which async library runs on every connection-pool operation by importing
``sniffio``. Since anyio 4.11 no longer depends on it, a missing ``sniffio`` made each
of those a failed import: a search of every ``sys.path`` entry (a ``stat`` each), never
cached, about half a millisecond, several times per request (encode/httpcore
discussion 1102). wcs-ext depends on ``sniffio`` so that the import is found once.
"""

from __future__ import annotations

import asyncio
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import EmulatorProcess
from wcs_ext import AsyncWcs


class LookupCounter(importlib.abc.MetaPathFinder):
    """Counts the searches for a module that is not loaded (a loaded one is not searched
    for: ``import`` finds it in ``sys.modules``)."""

    def __init__(self) -> None:
        self.searched: list[str] = []

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        self.searched.append(fullname)
        return None  # let the real finders answer


def test_async_requests_search_for_no_module(
    emulator: EmulatorProcess, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    counter = LookupCounter()
    small = tmp_path / "one"
    small.write_bytes(b"x" * 100)

    async def run() -> None:
        async with AsyncWcs(emulator.config()) as wcs:
            await wcs.simple_upload(small, "e2e", "http-stack/one")
            await wcs.stat("e2e", "http-stack/one")  # imports its endpoint's module
            monkeypatch.setattr(sys, "meta_path", [counter, *sys.meta_path])
            for _ in range(20):  # everything is imported by now: these import nothing
                await wcs.stat("e2e", "http-stack/one")

    asyncio.run(run())
    assert counter.searched == []
