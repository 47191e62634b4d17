"""The child of the crash suite (``tests/test_suite_crash.py``): a real upload or download
that SIGKILLs its own process at one chosen point, so the kill is deterministic rather
than a race against a timer.

``python -m tests.crash_child PLAN`` where PLAN is a JSON object:

- ``mode``: ``upload`` (``Wcs.multipart_upload``: ``args`` is local file, bucket, key),
  ``download`` (``Wcs.download``: ``args`` is URL, target) or ``cli`` (``args`` are the
  arguments of ``wcs-ext``, run as its console script runs them);
- ``settings``: the ``WcsConfig`` of the upload or download modes;
- ``log``: a file that gets one JSON line per answered request (verb, Range, status);
- ``kill``: where to die, or ``null`` to run to the end (a rerun that is counted):

  - ``{"verb": V, "nth": N, "phase": P}``: at the N-th request to ``/V/`` (``mkblk``,
    ``bput``, ``mkfile``). ``before-send``: before a byte of it leaves; ``mid-send``:
    after half its body left; ``server-done``: once the answer's status line arrived
    (the server did the work, the client never read the answer); ``unrecorded``: the
    answer was read and checked, its record line not written (for ``mkfile``: the
    record not yet deleted); ``recorded``: right after its record line was written;
    ``torn``: half of its record line written.
  - ``{"bytes": N}``: as soon as a download has written N bytes.
  - ``{"sliced_bytes": N}``: as soon as the slices of a download in slices have
    written N bytes between them (and journaled the pieces those bytes finished).

Every hook is installed on the classes (``httpx.HTTPTransport``, ``ResumeRecord``,
``PartialDownload``, ``SliceCursor``), so the CLI is hooked as much as a ``Wcs`` made here.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
from collections.abc import Iterator
from typing import Any, BinaryIO

import httpx

from wcs_ext import RetryPolicy, Wcs, WcsConfig
from wcs_ext.transfer.download_slices import SliceCursor
from wcs_ext.transfer.partial_download import PartialDownload
from wcs_ext.transfer.progress import ProgressTracker
from wcs_ext.transfer.record import ResumeRecord

REQUEST_PHASES = ("before-send", "mid-send", "server-done")
RECORD_PHASES = ("unrecorded", "recorded", "torn")


def die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


class KillSwitch:
    """Counts requests per verb; knows whether this one is where the process dies."""

    def __init__(self, kill: dict[str, Any] | None, log_path: str) -> None:
        self.kill = kill or {}
        self.counts: dict[str, int] = {}
        self._lock = threading.Lock()
        self._armed = threading.local()  # a record phase waits in the request's thread
        self._log = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)

    def is_target(self, verb: str) -> bool:
        with self._lock:
            self.counts[verb] = self.counts.get(verb, 0) + 1
            return verb == self.kill.get("verb") and self.counts[verb] == self.kill.get("nth")

    @property
    def phase(self) -> str:
        return str(self.kill.get("phase", ""))

    def arm(self) -> None:
        self._armed.phase = self.phase

    def armed(self, phase: str) -> bool:
        if getattr(self._armed, "phase", None) != phase:
            return False
        self._armed.phase = None
        return True

    def log(self, request: httpx.Request, status: int) -> None:
        line = {
            "verb": request.url.path.split("/")[1],
            "range": request.headers.get("range"),
            "status": status,
        }
        os.write(self._log, (json.dumps(line) + "\n").encode())


def half_then_die(request: httpx.Request) -> httpx.Request:
    """``request`` whose body stops halfway: the process dies with the rest unsent."""
    body = request.read()

    def stream() -> Iterator[bytes]:
        yield body[: len(body) // 2]
        die()
        yield b""  # not reached

    return httpx.Request(
        request.method,
        request.url,
        headers=request.headers,
        stream=_Stream(stream()),
        extensions=request.extensions,
    )


class _Stream(httpx.SyncByteStream):
    def __init__(self, pieces: Iterator[bytes]) -> None:
        self._pieces = pieces

    def __iter__(self) -> Iterator[bytes]:
        return self._pieces


def install(switch: KillSwitch) -> None:
    send = httpx.HTTPTransport.handle_request

    def handle_request(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        target = switch.is_target(request.url.path.split("/")[1])
        if target and switch.phase == "before-send":
            die()
        if target and switch.phase == "mid-send":
            request = half_then_die(request)
        response = send(self, request)
        if target and switch.phase == "server-done":
            die()
        if target and switch.phase in RECORD_PHASES:
            switch.arm()
        switch.log(request, response.status_code)
        return response

    acknowledge = ResumeRecord.acknowledge
    append = ResumeRecord._append
    delete = ResumeRecord.delete

    def acknowledge_hooked(self: ResumeRecord, index: int, state: Any) -> None:
        if switch.armed("unrecorded"):
            die()
        acknowledge(self, index, state)
        if switch.armed("recorded"):
            die()

    def append_hooked(self: ResumeRecord, line: bytes) -> None:
        if not switch.armed("torn"):
            append(self, line)
            return
        if self._fd is None:
            self._fd = self._start()
        os.write(self._fd, line[: len(line) // 2])
        die()

    def delete_hooked(self: ResumeRecord) -> None:
        if switch.armed("unrecorded"):  # mkfile's answer was checked: the record goes next
            die()
        delete(self)

    write = PartialDownload.write

    def write_hooked(
        self: PartialDownload, out: BinaryIO, chunk: bytes, progress: ProgressTracker
    ) -> None:
        write(self, out, chunk, progress)
        if "bytes" in switch.kill and self.have >= switch.kill["bytes"]:
            die()

    sliced_write = SliceCursor.wrote
    sliced_bytes = [0]  # written by every slice of this run

    def sliced_write_hooked(self: SliceCursor, offset: int, data: bytes) -> None:
        sliced_write(self, offset, data)
        with switch._lock:
            sliced_bytes[0] += len(data)
            if "sliced_bytes" in switch.kill and sliced_bytes[0] >= switch.kill["sliced_bytes"]:
                die()

    httpx.HTTPTransport.handle_request = handle_request  # type: ignore[method-assign]
    SliceCursor.wrote = sliced_write_hooked  # type: ignore[method-assign]
    ResumeRecord.acknowledge = acknowledge_hooked  # type: ignore[method-assign]
    ResumeRecord._append = append_hooked  # type: ignore[method-assign]
    ResumeRecord.delete = delete_hooked  # type: ignore[method-assign]
    PartialDownload.write = write_hooked  # type: ignore[method-assign]


def main(plan: dict[str, Any]) -> int:
    install(KillSwitch(plan.get("kill"), plan["log"]))
    args = plan["args"]
    if plan["mode"] == "cli":
        from wcs_ext.cli._app import run

        return run(args, prog_name="wcs-ext")
    retry = RetryPolicy(max_retries=0, initial_delay=0.01, max_delay=0.05)
    with Wcs(WcsConfig(**plan["settings"]), retry=retry) as wcs:
        if plan["mode"] == "upload":
            wcs.multipart_upload(args[0], args[1], args[2])
        else:
            wcs.download(args[0], args[1])
    return 0


if __name__ == "__main__":
    sys.exit(main(json.loads(sys.argv[1])))
