"""Downloads in slices against the real emulator: byte-identical around slice and piece
boundaries (sync, async and ``wcs-ext get``), every byte asked for once, and a download
SIGKILLed mid-way reruns asking only for the pieces its journal did not hold."""

from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path

import httpx
import pytest

from tests.cli_helpers import clean_env, config_text
from tests.conftest import EmulatorProcess
from tests.crash_helpers import Counting, child_settings, killed, run_child
from tests.upload_host import MiB
from wcs_ext import AsyncWcs, RetryPolicy, Wcs, etag_file
from wcs_ext.transfer.download_slices import PIECE, pieces_per_slice, plan_slices

SLICED = {"download_parallel_threshold": 1, "download_slice_size": PIECE, "concurrency": 3}
FAST = RetryPolicy(max_retries=3, initial_delay=0.01, max_delay=0.05)


def remote_file(emulator: EmulatorProcess, folder: Path, size: int, key: str) -> Path:
    local = folder / f"{size}.src"
    local.write_bytes(random.Random(size).randbytes(size))
    with emulator.client() as wcs:
        wcs.upload_file(local, "e2e", key)
    return local


def asked(counted: Counting) -> list[tuple[int, int]]:
    """The byte ranges asked for (``end`` excluded), in order; a plain GET is (0, -1)."""
    ranges = []
    for _, wanted, _, _ in counted.seen:
        if wanted is None:
            ranges.append((0, -1))
            continue
        first, last = wanted.removeprefix("bytes=").split("-")
        ranges.append((int(first), int(last) + 1))
    return ranges


