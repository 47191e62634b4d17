"""What the emulator tells about the requests it saw: the request log (``--log``) and
``GET /_emulator/stats``, both against real emulator processes."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import httpx

from wcs_ext.emulator.traffic import mask_query

from .conftest import EMULATOR_SK, EmulatorFactory, EmulatorProcess, wait_until
from .test_emulator_server import BUCKET, form_upload, mgmt, mkblk, token


def log_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def logged(path: Path, count: int) -> list[dict[str, Any]]:
    """The first ``count`` lines, once they are there (a line is written just after its
    answer has gone)."""
    wait_until(lambda: path.exists() and len(path.read_text().splitlines()) >= count)
    return log_lines(path)[:count]


def stats_answer(emulator: EmulatorProcess) -> httpx.Response:
    answer = httpx.get(f"{emulator.mgr_url}/_emulator/stats")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/json"
    return answer


def stats(emulator: EmulatorProcess) -> dict[str, Any]:
    document: dict[str, Any] = stats_answer(emulator).json()
    return document


def test_mask_query_hides_credentials_only() -> None:
    assert mask_query("") == ""
    assert mask_query("bucket=b&marker=m+1&limit=5") == "bucket=b&marker=m+1&limit=5"
    assert mask_query("wsSecret=abc&wsTime=1&e=2") == "wsSecret=***&wsTime=1&e=2"
    assert mask_query("token=a:b:c&x=1&UploadToken=z&sign=s&flag") == (
        "token=***&x=1&UploadToken=***&sign=***&flag"
    )


def test_every_request_gets_a_log_line_without_credentials(
    emulator_factory: EmulatorFactory, tmp_path: Path
) -> None:
    log = tmp_path / "requests.jsonl"
    emulator = emulator_factory(extra_args=["--log", str(log)])
    upload_token = token(f"{BUCKET}:traffic/a.txt")
    uploaded = form_upload(emulator, upload_token, b"hello log")
    assert uploaded.status_code == 200, uploaded.text
    listing = mgmt(emulator, "GET", f"/list?bucket={BUCKET}&limit=5")
    block = mkblk(emulator, upload_token, 4, 0, b"1234")
    secret_query = httpx.get(f"{emulator.url_of(BUCKET, 'traffic/a.txt')}?wsSecret=hush&wsTime=1")
    missing = httpx.get(f"{emulator.mgr_url}/no/such/thing")
    answers = [uploaded, listing, block, secret_query, missing]

    lines = logged(log, len(answers))
    for line, answer in zip(lines, answers, strict=True):
        assert set(line) == {
            "time",
            "method",
            "path",
            "query",
            "endpoint",
            "status",
            "bytes_in",
            "bytes_out",
            "duration_ms",
            "request_id",
            "fault",
        }
        assert line["method"] == answer.request.method
        assert line["path"] == answer.request.url.raw_path.decode().partition("?")[0]
        assert line["status"] == answer.status_code
        assert line["request_id"] == answer.headers["x-reqid"]
        assert line["bytes_in"] == len(answer.request.read())
        assert line["bytes_out"] == len(answer.content)
        assert line["fault"] is None
        assert line["duration_ms"] >= 0
        assert line["time"].endswith("+00:00")
    assert [line["endpoint"] for line in lines] == [
        "POST /file/upload",
        "GET /list",
        "POST /mkblk/{size}/{index}",
        "GET /dl/{bucket}/{key:path}",
        "GET (no such endpoint)",
    ]
    assert lines[1]["query"] == "bucket=e2e&limit=5"
    assert lines[3]["query"] == "wsSecret=***&wsTime=1"
    assert lines[3]["bytes_out"] == len(b"hello log")
    text = log.read_text()
    for secret in (EMULATOR_SK, upload_token, "hush", listing.request.headers["authorization"]):
        assert secret not in text
    assert stat.S_IMODE(os.stat(log).st_mode) == 0o600


def test_the_log_is_appended_to(emulator_factory: EmulatorFactory, tmp_path: Path) -> None:
    log = tmp_path / "kept.jsonl"
    log.write_text('{"earlier": "run"}\n')
    emulator = emulator_factory(extra_args=["--log", str(log)])
    httpx.get(f"{emulator.mgr_url}/no/such/thing")
    lines = logged(log, 2)
    assert lines[0] == {"earlier": "run"}
    assert lines[1]["endpoint"] == "GET (no such endpoint)"


def test_injected_faults_are_logged_and_counted(
    emulator_factory: EmulatorFactory, tmp_path: Path
) -> None:
    log = tmp_path / "faults.jsonl"
    emulator = emulator_factory(
        extra_args=["--log", str(log), "--fault-rate", "1", "--fault-kinds", "error-503"]
    )
    answers = [mgmt(emulator, "GET", "/bucket/list") for _ in range(3)]
    assert [a.status_code for a in answers] == [503, 503, 503]
    lines = logged(log, 3)
    assert [line["fault"] for line in lines] == ["error-503"] * 3
    assert [line["status"] for line in lines] == [503] * 3
    # The stats page is the emulator's own: never faulted, even at a fault rate of 1.
    counted = stats(emulator)
    assert counted["faults"] == 3
    assert counted["faults_by_kind"] == {"error-503": 3}
    assert counted["requests_by_status"] == {"503": 3}


def test_a_dropped_connection_is_logged_without_a_status(
    emulator_factory: EmulatorFactory, tmp_path: Path
) -> None:
    log = tmp_path / "drops.jsonl"
    emulator = emulator_factory(
        extra_args=["--log", str(log), "--fault-rate", "1", "--fault-kinds", "drop-before"]
    )
    try:
        mgmt(emulator, "GET", "/bucket/list")
    except httpx.HTTPError:
        pass
    else:
        raise AssertionError("the connection should have been dropped")
    (line,) = logged(log, 1)
    assert line["fault"] == "drop-before"
    assert line["status"] is None
    counted = stats(emulator)
    assert counted["faults_by_kind"] == {"drop-before": 1}
    assert counted["requests_by_status"] == {"dropped": 1}


def test_stats_count_requests_bytes_and_uptime(emulator_factory: EmulatorFactory) -> None:
    emulator = emulator_factory()
    first = stats_answer(emulator)
    before = first.json()
    assert before["requests"] == 0
    assert before["uptime_seconds"] > 0
    upload_token = token(f"{BUCKET}:stats/k")
    answers = [
        mgmt(emulator, "GET", "/bucket/list"),
        mgmt(emulator, "GET", "/bucket/list"),
        form_upload(emulator, upload_token, b"x" * 1000),
        mkblk(emulator, upload_token, 4, 0, b"abcd"),
        httpx.get(emulator.url_of(BUCKET, "stats/k")),
        httpx.delete(f"{emulator.mgr_url}/bucket/list"),
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 200, 200, 405]
    counted = stats(emulator)
    # The first stats request is counted; the one answering is not (it is not over yet).
    assert counted["requests"] == len(answers) + 1
    assert counted["requests_by_endpoint"] == {
        "DELETE /bucket/list": 1,
        "GET /_emulator/stats": 1,
        "GET /bucket/list": 2,
        "GET /dl/{bucket}/{key:path}": 1,
        "POST /file/upload": 1,
        "POST /mkblk/{size}/{index}": 1,
    }
    assert counted["requests_by_status"] == {"200": 6, "405": 1}
    assert counted["bytes_received"] == sum(len(a.request.read()) for a in answers)
    assert counted["bytes_sent"] == sum(len(a.content) for a in [*answers, first])
    assert counted["faults"] == 0
    assert counted["faults_by_kind"] == {}
    assert counted["uptime_seconds"] >= before["uptime_seconds"]
    assert EMULATOR_SK not in json.dumps(counted)
