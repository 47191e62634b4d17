"""Property tests of the pure protocol code: checksums under any chunking, and encodings.

Examples are replayed the same on every run (the ``wcs-ext`` profile of tests/conftest.py:
derandomized, no database, no deadline). Big inputs are slices of one seeded pool, not
drawn byte by byte, so sizes around the 4 MiB etag block stay cheap to generate.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import random
import string
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Final

import crcmod
from hypothesis import event, example, given, settings
from hypothesis import strategies as st

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
from wcs_ext.protocol.encoding import entry, parse_entry, urlsafe_b64decode, urlsafe_b64encode
from wcs_ext.protocol.fmgr_ops import (
    compress_op,
    copy_op,
    delete_m3u8_op,
    delete_op,
    delete_prefix_op,
    fetch_op,
    join_ops,
    move_op,
    parse_op,
)

BLOCK: Final = ETAG_BLOCK_SIZE
# Sizes where the block arithmetic can go wrong: none, one byte, either side of one and
# two blocks, three exactly; `payloads` adds 2 * BLOCK + k (k drawn, up to MAX_EXTRA).
BOUNDARY_SIZES: Final = (0, 1, BLOCK - 1, BLOCK, BLOCK + 1, 2 * BLOCK - 1, 2 * BLOCK, 3 * BLOCK)
MAX_EXTRA: Final = 64 * 1024
POOL: Final = random.Random(20240611).randbytes(3 * BLOCK + 4096)
Buffer = bytes | bytearray | memoryview
B64_ALPHABET: Final = string.ascii_letters + string.digits + "-_"


def reference_etag(data: bytes) -> str:
    """The etag from its definition, sharing no code with wcs_ext."""
    blocks = [data[i : i + BLOCK] for i in range(0, len(data), BLOCK)] or [b""]
    digests = [hashlib.sha1(block).digest() for block in blocks]
    if len(digests) == 1:
        return base64.urlsafe_b64encode(b"\x16" + digests[0]).decode()
    return base64.urlsafe_b64encode(b"\x96" + hashlib.sha1(b"".join(digests)).digest()).decode()


# CRC-64/XZ built by crcmod (the original SDK's library): ECMA-182, reflected, init and
# xorout all ones (crcmod's initCrc is the register XORed with xorout, hence 0).
_crcmod_xz: Callable[[bytes], int] = crcmod.mkCrcFun(
    0x142F0E1EBA9EA3693, rev=True, initCrc=0, xorOut=0xFFFFFFFFFFFFFFFF
)


# -- strategies ------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Payload:
    """Test content: ``size`` bytes of the pool from ``offset``, or ``small`` itself.

    Drawn and reported as these few numbers, never as megabytes of bytes.
    """

    size: int = 0
    offset: int = 0
    small: bytes | None = None

    @property
    def data(self) -> bytes:
        if self.small is not None:
            return self.small
        return POOL[self.offset : self.offset + self.size]

    def __len__(self) -> int:
        return len(self.small) if self.small is not None else self.size


@st.composite
def payloads(draw: st.DrawFn) -> Payload:
    """Either random small data, or a boundary size cut from the pool at a random offset."""
    if draw(st.booleans()):
        return Payload(small=draw(st.binary(max_size=3000)))
    size = draw(st.sampled_from([*BOUNDARY_SIZES, None]))
    if size is None:
        size = 2 * BLOCK + draw(st.integers(1, MAX_EXTRA))
    return Payload(size, draw(st.integers(0, len(POOL) - size)))


@st.composite
def cut_points(draw: st.DrawFn, size: int) -> list[int]:
    """Sorted places to split ``size`` bytes: anywhere, and a few bytes off block edges."""
    anywhere = st.integers(0, size)
    near_edge = st.builds(
        lambda block, delta: min(max(block * BLOCK + delta, 0), size),
        st.integers(0, size // BLOCK),
        st.integers(-3, 3),
    )
    return sorted(draw(st.lists(st.one_of(anywhere, near_edge), max_size=24)))


@st.composite
def split_payloads(draw: st.DrawFn) -> tuple[Payload, list[int]]:
    payload = draw(payloads())
    return payload, draw(cut_points(len(payload)))


SIZE_NAMES: Final = {0: "0", 1: "1", BLOCK - 1: "4M-1", BLOCK: "4M", BLOCK + 1: "4M+1"}
SIZE_NAMES.update({2 * BLOCK - 1: "8M-1", 2 * BLOCK: "8M", 3 * BLOCK: "12M"})


def size_event(size: int) -> None:
    """Name the size for ``--hypothesis-show-statistics``: are the edges reached?"""
    event(SIZE_NAMES.get(size, "8M+k" if size > 2 * BLOCK else "small"))


def pieces(data: bytes, cuts: Sequence[int]) -> Iterator[memoryview]:
    """``data`` split at ``cuts`` (empty pieces included, zero-copy)."""
    view = memoryview(data)
    start = 0
    for cut in [*cuts, len(data)]:
        yield view[start:cut]
        start = cut


class ShortReader:
    """``read(n)`` answering at most the next of ``lengths`` bytes (cycled), never 0
    before the end: what pipes and sockets do."""

    def __init__(self, data: bytes, lengths: Sequence[int]) -> None:
        self._view = memoryview(data)
        # At most a few hundred reads whatever the size: tiny reads of megabytes are slow.
        self._lengths = [max(length, len(data) // 300) for length in lengths]
        self._calls = 0

    def read(self, size: int = -1, /) -> bytes:
        limit = self._lengths[self._calls % len(self._lengths)]
        self._calls += 1
        if size >= 0:
            limit = min(limit, size)
        chunk, self._view = self._view[:limit], self._view[limit:]
        return bytes(chunk)


read_lengths = st.lists(
    st.one_of(st.integers(1, 4096), st.integers(4097, 2 * 1024 * 1024)), min_size=1, max_size=12
)


def as_buffer(kind: int, piece: memoryview) -> Buffer:
    return (bytes, bytearray, memoryview)[kind](piece)


@contextlib.contextmanager
def in_a_file(data: bytes) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "content.bin"
        path.write_bytes(data)
        yield path


# -- 1. etag ---------------------------------------------------------------------------


@settings(max_examples=60)
@given(split_payloads(), st.lists(st.integers(0, 2), min_size=1))
@example((Payload(small=b""), []), [0])
@example((Payload(BLOCK - 1), [BLOCK // 2]), [0])
@example((Payload(BLOCK), [BLOCK - 1]), [1])
@example((Payload(BLOCK + 1), [BLOCK, BLOCK]), [2])
@example((Payload(2 * BLOCK - 1), [BLOCK - 1, BLOCK + 1]), [0])
@example((Payload(2 * BLOCK), [BLOCK]), [0, 1])
@example((Payload(2 * BLOCK + 1), [1, BLOCK, 2 * BLOCK]), [0, 1, 2])
@example((Payload(3 * BLOCK), [BLOCK + 1, 2 * BLOCK - 1]), [2, 1])
def test_etag_hasher_under_any_chunking_equals_one_shot(
    split: tuple[Payload, list[int]], kinds: list[int]
) -> None:
    payload, cuts = split
    data = payload.data
    size_event(len(data))
    hasher = EtagHasher()
    for index, piece in enumerate(pieces(data, cuts)):
        hasher.update(as_buffer(kinds[index % len(kinds)], piece))
    assert hasher.bytes_hashed == len(data)
    assert hasher.etag() == etag_bytes(data) == reference_etag(data)
    # Reading the etag leaves the hasher usable: nothing more fed, the same answer.
    assert hasher.etag() == etag_bytes(data)


@settings(max_examples=40)
@given(payloads(), read_lengths)
@example(Payload(BLOCK), [BLOCK - 1])
@example(Payload(2 * BLOCK + 1), [3 * 1024 * 1024, 1])
def test_etag_stream_under_short_reads_equals_one_shot(
    payload: Payload, lengths: list[int]
) -> None:
    data = payload.data
    size_event(len(data))
    assert etag_stream(ShortReader(data, lengths)) == etag_bytes(data)


@settings(max_examples=30)
@given(payloads(), st.data())
def test_per_block_hashers_joined_equal_one_shot(payload: Payload, draw: st.DataObject) -> None:
    """What a multipart upload does: one hasher per block (a multiple of 4 MiB long)."""
    data = payload.data
    size_event(len(data))
    blocks = max(1, -(-len(data) // BLOCK))
    cuts = st.lists(st.integers(1, blocks - 1), max_size=3) if blocks > 1 else st.just([])
    edges = sorted({0, *draw.draw(cuts)})
    digests: list[bytes] = []
    for start, end in zip(edges, [*edges[1:], blocks], strict=True):
        hasher = EtagHasher()
        hasher.update(data[start * BLOCK : end * BLOCK])
        digests += hasher.block_digests()
    assert etag_from_digests(digests) == etag_bytes(data)


@settings(max_examples=20)
@given(payloads())
@example(Payload(small=b""))
@example(Payload(BLOCK))
@example(Payload(2 * BLOCK))
@example(Payload(2 * BLOCK + 1))  # the smallest file hashed on worker threads
@example(Payload(3 * BLOCK))  # on threads, and the last read finds nothing
def test_etag_file_with_one_or_two_workers_equals_one_shot(payload: Payload) -> None:
    data = payload.data
    size_event(len(data))
    with in_a_file(data) as path:
        assert etag_file(path, workers=1) == etag_bytes(data)
        assert etag_file(path, workers=2) == etag_bytes(data)


# -- 2. CRC-64 -------------------------------------------------------------------------


@settings(max_examples=60)
@given(split_payloads())
@example((Payload(small=b""), []))
@example((Payload(2 * BLOCK + 1), [1024 * 1024 - 1, 1024 * 1024, BLOCK]))
def test_crc64_chained_under_any_split_equals_one_shot(split: tuple[Payload, list[int]]) -> None:
    payload, cuts = split
    data = payload.data
    size_event(len(data))
    whole = crc64_bytes(data)
    chained = 0
    hasher = Crc64Hasher()
    for piece in pieces(data, cuts):
        chained = crc64_bytes(piece, chained)
        hasher.update(piece)
    assert chained == hasher.value == whole
    # Resuming from a known value, as an interrupted upload does.
    cut = cuts[len(cuts) // 2] if cuts else 0
    resumed = Crc64Hasher(crc64_bytes(data[:cut]))
    resumed.update(data[cut:])
    assert resumed.value == whole


@settings(max_examples=80)
@given(st.binary(max_size=2000))
def test_crc64_is_crc64_xz(data: bytes) -> None:
    assert crc64_bytes(data) == _crcmod_xz(data)


@settings(max_examples=20)
@given(payloads())
@example(Payload(small=b""))
@example(Payload(2 * BLOCK + 1))
def test_crc64_file_equals_one_shot(payload: Payload) -> None:
    data = payload.data
    size_event(len(data))
    with in_a_file(data) as path:
        assert crc64_file(path) == crc64_bytes(data)


# -- 3. Base64, entries and fmgr ops -----------------------------------------------------

# Valid str only (what UTF-8 can encode): lone surrogates are no key.
texts = st.text(st.characters(codec="utf-8"), max_size=40)
bucket_names = st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,62}", fullmatch=True)
# Plain (not Base64) fmgr values: hex digests, format names, flags.
plain_values = st.text("0123456789abcdefABCDEF._-", max_size=32)


@settings(max_examples=200)
@given(st.one_of(texts, st.binary(max_size=64)))
def test_urlsafe_b64_round_trips_padded_or_not(value: str | bytes) -> None:
    raw = value.encode("utf-8") if isinstance(value, str) else value
    encoded = urlsafe_b64encode(value)
    assert len(encoded) % 4 == 0
    assert set(encoded) <= set(B64_ALPHABET + "=")
    assert urlsafe_b64decode(encoded) == raw
    assert urlsafe_b64decode(encoded.encode("ascii")) == raw
    # Other SDKs strip the padding: decoding must not care.
    assert urlsafe_b64decode(encoded.rstrip("=")) == raw


@settings(max_examples=200)
@given(st.text(max_size=12) | st.text(B64_ALPHABET + "=+/", max_size=12))
def test_urlsafe_b64decode_answers_bytes_or_value_error(text: str) -> None:
    try:
        decoded = urlsafe_b64decode(text)
    except ValueError:
        return
    # Whatever it accepts is URL-safe Base64, at most its padding missing.
    stripped = text.rstrip("=")
    assert set(stripped) <= set(B64_ALPHABET)
    assert len(text) - len(stripped) <= 2
    assert decoded == base64.urlsafe_b64decode(stripped + "=" * (-len(stripped) % 4))


@settings(max_examples=200)
@given(bucket_names, st.one_of(st.none(), texts))
@example("b", "")
@example("b", ":")
@example("b", "a:b:c")
def test_entry_round_trips(bucket: str, key: str | None) -> None:
    assert parse_entry(entry(bucket, key)) == (bucket, key)


@settings(max_examples=100)
@given(bucket_names, texts, bucket_names, st.one_of(st.none(), texts), st.none() | texts)
def test_move_and_copy_ops_round_trip(
    src_bucket: str, src_key: str, dst_bucket: str, dst_key: str | None, prefix: str | None
) -> None:
    expected = {"resource": f"{src_bucket}:{src_key}", "bucket": dst_bucket}
    if dst_key is not None:
        expected["key"] = dst_key
    if prefix is not None:
        expected["prefix"] = prefix
    for build in (move_op, copy_op):
        op = build(src_bucket, src_key, dst_bucket, dst_key, prefix=prefix)
        parsed = parse_op(op)
        assert parsed == expected
        assert parse_entry(urlsafe_b64encode(parsed["resource"])) == (src_bucket, src_key)


@settings(max_examples=100)
@given(
    texts,
    bucket_names,
    st.none() | texts,
    st.none() | texts,
    st.none() | plain_values,
    st.none() | plain_values,
    st.none() | st.booleans(),
)
def test_fetch_op_round_trips(
    url: str,
    bucket: str,
    key: str | None,
    prefix: str | None,
    md5: str | None,
    decompression: str | None,
    fetch_ts: bool | None,
) -> None:
    op = fetch_op(
        url, bucket, key, prefix=prefix, md5=md5, decompression=decompression, fetch_ts=fetch_ts
    )
    optional = {
        "key": key,
        "prefix": prefix,
        "md5": md5,
        "decompression": decompression,
        "fetchTS": None if fetch_ts is None else str(int(fetch_ts)),
    }
    expected = {"fetchURL": url, "bucket": bucket}
    expected |= {name: value for name, value in optional.items() if value is not None}
    assert parse_op(op) == expected


@settings(max_examples=100)
@given(
    bucket_names,
    texts,
    st.none() | st.tuples(bucket_names, texts),
    st.none() | st.booleans(),
)
def test_delete_ops_round_trip(
    bucket: str, key: str, output: tuple[str, str] | None, delete_ts: bool | None
) -> None:
    assert parse_op(delete_op(bucket, key)) == {"bucket": bucket, "key": key}
    expected = {"bucket": bucket, "prefix": key}
    if output is not None:
        expected["output"] = f"{output[0]}:{output[1]}"
    assert parse_op(delete_prefix_op(bucket, key, output=output)) == expected
    expected = {"bucket": bucket, "key": key}
    if delete_ts is not None:
        expected["deletets"] = str(int(delete_ts))
    assert parse_op(delete_m3u8_op(bucket, key, delete_ts=delete_ts)) == expected


@settings(max_examples=100)
@given(
    bucket_names,
    st.lists(texts, max_size=5),
    st.none() | texts,
    st.tuples(bucket_names, texts),
)
def test_compress_op_round_trips(
    bucket: str, keys: list[str], key_list: str | None, save_as: tuple[str, str]
) -> None:
    if not keys and key_list is None:
        key_list = "index.txt"
    parsed = parse_op(compress_op(bucket, keys, save_as, key_list=key_list))
    if keys:
        split = [urlsafe_b64decode(k).decode("utf-8") for k in parsed.pop("keys").split("|")]
        assert split == keys
    expected = {"bucket": bucket, "saveas": f"{save_as[0]}:{save_as[1]}"}
    if key_list is not None:
        expected["keyList"] = key_list
    assert parsed == expected


@settings(max_examples=60)
@given(st.lists(st.tuples(bucket_names, texts), min_size=1, max_size=6))
def test_joined_ops_split_back_into_their_ops(targets: list[tuple[str, str]]) -> None:
    ops = [delete_op(bucket, key) for bucket, key in targets]
    joined = join_ops(ops)
    assert joined.split(";") == ops
    assert [parse_op(op) for op in joined.split(";")] == [
        {"bucket": bucket, "key": key} for bucket, key in targets
    ]


@settings(max_examples=200)
@given(st.text(st.sampled_from("ab/=Yg;|é"), max_size=20) | st.text(max_size=20))
def test_parse_op_answers_a_dict_or_value_error(op: str) -> None:
    try:
        parsed = parse_op(op)
    except ValueError:
        return
    assert all(isinstance(v, str) for v in parsed.values())
