"""What the crash suite (``tests/test_suite_crash.py``) shares: the seeded kill points,
the child process that dies at one (``tests/crash_child.py``), a transport that counts
what a rerun sends, and one that kills and restarts the emulator at a chosen request.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs
import httpx

from tests.conftest import EmulatorProcess
from wcs_ext.transfer.record import BlockState, read_record

MiB = 1024 * 1024
BLOCK = 4 * MiB
CHUNK = MiB
SIZE = 2 * BLOCK + CHUNK + CHUNK // 2 + 7
"""Three blocks: 4 + 4 + 2 chunks, then mkfile."""
ROOT = Path(__file__).resolve().parent.parent


def chunk_verbs(size: int = SIZE) -> list[str]:
    """The chunk requests of an upload of ``size`` bytes, in order, one block at a time."""
    verbs: list[str] = []
    for start in range(0, size, BLOCK):
        block = min(BLOCK, size - start)
        verbs += ["mkblk"] + ["bput"] * ((block - 1) // CHUNK)
    return verbs


CHUNKS = len(chunk_verbs())
VERB_COUNTS = {
    "mkblk": chunk_verbs().count("mkblk"),
    "bput": chunk_verbs().count("bput"),
    "mkfile": 1,
}


@attrs.frozen
class UploadPoint:
    """Where a child uploading :data:`SIZE` bytes dies: the ``nth`` request to ``verb``,
    at ``phase`` (see ``tests/crash_child.py``)."""

    verb: str
    phase: str
    nth: int
    concurrency: int = 1
    cli: bool = False

    def __str__(self) -> str:
        how = "cli-" if self.cli else ""
        many = f"-c{self.concurrency}" if self.concurrency > 1 else ""
        return f"{how}{self.verb}{self.nth}-{self.phase}{many}"

    def acked_at_kill(self, done: int = 0) -> int:
        """Chunks the record holds after the kill, one block at a time, when the run
        started with ``done`` chunks acknowledged (what is left is sent in order)."""
        if self.verb == "mkfile":
            return CHUNKS
        left = chunk_verbs()[done:]
        positions = [i for i, verb in enumerate(left, 1) if verb == self.verb]
        position = done + positions[self.nth - 1]
        return position if self.phase == "recorded" else position - 1

    @property
    def server_stored_it(self) -> bool:
        """The object exists after the kill: mkfile reached the server whole."""
        return self.verb == "mkfile" and self.phase in ("server-done", "unrecorded")


CHUNK_PHASES = ("before-send", "mid-send", "server-done", "unrecorded", "recorded", "torn")
REQUIRED_POINTS = [
    *(("mkblk", phase) for phase in CHUNK_PHASES),
    *(("bput", phase) for phase in CHUNK_PHASES),
    *(("mkfile", phase) for phase in ("before-send", "mid-send", "server-done", "unrecorded")),
]


def upload_points(seed: int) -> list[UploadPoint]:
    """Every (step, phase) of :data:`REQUIRED_POINTS` at a seeded request, two seeded
    points with two blocks at a time, one through the CLI."""
    rng = random.Random(seed)
    points = [
        UploadPoint(verb, phase, rng.randint(1, VERB_COUNTS[verb]))
        for verb, phase in REQUIRED_POINTS
    ]
    for _ in range(2):
        verb = rng.choice(("mkblk", "bput"))
        phase = rng.choice(CHUNK_PHASES)
        points.append(UploadPoint(verb, phase, rng.randint(1, VERB_COUNTS[verb]), concurrency=2))
    points.append(UploadPoint("bput", "server-done", rng.randint(1, VERB_COUNTS["bput"]), cli=True))
    return points


def child_settings(emulator: EmulatorProcess, records: Path, **more: Any) -> dict[str, Any]:
    return {
        "access_key": emulator.access_key,
        "secret_key": emulator.secret_key,
        "put_url": emulator.put_url,
        "mgr_url": emulator.mgr_url,
        "connection_timeout": 20.0,
        "block_size": BLOCK,
        "bput_size": CHUNK,
        "tmp_record_folder": str(records),
        "max_concurrency": 0,  # pinned: a kill point is the n-th request, in order
        **more,
    }


def run_child(
    plan: Mapping[str, Any], env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``tests/crash_child.py`` with ``plan``: it dies where the plan says, or finishes."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("WCS_")}
    return subprocess.run(
        [sys.executable, "-m", "tests.crash_child", json.dumps(dict(plan))],
        cwd=ROOT,
        env={**clean, **(env or {})},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def killed(child: subprocess.CompletedProcess[str]) -> bool:
    return child.returncode == -signal.SIGKILL


def logged(path: Path) -> list[dict[str, Any]]:
    """The requests a child logged, one per answer."""
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def recorded_blocks(folder: Path) -> dict[int, BlockState]:
    """What the only resume record in ``folder`` holds (nothing when there is none)."""
    records = list(folder.glob("*.json")) if folder.exists() else []
    assert len(records) <= 1, records
    return read_record(records[0])[1] if records else {}


def acked_chunks(blocks: Mapping[int, BlockState]) -> int:
    return sum(-(-block.acked // CHUNK) for block in blocks.values())


class Counting(httpx.HTTPTransport):
    """A real transport that notes every answered request: verb, Range, status and
    Content-Range."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[tuple[str, str | None, int, str | None]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self.note(request, super().handle_request(request))

    def note(self, request: httpx.Request, response: httpx.Response) -> httpx.Response:
        verb = request.url.path.split("/")[1]
        answer = (verb, request.headers.get("range"), response.status_code)
        self.seen.append((*answer, response.headers.get("content-range")))
        return response

    def count(self, *verbs: str, status: int | None = None) -> int:
        return sum(v in verbs and status in (None, s) for v, _, s, _ in self.seen)


