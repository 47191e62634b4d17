"""Asynchronous jobs (``/fmgr/*`` and ``/fops``): kept in SQLite, run by one worker.

A submission is answered at once with its ``persistentId``; the worker then runs the
job's commands one after another in the threadpool and records each outcome as it
lands, so a restart resumes a job where it stopped (finished commands are not redone).
Status codes follow the docs: job 0 waiting, 1 processing, 3 done, 4 notifying,
5 notification failed, 6 notified; command 0 waiting, 1 processing, 2 failed, 3 done.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
from collections.abc import Callable
from typing import Any, Final, Literal

import attrs
from starlette.concurrency import run_in_threadpool

from ..clock import now_ms
from ..errors import EmulatorError
from .database import Database

__all__ = ["Item", "JobKind", "JobRecord", "JobRunner", "JobStore", "status_json"]

log = logging.getLogger("wcs_ext.emulator")

JobKind = Literal["fmgr", "fops"]
WAITING, PROCESSING, DONE, NOTIFYING, NOTIFY_FAILED, NOTIFIED = 0, 1, 3, 4, 5, 6
ITEM_FAILED, ITEM_SUCCEEDED = 2, 3
_WORD: Final = {"fmgr": "fileOperate", "fops": "persistentOperate"}
_JOB_DESC: Final = {
    WAITING: "Waiting",
    PROCESSING: "Processing",
    DONE: "Finished",
    NOTIFYING: "Notifying",
    NOTIFY_FAILED: "NotifyFailed",
    NOTIFIED: "NotifySucceed",
}
_ITEM_DESC: Final = {
    WAITING: "Waiting",
    PROCESSING: "Processing",
    ITEM_FAILED: "Failed",
    ITEM_SUCCEEDED: "Succeed",
}


@attrs.frozen(kw_only=True)
class Item:
    """One command of a job and, once run, its outcome."""

    cmd: str
    code: int = WAITING
    error: str | None = None
    key: str = ""
    hash: str = ""
    fsize: int | None = None
    url: str = ""

    def failed(self, error: str) -> Item:
        return attrs.evolve(self, code=ITEM_FAILED, error=error)

    def succeeded(self, **result: Any) -> Item:
        return attrs.evolve(self, code=ITEM_SUCCEEDED, error=None, **result)


@attrs.frozen(kw_only=True)
class JobRecord:
    id: str
    kind: JobKind
    op: str
    access_key: str
    notify_url: str = ""
    separate: int = 0
    force: int = 0
    input_bucket: str | None = None
    input_key: str | None = None
    input_size: int | None = None
    state: int = WAITING
    items: tuple[Item, ...] = ()
    created_ms: int = 0


def _items_json(items: tuple[Item, ...]) -> str:
    return json.dumps([attrs.asdict(item) for item in items])


def status_json(job: JobRecord) -> dict[str, Any]:
    """The status answer of the docs (and the body of the notification)."""
    word = _WORD[job.kind]
    items = []
    for item in job.items:
        entry: dict[str, Any] = {
            "cmd": item.cmd,
            "code": item.code,
            "desc": word + _ITEM_DESC[item.code],
            "error": item.error,
        }
        # Result fields only when the command produced them.
        if item.key:
            entry["key"] = item.key
        if item.hash:
            entry["hash"] = item.hash
        if item.fsize is not None:
            entry["fsize"] = item.fsize
        if item.url:
            entry["url"] = item.url
        if job.kind == "fops":
            entry["costTime"] = 0
        items.append(entry)
    body: dict[str, Any] = {
        "id": job.id,
        "code": job.state,
        "desc": word + _JOB_DESC[job.state],
        "separate": job.separate,
    }
    if job.kind == "fops":
        body.update(inputkey=job.input_key, inputbucket=job.input_bucket, inputfsize=job.input_size)
    body["items"] = items
    return body


_FIELDS: Final = (
    "id, kind, op, access_key, notify_url, separate, force, "
    "input_bucket, input_key, input_size, state, items, created_ms"
)


class JobStore:
    def __init__(self, db: Database, *, clock: Callable[[], int] = now_ms) -> None:
        self._db = db
        self._clock = clock

    def create(self, job: JobRecord) -> JobRecord:
        """Store a new job under a fresh id (the one given is ignored)."""
        job = attrs.evolve(
            job, id=f"{job.kind}-{secrets.token_hex(12)}", state=WAITING, created_ms=self._clock()
        )
        values = attrs.astuple(job, recurse=False)
        with self._db.transaction() as conn:
            conn.execute(
                f"INSERT INTO jobs ({_FIELDS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",  # noqa: S608
                (*values[:11], _items_json(job.items), job.created_ms),
            )
        return job

    def get(self, job_id: str) -> JobRecord | None:
        with self._db.transaction() as conn:
            row = conn.execute(
                f"SELECT {_FIELDS} FROM jobs WHERE id = ?",  # noqa: S608
                (job_id,),
            ).fetchone()
        if row is None:
            return None
        items = tuple(Item(**entry) for entry in json.loads(row[11]))
        return JobRecord(
            id=row[0],
            kind=row[1],
            op=row[2],
            access_key=row[3],
            notify_url=row[4],
            separate=row[5],
            force=row[6],
            input_bucket=row[7],
            input_key=row[8],
            input_size=row[9],
            state=row[10],
            items=items,
            created_ms=row[12],
        )

    def update(self, job: JobRecord) -> None:
        with self._db.transaction() as conn:
            conn.execute(
                "UPDATE jobs SET state = ?, items = ? WHERE id = ?",
                (job.state, _items_json(job.items), job.id),
            )

    def unfinished(self) -> list[str]:
        with self._db.transaction() as conn:
            rows = conn.execute(
                "SELECT id FROM jobs WHERE state IN (?, ?, ?) ORDER BY created_ms",
                (WAITING, PROCESSING, NOTIFYING),
            ).fetchall()
        return [job_id for (job_id,) in rows]


Perform = Callable[[JobRecord, Item], Item]
Notify = Callable[[JobRecord], bool]


class JobRunner:
    """Runs jobs in submission order; ``perform`` runs one command in a worker thread."""

    def __init__(self, jobs: JobStore, perform: Perform, notify: Notify) -> None:
        self._jobs = jobs
        self._perform = perform
        self._notify = notify
        self._queue: asyncio.Queue[str] = asyncio.Queue()
        self._loop: asyncio.AbstractEventLoop | None = None

    def submit(self, job_id: str) -> None:
        """Queue a stored job; callable from the event loop or from a worker thread."""
        if self._loop is None:
            raise RuntimeError("the job runner is not running")
        self._loop.call_soon_threadsafe(self._queue.put_nowait, job_id)

    def start(self) -> asyncio.Task[None]:
        """Start the worker on the running loop (jobs left unfinished are resumed)."""
        self._loop = asyncio.get_running_loop()
        return asyncio.create_task(self._run(), name="wcs-emulator-jobs")

    async def _run(self) -> None:
        for job_id in await run_in_threadpool(self._jobs.unfinished):
            self.submit(job_id)
        while True:
            job_id = await self._queue.get()
            try:
                await self._process(job_id)
            except Exception:
                log.exception("job %s failed unexpectedly", job_id)

    def _run_item(self, job: JobRecord, item: Item) -> Item:
        try:
            return self._perform(job, item)
        except EmulatorError as exc:
            return item.failed(exc.message)
        except Exception as exc:
            log.exception("job %s: command %s failed", job.id, item.cmd)
            return item.failed(f"internal error: {type(exc).__name__}: {exc}")

    async def _process(self, job_id: str) -> None:
        job = await run_in_threadpool(self._jobs.get, job_id)
        if job is None:
            return
        if job.state in (WAITING, PROCESSING):
            job = attrs.evolve(job, state=PROCESSING)
            await run_in_threadpool(self._jobs.update, job)
            for index, item in enumerate(job.items):
                if item.code in (ITEM_FAILED, ITEM_SUCCEEDED):
                    continue  # done before a restart
                outcome = await run_in_threadpool(self._run_item, job, item)
                items = (*job.items[:index], outcome, *job.items[index + 1 :])
                job = attrs.evolve(job, items=items)
                await run_in_threadpool(self._jobs.update, job)
            job = attrs.evolve(job, state=NOTIFYING if job.notify_url else DONE)
            await run_in_threadpool(self._jobs.update, job)
        if job.state == NOTIFYING:
            try:
                delivered = await run_in_threadpool(self._notify, job)
            except Exception:
                # Still an end: a job must not stay "notifying" for good.
                log.exception("job %s: notifying %s failed", job.id, job.notify_url)
                delivered = False
            await run_in_threadpool(
                self._jobs.update, attrs.evolve(job, state=NOTIFIED if delivered else NOTIFY_FAILED)
            )
