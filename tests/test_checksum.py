"""Etag and CRC-64/XZ against the protocol's tables and the original SDK's public vectors."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import random
import threading
import tracemalloc
from pathlib import Path
from typing import Any

import pytest

from wcs_ext.protocol.checksum import (
    ETAG_BLOCK_SIZE,
    Crc64Hasher,
    EtagHasher,
    crc64_bytes,
    crc64_file,
    etag_bytes,
    etag_file,
    etag_from_digests,
    etag_stream,
)

BLOCK = ETAG_BLOCK_SIZE
MIB = 1024 * 1024


# A copy of the shared vectors-public.json (outputs of the original SDK), kept in the repo
# so a clean clone tests against it.
VECTORS_PATH = Path(__file__).parent / "data" / "vectors-public.json"
VECTORS: dict[str, Any] = json.loads(VECTORS_PATH.read_text())
FILE_VECTORS: list[dict[str, Any]] = VECTORS.get("files", [])


def reference_etag(data: bytes) -> str:
    """The etag straight from the definition (wcs-api §7.1), sharing no code with wcs_ext."""
    blocks = [data[i : i + BLOCK] for i in range(0, len(data), BLOCK)] or [b""]
    digests = [hashlib.sha1(block).digest() for block in blocks]
    if len(digests) == 1:
        return base64.urlsafe_b64encode(b"\x16" + digests[0]).decode()
    return base64.urlsafe_b64encode(b"\x96" + hashlib.sha1(b"".join(digests)).digest()).decode()


@pytest.fixture(scope="module")
def pool() -> bytes:
    """Random bytes to slice test inputs from (generated once: 12 MiB + a bit)."""
    return random.Random(20240607).randbytes(3 * BLOCK + 4096)


def write_file(folder: Path, name: str, data: bytes) -> Path:
    path = folder / name
    path.write_bytes(data)
    return path


# -- the public vectors of the original SDK -------------------------------------------


def test_vectors_file_has_the_public_file_vectors() -> None:
    assert len(FILE_VECTORS) >= 3


def test_content_generator_matches_the_vectors() -> None:
    check = VECTORS["generator_check"]
    data = random.Random(1).randbytes(4096)
    assert data[:16].hex() == check["first16_hex"]
    assert hashlib.sha1(data).hexdigest() == check["sha1_4096"]


@pytest.mark.parametrize("vector", FILE_VECTORS, ids=lambda v: f"size{v['size']}")
def test_public_file_vectors(vector: dict[str, Any], tmp_path: Path) -> None:
    data = random.Random(vector["seed"]).randbytes(vector["size"])
    assert hashlib.sha1(data).hexdigest() == vector["sha1_of_content"]
    path = write_file(tmp_path, "content.bin", data)

    assert etag_bytes(data) == vector["etag"]
    assert etag_file(path, workers=1) == vector["etag"]
    assert etag_file(path, workers=4) == vector["etag"]
    with path.open("rb") as stream:
        assert etag_stream(stream) == vector["etag"]

    assert str(crc64_bytes(data)) == vector["crc64"]
    assert f"{crc64_file(path):016x}" == vector["crc64_hex"]


def test_public_crc64_check_value() -> None:
    check = VECTORS["crc64_check"]
    assert str(crc64_bytes(check["input"].encode())) == check["crc64"]


# -- the tables of wcs-api §7 and the tool outputs of wire-examples §6 -------------------


@pytest.mark.parametrize(
    ("data", "etag"),
    [
        (b"", "Fto5o-5ea0sNMlW_75VgGJCv2AcJ"),
        (b"hello", "Fqr0xh3cxeii2r7eDztILNmuqUNN"),
        (bytes(4194304), "FivMvS848VwT631aif2dhfWV4jvD"),
        (bytes(4194305), "lhCFgki5yzon0rjN9uJusf6qtsF6"),
        (b"hello wcs\n", "FiJansjy9XVdTONVcAYheClQyUjF"),
    ],
    ids=["empty", "hello", "one-block", "two-blocks", "hello-wcs"],
)
def test_etag_table(data: bytes, etag: str, tmp_path: Path) -> None:
    assert reference_etag(data) == etag
    assert etag_bytes(data) == etag
    assert etag_file(write_file(tmp_path, "f", data)) == etag
    assert len(etag) == 28


@pytest.mark.parametrize(
    ("data", "crc"),
    [
        (b"123456789", 11051210869376104954),
        (b"hello", 11177612005948864433),
        (b"", 0),
        (b"hello wcs\n", 11047039988190061689),
    ],
    ids=["check", "hello", "empty", "hello-wcs"],
)
def test_crc64_table(data: bytes, crc: int, tmp_path: Path) -> None:
    assert crc64_bytes(data) == crc
    assert crc64_file(write_file(tmp_path, "f", data)) == crc


# -- EtagHasher ---------------------------------------------------------------------------

BOUNDARY_SIZES = [0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK, 2 * BLOCK + 1, 3 * BLOCK + 7]


@pytest.mark.parametrize("size", BOUNDARY_SIZES)
def test_hasher_any_chunking_gives_the_etag(size: int, pool: bytes) -> None:
    data = pool[:size]
    expected = reference_etag(data)
    assert etag_bytes(data) == expected
    rng = random.Random(size)
    for _ in range(3):
        hasher = EtagHasher()
        offset = 0
        while offset < size:
            # Mostly small pieces, sometimes one spanning several blocks; some empty.
            step = rng.choice([0, 1, 7, 4096, 65537, BLOCK - 3, BLOCK + 5, 2 * BLOCK + 1])
            piece = data[offset : offset + step]
            hasher.update(rng.choice([bytes, bytearray, memoryview])(piece))
            offset += len(piece)
        assert hasher.bytes_hashed == size
        assert len(hasher.block_digests()) == max(1, -(-size // BLOCK))
        assert hasher.etag() == expected


def test_hasher_is_usable_after_reading_the_etag(pool: bytes) -> None:
    hasher = EtagHasher()
    hasher.update(pool[:BLOCK])
    assert hasher.etag() == reference_etag(pool[:BLOCK])
    hasher.update(pool[BLOCK : BLOCK + 10])
    assert hasher.etag() == reference_etag(pool[: BLOCK + 10])


def test_a_copied_hasher_goes_on_alone(pool: bytes) -> None:
    hasher = EtagHasher()
    hasher.update(pool[: BLOCK + 10])
    twin = hasher.copy()
    hasher.update(b"only in the first")
    twin.update(pool[BLOCK + 10 : 2 * BLOCK + 3])
    assert twin.bytes_hashed == 2 * BLOCK + 3
    assert twin.etag() == reference_etag(pool[: 2 * BLOCK + 3])
    assert hasher.etag() == reference_etag(pool[: BLOCK + 10] + b"only in the first")


def test_hasher_accepts_non_byte_memoryviews() -> None:
    words = memoryview(bytearray(range(16))).cast("I")
    hasher = EtagHasher()
    hasher.update(words)
    assert hasher.etag() == reference_etag(bytes(range(16)))


def test_per_block_hashers_join_like_a_multipart_upload(pool: bytes) -> None:
    # A multipart upload with 8 MiB blocks: each worker hashes its own block.
    data = pool[: 2 * BLOCK + 12345]
    parts = [data[0 : 2 * BLOCK], data[2 * BLOCK :]]
    digests: list[bytes] = []
    for part in parts:
        hasher = EtagHasher()
        hasher.update(part)
        digests.extend(hasher.block_digests())
    assert len(digests) == 3
    assert etag_from_digests(digests) == etag_bytes(data) == reference_etag(data)


def test_etag_from_digests_edge_cases() -> None:
    assert etag_from_digests([]) == "Fto5o-5ea0sNMlW_75VgGJCv2AcJ"
    assert etag_from_digests([hashlib.sha1(b"hello").digest()]) == etag_bytes(b"hello")
    with pytest.raises(ValueError, match="SHA-1"):
        etag_from_digests([hashlib.sha1(b"x").hexdigest().encode()])


# -- files and streams ----------------------------------------------------------------------


@pytest.mark.parametrize("size", [0, 5, 2 * BLOCK + 1, 3 * BLOCK, 3 * BLOCK + 7])
def test_etag_file_parallel_equals_sequential(size: int, pool: bytes, tmp_path: Path) -> None:
    data = pool[:size]
    path = write_file(tmp_path, "f.bin", data)
    expected = reference_etag(data)
    assert etag_file(path, workers=1) == expected
    assert etag_file(path, workers=2) == expected
    assert etag_file(path, workers=4) == expected
    assert etag_file(str(path)) == expected


def test_a_file_that_shrinks_while_hashed_gets_the_etag_of_what_is_left(
    pool: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = pool[: 4 * BLOCK]
    path = write_file(tmp_path, "shrinking.bin", data)
    real_preadv = os.preadv
    cut = threading.Event()

    def preadv_then_cut(fd: int, buffers: Any, offset: int) -> int:
        if not cut.is_set():
            cut.set()
            os.truncate(path, 2 * BLOCK + 5)  # the writer cuts it, mid-hash
        return real_preadv(fd, buffers, offset)

    monkeypatch.setattr(os, "preadv", preadv_then_cut)
    assert etag_file(path, workers=2) == reference_etag(data[: 2 * BLOCK + 5])
    assert cut.is_set()


def test_etag_file_rejects_zero_workers(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="workers"):
        etag_file(write_file(tmp_path, "f", b"x"), workers=0)


def test_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        etag_file(tmp_path / "nope")
    with pytest.raises(FileNotFoundError):
        crc64_file(tmp_path / "nope")


class DribblingPipe:
    """A non-seekable reader that hands out short, irregular pieces, like a socket."""

    def __init__(self, data: bytes) -> None:
        self._data = memoryview(data)
        self._rng = random.Random(7)

    def read(self, size: int = -1, /) -> bytes:
        limit = self._rng.randint(1, 300_000)
        take = limit if size < 0 else min(size, limit)
        piece, self._data = self._data[:take], self._data[take:]
        return bytes(piece)

    def seekable(self) -> bool:
        return False


def test_etag_stream_on_a_non_seekable_reader(pool: bytes) -> None:
    data = pool[: 2 * BLOCK + 99]
    assert etag_stream(DribblingPipe(data)) == reference_etag(data)


def test_etag_stream_on_a_real_pipe(pool: bytes) -> None:
    data = pool[: BLOCK + 4321]
    read_fd, write_fd = os.pipe()

    def feed() -> None:
        with open(write_fd, "wb") as sink:
            sink.write(data)

    writer = threading.Thread(target=feed)
    writer.start()
    with open(read_fd, "rb") as source:
        assert not source.seekable()
        assert etag_stream(source) == reference_etag(data)
    writer.join()


# -- CRC-64 chaining -------------------------------------------------------------------------


def test_crc64_chains(pool: bytes) -> None:
    data = pool[: 3 * MIB + 17]
    whole = crc64_bytes(data)
    rng = random.Random(3)
    for _ in range(5):
        cut_a, cut_b = sorted(rng.randrange(len(data) + 1) for _ in range(2))
        a, b, c = data[:cut_a], data[cut_a:cut_b], data[cut_b:]
        assert crc64_bytes(c, crc64_bytes(b, crc64_bytes(a))) == whole
        hasher = Crc64Hasher()
        for piece in (a, bytearray(b), memoryview(c)):
            hasher.update(piece)
        assert hasher.value == whole
        resumed = Crc64Hasher(crc64_bytes(a + b))
        resumed.update(c)
        assert resumed.value == whole
    assert crc64_bytes(b"", 12345) == 12345
    assert Crc64Hasher().value == 0


def test_crc64_file_equals_bytes(pool: bytes, tmp_path: Path) -> None:
    data = pool[: 2 * MIB + 3]
    assert crc64_file(write_file(tmp_path, "f", data)) == crc64_bytes(data)


# -- memory bound ------------------------------------------------------------------------------


def _peak_traced(action: Any) -> int:
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_etag_file_memory_stays_at_a_few_blocks(tmp_path: Path) -> None:
    path = tmp_path / "big.bin"
    chunk = random.Random(48).randbytes(MIB)
    with path.open("wb") as sink:
        for i in range(48):
            sink.write(chunk[i:] + chunk[:i])  # 48 MiB, no two blocks alike
    limit = 6 * BLOCK

    # The measurement sees a whole-file read, so the bound below means something.
    assert _peak_traced(path.read_bytes) > limit

    results: list[str] = []
    for workers in (1, 4, None):
        peak = _peak_traced(lambda w=workers: results.append(etag_file(path, workers=w)))
        assert peak < limit, f"workers={workers}: peak {peak / MIB:.1f} MiB"
    assert len(set(results)) == 1
    assert results[0] == reference_etag(path.read_bytes())


@pytest.mark.parametrize("size", [0, 1, 5, 4096, 4 * 1024 * 1024 + 1])
def test_crc32_is_zlibs(size: int) -> None:
    import zlib

    from wcs_ext.protocol.checksum import crc32_bytes

    data = random.Random(size).randbytes(size)
    assert crc32_bytes(data) == zlib.crc32(data)
    # Continued from the CRC of what came before, in any cut, as zlib's.
    cut = size // 3
    assert crc32_bytes(data[cut:], crc32_bytes(data[:cut])) == zlib.crc32(data)
    assert crc32_bytes(memoryview(data)[cut:], 12345) == zlib.crc32(data[cut:], 12345)
