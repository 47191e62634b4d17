"""fsspec's own test suites (``fsspec.tests.abstract``) run on ``wcs://`` against the
real emulator: copy, get, put, open and pipe, as every fsspec filesystem must behave.

WCS stores no empty folder (a folder is the common prefix of its keys), so the suites
run with ``supports_empty_directories`` false, as for other object stores.
"""

from __future__ import annotations

import inspect
import posixpath
import uuid
from collections.abc import Callable
from typing import Any

import pytest

pytest.importorskip("fsspec", reason="the fsspec extra is not installed")

from fsspec.tests.abstract import (
    AbstractCopyTests,
    AbstractFixtures,
    AbstractGetTests,
    AbstractOpenTests,
    AbstractPipeTests,
    AbstractPutTests,
)
from fsspec.tests.abstract.common import GLOB_EDGE_CASES_TESTS

from tests.conftest import EmulatorProcess
from tests.fs_helpers import fs_options
from wcs_ext.fs import WcsFileSystem

# Each glob edge case builds a tree of 8 objects and removes it again: a third of the 32
# cases (every pattern kind, with and without recursion and depth) keeps the suites
# within the time the test run allows; the other tests of the suites all run.
_GLOB_CASES = GLOB_EDGE_CASES_TESTS["argvalues"][::3]


def fewer_glob_cases(test: Callable[..., None]) -> Callable[..., None]:
    """fsspec's ``test`` itself, parametrized with :data:`_GLOB_CASES` only."""

    def run(self: object, **fixtures: Any) -> None:
        test(self, **fixtures)

    run.__signature__ = inspect.signature(test)  # type: ignore[attr-defined]
    run.__name__ = test.__name__
    marked: Callable[..., None] = pytest.mark.parametrize(
        GLOB_EDGE_CASES_TESTS["argnames"], _GLOB_CASES
    )(run)
    return marked


class WcsFixtures(AbstractFixtures):  # type: ignore[misc]
    @pytest.fixture
    def fs(self, emulator: EmulatorProcess) -> WcsFileSystem:
        return WcsFileSystem(**fs_options(emulator), skip_instance_cache=True)

    @pytest.fixture
    def fs_path(self) -> str:
        # A folder of its own per test: the session's bucket is shared.
        return f"e2e/abstract-{uuid.uuid4().hex[:12]}"

    @pytest.fixture
    def fs_join(self) -> Callable[..., str]:
        return posixpath.join

    @pytest.fixture
    def supports_empty_directories(self) -> bool:
        return False


class TestWcsCopy(WcsFixtures, AbstractCopyTests):  # type: ignore[misc]
    test_copy_glob_edge_cases = fewer_glob_cases(AbstractCopyTests.test_copy_glob_edge_cases)


class TestWcsGet(WcsFixtures, AbstractGetTests):  # type: ignore[misc]
    test_get_glob_edge_cases = fewer_glob_cases(AbstractGetTests.test_get_glob_edge_cases)


class TestWcsPut(WcsFixtures, AbstractPutTests):  # type: ignore[misc]
    test_put_glob_edge_cases = fewer_glob_cases(AbstractPutTests.test_put_glob_edge_cases)


class TestWcsOpen(WcsFixtures, AbstractOpenTests):  # type: ignore[misc]
    pass


class TestWcsPipe(WcsFixtures, AbstractPipeTests):  # type: ignore[misc]
    pass
