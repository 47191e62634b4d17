"""The upload policy of one call: ``policy=PutPolicy(...)`` or keyword options on every
upload method, sync and async, overriding the configuration for that call only."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest

from tests.cli_helpers import (  # noqa: F401  (the cli fixture)
    Cli,
    cli,
    describe,
)
from tests.conftest import EmulatorProcess, wait_until
from wcs_ext import AsyncWcs, PutPolicy, WcsConfig, WcsConflictError, WcsInputError, etag_bytes
from wcs_ext._policy import policy_for_upload

DATA = b"one call, one policy\n"
CONFIGURED = '{"from": "config", "key": "$(key)"}'
PER_CALL = '{"from": "call", "size": "$(fsize)"}'


@pytest.fixture
def small(tmp_path: Path) -> Path:
    path = tmp_path / "small.txt"
    path.write_bytes(DATA)
    return path


# -- the policy a call signs (no I/O) ------------------------------------------------


def test_options_override_the_config_and_empty_ones_clear_it() -> None:
    config = WcsConfig(overwrite=1, return_body=CONFIGURED, persistent_ops="avthumb/mp4")
    policy = policy_for_upload(
        config, "b", "k", options={"return_body": PER_CALL, "persistent_ops": "", "deadline": 60},
        now=1000,
    )  # fmt: skip
    assert policy.to_dict() == {
        "scope": "b:k", "deadline": 1060000, "overwrite": 1, "returnBody": PER_CALL,
    }  # fmt: skip
    # and the configuration itself is left as it was
    assert policy_for_upload(config, "b", "k", now=0).return_body == CONFIGURED
    assert policy_for_upload(config, "b", "k", options={"overwrite": False}).overwrite is None
    assert policy_for_upload(WcsConfig(), "b", "k", options={"overwrite": True}).overwrite == 1


def test_a_given_policy_is_signed_as_given_with_the_options_on_top() -> None:
    config = WcsConfig(return_body=CONFIGURED, callback_url="http://configured.example/cb")
    given = PutPolicy(scope="b:k", deadline=123000, return_body=PER_CALL)
    assert policy_for_upload(config, "b", "k", policy=given) == given  # config options left out
    bucket_wide = PutPolicy(scope="b", deadline=123000)
    assert policy_for_upload(config, "b", "k", policy=bucket_wide).scope == "b:k"
    assert (
        policy_for_upload(config, "b", "k", policy=given, options={"overwrite": 1}).overwrite == 1
    )


@pytest.mark.parametrize(
    ("policy", "options", "message"),
    [
        (PutPolicy(scope="other:k", deadline=1), {}, "scope"),
        (PutPolicy(scope="b:other", deadline=1), {}, "scope"),
        (None, {"returnBody": "x"}, "unknown upload-policy option"),
        (None, {"overwrite": 2}, "0 or 1"),
        (None, {"deadline": 0}, "positive"),
    ],
)
def test_bad_policies_fail_before_anything_is_sent(
    emulator: EmulatorProcess, small: Path, policy: PutPolicy | None, options: dict[str, object],
    message: str,
) -> None:  # fmt: skip
    with emulator.client() as wcs, pytest.raises(WcsInputError, match=message):
        wcs.upload_file(small, "b", "k", policy=policy, **options)  # type: ignore[arg-type]


# -- against the emulator ------------------------------------------------------------


def test_per_call_return_body_wins_for_that_call_only(
    emulator: EmulatorProcess, small: Path
) -> None:
    with emulator.client(return_body=CONFIGURED) as wcs:
        for name in ("upload_file", "simple_upload", "multipart_upload", "smart_upload"):
            upload = getattr(wcs, name)
            key = f"per-call/{name}"
            custom = upload(small, "e2e", key, return_body=PER_CALL)
            assert custom.body["from"] == "call"
            assert custom.body["size"] == str(len(DATA))
            assert custom.body["hash"] == etag_bytes(DATA)
            plain = upload(small, "e2e", key + ".plain")
            assert plain.body == {"from": "config", "key": key + ".plain", "hash": etag_bytes(DATA)}


def test_per_call_policy_object_replaces_the_configured_one(
    emulator: EmulatorProcess, small: Path
) -> None:
    with emulator.client(return_body=CONFIGURED) as wcs:
        policy = PutPolicy.for_object("e2e", "per-call/given", return_body=PER_CALL)
        result = wcs.upload_file(small, "e2e", "per-call/given", policy=policy)
        assert result.body["from"] == "call"
        bucket_wide = PutPolicy.for_object("e2e", overwrite=1)
        again = wcs.multipart_upload(small, "e2e", "per-call/given", policy=bucket_wide)
        assert again.body == {"hash": etag_bytes(DATA), "key": "per-call/given"}


def test_overwrite_per_call(emulator: EmulatorProcess, small: Path, tmp_path: Path) -> None:
    # Other bytes each time: the same bytes under the key count as done, whatever overwrite says.
    changed = tmp_path / "changed.txt"
    changed.write_bytes(b"other bytes")
    with emulator.client() as wcs:
        for name in ("simple_upload", "multipart_upload"):
            upload = getattr(wcs, name)
            key = f"per-call/overwrite-{name}"
            upload(small, "e2e", key)
            with pytest.raises(WcsConflictError):
                upload(changed, "e2e", key)
            assert upload(changed, "e2e", key, overwrite=1).hash == etag_bytes(b"other bytes")
    with emulator.client(overwrite=1) as wcs, pytest.raises(WcsConflictError):
        wcs.simple_upload(small, "e2e", key, overwrite=0)  # off for this call


def test_stream_upload_per_call_options(emulator: EmulatorProcess) -> None:
    with emulator.client(block_size=4 * 1024 * 1024) as wcs:
        small = wcs.stream_upload(io.BytesIO(DATA), "e2e", "per-call/stream", return_body=PER_CALL)
        assert small.body["from"] == "call"
        big = b"x" * (4 * 1024 * 1024 + 10)  # a block and more: mkblk and mkfile
        blocks = wcs.stream_upload(
            io.BytesIO(big), "e2e", "per-call/stream-big", return_body=PER_CALL
        )
        assert blocks.body["size"] == str(len(big))


def test_persistent_ops_per_call_start_a_job(emulator: EmulatorProcess, small: Path) -> None:
    with emulator.client() as wcs:
        result = wcs.upload_file(
            small, "e2e", "per-call/ops.mp4", persistent_ops="vframe/jpg/offset/1"
        )
        job = result.body["persistentId"]
        wait_until(lambda: wcs.fops.status(job).finished)
        assert wcs.fops.status(job).input_key == "per-call/ops.mp4"
        plain = wcs.upload_file(small, "e2e", "per-call/no-ops.mp4")
        assert "persistentId" not in plain.body


def test_async_client_takes_the_same_options(emulator: EmulatorProcess, small: Path) -> None:
    async def main() -> None:
        async with AsyncWcs(emulator.config(return_body=CONFIGURED)) as wcs:
            custom = await wcs.upload_file(small, "e2e", "per-call/async", return_body=PER_CALL)
            assert custom.body["from"] == "call"
            blocks = await wcs.multipart_upload(small, "e2e", "per-call/async-mp", overwrite=1)
            assert blocks.body["from"] == "config"

    asyncio.run(main())


# -- the command line ----------------------------------------------------------------


def test_cli_upload_options_go_to_the_call(cli: Cli, small: Path, tmp_path: Path) -> None:
    config = cli.write_config("policy.wcscfg", returnBody=CONFIGURED)
    changed = tmp_path / "changed.txt"
    changed.write_bytes(b"other bytes")
    for command in ("put", "multiput"):
        target = f"wcs://e2e/per-call/cli-{command}"
        done = cli.run(
            "--json", command, target, str(small), "--returnbody", PER_CALL, "--deadline", "600",
            config=config,
        )  # fmt: skip
        assert done.returncode == 0, describe(done)
        assert json.loads(done.stdout)["body"]["from"] == "call"
        again = cli.run("--json", command, target, str(small), config=config)
        assert again.returncode == 0, describe(again)
        assert json.loads(again.stdout)["body"]["from"] == "config"
        refused = cli.run("--json", command, target, str(changed), config=config)
        assert refused.returncode == 1, describe(refused)
        assert "file exists" in refused.stderr, describe(refused)
        forced = cli.run("--json", command, target, str(changed), "--overwrite", "1", config=config)
        assert forced.returncode == 0, describe(forced)


def test_sync_overwrites_what_changed_whatever_the_config_says(cli: Cli, tmp_path: Path) -> None:
    config = cli.write_config("no-overwrite.wcscfg", overwrite=0)
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "a.txt").write_bytes(b"first")
    assert cli.run("sync", str(tree), "wcs://e2e/per-call/sync", config=config).returncode == 0
    (tree / "a.txt").write_bytes(b"second, longer")
    done = cli.run("sync", str(tree), "wcs://e2e/per-call/sync", config=config)
    assert done.returncode == 0, describe(done)
    (tree / "a.txt").write_bytes(b"third")
    refused = cli.run("put", "-r", str(tree), "wcs://e2e/per-call/sync/", config=config)
    assert refused.returncode == 1, describe(refused)  # put -r overwrites only with --overwrite 1
