"""``wcs_ext.compat`` beyond the README: the original's answer shapes for failures, its
Config as a value of its own, and the defects it does not keep."""

from __future__ import annotations

import json
import os
import pickle
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import EmulatorProcess
from wcs_ext import WcsConfigError, WcsInputError, etag_bytes, etag_file
from wcs_ext.compat import Client, Config, urlsafe_base64_encode


@pytest.fixture
def config_file(emulator: EmulatorProcess, tmp_path: Path) -> Path:
    path = tmp_path / "wcscfg"
    path.write_text(
        "[default]\n"
        f"access_key = {emulator.access_key}\n"
        f"secret_key = {emulator.secret_key}\n"
        f"put_url = {emulator.put_url}\n"
        f"mgr_url = {emulator.mgr_url}\n"
        f"tmp_record_folder = {tmp_path / 'records'}\n"
        "max_concurrency = 0\n"
        "overwrite = 0\n"
    )
    return path


@pytest.fixture
def client(config_file: Path) -> Iterator[Client]:
    with Client(Config(str(config_file))) as made:
        yield made


def test_a_missing_object_is_the_servers_status_and_body(client: Client) -> None:
    status, body, headers = client.stat("e2e", "compat/no-such-key")
    assert status == 404
    assert body["message"] == "file not exist"
    assert headers["x-reqid"] not in ("", "None")


def test_no_answer_is_minus_one_with_a_message(config_file: Path) -> None:
    config = Config(str(config_file))
    config.mgr_url = "http://127.0.0.1:9"  # nothing listens there
    config.connection_retries = 0
    with Client(config) as client:
        status, body, headers = client.list_buckets()
    assert status == -1
    assert isinstance(body, dict)
    assert body["message"]
    assert headers == {"x-reqid": "None"}


def test_config_keys_are_attributes_typed_and_checked(config_file: Path) -> None:
    config = Config(str(config_file))
    assert config.overwrite == 0
    assert config.block_size == 4 * 1024 * 1024
    config.returnBody = "k=$(key)"
    assert config.returnBody == config.return_body == "k=$(key)"
    other = Config(str(config_file))
    assert other.returnBody == ""  # not a singleton: the first Config's change stays there
    with pytest.raises(WcsConfigError):
        config.block_size = "12"  # not a multiple of 4 MiB
    with pytest.raises(WcsConfigError):
        config.no_such_setting = 1
    with pytest.raises(WcsConfigError):
        Config(str(config_file.with_name("missing")))


def test_secrets_stay_out_of_reprs_and_pickles(
    config_file: Path, emulator: EmulatorProcess
) -> None:
    config = Config(str(config_file))
    assert emulator.secret_key not in repr(config)
    with pytest.raises(TypeError):
        pickle.dumps(config)
    with pytest.raises(TypeError):
        pickle.dumps(Client(config))


def test_a_config_change_applies_to_the_next_calls(config_file: Path, tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_bytes(b"abc")
    config = Config(str(config_file))
    with Client(config) as client:
        status, text, _ = client.simple_upload(str(path), "e2e", "compat/changed")
        assert status == 200
        assert json.loads(text) == {
            "hash": etag_bytes(b"abc"),
            "key": "compat/changed",
        }
        path.write_bytes(b"abcd")
        assert client.simple_upload(str(path), "e2e", "compat/changed")[0] == 614  # overwrite 0
        config.overwrite = 1
        config.returnBody = '{"size": "$(fsize)"}'
        status, text, _ = client.simple_upload(str(path), "e2e", "compat/changed")
        assert status == 200
        assert json.loads(text)["size"] == "4"


def test_multipart_with_a_new_upload_id_and_an_empty_file(client: Client, tmp_path: Path) -> None:
    # The original raised for a chosen id without records, and for an empty file.
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(4 * 1024 * 1024 + 5))
    status, body, _ = client.multipart_upload(str(big), "e2e", "compat/multi", "my-own-id")
    assert (status, body["hash"]) == (200, etag_file(big))
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    status, body, _ = client.multipart_upload(str(empty), "e2e", "compat/empty")
    assert (status, body["hash"]) == (200, etag_bytes(b""))


def test_smart_upload_bodies_follow_the_path_taken(client: Client, tmp_path: Path) -> None:
    small = tmp_path / "small"
    small.write_bytes(b"small")
    status, text, _ = client.smart_upload(str(small), "e2e", "compat/smart-small", 1)
    assert status == 200
    assert json.loads(text)["hash"] == etag_bytes(b"small")
    big = tmp_path / "big"
    big.write_bytes(os.urandom(1024 * 1024 + 1))
    status, body, _ = client.smart_upload(str(big), "e2e", "compat/smart-big", 1)
    assert status == 200
    assert body["hash"] == etag_file(big)  # mkfile's JSON, parsed


def test_list_all_follows_every_page(client: Client, tmp_path: Path) -> None:
    path = tmp_path / "x"
    path.write_bytes(b"x")
    for n in range(3):
        assert client.simple_upload(str(path), "e2e", f"compat/all/{n}")[0] == 200
    status, body, _ = client.bucket_listAll("e2e", "compat/all/", None, 1)
    assert status == 200
    assert body["marker"] == ""
    assert [item["key"] for item in body["items"]] == [f"compat/all/{n}" for n in range(3)]
    status, page, _ = client.bucket_list("e2e", "compat/all/", None, 1)
    assert len(page["items"]) == 1
    assert page["marker"]


def test_move_copy_setdeadline_and_the_quoted_minus_one(client: Client, tmp_path: Path) -> None:
    path = tmp_path / "m"
    path.write_bytes(b"m")
    client.simple_upload(str(path), "e2e", "compat/m")
    assert client.copy("e2e", "compat/m", "other")[:2] == (200, {"code": 200, "message": "OK"})
    assert client.stat("other", "compat/m")[0] == 200  # dstkey defaulted to srckey
    assert client.setdeadline("e2e", "compat/m", '"-1"')[0] == 200
    assert client.move("e2e", "compat/m", "e2e", "compat/m2")[0] == 200
    assert client.stat("e2e", "compat/m")[0] == 404


def test_bad_input_raises_rather_than_answering(client: Client) -> None:
    with pytest.raises(WcsInputError):
        client.simple_upload("/no/such/file", "e2e", "k")


def test_the_encoding_helper_keeps_padding() -> None:
    assert urlsafe_base64_encode("b:k?~") == "YjprP34="
