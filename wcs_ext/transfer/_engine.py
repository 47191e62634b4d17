"""The drivers that perform the steps of the flows: threads for ``Wcs``, tasks for
``AsyncWcs``. Blocks run concurrently (bounded); the chunks of one block in order.

Memory is bounded by construction: a worker holds one chunk of its block at a time
(file uploads read in place with ``pread``), a stream upload at most one block per
worker plus the one being read.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable, Mapping, Sequence
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from typing import Any, TypeVar

from ..errors import WcsError
from ..protocol.blocks import BlockSpan
from ._flow import Flow, ReadStep, SendStep, UploadJob, block_flow
from ._readers import Readable, read_exactly
from ._record import BlockState

__all__ = [
    "Cancelled",
    "drive",
    "drive_async",
    "run_blocks",
    "run_blocks_async",
    "run_stream_blocks",
]

T = TypeVar("T")
Read = Callable[[int, int], bytes]
Send = Callable[[SendStep[Any]], Any]
AsyncRead = Callable[[int, int], Awaitable[bytes]]
AsyncSend = Callable[[SendStep[Any]], Awaitable[Any]]


class Cancelled(Exception):
    """Another block failed (or the user interrupted): this one stops between steps."""


def drive(flow: Flow[T], *, read: Read, send: Send, cancel: threading.Event | None = None) -> T:
    """Run a flow to its end in this thread."""
    value: Any = None
    error: BaseException | None = None
    while True:
        if error is None and cancel is not None and cancel.is_set():
            error = Cancelled()
        try:
            step = flow.throw(error) if error is not None else flow.send(value)
        except StopIteration as stop:
            result: T = stop.value
            return result
        value, error = None, None
        try:
            value = read(step.offset, step.size) if isinstance(step, ReadStep) else send(step)
        except WcsError as exc:
            error = exc  # the flow decides: restart the block, or let it propagate


async def drive_async(flow: Flow[T], *, read: AsyncRead, send: AsyncSend) -> T:
    """Run a flow to its end in this task (cancellation arrives as CancelledError)."""
    value: Any = None
    error: BaseException | None = None
    while True:
        try:
            step = flow.throw(error) if error is not None else flow.send(value)
        except StopIteration as stop:
            result: T = stop.value
            return result
        value, error = None, None
        try:
            if isinstance(step, ReadStep):
                value = await read(step.offset, step.size)
            else:
                value = await send(step)
        except WcsError as exc:
            error = exc


def _drive_block(
    flow: Flow[BlockState], *, read: Read, send: Send, cancel: threading.Event
) -> BlockState:
    """Drive one block's flow; a failure stops the other blocks at their next step."""
    try:
        return drive(flow, read=read, send=send, cancel=cancel)
    except BaseException:
        cancel.set()
        raise


def _stop_unless_all_done(futures: Sequence[Future[Any]], cancel: threading.Event) -> None:
    """After a failure or an interrupt: the running blocks stop at their next step, the
    queued ones never start."""
    if not all(f.done() and f.exception() is None for f in futures):
        cancel.set()
        for future in futures:
            future.cancel()


def _raise_first_error(futures: Sequence[Future[Any]]) -> None:
    """The first real failure (not the Cancelled it caused in the other blocks)."""
    errors = [f.exception() for f in futures if f.done() and not f.cancelled()]
    real = [e for e in errors if e is not None and not isinstance(e, Cancelled)]
    error = real[0] if real else next((e for e in errors if e is not None), None)
    if error is not None:
        raise error


def run_blocks(
    job: UploadJob,
    blocks: Sequence[BlockSpan],
    resumed: Mapping[int, BlockState],
    *,
    read: Read,
    send: Send,
    concurrency: int,
) -> dict[int, BlockState]:
    """Send ``blocks`` on ``concurrency`` threads; the first failure stops the rest."""
    cancel = threading.Event()
    with ThreadPoolExecutor(max_workers=max(concurrency, 1), thread_name_prefix="wcs") as pool:
        futures = [
            pool.submit(
                _drive_block,
                block_flow(job, block, resumed.get(block.index)),
                read=read,
                send=send,
                cancel=cancel,
            )
            for block in blocks
        ]
        try:
            wait(futures, return_when=FIRST_EXCEPTION)
        finally:
            _stop_unless_all_done(futures, cancel)
    _raise_first_error(futures)
    return {block.index: future.result() for block, future in zip(blocks, futures, strict=True)}


def run_stream_blocks(
    job: UploadJob,
    stream: Readable,
    first: bytes,
    *,
    block_size: int,
    send: Send,
    concurrency: int,
) -> tuple[int, list[BlockState]]:
    """Read ``stream`` block by block (``first`` already read) and send each as it comes;
    at most ``concurrency`` blocks are in memory besides the one being read."""
    cancel = threading.Event()
    slots = threading.Semaphore(max(concurrency, 1))
    futures: list[Future[BlockState]] = []
    total = 0
    with ThreadPoolExecutor(max_workers=max(concurrency, 1), thread_name_prefix="wcs") as pool:
        try:
            data = first
            while data:
                slots.acquire()  # back-pressure: a worker is free before a block is queued
                futures.append(
                    pool.submit(_stream_block, job, total, data, len(futures), send, cancel)
                )
                futures[-1].add_done_callback(lambda _f: slots.release())
                total += len(data)
                if any(f.done() and f.exception() is not None for f in futures):
                    break
                data = read_exactly(stream, block_size)  # read on while the workers send
            wait(futures, return_when=FIRST_EXCEPTION)
        finally:
            _stop_unless_all_done(futures, cancel)
    _raise_first_error(futures)
    return total, [future.result() for future in futures]


def _stream_block(
    job: UploadJob, offset: int, data: bytes, index: int, send: Send, cancel: threading.Event
) -> BlockState:
    view = memoryview(data)

    def read(at: int, size: int) -> bytes:
        return bytes(view[at - offset : at - offset + size])

    block = BlockSpan(index, offset, len(data))
    return _drive_block(block_flow(job, block, None), read=read, send=send, cancel=cancel)


async def run_blocks_async(
    job: UploadJob,
    blocks: Sequence[BlockSpan],
    resumed: Mapping[int, BlockState],
    *,
    read: AsyncRead,
    send: AsyncSend,
    concurrency: int,
) -> dict[int, BlockState]:
    """The task twin of :func:`run_blocks`: a TaskGroup cancels the rest on a failure."""
    slots = asyncio.Semaphore(max(concurrency, 1))

    async def one(block: BlockSpan) -> BlockState:
        async with slots:
            flow = block_flow(job, block, resumed.get(block.index))
            return await drive_async(flow, read=read, send=send)

    try:
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(one(block)) for block in blocks]
    except BaseExceptionGroup as group_error:
        raise group_error.exceptions[0] from None
    return {block.index: task.result() for block, task in zip(blocks, tasks, strict=True)}
