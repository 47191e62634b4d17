"""Property tests of listing pages against the real emulator: any page size, any prefix,
flat or by directory, every key comes back exactly once and in the server's order.

One emulator for the module, its keys uploaded once (hypothesis replays a test many
times, so a function-scoped fixture would be shared across examples anyway); the one test
that writes uses a bucket of its own and empties it after each example. Examples are
derandomized by the ``wcs-ext`` profile of tests/conftest.py.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Final, TypeVar

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from wcs_ext import Wcs
from wcs_ext.models import ObjectPage

from .conftest import EmulatorFactory

BUCKET: Final = "props"
SCRATCH: Final = "props-scratch"  # empty between examples of the one test that writes
T = TypeVar("T")

# Prefixes of each other, spaces, separators that URLs and forms care about, Unicode in
# every UTF-8 length (and one decomposed accent), control characters, and long keys.
KEYS: Final = (
    "a",
    "a b",
    "a-b",
    "a.b",
    "a/b",
    "a/b/c",
    "a/b/c/d",
    "a/b c",
    "a/bc",
    "a/b.txt",
    "a//b",
    "a/ ",
    "a/..",
    "ab",
    "ab/c",
    "dir",
    "dir.txt",
    "dir-2/z",
    "dir/file",
    "dir/sub/file",
    "dir/sub/file2",
    "dir/sub/deeper/y",
    "dir/sub2/x",
    "dir/subway",
    "dir/sub 2/x",
    "日本",
    "日本語",
    "日本/語",
    "日本/語/文",
    "é",
    "e\u0301",
    "e\u0301/x",
    "ü/ü",
    "Ω",
    "😀",
    "😀x",
    "😀/😀",
    "\U0010ffff",
    " lead",
    "trail ",
    "two  spaces",
    "tab\there",
    "new\nline",
    "nul\x00x",
    "%20",
    "%2F/x",
    "plus+sign",
    "q?x#y&z=1",
    "semi;colon:x",
    'quo"te',
    "apos'x",
    "back\\slash",
    "~tilde",
    "*star",
    ".hidden",
    "..dots",
    "a/.hidden",
    "\ufeffbom",
    "x" * 1000,
    "中" * 333,
)
PREFIXES: Final = (
    "",
    "a",
    "a/",
    "a/b",
    "a/b/",
    "a/.",
    "ab",
    "dir",
    "dir/",
    "dir/sub",
    "dir/sub/",
    "日本",
    "日本/",
    "e",
    "😀",
    "%",
    " ",
    "中",
    "nothing-here",
    "nul\x00",
)


def flat_model(prefix: str) -> list[str]:
    """The keys under ``prefix`` in byte order of their UTF-8 (= code point order)."""
    return sorted(key for key in KEYS if key.startswith(prefix))


def directory_model(prefix: str, *, folders_first: bool) -> list[str]:
    """One level under ``prefix``: its files, and its folders as ``name/``."""
    files, folders = [], set()
    for key in flat_model(prefix):
        slash = key.find("/", len(prefix))
        if slash < 0:
            files.append(key)
        else:
            folders.add(key[: slash + 1])
    return [*sorted(folders), *files] if folders_first else [*files, *sorted(folders)]


def bounded(items: Iterator[T]) -> list[T]:
    """All of ``items``, failing (not hanging) if a marker loops: no listing here has more
    than one name per key, so one more page or object than that is one too many."""
    taken = list(itertools.islice(items, len(KEYS) + 1))
    assert len(taken) <= len(KEYS), "the listing does not end"
    return taken


def page_names(page: ObjectPage, mode: int | None) -> list[str]:
    """A page's names in listing order: mode 1 lists its folders first, 0 its files."""
    files = [item.key for item in page.items]
    folders = list(page.common_prefixes)
    return [*folders, *files] if mode == 1 else [*files, *folders]


@pytest.fixture(scope="module")
def wcs(
    emulator_factory: EmulatorFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Wcs]:
    server = emulator_factory(buckets=(BUCKET, SCRATCH))
    content: Path = tmp_path_factory.mktemp("listing") / "one.txt"
    content.write_bytes(b"1")
    with server.client() as client:
        for key in KEYS:
            client.simple_upload(content, BUCKET, key)
        yield client


def test_the_keys_are_awkward_and_distinct() -> None:
    assert len(set(KEYS)) == len(KEYS) >= 60
    assert all(1 <= len(key.encode()) <= 1000 for key in KEYS)


