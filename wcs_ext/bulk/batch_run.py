"""Batch jobs: many deletes, copies or moves as fmgr jobs, with a result per key.

The commands are split into jobs the service takes (``batch_plan``), every job is
submitted, then each is polled until the server has finished it. A command's result is
its item in the job's status (matched by the command's text); a job that could not be
submitted, or whose status could not be read, fails each of its commands with the
reason.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import attrs

from ..errors import WcsError
from ..models import JobStatus
from .batch_plan import MAX_BODY_BYTES, MAX_OPS_PER_JOB, split_jobs

if TYPE_CHECKING:
    from .._sync.resources.jobs import FmgrName, Job
    from ..client import Wcs

__all__ = ["BatchOp", "run_batch"]

# Batches are short: look soon, and never wait long between looks.
_FIRST_POLL = 0.05
_LONGEST_POLL = 2.0


@attrs.frozen
class BatchOp:
    """One command: what it is about (the source as the user named it) and its text."""

    label: str
    fops: str


def _item_failures(ops: Sequence[BatchOp], status: JobStatus) -> dict[str, str | None]:
    by_cmd = {item.cmd: item for item in status.items}
    outcome: dict[str, str | None] = {}
    for op in ops:
        item = by_cmd.get(op.fops)
        if item is None:
            outcome[op.label] = f"job {status.id} did not report this command"
        elif item.succeeded:
            outcome[op.label] = None
        else:
            outcome[op.label] = item.error or item.desc or f"failed (code {item.code})"
    return outcome


def run_batch(
    wcs: Wcs,
    name: FmgrName,
    ops: Sequence[BatchOp],
    *,
    done: Callable[[str, str | None], None],
    max_ops: int = MAX_OPS_PER_JOB,
    max_bytes: int = MAX_BODY_BYTES,
    timeout: float = 600.0,
) -> None:
    """Run ``ops`` as fmgr ``name`` jobs; ``done(label, failure)`` for each command."""
    submitted: list[tuple[Job, Sequence[BatchOp]]] = []
    for job_range in split_jobs([op.fops for op in ops], max_ops=max_ops, max_bytes=max_bytes):
        part = ops[job_range.start : job_range.stop]
        try:
            job = wcs.fmgr.submit(name, ";".join(op.fops for op in part))
        except WcsError as exc:
            for op in part:
                done(op.label, str(exc))
            continue
        submitted.append((job, part))
    for job, part in submitted:
        try:
            status = job.wait(timeout=timeout, poll=_FIRST_POLL, max_poll=_LONGEST_POLL)
            outcome = _item_failures(part, status)
        except WcsError as exc:
            outcome = {op.label: f"{exc} (it may have been done)" for op in part}
        for op in part:
            done(op.label, outcome[op.label])
