"""Thousands of seeded random requests (``tests/emulator_fuzz.py``) against a real
emulator: not one may crash it.

Every answer must be below 500 (but for the documented 501 of ``/imageDetect``, 579 of
a failed upload callback and 614 of an existing key), carry ``X-Reqid`` and, as an
error, WCS's JSON body; no request may break the kept-alive connection; the server log
must stay free of tracebacks; no file may be left that no row refers to; and a normal
call must work at the end. ``WCS_FUZZ_SEED`` (comma-separated seeds) and ``WCS_FUZZ_COUNT`` choose
other runs; a failure names its seed and the requests that failed.
"""

from __future__ import annotations

import contextlib
import os
import random
import sqlite3
import time
from pathlib import Path
from typing import Final

import httpx
import pytest

from wcs_ext.emulator import EmulatorSettings, create_app
from wcs_ext.protocol.signing import Credentials, PutPolicy, management_token, upload_token

from .conftest import EMULATOR_AK, EMULATOR_SK, EmulatorFactory, EmulatorProcess, wait_until
from .emulator_fuzz import Fuzzer, FuzzRequest, Target

SEEDS: Final = [int(s) for s in os.environ.get("WCS_FUZZ_SEED", "20240611,3,4").split(",")]
COUNT: Final = int(os.environ.get("WCS_FUZZ_COUNT", "3000"))
TIME_LIMIT: Final = 18.0
"""Seconds of fuzzing per seed at most, whatever COUNT says (make test must stay quick)."""
CREDENTIALS: Final = Credentials(access_key=EMULATOR_AK, secret_key=EMULATOR_SK)
BUCKETS: Final = ("e2e", "other")
KEYS: Final = ("a.txt", "dir/b.bin", "v/p.m3u8", "v/s1.ts", "list.txt", "\u4e2d/\u6587 a+b")
# Documented answers at or above 500 that are no crash, and the paths that give them:
# 501 image detection, 579 a failed upload callback, 614 the key exists (WCS's code).
EXPECTED_5XX: Final = {501: ("/imageDetect",), 579: ("/file/upload", "/mkfile/"), 614: ("/",)}


def _routes(tmp_path: Path) -> list[tuple[str, frozenset[str]]]:
    """The emulator's own route list (making the app opens nothing)."""
    app = create_app(EmulatorSettings(data_dir=tmp_path, credentials={"a": "b"}))
    return [(r.path, frozenset(r.methods or ())) for r in app.routes]  # type: ignore[attr-defined]


def _seed_state(emulator: EmulatorProcess) -> list[str]:
    """A few objects to aim at, and the ctxs of a finished and an unfinished block."""
    contents = {key: f"content of {key}\n".encode() for key in KEYS}
    contents["v/p.m3u8"] = b"#EXTM3U\ns1.ts\nhttp://[::1\n/v/s1.ts\n"
    contents["list.txt"] = b"a.txt\ndir/b.bin\n"
    with emulator.client() as client:
        for key, data in contents.items():
            client.stream_upload([data], BUCKETS[0], key)
    token = upload_token(CREDENTIALS, PutPolicy.for_object(BUCKETS[0], "blocks/k", lifetime=3600))
    ctxs = []
    for size, data in ((3, b"abc"), (4 * 1024 * 1024, b"part")):
        made = httpx.post(
            f"{emulator.put_url}/mkblk/{size}/0", content=data, headers={"Authorization": token}
        )
        assert made.status_code == 200, made.text
        ctxs.append(str(made.json()["ctx"]))
    return ctxs


def _url(base: httpx.URL, target: str) -> httpx.URL:
    """``target`` sent as it is, but for what a request target cannot hold (space,
    controls, non-ASCII, ``#``), which is percent-encoded as HTTP libraries do."""
    raw = "".join(
        c
        if "!" <= c <= "~" and c != "#"
        else "".join(f"%{b:02X}" for b in c.encode("utf-8", "surrogatepass"))
        for c in target
    )
    return base.copy_with(raw_path=raw.encode("ascii"))


def _problem(request: FuzzRequest, response: httpx.Response) -> str | None:
    status = response.status_code
    if status >= 500 and not any(
        request.target.startswith(p) for p in EXPECTED_5XX.get(status, ())
    ):
        return f"answered {status}: {response.text[:300]}"
    if len(response.headers.get("x-reqid", "")) != 32:
        return "no X-Reqid"
    if status >= 400 and request.method != "HEAD":
        try:
            body = response.json()
        except ValueError:
            return f"{status} without a JSON body: {response.text[:200]!r}"
        # WCS's code may differ from the status (701: a ctx to make again), but is digits.
        if not (
            isinstance(body, dict)
            and isinstance(body.get("code"), str)
            and body["code"].isdigit()
            and isinstance(body.get("message"), str)
            and body["message"]
        ):
            return f"{status} with a body not shaped as WCS's: {body!r}"[:300]
    return None


