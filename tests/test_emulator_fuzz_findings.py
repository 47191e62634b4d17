"""What the fuzz test (``test_emulator_fuzz``) found, each pinned by a plain test."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from wcs_ext.protocol.encoding import urlsafe_b64encode
from wcs_ext.protocol.signing import Credentials, management_token, sign

from .conftest import EMULATOR_AK, EMULATOR_SK, EmulatorFactory, EmulatorProcess, wait_until

BUCKET = "e2e"


def _signed_policy(policy_json: str) -> str:
    encoded = urlsafe_b64encode(policy_json)
    return f"{EMULATOR_AK}:{sign(EMULATOR_SK, encoded.encode())}:{encoded}"


@pytest.mark.parametrize("field", ["scope", "returnBody", "saveKey", "callbackBody"])
def test_a_policy_with_a_lone_surrogate_is_a_bad_token(
    emulator: EmulatorProcess, field: str
) -> None:
    """JSON may spell a lone UTF-16 surrogate (``\\ud800``), which is no text: SQLite
    and every encoder refuse it. Such a policy is undecodable, like any other."""
    policy = {"scope": f"{BUCKET}:findings/k", "deadline": 2**62}
    policy[field] = policy.get(field, "") + "\ud800"  # type: ignore[operator]
    token = _signed_policy(json.dumps(policy))
    answers = [
        httpx.post(
            f"{emulator.put_url}/mkblk/4/0", content=b"abcd", headers={"Authorization": token}
        ),
        httpx.post(f"{emulator.put_url}/mkfile/4", content=b"x", headers={"Authorization": token}),
        httpx.post(
            f"{emulator.put_url}/file/upload",
            data={"token": token},
            files={"file": ("f", b"abcd", "text/plain")},
        ),
    ]
    for answer in answers:
        assert answer.status_code == 401, answer.text
        assert answer.json() == {
            "code": "401",
            "message": "bad token: the policy holds text that is not valid Unicode",
        }


@pytest.mark.parametrize(
    ("return_url", "location"),
    [
        (
            "http://app.example/done\r\nX-Injected: 1",
            "http://app.example/done%0D%0AX-Injected:%201",
        ),
        ("http://app.example/\x00", "http://app.example/%00"),
        ("http://app.example/\u4e2d", "http://app.example/%E4%B8%AD"),
    ],
)
def test_a_return_url_goes_out_percent_encoded(
    emulator: EmulatorProcess, return_url: str, location: str
) -> None:
    """The Location header gets the returnUrl with what a header cannot hold (controls,
    non-ASCII) percent-encoded: no header injection, no dropped connection."""
    policy = {
        "scope": f"{BUCKET}:findings/r",
        "deadline": 2**62,
        "returnUrl": return_url,
        "overwrite": 1,
    }
    with httpx.Client() as client:
        answer = client.post(
            f"{emulator.put_url}/file/upload",
            data={"token": _signed_policy(json.dumps(policy))},
            files={"file": ("f", b"redirected", "text/plain")},
        )
        assert answer.status_code == 303, answer.text
        assert answer.headers["location"].startswith(f"{location}?upload_ret=")
        assert "x-injected" not in answer.headers
        assert client.get(f"{emulator.download_url}/{BUCKET}/findings/r").content == b"redirected"


@pytest.mark.parametrize(
    "callback_url", ["http://[::1", "http://127.0.0.1:9/\r\n", "http://127.0.0.1:70000/", "//x"]
)
def test_a_malformed_callback_url_is_a_failed_callback(
    emulator: EmulatorProcess, callback_url: str
) -> None:
    policy = {
        "scope": f"{BUCKET}:findings/cb",
        "deadline": 2**62,
        "overwrite": 1,
        "callbackUrl": callback_url,
        "callbackBody": "k=$(key)",
    }
    answer = httpx.post(
        f"{emulator.put_url}/file/upload",
        data={"token": _signed_policy(json.dumps(policy))},
        files={"file": ("f", b"cb", "text/plain")},
    )
    assert answer.status_code == 579, answer.text
    assert answer.json()["code"] == "579"
    assert "not an http(s) URL" in answer.json()["message"]


def _job_status(emulator: EmulatorProcess, path: str, job_id: str) -> dict[str, object]:
    statuses: list[dict[str, object]] = []

    def settled() -> bool:
        answer = httpx.get(f"{emulator.mgr_url}{path}?persistentId={job_id}")
        statuses.append(answer.json())
        return statuses[-1]["code"] in (3, 5, 6)

    wait_until(settled)
    return statuses[-1]


def test_malformed_fetch_and_notify_urls_end_jobs_cleanly(
    emulator_factory: EmulatorFactory,
) -> None:
    """A fetch of a malformed URL is a failed command, a notification to one a failed
    notification; neither is a crash in the log, and no job is left notifying."""
    emulator = emulator_factory()
    bad = "http://[::1"
    fetch = f"fops=fetchURL/{urlsafe_b64encode(bad)}/bucket/{urlsafe_b64encode(BUCKET)}"
    answer = mgmt(emulator, "/fmgr/fetch", f"{fetch}&notifyURL={urlsafe_b64encode(bad)}")
    status = _job_status(emulator, "/fmgr/status", answer.json()["persistentId"])
    assert status["code"] == 5  # notify failed
    items = status["items"]
    assert isinstance(items, list)
    assert items[0]["code"] == 2
    assert "not an http(s) URL" in items[0]["error"]
    with emulator.client() as client:
        client.stream_upload([b"input"], BUCKET, "findings/in")
    fops = (
        f"bucket={urlsafe_b64encode(BUCKET)}&key={urlsafe_b64encode('findings/in')}"
        f"&fops={urlsafe_b64encode('avthumb/mp4')}&notifyURL={urlsafe_b64encode(bad)}"
    )
    answer = mgmt(emulator, "/fops", fops)
    status = _job_status(emulator, "/status/get/prefop", answer.json()["persistentId"])
    assert status["code"] == 5
    assert "Traceback" not in emulator.stderr()


def mgmt(emulator: EmulatorProcess, target: str, body: str) -> httpx.Response:
    credentials = Credentials(access_key=EMULATOR_AK, secret_key=EMULATOR_SK)
    authorization = management_token(credentials, target, body)
    answer = httpx.post(
        emulator.mgr_url + target, content=body, headers={"Authorization": authorization}
    )
    assert answer.status_code == 200, answer.text
    return answer


def test_a_playlist_line_that_is_no_uri_names_no_segment(emulator: EmulatorProcess) -> None:
    with emulator.client() as client:
        client.stream_upload([b"ts"], BUCKET, "findings/m/a.ts")
        client.stream_upload([b"#EXTM3U\nhttp://[::1\na.ts\n"], BUCKET, "findings/m/p.m3u8")
    op = f"bucket/{urlsafe_b64encode(BUCKET)}/key/{urlsafe_b64encode('findings/m/p.m3u8')}"
    answer = mgmt(emulator, "/fmgr/deletem3u8", f"fops={op}")
    status = _job_status(emulator, "/fmgr/status", answer.json()["persistentId"])
    items = status["items"]
    assert isinstance(items, list)
    assert (items[0]["code"], items[0]["error"]) == (3, None)
    assert httpx.get(emulator.url_of(BUCKET, "findings/m/a.ts")).status_code == 404


def _compress_op(**values: str) -> str:
    return "/".join(f"{name}/{value}" for name, value in values.items())


@pytest.mark.parametrize(
    "op",
    [
        _compress_op(bucket=urlsafe_b64encode(BUCKET), keys="YQ==|not*b64", saveas="ZTJlOng="),
        _compress_op(
            bucket=urlsafe_b64encode(BUCKET),
            key=urlsafe_b64encode("findings/list.txt"),
            fops=urlsafe_b64encode("mkzip/2|saveas/ZTJlO/Z6LzM5LnR4dA=="),
        ),
    ],
    ids=["a-key", "the-saveas-in-fops"],
)
def test_compress_with_undecodable_base64_inside_is_refused_at_once(
    emulator: EmulatorProcess, op: str
) -> None:
    target, body = "/fmgr/compress", f"fops={op}"
    credentials = Credentials(access_key=EMULATOR_AK, secret_key=EMULATOR_SK)
    answer = httpx.post(
        emulator.mgr_url + target,
        content=body,
        headers={"Authorization": management_token(credentials, target, body)},
    )
    assert answer.status_code == 400, answer.text
    assert "is not URL-safe Base64" in answer.json()["message"]


def test_a_key_list_with_an_undecodable_url_fails_its_command(
    emulator_factory: EmulatorFactory,
) -> None:
    emulator = emulator_factory()
    with emulator.client() as client:
        client.stream_upload([b"/url/not*b64\n"], BUCKET, "findings/list.txt")
    op = _compress_op(
        bucket=urlsafe_b64encode(BUCKET),
        keyList=urlsafe_b64encode("findings/list.txt"),
        saveas=urlsafe_b64encode(f"{BUCKET}:findings/out.zip"),
    )
    answer = mgmt(emulator, "/fmgr/compress", f"fops={op}")
    status = _job_status(emulator, "/fmgr/status", answer.json()["persistentId"])
    items = status["items"]
    assert isinstance(items, list)
    assert items[0]["code"] == 2
    assert "a /url/ line's URL is not URL-safe Base64" in items[0]["error"]
    assert "Traceback" not in emulator.stderr()


def test_a_notification_that_crashes_still_ends_the_job(tmp_path: Path) -> None:
    """Whatever goes wrong while notifying, the job ends "notify failed", never stays
    "notifying" for good (a poller would wait forever)."""
    import asyncio

    from wcs_ext.emulator.state.database import Database
    from wcs_ext.emulator.state.job_queue import (
        NOTIFY_FAILED,
        Item,
        JobRecord,
        JobRunner,
        JobStore,
    )

    def crash(job: JobRecord) -> bool:
        raise RuntimeError("notifier on fire")

    db = Database(tmp_path / "meta.sqlite3")
    jobs = JobStore(db)
    runner = JobRunner(jobs, lambda job, item: item.succeeded(), crash)

    async def run() -> int:
        task = runner.start()
        job = jobs.create(
            JobRecord(
                id="",
                kind="fmgr",
                op="delete",
                access_key="ak",
                notify_url="http://127.0.0.1:9/",
                items=(Item(cmd="x"),),
            )
        )
        runner.submit(job.id)
        state = -1
        for _ in range(200):  # 2 s at most
            await asyncio.sleep(0.01)
            stored = jobs.get(job.id)
            state = -1 if stored is None else stored.state
            if state == NOTIFY_FAILED:
                break
        task.cancel()
        return state

    try:
        assert asyncio.run(run()) == NOTIFY_FAILED
    finally:
        db.close()