@pytest.mark.parametrize(
    "size",
    [PIECE + 1, 2 * PIECE - 1, 2 * PIECE, 2 * PIECE + 1, 3 * PIECE + 5],
    ids=["piece+1", "2pieces-1", "2pieces", "2pieces+1", "3pieces+5"],
)
def test_sizes_around_slice_boundaries_download_byte_identical(
    emulator: EmulatorProcess, tmp_path: Path, size: int
) -> None:
    local = remote_file(emulator, tmp_path, size, f"slices/{size}")
    counted = Counting()
    target = tmp_path / "dl" / "got.bin"
    target.parent.mkdir()
    with Wcs(emulator.config(**SLICED), transport=counted, retry=FAST) as wcs:
        result = wcs.download(emulator.url_of("e2e", f"slices/{size}"), target)
    assert target.read_bytes() == local.read_bytes()
    assert result.hash == etag_file(local)
    assert sorted(p.name for p in target.parent.iterdir()) == ["got.bin"]
    # The first answer brought the first slice; every other byte was asked for once.
    first, *ranges = asked(counted)
    assert first == (0, -1)
    assert counted.seen[1:]
    assert all(status == 206 for _, _, status, _ in counted.seen[1:])
    per_slice = pieces_per_slice(size, PIECE, 3)
    expected = plan_slices(size, list(range(-(-size // PIECE))), per_slice)[1:]
    assert sorted(ranges) == [(s.start, s.end) for s in expected]


def test_the_async_client_downloads_in_slices(emulator: EmulatorProcess, tmp_path: Path) -> None:
    size = 3 * PIECE + 777
    local = remote_file(emulator, tmp_path, size, "slices/async")
    target = tmp_path / "got.bin"

    async def run() -> str | None:
        async with AsyncWcs(emulator.config(**SLICED), retry=FAST) as wcs:
            return (await wcs.download(emulator.url_of("e2e", "slices/async"), target)).hash

    assert asyncio.run(run()) == etag_file(local)
    assert target.read_bytes() == local.read_bytes()


KILL_SIZE = 4 * PIECE + 12345


def journaled(meta: Path) -> set[int]:
    """The pieces a download's journal names (its first line is the header)."""
    lines = meta.read_bytes().split(b"\n")[1:]
    pieces = set()
    for line in lines:
        try:
            pieces.add(json.loads(line)["piece"])
        except ValueError:
            continue  # a line the kill cut off
    return pieces


@pytest.mark.parametrize(
    ("written", "cli"),
    [(MiB, False), (13 * MiB + 3, False), (14 * MiB, True)],
    ids=["1MiB", "13MiB", "cli-14MiB"],
)
def test_a_download_in_slices_killed_reruns_asking_only_for_the_missing_pieces(
    emulator: EmulatorProcess, tmp_path: Path, written: int, cli: bool
) -> None:
    local = remote_file(emulator, tmp_path, KILL_SIZE, "slices/killed")
    url = emulator.url_of("e2e", "slices/killed")
    folder = tmp_path / "dl"
    folder.mkdir()
    target = folder / "got.bin"
    kill = {"sliced_bytes": written}
    log = str(tmp_path / "log")
    if cli:
        config = tmp_path / "wcscfg"
        config.touch(mode=0o600)
        config.write_text(config_text(emulator, **SLICED))
        args = ["-c", str(config), "get", url, str(target)]
        plan = {"mode": "cli", "args": args, "kill": kill, "log": log}
        child = run_child(plan, clean_env(tmp_path))
    else:
        settings = child_settings(emulator, tmp_path / "records", **SLICED)
        plan = {"mode": "download", "settings": settings, "args": [url, str(target)]}
        child = run_child(plan | {"kill": kill, "log": log})
    assert killed(child), child.stderr
    assert not target.exists()  # nothing under the final name until it is complete
    # Three slices at a time: beyond three pieces' worth written, one piece at least
    # is whole (after 1 MiB none is: the rerun asks for all of them, in slices).
    kept = journaled(folder / ".got.bin.wcs-part.json")
    assert kept or written <= 3 * PIECE
    assert len(kept) < -(-KILL_SIZE // PIECE)

    counted = Counting()
    with Wcs(emulator.config(**SLICED), transport=counted, retry=FAST) as wcs:
        result = wcs.download(url, target)
    missing = [i for i in range(-(-KILL_SIZE // PIECE)) if i not in kept]
    expected = plan_slices(KILL_SIZE, missing, pieces_per_slice(KILL_SIZE, PIECE, 3))
    assert sorted(asked(counted)) == [(s.start, s.end) for s in expected]
    assert all(status == 206 for _, _, status, _ in counted.seen)
    assert result.resumed_from == sum(min(PIECE, KILL_SIZE - i * PIECE) for i in kept)
    assert target.read_bytes() == local.read_bytes()
    assert result.hash == etag_file(local)
    assert sorted(p.name for p in folder.iterdir()) == ["got.bin"]  # no partial, meta, lock


def test_a_damaged_piece_of_a_kept_download_is_fetched_again(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    # The journal says a piece is whole; the file says otherwise: the piece is fetched
    # again, the rest is kept.
    local = remote_file(emulator, tmp_path, KILL_SIZE, "slices/damaged")
    url = emulator.url_of("e2e", "slices/damaged")
    folder = tmp_path / "dl"
    folder.mkdir()
    target = folder / "got.bin"
    settings = child_settings(emulator, tmp_path / "records", **SLICED)
    plan = {"mode": "download", "settings": settings, "args": [url, str(target)]}
    child = run_child(plan | {"kill": {"sliced_bytes": 13 * MiB}, "log": str(tmp_path / "log")})
    assert killed(child), child.stderr
    kept = journaled(folder / ".got.bin.wcs-part.json")
    damaged = min(kept)
    with (folder / ".got.bin.wcs-part").open("r+b") as partial:
        partial.seek(damaged * PIECE + 10)
        partial.write(b"\0not the bytes\0")

    counted = Counting()
    with Wcs(emulator.config(**SLICED), transport=counted, retry=FAST) as wcs:
        result = wcs.download(url, target)
    assert (damaged * PIECE, min((damaged + 1) * PIECE, KILL_SIZE)) in asked(counted)
    assert result.resumed_from == sum(
        min(PIECE, KILL_SIZE - i * PIECE) for i in kept if i != damaged
    )
    assert target.read_bytes() == local.read_bytes()


def test_small_objects_keep_one_stream(emulator: EmulatorProcess, tmp_path: Path) -> None:
    size = 2 * PIECE + 1
    local = remote_file(emulator, tmp_path, size, "slices/small")
    counted = Counting()
    config = emulator.config(**SLICED | {"download_parallel_threshold": size})
    with Wcs(config, transport=counted, retry=FAST) as wcs:
        wcs.download(emulator.url_of("e2e", "slices/small"), tmp_path / "got.bin")
    assert [wanted for _, wanted, _, _ in counted.seen] == [None]
    assert (tmp_path / "got.bin").read_bytes() == local.read_bytes()


def test_a_cut_mid_slice_from_the_emulator_is_continued(
    emulator: EmulatorProcess, tmp_path: Path
) -> None:
    size = 3 * PIECE + 3
    local = remote_file(emulator, tmp_path, size, "slices/cut")
    cut = {"done": False}

    class Cutting(Counting):
        def handle_request(self, request: httpx.Request) -> httpx.Response:
            response = super().handle_request(request)
            if request.headers.get("range", "").startswith(f"bytes={PIECE}-") and not cut["done"]:
                cut["done"] = True
                return httpx.Response(
                    response.status_code, headers=response.headers, stream=CutStream(response)
                )
            return response

    class CutStream(httpx.SyncByteStream):
        def __init__(self, response: httpx.Response) -> None:
            self.response = response

        def __iter__(self):  # type: ignore[no-untyped-def]
            sent = 0
            for chunk in self.response.iter_raw():
                yield chunk
                sent += len(chunk)
                if sent >= MiB:
                    self.response.close()
                    raise httpx.ReadError("cut")

    counted = Cutting()
    with Wcs(emulator.config(**SLICED), transport=counted, retry=FAST) as wcs:
        result = wcs.download(emulator.url_of("e2e", "slices/cut"), tmp_path / "got.bin")
    assert result.hash == etag_file(local)
    assert (tmp_path / "got.bin").read_bytes() == local.read_bytes()
    continued = [r for r in asked(counted) if PIECE < r[0] < 2 * PIECE]
    assert len(continued) == 1
    assert continued[0][1] == 2 * PIECE
