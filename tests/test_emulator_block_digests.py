"""A block's digests are computed once, as its bytes arrive, and make the object's etag
at mkfile without reading the object again; where none were kept (a restart) they come
from the block file. The joined blob's bytes are copied by the kernel or, where it
refuses, through a buffer: the same bytes either way."""

from __future__ import annotations

import errno
import hashlib
import os
import random
from pathlib import Path

import pytest

from wcs_ext.emulator.state.blob_files import AdoptedBlob, BlobStore, JoinedBlob, copy_file_bytes
from wcs_ext.emulator.state.block_digests import BlockDigests
from wcs_ext.emulator.state.ctx_tokens import CtxCodec
from wcs_ext.emulator.state.database import Database
from wcs_ext.emulator.state.multipart_store import BlockStore
from wcs_ext.protocol.checksum import ETAG_BLOCK_SIZE, EtagHasher, etag_bytes

MIB = 1024 * 1024
SCOPE = "b:k"


def _pieces(data: bytes, seed: int) -> list[bytes]:
    rng, out, at = random.Random(seed), [], 0
    while at < len(data):
        step = rng.choice([1, 999, 65536, MIB + 7])
        out.append(data[at : at + step])
        at += step
    return out


@pytest.mark.parametrize("size", [1, 4096, ETAG_BLOCK_SIZE, 2 * ETAG_BLOCK_SIZE + 5])
def test_the_checksum_is_the_blocks_sha1_and_the_pieces_its_etags(size: int) -> None:
    data = random.Random(size).randbytes(size)
    digests = BlockDigests(size)
    for piece in _pieces(data, size):
        digests.update(memoryview(piece))
    assert digests.size == size
    assert digests.checksum() == hashlib.sha1(data).hexdigest()
    reference = EtagHasher()
    reference.update(data)
    assert digests.piece_digests() == reference.block_digests()


def test_a_copy_goes_on_alone_and_a_file_gives_the_same_digests(tmp_path: Path) -> None:
    data = random.Random(7).randbytes(ETAG_BLOCK_SIZE + 100)
    digests = BlockDigests(2 * ETAG_BLOCK_SIZE)
    digests.update(data[:50])
    twin = digests.copy()
    digests.update(b"only in the first")
    twin.update(data[50:])
    assert twin.checksum() == hashlib.sha1(data).hexdigest()
    path = tmp_path / "block"
    path.write_bytes(data + b"beyond the received bytes")
    with path.open("rb", buffering=0) as file:
        read = BlockDigests.of_file(file, 2 * ETAG_BLOCK_SIZE, len(data))
    assert read.piece_digests() == twin.piece_digests()
    assert read.checksum() == twin.checksum()
    with path.open("rb", buffering=0) as file, pytest.raises(OSError, match="bytes missing"):
        BlockDigests.of_file(file, 2 * ETAG_BLOCK_SIZE, len(data) + 100)


def _upload(
    store: BlockStore, blocks: list[bytes], batch: str = "", order: list[int] | None = None
) -> list[str]:
    ctxs = {}
    for index in order if order is not None else range(len(blocks)):
        block = blocks[index]
        writer = store.create(bucket="b", scope=SCOPE, index=index, size=len(block), batch=batch)
        for piece in _pieces(block, index):
            writer.write(piece)
        ack = writer.commit()
        assert ack.checksum == hashlib.sha1(block).hexdigest()
        ctxs[index] = ack.ctx
    return [ctxs[i] for i in range(len(blocks))]


@pytest.mark.parametrize("batch", ["", "upload-1"], ids=["own-files", "shared-file"])
@pytest.mark.parametrize("kept", [True, False], ids=["digests-kept", "after-a-restart"])
def test_mkfile_joins_the_blocks_with_their_kept_digests(
    tmp_path: Path, kept: bool, batch: str
) -> None:
    db, blobs, codec = Database(tmp_path / "meta.sqlite3"), BlobStore(tmp_path), CtxCodec(b"s")
    store = BlockStore(db, blobs, codec, ttl_ms=60_000)
    rng = random.Random(3)
    blocks = [rng.randbytes(2 * ETAG_BLOCK_SIZE), rng.randbytes(2 * ETAG_BLOCK_SIZE), b"tail"]
    ctxs = [codec.decode(ctx) for ctx in _upload(store, blocks, batch)]
    if not kept:  # a new process: nothing in memory, the block files are read instead
        store = BlockStore(db, blobs, codec, ttl_ms=60_000)
    blob, ids = store.assemble(ctxs, SCOPE, sum(map(len, blocks)))
    try:
        blob.finish()
        # Blocks of one upload were written in place: the object is their file, renamed.
        assert isinstance(blob, AdoptedBlob if batch else JoinedBlob)
        assert ids == [ctx.block_id for ctx in ctxs]
        assert blob.hash == etag_bytes(b"".join(blocks))
        assert blob.size == sum(map(len, blocks))
        assert blob.path.read_bytes() == b"".join(blocks)
    finally:
        blob.discard()
        db.close()


def test_a_joined_part_must_start_on_a_4_mib_boundary(tmp_path: Path) -> None:
    blobs = BlobStore(tmp_path)
    part = tmp_path / "part"
    part.write_bytes(b"abc")
    joined = blobs.joined()
    try:
        with pytest.raises(ValueError, match="piece digests"):
            joined.append(part, 0, 3, [])
        joined.append(part, 0, 3, [hashlib.sha1(b"abc").digest()])
        with pytest.raises(ValueError, match="4 MiB"):
            joined.append(part, 0, 3, [hashlib.sha1(b"abc").digest()])
        assert joined.hash == etag_bytes(b"abc")
    finally:
        joined.discard()


@pytest.mark.parametrize("kernel", [True, False], ids=["copy_file_range", "buffer"])
def test_copy_file_bytes_copies_from_the_positions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kernel: bool
) -> None:
    if not kernel:

        def refused(*args: object) -> int:
            raise OSError(errno.EXDEV, "cross-device")

        monkeypatch.setattr(os, "copy_file_range", refused, raising=False)
    data = random.Random(1).randbytes(3 * MIB + 11)
    source, target = tmp_path / "source", tmp_path / "target"
    source.write_bytes(data)
    with source.open("rb", buffering=0) as src, target.open("wb") as out:
        out.write(b"head")
        out.flush()
        src.seek(5)
        copy_file_bytes(src, out, len(data) - 10)
        assert src.tell() == len(data) - 5
        with pytest.raises(OSError, match="bytes missing"):
            copy_file_bytes(src, out, 6)
    assert target.read_bytes()[: 4 + len(data) - 10] == b"head" + data[5:-5]