def _orphans(data_dir: Path) -> list[str]:
    """Files under the data directory that no row refers to (left by a failed request)."""
    with sqlite3.connect(f"file:{data_dir / 'meta.sqlite3'}?mode=ro", uri=True) as db:
        blobs = {row[0] for row in db.execute("SELECT blob FROM objects")}
        blocks = {row[0] for row in db.execute("SELECT id FROM blocks")}
    return [
        *(str(p) for p in (data_dir / "tmp").iterdir()),
        *(str(p) for p in (data_dir / "objects").rglob("*") if p.is_file() and p.name not in blobs),
        *(str(p) for p in (data_dir / "blocks").iterdir() if p.name not in blocks),
    ]


@pytest.mark.slow
@pytest.mark.parametrize("seed", SEEDS)
def test_fuzzed_requests_never_crash_the_emulator(
    emulator_factory: EmulatorFactory, tmp_path: Path, seed: int
) -> None:
    emulator = emulator_factory(buckets=BUCKETS)
    target = Target(
        routes=_routes(tmp_path),
        credentials=CREDENTIALS,
        buckets=BUCKETS,
        keys=KEYS,
        ctxs=_seed_state(emulator),
        own_url=emulator.put_url,
    )
    fuzzer = Fuzzer(random.Random(seed), target)
    base = httpx.URL(emulator.put_url)
    failures: list[str] = []
    statuses: dict[int, int] = {}
    sent = skipped = 0
    deadline = time.monotonic() + TIME_LIMIT
    with httpx.Client(timeout=20) as client:
        while sent < COUNT and time.monotonic() < deadline:
            request = fuzzer.request()
            sent += 1
            # As bytes: a header may carry non-ASCII, as a broken client's would.
            headers = [(k.encode(), v.encode("utf-8")) for k, v in request.headers.items()]
            try:
                response = client.request(
                    request.method,
                    _url(base, request.target),
                    headers=headers,
                    content=request.body,
                )
            except httpx.LocalProtocolError:
                skipped += 1  # httpx would not send it: nothing reached the emulator
                continue
            except httpx.TransportError as exc:
                failures.append(f"#{sent} {request.describe()}\n  -> {type(exc).__name__}: {exc}")
                continue
            statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
            if response.status_code == 200 and request.method != "HEAD":
                with contextlib.suppress(ValueError):
                    fuzzer.learn(response.json())
            problem = _problem(request, response)
            if problem is not None:
                failures.append(f"#{sent} {request.describe()}\n  -> {problem}")
        # The same connection still serves a normal call.
        listing = client.get(
            f"{emulator.mgr_url}/bucket/list",
            headers={"Authorization": management_token(CREDENTIALS, "/bucket/list")},
        )
    rerun = f"seed {seed} (rerun: WCS_FUZZ_SEED={seed} WCS_FUZZ_COUNT={COUNT})"
    assert not failures, f"{len(failures)} of {sent} requests failed, {rerun}:\n" + "\n".join(
        failures[:15]
    )
    assert listing.status_code == 200, f"{rerun}: {listing.text}"
    assert [b["name"] for b in listing.json()["buckets"]] == sorted(BUCKETS)
    assert sent >= min(COUNT, 1000), f"only {sent} requests in {TIME_LIMIT} s, {rerun}"
    assert skipped <= sent // 100, f"{skipped} requests could not be sent, {rerun}"
    # A variety of answers, not one kind of refusal for everything.
    assert len(statuses) >= 6, f"{rerun}: {statuses}"
    assert statuses.get(200, 0) >= sent // 20, f"{rerun}: {statuses}"
    # Jobs the fuzzer started may still be writing: give them a moment.
    orphans: list[str] = []

    def no_orphans() -> bool:
        orphans[:] = _orphans(emulator.data_dir)
        return not orphans

    try:
        wait_until(no_orphans, timeout=15)
    except AssertionError:
        raise AssertionError(f"{rerun}: files no row refers to: {orphans[:10]}") from None
    log = emulator.stderr()
    assert "Traceback" not in log, f"{rerun}: the emulator logged a crash:\n{log[-4000:]}"