class EmulatorCrasher(Counting):
    """Kills the emulator (SIGKILL) at the ``nth`` request to ``verb`` and starts it
    again on the same port and data directory:

    - ``after-answer``: the answer was read, then the emulator dies and is back before
      the next request (what it acknowledged must still be there);
    - ``before-send``: it dies, the request fails to connect; it is back for the retry;
    - ``mid-send``: it dies once half the body was sent; back for the retry;
    - ``answer-lost``: it did the work and died before the client read the answer
      (the client sees a cut connection); back for the retry;
    - ``dies-inside``: it kills itself while serving the request
      (``tests/crash_emulator.py``); back for the retry.

    ``restart_later`` leaves the restart to the test (a client that does not retry).
    """

    def __init__(
        self,
        emulator: EmulatorProcess,
        verb: str,
        nth: int,
        phase: str,
        *,
        restart_later: bool = False,
    ) -> None:
        super().__init__()
        self.emulator = emulator
        self.port = emulator.port
        self.verb, self.nth, self.phase = verb, nth, phase
        self.restart_later = restart_later
        self.down = False
        self.failed: list[str] = []
        self._counts: dict[str, int] = {}
        self._lock = threading.Lock()

    def kill(self) -> None:
        assert self.emulator.stop(signal.SIGKILL) == -signal.SIGKILL
        self.down = True

    def restart(self) -> None:
        if self.down:
            self.emulator.start(port=self.port)
            self.down = False

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        verb = request.url.path.split("/")[1]
        with self._lock:
            if not self.restart_later:
                self.restart()
            self._counts[verb] = self._counts.get(verb, 0) + 1
            target = verb == self.verb and self._counts[verb] == self.nth
        try:
            return self.note(request, self._send(request, target))
        except httpx.TransportError:
            self.failed.append(verb)
            if target and self.phase == "dies-inside":
                self.kill()  # it killed itself (tests/crash_emulator.py): wait for it
                self.restart()
            raise

    def _send(self, request: httpx.Request, target: bool) -> httpx.Response:
        if target and self.phase == "before-send":
            self.kill()
        if target and self.phase == "mid-send":
            request = self._dying_midway(request)
        response = httpx.HTTPTransport.handle_request(self, request)
        if target and self.phase in ("after-answer", "answer-lost"):
            response.read()
            self.kill()
            if self.phase == "answer-lost":
                raise httpx.ReadError("test: the emulator died before its answer arrived")
            self.restart()
        return response

    def _dying_midway(self, request: httpx.Request) -> httpx.Request:
        body = request.read()
        crasher = self

        class Halfway(httpx.SyncByteStream):
            def __iter__(self) -> Iterator[bytes]:
                yield body[: len(body) // 2]
                crasher.kill()
                yield body[len(body) // 2 :]

        return httpx.Request(request.method, request.url, headers=request.headers, stream=Halfway())
