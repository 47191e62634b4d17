"""The job worker's reads of stored objects (compress, its key list, a playlist) when
an overwrite commits right after the read looked the key up: the read still gets the
version it found, never a missing file.

The interleaving is made exact, not left to chance: the first transaction after the
trap is armed (the lookup) is followed at once by the overwrite.
"""

from __future__ import annotations

import contextlib
import io
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from wcs_ext.emulator.state.blob_files import BlobStore
from wcs_ext.emulator.state.database import Database
from wcs_ext.emulator.state.job_commands import Operations
from wcs_ext.emulator.state.job_queue import ITEM_SUCCEEDED, Item, JobRecord
from wcs_ext.emulator.state.object_store import ObjectStore
from wcs_ext.protocol.encoding import entry, urlsafe_b64encode

BUCKET = "jobs"


class Store:
    def __init__(self, root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.db = Database(root / "meta.sqlite3")
        self.blobs = BlobStore(root)
        self.objects = ObjectStore(self.db, self.blobs)
        self.objects.add_buckets([BUCKET])
        self.operations = Operations(self.objects, self.blobs, secret_of=lambda ak: None)
        self._then: Callable[[], None] | None = None
        original = self.db.transaction

        @contextlib.contextmanager
        def transaction() -> Iterator[object]:
            with original() as conn:
                yield conn
            then, self._then = self._then, None
            if then is not None:
                then()

        monkeypatch.setattr(self.db, "transaction", transaction)

    def put(self, key: str, data: bytes) -> None:
        writer = self.blobs.writer()
        writer.write(data)
        self.objects.store(BUCKET, key, writer, mime="application/octet-stream", overwrite=True)

    def read(self, key: str) -> bytes:
        _, file = self.objects.open_existing(BUCKET, key)
        with file:
            return file.read()

    def overwrite_after_next_lookup(self, key: str, data: bytes) -> None:
        self._then = lambda: self.put(key, data)

    def run(self, op: str, cmd: str) -> Item:
        job = JobRecord(id="job", kind="fmgr", op=op, access_key="ak")
        return self.operations.perform(job, Item(cmd=cmd))


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    made = Store(tmp_path, monkeypatch)
    yield made
    made.db.close()


def b64(text: str) -> str:
    return urlsafe_b64encode(text)


def _zip_of(store: Store, key: str) -> dict[str, bytes]:
    archive = zipfile.ZipFile(io.BytesIO(store.read(key)))
    return {name: archive.read(name) for name in archive.namelist()}


def test_compress_packs_the_version_it_found(store: Store) -> None:
    store.put("a.bin", b"old bytes")
    store.overwrite_after_next_lookup("a.bin", b"new bytes")
    cmd = f"bucket/{b64(BUCKET)}/keys/{b64('a.bin')}/saveas/{entry(BUCKET, 'a.zip')}"
    done = store.run("compress", cmd)
    assert done.code == ITEM_SUCCEEDED, done.error
    assert _zip_of(store, "a.zip") == {"a.bin": b"old bytes"}
    assert store.read("a.bin") == b"new bytes"


def test_compress_reads_the_key_list_it_found(store: Store) -> None:
    store.put("one", b"1")
    store.put("two", b"2")
    store.put("list.txt", b"one\n")
    store.overwrite_after_next_lookup("list.txt", b"two\n")
    cmd = f"bucket/{b64(BUCKET)}/keyList/{b64('list.txt')}/saveas/{entry(BUCKET, 'l.zip')}"
    done = store.run("compress", cmd)
    assert done.code == ITEM_SUCCEEDED, done.error
    assert _zip_of(store, "l.zip") == {"one": b"1"}


def test_deletem3u8_reads_the_playlist_it_found(store: Store) -> None:
    store.put("v/a.ts", b"a")
    store.put("v/b.ts", b"b")
    store.put("v/p.m3u8", b"#EXTM3U\na.ts\n")
    store.overwrite_after_next_lookup("v/p.m3u8", b"#EXTM3U\nb.ts\n")
    done = store.run("deletem3u8", f"bucket/{b64(BUCKET)}/key/{b64('v/p.m3u8')}")
    assert done.code == ITEM_SUCCEEDED, done.error
    assert store.objects.get(BUCKET, "v/a.ts") is None
    assert store.objects.get(BUCKET, "v/b.ts") is not None
