"""The fault suite: a real emulator failing a seeded share of uploads, management calls
and downloads the way networks fail (``wcs_ext/emulator/faults.py``), and what the
client must still do.

* 20 uploads and 20 downloads, empty to multi-block multipart, all byte-correct: each
  hash against an etag computed here from the bytes, each download against the bytes.
* Management calls either succeed or raise a typed :class:`~wcs_ext.errors.WcsError`,
  and a call that may have taken effect is never sent again.
* Every wait between a failed attempt and its retry is at least what the retry policy
  demands: the backoff's lower bound (jitter takes off at most a quarter), growing with
  the retries taken, or the server's ``Retry-After``. Only differences of attempt times
  are asserted, never a total time.

Everything is seeded: the emulator's faults and the data (``random.Random``).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import random
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import pytest

from tests.attempt_log import AttemptLog, retry_gaps
from tests.conftest import EmulatorFactory, EmulatorProcess
from wcs_ext import RetryPolicy, Wcs
from wcs_ext.errors import WcsError

MiB = 1024 * 1024
BUCKET = "e2e"
SEED = 20_611
"""Of the data, the uploads' faults and the management calls' faults."""
DOWNLOAD_SEED = 20
"""Of the downloads' faults (25 %), chosen so that all five download kinds hit a file of
more than a few bytes: the downloads run one by one against an emulator restarted for
them, so the n-th draw meets the same request on every run."""
SPACING_SEED = 1
"""Of the storm of the last test: one stat is retried 6 times in a row."""
POLICY = RetryPolicy(max_retries=8, initial_delay=0.02, max_delay=0.2)
RETRY_AFTER = "0.25"
"""What the 503s' ``Retry-After: 0`` becomes on its way to the client: longer than any
backoff of ``POLICY``, so a client that ignored it would retry too soon."""
SIZES = (
    *(0, 1, 3, 100, 4095, 65_536, 300_001),  # simple form uploads
    *(MiB + 7, 2 * MiB, 3 * MiB - 1, 4 * MiB - 1, 4 * MiB, 4 * MiB + 1),  # one block
    *(5 * MiB + 333, 6 * MiB, 8 * MiB, 8 * MiB + 1, 4 * MiB + 524_305, 7 * MiB - 3, 1234),
)
"""Multipart above 1 MiB (blocks of 4 MiB, chunks of 512 KiB); 58 MiB in all."""


def wcs_etag(data: bytes) -> str:
    """The WCS etag, written out here from its definition rather than taken from wcs_ext:
    SHA-1 of each 4 MiB block; one block: 0x16 + its SHA-1, more: 0x96 + SHA-1 of theirs."""
    block = 4 * MiB
    digests = [hashlib.sha1(data[i : i + block]).digest() for i in range(0, len(data), block)]
    if len(digests) <= 1:
        payload = b"\x16" + (digests[0] if digests else hashlib.sha1(b"").digest())
    else:
        payload = b"\x96" + hashlib.sha1(b"".join(digests)).digest()
    return base64.urlsafe_b64encode(payload).decode()


def faulty_client(emulator: EmulatorProcess, log: AttemptLog, **overrides: Any) -> Wcs:
    settings: dict[str, Any] = {
        "block_size": 4 * MiB,
        "bput_size": 512 * 1024,
        "concurrency": 3,
        "connection_retries": 8,
        "mkblk_retries": 8,
        "bput_retries": 8,
        "mkfile_retries": 8,
        # A speed floor the emulator's drips fall under (5 KiB/s) within half a second.
        "low_speed_limit": 64 * 1024,
        "low_speed_time": 0.5,
    } | overrides
    return Wcs(emulator.config(**settings), transport=log, retry=POLICY, multipart_threshold=MiB)


def injected(emulator: EmulatorProcess) -> list[str]:
    """``KIND METHOD PATH`` of every fault the emulator injected so far."""
    lines = emulator.stderr().splitlines()
    return [line.removeprefix("injecting ") for line in lines if line.startswith("injecting")]


def assert_spacing(log: AttemptLog) -> int:
    """Every governed wait respects the policy; returns how many were checked."""
    gaps = retry_gaps(log, POLICY)
    short = [gap.describe() for gap in gaps if gap.seconds < gap.least]
    assert not short, f"retried sooner than the policy allows: {short}"
    return len(gaps)


# -- 20 uploads and 20 downloads through faults --------------------------------------


class Transfers:
    def __init__(self, emulator: EmulatorProcess, folder: Path) -> None:
        self.emulator = emulator
        self.folder = folder
        rng = random.Random(SEED)
        self.files = {
            f"suite/{n:02d}-{size}.bin": rng.randbytes(size) for n, size in enumerate(SIZES)
        }
        self.uploads = AttemptLog(retry_after=RETRY_AFTER)
        self.downloads = AttemptLog(retry_after=RETRY_AFTER)
        self.hashes: dict[str, str | None] = {}
        self.faults_before_downloads = 0

    def upload_all(self) -> None:
        with faulty_client(self.emulator, self.uploads) as wcs:
            for key, data in self.files.items():
                local = self.folder / key.replace("/", "_")
                local.write_bytes(data)
                self.hashes[key] = wcs.upload_file(local, BUCKET, key).hash
        self.faults_before_downloads = len(injected(self.emulator))
        # Same data, a fresh fault sequence for the downloads (see DOWNLOAD_SEED).
        self.emulator.extra_args = (
            *("--fault-rate", "0.25", "--fault-seed", str(DOWNLOAD_SEED), "--fault-downloads"),
        )
        self.emulator.restart()


@pytest.fixture(scope="module")
def transfers(
    emulator_factory: EmulatorFactory, tmp_path_factory: pytest.TempPathFactory
) -> Transfers:
    args = ["--fault-rate", "0.15", "--fault-seed", str(SEED)]
    done = Transfers(emulator_factory(extra_args=args), tmp_path_factory.mktemp("suite"))
    done.upload_all()
    return done


def test_twenty_uploads_through_faults_store_the_bytes_sent(transfers: Transfers) -> None:
    assert len(transfers.files) == 20
    total = sum(map(len, transfers.files.values()))
    assert total <= 60 * MiB
    expected = {key: wcs_etag(data) for key, data in transfers.files.items()}
    assert transfers.hashes == expected
    faults = injected(transfers.emulator)[: transfers.faults_before_downloads]
    for path in ("/file/upload", "/mkblk/", "/bput/", "/mkfile/"):
        assert any(path in line for line in faults), f"no fault hit {path}: the suite is idle"
    assert any(line.startswith(("drop-after", "cut-after")) for line in faults)


def test_twenty_downloads_through_faults_are_byte_correct(transfers: Transfers) -> None:
    target = transfers.folder / "downloads"
    target.mkdir()
    with faulty_client(transfers.emulator, transfers.downloads) as wcs:
        for n, (key, data) in enumerate(transfers.files.items()):
            url = transfers.emulator.url_of(BUCKET, key)
            result = wcs.download(url, target / f"{n:02d}.bin")
            assert (target / f"{n:02d}.bin").read_bytes() == data, key
            assert result.size == len(data)
            assert result.hash == wcs_etag(data)
    faults = injected(transfers.emulator)[transfers.faults_before_downloads :]
    kinds = {line.split()[0] for line in faults if " GET /dl/" in line}
    expected = {"error-500", "error-503", "drop-before", "cut-body", "drip"}
    assert kinds == expected, f"DOWNLOAD_SEED no longer hits every kind: {kinds}"
    attempts = transfers.downloads.attempts
    # A cut was continued with Range, and a drip was given up on (then continued).
    assert any(a.range for a in attempts)
    assert any(a.error == "closed early" and a.body_bytes for a in attempts)


def test_retries_of_transfers_wait_as_the_policy_says(transfers: Transfers) -> None:
    if not transfers.downloads.attempts:
        pytest.skip("needs the downloads of the test above")
    checked = assert_spacing(transfers.uploads) + assert_spacing(transfers.downloads)
    assert checked >= 10
    honoured = [
        g for g in retry_gaps(transfers.uploads, POLICY) if g.failed.retry_after == RETRY_AFTER
    ]
    assert honoured, "no 503 was retried: Retry-After went unchecked"


# -- management calls through faults ---------------------------------------------------

Call = Callable[[], object]
NOT_IDEMPOTENT = ("/move/", "/delete/", "/fmgr/")


def management_calls(wcs: Wcs, keys: list[str]) -> Iterator[tuple[str, Call]]:
    for key in keys:
        yield f"stat {key}", partial(wcs.stat, BUCKET, key)
    yield "list", lambda: list(wcs.iter_objects(BUCKET, prefix="m/", limit=4))
    for n, key in enumerate(keys):
        copied, moved = f"copied/{n}", f"moved/{n}"
        yield f"copy {key}", partial(wcs.copy, BUCKET, key, BUCKET, copied)
        yield f"move {copied}", partial(wcs.move, BUCKET, copied, BUCKET, moved)
        yield f"delete {moved}", partial(wcs.delete, BUCKET, moved)
        yield f"fmgr copy {key}", partial(wcs.fmgr.copy, BUCKET, key, BUCKET, f"j/{n}")
        yield f"fmgr delete {key}", partial(wcs.fmgr.delete, BUCKET, f"gone/{key}")


def test_management_calls_succeed_or_fail_typed_and_are_not_blindly_repeated(
    emulator_factory: EmulatorFactory, tmp_path: Path
) -> None:
    emulator = emulator_factory(extra_args=["--fault-rate", "0.25", "--fault-seed", str(SEED)])
    rng = random.Random(SEED)
    contents = {f"m/{n:02d}": rng.randbytes(rng.randrange(1, 3000)) for n in range(12)}
    log = AttemptLog(retry_after=RETRY_AFTER)
    outcomes: dict[str, str] = {}
    with faulty_client(emulator, log) as wcs:
        for key, data in contents.items():
            (tmp_path / "f").write_bytes(data)
            assert wcs.upload_file(tmp_path / "f", BUCKET, key).hash == wcs_etag(data)
        for name, call in management_calls(wcs, list(contents)):
            try:
                answer = call()
            except WcsError as exc:  # anything else fails the test: it is not typed
                outcomes[name] = type(exc).__name__
            else:
                outcomes[name] = "ok"
                if name.startswith("stat "):
                    assert getattr(answer, "hash", None) == wcs_etag(contents[name[5:]])
    failures = {name: kind for name, kind in outcomes.items() if kind != "ok"}
    print("management failures:", failures)
    # A call that may have taken effect is not sent again: no attempt follows an
    # ambiguous failure of a move, delete or job submission.
    chains = [c for c in log.chains() if any(part in c[0].url for part in NOT_IDEMPOTENT)]
    repeated = [
        f"{a.method} {a.url} after {a.error or a.status}"
        for chain in chains
        for a in chain[:-1]
        if a.ambiguous
    ]
    assert not repeated
    # The faults reached the calls at risk: some failed, typed.
    assert any(name.startswith(("move", "delete", "fmgr")) for name in failures), failures
    assert any(a.ambiguous for chain in chains for a in chain), "no call was at risk"
    assert any(len(chain) > 1 for chain in chains), "no 503 of a call that may be repeated"
    assert assert_spacing(log) >= 3


# -- the backoff's growth, under a dense storm ------------------------------------------


def test_waits_grow_with_the_retries_taken_and_honour_retry_after(
    emulator_factory: EmulatorFactory,
) -> None:
    """Half of all requests fail before anything is done (500, 503, a drop): long runs
    of retries of one stat, each wait at least the policy's backoff for its number."""
    kinds = "error-500,error-503,drop-before"
    args = ["--fault-rate", "0.5", "--fault-seed", str(SPACING_SEED), "--fault-kinds", kinds]
    emulator = emulator_factory(extra_args=args)
    log = AttemptLog(retry_after=RETRY_AFTER)
    with faulty_client(emulator, log) as wcs:
        for n in range(30):
            # A 404 (the key is absent), or retries ran out: typed either way.
            with contextlib.suppress(WcsError):
                wcs.stat(BUCKET, f"none/{n}")
    gaps = retry_gaps(log, POLICY)
    assert_spacing(log)
    by_backoff = [g for g in gaps if g.failed.retry_after is None]
    assert max(g.retries_taken for g in by_backoff) >= 4, "no long run of retries"
    # The bound at 4 retries taken (0.15 s) is ten times that of the first (0.015 s):
    # a client whose waits did not grow fails the spacing check above.
    assert any(g.failed.retry_after == RETRY_AFTER for g in gaps)
