"""``wcs_ext.fs`` against the real emulator: what fsspec's suites do not cover, and
what users of other object-store filesystems trip on (listings cache, failed writes,
pickling without the secret, fork, config like the CLI's)."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import uuid
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("fsspec", reason="the fsspec extra is not installed")

import fsspec

from tests.conftest import EmulatorProcess
from tests.fs_helpers import fs_options
from wcs_ext import Wcs
from wcs_ext.errors import WcsConfigError, WcsInputError, WcsTransportError
from wcs_ext.fs import AsyncWcsFileSystem, WcsFileSystem
from wcs_ext.protocol.checksum import EtagHasher

MiB = 1024 * 1024


@pytest.fixture
def fs(emulator: EmulatorProcess) -> WcsFileSystem:
    return WcsFileSystem(**fs_options(emulator), skip_instance_cache=True)


@pytest.fixture
def folder(fs: WcsFileSystem) -> str:
    return f"e2e/fs-{uuid.uuid4().hex[:12]}"


def etag(data: bytes) -> str:
    hasher = EtagHasher()
    hasher.update(data)
    return hasher.etag()


def test_the_wcs_protocol_is_registered_by_the_entry_point() -> None:
    assert fsspec.get_filesystem_class("wcs") is WcsFileSystem


def test_listing_pages_folders_and_find(emulator: EmulatorProcess, folder: str) -> None:
    # Pages of 2 entries: 5 files and 3 folders need the marker four times.
    fs = WcsFileSystem(**fs_options(emulator, limit=2), skip_instance_cache=True)
    names = [f"{folder}/f{i}" for i in range(5)] + [f"{folder}/d{i}/x" for i in range(3)]
    fs.pipe({name: name.encode() for name in names})
    listing = fs.ls(folder, detail=True)
    assert sorted(e["name"] for e in listing) == sorted(
        [f"{folder}/f{i}" for i in range(5)] + [f"{folder}/d{i}" for i in range(3)]
    )
    kinds = {e["name"].rsplit("/", 1)[1]: e["type"] for e in listing}
    assert kinds["f0"] == "file"
    assert kinds["d0"] == "directory"
    assert fs.find(folder) == sorted(names)
    assert fs.info(f"{folder}/d1") == {"name": f"{folder}/d1", "size": 0, "type": "directory"}
    assert fs.glob(f"{folder}/d*/x") == [f"{folder}/d{i}/x" for i in range(3)]
    assert next(root for root, _, _ in fs.walk(folder)) == folder
    assert fs.ls(f"{folder}/f1", detail=False) == [f"{folder}/f1"]  # a file lists as itself


def test_missing_objects_are_file_not_found(fs: WcsFileSystem, folder: str) -> None:
    with pytest.raises(FileNotFoundError):
        fs.info(f"{folder}/nothing")
    with pytest.raises(FileNotFoundError):
        fs.cat(f"{folder}/nothing")
    with pytest.raises(FileNotFoundError):
        fs.rm_file(f"{folder}/nothing")
    with pytest.raises(FileNotFoundError):
        fs.ls("no-such-bucket")
    assert not fs.exists(f"{folder}/nothing")


def test_our_writes_refresh_the_listings_cache(
    fs: WcsFileSystem, folder: str, emulator_wcs: Wcs
) -> None:
    fs.pipe(f"{folder}/a", b"a")
    assert fs.ls(folder, detail=False) == [f"{folder}/a"]
    bucket, prefix = folder.split("/", 1)
    # Another writer: the cached listing does not see it (the cache is in use) ...
    emulator_wcs.stream_upload([b"b"], bucket, f"{prefix}/b")
    assert fs.ls(folder, detail=False) == [f"{folder}/a"]
    # ... until a write of ours changes the folder, or refresh=True.
    with fs.open(f"{folder}/c", "wb") as f:
        f.write(b"c")
    assert fs.ls(folder, detail=False) == [f"{folder}/a", f"{folder}/b", f"{folder}/c"]
    fs.rm_file(f"{folder}/a")
    assert fs.ls(folder, detail=False) == [f"{folder}/b", f"{folder}/c"]
    emulator_wcs.delete(bucket, f"{prefix}/b")
    assert fs.ls(folder, detail=False, refresh=True) == [f"{folder}/c"]


def test_without_the_listings_cache_every_ls_asks(
    emulator: EmulatorProcess, folder: str, emulator_wcs: Wcs
) -> None:
    fs = WcsFileSystem(**fs_options(emulator), use_listings_cache=False, skip_instance_cache=True)
    fs.pipe(f"{folder}/a", b"a")
    assert fs.ls(folder, detail=False) == [f"{folder}/a"]
    bucket, prefix = folder.split("/", 1)
    emulator_wcs.stream_upload([b"b"], bucket, f"{prefix}/b")
    assert fs.ls(folder, detail=False) == [f"{folder}/a", f"{folder}/b"]


def test_a_written_file_appears_only_at_close(fs: WcsFileSystem, folder: str) -> None:
    data = os.urandom(9 * MiB + 123)  # two full 4 MiB blocks and a short one
    path = f"{folder}/big.bin"
    with fs.open(path, "wb") as f:
        f.write(data[: 5 * MiB])
        f.write(data[5 * MiB :])
        assert f.tell() == len(data)
        assert not fs.exists(path)  # two blocks are on the server, no object yet
    assert fs.cat(path) == data
    assert fs.ukey(path) == etag(data)
    with fs.open(path, "rb", block_size=MiB, cache_type="bytes") as f:
        f.seek(8 * MiB)
        assert f.read(2 * MiB) == data[8 * MiB : 10 * MiB]
    assert fs.cat_file(path, start=-100) == data[-100:]
    assert fs.cat_file(path, start=len(data) + 5) == b""


def test_a_with_block_that_raises_makes_nothing(fs: WcsFileSystem, folder: str) -> None:
    for mode in ("wb", "w"):
        path = f"{folder}/broken-{mode}"
        # The with-block that raises is what is tested: it holds more than one statement.
        with pytest.raises(RuntimeError), fs.open(path, mode) as f:  # noqa: PT012
            f.write(b"x" * (5 * MiB) if mode == "wb" else "text")
            raise RuntimeError("the writer failed")
        assert not fs.exists(path)


def test_a_file_dropped_without_close_makes_nothing(fs: WcsFileSystem, folder: str) -> None:
    f = fs.open(f"{folder}/dropped", "wb")
    f.write(b"partial")
    del f
    assert not fs.exists(f"{folder}/dropped")


def test_after_a_failed_block_close_refuses_to_commit(
    emulator: EmulatorProcess, folder: str
) -> None:
    # The upload host does not answer; the management host does.
    broken = WcsFileSystem(
        **fs_options(emulator, put_url="http://127.0.0.1:9", connection_retries=0),
        skip_instance_cache=True,
    )
    f = broken.open(f"{folder}/half", "wb")
    with pytest.raises(WcsTransportError):
        f.write(b"x" * (5 * MiB))
    with pytest.raises(WcsInputError, match="a block failed"):
        f.close()
    assert not broken.exists(f"{folder}/half")


def test_exclusive_and_unsupported_modes(fs: WcsFileSystem, folder: str) -> None:
    path = f"{folder}/once"
    fs.pipe(path, b"1")
    with pytest.raises(FileExistsError):
        fs.open(path, "xb")
    with pytest.raises(FileExistsError):
        fs.pipe_file(path, b"2", mode="create")
    with pytest.raises(ValueError, match="append"):
        fs.open(path, "ab")
    with pytest.raises(ValueError, match="never changed in place"):
        fs.open(path, "r+b")
    with fs.open(f"{folder}/w", "wb") as f:
        f.write(b"abc")
        with pytest.raises(OSError, match="written from start to end"):
            f.seek(0)
    assert fs.cat(path) == b"1"


def test_copy_replaces_and_move_removes(fs: WcsFileSystem, folder: str) -> None:
    fs.pipe({f"{folder}/a": b"new", f"{folder}/b": b"old"})
    fs.cp(f"{folder}/a", f"{folder}/b")
    assert fs.cat(f"{folder}/b") == b"new"
    fs.mv(f"{folder}/b", f"{folder}/c")
    assert fs.find(folder) == [f"{folder}/a", f"{folder}/c"]


def test_checksum_follows_the_content(fs: WcsFileSystem, folder: str) -> None:
    fs.pipe(f"{folder}/x", b"one")
    first = fs.checksum(f"{folder}/x")
    fs.pipe(f"{folder}/x", b"two")
    assert fs.checksum(f"{folder}/x") != first
    assert fs.ukey(f"{folder}/x") == etag(b"two")
    assert fs.modified(f"{folder}/x").tzinfo is not None


def test_put_and_get_round_trip(fs: WcsFileSystem, folder: str, tmp_path: Path) -> None:
    source = tmp_path / "src"
    (source / "sub").mkdir(parents=True)
    (source / "a.bin").write_bytes(os.urandom(5 * MiB))
    (source / "sub" / "b.txt").write_bytes(b"b")
    fs.put(str(source), f"{folder}/up", recursive=True)
    assert fs.find(f"{folder}/up") == [f"{folder}/up/a.bin", f"{folder}/up/sub/b.txt"]
    fs.get(f"{folder}/up", str(tmp_path / "down"), recursive=True)
    assert (tmp_path / "down" / "a.bin").read_bytes() == (source / "a.bin").read_bytes()
    assert (tmp_path / "down" / "sub" / "b.txt").read_bytes() == b"b"


def test_pickle_holds_no_secret_and_finds_the_config_again(
    emulator: EmulatorProcess, folder: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    options = fs_options(emulator)
    secret = options.pop("secret_key")
    config = tmp_path / "wcscfg"
    config.write_text(f"[prod]\nsecret_key = {secret}\n")
    by_profile = WcsFileSystem(**options, config=str(config), profile="prod")
    explicit = WcsFileSystem(**options, secret_key=secret, skip_instance_cache=True)
    for fs in (by_profile, explicit):
        assert secret.encode() not in pickle.dumps(fs)
        assert secret not in repr(fs)
        assert secret not in str(fs.storage_options)
    by_profile.pipe(f"{folder}/p", b"p")
    copy = pickle.loads(pickle.dumps(by_profile))
    assert copy.cat(f"{folder}/p") == b"p"
    # An explicit secret stays behind: the copy looks for its own, and says where.
    monkeypatch.delenv("WCS_SECRET_KEY", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))  # no ~/.wcscfg to find one in
    unpickled = pickle.loads(pickle.dumps(explicit))  # unused copies need no settings
    with pytest.raises(WcsConfigError, match="never pickled") as error:
        unpickled.cat(f"{folder}/p")
    assert secret not in str(error.value)
    monkeypatch.setenv("WCS_SECRET_KEY", secret)
    assert pickle.loads(pickle.dumps(explicit)).cat(f"{folder}/p") == b"p"


def test_configured_like_the_cli_from_the_environment(
    emulator: EmulatorProcess, folder: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    options = fs_options(emulator)
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("access_key", "secret_key", "put_url", "mgr_url", "download_url"):
        monkeypatch.setenv(f"WCS_{name.upper()}", options[name])
    with fsspec.open(f"wcs://{folder}/env.txt", "w", skip_instance_cache=True) as f:
        f.write("from the environment")
    with fsspec.open(f"wcs://{folder}/env.txt", "r") as f:
        assert f.read() == "from the environment"


def _read_in_child(fs: WcsFileSystem, path: str, results: multiprocessing.Queue[object]) -> None:
    try:
        data = fs.cat(path)
        owner = fs._client_owner
        results.put((data, owner is not None and owner[0] == os.getpid()))
    except BaseException as exc:
        results.put(repr(exc))


def test_a_forked_child_makes_its_own_client(fs: WcsFileSystem, folder: str) -> None:
    fs.pipe(f"{folder}/forked", b"across fork")
    assert fs.cat(f"{folder}/forked") == b"across fork"  # the parent's client is in use
    context = multiprocessing.get_context("fork")
    results: multiprocessing.Queue[object] = context.Queue()
    child = context.Process(target=_read_in_child, args=(fs, f"{folder}/forked", results))
    child.start()
    outcome = results.get(timeout=30)
    child.join(timeout=30)
    assert outcome == (b"across fork", True)
    assert fs.cat(f"{folder}/forked") == b"across fork"  # the parent's still works


def _cat(fs: WcsFileSystem, path: str) -> bytes:
    data: bytes = fs.cat(path)
    return data


def test_a_process_pool_reads_through_pickled_copies(
    emulator: EmulatorProcess, folder: str, tmp_path: Path
) -> None:
    options = fs_options(emulator)
    config = tmp_path / "wcscfg"
    config.write_text(f"secret_key = {options.pop('secret_key')}\n")
    fs = WcsFileSystem(**options, config=str(config))
    paths = [f"{folder}/p{i}" for i in range(6)]
    fs.pipe({path: path.encode() for path in paths})
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("fork")) as pool:
        assert list(pool.map(_cat, [fs] * len(paths), paths)) == [p.encode() for p in paths]


def test_the_async_filesystem_in_an_event_loop(emulator: EmulatorProcess, folder: str) -> None:
    async def main() -> tuple[bytes, list[str]]:
        fs = AsyncWcsFileSystem(**fs_options(emulator), skip_instance_cache=True)
        await fs._pipe_file(f"{folder}/async", b"awaited")
        data = await fs._cat_file(f"{folder}/async", start=1)
        names = await fs._ls(folder, detail=False)
        return data, names

    assert asyncio.run(main()) == (b"waited", [f"{folder}/async"])


def test_unknown_options_and_missing_settings_are_clear(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in ("ACCESS_KEY", "SECRET_KEY", "PUT_URL", "MGR_URL", "CONFIG", "PROFILE"):
        monkeypatch.delenv(f"WCS_{name}", raising=False)
    with pytest.raises(TypeError, match="unknown storage option"):
        WcsFileSystem(anon=True, skip_instance_cache=True)
    unset = WcsFileSystem(skip_instance_cache=True)
    with pytest.raises(WcsConfigError, match="access_key, secret_key, put_url, mgr_url"):
        unset.ls("e2e")
