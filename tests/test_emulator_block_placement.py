"""Blocks of one upload are written into one file, each at its place in the object, and
mkfile renames that file into the object instead of copying it; wherever a shared place
would be wrong (no batch, a place taken, blocks out of their object's order) a block
gets a file of its own and mkfile copies, with the same bytes either way."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from wcs_ext.emulator.errors import EmulatorError
from wcs_ext.emulator.state.blob_files import AdoptedBlob, BlobStore, BlobWriter, JoinedBlob
from wcs_ext.emulator.state.ctx_tokens import Ctx, CtxCodec
from wcs_ext.emulator.state.database import Database
from wcs_ext.emulator.state.multipart_store import BlockStore
from wcs_ext.emulator.state.object_store import ObjectStore
from wcs_ext.protocol.checksum import ETAG_BLOCK_SIZE, etag_bytes

SCOPE = "b:k"
STRIDE = ETAG_BLOCK_SIZE


class Stores:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.db = Database(root / "meta.sqlite3")
        self.blobs = BlobStore(root)
        self.codec = CtxCodec(b"secret")
        self.blocks = BlockStore(self.db, self.blobs, self.codec, ttl_ms=60_000)

    def send(self, index: int, data: bytes, batch: str = "u1") -> Ctx:
        writer = self.blocks.create(
            bucket="b", scope=SCOPE, index=index, size=len(data), batch=batch
        )
        writer.write(data)
        return self.codec.decode(writer.commit().ctx)

    def block_files(self) -> set[str]:
        return {p.name for p in (self.root / "blocks").iterdir()}

    def close(self) -> None:
        self.db.close()


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[Stores]:
    made = Stores(tmp_path)
    yield made
    made.close()


def _data(count: int, tail: int = 10) -> list[bytes]:
    rng = random.Random(count)
    return [rng.randbytes(STRIDE) for _ in range(count)] + ([rng.randbytes(tail)] if tail else [])


def test_an_uploads_blocks_become_the_object_without_a_copy(stores: Stores) -> None:
    blocks = _data(3)
    # Sent out of order, as concurrent workers do; the short last block last but one.
    ctxs = {i: stores.send(i, blocks[i]) for i in (1, 0, 3, 2)}
    assert len(stores.block_files()) == 1  # one shared file, not four
    shared = stores.blobs.root / "blocks" / stores.block_files().pop()
    inode = shared.stat().st_ino
    blob, ids = stores.blocks.assemble([ctxs[i] for i in range(4)], SCOPE, sum(map(len, blocks)))
    assert isinstance(blob, AdoptedBlob)
    blob_id = stores.blobs.commit(blob)
    stored = stores.blobs.path(blob_id)
    assert stored.stat().st_ino == inode  # renamed: the very file the blocks went into
    assert stored.read_bytes() == b"".join(blocks)
    assert blob.hash == etag_bytes(b"".join(blocks))
    stores.blocks.discard(ids)
    assert stores.block_files() == set()
    assert stored.read_bytes() == b"".join(blocks)  # discarding the blocks kept the object


def test_a_one_block_upload_is_renamed_too(stores: Stores) -> None:
    ctx = stores.send(0, b"small object")
    blob, _ = stores.blocks.assemble([ctx], SCOPE, 12)
    assert isinstance(blob, AdoptedBlob)
    assert stores.blobs.path(stores.blobs.commit(blob)).read_bytes() == b"small object"


@pytest.mark.parametrize(
    "case", ["no-batch", "last-block-first", "another-block-of-the-batch-left"]
)
def test_where_a_rename_would_be_wrong_the_blocks_are_copied(stores: Stores, case: str) -> None:
    blocks = _data(2)
    batch = "" if case == "no-batch" else "u1"
    order = [2, 0, 1] if case == "last-block-first" else [0, 1, 2]
    ctxs = {i: stores.send(i, blocks[i], batch) for i in order}
    if case == "another-block-of-the-batch-left":
        stores.send(5, _data(1, tail=0)[0])  # a block this mkfile does not list
    blob, ids = stores.blocks.assemble([ctxs[i] for i in range(3)], SCOPE, sum(map(len, blocks)))
    assert isinstance(blob, JoinedBlob)
    blob_id = stores.blobs.commit(blob)
    assert stores.blobs.path(blob_id).read_bytes() == b"".join(blocks)
    assert blob.hash == etag_bytes(b"".join(blocks))
    stores.blocks.discard(ids)
    left = 1 if case == "another-block-of-the-batch-left" else 0
    assert len(stores.block_files()) == left  # the unlisted block's file stays, no other


def test_a_block_sent_again_does_not_overwrite_the_first_copy(stores: Stores) -> None:
    first = stores.send(0, b"a" * STRIDE)
    again = stores.send(0, b"b" * STRIDE)  # same place, new ctx: a file of its own
    assert len(stores.block_files()) == 2
    for ctx, byte in ((first, b"a"), (again, b"b")):
        blob, _ = stores.blocks.assemble([ctx], SCOPE, STRIDE)
        try:
            blob.finish()
            assert blob.path.read_bytes() == byte * STRIDE
        finally:
            blob.discard()


def test_a_rewound_chunk_in_a_shared_file_leaves_its_neighbours_alone(stores: Stores) -> None:
    blocks = _data(2, tail=0)
    ctx1 = stores.send(1, blocks[1])
    writer = stores.blocks.create(bucket="b", scope=SCOPE, index=0, size=STRIDE, batch="u1")
    writer.write(blocks[0][:100])
    first = stores.codec.decode(writer.commit().ctx)
    writer = stores.blocks.resume(first, SCOPE)
    writer.write(b"x" * (STRIDE - 100))
    writer.abort()  # a bput that failed at its end: block 1's bytes after it must stay
    writer = stores.blocks.resume(first, SCOPE)
    writer.write(blocks[0][100:])
    ctx0 = stores.codec.decode(writer.commit().ctx)
    blob, _ = stores.blocks.assemble([ctx0, ctx1], SCOPE, 2 * STRIDE)
    blob.finish()
    assert blob.path.read_bytes() == b"".join(blocks)


def test_a_store_that_refuses_gives_the_blocks_back(stores: Stores) -> None:
    objects = ObjectStore(stores.db, stores.blobs)
    objects.add_buckets(["b"])
    objects.store("b", "k", _written(stores.blobs, b"old"), mime="text/plain", overwrite=True)
    blocks = _data(1)
    ctxs = [stores.send(i, block) for i, block in enumerate(blocks)]
    blob, _ = stores.blocks.assemble(ctxs, SCOPE, sum(map(len, blocks)))
    with pytest.raises(EmulatorError):
        objects.store("b", "k", blob, mime="text/plain", overwrite=False)  # the key exists
    # The blocks are still whole: a mkfile that may overwrite succeeds with their bytes.
    blob, ids = stores.blocks.assemble(ctxs, SCOPE, sum(map(len, blocks)))
    record = objects.store("b", "k", blob, mime="text/plain", overwrite=True)
    assert record.hash == etag_bytes(b"".join(blocks))
    stores.blocks.discard(ids)
    _, file = objects.open_existing("b", "k")
    with file:
        assert file.read() == b"".join(blocks)


def _written(blobs: BlobStore, data: bytes) -> BlobWriter:
    writer = blobs.writer()
    writer.write(data)
    return writer


def test_a_restart_keeps_shared_files_in_use_and_forgets_a_missing_one(tmp_path: Path) -> None:
    stores = Stores(tmp_path)
    kept = stores.send(0, b"k" * STRIDE, batch="kept")
    lost = stores.send(0, b"l" * STRIDE, batch="lost")
    stores.close()
    files = {p.name: p for p in (tmp_path / "blocks").iterdir()}
    assert len(files) == 2
    lost_file = next(p for p in files.values() if p.read_bytes()[:1] == b"l")
    os.unlink(lost_file)  # as if the machine lost it
    stores = Stores(tmp_path)
    stores.blocks.prune_missing()
    removed = stores.blobs.clean([], stores.blocks.live_files())
    assert removed == 0
    blob, _ = stores.blocks.assemble([kept], SCOPE, STRIDE)
    blob.finish()
    assert blob.path.read_bytes() == b"k" * STRIDE
    with pytest.raises(EmulatorError, match="unknown ctx"):
        stores.blocks.assemble([lost], SCOPE, STRIDE)
    # A new block of the lost upload gets a file that exists.
    again = stores.send(0, b"m" * STRIDE, batch="lost")
    blob, _ = stores.blocks.assemble([again], SCOPE, STRIDE)
    blob.finish()
    assert blob.path.read_bytes() == b"m" * STRIDE
    stores.close()
