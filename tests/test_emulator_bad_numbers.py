"""Numbers the emulator is sent that it cannot take: huge (2**70), negative, past what
SQLite or a ctx can hold, or not decimal digits at all, in paths, queries and forms.

Each one is a 4xx with WCS's JSON error body, leaves no file behind, and the kept-alive
connection it came on serves the next request.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from wcs_ext.protocol.encoding import urlsafe_b64encode
from wcs_ext.protocol.signing import Credentials, PutPolicy, management_token, upload_token

from .conftest import EMULATOR_AK, EMULATOR_SK, EmulatorProcess

BUCKET = "e2e"
CREDENTIALS = Credentials(access_key=EMULATOR_AK, secret_key=EMULATOR_SK)
HUGE = 2**70
KEY = "numbers/k"


def _upload_token() -> str:
    return upload_token(CREDENTIALS, PutPolicy.for_object(BUCKET, KEY, lifetime=600))


def _deadline_form(days: str) -> str:
    return f"bucket={urlsafe_b64encode(BUCKET)}&key={urlsafe_b64encode(KEY)}&deadline={days}"


# (upload path, body) sent with an upload token in Authorization.
UPLOAD_CASES = {
    "mkblk-size-2**70": (f"/mkblk/{HUGE}/0", b"x"),
    "mkblk-size-2**64": (f"/mkblk/{2**64}/0", b"x"),
    "mkblk-size-2**63": (f"/mkblk/{2**63}/0", b"x"),
    "mkblk-size-negative": ("/mkblk/-4/0", b"x"),
    "mkblk-size-not-digits": ("/mkblk/4e3/0", b"x"),
    "mkblk-size-spaces": ("/mkblk/%204/0", b"x"),
    "mkblk-size-other-digits": ("/mkblk/%D9%A4/0", b"x"),  # ARABIC-INDIC DIGIT FOUR
    "mkblk-index-2**32": (f"/mkblk/4/{2**32}", b"x"),
    "mkblk-index-2**70": (f"/mkblk/4/{HUGE}", b"x"),
    "mkblk-index-negative": ("/mkblk/4/-1", b"x"),
    "mkblk-index-underscore": ("/mkblk/4/1_0", b"x"),
    "bput-offset-2**70": (f"/bput/{{ctx}}/{HUGE}", b"x"),
    "bput-offset-negative": ("/bput/{ctx}/-1", b"x"),
    "bput-offset-not-digits": ("/bput/{ctx}/one", b"x"),
    "mkfile-size-2**70": (f"/mkfile/{HUGE}", b"{ctx}"),
    "mkfile-size-negative": ("/mkfile/-1", b"{ctx}"),
    "mkfile-size-not-digits": ("/mkfile/0x10", b"{ctx}"),
}

# (method, target, body) sent with a management token.
MANAGEMENT_CASES = {
    "list-limit-2**70": ("GET", f"/list?bucket={BUCKET}&limit={HUGE}", ""),
    "list-limit-spaces": ("GET", f"/list?bucket={BUCKET}&limit=%205", ""),
    "list-limit-underscore": ("GET", f"/list?bucket={BUCKET}&limit=1_0", ""),
    "list-limit-negative": ("GET", f"/list?bucket={BUCKET}&limit=-1", ""),
    "list-start-2**70": ("GET", f"/list?bucket={BUCKET}&startTime={HUGE}", ""),
    "list-start-negative-2**70": ("GET", f"/list?bucket={BUCKET}&startTime=-{HUGE}", ""),
    "list-start-not-digits": ("GET", f"/list?bucket={BUCKET}&startTime=soon", ""),
    "list-end-2**63": ("GET", f"/list?bucket={BUCKET}&endTime={2**63}", ""),
    "list-end-fraction": ("GET", f"/list?bucket={BUCKET}&endTime=1.5", ""),
    "setdeadline-2**70": ("POST", "/setdeadline", _deadline_form(str(HUGE))),
    "setdeadline-10**15": ("POST", "/setdeadline", _deadline_form(str(10**15))),
    "setdeadline-minus-2": ("POST", "/setdeadline", _deadline_form("-2")),
    "setdeadline-not-digits": ("POST", "/setdeadline", _deadline_form("three")),
}


@pytest.fixture(scope="module")
def stored(emulator: EmulatorProcess) -> str:
    """Puts the object the cases refer to; returns a ctx of a finished block."""
    with emulator.client(overwrite=1) as client:
        client.stream_upload([b"numbers"], BUCKET, KEY)
    made = httpx.post(
        f"{emulator.put_url}/mkblk/3/0", content=b"abc", headers={"Authorization": _upload_token()}
    )
    assert made.status_code == 200, made.text
    ctx: str = made.json()["ctx"]
    return ctx


@pytest.fixture
def connection(emulator: EmulatorProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=emulator.put_url, timeout=10) as client:
        yield client


def _files(folder: Path) -> set[Path]:
    return set(folder.rglob("*"))


def _assert_refused_cleanly(
    emulator: EmulatorProcess, connection: httpx.Client, response: httpx.Response
) -> None:
    assert 400 <= response.status_code < 500, response.text
    body = response.json()
    assert body["code"] == str(response.status_code)
    assert body["message"]
    assert response.headers.get("connection") != "close"
    # The same connection answers the next call.
    target = "/bucket/list"
    after = connection.get(target, headers={"Authorization": management_token(CREDENTIALS, target)})
    assert after.status_code == 200, after.text
    assert list((emulator.data_dir / "tmp").iterdir()) == []


@pytest.mark.parametrize("case", list(UPLOAD_CASES), ids=list(UPLOAD_CASES))
def test_bad_numbers_on_the_upload_host(
    emulator: EmulatorProcess, stored: str, connection: httpx.Client, case: str
) -> None:
    path, body = UPLOAD_CASES[case]
    blocks, objects = _files(emulator.data_dir / "blocks"), _files(emulator.data_dir / "objects")
    response = connection.post(
        path.replace("{ctx}", stored),
        content=body.replace(b"{ctx}", stored.encode()),
        headers={"Authorization": _upload_token()},
    )
    _assert_refused_cleanly(emulator, connection, response)
    # Nothing new (the sweeper may remove other tests' files meanwhile).
    assert _files(emulator.data_dir / "blocks") <= blocks
    assert _files(emulator.data_dir / "objects") <= objects


@pytest.mark.parametrize("case", list(MANAGEMENT_CASES), ids=list(MANAGEMENT_CASES))
def test_bad_numbers_on_the_management_host(
    emulator: EmulatorProcess, stored: str, connection: httpx.Client, case: str
) -> None:
    method, target, body = MANAGEMENT_CASES[case]
    response = connection.request(
        method,
        target,
        content=body.encode(),
        headers={"Authorization": management_token(CREDENTIALS, target, body)},
    )
    _assert_refused_cleanly(emulator, connection, response)
    stat_target = f"/stat/{urlsafe_b64encode(f'{BUCKET}:{KEY}')}"
    stat = connection.get(
        stat_target, headers={"Authorization": management_token(CREDENTIALS, stat_target)}
    )
    assert stat.json()["expirationDate"] == ""  # no deadline was set


@pytest.mark.parametrize("days", [str(HUGE), str(10**15), "-2", "7.5", "%2B1"])
def test_bad_deadline_of_a_form_upload(
    emulator: EmulatorProcess, connection: httpx.Client, days: str
) -> None:
    objects = _files(emulator.data_dir / "objects")
    policy = PutPolicy.for_object(BUCKET, "numbers/form", lifetime=600)
    response = connection.post(
        "/file/upload",
        data={"token": upload_token(CREDENTIALS, policy), "deadline": days},
        files={"file": ("f", b"form", "text/plain")},
    )
    _assert_refused_cleanly(emulator, connection, response)
    assert _files(emulator.data_dir / "objects") <= objects


def test_a_failed_chunk_commit_leaves_the_block_as_it_was(tmp_path: Path) -> None:
    """A commit that fails (here: the ctx cannot be encoded) is undone by abort."""
    from wcs_ext.emulator.state.blob_files import BlobStore
    from wcs_ext.emulator.state.ctx_tokens import CtxCodec
    from wcs_ext.emulator.state.database import Database
    from wcs_ext.emulator.state.multipart_store import BlockStore

    db = Database(tmp_path / "meta.sqlite3")
    blobs = BlobStore(tmp_path)
    store = BlockStore(db, blobs, CtxCodec(b"secret"), ttl_ms=60_000)
    writer = store.create(bucket=BUCKET, scope=f"{BUCKET}:{KEY}", index=2**32, size=4, batch="")
    writer.write(b"abcd")
    with pytest.raises(struct.error):
        writer.commit()
    writer.abort()
    store.discard([writer.block_id])
    assert list((tmp_path / "blocks").iterdir()) == []
    assert store.live_files() == set()
    db.close()


# Starlette's TestClient asks for the httpx2 package; the warning is about the test
# client, not the emulator.
@pytest.mark.filterwarnings("ignore::starlette.exceptions.StarletteDeprecationWarning")
def test_a_crash_answer_closes_the_connection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A 500 says ``Connection: close``: the server drops the connection after a crash,
    so a client must not send its next request on it."""
    from starlette.testclient import TestClient

    from wcs_ext.emulator import EmulatorSettings, create_app
    from wcs_ext.emulator.state.object_store import ObjectStore

    def broken(self: ObjectStore) -> list[tuple[str, int]]:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(ObjectStore, "buckets", broken)
    settings = EmulatorSettings(data_dir=tmp_path / "data", credentials={EMULATOR_AK: EMULATOR_SK})
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        response = client.get(
            "/bucket/list",
            headers={"Authorization": management_token(CREDENTIALS, "/bucket/list")},
        )
    assert response.status_code == 500
    assert response.headers["connection"] == "close"