def test_one_page_is_the_server_order(wcs: Wcs) -> None:
    """With room for everything, the listing is the model: the orders below are the server's."""
    for prefix in PREFIXES:
        page = wcs.list_objects(BUCKET, prefix=prefix, limit=1000)
        assert [item.key for item in page.items] == flat_model(prefix)
        assert not page.has_more
        for mode in (0, 1):
            page = wcs.list_objects(BUCKET, prefix=prefix, limit=1000, mode=mode)
            assert page_names(page, mode) == directory_model(prefix, folders_first=mode == 1)


limits = st.integers(1, 20)
prefixes = st.sampled_from(PREFIXES)


@settings(max_examples=25)
@given(limits, prefixes)
@example(1, "")
@example(20, "")
def test_iter_objects_yields_every_key_once_in_order(wcs: Wcs, limit: int, prefix: str) -> None:
    keys = [item.key for item in bounded(wcs.iter_objects(BUCKET, prefix=prefix, limit=limit))]
    assert len(set(keys)) == len(keys)
    assert keys == flat_model(prefix)


def check_pages(pages: Sequence[ObjectPage], limit: int) -> None:
    """Full pages until the last, which alone has no marker."""
    for page in pages[:-1]:
        assert page.has_more
        assert len(page.items) + len(page.common_prefixes) == limit
    assert not pages[-1].has_more
    assert len(pages[-1].items) + len(pages[-1].common_prefixes) <= limit


@settings(max_examples=25)
@given(limits, prefixes, st.sampled_from([None, 0, 1]), st.integers(0, 60))
@example(1, "a/", 0, 3)
@example(1, "a/", 1, 0)
@example(3, "dir/", 1, 1)
def test_iter_pages_lists_every_name_once_and_resumes_at_any_marker(
    wcs: Wcs, limit: int, prefix: str, mode: int | None, resume: int
) -> None:
    """Flat (``mode`` None) or one directory level with its files (0) or folders (1) first."""
    expected = (
        flat_model(prefix) if mode is None else directory_model(prefix, folders_first=mode == 1)
    )
    pages = bounded(wcs.iter_pages(BUCKET, prefix=prefix, limit=limit, mode=mode))
    check_pages(pages, limit)
    names = [name for page in pages for name in page_names(page, mode)]
    assert len(set(names)) == len(names)
    assert names == expected
    if mode is not None:
        objects = bounded(wcs.iter_objects(BUCKET, prefix=prefix, limit=limit, mode=mode))
        assert [o.key for o in objects] == [name for name in expected if not name.endswith("/")]
    # Any page's marker continues the listing right after that page.
    at = resume % len(pages)
    if pages[at].has_more:
        marker = pages[at].marker
        rest = bounded(wcs.iter_pages(BUCKET, prefix=prefix, limit=limit, mode=mode, marker=marker))
        done = sum(len(page_names(page, mode)) for page in pages[: at + 1])
        assert [name for page in rest for name in page_names(page, mode)] == expected[done:]


def allowed_key(key: str) -> bool:
    """The emulator's key rules: no leading or trailing "/", no "/../" or "/./" segment."""
    return (
        not key.startswith("/") and not key.endswith("/") and "/../" not in key and "/./" not in key
    )


# Any text UTF-8 can carry that the key rules allow.
any_keys = st.text(st.characters(codec="utf-8"), min_size=1, max_size=40).filter(allowed_key)


@settings(max_examples=40)
@given(any_keys)
@example(" ")
@example("\u2028\r\n")
@example("a\x01b")
def test_any_key_is_stored_listed_and_found_under_itself(wcs: Wcs, key: str) -> None:
    content = Path(__file__)  # any small file
    assert wcs.simple_upload(content, SCRATCH, key).key == key
    try:
        assert wcs.stat(SCRATCH, key).key == key
        assert [item.key for item in wcs.iter_objects(SCRATCH)] == [key]
        assert [item.key for item in wcs.iter_objects(SCRATCH, prefix=key)] == [key]
    finally:
        wcs.delete(SCRATCH, key)


def test_a_prefix_holding_nul_lists_its_keys(wcs: Wcs) -> None:
    """The minimal example hypothesis found: key "\\x00", listed with itself as prefix.

    (SQLite's text ``substr()`` stops at a NUL: the emulator compares prefixes as bytes.)"""
    wcs.simple_upload(Path(__file__), SCRATCH, "\x00")
    try:
        assert [item.key for item in wcs.iter_objects(SCRATCH)] == ["\x00"]
        assert [item.key for item in wcs.iter_objects(SCRATCH, prefix="\x00")] == ["\x00"]
    finally:
        wcs.delete(SCRATCH, "\x00")
