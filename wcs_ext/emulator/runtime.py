"""Everything one running emulator holds, opened from its data directory.

The data directory is the whole state: ``meta.sqlite3`` (metadata, the ctx secret) and
the blob folders, readable by the emulator's user only. Opening it again after a stop
or a crash gives back every object, every unfinished multipart block and every job.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Final

import attrs
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from .clock import now_ms
from .endpoints.token_checks import Verifier
from .settings import EmulatorSettings
from .state.blob_files import BlobStore
from .state.ctx_tokens import CtxCodec, stored_ctx_secret
from .state.database import Database
from .state.job_commands import Operations
from .state.job_queue import JobRecord, JobRunner, JobStore
from .state.multipart_store import BlockLocks, BlockStore
from .state.object_store import ObjectStore
from .state.private_files import make_folder
from .state.usage_stats import UsageStats

__all__ = ["Runtime", "make_data_dir", "runtime_of"]

log = logging.getLogger("wcs_ext.emulator")

_DB_NAME: Final = "meta.sqlite3"


def make_data_dir(path: Path) -> None:
    """Create the data directory (0700: it holds the ctx secret) if it is missing.

    An existing one keeps its mode (it may be any folder the user named); what the
    emulator makes or keeps inside it is private all the same (``state.private_files``).
    """
    make_folder(path, parents=True)


@attrs.define(kw_only=True)
class Runtime:
    settings: EmulatorSettings
    db: Database
    blobs: BlobStore
    objects: ObjectStore
    usage: UsageStats
    blocks: BlockStore
    block_locks: BlockLocks
    verifier: Verifier
    jobs: JobStore
    operations: Operations
    runner: JobRunner
    clock: Callable[[], int] = now_ms

    @classmethod
    def open(cls, settings: EmulatorSettings) -> Runtime:
        """Open (or create) the data directory; blocking, run it in a thread."""
        make_data_dir(settings.data_dir)
        db = Database(settings.data_dir / _DB_NAME)
        blobs = BlobStore(settings.data_dir)
        objects = ObjectStore(db, blobs)
        objects.add_buckets(settings.buckets)
        blocks = BlockStore(
            db, blobs, CtxCodec(stored_ctx_secret(db)), ttl_ms=int(settings.ctx_ttl * 1000)
        )
        blocks.prune_missing()
        removed = blobs.clean(objects.live_blobs(), blocks.live_files())
        if removed:
            log.info("removed %d leftover files from an earlier run", removed)
        verifier = Verifier(settings.credentials)
        jobs = JobStore(db)
        operations = Operations(objects, blobs, secret_of=verifier.secret_of)
        return cls(
            settings=settings,
            db=db,
            blobs=blobs,
            objects=objects,
            usage=UsageStats(db),
            blocks=blocks,
            block_locks=BlockLocks(),
            verifier=verifier,
            jobs=jobs,
            operations=operations,
            runner=JobRunner(jobs, operations.perform, operations.notify),
        )

    def close(self) -> None:
        self.db.close()

    def start_job(self, job: JobRecord) -> str:
        """Store a new job and queue it for the worker; returns its ``persistentId``."""
        stored = self.jobs.create(job)
        self.runner.submit(stored.id)
        return stored.id

    async def sweep_forever(self) -> None:
        """Purge expired objects and blocks; reads hide them before this runs."""
        while True:
            await asyncio.sleep(self.settings.sweep_interval)
            try:
                await run_in_threadpool(self.objects.sweep)
                self.block_locks.drop(await run_in_threadpool(self.blocks.sweep))
            except Exception:
                log.exception("sweeping expired data failed")


def runtime_of(request: Request) -> Runtime:
    runtime: Runtime = request.state.emulator
    return runtime
