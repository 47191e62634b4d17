"""How a batch of fmgr commands is split into jobs the service takes (pure).

WCS documents no number of commands per job; the emulator, like any front end, takes a
request body of 1 MiB at most (a 413 beyond). A job here holds at most
:data:`MAX_OPS_PER_JOB` commands and :data:`MAX_BODY_BYTES` bytes of them: a key may be
1000 bytes, 1,336 in Base64, so a move or copy command is up to about 2.7 KB and the
byte bound is the one that matters for long keys.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["MAX_BODY_BYTES", "MAX_OPS_PER_JOB", "split_jobs"]

MAX_OPS_PER_JOB = 1000
MAX_BODY_BYTES = 256 * 1024


def split_jobs(
    ops: Sequence[str], *, max_ops: int = MAX_OPS_PER_JOB, max_bytes: int = MAX_BODY_BYTES
) -> list[range]:
    """Consecutive index ranges of ``ops``, each one job: at most ``max_ops`` commands
    whose ``;``-joined text is at most ``max_bytes`` (a single longer command still
    goes, alone: the server is the judge of it)."""
    if max_ops < 1 or max_bytes < 1:
        raise ValueError("a job holds at least one command")
    jobs: list[range] = []
    start, size = 0, 0
    for index, op in enumerate(ops):
        cost = len(op.encode("utf-8")) + (1 if index > start else 0)
        if index > start and (index - start >= max_ops or size + cost > max_bytes):
            jobs.append(range(start, index))
            start, size, cost = index, 0, len(op.encode("utf-8"))
        size += cost
    if start < len(ops):
        jobs.append(range(start, len(ops)))
    return jobs
